"""Tests for labs_utils.experiments: runs over seeds and their mean ± std table."""

from __future__ import annotations

import pandas as pd
import pytest
import torch

from labs_utils import experiments


def test_over_seeds_seeds_each_run_before_it_starts():
    def run(seed, width):
        layer = torch.nn.Linear(width, 1)  # built inside the run: its initial weights must follow the seed
        return {"w0": float(layer.weight.detach()[0, 0]), "draw": float(torch.rand(()))}

    first = experiments.over_seeds(run, [0, 1, 2], width=3)
    again = experiments.over_seeds(run, [2, 0], width=3)
    assert first.columns.tolist() == ["width", "seed", "w0", "draw"]
    assert first["seed"].tolist() == [0, 1, 2] and (first["width"] == 3).all()
    assert first["w0"].nunique() == 3  # different seeds, different initial weights
    pd.testing.assert_frame_equal(first.iloc[[2, 0]].reset_index(drop=True), again)  # same seed, same numbers


def test_mean_std_per_group_and_overall():
    runs = pd.DataFrame(
        {"pooling": ["mean"] * 3 + ["attention"] * 2, "f1": [0.5, 0.6, 0.7, 0.8, 0.9], "acc": [1.0, 1.0, 1.0, 0.5, 0.7]}
    )
    table = experiments.mean_std(runs, "pooling", ["f1", "acc"])
    assert table.loc["mean", "f1"] == "0.600 ± 0.100"  # sample std (ddof=1) of 0.5, 0.6, 0.7
    assert table.loc["attention", "acc"] == "0.600 ± 0.141"
    assert table["seeds"].tolist() == [3, 2] and table.index.tolist() == ["mean", "attention"]  # first-seen order
    overall = experiments.mean_std(runs, None, ["f1"], digits=2)
    assert overall.loc["all", "f1"] == "0.70 ± 0.16" and overall.loc["all", "seeds"] == 5


def test_mean_std_of_one_run_shows_the_mean_only():
    table = experiments.mean_std(pd.DataFrame({"m": ["a"], "f1": [0.25]}), "m", ["f1"])
    assert table.loc["a", "f1"] == "0.250"


def test_mean_std_two_keys_make_a_multiindex():
    runs = pd.DataFrame({"data": ["x", "x", "y"], "m": ["a", "a", "a"], "f1": [0.1, 0.3, 0.5]})
    table = experiments.mean_std(runs, ["data", "m"], ["f1"])
    assert table.index.names == ["data", "m"]
    assert table.loc[("x", "a"), "f1"] == "0.200 ± 0.141" and table.loc[("y", "a"), "f1"] == "0.500"


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="at least one seed"):
        experiments.over_seeds(lambda seed: {}, [])
    with pytest.raises(TypeError, match="return a dict"):
        experiments.over_seeds(lambda seed: 0.5, [0])
    with pytest.raises(KeyError, match="no column \\['f2'\\]"):
        experiments.mean_std(pd.DataFrame({"f1": [1.0]}), None, ["f2"])
    with pytest.raises(ValueError, match="no runs"):
        experiments.mean_std(pd.DataFrame({"f1": []}), None, ["f1"])
