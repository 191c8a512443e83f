"""text.random_loader (added for lab 03): padded batches in a seeded random order."""

from __future__ import annotations

import pytest
import torch

from labs_utils import text


def _dataset(lengths):
    sequences = [torch.arange(2, 2 + n) for n in lengths]
    return text.EncodedDataset(sequences, list(range(len(lengths))))


def test_random_loader_pads_each_batch_to_its_longest_and_keeps_every_example_once():
    ds = _dataset([3, 1, 5, 2, 4, 2, 6])
    seen = []
    for tokens, lengths, labels in text.random_loader(ds, 3, seed=0):
        assert tokens.shape == (len(labels), int(lengths.max()))
        for row, n, label in zip(tokens, lengths, labels):
            assert torch.equal(row[:n], ds[int(label)][0])
            assert (row[n:] == text.PAD_ID).all()
            seen.append(int(label))
    assert sorted(seen) == list(range(len(ds)))


def test_random_loader_order_is_seeded_and_data_order_without_shuffle():
    ds = _dataset(list(range(1, 31)))

    def order(**kw):
        return [int(y) for _, _, labels in text.random_loader(ds, 4, **kw) for y in labels]

    assert order(seed=3) == order(seed=3)
    assert order(seed=3) != order(seed=4)
    assert order(seed=3) != list(range(30))
    assert order(shuffle=False) == list(range(30))
    loader = text.random_loader(ds, 4, seed=3)
    assert [y.tolist() for *_, y in loader] != [y.tolist() for *_, y in loader]  # new order per pass


def test_random_loader_bad_input():
    with pytest.raises(ValueError, match="empty dataset"):
        text.random_loader(_dataset([]), 4)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        text.random_loader(_dataset([2, 3]), 0)
