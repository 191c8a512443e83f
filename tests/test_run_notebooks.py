"""tools/run_notebooks.py: executed copies keep their figures, whatever MPLBACKEND the caller has set."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "tools" / "run_notebooks.py")
run_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_notebooks)


def test_executed_copy_keeps_figures_even_with_agg_backend(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")   # what `make test` sets for its own process
    source = tmp_path / "plot.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3]);")]), source)
    ok, seconds, executed = run_notebooks.execute(source, tmp_path / "out", timeout=120)
    assert ok
    kinds = [key for output in executed.cells[0].outputs for key in output.get("data", {})]
    assert "image/png" in kinds, f"the executed copy has no figure; outputs carry {kinds}"
    assert (tmp_path / "out" / "plot.ipynb").exists()
