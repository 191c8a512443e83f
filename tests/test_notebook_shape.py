"""Every lab notebook has the shape a student reads easily (tools/nbshape.py measures it).

Code cells of at most 40 lines and 100 columns, no outputs committed, nothing pointing outside the
repository, and little plumbing: what the labs share lives in labs_utils.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tools import nbshape

NOTEBOOKS = sorted(Path(__file__).resolve().parents[1].joinpath("notebooks").glob("*.ipynb"))

PLUMBING_LIMIT = 500  # lines of def/class blocks outside solution cells, all notebooks together


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_are_short_and_narrow_and_committed_without_outputs(path):
    row = nbshape.shape(path)
    assert row["outputs"] == 0, f"{path.name} carries outputs: clear them before committing (make clean-notebooks?)"
    assert row["long_cells"] == 0, f"{path.name}: {row['long_cells']} code cells over 40 lines; split them"
    assert row["wide_lines"] == 0, f"{path.name}: {row['wide_lines']} code lines over 100 characters"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_nothing_points_outside_the_repository(path):
    text = path.read_text()
    assert "../shared" not in text, f"{path.name} points at ../shared, which a user's clone does not have"


def test_plumbing_stays_in_labs_utils():
    total = sum(nbshape.shape(path)["plumbing"] for path in NOTEBOOKS)
    assert total <= PLUMBING_LIMIT, f"{total} lines of def/class blocks in notebooks; move shared ones to labs_utils"


def test_shape_counts_a_known_notebook(tmp_path):
    """The measure itself: a long cell, a wide line, a helper, a solution cell (not plumbing), an output."""
    helper = "def helper(x):\n    return x\n"
    solution = nbformat.v4.new_code_cell("def student(x):\n    return 2 * x\n")
    solution.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "s"}
    ran = nbformat.v4.new_code_cell("print(1)", execution_count=1)
    ran.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    cells = [nbformat.v4.new_code_cell("\n".join(["x = 1"] * 41)), nbformat.v4.new_code_cell("y = '" + "a" * 100 + "'")]
    cells += [nbformat.v4.new_code_cell("%matplotlib inline\n" + helper), solution, ran]
    path = tmp_path / "toy.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    row = nbshape.shape(path)
    assert row == dict(code_lines=41 + 1 + 3 + 2 + 1, long_cells=1, max_cell=41, wide_lines=1, plumbing=2, outputs=2)
