"""experiments.soft_vote (added for lab 03): one vote per group of models."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from labs_utils import experiments


def test_soft_vote_gives_each_group_one_vote():
    a1 = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    a2 = torch.tensor([[0.5, 0.5], [0.0, 1.0]])
    a3 = torch.tensor([[0.0, 1.0], [0.0, 1.0]])
    b = np.array([[0.2, 0.8], [1.0, 0.0]])  # arrays are accepted too
    got = experiments.soft_vote([[a1, a2, a3], [b]])
    group_a = torch.tensor([[0.5, 0.5], [0.0, 1.0]])
    expected = (group_a + torch.as_tensor(b, dtype=torch.float32)) / 2
    assert torch.allclose(got, expected)
    flat = torch.stack([a1, a2, a3, torch.as_tensor(b, dtype=torch.float32)]).mean(dim=0)
    assert not torch.allclose(got, flat)  # not a flat average of the four tables


def test_soft_vote_of_one_table_is_that_table():
    p = torch.tensor([[0.1, 0.9], [0.7, 0.3]])
    assert torch.equal(experiments.soft_vote([[p]]), p)


def test_soft_vote_bad_input():
    p = torch.ones(3, 2) / 2
    with pytest.raises(ValueError, match="at least one group"):
        experiments.soft_vote([])
    with pytest.raises(ValueError, match="at least one table"):
        experiments.soft_vote([[p], []])
    with pytest.raises(ValueError, match=r"\[N, K\]"):
        experiments.soft_vote([[p], [torch.ones(4, 2) / 2]])
    with pytest.raises(ValueError, match=r"\[N, K\]"):
        experiments.soft_vote([[torch.ones(3)]])
