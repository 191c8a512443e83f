"""text.PackedBatches (added for lab 03): batches packed once, in a seeded order per pass."""

from __future__ import annotations

import pytest
import torch
from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence

from labs_utils import text


def _dataset(lengths):
    sequences = [torch.arange(2, 2 + n) for n in lengths]
    return text.EncodedDataset(sequences, [i % 3 for i in range(len(lengths))])


def test_packed_batches_hold_every_example_once_with_its_label():
    ds = _dataset([3, 1, 5, 2, 4, 2, 6])
    batches = text.PackedBatches(ds, batch_size=3, shuffle=False)
    assert len(batches) == 3
    seen = []
    for packed, labels in batches:
        assert isinstance(packed, PackedSequence)
        padded, lengths = pad_packed_sequence(packed, batch_first=True)
        for row, n, label in zip(padded, lengths, labels):
            seen.append((tuple(row[:n].tolist()), int(label)))
    expected = [(tuple(s.tolist()), int(y)) for s, y in (ds[i] for i in range(len(ds)))]
    assert sorted(seen) == sorted(expected)


def test_packed_batches_shuffle_order_per_pass_seeded_and_fixed_without_shuffle():
    ds = _dataset(list(range(1, 41)))
    first = [id(b) for b in text.PackedBatches(ds, 4, seed=1)]
    twice = text.PackedBatches(ds, 4, seed=1)
    a, b = [id(x) for x in twice], [id(x) for x in twice]
    assert a != b  # a new order each pass
    assert sorted(a) == sorted(b)
    same = text.PackedBatches(ds, 4, seed=1)
    labels = [tuple(y.tolist()) for _, y in same]
    again = text.PackedBatches(ds, 4, seed=1)
    assert labels == [tuple(y.tolist()) for _, y in again]  # deterministic for a seed
    assert len(first) == 10
    fixed = text.PackedBatches(ds, 4, shuffle=False)
    assert [id(x) for x in fixed] == [id(x) for x in fixed]


def test_packed_batches_bad_input():
    with pytest.raises(ValueError, match="empty dataset"):
        text.PackedBatches(text.EncodedDataset([], []), 4)
    with pytest.raises(ValueError, match="batch_size"):
        text.PackedBatches(_dataset([1, 2]), 0)
