"""Benchmark: lab 01's SGNS (the notebook's own solution cells) against gensim, same corpus and settings.

Run: LABS_DATA_DIR=/path/to/data .venv/bin/python bench/word2vec_throughput.py [--corpus full] [--epochs N]

`--corpus full` is the notebook's `full` profile (lab 02's Amazon training reviews + 50k unlabelled IMDB reviews,
about 12M training words); `--corpus quick` (those Amazon reviews only, under a million words) is a smoke mode: both
models are undertrained there and the quality ratios say little. The corpus, vocabulary (min_count), dimension,
window, noise words, pairs sharing a block of noise words (`noise_group`, lab 01 section 5), subsampling threshold,
optimiser, learning rate, batch size and epochs are read from the notebook's `profile(...)` call; `--epochs` overrides
the epochs for both models (they always get the same number), `--noise-group 1` draws ours' noise words per pair, as
gensim does.

Ours runs with `--threads` torch threads (default 2), gensim with as many worker threads. The timed part is
training only: for ours `train_sgns` (subsampling, pairs, shuffling and the steps of every epoch), for gensim
`Word2Vec.train` after `build_vocab`. Words/s = (training words x epochs) / those seconds. Quality: WordSim-353
and SimLex-999 Spearman correlations and Google-analogy accuracy, evaluated as in the lab (section 13). With a GPU,
ours is also timed there (not part of the ratios). The last line is
``throughput_ratio=.. wordsim_ratio=.. simlex_ratio=.. analogy_ratio=..``, each ours / gensim (CPU).
The machine's load average is printed before and after, and the CPU seconds each model's training used: other jobs
on the same cores stretch wall-clock times (unevenly, if the load changes between the two runs), CPU seconds less so.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NOTEBOOK = "01_word2vec_sgns.ipynb"
PRELUDE = """
import time
from types import SimpleNamespace
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
import torch.nn.functional as F
from tqdm.auto import tqdm
"""
CELLS = [
    "keep_probability",
    "noise_distribution",
    "skipgram_pairs",
    "sgns_loss",
    "skipgram_model",
    "make_optimizer",
    "epoch_batches",
    "train_sgns",
]


def load_docs(corpora: list[str]) -> list[list[str]]:
    """The notebook's corpus: lab 02's Amazon training reviews (its validation and test reviews left out), plus
    the unlabelled IMDB reviews when the profile names them."""
    from labs_utils import datasets
    from labs_utils.text import tokenize

    known = {"amazon", "imdb_unsup"}
    if not set(corpora) <= known:
        raise ValueError(f"unknown corpora {sorted(set(corpora) - known)} in the notebook's profile; known: {known}")
    texts = list(datasets.load("amazon_reviews", "train")["text"])
    if "imdb_unsup" in corpora:
        texts += list(datasets.load("imdb", "unsup")["text"])
    return [tokenize(t, words_only=True) for t in texts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus",
        choices=["quick", "full"],
        default="full",
        help="the notebook profile whose corpus and settings to use (quick: smoke mode)",
    )
    parser.add_argument("--epochs", type=int, default=None, help="epochs for both models (default: the profile's)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads for ours = gensim workers")
    parser.add_argument(
        "--noise-group", type=int, default=None, help="pairs per block of noise words (default: the profile's)"
    )
    args = parser.parse_args()
    if min(args.threads, args.epochs or 1, args.noise_group or 1) < 1:
        parser.error("--threads, --epochs and --noise-group must be at least 1")

    import numpy as np
    import torch
    from gensim.models import Word2Vec

    from labs_utils.embeddings import evaluate_analogies, evaluate_similarity, keyed_vectors, stable_hash
    from labs_utils.nbcode import exec_cells, profile_settings
    from labs_utils.runtime import set_seed
    from labs_utils.text import Vocab, flatten_corpus

    cfg = profile_settings(NOTEBOOK)[args.corpus]
    epochs = args.epochs or cfg["epochs"]
    cfg["noise_group"] = args.noise_group or cfg["noise_group"]
    torch.set_num_threads(args.threads)
    lab = exec_cells(NOTEBOOK, CELLS, prelude=PRELUDE)
    docs = load_docs(cfg["corpora"])
    vocab = Vocab.build(docs, min_freq=cfg["min_count"])
    ids, doc_ids = flatten_corpus(docs, vocab)
    counts = np.bincount(ids, minlength=len(vocab))
    keep = lab["keep_probability"](counts / counts.sum(), cfg["subsample_t"])
    noise = lab["noise_distribution"](counts)
    load_before = os.getloadavg()
    print(
        f"corpus {args.corpus}: {len(docs):,} reviews, {len(ids):,} training words, vocabulary "
        f"{len(vocab) - 2:,}; dim {cfg['dim']}, window {cfg['window']}, {cfg['negatives']} noise words, "
        f"t {cfg['subsample_t']:g}, {epochs} epochs; ours: {cfg['optimizer']} lr {cfg['lr']:g} batch "
        f"{cfg['batch_size']}, noise words shared by {cfg['noise_group']} pairs, {args.threads} torch threads; "
        f"gensim: {args.threads} workers"
    )
    print(
        f"load average before (1, 5, 15 min): {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} "
        f"on {os.cpu_count()} CPUs"
    )

    def quality(kv):
        return (
            evaluate_similarity(kv, "wordsim353")["spearman"],
            evaluate_similarity(kv, "simlex999")["spearman"],
            evaluate_analogies(kv)["accuracy"],
        )

    rows, cpu = {}, {}  # cpu: CPU seconds of this process (all its threads) while training
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for device in devices:
        set_seed(0)
        cpu_start = time.process_time()
        model = lab["SkipGramNS"](len(vocab), cfg["dim"], sparse=cfg["optimizer"] != "adam")
        hp = SimpleNamespace(**cfg | {"epochs": epochs})
        log = lab["train_sgns"](model, ids, doc_ids, keep, noise, hp, device=device)
        seconds, cpu[device] = float(log["seconds"].iloc[-1]), time.process_time() - cpu_start
        rows[f"ours ({device})"] = (seconds, *quality(keyed_vectors(vocab.itos[2:], model.centre.weight[2:])))

    gensim_docs = [[w for w in d if w in vocab.stoi] for d in docs]  # exactly the words ours trains on
    gensim_model = Word2Vec(
        vector_size=cfg["dim"],
        window=cfg["window"],
        sg=1,
        hs=0,
        negative=cfg["negatives"],
        ns_exponent=0.75,
        sample=cfg["subsample_t"],
        min_count=1,
        workers=args.threads,
        seed=0,
        hashfxn=stable_hash,
    )
    gensim_model.build_vocab(gensim_docs)
    start, cpu_start = time.perf_counter(), time.process_time()
    gensim_model.train(gensim_docs, total_examples=len(gensim_docs), epochs=epochs)
    seconds, cpu["gensim"] = time.perf_counter() - start, time.process_time() - cpu_start
    rows[f"gensim ({args.threads} workers)"] = (seconds, *quality(gensim_model.wv))
    load_after = os.getloadavg()

    words = len(ids) * epochs
    print(f"{'model':<20} {'seconds':>8} {'words/s':>10} {'WordSim':>8} {'SimLex':>8} {'analogy':>8}")
    for name, (seconds, ws, sl, an) in rows.items():
        print(f"{name:<20} {seconds:8.1f} {words / seconds:10,.0f} {ws:8.3f} {sl:8.3f} {an:8.3f}")
    print(f"load average after (1, 5, 15 min): {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    ours, ref = rows["ours (cpu)"], rows[f"gensim ({args.threads} workers)"]
    print(
        f"CPU seconds while training (all threads): ours {cpu['cpu']:.0f}, gensim {cpu['gensim']:.0f}; "
        f"words per CPU-second ours / gensim = {cpu['gensim'] / cpu['cpu']:.2f} (less sensitive to other jobs)"
    )
    if "ours (cuda)" in rows:
        print(f"gpu_vs_gensim_cpu={ref[0] / rows['ours (cuda)'][0]:.2f}")
    ratio = lambda a, b: a / b if b else float("nan")
    print(
        f"throughput_ratio={ref[0] / ours[0]:.2f} wordsim_ratio={ratio(ours[1], ref[1]):.2f} "
        f"simlex_ratio={ratio(ours[2], ref[2]):.2f} analogy_ratio={ratio(ours[3], ref[3]):.2f}"
    )


if __name__ == "__main__":
    main()
