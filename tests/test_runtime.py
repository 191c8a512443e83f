"""Tests for labs_utils.runtime: profiles, seeds, device, threads, Stopwatch."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest
import torch

from labs_utils import runtime


@pytest.fixture
def no_profile_env(monkeypatch):
    monkeypatch.delenv("LABS_PROFILE", raising=False)
    return monkeypatch


QUICK = dict(n_train=2000, epochs=2)
FULL = dict(n_train=None, epochs=10)


def test_profile_defaults_to_quick(no_profile_env, capsys):
    cfg = runtime.profile(QUICK, FULL)
    assert cfg.profile == "quick"
    assert cfg.n_train == 2000 and cfg.epochs == 2
    assert cfg.as_dict() == {"profile": "quick", "n_train": 2000, "epochs": 2}
    assert capsys.readouterr().out.strip() == "profile: quick (n_train=2000, epochs=2)"


@pytest.mark.parametrize("value", ["full", "FULL", " full "])
def test_profile_full_from_env(no_profile_env, value, capsys):
    no_profile_env.setenv("LABS_PROFILE", value)
    cfg = runtime.profile(QUICK, FULL, verbose=False)
    assert cfg.profile == "full"
    assert cfg.n_train is None and cfg.epochs == 10
    assert capsys.readouterr().out == ""  # verbose=False prints nothing


@pytest.mark.parametrize("value", ["", "quick", "Quick"])
def test_profile_quick_from_env(no_profile_env, value):
    no_profile_env.setenv("LABS_PROFILE", value)
    assert runtime.current_profile() == "quick"
    assert runtime.profile(QUICK, FULL, verbose=False).epochs == 2


def test_profile_mismatched_keys_name_the_key(no_profile_env):
    with pytest.raises(ValueError, match="epochs"):
        runtime.profile(dict(n_train=1, epochs=2), dict(n_train=5), verbose=False)
    with pytest.raises(ValueError, match="lr"):
        runtime.profile(dict(n_train=1), dict(n_train=5, lr=0.1), verbose=False)


def test_invalid_profile_names_the_variable(no_profile_env):
    no_profile_env.setenv("LABS_PROFILE", "fast")
    with pytest.raises(ValueError, match="LABS_PROFILE") as err:
        runtime.profile(QUICK, FULL, verbose=False)
    assert "'fast'" in str(err.value)
    with pytest.raises(ValueError, match="LABS_PROFILE"):
        runtime.current_profile()


def _draws():
    return random.random(), np.random.rand(4), torch.rand(4), torch.randint(0, 1000, (3,))


def test_set_seed_repeats_draws(monkeypatch):
    # set_seed uses os.environ.setdefault; make sure nothing leaks out of the test
    monkeypatch.setenv("CUBLAS_WORKSPACE_CONFIG", "x")
    monkeypatch.delenv("CUBLAS_WORKSPACE_CONFIG")
    old_det, old_bench = torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark
    try:
        runtime.set_seed(123)
        a = _draws()
        runtime.set_seed(123)
        b = _draws()
        runtime.set_seed(124)
        c = _draws()
        assert torch.backends.cudnn.deterministic is True
        assert torch.backends.cudnn.benchmark is False
    finally:
        torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = old_det, old_bench
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])
    assert torch.equal(a[2], b[2]) and torch.equal(a[3], b[3])
    assert a[0] != c[0]
    assert not np.array_equal(a[1], c[1])
    assert not torch.equal(a[2], c[2])
    import os

    assert os.environ["CUBLAS_WORKSPACE_CONFIG"] == ":4096:8"


def test_get_device_honours_env(monkeypatch):
    monkeypatch.setenv("LABS_DEVICE", "cpu")
    assert runtime.get_device() == torch.device("cpu")
    monkeypatch.setenv("LABS_DEVICE", "meta")
    assert runtime.get_device() == torch.device("meta")
    # an explicit preference wins over the environment
    assert runtime.get_device("cpu") == torch.device("cpu")


def test_get_device_without_env(monkeypatch):
    monkeypatch.delenv("LABS_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert runtime.get_device() == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert runtime.get_device() == torch.device("cuda")


def test_set_threads_from_env(monkeypatch):
    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("LABS_THREADS", "1")
        assert runtime.set_threads() == 1
        assert torch.get_num_threads() == 1
        assert runtime.set_threads(2) == 2  # an explicit n wins
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_set_threads_caps_blas_pools(monkeypatch):
    import numpy  # noqa: F401  (loads OpenBLAS, so there is a BLAS pool to cap)
    from threadpoolctl import threadpool_info, threadpool_limits

    original = threadpool_info()
    before = torch.get_num_threads()
    try:
        threadpool_limits(limits=2, user_api="blas")  # as if OpenBLAS had started on two cores
        monkeypatch.setenv("LABS_THREADS", "1")
        runtime.set_threads()
        blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
        assert blas, "numpy should have loaded a BLAS library"
        assert all(pool["num_threads"] == 1 for pool in blas), blas
    finally:
        torch.set_num_threads(before)
        for pool in original:
            threadpool_limits(limits=pool["num_threads"], user_api=pool["user_api"])


def test_setup_prints_one_line(monkeypatch, capsys):
    monkeypatch.setenv("LABS_DEVICE", "cpu")
    monkeypatch.setenv("LABS_THREADS", "1")
    monkeypatch.delenv("LABS_PROFILE", raising=False)
    monkeypatch.setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    before = torch.get_num_threads()
    try:
        device = runtime.setup(seed=7)
        x = torch.rand(3)
        runtime.setup(seed=7, verbose=False)
        assert torch.equal(x, torch.rand(3))
    finally:
        torch.set_num_threads(before)
    assert device == torch.device("cpu")
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["device: cpu | seed: 7 | torch threads: 1 | profile: quick"]


def test_environment_keys(monkeypatch):
    monkeypatch.setenv("LABS_PROFILE", "full")
    env = runtime.environment()
    assert env["torch"] == torch.__version__
    assert env["numpy"] == np.__version__
    assert env["profile"] == "full"
    for key in ("python", "pandas", "scikit-learn", "gensim", "cpu_count", "cuda", "device_name"):
        assert key in env


def test_stopwatch_increases():
    sw = runtime.Stopwatch()
    first = sw.seconds
    assert first >= 0
    time.sleep(0.02)
    second = sw.seconds
    assert second >= first + 0.015
    text = str(sw)
    assert text.endswith(" s")
    assert float(text[:-2]) >= 0.0


def test_profile_rejects_reserved_key():
    with pytest.raises(ValueError, match="reserved"):
        runtime.profile(quick={"profile": 1}, full={"profile": 2}, verbose=False)


def test_step_memory_counts_saved_activations_and_grows_with_batch():
    from labs_utils.runtime import step_memory

    layer = torch.nn.Linear(8, 4)

    def step(batch):
        def run():
            out = torch.tanh(layer(torch.randn(batch, 8)))  # linear saves input; tanh saves output
            out.sum().backward()

        return run

    small, big = step_memory(step(16)), step_memory(step(64))
    assert small >= (16 * 8 + 16 * 4) * 4  # at least the input and tanh output, float32
    assert big - small == (64 - 16) * (8 + 4) * 4  # exactly linear in the batch
