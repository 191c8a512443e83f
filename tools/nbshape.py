"""The shape of the lab notebooks as a reader meets them: cell length, line width, plumbing, outputs.

Why: a notebook should hold the lab's ideas, not loaders and loops (those live in ``labs_utils``), and
read in a browser without scrolling sideways. ``make test`` checks every notebook against the limits.

    python -m tools.nbshape notebooks/*.ipynb    # one line per notebook, totals last (key=value)

plumbing: lines of top-level ``def``/``class`` blocks in code cells that are not nbgrader solution
cells (what the notebook defines for itself instead of importing it).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import nbformat

MAX_CELL_LINES = 40
MAX_LINE_CHARS = 100


def shape(path: str | Path) -> dict:
    """Counts for one notebook: code_lines, long_cells, max_cell, wide_lines, plumbing, outputs."""
    nb = nbformat.read(str(path), as_version=4)
    row = dict(code_lines=0, long_cells=0, max_cell=0, wide_lines=0, plumbing=0, outputs=0)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        row["code_lines"] += len(lines)
        row["long_cells"] += len(lines) > MAX_CELL_LINES
        row["max_cell"] = max(row["max_cell"], len(lines))
        row["wide_lines"] += sum(len(line) > MAX_LINE_CHARS for line in lines)
        row["outputs"] += len(cell.get("outputs", [])) + (cell.get("execution_count") is not None)
        if cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        code = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(code)
        except SyntaxError as error:
            raise SyntaxError(f"{path}: cell {cell.get('id')} does not parse: {error}") from error
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                row["plumbing"] += node.end_lineno - node.lineno + 1 + len(node.decorator_list)
    return row


def main(paths: list[str]) -> None:
    totals: dict[str, int] = {}
    for path in paths:
        row = shape(path)
        print(f"{Path(path).name:34s} " + " ".join(f"{k}={v}" for k, v in row.items()))
        for key, value in row.items():
            totals[key] = max(totals.get(key, 0), value) if key == "max_cell" else totals.get(key, 0) + value
    print(" ".join(f"{k}={v}" for k, v in totals.items()))


if __name__ == "__main__":
    main(sys.argv[1:] or sorted(str(p) for p in Path("notebooks").glob("*.ipynb")))
