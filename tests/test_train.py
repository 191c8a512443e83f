"""Tests for labs_utils.train: fit (History, EarlyStopping, clipping, penalties, step hook,
eval_every), evaluate, predict, weight_penalty, count_parameters."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from labs_utils import metrics, train
from labs_utils.train import EarlyStopping, History, evaluate, fit, predict


def separable(n=256, seed=0, flip=False):
    """Two classes split by the line x0 + x1 = 0, with a margin."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 2, generator=g)
    x = x + 0.5 * torch.sign(x.sum(dim=1, keepdim=True))
    y = (x.sum(dim=1) > 0).long()
    return x, (1 - y if flip else y)


def loader(x, y, batch_size=32, shuffle=False, seed=0):
    g = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=shuffle, generator=g)


def linear(seed=0):
    torch.manual_seed(seed)
    return nn.Linear(2, 2)


def sgd(model, lr=0.5):
    return torch.optim.SGD(model.parameters(), lr=lr)


CE = nn.CrossEntropyLoss()
ACC = {"acc": metrics.accuracy}


def _flat(model):
    return torch.cat([p.detach().flatten() for p in model.parameters()])


def test_fit_learns_and_history_has_one_row_per_epoch():
    x, y = separable(256, seed=0)
    xv, yv = separable(128, seed=1)
    model = linear()
    hist = fit(model, loader(x, y, shuffle=True), 8, loss_fn=CE, optimizer=sgd(model), val_loader=loader(xv, yv),
               metrics=ACC, clip_grad=100.0, progress=False)  # fmt: skip
    assert isinstance(hist, History) and len(hist) == 8
    assert set(hist.frame.columns) == {"epoch", "step", "train_loss", "train_acc", "val_loss", "val_acc", "seconds",
                                       "lr", "grad_norm"}  # fmt: skip
    assert hist["epoch"].tolist() == list(range(1, 9))
    assert hist["step"].tolist() == [8 * e for e in range(1, 9)]
    assert (hist["seconds"] > 0).all() and (hist["lr"] == 0.5).all()
    assert hist["val_acc"].iloc[-1] >= 0.97 and hist["train_acc"].iloc[-1] >= 0.95
    assert hist.monitor == "val_loss" and hist.stopped_early is False
    assert hist.best["val_loss"] == hist["val_loss"].min()
    after = evaluate(model, loader(xv, yv), CE, ACC)
    assert after["acc"] == pytest.approx((model(xv).argmax(1) == yv).float().mean().item())
    assert after["loss"] == pytest.approx(CE(model(xv), yv).item(), rel=1e-6)
    assert evaluate(model, loader(xv, yv), CE, ACC, prefix="test_").keys() == {"test_loss", "test_acc"}


def test_default_optimizer_is_adam_on_trainable_parameters_only():
    x, y = separable(64)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2))
    model[0].weight.requires_grad_(False)
    frozen = model[0].weight.detach().clone()
    hist = fit(model, loader(x, y), 3, loss_fn=CE, lr=0.05, progress=False)
    assert torch.equal(model[0].weight, frozen)  # a frozen layer stays as it was
    assert hist["lr"].tolist() == [0.05] * 3
    assert hist["train_loss"].iloc[-1] < hist["train_loss"].iloc[0]


def test_metrics_are_called_outputs_first_like_the_loss():
    x, y = separable(64)
    calls = []

    def metric(outputs, targets):
        calls.append((tuple(outputs.shape), tuple(targets.shape)))
        return 0.0

    model = linear()
    fit(model, loader(x, y), 1, loss_fn=CE, optimizer=sgd(model), val_loader=loader(x, y),
        metrics={"m": metric}, progress=False)  # fmt: skip
    assert calls == [((64, 2), (64,)), ((64, 2), (64,))]  # train window, then validation


def test_train_loss_is_sample_weighted_mean():
    x, y = separable(64)
    model = linear()  # lr 0: the model does not move; the last batch (4 of 64) is smaller
    hist = fit(model, loader(x, y, batch_size=20), 1, loss_fn=CE, optimizer=sgd(model, 0.0), progress=False)
    assert hist["train_loss"].iloc[0] == pytest.approx(CE(model(x), y).item(), rel=1e-5)


def test_early_stopping_restores_best_weights():
    # validation labels are the opposite of the training labels: epoch 1 is the best one
    x, y = separable(128, seed=0)
    xv, yv = separable(128, seed=0, flip=True)
    model, val = linear(), loader(xv, yv)
    hist = fit(model, loader(x, y), 20, loss_fn=CE, optimizer=sgd(model), val_loader=val,
               stopping=EarlyStopping("val_loss", patience=2), progress=False)  # fmt: skip
    assert len(hist) == 3 and hist.stopped_early is True and hist.best_epoch == 1
    assert evaluate(model, val, CE)["loss"] == pytest.approx(hist["val_loss"].iloc[0], rel=1e-6)
    replica = linear()
    fit(replica, loader(x, y), 1, loss_fn=CE, optimizer=sgd(replica), progress=False)
    assert torch.equal(_flat(model), _flat(replica))


def test_no_restore_keeps_last_weights_and_best_is_last_row():
    x, y = separable(128, seed=0)
    xv, yv = separable(128, seed=0, flip=True)
    model, val = linear(), loader(xv, yv)
    hist = fit(model, loader(x, y), 20, loss_fn=CE, optimizer=sgd(model), val_loader=val,
               stopping=EarlyStopping(patience=2, restore_best=False), progress=False)  # fmt: skip
    assert len(hist) == 3 and hist.best_epoch == 3
    assert evaluate(model, val, CE)["loss"] == pytest.approx(hist["val_loss"].iloc[-1], rel=1e-6)


def test_patience_counts_consecutive_evaluations_only():
    # a scripted metric improves at epochs 1, 3, 5; patience 2 resets each time
    script = iter([1.0, 0.0, 2.0, 0.0, 3.0, 0.0, 0.0, 4.0, 5.0])
    x, y = separable(64)
    model = linear()
    hist = fit(model, loader(x, y), 9, loss_fn=CE, optimizer=sgd(model), metrics={"score": lambda o, t: next(script)},
               stopping=EarlyStopping("train_score", patience=2), progress=False)  # fmt: skip
    assert hist["train_score"].tolist() == [1.0, 0.0, 2.0, 0.0, 3.0, 0.0, 0.0]
    assert hist.best_epoch == 5 and hist.best["train_score"] == 3.0
    replica = linear()
    fit(replica, loader(x, y), 5, loss_fn=CE, optimizer=sgd(replica), progress=False)
    assert torch.equal(_flat(model), _flat(replica))


def test_nan_loss_names_epoch_and_step():
    x, y = separable(64)
    calls = {"n": 0}

    def loss_fn(out, target):
        calls["n"] += 1
        return CE(out, target) * (float("nan") if calls["n"] == 7 else 1.0)  # 4 batches/epoch

    model = linear()
    with pytest.raises(FloatingPointError, match=r"epoch 2, step 7"):
        fit(model, loader(x, y, batch_size=16), 3, loss_fn=loss_fn, optimizer=sgd(model, 0.1), progress=False)


@pytest.mark.parametrize("clip", [0.01, 1e6])
def test_clip_grad_logs_preclip_norm_and_limits_step(clip):
    x, y = separable(32)
    x = x * 50
    model, reference = linear(), linear()
    reference.zero_grad()
    CE(reference(x), y).backward()
    norm = math.sqrt(sum(float((p.grad**2).sum()) for p in reference.parameters()))
    start = _flat(model)
    hist = fit(model, loader(x, y), 1, loss_fn=CE, optimizer=sgd(model, 0.1), clip_grad=clip, progress=False)
    assert hist["grad_norm"].iloc[0] == pytest.approx(norm, rel=1e-5)
    assert float((_flat(model) - start).norm()) == pytest.approx(0.1 * min(norm, clip), rel=1e-4)


def test_weight_penalty_by_hand_and_bad_strength():
    model = nn.Linear(2, 2)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, -2.0], [3.0, -4.0]]))
        model.bias.copy_(torch.tensor([10.0, -20.0]))  # biases are not penalised
    assert train.weight_penalty(l1=0.1)(model).item() == pytest.approx(1.0)
    assert train.weight_penalty(l2=0.01)(model).item() == pytest.approx(0.3)
    assert train.weight_penalty()(model).item() == 0.0
    model.weight.requires_grad_(False)  # frozen weights are not penalised
    assert train.weight_penalty(l1=1.0)(model).item() == 0.0
    with pytest.raises(ValueError, match="l1, l2 >= 0"):
        train.weight_penalty(l2=-1.0)


def test_fit_adds_any_penalty_to_the_loss():
    x, y = separable(64)
    model = linear()
    with torch.no_grad():
        expected = CE(model(x), y).item() + 0.05 * model.weight.abs().sum().item() + 0.2 * model.weight.pow(2).sum()
    hist = fit(model, loader(x, y, batch_size=16), 1, loss_fn=CE, optimizer=sgd(model, 0.0),
               penalty=train.weight_penalty(l1=0.05, l2=0.2), progress=False)  # fmt: skip
    assert hist["train_loss"].iloc[0] == pytest.approx(float(expected), rel=1e-5)
    own = fit(model, loader(x, y), 1, loss_fn=CE, optimizer=sgd(model, 0.0), penalty=lambda m: torch.tensor(1.5),
              progress=False)  # fmt: skip
    assert own["train_loss"].iloc[0] == pytest.approx(CE(model(x), y).item() + 1.5, rel=1e-5)


class TwoHeads(nn.Module):
    """A model with its own losses (like lab 06's forward and backward language models)."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.a, self.b = nn.Linear(2, 2), nn.Linear(2, 2)

    def losses(self, x, y):
        return CE(self.a(x), y), CE(self.b(x), 1 - y)


def two_head_step(model, batch):
    x, y = batch
    forward_loss, backward_loss = model.losses(x, y)
    return (forward_loss + backward_loss) / 2, len(y)


def test_step_hook_trains_a_model_with_its_own_losses():
    x, y = separable(128)
    model = TwoHeads()
    hist = fit(model, loader(x, y), 5, step=two_head_step, optimizer=sgd(model), val_loader=loader(x, y),
               progress=False)  # fmt: skip
    assert hist["val_loss"].iloc[-1] < hist["val_loss"].iloc[0] / 2
    with torch.no_grad():
        a, b = model.losses(x, y)
    assert hist["val_loss"].iloc[-1] == pytest.approx(float(a + b) / 2, rel=1e-5)
    assert (model.a(x).argmax(1) == y).float().mean() > 0.95 and (model.b(x).argmax(1) == 1 - y).float().mean() > 0.95
    assert evaluate(model, loader(x, y), step=two_head_step, prefix="val_")["val_loss"] == hist.best["val_loss"]


def test_step_hook_rejects_metrics_and_needs_one_loss():
    x, y = separable(32)
    model = TwoHeads()
    with pytest.raises(ValueError, match="metrics need outputs"):
        fit(model, loader(x, y), 1, step=two_head_step, metrics=ACC, progress=False)
    with pytest.raises(ValueError, match="exactly one of loss_fn"):
        fit(model, loader(x, y), 1, loss_fn=CE, step=two_head_step, progress=False)
    with pytest.raises(ValueError, match="exactly one of loss_fn"):
        fit(model, loader(x, y), 1, progress=False)


def test_eval_every_gives_step_level_rows_and_picks_the_best_step():
    x, y = separable(160)
    xv, yv = separable(64, seed=1)
    model = linear()
    hist = fit(model, loader(x, y), 2, loss_fn=CE, optimizer=sgd(model), val_loader=loader(xv, yv), metrics=ACC,
               eval_every=2, progress=False)  # fmt: skip
    # 5 batches per epoch, 10 steps: evaluations at steps 2, 4, 6, 8, 10
    assert hist["step"].tolist() == [2, 4, 6, 8, 10]
    assert hist["epoch"].tolist() == [1, 1, 2, 2, 2]
    best = hist.best
    assert best["val_loss"] == hist["val_loss"].min()
    assert evaluate(model, loader(xv, yv), CE)["loss"] == pytest.approx(best["val_loss"], rel=1e-6)
    # train loss of a row covers only the steps since the previous row
    frozen = linear()
    h0 = fit(frozen, loader(x, y), 1, loss_fn=CE, optimizer=sgd(frozen, 0.0), eval_every=3, progress=False)
    assert h0["step"].tolist() == [3, 5]
    with torch.no_grad():
        first = CE(frozen(x[:96]), y[:96]).item()
    assert h0["train_loss"].iloc[0] == pytest.approx(first, rel=1e-5)


def test_bad_input_fails_before_training():
    x, y = separable(16)
    model = linear()
    before = _flat(model)
    with pytest.raises(ValueError, match="epochs >= 1"):
        fit(model, loader(x, y), 0, loss_fn=CE, progress=False)
    empty = DataLoader(TensorDataset(x[:0], y[:0]), batch_size=4)
    with pytest.raises(ValueError, match="empty train_loader"):
        fit(model, empty, 1, loss_fn=CE, progress=False)
    with pytest.raises(ValueError, match="empty loader"):
        predict(model, empty)
    with pytest.raises(ValueError, match="train_acc"):
        fit(model, loader(x, y), 1, loss_fn=CE, metrics={"accuracy": metrics.accuracy},
            stopping=EarlyStopping("train_acc"), progress=False)  # fmt: skip
    with pytest.raises(ValueError, match="needs a val_loader"):
        fit(model, loader(x, y), 1, loss_fn=CE, metrics=ACC, stopping=EarlyStopping("val_acc"), progress=False)
    with pytest.raises(ValueError, match="eval_every"):
        fit(model, loader(x, y), 1, loss_fn=CE, eval_every=0, progress=False)
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping("val_f1", mode="best")
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=0)
    model.requires_grad_(False)
    with pytest.raises(ValueError, match="no trainable parameters"):
        fit(model, loader(x, y), 1, loss_fn=CE, progress=False)
    assert torch.equal(_flat(model), before)


def test_empty_history_says_why():
    hist = History()
    assert len(hist) == 0 and "val_loss" not in hist
    with pytest.raises(ValueError, match="no evaluations"):
        _ = hist.best
    assert hist.frame.empty


def test_count_parameters_with_frozen_embedding():
    model = nn.Sequential(nn.Embedding(100, 8), nn.Linear(8, 3))
    assert train.count_parameters(model) == 827
    model[0].weight.requires_grad_(False)
    assert train.count_parameters(model) == 27
    assert train.count_parameters(model, trainable_only=False) == 827


def _run(seed):
    torch.manual_seed(seed)
    x, y = separable(96, seed=2)
    model = nn.Sequential(nn.Linear(2, 8), nn.Dropout(0.3), nn.ReLU(), nn.Linear(8, 2))
    hist = fit(model, loader(x, y, batch_size=16, shuffle=True, seed=seed), 3, loss_fn=CE, lr=0.01,
               val_loader=loader(x, y), metrics=ACC, clip_grad=1.0, progress=False)  # fmt: skip
    return hist.frame.drop(columns="seconds"), model


def test_same_seed_same_history():
    h1, m1 = _run(5)
    h2, m2 = _run(5)
    h3, _ = _run(6)
    pd.testing.assert_frame_equal(h1, h2, check_exact=True)
    assert torch.equal(_flat(m1), _flat(m2))
    assert not h1["train_loss"].equals(h3["train_loss"])


def test_custom_forward_with_dict_batches():
    x, y = separable(128)
    dl = DataLoader([{"features": x[i], "label": y[i]} for i in range(len(y))], batch_size=32)

    def forward(model, batch, device):
        return model(batch["features"].to(device)), batch["label"].to(device)

    model = linear()
    hist = fit(model, dl, 5, loss_fn=CE, optimizer=sgd(model), val_loader=dl, metrics=ACC, forward=forward,
               progress=False)  # fmt: skip
    assert hist["val_acc"].iloc[-1] >= 0.95
    outputs, targets = predict(model, dl, forward=forward)
    assert outputs.shape == (128, 2) and torch.equal(targets, y)


def test_predict_restores_training_mode():
    x, y = separable(50)
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.9)).train()
    out, tgt = predict(model, loader(x, y, batch_size=16))
    assert model.training is True and torch.equal(tgt, y)
    with torch.no_grad():
        torch.testing.assert_close(out, model[0](x))  # eval mode: dropout off


def test_lr_column_is_the_rate_used_in_that_epoch():
    x, y = separable(32)
    model = linear()
    opt = sgd(model, 1.0)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    assert fit(model, loader(x, y), 3, loss_fn=CE, optimizer=opt, scheduler=sched, progress=False)["lr"].tolist() == [
        1.0,
        0.5,
        0.25,
    ]


def test_reduce_on_plateau_gets_the_monitored_value():
    x, y = separable(32)
    model = linear()
    opt = sgd(model, 1.0)
    # mode='max' on a falling loss: every epoch after the first is "no improvement"
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=0.5, patience=0)
    hist = fit(model, loader(x, y), 4, loss_fn=CE, optimizer=opt, scheduler=sched, progress=False)
    assert hist["train_loss"].is_monotonic_decreasing
    assert hist["lr"].tolist() == [1.0, 1.0, 0.5, 0.25]
