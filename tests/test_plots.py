"""Tests for labs_utils.plots: each function returns a Figure with the expected artists."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from labs_utils import plots  # noqa: E402
from labs_utils.metrics import roc_one_vs_rest  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _history(with_val=True, best=2):
    h = pd.DataFrame({"epoch": [1, 2, 3], "train_loss": [1.0, 0.6, 0.4], "train_acc": [0.5, 0.7, 0.8]})
    if with_val:
        h["val_loss"] = [0.9, 0.7, 0.75]
        h["val_acc"] = [0.55, 0.65, 0.6]
    if best is not None:
        h.attrs["best_epoch"] = best
    return h


def test_plot_history_two_panels():
    h = _history()
    fig = plots.plot_history(h, metrics=("loss", "acc"), title="run")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    for ax, metric in zip(fig.axes, ("loss", "acc")):
        labels = [line.get_label() for line in ax.get_lines()]
        assert labels == ["train", "val", "best epoch"]
        train, val, best = ax.get_lines()
        np.testing.assert_array_equal(train.get_ydata(), h[f"train_{metric}"])
        np.testing.assert_array_equal(val.get_ydata(), h[f"val_{metric}"])
        assert train.get_linestyle() == "-" and val.get_linestyle() == "--"
        assert list(best.get_xdata()) == [2, 2]
        assert ax.get_ylabel() == metric and ax.get_xlabel() == "epoch"
    assert fig._suptitle.get_text() == "run"


def test_plot_history_train_only_and_no_best():
    fig = plots.plot_history(_history(with_val=False, best=None))
    assert len(fig.axes) == 1
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["train"]


def test_plot_confusion():
    matrix = np.array([[3, 1, 0], [1, 1, 0], [0, 0, 0]])
    fig = plots.plot_confusion(matrix, names=["a", "b", "c"])
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 1  # no colour bar
    ax = fig.axes[0]
    # row rates; the empty row stays 0 instead of nan
    assert [t.get_text() for t in ax.texts] == ["0.75", "0.25", "0.00", "0.50", "0.50", "0.00", "0.00", "0.00", "0.00"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_ylabel() == "true" and ax.get_xlabel() == "predicted"
    counts = plots.plot_confusion(matrix, names=["a", "b", "c"], normalize=False)
    assert [t.get_text() for t in counts.axes[0].texts] == ["3", "1", "0", "1", "1", "0", "0", "0", "0"]


def test_plot_confusion_on_given_axis():
    fig, axes = plt.subplots(1, 2)
    out = plots.plot_confusion(np.eye(3), names=list("xyz"), ax=axes[1])
    assert out is fig
    assert len(axes[1].texts) == 9 and len(axes[0].texts) == 0


def test_plot_roc_one_line_per_class_plus_diagonal():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, size=60)
    scores = rng.normal(size=(60, 3))
    roc = roc_one_vs_rest(scores, y)
    fig = plots.plot_roc(roc, names=["x", "y", "z"])
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 4
    for k, line in enumerate(lines[:3]):
        assert line.get_label() == f"{'xyz'[k]} (AUC {roc[k]['auc']:.3f})"
        np.testing.assert_array_equal(line.get_xdata(), roc[k]["fpr"])
    assert list(lines[3].get_xdata()) == [0, 1] and list(lines[3].get_ydata()) == [0, 1]
    assert len(ax.get_legend().get_texts()) == 3


# a one-row heatmap gets a figure under 1 inch high, too short for tight_layout (see report)
@pytest.mark.filterwarnings("ignore:Tight layout not applied:UserWarning")
def test_plot_token_heatmap():
    tokens = ["the", "movie", "was", "great"]
    weights = torch.tensor([0.1, 0.2, 0.3, 0.4])
    fig = plots.plot_token_heatmap(tokens, weights, title="attention")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2  # heatmap + colour bar
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == tokens
    assert len(ax.texts) == 4
    mesh = [c for c in ax.collections if isinstance(c, QuadMesh)][0]
    np.testing.assert_allclose(np.asarray(mesh.get_array()).ravel(), weights.numpy())
    heads = plots.plot_token_heatmap(tokens, np.ones((3, 4)), row_labels=["h1", "h2", "h3"])
    assert [t.get_text() for t in heads.axes[0].get_yticklabels()] == ["h1", "h2", "h3"]
    assert len(heads.axes[0].texts) == 12


@pytest.mark.parametrize("weights", [np.ones(3), np.ones((2, 5))])
def test_plot_token_heatmap_length_mismatch(weights):
    with pytest.raises(ValueError, match="4 tokens"):
        plots.plot_token_heatmap(["a", "b", "c", "d"], weights)


def test_plot_word_scores_colours():
    words = ["good", "bad", "meh", "awful"]
    scores = np.array([1.5, -2.0, 0.0, -0.1])
    fig = plots.plot_word_scores(words, scores, title="scores")
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 4
    blue, red = to_rgba("tab:blue"), to_rgba("tab:red")
    assert [bar.get_facecolor() for bar in bars] == [blue, red, blue, red]
    np.testing.assert_allclose([bar.get_width() for bar in bars], scores)
    # the first word is drawn at the top
    assert bars[0].get_y() > bars[-1].get_y()
    placed = {float(pos): label.get_text() for pos, label in zip(ax.get_yticks(), ax.get_yticklabels())}
    assert [placed[float(bar.get_y() + bar.get_height() / 2)] for bar in bars] == words


def test_plot_lengths_clips_the_tail():
    lengths = np.concatenate([np.arange(1, 100), [10_000]])
    fig = plots.plot_lengths(lengths, bins=20)
    ax = fig.axes[0]
    assert len(ax.patches) == 20
    right_edge = max(p.get_x() + p.get_width() for p in ax.patches)
    assert right_edge == pytest.approx(np.quantile(lengths, 0.99))
    assert sum(p.get_height() for p in ax.patches) == len(lengths)
    (median,) = ax.get_lines()
    assert list(median.get_xdata()) == [np.median(lengths)] * 2


def test_token_heatmap_accepts_array_row_labels_and_one_row_is_tall_enough():
    fig = plots.plot_token_heatmap(["a", "b"], np.array([[0.2, 0.8], [0.5, 0.5]]), row_labels=np.array(["h1", "h2"]))
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["h1", "h2"]
    plt.close(fig)
    fig = plots.plot_token_heatmap(["a", "b"], np.array([0.2, 0.8]))
    assert fig.get_size_inches()[1] >= 1.8
    plt.close(fig)


def test_plot_lengths_rejects_empty():
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_lengths([])
