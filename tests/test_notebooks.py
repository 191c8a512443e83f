"""labs_utils.notebooks: the one notebook runner (working folder, kernel environment, failures, timeouts)."""

from __future__ import annotations

import os

import nbformat
import pytest

from labs_utils.notebooks import execute, kernel_env


def _write(path, *sources):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]), path)
    return path


def test_runs_in_its_own_folder_with_figures_and_the_given_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # what `make test` sets for its own process
    monkeypatch.setenv("LABS_GONE", "present")
    monkeypatch.chdir(tmp_path)  # the caller's folder is not the notebook's
    path = _write(
        tmp_path / "labs" / "plot.ipynb",
        "import os\nprint(os.getcwd(), os.environ.get('LABS_X'), os.environ.get('LABS_GONE'))",
        "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3]);",
    )
    run = execute(path, tmp_path / "out", timeout=120, env={"LABS_X": "1", "LABS_GONE": None})
    assert run.ok and not run.error
    printed = run.notebook.cells[0].outputs[0]["text"].split()
    assert printed == [str((tmp_path / "labs").resolve()), "1", "None"]
    kinds = [key for output in run.notebook.cells[1].outputs for key in output.get("data", {})]
    assert "image/png" in kinds, f"the executed copy has no figure; outputs carry {kinds}"
    assert (tmp_path / "out" / "plot.ipynb").exists()
    assert os.environ["MPLBACKEND"] == "Agg" and os.environ["LABS_GONE"] == "present"  # ours is untouched


def test_a_failing_cell_stops_the_run_and_the_copy_is_still_written(tmp_path):
    path = _write(tmp_path / "broken.ipynb", "x = 1", "raise ValueError('broken on purpose')", "y = 2")
    run = execute(path, tmp_path / "out", timeout=120)
    assert not run.ok and "ValueError" in run.error and "broken on purpose" in run.error
    written = nbformat.read(tmp_path / "out" / "broken.ipynb", as_version=4)
    assert written.cells[1].outputs[0]["ename"] == "ValueError"
    assert written.cells[2].get("execution_count") is None  # nothing ran after the error


def test_a_cell_past_the_timeout_is_a_failure(tmp_path):
    run = execute(_write(tmp_path / "slow.ipynb", "import time\ntime.sleep(60)"), timeout=2)
    assert not run.ok and "CellTimeoutError" in run.error and run.seconds < 50


def test_missing_notebook_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.ipynb"):
        execute(tmp_path / "nowhere.ipynb")


def test_kernel_env_drops_mplbackend_and_applies_changes(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("LABS_A", "a")
    env = kernel_env(LABS_B=2, LABS_A=None)
    assert "MPLBACKEND" not in env and "LABS_A" not in env and env["LABS_B"] == "2"
    assert env["PATH"] == os.environ["PATH"]
