"""Classification metrics (scikit-learn underneath) with one calling convention.

Why: every lab reports the same numbers; each function takes ``y_true`` (class ids) and
either ``y_pred`` (class ids) or ``scores`` (``[n, k]`` logits/probabilities, or ``[n]``
scores for the positive class in a binary task).
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


def accuracy(y_true, scores) -> float:
    """Fraction of correct predictions, from scores (``fit`` calls metrics this way)."""
    return float(np.mean(predictions(scores) == to_numpy(y_true)))


def macro_f1(y_true, scores) -> float:
    """Macro-averaged F1 from scores: each class counts the same, whatever its size."""
    return float(skm.f1_score(to_numpy(y_true), predictions(scores), average="macro", zero_division=0))


def classification_summary(y_true, y_pred, labels: list[int] | None = None) -> dict[str, float]:
    """Accuracy and macro precision/recall/F1 from predicted class ids."""
    y_true, y_pred = to_numpy(y_true), to_numpy(y_pred)
    p, r, f, _ = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    return {
        "accuracy": float(np.mean(y_true == y_pred)),
        "precision_macro": float(p),
        "recall_macro": float(r),
        "f1_macro": float(f),
    }


def per_class_report(y_true, y_pred, names: list[str]) -> pd.DataFrame:
    """Precision, recall, F1 and support per class, as a DataFrame indexed by class name."""
    y_true, y_pred = to_numpy(y_true), to_numpy(y_pred)
    p, r, f, s = skm.precision_recall_fscore_support(y_true, y_pred, labels=list(range(len(names))), zero_division=0)
    return pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": s}, index=list(names))


def confusion(y_true, y_pred, n_classes: int, normalize: str | None = None) -> np.ndarray:
    """Confusion matrix: rows are true classes, columns predictions (``normalize='true'`` for rates)."""
    return skm.confusion_matrix(to_numpy(y_true), to_numpy(y_pred), labels=list(range(n_classes)), normalize=normalize)


def roc_one_vs_rest(y_true, scores) -> dict[int, dict]:
    """Per class: false/true positive rates and AUC of that class against the rest.

    ``scores`` is ``[n, k]`` (probabilities or logits); a ``[n]`` score is treated as a
    binary task's positive-class score. A class absent from ``y_true`` gets ``auc = nan``.
    """
    y_true, scores = to_numpy(y_true), to_numpy(scores)
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
