"""Write student versions of notebooks (``make release``): solutions, hidden tests and outputs removed.

Usage: python tools/release.py --out release notebooks/01_word2vec_sgns.ipynb ...

Uses nbgrader's own preprocessors: ClearSolutions (the code between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` becomes ``raise NotImplementedError()``; it refuses solution markers in cells without
nbgrader metadata), ClearHiddenTests (``### BEGIN HIDDEN TESTS`` blocks) and ClearOutput. Each released
notebook is checked to hold no solution marker, and a line per notebook says how many cells were cleared.
"""
from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def release(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, int]:
    """The student version of ``nb`` (a copy; ``nb`` is left as it was) and the number of solution cells."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions

    nb = copy.deepcopy(nb)
    solutions = sum(1 for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    resources: dict = {}
    clear = ClearSolutions()
    clear.enforce_metadata = True
    for preprocessor in (clear, ClearHiddenTests(), ClearOutput()):
        nb, resources = preprocessor.preprocess(nb, resources)
    left = [i for i, c in enumerate(nb.cells) if any(m in c.source for m in MARKERS)]
    if left:
        raise ValueError(f"cells {left} still hold solution or hidden-test markers after release")
    return nb, solutions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("release"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in args.notebooks:
        student, solutions = release(nbformat.read(path, as_version=4))
        nbformat.write(student, args.out / path.name)
        print(f"{path} -> {args.out / path.name}: {solutions} solution cells cleared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
