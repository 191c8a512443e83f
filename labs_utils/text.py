"""Tokenisation, vocabulary, numericalisation and batching (what torchtext used to do).

Why: torchtext is dead, and every RNN lab needs the same four pieces:

* ``tokenize`` -- lower-cases and splits words, numbers, contractions and punctuation
  (optionally splitting clitics as GloVe's corpora did: "don't" -> "do" "n't");
* ``flatten_corpus`` -- a corpus as one id array plus document ids (for word2vec windows);
* ``Vocab`` -- token <-> id with ``<pad>`` = 0 and ``<unk>`` = 1, ``min_freq``/``max_size``,
  deterministic order (count, then alphabet), save/load as JSON;
* ``collate_batch`` -- pads a batch and returns the true lengths for
  ``pack_padded_sequence``; an empty text becomes one ``<pad>`` of length 1, so packing
  never sees a zero length;
* ``BucketBatchSampler`` -- batches of similar lengths (less padding), shuffled per epoch;
  ``bucket_loader`` wraps it, ``random_loader`` is its unbucketed counterpart;
* ``log_odds_z`` -- which words mark one of two classes (a log-odds z-score per word).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch.nn.utils.rnn import pad_sequence

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1

# numbers with a decimal point or thousands separator ("3.5", "1,000"), words with inner
# apostrophes or hyphens ("don't", "well-made"), or any other single non-space character
_TOKEN = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:['’\-][^\W_]+)*|[^\w\s]|_", re.UNICODE)


# a clitic at the end of a word, split off as the Penn Treebank tokenizer did for GloVe's corpora
_CLITIC = re.compile(r"^(.+?)(n't|'s|'re|'ve|'ll|'d|'m)$", re.IGNORECASE)


def tokenize(text: str, lower: bool = True, words_only: bool = False, split_contractions: bool = False) -> list[str]:
    """Split ``text`` into word and punctuation tokens (``words_only``: drop punctuation).

    ``split_contractions`` splits clitics off as GloVe's training corpora were tokenised
    ("don't" -> "do" "n't", "can't" -> "ca" "n't", "it's" -> "it" "'s", "i'm" -> "i" "'m",
    with ’ read as '): GloVe has vectors for those pieces and none for "don't" or "it's",
    which are among the most frequent words of reviews. Use it wherever GloVe is looked up.

    >>> tokenize("Don't stop -- it's 3.5 stars!")
    ["don't", 'stop', '-', '-', "it's", '3.5', 'stars', '!']
    >>> tokenize("Don't stop -- it's 3.5 stars!", words_only=True)
    ["don't", 'stop', "it's", '3.5', 'stars']
    >>> tokenize("Don't stop -- it's 3.5 stars!", words_only=True, split_contractions=True)
    ['do', "n't", 'stop', 'it', "'s", '3.5', 'stars']
    """
    if lower:
        text = text.lower()
    tokens = _TOKEN.findall(text)
    if words_only:
        tokens = [t for t in tokens if t[0].isalnum()]
    if split_contractions:
        tokens = [piece for t in tokens for piece in _split_clitic(t)]
    return tokens


def _split_clitic(token: str) -> tuple[str, ...]:
    match = _CLITIC.match(token.replace("’", "'"))
    return match.groups() if match else (token,)


class Vocab:
    """A token <-> id mapping built from token counts.

    Ids 0 and 1 are ``<pad>`` and ``<unk>``; then tokens by decreasing count, ties broken
    alphabetically, so the same corpus always gives the same ids.
    """

    def __init__(self, tokens: Sequence[str], counts: dict[str, int] | None = None):
        if list(tokens[:2]) != [PAD, UNK]:
            raise ValueError(f"a Vocab must start with {PAD!r}, {UNK!r}; got {list(tokens[:2])}")
        if len(set(tokens)) != len(tokens):
            raise ValueError("a Vocab cannot hold a token twice")
        self.itos = list(tokens)
        self.stoi = {t: i for i, t in enumerate(self.itos)}
        self.counts = dict(counts or {})

    @classmethod
    def build(cls, token_lists: Iterable[Sequence[str]], min_freq: int = 1, max_size: int | None = None) -> Vocab:
        """Count tokens; keep those seen ``min_freq`` times, at most ``max_size`` (plus specials)."""
        counter = Counter()
        for tokens in token_lists:
            counter.update(tokens)
        kept = sorted(
            (t for t, c in counter.items() if c >= min_freq and t not in (PAD, UNK)), key=lambda t: (-counter[t], t)
        )
        if max_size is not None:
            kept = kept[:max_size]
        return cls([PAD, UNK, *kept], {t: counter[t] for t in kept})

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def __getitem__(self, token: str) -> int:
        return self.stoi.get(token, UNK_ID)

    def encode(self, tokens: Sequence[str]) -> list[int]:
        return [self.stoi.get(t, UNK_ID) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        return [self.itos[int(i)] for i in ids]

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps({"itos": self.itos, "counts": self.counts}))

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        data = json.loads(Path(path).read_text())
        return cls(data["itos"], data.get("counts"))

    def __repr__(self) -> str:
        return f"Vocab({len(self)} tokens: {self.itos[2:7]}...)"


def flatten_corpus(
    token_lists: Iterable[Sequence[str]], vocab: Vocab, drop_unknown: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Encode a corpus as one long id array plus the document index of every token.

    Word2vec-style trainers slide windows over this array and use ``doc_ids`` so that no
    window crosses from one document into the next. With ``drop_unknown`` (the word2vec
    convention), words below the vocabulary's ``min_freq`` are removed before windowing.
    Returns ``(ids, doc_ids)``, both int64.
    """
    id_parts, doc_parts = [], []
    for doc, tokens in enumerate(token_lists):
        ids = np.fromiter((vocab.stoi.get(t, UNK_ID) for t in tokens), dtype=np.int64, count=len(tokens))
        if drop_unknown:
            ids = ids[ids != UNK_ID]
        id_parts.append(ids)
        doc_parts.append(np.full(len(ids), doc, dtype=np.int64))
    if not id_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(id_parts), np.concatenate(doc_parts)


def numericalize(
    texts: Iterable[str], vocab: Vocab, max_len: int | None = None, tokenizer=tokenize
) -> list[torch.Tensor]:
    """Tokenise and encode each text as a LongTensor, keeping the first ``max_len`` tokens."""
    out = []
    for text in texts:
        ids = vocab.encode(tokenizer(text))
        if max_len is not None:
            ids = ids[:max_len]
        out.append(torch.tensor(ids, dtype=torch.long))
    return out


class EncodedDataset(torch.utils.data.Dataset):
    """Pairs of (token-id tensor, label) for a DataLoader with ``collate_batch``."""

    def __init__(self, sequences: Sequence[torch.Tensor], labels: Sequence[int]):
        if len(sequences) != len(labels):
            raise ValueError(f"{len(sequences)} sequences but {len(labels)} labels")
        self.sequences = list(sequences)
        self.labels = torch.as_tensor(list(labels), dtype=torch.long)

    def __len__(self) -> int:
        return len(self.sequences)

    def __getitem__(self, i):
        return self.sequences[i], self.labels[i]

    def lengths(self) -> list[int]:
        return [len(s) for s in self.sequences]


def collate_batch(batch: Sequence[tuple[torch.Tensor, torch.Tensor]]):
    """Pad a batch of (ids, label) -> ``(tokens [B, T], lengths [B], labels [B])``.

    ``lengths`` is a CPU int64 tensor, as ``pack_padded_sequence`` wants. An empty sequence
    is given one ``<pad>`` token and length 1.
    """
    seqs, labels = zip(*batch)
    seqs = [s if len(s) else torch.tensor([PAD_ID], dtype=torch.long) for s in seqs]
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.long)
    tokens = pad_sequence(seqs, batch_first=True, padding_value=PAD_ID)
    return tokens, lengths, torch.stack([torch.as_tensor(y) for y in labels])


class BucketBatchSampler(torch.utils.data.Sampler):
    """Yield batches of indices whose sequences have similar lengths.

    Indices are shuffled, cut into pools of ``batch_size * pool_batches``, each pool is
    sorted by length and cut into batches, and the batches are shuffled. Deterministic for
    a given ``seed`` and epoch (call ``set_epoch`` each epoch for a new order).
    """

    def __init__(
        self,
        lengths: Sequence[int],
        batch_size: int,
        shuffle: bool = True,
        pool_batches: int = 50,
        seed: int = 0,
        drop_last: bool = False,
    ):
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.lengths = list(lengths)
        self.batch_size, self.shuffle, self.pool_batches = batch_size, shuffle, pool_batches
        self.seed, self.epoch, self.drop_last = seed, 0, drop_last

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self) -> Iterator[list[int]]:
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch)  # (seed, epoch) pairs never collide
        n = len(self.lengths)
        order = torch.randperm(n, generator=g).tolist() if self.shuffle else list(range(n))
        pool = self.batch_size * self.pool_batches
        batches = []
        for start in range(0, n, pool):
            chunk = sorted(order[start : start + pool], key=lambda i: self.lengths[i])
            batches += [chunk[i : i + self.batch_size] for i in range(0, len(chunk), self.batch_size)]
        if self.drop_last:
            batches = [b for b in batches if len(b) == self.batch_size]
        if self.shuffle:
            batches = [batches[i] for i in torch.randperm(len(batches), generator=g).tolist()]
            self.epoch += 1  # a fresh order next time, even without set_epoch
        return iter(batches)

    def __len__(self) -> int:
        # batches are cut pool by pool, so a short last batch can occur in every pool
        n, pool = len(self.lengths), self.batch_size * self.pool_batches
        sizes = [min(pool, n - s) for s in range(0, n, pool)]
        if self.drop_last:
            return sum(k // self.batch_size for k in sizes)
        return sum(-(-k // self.batch_size) for k in sizes)


def bucket_loader(
    dataset,
    batch_size: int,
    shuffle: bool = True,
    seed: int = 0,
    pool_batches: int = 50,
    drop_last: bool = False,
    collate_fn=collate_batch,
) -> torch.utils.data.DataLoader:
    """A DataLoader of length-bucketed, padded batches: ``(tokens, lengths, labels)``.

    ``dataset`` holds ``(ids, label)`` pairs (an ``EncodedDataset``, or anything whose
    items' first element has a length). Batches come from ``BucketBatchSampler`` (similar
    lengths, little padding; a new deterministic order each epoch for a given ``seed``) and
    are padded by ``collate_fn``. ``shuffle=False`` keeps the data order within pools of
    ``batch_size * pool_batches``, for evaluation.
    """
    if len(dataset) == 0:
        raise ValueError("bucket_loader got an empty dataset: check the split and the filters that built it")
    if batch_size < 1:
        raise ValueError(f"bucket_loader: batch_size must be >= 1, got {batch_size}")
    lengths = dataset.lengths() if hasattr(dataset, "lengths") else [len(dataset[i][0]) for i in range(len(dataset))]
    sampler = BucketBatchSampler(
        lengths, batch_size, shuffle=shuffle, pool_batches=pool_batches, seed=seed, drop_last=drop_last
    )
    return torch.utils.data.DataLoader(dataset, batch_sampler=sampler, collate_fn=collate_fn)


def random_loader(
    dataset, batch_size: int, shuffle: bool = True, seed: int = 0, collate_fn=collate_batch
) -> torch.utils.data.DataLoader:
    """A DataLoader of padded batches in a seeded random order: ``(tokens, lengths, labels)``.

    Why: the unbucketed counterpart of ``bucket_loader``. A random batch mixes short and long
    texts and is padded to its longest member, which is what a lab needs when it measures what
    padding costs (or what reading the state after the padding does). The order is drawn from
    a generator seeded with ``seed`` (the same batches for the same seed); ``shuffle=False``
    keeps the data order, for evaluation.
    """
    if len(dataset) == 0:
        raise ValueError("random_loader got an empty dataset: check the split and the filters that built it")
    if batch_size < 1:
        raise ValueError(f"random_loader: batch_size must be >= 1, got {batch_size}")
    generator = torch.Generator().manual_seed(seed)
    return torch.utils.data.DataLoader(dataset, batch_size, shuffle=shuffle, generator=generator, collate_fn=collate_fn)


def log_odds_z(
    token_lists: Iterable[Sequence[str]], labels: Iterable[int], min_count: int = 10, exclude: Iterable[str] = ()
):
    """Per word, how much more often it occurs in class-1 than in class-0 texts, as a z-score.

    Why: ranking words by a raw ratio puts rare words first (a word seen twice, both times in
    positive texts, has an infinite ratio). The add-one smoothed log-odds ratio divided by its
    standard error does not: a word must be frequent *and* lopsided to score far from 0.

    Each text counts a word once (document frequency). With ``n1``/``n0`` the number of class-1/0
    texts containing the word and ``N1``/``N0`` the sums of those counts over all words:
    ``z = [log((n1+1)/(N1-n1+1)) - log((n0+1)/(N0-n0+1))] / sqrt(1/(n1+1) + 1/(n0+1))``.
    Words in fewer than ``min_count`` texts, in ``exclude``, or without a letter are left out.
    Returns a pandas Series indexed by word, sorted from most class-0 to most class-1 (ties by word).
    """
    counts = {0: Counter(), 1: Counter()}
    n_texts = 0
    for tokens, label in zip(token_lists, labels, strict=True):
        if label not in (0, 1):
            raise ValueError(f"log_odds_z needs labels 0 or 1, got {label!r}; map the classes to 0/1 first")
        counts[int(label)].update(set(tokens))
        n_texts += 1
    if not n_texts:
        raise ValueError("log_odds_z got no texts")
    if min_count < 1:
        raise ValueError(f"log_odds_z: min_count must be >= 1, got {min_count}")
    total = {c: sum(counts[c].values()) for c in (0, 1)}
    skip = set(exclude)
    z = {}
    for word in sorted(set(counts[0]) | set(counts[1])):
        n0, n1 = counts[0][word], counts[1][word]
        if n0 + n1 < min_count or word in skip or not any(ch.isalpha() for ch in word):
            continue
        delta = np.log((n1 + 1) / (total[1] - n1 + 1)) - np.log((n0 + 1) / (total[0] - n0 + 1))
        z[word] = float(delta / np.sqrt(1 / (n1 + 1) + 1 / (n0 + 1)))
    return pd.Series(z, dtype=float).sort_values(kind="mergesort")


class PackedBatches:
    """Length-bucketed batches whose token ids are padded and packed once: ``(PackedSequence, labels)``.

    Why: packing a batch in every forward pass sorts and packs it again each epoch; for a fixed
    dataset the packing can be done once. The batches are cut by ``BucketBatchSampler``'s first
    epoch (deterministic for ``seed``); each pass shuffles only their order (seeded, a new order
    per pass) unless ``shuffle=False``. With ``device`` the packed data is kept there, so
    ``train.fit``'s default forward can pass it to the model as it is. A model embeds
    ``packed.data`` directly (``PackedSequence(embedding(packed.data), *packed[1:])``).
    """

    def __init__(self, dataset, batch_size: int, shuffle: bool = True, seed: int = 0, device=None):
        from torch.nn.utils.rnn import pack_padded_sequence

        if len(dataset) == 0:
            raise ValueError("PackedBatches got an empty dataset: check the split and the filters that built it")
        if batch_size < 1:
            raise ValueError(f"PackedBatches: batch_size must be >= 1, got {batch_size}")
        sampler = BucketBatchSampler(dataset.lengths(), batch_size, shuffle=shuffle, seed=seed)
        self.batches = []
        for index in sampler:
            tokens, lengths, labels = collate_batch([dataset[i] for i in index])
            packed = pack_padded_sequence(tokens, lengths, batch_first=True, enforce_sorted=False)
            self.batches.append((packed, labels) if device is None else (packed.to(device), labels.to(device)))
        self.generator, self.shuffle = torch.Generator().manual_seed(seed), shuffle

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self):
        if not self.shuffle:
            return iter(self.batches)
        order = torch.randperm(len(self.batches), generator=self.generator).tolist()
        return (self.batches[i] for i in order)
