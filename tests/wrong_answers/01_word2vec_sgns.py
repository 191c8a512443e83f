"""Lab 01: wrong answers that pass the visible checks and fail the hidden ones (see tests/test_hidden_tests.py)."""

from pathlib import Path

from labs_utils.nbcode import cell_sources

PRELUDE = """\
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
import torch
import torch.nn as nn
import torch.nn.functional as F
from tqdm.auto import tqdm
"""

_NOISE_ARGSORT_INDEXED = """\
def noise_distribution(counts, power=0.75):
    counts = np.asarray(counts)
    order = np.argsort(counts, kind="stable")
    weights = torch.as_tensor(np.sort(counts), dtype=torch.float64).pow(power)[order]   # not the inverse of order
    return weights / weights.sum()


def sample_negatives(noise, shape, generator=None):
    cumulative = noise.cumsum(0)
    u = torch.rand(int(np.prod(shape)), generator=generator, dtype=cumulative.dtype) * cumulative[-1]
    return torch.searchsorted(cumulative, u, right=True).view(*shape)
"""

_PAIRS_CONTEXT_REACH = """\
def skipgram_pairs(ids, doc_ids, window, rng=None):
    ids, doc_ids = np.asarray(ids), np.asarray(doc_ids)
    n = len(ids)
    reach = np.full(n, window) if rng is None else rng.integers(1, window + 1, size=n)
    centres, contexts = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for d in range(1, min(window, n - 1) + 1):
        keep = np.flatnonzero((doc_ids[:-d] == doc_ids[d:]) & (reach[:-d] >= d))   # one mask for both sides
        centres += [ids[keep], ids[keep + d]]
        contexts += [ids[keep + d], ids[keep]]
    return np.concatenate(centres).astype(np.int64), np.concatenate(contexts).astype(np.int64)
"""

_LOSS_NEAR_EQUAL_GROUPS = """\
def sgns_loss(centre, context, noise):
    positive = F.logsigmoid((centre * context).sum(-1))
    parts = torch.arange(len(centre)).tensor_split(len(noise))   # near-equal parts
    group = torch.cat([torch.full((len(part),), g) for g, part in enumerate(parts)])
    negative = F.logsigmoid(-(noise[group] * centre.unsqueeze(1)).sum(-1)).sum(-1)
    return -(positive + negative)
"""

_MODEL_SWAPPED_TABLES = """\
class SkipGramNS(nn.Module):
    def __init__(self, vocab_size, dim, sparse=True):
        super().__init__()
        self.centre = nn.Embedding(vocab_size, dim, sparse=sparse)
        self.context = nn.Embedding(vocab_size, dim, sparse=sparse)
        nn.init.uniform_(self.centre.weight, -0.5 / dim, 0.5 / dim)
        nn.init.zeros_(self.context.weight)

    def forward(self, centres, contexts, negatives):
        return sgns_loss(self.context(centres), self.centre(contexts), self.centre(negatives))
"""

_BATCHES_GLOBAL_SHUFFLE = """\
def epoch_batches(ids, doc_ids, keep_prob, window, batch_size, rng, device="cpu"):
    kept, kept_docs = subsample(ids, doc_ids, keep_prob, rng)
    centres, contexts = skipgram_pairs(kept, kept_docs, window, rng)
    order = np.random.permutation(len(centres))  # numpy's global generator, not rng
    centres = torch.from_numpy(centres[order]).to(device)
    contexts = torch.from_numpy(contexts[order]).to(device)
    return list(zip(centres.split(batch_size), contexts.split(batch_size)))
"""

# the notebook's own train_sgns with one line changed, so the copy cannot drift from the solution
_CEIL_GROUPS = "groups = -(-len(c) // hp.noise_group)"
_TRAIN_SOLUTION = cell_sources(
    Path(__file__).resolve().parents[2] / "notebooks" / "01_word2vec_sgns.ipynb", ["train_sgns"]
)[0]
assert _TRAIN_SOLUTION.count(_CEIL_GROUPS) == 1, f"train_sgns no longer computes {_CEIL_GROUPS!r}: update this case"
_TRAIN_GROUPS_ROUNDED_DOWN = _TRAIN_SOLUTION.replace(_CEIL_GROUPS, "groups = max(1, len(c) // hp.noise_group)")

CASES = [
    dict(
        solution="noise_distribution",
        test="noise_distribution_test",
        setup=[],
        wrong=_NOISE_ARGSORT_INDEXED,
        name="noise_argsort_indexed",
        why="weights computed on sorted counts and indexed by argsort instead of its inverse: words get "
        "another word's probability (the visible counts' sort order happens to be its own inverse)",
    ),
    dict(
        solution="skipgram_pairs",
        test="skipgram_pairs_test",
        setup=[],
        wrong=_PAIRS_CONTEXT_REACH,
        name="pairs_reach_of_context",
        why="left-side pairs use the context's reach instead of the centre's: each distance keeps the right "
        "share, but a centre's window is no longer one reach on both sides",
    ),
    dict(
        solution="sgns_loss",
        test="sgns_loss_test",
        setup=[],
        wrong=_LOSS_NEAR_EQUAL_GROUPS,
        name="loss_near_equal_groups",
        why="tensor_split cuts the pairs into near-equal groups (10 pairs in 4: 3, 3, 2, 2) instead of "
        "ceil-sized ones in order (3, 3, 3, 1); both give 3 + 2 for the visible 5 pairs in 2 groups",
    ),
    dict(
        solution="skipgram_model",
        test="skipgram_model_test",
        setup=["sgns_loss"],
        wrong=_MODEL_SWAPPED_TABLES,
        name="model_swapped_tables",
        why="centres looked up in the context table and contexts in the centre table: with zero-initialised "
        "context vectors every visible check still holds",
    ),
    dict(
        solution="epoch_batches",
        test="epoch_batches_test",
        setup=["keep_probability", "skipgram_pairs"],
        wrong=_BATCHES_GLOBAL_SHUFFLE,
        name="batches_global_shuffle",
        why="the pairs are shuffled with np.random.permutation (numpy's global generator) instead of rng: "
        "every visible check holds, but two runs with the same seed train on different batches",
    ),
    dict(
        solution="train_sgns",
        test="train_sgns_test",
        setup=[
            "keep_probability",
            "noise_distribution",
            "skipgram_pairs",
            "sgns_loss",
            "skipgram_model",
            "make_optimizer",
            "epoch_batches",
        ],
        wrong=_TRAIN_GROUPS_ROUNDED_DOWN,
        name="train_groups_rounded_down",
        why="len(c) // noise_group blocks of noise words: right for the full batches of 256 (the visible first "
        "draw), too few for an epoch's short last batch, whose last pairs then share a larger group",
    ),
]
