"""TRANSITIONAL, to be deleted: the training API and metric order before ``train.History``.

Notebooks not yet moved to ``labs_utils.train`` / ``labs_utils.metrics`` (issue 14) import from
here; metrics here take ``(targets, outputs)``, the old order.  Old docstring follows.

One training loop for every lab: ``fit``, plus ``evaluate``, ``predict`` and parameter counts.

Why: students should write models, losses and analyses, not the tenth copy of a loop.
``fit`` takes the optimiser and loss from the caller and adds what a good loop has:
early stopping on a chosen metric with the best weights restored, gradient clipping,
explicit L1/L2 penalties, a per-epoch history DataFrame (losses, metrics, seconds), tqdm
progress, and a clear error when the loss becomes NaN.

Batches: by default a batch is a tuple ``(*inputs, targets)``; every tensor goes to the
device and the model is called as ``model(*inputs)``. (Models that pack sequences should
call ``lengths.cpu()`` themselves.) Pass ``forward=lambda model, batch, device: (outputs,
targets)`` for anything else.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

import pandas as pd
import torch
from tqdm.auto import tqdm

Metric = Callable[[torch.Tensor, torch.Tensor], float]  # (targets, outputs) -> value


def default_forward(model, batch, device):
    *inputs, targets = [b.to(device) if torch.is_tensor(b) else b for b in batch]
    return model(*inputs), targets


def count_parameters(model: torch.nn.Module, trainable_only: bool = True) -> int:
    """Number of (trainable) parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def weight_penalty(model: torch.nn.Module, l1: float = 0.0, l2: float = 0.0) -> torch.Tensor:
    """``l1 * sum|w| + l2 * sum w^2`` over trainable weight matrices (biases excluded)."""
    weights = [p for p in model.parameters() if p.requires_grad and p.dim() > 1]
    total = torch.zeros((), device=weights[0].device if weights else "cpu")
    for w in weights:
        if l1:
            total = total + l1 * w.abs().sum()
        if l2:
            total = total + l2 * w.pow(2).sum()
    return total


@torch.no_grad()
def predict(model, loader, device=None, forward=default_forward):
    """Concatenated ``(outputs, targets)`` over a loader, on the CPU, in eval mode."""
    device = device or next(model.parameters()).device
    was_training = model.training
    model.eval()
    outputs, targets = [], []
    for batch in loader:
        out, y = forward(model, batch, device)
        outputs.append(out.detach().cpu())
        targets.append(y.detach().cpu())
    model.train(was_training)
    return torch.cat(outputs), torch.cat(targets)


def evaluate(
    model, loader, loss_fn, metrics: dict[str, Metric] | None = None, device=None, forward=default_forward
) -> dict[str, float]:
    """Mean loss and each metric over a loader."""
    outputs, targets = predict(model, loader, device, forward)
    result = {"loss": float(loss_fn(outputs, targets))}
    for name, fn in (metrics or {}).items():
        result[name] = float(fn(targets, outputs))
    return result


def fit(
    model: torch.nn.Module,
    train_loader,
    optimizer: torch.optim.Optimizer,
    loss_fn,
    epochs: int,
    val_loader=None,
    metrics: dict[str, Metric] | None = None,
    monitor: str | None = None,
    mode: str | None = None,
    patience: int | None = None,
    restore_best: bool = True,
    clip_grad: float | None = None,
    l1: float = 0.0,
    l2: float = 0.0,
    scheduler=None,
    device=None,
    forward=default_forward,
    progress: bool = True,
    desc: str = "train",
) -> pd.DataFrame:
    """Train ``model`` and return its history, one row per epoch.

    monitor: the column that picks the best epoch (default ``val_loss`` with a validation
        loader, else ``train_loss``); mode ``min`` for losses, ``max`` otherwise.
    patience: stop after this many epochs without improvement (None: run all epochs).
    restore_best: load the best epoch's weights at the end.
    clip_grad: clip the global gradient norm to this value; the norm before clipping is
        logged as ``grad_norm`` (mean over the epoch's batches).
    scheduler: stepped once per epoch (``ReduceLROnPlateau`` gets the monitored value); the
        ``lr`` column is the rate each epoch trained with.
    l1, l2: explicit penalties added to the loss (see ``weight_penalty``); prefer these to
        weight decay when the lab studies them.
    The history's ``attrs['best_epoch']`` is the epoch whose weights the model holds.
    """
    metrics = metrics or {}
    device = device or next(model.parameters()).device
    monitor = monitor or ("val_loss" if val_loader is not None else "train_loss")
    if monitor.startswith("val_") and val_loader is None:
        raise ValueError(f"monitor={monitor!r} needs a val_loader")
    columns = {f"{prefix}{name}" for prefix in ("train_", "val_") for name in ("loss", *metrics)}
    if monitor not in columns:
        raise ValueError(f"monitor={monitor!r} is not a history column; choose one of {sorted(columns)}")
    mode = mode or ("min" if monitor.endswith("loss") else "max")
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
    better = (lambda a, b: a < b) if mode == "min" else (lambda a, b: a > b)
    best_value, best_epoch, best_state, waited = None, 0, None, 0
    rows = []
    bar = tqdm(range(1, epochs + 1), desc=desc, disable=not progress, leave=False)
    for epoch in bar:
        model.train()
        lr = optimizer.param_groups[0]["lr"]  # the rate used during this epoch
        start = time.perf_counter()
        sum_loss, n_seen, norms, outs, ys = 0.0, 0, [], [], []
        for step, batch in enumerate(train_loader, start=1):
            outputs, targets = forward(model, batch, device)
            loss = loss_fn(outputs, targets)
            if l1 or l2:
                loss = loss + weight_penalty(model, l1, l2)
            if not torch.isfinite(loss):
                raise FloatingPointError(
                    f"loss is {loss.item()} at epoch {epoch}, batch {step}: lower the learning "
                    "rate, clip gradients (clip_grad=1.0), or check the inputs for NaN/inf."
                )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if clip_grad is not None:
                norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad)))
            optimizer.step()
            n = len(targets)
            sum_loss += loss.item() * n
            n_seen += n
            if metrics:
                outs.append(outputs.detach().cpu())
                ys.append(targets.detach().cpu())
        row = {"epoch": epoch, "train_loss": sum_loss / max(n_seen, 1)}
        if metrics:
            out_all, y_all = torch.cat(outs), torch.cat(ys)
            row.update({f"train_{k}": float(fn(y_all, out_all)) for k, fn in metrics.items()})
        row["seconds"] = time.perf_counter() - start
        if norms:
            row["grad_norm"] = sum(norms) / len(norms)
        row["lr"] = lr
        if val_loader is not None:
            row.update(
                {f"val_{k}": v for k, v in evaluate(model, val_loader, loss_fn, metrics, device, forward).items()}
            )
        rows.append(row)
        if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
            scheduler.step(row[monitor])
        elif scheduler is not None:
            scheduler.step()
        value = row[monitor]
        if best_value is None or better(value, best_value):
            best_value, best_epoch, waited = value, epoch, 0
            if restore_best:
                best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
        bar.set_postfix({k: f"{v:.4g}" for k, v in row.items() if k.endswith(("loss", "acc", "accuracy", "f1"))})
        if patience is not None and waited >= patience:
            break
    bar.close()
    if restore_best and best_state is not None:
        model.load_state_dict(best_state)
    history = pd.DataFrame(rows)
    history.attrs.update(
        best_epoch=best_epoch if restore_best else len(rows),
        monitor=monitor,
        best_value=best_value,
        stopped_early=len(rows) < epochs,
    )
    return history


# The old (targets, outputs) metric order, delegating to labs_utils.metrics.
from . import metrics as _m  # noqa: E402

to_numpy = _m.to_numpy
predictions = _m.predictions


def accuracy(y_true, scores):
    return _m.accuracy(scores, y_true)


def macro_f1(y_true, scores):
    return _m.macro_f1(scores, y_true)


def classification_summary(y_true, y_pred, labels=None):
    return _m.classification_summary(y_pred, y_true, labels)


def per_class_report(y_true, y_pred, names):
    return _m.per_class_report(y_pred, y_true, names)


def confusion(y_true, y_pred, n_classes, normalize=None):
    return _m.confusion(y_pred, y_true, n_classes, normalize)


def roc_one_vs_rest(y_true, scores):
    return _m.roc_one_vs_rest(scores, y_true)
