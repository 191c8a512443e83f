"""text.log_odds_z: the words that mark one of two classes (added for lab 02's sentiment-word analysis)."""

from __future__ import annotations

import math

import pytest

from labs_utils import text


def _z(n0: int, n1: int, total0: int, total1: int) -> float:
    delta = math.log((n1 + 1) / (total1 - n1 + 1)) - math.log((n0 + 1) / (total0 - n0 + 1))
    return delta / math.sqrt(1 / (n1 + 1) + 1 / (n0 + 1))


def test_known_values_sorted_from_class_0_to_class_1():
    texts = [["bad", "plot", "bad"], ["bad", "film"], ["good", "film"], ["good", "plot"], ["good", "!"]]
    labels = [0, 0, 1, 1, 1]
    z = text.log_odds_z(texts, labels, min_count=1)
    # document frequencies: class 0 {bad: 2, plot: 1, film: 1} (N0 = 4);
    # class 1 {good: 3, film: 1, plot: 1, !: 1} (N1 = 6)
    assert list(z.index) == ["bad", "film", "plot", "good"]  # "!" has no letter; film and plot tie, by word
    assert z["bad"] == pytest.approx(_z(2, 0, 4, 6))
    assert z["good"] == pytest.approx(_z(0, 3, 4, 6))
    assert z["film"] == pytest.approx(_z(1, 1, 4, 6)) and z["film"] == z["plot"]
    assert z["bad"] < 0 < z["good"]


def test_a_rare_lopsided_word_scores_below_a_frequent_one():
    texts = [["rare", "great"]] + [["great"]] * 9 + [["meh"]] * 10
    labels = [1] * 10 + [0] * 10
    z = text.log_odds_z(texts, labels, min_count=1)
    assert z["great"] > z["rare"] > 0


def test_min_count_and_exclude_filter_words():
    texts = [["the", "good"], ["the", "good"], ["the", "bad"]]
    z = text.log_odds_z(texts, [1, 1, 0], min_count=2, exclude={"the"})
    assert list(z.index) == ["good"]


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="labels 0 or 1"):
        text.log_odds_z([["a"], ["b"]], [0, 2])
    with pytest.raises(ValueError, match="no texts"):
        text.log_odds_z([], [])
    with pytest.raises(ValueError, match="min_count"):
        text.log_odds_z([["a"]], [1], min_count=0)
    with pytest.raises(ValueError):  # texts and labels of different lengths
        text.log_odds_z([["a"], ["b"]], [1])
