"""Tests for labs_utils.text: tokenize, Vocab, numericalize, collate_batch, BucketBatchSampler."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence

from labs_utils.text import (
    PAD,
    PAD_ID,
    UNK,
    UNK_ID,
    BucketBatchSampler,
    EncodedDataset,
    Vocab,
    collate_batch,
    numericalize,
    tokenize,
)

# --- tokenize ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Don't stop -- it's 3.5 stars!", ["don't", "stop", "-", "-", "it's", "3.5", "stars", "!"]),
        ("A well-made film, 1,000 times better.", ["a", "well-made", "film", ",", "1,000", "times", "better", "."]),
        ("It costs 3.5.", ["it", "costs", "3.5", "."]),
        (
            "I can't believe 42 people came (really)?!",
            ["i", "can't", "believe", "42", "people", "came", "(", "really", ")", "?", "!"],
        ),
        ("Café naïve Zoë über", ["café", "naïve", "zoë", "über"]),
        ("rock’n’roll, état-major", ["rock’n’roll", ",", "état-major"]),
        ("snake_case @home...", ["snake", "_", "case", "@", "home", ".", ".", "."]),
        ("  ", []),
        ("", []),
    ],
)
def test_tokenize_known_lists(text, expected):
    assert tokenize(text) == expected


def test_tokenize_keeps_case_when_asked():
    assert tokenize("Don't STOP, Zoë!", lower=False) == ["Don't", "STOP", ",", "Zoë", "!"]
    assert tokenize("Don't STOP, Zoë!") == ["don't", "stop", ",", "zoë", "!"]


# --- Vocab ---------------------------------------------------------------------------------------

CORPUS = [["b", "a", "c", "a"], ["c", "a", "d"], ["e"]]
# counts: a=3, c=2, b=1, d=1, e=1  -> order a, c, then b, d, e alphabetically


def test_vocab_build_order_and_specials():
    vocab = Vocab.build(CORPUS)
    assert vocab.itos == [PAD, UNK, "a", "c", "b", "d", "e"]
    assert vocab[PAD] == PAD_ID == 0 and vocab[UNK] == UNK_ID == 1
    assert vocab["a"] == 2 and vocab["e"] == 6
    assert len(vocab) == 7
    assert vocab.counts == {"a": 3, "c": 2, "b": 1, "d": 1, "e": 1}
    assert "a" in vocab and "zzz" not in vocab


def test_vocab_build_is_order_independent():
    assert Vocab.build(reversed(CORPUS)).itos == Vocab.build(CORPUS).itos


def test_vocab_min_freq_and_max_size():
    assert Vocab.build(CORPUS, min_freq=2).itos == [PAD, UNK, "a", "c"]
    assert Vocab.build(CORPUS, min_freq=4).itos == [PAD, UNK]
    assert Vocab.build(CORPUS, max_size=3).itos == [PAD, UNK, "a", "c", "b"]
    assert Vocab.build(CORPUS, max_size=0).itos == [PAD, UNK]
    assert Vocab.build(CORPUS, min_freq=2, max_size=1).itos == [PAD, UNK, "a"]


def test_vocab_ignores_special_tokens_in_corpus():
    vocab = Vocab.build([[PAD, PAD, PAD, "x", UNK]])
    assert vocab.itos == [PAD, UNK, "x"]


def test_vocab_unknown_and_round_trip():
    vocab = Vocab.build(CORPUS)
    assert vocab["nope"] == UNK_ID
    assert vocab.encode(["a", "nope", "e", "c"]) == [2, 1, 6, 3]
    tokens = ["d", "a", "b", "c", "e"]
    assert vocab.decode(vocab.encode(tokens)) == tokens
    assert vocab.decode(torch.tensor([0, 1, 2])) == [PAD, UNK, "a"]
    ids = list(range(len(vocab)))
    assert vocab.encode(vocab.decode(ids)) == ids


def test_vocab_save_load(tmp_path):
    vocab = Vocab.build(CORPUS, min_freq=1)
    path = tmp_path / "vocab.json"
    vocab.save(path)
    data = json.loads(path.read_text())
    assert data["itos"] == vocab.itos
    loaded = Vocab.load(path)
    assert loaded.itos == vocab.itos
    assert loaded.stoi == vocab.stoi
    assert loaded.counts == vocab.counts
    assert loaded.encode(["e", "?", "a"]) == vocab.encode(["e", "?", "a"])


@pytest.mark.parametrize(
    "tokens",
    [
        [],
        ["a", "b"],
        [UNK, PAD, "a"],
        [PAD],
        [PAD, UNK, "x", "y", "x"],
        [PAD, UNK, PAD],
    ],
)
def test_vocab_constructor_rejects_bad_lists(tokens):
    with pytest.raises(ValueError):
        Vocab(tokens)


# --- numericalize / EncodedDataset ----------------------------------------------------------------


def test_numericalize_and_truncate():
    vocab = Vocab.build([tokenize("the cat sat on the mat")])
    # the=2 (count 2), then cat, mat, on, sat alphabetically
    assert vocab.itos[2:] == ["the", "cat", "mat", "on", "sat"]
    out = numericalize(["The cat sat!", "", "the dog"], vocab)
    assert [t.tolist() for t in out] == [[2, 3, 6, 1], [], [2, 1]]
    assert all(t.dtype == torch.long for t in out)
    short = numericalize(["The cat sat on the mat"], vocab, max_len=3)
    assert short[0].tolist() == [2, 3, 6]
    assert numericalize(["cat"], vocab, max_len=3)[0].tolist() == [3]
    custom = numericalize(["cat|mat"], vocab, tokenizer=lambda s: s.split("|"))
    assert custom[0].tolist() == [3, 4]


def test_encoded_dataset():
    seqs = [torch.tensor([2, 3]), torch.tensor([4]), torch.tensor([], dtype=torch.long)]
    ds = EncodedDataset(seqs, [1, 0, 1])
    assert len(ds) == 3
    assert ds.lengths() == [2, 1, 0]
    x, y = ds[0]
    assert x.tolist() == [2, 3] and int(y) == 1 and y.dtype == torch.long
    with pytest.raises(ValueError, match="3 sequences but 2 labels"):
        EncodedDataset(seqs, [1, 0])


# --- collate_batch -------------------------------------------------------------------------------


def _batch():
    return [
        (torch.tensor([5, 6, 7]), torch.tensor(1)),
        (torch.tensor([], dtype=torch.long), torch.tensor(0)),
        (torch.tensor([8]), torch.tensor(2)),
    ]


def test_collate_pads_with_zero_and_returns_lengths():
    tokens, lengths, labels = collate_batch(_batch())
    assert tokens.tolist() == [[5, 6, 7], [0, 0, 0], [8, 0, 0]]
    assert lengths.tolist() == [3, 1, 1]
    assert lengths.dtype == torch.long and lengths.device.type == "cpu"
    assert labels.tolist() == [1, 0, 2]


def test_collate_output_packs_and_runs_a_gru():
    torch.manual_seed(0)
    tokens, lengths, _ = collate_batch(_batch())
    emb = torch.nn.Embedding(10, 4, padding_idx=PAD_ID)
    gru = torch.nn.GRU(4, 5, batch_first=True)
    packed = pack_padded_sequence(emb(tokens), lengths, batch_first=True, enforce_sorted=False)
    _, h = gru(packed)
    assert h.shape == (1, 3, 5)
    assert torch.isfinite(h).all()
    # packing must ignore the padding: item 2 ([8]) gives the same state run alone
    _, h_alone = gru(emb(torch.tensor([[8]])))
    torch.testing.assert_close(h[:, 2], h_alone[:, 0])
    # and it differs from running the padded row [8, 0, 0] unpacked
    _, h_padded = gru(emb(torch.tensor([[8, 0, 0]])))
    assert not torch.allclose(h[:, 2], h_padded[:, 0])


def test_dataloader_end_to_end():
    seqs = [torch.arange(1, n + 1) for n in [3, 0, 5, 1, 2, 4, 6]]
    ds = EncodedDataset(seqs, [0, 1, 0, 1, 0, 1, 0])
    sampler = BucketBatchSampler(ds.lengths(), batch_size=3, seed=1)
    loader = torch.utils.data.DataLoader(ds, batch_sampler=sampler, collate_fn=collate_batch)
    seen = 0
    for tokens, lengths, labels in loader:
        assert tokens.shape == (len(lengths), int(lengths.max()))
        assert (lengths >= 1).all()
        seen += len(labels)
    assert seen == len(ds)
    assert len(loader) == len(sampler)


# --- BucketBatchSampler --------------------------------------------------------------------------


def _random_lengths(n, seed=0, low=1, high=200):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(low, high, (n,), generator=g).tolist()


@pytest.mark.parametrize("shuffle", [True, False])
def test_bucket_every_index_once_and_len(shuffle):
    for n in [0, 1, 5, 7, 10, 33, 101]:
        lengths = _random_lengths(n, seed=n)
        for batch_size in [1, 3, 4, 8]:
            for pool_batches in [1, 2, 3, 50]:
                s = BucketBatchSampler(lengths, batch_size, shuffle=shuffle, pool_batches=pool_batches, seed=n)
                batches = list(s)
                flat = [i for b in batches for i in b]
                assert sorted(flat) == list(range(n)), (n, batch_size, pool_batches)
                assert len(s) == len(batches), (n, batch_size, pool_batches)
                assert all(1 <= len(b) <= batch_size for b in batches)


@pytest.mark.parametrize("shuffle", [True, False])
def test_bucket_drop_last_len(shuffle):
    for n in [0, 1, 5, 7, 10, 33, 101]:
        lengths = _random_lengths(n, seed=n + 1)
        for batch_size in [1, 3, 4, 8]:
            for pool_batches in [1, 2, 3, 50]:
                s = BucketBatchSampler(
                    lengths, batch_size, shuffle=shuffle, pool_batches=pool_batches, seed=3, drop_last=True
                )
                batches = list(s)
                flat = [i for b in batches for i in b]
                assert len(s) == len(batches), (n, batch_size, pool_batches)
                assert all(len(b) == batch_size for b in batches)
                assert len(set(flat)) == len(flat)
                assert set(flat) <= set(range(n))
                # at most one short batch per pool is dropped
                n_pools = -(-n // (batch_size * pool_batches))
                assert n - len(flat) < batch_size * max(n_pools, 1)


def test_bucket_shuffle_false_is_sorted_and_deterministic():
    lengths = [5, 3, 4, 1, 2, 6]
    s = BucketBatchSampler(lengths, batch_size=2, shuffle=False)
    assert list(s) == [[3, 4], [1, 2], [0, 5]]
    assert list(s) == [[3, 4], [1, 2], [0, 5]]  # no epoch effect without shuffling
    # pools of 2 batches: [5,3,4,1] and [2,6] sorted separately
    s = BucketBatchSampler(lengths, batch_size=2, shuffle=False, pool_batches=2)
    assert list(s) == [[3, 1], [2, 0], [4, 5]]


def test_bucket_batches_inside_a_pool_are_length_sorted():
    lengths = _random_lengths(230, seed=4)
    s = BucketBatchSampler(lengths, batch_size=10, pool_batches=5, shuffle=False)
    batches = list(s)
    # without shuffling the pools are the index ranges [0, 50), [50, 100), ...
    position = 0
    for start in range(0, 230, 50):
        pool = list(range(start, min(start + 50, 230)))
        members = []
        while position < len(batches) and set(batches[position]) <= set(pool):
            members.append(batches[position])
            position += 1
        assert sorted(i for b in members for i in b) == pool
        flat_lengths = [lengths[i] for b in members for i in b]
        assert flat_lengths == sorted(flat_lengths)
    assert position == len(batches)


def _padding_fraction(batches, lengths):
    padded = sum(max(lengths[i] for i in b) * len(b) for b in batches)
    real = sum(lengths[i] for b in batches for i in b)
    return 1 - real / padded


def test_bucket_padding_much_less_than_random_batching():
    lengths = _random_lengths(2000, seed=5, low=1, high=300)
    bucket = list(BucketBatchSampler(lengths, batch_size=16, seed=0))
    g = torch.Generator().manual_seed(0)
    perm = torch.randperm(len(lengths), generator=g).tolist()
    random_batches = [perm[i : i + 16] for i in range(0, len(perm), 16)]
    bucket_pad = _padding_fraction(bucket, lengths)
    random_pad = _padding_fraction(random_batches, lengths)
    assert random_pad > 0.3  # uniform lengths: roughly half of a random batch is padding
    assert bucket_pad < 0.1 * random_pad
    spread = [max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in bucket]
    assert sum(spread) / len(spread) < 10


def test_bucket_seed_and_epoch():
    lengths = _random_lengths(200, seed=6)
    a = BucketBatchSampler(lengths, batch_size=8, pool_batches=4, seed=11)
    b = BucketBatchSampler(lengths, batch_size=8, pool_batches=4, seed=11)
    c = BucketBatchSampler(lengths, batch_size=8, pool_batches=4, seed=12)
    first_a, first_b, first_c = list(a), list(b), list(c)
    assert first_a == first_b
    assert first_a != first_c
    # iterating again moves to the next epoch by itself
    second_a = list(a)
    assert second_a != first_a
    assert set(map(tuple, second_a)) != set(map(tuple, first_a))  # new pools, new batches
    # set_epoch reproduces a given epoch
    a.set_epoch(0)
    assert list(a) == first_a
    a.set_epoch(1)
    assert list(a) == second_a
    b.set_epoch(5)
    c5 = BucketBatchSampler(lengths, batch_size=8, pool_batches=4, seed=11)
    c5.set_epoch(5)
    assert list(b) == list(c5)


def test_bucket_rejects_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size"):
        BucketBatchSampler([1, 2], batch_size=0)


# --- words_only and flatten_corpus ---------------------------------------------------------------


def test_tokenize_words_only_drops_punctuation_but_keeps_numbers_and_contractions():
    assert tokenize("Don't stop -- it's 3.5 stars!", words_only=True) == ["don't", "stop", "it's", "3.5", "stars"]
    assert tokenize("?!...", words_only=True) == []


def test_flatten_corpus_ids_doc_ids_and_unknown_words():
    from labs_utils.text import flatten_corpus

    docs = [["a", "b", "zzz"], [], ["b", "a", "a"]]
    vocab = Vocab.build([["a", "a", "b"]])
    ids, doc_ids = flatten_corpus(docs, vocab)
    assert ids.dtype == np.int64 and doc_ids.dtype == np.int64
    assert vocab.decode(ids) == ["a", "b", "b", "a", "a"]  # "zzz" dropped, empty doc contributes nothing
    assert doc_ids.tolist() == [0, 0, 2, 2, 2]
    kept, kept_docs = flatten_corpus(docs, vocab, drop_unknown=False)
    assert vocab.decode(kept) == ["a", "b", "<unk>", "b", "a", "a"] and kept_docs.tolist() == [0, 0, 0, 2, 2, 2]
    empty_ids, empty_docs = flatten_corpus([], vocab)
    assert len(empty_ids) == 0 and len(empty_docs) == 0


# --- GloVe-style contractions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("don't", ["do", "n't"]),
        ("can't", ["ca", "n't"]),
        ("won't", ["wo", "n't"]),
        ("doesn't", ["does", "n't"]),
        ("it's", ["it", "'s"]),
        ("i'm", ["i", "'m"]),
        ("they're", ["they", "'re"]),
        ("we've", ["we", "'ve"]),
        ("we'll", ["we", "'ll"]),
        ("he'd", ["he", "'d"]),
        ("john's", ["john", "'s"]),
        ("it’s", ["it", "'s"]),
        ("o'clock", ["o'clock"]),
        ("rock'n'roll", ["rock'n'roll"]),
        ("well-made", ["well-made"]),
        ("Don't stop.", ["do", "n't", "stop", "."]),
    ],
)
def test_split_contractions_as_glove_corpora_did(text, expected):
    assert tokenize(text, split_contractions=True) == expected


def test_contractions_kept_by_default_and_split_after_words_only():
    assert tokenize("I'm sure it's fine") == ["i'm", "sure", "it's", "fine"]
    # "'s" does not start with a letter: words_only must not drop the clitic it has just split off
    assert tokenize("It's fine!", words_only=True, split_contractions=True) == ["it", "'s", "fine"]


def test_split_contractions_lowers_glove_oov_share():
    from labs_utils.embeddings import load_glove

    glove = load_glove()
    text = "I don't know why it's rated so low, I'm sure you'll love it. Didn't they say it can't fail?"
    for split, expected_oov in ((False, {"don't", "it's", "i'm", "you'll", "didn't", "can't"}), (True, set())):
        words = set(tokenize(text, words_only=True, split_contractions=split))
        assert {w for w in words if w not in glove.key_to_index} == expected_oov


# --- bucket_loader --------------------------------------------------------------------------------------


def test_bucket_loader_pads_buckets_and_covers_every_item_once():
    from labs_utils.text import bucket_loader

    lengths = [1, 9, 2, 8, 3, 7, 4, 6, 5, 5]
    data = EncodedDataset([torch.arange(1, n + 1) for n in lengths], list(range(10)))
    loader = bucket_loader(data, batch_size=2, seed=3, pool_batches=5)
    seen = []
    for tokens, lens, labels in loader:
        assert tokens.shape == (len(labels), int(lens.max()))
        assert (lens == torch.tensor([lengths[i] for i in labels.tolist()])).all()
        assert int(lens.max() - lens.min()) <= 1  # sorted pool: neighbours in length share a batch
        seen += labels.tolist()
    assert sorted(seen) == list(range(10))
    first_epoch = [b[2].tolist() for b in loader]
    assert first_epoch != [b[2].tolist() for b in loader]  # a new order each epoch
    fixed = [b[2].tolist() for b in bucket_loader(data, batch_size=4, shuffle=False)]
    assert sum(fixed, []) == sorted(range(10), key=lambda i: lengths[i])  # no shuffle: one pool, sorted


def test_bucket_loader_bad_input():
    from labs_utils.text import bucket_loader

    with pytest.raises(ValueError, match="empty dataset"):
        bucket_loader(EncodedDataset([], []), batch_size=4)
    with pytest.raises(ValueError, match="batch_size must be >= 1, got 0"):
        bucket_loader(EncodedDataset([torch.tensor([1])], [0]), batch_size=0)
