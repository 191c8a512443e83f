"""Tests for labs_utils.legacy (transitional: the old fit API, kept until every notebook uses labs_utils.train)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from labs_utils.legacy import accuracy, count_parameters, evaluate, fit, predict, weight_penalty


def separable(n=256, seed=0, flip=False):
    """Two classes split by the line x0 + x1 = 0, with a margin."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 2, generator=g)
    x = x + 0.5 * torch.sign(x.sum(dim=1, keepdim=True))  # push points away from the boundary
    y = (x.sum(dim=1) > 0).long()
    if flip:
        y = 1 - y
    return x, y


def loader(x, y, batch_size=32, shuffle=False, seed=0):
    g = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=shuffle, generator=g)


def linear(seed=0):
    torch.manual_seed(seed)
    return nn.Linear(2, 2)


CE = nn.CrossEntropyLoss()


def test_fit_learns_separable_problem_and_history_columns():
    x, y = separable(256, seed=0)
    xv, yv = separable(128, seed=1)
    model = linear()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    before = evaluate(model, loader(xv, yv), CE, {"accuracy": accuracy})
    hist = fit(
        model,
        loader(x, y, shuffle=True),
        opt,
        CE,
        epochs=8,
        val_loader=loader(xv, yv),
        metrics={"accuracy": accuracy},
        clip_grad=100.0,
        progress=False,
    )
    assert isinstance(hist, pd.DataFrame)
    assert set(hist.columns) == {
        "epoch",
        "train_loss",
        "train_accuracy",
        "val_loss",
        "val_accuracy",
        "seconds",
        "lr",
        "grad_norm",
    }
    assert hist["epoch"].tolist() == list(range(1, 9))
    assert (hist["seconds"] > 0).all()
    assert (hist["lr"] == 0.5).all()
    assert hist["val_accuracy"].iloc[-1] >= 0.97
    assert hist["train_accuracy"].iloc[-1] >= 0.95
    assert hist["val_loss"].iloc[-1] < before["loss"] / 2
    assert hist.attrs["monitor"] == "val_loss"
    assert hist.attrs["stopped_early"] is False
    best = hist.attrs["best_epoch"]
    assert hist.attrs["best_value"] == hist["val_loss"].min() == hist["val_loss"].iloc[best - 1]
    # the metric columns agree with an independent computation on the final model
    after = evaluate(model, loader(xv, yv), CE, {"accuracy": accuracy})
    preds = model(xv).argmax(dim=1)
    assert after["accuracy"] == pytest.approx((preds == yv).float().mean().item())
    assert after["loss"] == pytest.approx(CE(model(xv), yv).item(), rel=1e-6)


def test_history_without_val_or_clip():
    x, y = separable(64)
    model = linear()
    hist = fit(model, loader(x, y), torch.optim.SGD(model.parameters(), lr=0.1), CE, epochs=2, progress=False)
    assert set(hist.columns) == {"epoch", "train_loss", "seconds", "lr"}
    assert hist.attrs["monitor"] == "train_loss"


def test_train_loss_is_sample_weighted_mean():
    # with lr=0 the model does not move, so train_loss equals the loss on all data,
    # even though the last batch (64 = 3*20 + 4) is smaller than the others
    x, y = separable(64)
    model = linear()
    hist = fit(
        model, loader(x, y, batch_size=20), torch.optim.SGD(model.parameters(), lr=0.0), CE, epochs=1, progress=False
    )
    assert hist["train_loss"].iloc[0] == pytest.approx(CE(model(x), y).item(), rel=1e-5)


def test_early_stopping_restores_best_weights():
    # validation labels are the opposite of the training labels: every epoch that improves
    # the training fit makes the validation loss worse, so epoch 1 is the best one
    x, y = separable(128, seed=0)
    xv, yv = separable(128, seed=0, flip=True)
    model = linear()
    val = loader(xv, yv)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    hist = fit(model, loader(x, y), opt, CE, epochs=20, val_loader=val, patience=2, progress=False)
    assert len(hist) == 3
    assert hist.attrs["stopped_early"] is True
    assert hist.attrs["best_epoch"] == 1
    assert hist["val_loss"].is_monotonic_increasing
    restored = evaluate(model, val, CE)["loss"]
    assert restored == pytest.approx(hist["val_loss"].iloc[0], rel=1e-6)
    assert restored != pytest.approx(hist["val_loss"].iloc[-1], rel=1e-3)
    # and the weights are exactly those of a replica trained for that one epoch only
    replica = linear()
    fit(replica, loader(x, y), torch.optim.SGD(replica.parameters(), lr=0.5), CE, epochs=1, progress=False)
    for name, value in replica.state_dict().items():
        assert torch.equal(model.state_dict()[name], value), name


def test_no_restore_keeps_last_weights():
    x, y = separable(128, seed=0)
    xv, yv = separable(128, seed=0, flip=True)
    model = linear()
    val = loader(xv, yv)
    hist = fit(
        model,
        loader(x, y),
        torch.optim.SGD(model.parameters(), lr=0.5),
        CE,
        epochs=20,
        val_loader=val,
        patience=2,
        restore_best=False,
        progress=False,
    )
    assert len(hist) == 3
    assert evaluate(model, val, CE)["loss"] == pytest.approx(hist["val_loss"].iloc[-1], rel=1e-6)


def test_monitor_max_metric_and_patience():
    x, y = separable(128, seed=0)
    xv, yv = separable(128, seed=0, flip=True)
    model = linear()
    hist = fit(
        model,
        loader(x, y),
        torch.optim.SGD(model.parameters(), lr=0.5),
        CE,
        epochs=20,
        val_loader=loader(xv, yv),
        metrics={"acc": accuracy},
        monitor="val_acc",
        patience=3,
        progress=False,
    )
    assert hist.attrs["monitor"] == "val_acc"
    best = hist.attrs["best_epoch"]
    assert hist.attrs["best_value"] == hist["val_acc"].max()
    assert hist["val_acc"].iloc[best - 1] == hist["val_acc"].max()
    assert len(hist) - best == 3  # stopped after 3 epochs without a higher accuracy
    assert evaluate(model, loader(xv, yv), CE, {"acc": accuracy})["acc"] == hist["val_acc"].max()


def test_patience_counts_consecutive_epochs_only():
    # a scripted train metric: improvements at epochs 1, 3, 5; patience=2 must reset each time,
    # so training stops after epochs 6 and 7 fail to improve on epoch 5
    script = iter([1.0, 0.0, 2.0, 0.0, 3.0, 0.0, 0.0, 4.0, 5.0, 6.0])
    x, y = separable(64)
    model = linear()
    hist = fit(
        model,
        loader(x, y),
        torch.optim.SGD(model.parameters(), lr=0.5),
        CE,
        epochs=10,
        metrics={"score": lambda t, o: next(script)},
        monitor="train_score",
        patience=2,
        progress=False,
    )
    assert hist["train_score"].tolist() == [1.0, 0.0, 2.0, 0.0, 3.0, 0.0, 0.0]
    assert hist.attrs["best_epoch"] == 5 and hist.attrs["best_value"] == 3.0
    assert hist.attrs["stopped_early"] is True
    replica = linear()
    fit(replica, loader(x, y), torch.optim.SGD(replica.parameters(), lr=0.5), CE, epochs=5, progress=False)
    for name, value in replica.state_dict().items():
        assert torch.equal(model.state_dict()[name], value), name


def test_nan_loss_names_epoch_and_batch():
    x, y = separable(64)
    calls = {"n": 0}

    def loss_fn(out, target):
        calls["n"] += 1
        loss = CE(out, target)
        return loss * float("nan") if calls["n"] == 7 else loss  # 4 batches/epoch: epoch 2, batch 3

    model = linear()
    with pytest.raises(FloatingPointError, match=r"epoch 2, batch 3"):
        fit(
            model,
            loader(x, y, batch_size=16),
            torch.optim.SGD(model.parameters(), lr=0.1),
            loss_fn,
            epochs=3,
            progress=False,
        )


def test_inf_loss_also_raises():
    x, y = separable(32)
    model = linear()
    with pytest.raises(FloatingPointError, match=r"epoch 1, batch 1"):
        fit(
            model,
            loader(x, y),
            torch.optim.SGD(model.parameters(), lr=0.1),
            lambda o, t: CE(o, t) + float("inf"),
            epochs=1,
            progress=False,
        )


def _grad_norm(model, x, y):
    model.zero_grad()
    CE(model(x), y).backward()
    return math.sqrt(sum(float((p.grad**2).sum()) for p in model.parameters()))


def _flat(model):
    return torch.cat([p.detach().flatten() for p in model.parameters()])


@pytest.mark.parametrize("clip", [0.01, 1e6])
def test_clip_grad_logs_preclip_norm_and_limits_step(clip):
    x, y = separable(32)
    x = x * 50  # large inputs, large gradients
    model = linear()
    reference = linear()
    reference.load_state_dict(model.state_dict())
    norm = _grad_norm(reference, x, y)
    assert norm > 1.0
    lr = 0.1
    start = _flat(model)
    hist = fit(
        model,
        loader(x, y, batch_size=32),
        torch.optim.SGD(model.parameters(), lr=lr),
        CE,
        epochs=1,
        clip_grad=clip,
        progress=False,
    )
    assert hist["grad_norm"].iloc[0] == pytest.approx(norm, rel=1e-5)  # before clipping
    step = float((_flat(model) - start).norm())
    assert step == pytest.approx(lr * min(norm, clip), rel=1e-4)
    assert step <= lr * clip * (1 + 1e-5)


def _pen(model, **kw):
    return weight_penalty(model, **kw).detach().item()


def test_weight_penalty_by_hand():
    model = nn.Linear(2, 2)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, -2.0], [3.0, -4.0]]))
        model.bias.copy_(torch.tensor([10.0, -20.0]))  # must not count
    assert _pen(model, l1=0.1) == pytest.approx(0.1 * 10)
    assert _pen(model, l2=0.01) == pytest.approx(0.01 * 30)
    assert _pen(model, l1=0.1, l2=0.01) == pytest.approx(1.3)
    assert _pen(model) == 0.0
    deep = nn.Sequential(model, nn.ReLU(), nn.Linear(2, 1))
    with torch.no_grad():
        deep[2].weight.copy_(torch.tensor([[0.5, -0.5]]))
    assert _pen(deep, l1=1.0) == pytest.approx(11.0)
    assert _pen(deep, l2=1.0) == pytest.approx(30.5)
    model.weight.requires_grad_(False)  # frozen weights are not penalised
    assert _pen(deep, l1=1.0) == pytest.approx(1.0)
    # gradients flow to the weights only
    model.weight.requires_grad_(True)
    weight_penalty(deep, l2=1.0).backward()
    torch.testing.assert_close(model.weight.grad, 2 * model.weight.detach())
    assert model.bias.grad is None


def test_fit_adds_penalty_to_train_loss():
    x, y = separable(64)
    model = linear()
    with torch.no_grad():
        base = CE(model(x), y).item()
        expected = base + 0.05 * model.weight.abs().sum().item() + 0.2 * (model.weight**2).sum().item()
    hist = fit(
        model,
        loader(x, y, batch_size=16),
        torch.optim.SGD(model.parameters(), lr=0.0),
        CE,
        epochs=1,
        l1=0.05,
        l2=0.2,
        progress=False,
    )
    assert hist["train_loss"].iloc[0] == pytest.approx(expected, rel=1e-5)


class TinyText(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 8)  # 800
        self.out = nn.Linear(8, 3)  # 24 + 3

    def forward(self, tokens):
        return self.out(self.emb(tokens).mean(dim=1))


def test_count_parameters_with_frozen_embedding():
    model = TinyText()
    assert count_parameters(model) == 827
    model.emb.weight.requires_grad_(False)
    assert count_parameters(model) == 27
    assert count_parameters(model, trainable_only=False) == 827


def _run(seed):
    torch.manual_seed(seed)
    x, y = separable(96, seed=2)
    xv, yv = separable(64, seed=3)
    model = nn.Sequential(nn.Linear(2, 8), nn.Dropout(0.3), nn.ReLU(), nn.Linear(8, 2))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    hist = fit(
        model,
        loader(x, y, batch_size=16, shuffle=True, seed=seed),
        opt,
        CE,
        epochs=3,
        val_loader=loader(xv, yv),
        metrics={"acc": accuracy},
        clip_grad=1.0,
        progress=False,
    )
    return hist.drop(columns="seconds"), model


def test_same_seed_same_history():
    h1, m1 = _run(5)
    h2, m2 = _run(5)
    h3, _ = _run(6)
    pd.testing.assert_frame_equal(h1, h2, check_exact=True)
    assert torch.equal(_flat(m1), _flat(m2))
    assert not h1["train_loss"].equals(h3["train_loss"])


def test_val_monitor_without_val_loader_raises():
    x, y = separable(32)
    model = linear()
    with pytest.raises(ValueError, match="val_loader"):
        fit(
            model,
            loader(x, y),
            torch.optim.SGD(model.parameters(), lr=0.1),
            CE,
            epochs=1,
            monitor="val_accuracy",
            progress=False,
        )


def test_custom_forward_with_dict_batches():
    x, y = separable(128)
    ds = [{"features": x[i], "label": y[i]} for i in range(len(y))]
    dl = DataLoader(ds, batch_size=32)  # default collate keeps dicts
    seen = []

    def forward(model, batch, device):
        seen.append(type(batch))
        return model(batch["features"].to(device)), batch["label"].to(device)

    model = linear()
    hist = fit(
        model,
        dl,
        torch.optim.SGD(model.parameters(), lr=0.5),
        CE,
        epochs=5,
        val_loader=dl,
        metrics={"accuracy": accuracy},
        forward=forward,
        progress=False,
    )
    assert seen and all(t is dict for t in seen)
    assert hist["val_accuracy"].iloc[-1] >= 0.95
    outputs, targets = predict(model, dl, forward=forward)
    assert outputs.shape == (128, 2)
    assert torch.equal(targets, y)


def test_predict_restores_training_mode_and_concatenates():
    x, y = separable(50)
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.9))
    model.train()
    out, tgt = predict(model, loader(x, y, batch_size=16))
    assert model.training is True
    assert out.shape == (50, 2) and torch.equal(tgt, y)
    with torch.no_grad():
        torch.testing.assert_close(out, model[0](x))  # eval mode: dropout off
    model.eval()
    predict(model, loader(x, y))
    assert model.training is False


def test_lr_column_follows_scheduler():
    x, y = separable(32)
    model = linear()
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    hist = fit(model, loader(x, y), opt, CE, epochs=3, scheduler=sched, progress=False)
    # the logged values halve each epoch (whichever convention is used, see next test)
    ratios = (hist["lr"].iloc[1:].to_numpy() / hist["lr"].iloc[:-1].to_numpy()).tolist()
    assert ratios == [0.5, 0.5]


def test_lr_column_is_the_lr_used_in_that_epoch():
    x, y = separable(32)
    model = linear()
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    hist = fit(model, loader(x, y), opt, CE, epochs=3, scheduler=sched, progress=False)
    assert hist["lr"].tolist() == [1.0, 0.5, 0.25]


def test_reduce_on_plateau_gets_the_monitored_value():
    x, y = separable(32)
    model = linear()
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    # mode='max' on a loss that falls: epoch 1 sets the baseline, every later epoch is "no
    # improvement", so with patience 0 the rate halves after epochs 2, 3, ...
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=0.5, patience=0)
    hist = fit(model, loader(x, y), opt, CE, epochs=4, scheduler=sched, progress=False)
    assert hist["train_loss"].is_monotonic_decreasing
    assert hist["lr"].tolist() == [1.0, 1.0, 0.5, 0.25]


def test_unknown_monitor_or_mode_fails_before_training():
    x, y = separable(16)
    model = linear()
    before = [p.detach().clone() for p in model.parameters()]
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    with pytest.raises(ValueError, match="train_acc"):
        fit(model, loader(x, y), opt, CE, epochs=1, metrics={"accuracy": accuracy}, monitor="train_acc", progress=False)
    with pytest.raises(ValueError, match="mode"):
        fit(model, loader(x, y), opt, CE, epochs=1, mode="best", progress=False)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
