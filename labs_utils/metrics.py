"""Classification metrics (scikit-learn underneath) with one calling convention.

Why: every lab reports the same numbers, and one argument order avoids a silent swap: like a
PyTorch loss, every function takes what the model said first and the truth second:
``scores`` (``[n, k]`` logits/probabilities, or ``[n]`` positive-class scores in a binary task)
or ``predicted`` (class ids), then ``targets`` (class ids). ``train.fit`` calls metrics the
same way, ``fn(outputs, targets)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn import metrics as skm


def to_numpy(x) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def predictions(scores) -> np.ndarray:
    """Class ids from ``[n, k]`` scores (argmax) or ``[n]`` binary logits (> 0)."""
    scores = to_numpy(scores)
    return scores.argmax(axis=1) if scores.ndim == 2 else (scores > 0).astype(int)


def _same_length(a: np.ndarray, b: np.ndarray, what: str) -> None:
    if len(a) != len(b):
        raise ValueError(f"{what}: {len(a)} predictions but {len(b)} targets; pass (outputs, targets) of one set")


def accuracy(scores, targets) -> float:
    """Fraction of correct predictions, from scores."""
    predicted, targets = predictions(scores), to_numpy(targets)
    _same_length(predicted, targets, "accuracy")
    return float(np.mean(predicted == targets))


def macro_f1(scores, targets) -> float:
    """Macro-averaged F1 from scores: each class counts the same, whatever its size."""
    predicted, targets = predictions(scores), to_numpy(targets)
    _same_length(predicted, targets, "macro_f1")
    return float(skm.f1_score(targets, predicted, average="macro", zero_division=0))


def classification_summary(predicted, targets, labels: list[int] | None = None) -> dict[str, float]:
    """Accuracy and macro precision/recall/F1 from predicted class ids."""
    y_true, y_pred = to_numpy(targets), to_numpy(predicted)
    _same_length(y_pred, y_true, "classification_summary")
    p, r, f, _ = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    return {
        "accuracy": float(np.mean(y_true == y_pred)),
        "precision_macro": float(p),
        "recall_macro": float(r),
        "f1_macro": float(f),
    }


def per_class_report(predicted, targets, names: list[str]) -> pd.DataFrame:
    """Precision, recall, F1 and support per class, as a DataFrame indexed by class name."""
    y_true, y_pred = to_numpy(targets), to_numpy(predicted)
    p, r, f, s = skm.precision_recall_fscore_support(y_true, y_pred, labels=list(range(len(names))), zero_division=0)
    return pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": s}, index=list(names))


def confusion(predicted, targets, n_classes: int, normalize: str | None = None) -> np.ndarray:
    """Confusion matrix: rows are true classes, columns predictions (``normalize='true'`` for rates)."""
    y_true, y_pred = to_numpy(targets), to_numpy(predicted)
    return skm.confusion_matrix(y_true, y_pred, labels=list(range(n_classes)), normalize=normalize)


def roc_one_vs_rest(scores, targets) -> dict[int, dict]:
    """Per class: false/true positive rates and AUC of that class against the rest.

    ``scores`` is ``[n, k]`` (probabilities or logits); a ``[n]`` score is treated as a
    binary task's positive-class score. A class absent from ``y_true`` gets ``auc = nan``.
    """
    y_true, scores = to_numpy(targets), to_numpy(scores)
    _same_length(scores, y_true, "roc_one_vs_rest")
    if scores.ndim == 1:
        scores = np.stack([-scores, scores], axis=1)
    result = {}
    for k in range(scores.shape[1]):
        positive = y_true == k
        if positive.all() or not positive.any():
            result[k] = {"fpr": np.array([0.0, 1.0]), "tpr": np.array([0.0, 1.0]), "auc": float("nan")}
            continue
        fpr, tpr, _ = skm.roc_curve(positive, scores[:, k])
        result[k] = {"fpr": fpr, "tpr": tpr, "auc": float(skm.auc(fpr, tpr))}
    return result
