"""Tests for labs_utils.results.record: file layout, conversions, validation."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from labs_utils import results


@pytest.fixture
def out_dir(tmp_path, monkeypatch):
    target = tmp_path / "results"
    monkeypatch.setenv("LABS_RESULTS_DIR", str(target))
    monkeypatch.setenv("LABS_DEVICE", "cpu")
    monkeypatch.delenv("LABS_PROFILE", raising=False)
    return target


def test_results_dir_from_env(out_dir):
    assert results.results_dir() == out_dir


def test_results_dir_default(monkeypatch):
    monkeypatch.delenv("LABS_RESULTS_DIR", raising=False)
    assert results.results_dir().name == "results"
    assert (results.results_dir().parent / "labs_utils").is_dir()


def test_record_writes_json(out_dir):
    path = results.record(
        "01_word2vec",
        {"accuracy": 0.875, "n_train": 2000, "model": "gru", "converged": True},
        seconds=12.3456,
        notes="quick run",
    )
    assert path == out_dir / "01_word2vec.json"
    assert [p.name for p in out_dir.iterdir()] == ["01_word2vec.json"]  # no temp file left
    data = json.loads(path.read_text())
    assert data["lab"] == "01_word2vec"
    assert data["profile"] == "quick"
    assert data["device"] == "cpu"
    assert data["seconds"] == 12.35
    assert data["notes"] == "quick run"
    assert data["metrics"] == {"accuracy": 0.875, "n_train": 2000, "model": "gru", "converged": True}
    assert data["versions"]["torch"] == torch.__version__
    assert data["versions"]["numpy"] == np.__version__
    assert set(data["versions"]) == {"python", "torch", "numpy", "pandas", "scikit-learn", "gensim"}
    assert "device_name" in data and "written" in data


def test_record_profile_full_and_no_seconds(out_dir, monkeypatch):
    monkeypatch.setenv("LABS_PROFILE", "full")
    data = json.loads(results.record("lab", {"x": 1}).read_text())
    assert data["profile"] == "full"
    assert data["seconds"] is None


def test_record_overwrites(out_dir):
    results.record("lab", {"x": 1})
    results.record("lab", {"x": 2})
    assert json.loads((out_dir / "lab.json").read_text())["metrics"] == {"x": 2}


def test_numpy_and_torch_scalars_are_converted(out_dir):
    metrics = {
        "np_f32": np.float32(0.5),
        "np_f64": np.float64(0.25),
        "np_int": np.int64(7),
        "np_bool": np.bool_(True),
        "torch_f": torch.tensor(0.125),
        "torch_i": torch.tensor(3),
        "np_0d": np.array(1.5),
    }
    path = results.record("scalars", metrics)
    text = path.read_text()
    saved = json.loads(text)["metrics"]
    assert saved == {
        "np_f32": 0.5,
        "np_f64": 0.25,
        "np_int": 7,
        "np_bool": True,
        "torch_f": 0.125,
        "torch_i": 3,
        "np_0d": 1.5,
    }
    assert type(saved["np_int"]) is int and type(saved["torch_i"]) is int
    assert type(saved["np_bool"]) is bool


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), -float("inf"), np.float32("nan"), torch.tensor(float("nan"))]
)
def test_non_finite_raises_value_error(out_dir, value):
    with pytest.raises(ValueError, match="'bad'"):
        results.record("lab", {"ok": 1.0, "bad": value})
    assert not (out_dir / "lab.json").exists()


@pytest.mark.parametrize("value", [[1, 2], (0.5,), {"a": 1}, None])
def test_non_scalar_raises_type_error(out_dir, value):
    with pytest.raises(TypeError, match="'bad'"):
        results.record("lab", {"bad": value})
    assert not (out_dir / "lab.json").exists()


@pytest.mark.parametrize("value", [np.array([0.1, 0.2]), torch.tensor([1.0, 2.0])])
def test_array_metric_raises_type_error(out_dir, value):
    with pytest.raises(TypeError, match="2 values"):
        results.record("lab", {"bad": value})
    assert not (out_dir / "lab.json").exists()


@pytest.mark.parametrize("lab", ["", "a/b", "../escape", ".hidden", "/abs"])
def test_bad_lab_names(out_dir, lab):
    with pytest.raises(ValueError, match="lab"):
        results.record(lab, {"x": 1})
    assert not out_dir.exists() or not any(out_dir.iterdir())
