"""The code of a lab's own graded cells, for scripts that must run what students wrote.

Why: a benchmark of "this lab's word2vec" must time the notebook's implementation, not a
second copy of it kept in sync by hand. ``cell_sources`` finds cells by their nbgrader
``grade_id``; ``exec_cells`` runs them (plus any setup code) in a fresh namespace.
"""
from __future__ import annotations

from pathlib import Path

from .artifacts import notebook_path


def _read(notebook: str | Path):
    import nbformat

    path = notebook_path(notebook)
    return nbformat.read(path, as_version=4), path


def cell_sources(notebook: str | Path, grade_ids: list[str]) -> list[str]:
    """Sources of the cells whose ``metadata.nbgrader.grade_id`` is in ``grade_ids``, in that order."""
    nb, path = _read(notebook)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in nb.cells}
    missing = [g for g in grade_ids if g not in by_id]
    if missing:
        known = sorted(k for k in by_id if k)
        raise KeyError(f"{path.name} has no cell with grade_id {missing}; it has {known}")
    return [by_id[g] for g in grade_ids]


def exec_cells(notebook: str | Path, grade_ids: list[str], prelude: str = "") -> dict:
    """Run ``prelude`` and then the named cells in a new namespace; return the namespace."""
    namespace: dict = {"__name__": "__lab__"}
    sources = cell_sources(notebook, grade_ids)
    exec(compile(prelude, "<prelude>", "exec"), namespace)
    for grade_id, source in zip(grade_ids, sources):
        exec(compile(source, f"<{Path(notebook).name}:{grade_id}>", "exec"), namespace)
    return namespace
