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


def profile_settings(notebook: str | Path) -> dict[str, dict]:
    """The ``quick`` and ``full`` settings of the notebook's ``profile(quick=dict(...), full=dict(...))`` call
    (also written ``runtime.profile(...)``).

    Why: a benchmark that claims to run "the lab's full profile" must use the sizes the notebook states,
    not a copy that drifts. The values must be literals (numbers, strings, lists), as they are in the labs.
    """
    import ast

    nb, path = _read(notebook)
    for cell in nb.cells:
        if cell.cell_type != "code" or "profile(" not in cell.source:
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if not isinstance(node, ast.Call):
                continue
            # profile(...) or runtime.profile(...): the labs import modules, not names
            if (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) == "profile":
                found = {kw.arg: kw.value for kw in node.keywords}
                if {"quick", "full"} <= set(found):
                    return {
                        name: {kw.arg: ast.literal_eval(kw.value) for kw in found[name].keywords}
                        for name in ("quick", "full")
                    }
    raise ValueError(f"{path.name} has no profile(quick=dict(...), full=dict(...)) call in a code cell")
