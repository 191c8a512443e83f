"""Grade a notebook (``make grade NB=path``): run it headless and score every graded test cell.

Usage: python tools/grade.py path/to/notebook.ipynb [--timeout 900]

The notebook runs top to bottom in the current profile (``make grade`` uses quick) with errors allowed, so
one broken answer does not hide the others. A graded cell (nbgrader metadata ``grade: true``) passes when it
ran without an error; it earns its ``points`` then and zero otherwise. Prints one line per graded cell and the
total; exits 1 when any graded cell failed (or the notebook has none), 0 when all passed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def graded_cells(nb) -> list[tuple[int, dict]]:
    return [(i, c.metadata["nbgrader"]) for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]


def score(nb) -> list[dict]:
    """Per graded cell of an executed notebook: id, points possible and earned, and the error if any."""
    rows = []
    for i, meta in graded_cells(nb):
        cell = nb.cells[i]
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        ran = cell.get("execution_count") is not None
        passed = ran and not errors
        problem = "" if passed else (f"{errors[0]['ename']}: {errors[0]['evalue']}"[:160] if errors else "did not run")
        points = float(meta.get("points", 0))
        rows.append({"cell": i, "grade_id": meta.get("grade_id", f"cell-{i}"), "points": points,
                     "earned": points if passed else 0.0, "passed": passed, "error": problem})
    return rows


def grade(path: Path, timeout: int = 900) -> list[dict]:
    nb = nbformat.read(path, as_version=4)
    if not graded_cells(nb):
        raise ValueError(f"{path} has no graded cells (nbgrader metadata with grade: true)")
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.resolve().parent)}}).execute()
    return score(nb)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args()
    if not args.notebook.exists():
        print(f"no such notebook: {args.notebook} (use make grade NB=path/to/notebook.ipynb)", file=sys.stderr)
        return 2
    try:
        rows = grade(args.notebook, args.timeout)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    for r in rows:
        status = "PASS" if r["passed"] else "FAIL"
        print(f"{status}  {r['grade_id']:<36} {r['earned']:g}/{r['points']:g}" + (f"  {r['error']}" if r["error"] else ""))
    total, possible = sum(r["earned"] for r in rows), sum(r["points"] for r in rows)
    failed = sum(not r["passed"] for r in rows)
    print(f"total: {total:g}/{possible:g} points; {len(rows) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
