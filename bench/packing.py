"""Benchmark: one training epoch of a GRU classifier with padded, bucketed, gathered and packed batches.

Run: LABS_DATA_DIR=/path/to/staged/data .venv/bin/python bench/packing.py [--imdb-n 1000] [--max-len 400]

Lab 03 (issue 5) asks when packing is slower than padding and how to get a *correct* final state
(packed, or gathered at each sequence's true length) at no more than the naive padded cost.
Variants, each timed for one epoch (forward, backward, Adam step; the best of ``--repeats``
epochs, interleaved so that load changes hit all variants alike):

  naive_padded            random batches, state read after the padding (wrong; the baseline)
  padded_bucketed         length-bucketed batches, state read after the padding (wrong, less padding)
  padded_gathered         random batches, outputs[b, length_b - 1] (correct for a unidirectional RNN)
  padded_bucketed_gathered  bucketed batches + gather (correct)
  packed                  random batches, pack_padded_sequence in every forward (correct)
  packed_bucketed_once    bucketed batches whose token ids were packed once, before training (correct)

Data: the TREC training split (questions of ~10 tokens) and the first ``--imdb-n`` reviews of
``datasets.load("imdb", "train")``, truncated to ``--max-len`` tokens (real IMDB lengths, not
synthetic ones). Prints a table with each variant's seconds per epoch and its ratio to naive
padded; the last line is ``best_correct_vs_naive_padded=<ratio on the IMDB-length sequences>``.

Threads: on a machine shared with other busy processes, pass ``--threads 1`` (or export
``OMP_WAIT_POLICY=PASSIVE``): OpenMP threads that spin-wait for a descheduled partner made a
2-thread training step of this size up to ~50x slower there.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402

from labs_utils import datasets  # noqa: E402
from labs_utils.runtime import set_seed, set_threads  # noqa: E402
from labs_utils.text import (
    PAD_ID,
    BucketBatchSampler,
    EncodedDataset,
    Vocab,
    collate_batch,  # noqa: E402
    numericalize,
    tokenize,
)

# name -> (correct?, batching, readout)
VARIANTS = {
    "naive_padded": (False, "random", "end"),
    "padded_bucketed": (False, "bucket", "end"),
    "padded_gathered": (True, "random", "gather"),
    "padded_bucketed_gathered": (True, "bucket", "gather"),
    "packed": (True, "random", "packed"),
    "packed_bucketed_once": (True, "packed_once", "packed"),
}


class Classifier(nn.Module):
    def __init__(self, vocab_size: int, n_classes: int, emb_dim: int, hidden: int, cell: str):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=PAD_ID)
        self.rnn = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell](emb_dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_classes)

    @staticmethod
    def _last(h_n):
        return (h_n[0] if isinstance(h_n, tuple) else h_n)[-1]

    def forward(self, tokens, lengths, readout: str):
        if isinstance(tokens, PackedSequence):  # token ids packed once: embed the packed data
            x = PackedSequence(
                self.embedding(tokens.data), tokens.batch_sizes, tokens.sorted_indices, tokens.unsorted_indices
            )
            return self.out(self._last(self.rnn(x)[1]))
        x = self.embedding(tokens)
        if readout == "end":
            return self.out(self._last(self.rnn(x)[1]))
        if readout == "gather":
            outputs, _ = self.rnn(x)
            return self.out(outputs[torch.arange(len(tokens)), lengths - 1])
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        return self.out(self._last(self.rnn(packed)[1]))


def batches(ds: EncodedDataset, batching: str, batch_size: int, seed: int):
    """An iterable of (tokens, lengths, labels) batches; packed_once packs the token ids here, once."""
    if batching == "random":
        return DataLoader(
            ds,
            batch_size=batch_size,
            shuffle=True,
            collate_fn=collate_batch,
            generator=torch.Generator().manual_seed(seed),
        )
    sampler = BucketBatchSampler(ds.lengths(), batch_size, shuffle=True, seed=seed)
    if batching == "bucket":
        return DataLoader(ds, batch_sampler=sampler, collate_fn=collate_batch)
    packed = []
    for index in sampler:
        tokens, lengths, labels = collate_batch([ds[i] for i in index])
        packed.append((pack_padded_sequence(tokens, lengths, batch_first=True, enforce_sorted=False), lengths, labels))
    return packed


def padding_fraction(loader) -> float:
    cells = real = 0
    for tokens, lengths, _ in loader:
        if isinstance(tokens, PackedSequence):
            cells += int(lengths.sum())
        else:
            cells += tokens.numel()
        real += int(lengths.sum())
    return 1 - real / cells


def time_epoch(model, loader, readout: str) -> float:
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    start = time.perf_counter()
    for tokens, lengths, labels in loader:
        loss = F.cross_entropy(model(tokens, lengths, readout), labels)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def run(name: str, ds: EncodedDataset, vocab_size: int, n_classes: int, args) -> dict[str, float]:
    lengths = np.array(ds.lengths())
    print(
        f"\n== {name}: {len(ds):,} sequences, length median {np.median(lengths):.0f}, "
        f"mean {lengths.mean():.0f}, max {lengths.max()}",
        flush=True,
    )
    loaders = {v: batches(ds, VARIANTS[v][1], args.batch_size, seed=0) for v in VARIANTS}
    best = {v: float("inf") for v in VARIANTS}
    for _ in range(args.repeats):
        for variant, (_, _, readout) in VARIANTS.items():
            set_seed(0)
            model = Classifier(vocab_size, n_classes, args.emb_dim, args.hidden, args.cell)
            best[variant] = min(best[variant], time_epoch(model, loaders[variant], readout))
    base = best["naive_padded"]
    print(f"{'variant':26s} {'correct':>7s} {'padding':>8s} {'s/epoch':>8s} {'vs naive':>8s}")
    for variant, (correct, _, _) in VARIANTS.items():
        print(
            f"{variant:26s} {'yes' if correct else 'no':>7s} {padding_fraction(loaders[variant]):8.0%} "
            f"{best[variant]:8.2f} {best[variant] / base:8.2f}x",
            flush=True,
        )
    return {v: best[v] / base for v in VARIANTS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imdb-n", type=int, default=1000, help="first N IMDB training reviews")
    parser.add_argument("--max-len", type=int, default=400, help="IMDB truncation length (tokens)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--emb-dim", type=int, default=100)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--cell", choices=["rnn", "gru", "lstm"], default="gru")
    parser.add_argument("--repeats", type=int, default=2, help="epochs per variant; the fastest counts")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: LABS_THREADS or all cores)")
    args = parser.parse_args()
    threads = set_threads(args.threads)
    print(
        f"torch {torch.__version__}, {threads} threads, oneDNN available: {torch.backends.mkldnn.is_available()}, "
        f"load average {os.getloadavg()[0]:.2f}; {args.cell.upper()} emb {args.emb_dim} hidden {args.hidden}, "
        f"batch {args.batch_size}, best of {args.repeats} epoch(s)"
    )

    trec = datasets.load("trec", "train")
    vocab = Vocab.build(tokenize(t) for t in trec["text"])
    ds = EncodedDataset(numericalize(trec["text"], vocab), trec["label"].tolist())
    run("TREC train questions", ds, len(vocab), 6, args)

    imdb = datasets.load("imdb", "train").iloc[: args.imdb_n]
    vocab = Vocab.build((tokenize(t) for t in imdb["text"]), max_size=20_000)
    ds = EncodedDataset(numericalize(imdb["text"], vocab, max_len=args.max_len), imdb["label"].tolist())
    ratios = run(
        f"IMDB, first {args.imdb_n:,} training reviews, truncated to {args.max_len} tokens", ds, len(vocab), 2, args
    )

    best_correct = min((r, v) for v, r in ratios.items() if VARIANTS[v][0])
    print(
        f"\nfastest correct variant on IMDB-length sequences: {best_correct[1]} ({best_correct[0]:.2f}x naive padded)"
    )
    print(f"best_correct_vs_naive_padded={best_correct[0]:.3f}")


if __name__ == "__main__":
    main()
