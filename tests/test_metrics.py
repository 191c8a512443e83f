"""Tests for labs_utils.metrics against hand-computed values and scikit-learn."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import roc_auc_score

from labs_utils import metrics

# y_true and scores whose argmax is [0, 1, 1, 1, 2, 0]
Y = [0, 0, 1, 1, 2, 2]
SCORES = np.array(
    [
        [2.0, 1.0, 0.0],
        [0.0, 3.0, 1.0],
        [0.1, 0.8, 0.1],
        [-1.0, 0.0, -2.0],
        [0.0, 0.0, 5.0],
        [4.0, 1.0, 3.0],
    ]
)
PRED = [0, 1, 1, 1, 2, 0]
# per class by hand:
#   class 0: tp=1 fp=1 fn=1 -> P=1/2, R=1/2, F=1/2
#   class 1: tp=2 fp=1 fn=0 -> P=2/3, R=1,   F=4/5
#   class 2: tp=1 fp=0 fn=1 -> P=1,   R=1/2, F=2/3
P = [1 / 2, 2 / 3, 1.0]
R = [1 / 2, 1.0, 1 / 2]
F = [1 / 2, 4 / 5, 2 / 3]


def test_predictions_from_scores():
    assert metrics.predictions(SCORES).tolist() == PRED
    assert metrics.predictions(torch.tensor(SCORES)).tolist() == PRED
    assert metrics.predictions(np.array([-1.0, 2.0, 0.0, 0.5])).tolist() == [0, 1, 0, 1]


@pytest.mark.parametrize("convert", [np.asarray, torch.tensor, list])
def test_accuracy_and_macro_f1(convert):
    y = convert(Y)
    scores = convert(SCORES.tolist()) if convert is list else convert(SCORES)
    assert metrics.accuracy(scores, y) == pytest.approx(4 / 6)
    assert metrics.macro_f1(scores, y) == pytest.approx(sum(F) / 3)
    assert isinstance(metrics.accuracy(scores, y), float)


def test_torch_tensor_with_grad():
    scores = torch.tensor(SCORES, requires_grad=True)
    assert metrics.accuracy(scores, torch.tensor(Y)) == pytest.approx(4 / 6)


def test_binary_one_dimensional_scores():
    y = [0, 1, 0, 0, 1]
    logits = np.array([-1.0, 2.0, 0.5, -0.3, 0.0])  # predictions 0, 1, 1, 0, 0 (0.0 is not > 0)
    assert metrics.accuracy(logits, y) == pytest.approx(3 / 5)
    # class 0: tp=2 fp=1 fn=1 -> F=2/3; class 1: tp=1 fp=1 fn=1 -> F=1/2
    assert metrics.macro_f1(logits, y) == pytest.approx((2 / 3 + 1 / 2) / 2)


def test_perfect_and_all_wrong():
    y = [0, 1, 2]
    assert metrics.accuracy(np.eye(3), y) == 1.0
    assert metrics.macro_f1(np.eye(3), y) == 1.0
    assert metrics.accuracy(np.eye(3)[[1, 2, 0]], y) == 0.0
    assert metrics.macro_f1(np.eye(3)[[1, 2, 0]], y) == 0.0


def test_classification_summary():
    out = metrics.classification_summary(PRED, Y)
    assert set(out) == {"accuracy", "precision_macro", "recall_macro", "f1_macro"}
    assert out["accuracy"] == pytest.approx(4 / 6)
    assert out["precision_macro"] == pytest.approx(sum(P) / 3)
    assert out["recall_macro"] == pytest.approx(sum(R) / 3)
    assert out["f1_macro"] == pytest.approx(sum(F) / 3)
    # a class that never occurs, listed explicitly, counts as zero in the macro average
    padded = metrics.classification_summary(torch.tensor(PRED), torch.tensor(Y), labels=[0, 1, 2, 3])
    assert padded["f1_macro"] == pytest.approx(sum(F) / 4)
    assert padded["accuracy"] == pytest.approx(4 / 6)


def test_per_class_report():
    report = metrics.per_class_report(PRED, Y, names=["neg", "neu", "pos"])
    assert isinstance(report, pd.DataFrame)
    assert list(report.index) == ["neg", "neu", "pos"]
    assert list(report.columns) == ["precision", "recall", "f1", "support"]
    np.testing.assert_allclose(report["precision"], P)
    np.testing.assert_allclose(report["recall"], R)
    np.testing.assert_allclose(report["f1"], F)
    assert report["support"].tolist() == [2, 2, 2]
    # a named class absent from both y_true and y_pred gets zeros, not an error
    wide = metrics.per_class_report(PRED, Y, names=["neg", "neu", "pos", "other"])
    assert wide.loc["other"].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_confusion_rows_are_true_classes():
    y_true = [0, 0, 0, 1, 2]
    y_pred = [1, 1, 0, 1, 1]
    m = metrics.confusion(y_pred, y_true, n_classes=3)
    assert m.tolist() == [[1, 2, 0], [0, 1, 0], [0, 1, 0]]
    rates = metrics.confusion(y_pred, y_true, n_classes=4, normalize="true")
    assert rates.shape == (4, 4)
    np.testing.assert_allclose(rates[0], [1 / 3, 2 / 3, 0, 0])
    np.testing.assert_allclose(rates[1], [0, 1, 0, 0])
    np.testing.assert_allclose(rates[3], [0, 0, 0, 0])


def _auc_by_pairs(positive, score):
    """AUC as the fraction of (positive, negative) pairs ranked correctly (ties count half)."""
    pos, neg = score[positive], score[~positive]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return wins / (len(pos) * len(neg))


def test_roc_matches_sklearn_and_pair_counting():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, size=200)
    scores = rng.normal(size=(200, 4))
    scores[np.arange(200), y] += 1.0  # informative but not perfect
    scores[:5, 2] = scores[5, 2]  # some ties
    roc = metrics.roc_one_vs_rest(torch.tensor(scores), torch.tensor(y))
    assert sorted(roc) == [0, 1, 2, 3]
    for k in range(4):
        expected = roc_auc_score(y == k, scores[:, k])
        assert roc[k]["auc"] == pytest.approx(expected)
        assert roc[k]["auc"] == pytest.approx(_auc_by_pairs(y == k, scores[:, k]))
        assert 0.5 < roc[k]["auc"] < 1.0
        assert roc[k]["fpr"][0] == 0 and roc[k]["tpr"][-1] == 1
        assert np.all(np.diff(roc[k]["fpr"]) >= 0)


def test_roc_absent_class_is_nan():
    y = np.array([0, 1, 0, 1, 1])
    scores = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.8, 0.1], [0.5, 0.4, 0.1]])
    roc = metrics.roc_one_vs_rest(scores, y)
    assert math.isnan(roc[2]["auc"])
    assert roc[0]["auc"] == pytest.approx(roc_auc_score(y == 0, scores[:, 0]))
    assert roc[1]["auc"] == pytest.approx(1.0)
    # a class that is every sample is also undefined
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # handled up front, not by scikit-learn's undefined-ROC warning
        all_one = metrics.roc_one_vs_rest(np.array([[0.1, 0.9], [0.5, 0.5], [0.7, 0.3]]), np.array([1, 1, 1]))
    assert math.isnan(all_one[0]["auc"]) and math.isnan(all_one[1]["auc"])


def test_roc_binary_one_dimensional():
    y = np.array([0, 0, 1, 1])
    s = np.array([0.1, 0.4, 0.35, 0.8])  # 3 of 4 (pos, neg) pairs in order -> AUC 0.75
    roc = metrics.roc_one_vs_rest(s, y)
    assert sorted(roc) == [0, 1]
    assert roc[1]["auc"] == pytest.approx(0.75)
    assert roc[0]["auc"] == pytest.approx(0.75)  # negated scores against flipped labels


def test_outputs_come_first_like_a_loss():
    """The (outputs, targets) order: swapping the arguments is caught, not silently scored."""
    scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]])
    targets = np.array([0, 1, 0])
    assert metrics.accuracy(scores, targets) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="predictions but"):
        metrics.accuracy(targets[:2], scores)
    with pytest.raises(ValueError, match="macro_f1"):
        metrics.macro_f1(scores, targets[:2])
    # classification_summary reads predicted ids first: a swap changes precision vs recall
    pred, true = [0, 0, 0, 1], [0, 0, 1, 1]
    out = metrics.classification_summary(pred, true)
    assert out["precision_macro"] == pytest.approx((2 / 3 + 1) / 2)
    assert out["recall_macro"] == pytest.approx((1 + 1 / 2) / 2)
    assert metrics.confusion(pred, true, 2).tolist() == [[2, 0], [1, 1]]
