"""Figures the labs share. Each function draws on a new (or given) axis and returns the figure.

Why: curves, confusion matrices, ROC curves and word-level heatmaps look the same in every
lab, so students compare like with like and spend their time on reading them.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from .metrics import to_numpy


def _axes(ax, figsize):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def plot_history(history, metrics: Sequence[str] = ("loss",), title: str | None = None, figsize=None):
    """Train (solid) and validation (dashed) curves, one panel per metric, the best evaluation marked.

    ``history`` is a ``train.History`` (or its ``frame``); the x axis is the epoch, or the step
    when ``fit`` evaluated more than once per epoch (``eval_every``).
    """
    frame = history.frame if hasattr(history, "frame") else history
    if len(frame) == 0:
        raise ValueError("plot_history got a history with no evaluations; train for at least one epoch")
    x = "step" if "step" in frame and frame["epoch"].nunique() < len(frame) else "epoch"
    best = history.best[x] if hasattr(history, "best") else frame.attrs.get("best_epoch")
    metrics = list(metrics)
    fig, axes = plt.subplots(1, len(metrics), figsize=figsize or (4.5 * len(metrics), 3.2), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        for prefix, style in (("train_", "-"), ("val_", "--")):
            column = prefix + metric
            if column in frame:
                ax.plot(frame[x], frame[column], style, marker="o", ms=3, label=prefix.rstrip("_"))
        if best:
            ax.axvline(best, color="grey", lw=0.8, ls=":", label=f"best {x}")
        ax.set_xlabel(x)
        ax.set_ylabel(metric)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion(
    matrix, names: Sequence[str], normalize: bool = True, title: str = "confusion matrix", ax=None, cmap="Blues"
):
    """Heatmap of a confusion matrix; rows are true classes. With ``normalize``, row rates."""
    matrix = np.asarray(matrix, dtype=float)
    if normalize:
        sums = matrix.sum(axis=1, keepdims=True)
        matrix = np.divide(matrix, sums, out=np.zeros_like(matrix), where=sums > 0)
    fig, ax = _axes(ax, (1.2 + 0.7 * len(names), 1.0 + 0.6 * len(names)))
    sns.heatmap(
        matrix,
        annot=True,
        fmt=".2f" if normalize else ".0f",
        cmap=cmap,
        xticklabels=names,
        yticklabels=names,
        cbar=False,
        ax=ax,
        vmin=0,
    )
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_roc(roc: dict, names: Sequence[str], title: str = "one-vs-rest ROC", ax=None):
    """Per-class ROC curves from ``metrics.roc_one_vs_rest``, AUC in the legend."""
    fig, ax = _axes(ax, (4.5, 4))
    for k, curve in roc.items():
        ax.plot(curve["fpr"], curve["tpr"], label=f"{names[k]} (AUC {curve['auc']:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def plot_token_heatmap(
    tokens: Sequence[str], weights, row_labels: Sequence[str] | None = None, title: str = "", ax=None, cmap="viridis"
):
    """Weights over the tokens of one text: ``weights`` is ``[T]`` or ``[rows, T]`` (e.g. heads)."""
    weights = to_numpy(weights)
    if weights.ndim == 1:
        weights = weights[None, :]
    if weights.shape[1] != len(tokens):
        raise ValueError(f"{weights.shape[1]} weights per row but {len(tokens)} tokens")
    fig, ax = _axes(ax, (max(4, 0.45 * len(tokens)), max(1.8, 0.6 + 0.45 * len(weights))))
    sns.heatmap(
        weights,
        xticklabels=list(tokens),
        yticklabels=list(row_labels) if row_labels is not None else "auto",
        cmap=cmap,
        ax=ax,
        cbar=True,
        annot=len(tokens) <= 25,
        fmt=".2f",
        annot_kws={"fontsize": 7},
    )
    ax.tick_params(axis="x", rotation=60)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_word_scores(words: Sequence[str], scores, title: str = "", ax=None):
    """Horizontal bars of per-word scores, positive in blue and negative in red."""
    scores = to_numpy(scores).astype(float)
    fig, ax = _axes(ax, (5, 0.3 + 0.3 * len(words)))
    colours = ["tab:blue" if s >= 0 else "tab:red" for s in scores]
    positions = np.arange(len(words))[::-1]
    ax.barh(positions, scores, color=colours)
    ax.set_yticks(positions, labels=list(words))
    ax.axvline(0, color="black", lw=0.8)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_lengths(lengths, title: str = "tokens per text", bins: int = 50, ax=None, clip_quantile: float = 0.99):
    """Histogram of sequence lengths, clipped at a high quantile so the tail does not hide the bulk."""
    lengths = np.asarray(lengths)
    if lengths.size == 0:
        raise ValueError("plot_lengths() needs at least one length")
    fig, ax = _axes(ax, (4.5, 3))
    top = np.quantile(lengths, clip_quantile)
    low = lengths.min()
    if top - low < bins:  # few distinct lengths: one bar per integer, no empty gaps
        bins = np.arange(low, top + 2) - 0.5
    ax.hist(np.minimum(lengths, top), bins=bins, color="tab:blue")
    ax.axvline(np.median(lengths), color="black", ls="--", lw=1, label=f"median {np.median(lengths):.0f}")
    ax.set_xlabel(f"length (clipped at the {clip_quantile:.0%} quantile, {top:.0f})")
    ax.set_ylabel("texts")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
