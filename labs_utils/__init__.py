"""Shared plumbing for the NLP course labs; each module is one concern:

runtime     profiles (LABS_PROFILE), seeds, device, threads, timing
download    verified atomic downloads, safe archive extraction
parsers     each dataset's upstream format, quirks included
datasets    the registry and ``load(name, split)``
text        tokenizer, Vocab, numericalisation, padding collate, bucketing sampler
embeddings  GloVe as KeyedVectors and as an embedding matrix with an OOV report
train       ``fit`` (early stopping, clipping, penalties, history), evaluate, predict
metrics     accuracy, macro-F1, per-class report, confusion, one-vs-rest ROC
plots       curves, confusion heatmap, ROC, token heatmaps, word-score bars
results     ``record(lab, metrics)`` -> results/<lab>.json
"""
from .datasets import load
from .runtime import profile, setup

__all__ = ["load", "profile", "setup"]
