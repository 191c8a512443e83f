"""Training: ``fit`` a model, ``evaluate`` or ``predict`` with it, and the small pieces around them.

Why: students should write models, losses and analyses, not the tenth copy of a loop. One call
trains any lab's model and returns a ``History``:

    history = train.fit(model, train_loader, epochs=5, loss_fn=nn.CrossEntropyLoss(),
                        val_loader=val_loader, metrics={"f1": metrics.macro_f1},
                        stopping=train.EarlyStopping("val_f1", patience=2))

Conventions, the same everywhere:
- a batch is ``(*inputs, targets)``; tensors go to the model's device and the model is called as
  ``model(*inputs)`` (pass ``forward(model, batch, device) -> (outputs, targets)`` for other batches);
- losses and metrics are both called ``fn(outputs, targets)``, in that order;
- a model with its own losses (e.g. a bidirectional language model) passes
  ``step(model, batch) -> loss`` (or ``(loss, weight)``) instead of ``loss_fn``; the same function
  gives the validation loss;
- the optimiser defaults to Adam on the trainable parameters at ``lr``.
Options come in groups: ``EarlyStopping`` (which column, patience, restore the best weights),
``clip_grad`` (global norm) and ``penalty`` (any ``model -> tensor`` added to the loss, such as
``weight_penalty(l1=..., l2=...)``).  ``eval_every=N`` evaluates every N steps instead of once
per epoch, for step-level learning curves.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import torch
from tqdm.auto import tqdm

Metric = Callable[[torch.Tensor, torch.Tensor], float]  # (outputs, targets) -> value


def default_forward(model, batch, device):
    """``(*inputs, targets)`` -> ``(model(*inputs), targets)``, tensors moved to ``device``."""
    *inputs, targets = [b.to(device) if torch.is_tensor(b) else b for b in batch]
    return model(*inputs), targets


def count_parameters(model: torch.nn.Module, trainable_only: bool = True) -> int:
    """Number of (trainable) parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def weight_penalty(l1: float = 0.0, l2: float = 0.0) -> Callable[[torch.nn.Module], torch.Tensor]:
    """A penalty for ``fit``: ``model -> l1 * sum|w| + l2 * sum w^2`` over weight matrices (no biases)."""
    if l1 < 0 or l2 < 0:
        raise ValueError(f"weight_penalty needs l1, l2 >= 0, got l1={l1}, l2={l2}")

    def penalty(model: torch.nn.Module) -> torch.Tensor:
        weights = [p for p in model.parameters() if p.requires_grad and p.dim() > 1]
        total = torch.zeros((), device=weights[0].device if weights else "cpu")
        for w in weights:
            total = total + l1 * w.abs().sum() + l2 * w.pow(2).sum()
        return total

    return penalty


@dataclass
class EarlyStopping:
    """Which history column picks the best evaluation, and when to stop.

    monitor: e.g. ``"val_loss"`` or ``"val_f1"``; mode ``"min"`` for losses, ``"max"`` otherwise.
    patience: evaluations without improvement before stopping (None: never stop early).
    restore_best: the model ends with the best evaluation's weights.
    """

    monitor: str = "val_loss"
    patience: int | None = None
    mode: str | None = None
    restore_best: bool = True

    def __post_init__(self):
        self.mode = self.mode or ("min" if self.monitor.endswith("loss") else "max")
        if self.mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping mode must be 'min' or 'max', got {self.mode!r}")
        if self.patience is not None and self.patience < 1:
            raise ValueError(f"EarlyStopping patience must be >= 1 or None, got {self.patience}")

    def better(self, value: float, best: float | None) -> bool:
        return best is None or (value < best if self.mode == "min" else value > best)


@dataclass
class History:
    """One row per evaluation (epoch, step, train_*, val_*, seconds, lr, grad_norm), and the best one.

    ``history.frame`` is the table; ``history["val_loss"]`` a column; ``history.best`` the row whose
    weights the model holds when ``restore_best`` was on (else the last row).
    """

    rows: list[dict] = field(default_factory=list)
    monitor: str = "train_loss"
    best_index: int | None = None
    stopped_early: bool = False

    @property
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, column: str) -> pd.Series:
        return self.frame[column]

    def __contains__(self, column: str) -> bool:
        return bool(self.rows) and column in self.rows[0]

    @property
    def best(self) -> dict:
        if not self.rows:
            raise ValueError("this History has no evaluations: fit ran no epochs (epochs >= 1 needed)")
        return self.rows[len(self.rows) - 1 if self.best_index is None else self.best_index]

    @property
    def best_epoch(self) -> int:
        return int(self.best["epoch"])

    def _repr_html_(self) -> str:
        return self.frame._repr_html_()

    def __repr__(self) -> str:
        return f"History({len(self)} evaluations, monitor={self.monitor!r})\n{self.frame}"


def _batches(step, model, loader, device, forward, loss_fn):
    """Yield (loss, weight, outputs, targets) per batch; outputs are None for a custom step."""
    for batch in loader:
        if step is not None:
            result = step(model, batch)
            loss, weight = result if isinstance(result, tuple) else (result, 1)
            yield loss, float(weight), None, None
        else:
            outputs, targets = forward(model, batch, device)
            yield loss_fn(outputs, targets), float(len(targets)), outputs, targets


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
    if not outputs:
        raise ValueError("predict got an empty loader: check the dataset and the batch sampler")
    return torch.cat(outputs), torch.cat(targets)


@torch.no_grad()
def evaluate(model, loader, loss_fn=None, metrics=None, step=None, forward=default_forward, prefix="") -> dict:
    """Mean loss (with ``loss_fn`` or ``step``) and each metric ``fn(outputs, targets)`` over a loader."""
    if step is not None:
        if metrics:
            raise ValueError("evaluate: metrics need outputs; a custom step gives only a loss")
        was_training = model.training
        model.eval()
        total = weight = 0.0
        for loss, w, _, _ in _batches(step, model, loader, None, None, None):
            total, weight = total + float(loss) * w, weight + w
        model.train(was_training)
        if not weight:
            raise ValueError("evaluate got an empty loader: check the dataset and the batch sampler")
        return {f"{prefix}loss": total / weight}
    outputs, targets = predict(model, loader, forward=forward)
    result = {} if loss_fn is None else {"loss": float(loss_fn(outputs, targets))}
    result.update({name: float(fn(outputs, targets)) for name, fn in (metrics or {}).items()})
    return {prefix + k: v for k, v in result.items()}


def _check(model, train_loader, epochs, loss_fn, step, metrics, val_loader, stopping, eval_every):
    if epochs < 1:
        raise ValueError(f"fit needs epochs >= 1, got {epochs}")
    if (loss_fn is None) == (step is None):
        raise ValueError("fit needs exactly one of loss_fn=(outputs, targets) -> loss or step=(model, batch) -> loss")
    if step is not None and metrics:
        raise ValueError("fit: metrics need outputs, which a custom step does not return; drop metrics")
    if eval_every is not None and eval_every < 1:
        raise ValueError(f"eval_every must be >= 1 steps or None, got {eval_every}")
    try:
        if len(train_loader) == 0:
            raise ValueError("fit got an empty train_loader: check the dataset (no rows?) and the batch size")
    except TypeError:  # a loader without a length is fine
        pass
    columns = {f"{p}{n}" for p in ("train_", "val_") for n in ("loss", *(metrics or {}))}
    if stopping.monitor not in columns:
        raise ValueError(
            f"EarlyStopping monitor={stopping.monitor!r} is not a history column; one of {sorted(columns)}"
        )
    if stopping.monitor.startswith("val_") and val_loader is None:
        raise ValueError(f"EarlyStopping monitor={stopping.monitor!r} needs a val_loader")
    if not any(p.requires_grad for p in model.parameters()):
        raise ValueError("fit: the model has no trainable parameters (all requires_grad=False)")


def fit(
    model: torch.nn.Module,
    train_loader,
    epochs: int,
    *,
    loss_fn=None,
    step=None,
    optimizer: torch.optim.Optimizer | None = None,
    lr: float = 1e-3,
    val_loader=None,
    metrics: dict[str, Metric] | None = None,
    stopping: EarlyStopping | None = None,
    clip_grad: float | None = None,
    penalty: Callable[[torch.nn.Module], torch.Tensor] | None = None,
    scheduler=None,
    eval_every: int | None = None,
    forward=default_forward,
    progress: bool = True,
    desc: str = "train",
) -> History:
    """Train ``model`` for ``epochs`` passes over ``train_loader``; one History row per evaluation.

    Each evaluation (end of an epoch, or every ``eval_every`` steps) logs the mean training loss
    and metrics since the previous one, the validation loss and metrics, seconds, the learning
    rate and, with ``clip_grad``, the mean gradient norm before clipping.  ``scheduler`` steps once
    per epoch (``ReduceLROnPlateau`` gets the monitored value).
    """
    stopping = stopping or EarlyStopping("val_loss" if val_loader is not None else "train_loss")
    _check(model, train_loader, epochs, loss_fn, step, metrics, val_loader, stopping, eval_every)
    metrics = metrics or {}
    device = next(model.parameters()).device
    optimizer = optimizer or torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    history = History(monitor=stopping.monitor)
    best_value, best_state, waited, global_step = None, None, 0, 0
    window = dict(loss=0.0, weight=0.0, norms=[], outputs=[], targets=[], start=time.perf_counter())

    def record(epoch: int) -> bool:
        """Close the window since the last evaluation; True when early stopping says stop."""
        nonlocal best_value, best_state, waited
        row = {"epoch": epoch, "step": global_step, "train_loss": window["loss"] / max(window["weight"], 1e-12)}
        if metrics and window["outputs"]:
            outs, ys = torch.cat(window["outputs"]), torch.cat(window["targets"])
            row.update({f"train_{k}": float(fn(outs, ys)) for k, fn in metrics.items()})
        row["seconds"] = time.perf_counter() - window["start"]
        if window["norms"]:
            row["grad_norm"] = sum(window["norms"]) / len(window["norms"])
        row["lr"] = optimizer.param_groups[0]["lr"]
        if val_loader is not None:
            row.update(evaluate(model, val_loader, loss_fn, metrics, step, forward, prefix="val_"))
            model.train()
        history.rows.append(row)
        window.update(loss=0.0, weight=0.0, norms=[], outputs=[], targets=[], start=time.perf_counter())
        if stopping.better(row[stopping.monitor], best_value):
            best_value, waited, history.best_index = row[stopping.monitor], 0, len(history.rows) - 1
            if stopping.restore_best:
                best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
        bar.set_postfix({k: f"{v:.4g}" for k, v in row.items() if k.startswith(("train_", "val_"))})
        return stopping.patience is not None and waited >= stopping.patience

    bar = tqdm(range(1, epochs + 1), desc=desc, disable=not progress, leave=False)
    stop = False
    for epoch in bar:
        model.train()
        for loss, weight, outputs, targets in _batches(step, model, train_loader, device, forward, loss_fn):
            global_step += 1
            if penalty is not None:
                loss = loss + penalty(model)
            if not torch.isfinite(loss):
                raise FloatingPointError(
                    f"loss is {loss.item()} at epoch {epoch}, step {global_step}: lower the learning rate, "
                    "clip gradients (clip_grad=1.0), or check the inputs for NaN/inf."
                )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if clip_grad is not None:
                window["norms"].append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad)))
            optimizer.step()
            window["loss"] += loss.item() * weight
            window["weight"] += weight
            if metrics:
                window["outputs"].append(outputs.detach().cpu())
                window["targets"].append(targets.detach().cpu())
            if eval_every is not None and global_step % eval_every == 0 and record(epoch):
                stop = True
                break
        if stop:
            break
        if window["weight"] and (eval_every is None or epoch == epochs):
            stop = record(epoch)
        if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
            if history.rows:
                scheduler.step(history.rows[-1][stopping.monitor])
        elif scheduler is not None:
            scheduler.step()
        if stop:
            break
    bar.close()
    history.stopped_early = stop
    if stopping.restore_best and best_state is not None:
        model.load_state_dict(best_state)
    else:
        history.best_index = len(history.rows) - 1
    return history
