"""Hidden tests (issue 16): each is shown to fail a plausible wrong answer that passes the visible asserts.

``tests/wrong_answers/<notebook stem>.py`` holds ``PRELUDE`` (imports and small constants the cells need) and
``CASES``: dicts with ``solution`` and ``test`` (grade_ids), ``setup`` (grade_ids run first), ``wrong`` (the full
source of a wrong solution cell) and ``why`` (the mistake). Every case runs in three fresh namespaces:

* PRELUDE + setup + the real solution + the whole test cell: passes;
* PRELUDE + setup + ``wrong`` + the test cell without its hidden block (what students see): passes;
* PRELUDE + setup + ``wrong`` + the whole test cell: raises, so the hidden block is what catches the mistake.

A last test checks every lab with graded cells has >= 2 test cells with a hidden block, each with a case, and no
hidden block without one.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

import matplotlib
import nbformat
import pytest

from labs_utils.nbcode import cell_sources

matplotlib.use("Agg")  # a cell that plots must not need a display

ROOT = Path(__file__).resolve().parents[1]
WRONG_ANSWERS = Path(__file__).resolve().parent / "wrong_answers"
BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_BLOCK = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S)


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"wrong_answers_{path.stem}", path)  # names start with digits
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LABS = {path.stem: _load(path) for path in sorted(WRONG_ANSWERS.glob("[0-9]*.py"))}


def _short(case: dict) -> str:
    return case.get("name") or "_".join(re.findall(r"[a-z0-9]+", case["why"].lower())[:6])


CASES = [(stem, case) for stem, lab in LABS.items() for case in lab.CASES]
IDS = [f"{stem}::{case['solution']}::{_short(case)}" for stem, case in CASES]


@cache
def _sources(stem: str, grade_ids: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(cell_sources(ROOT / "notebooks" / f"{stem}.ipynb", list(grade_ids)))


def _run(stem: str, case: dict, solution: str | None, hidden: bool) -> None:
    """PRELUDE, setup cells, the solution (``None``: the real one) and the test cell, in a new namespace."""
    *setup, real, test = _sources(stem, (*case["setup"], case["solution"], case["test"]))
    if not hidden:
        test = HIDDEN_BLOCK.sub("", test)
    namespace: dict = {"__name__": "__lab__"}
    cells = [
        ("prelude", LABS[stem].PRELUDE),
        *zip(case["setup"], setup),
        (case["solution"] if solution is None else "wrong", real if solution is None else solution),
        (case["test"], test),
    ]
    for name, source in cells:
        exec(compile(source, f"<{stem}:{name}>", "exec"), namespace)


@pytest.mark.parametrize("stem, case", CASES, ids=IDS)
def test_wrong_answer_passes_visible_and_fails_hidden(stem, case):
    test_source = _sources(stem, (case["test"],))[0]
    assert BEGIN in test_source, f"{stem}: test cell {case['test']!r} has no hidden block for this case"
    _run(stem, case, None, hidden=True)  # the reference solution passes everything
    try:  # the mistake gets through the visible asserts ...
        _run(stem, case, case["wrong"], hidden=False)
    except Exception as error:
        pytest.fail(f"{stem}: this wrong answer already fails the visible part of {case['test']!r}: {error!r}")
    try:  # ... and the hidden block catches it
        _run(stem, case, case["wrong"], hidden=True)
    except Exception:
        return
    pytest.fail(f"{stem}: the hidden tests of {case['test']!r} let this wrong answer through: {case['why']}")


def _graded_labs() -> dict[str, list[str]]:
    """Notebook stem -> grade_ids of its graded test cells that hold a hidden block (every lab with graded cells)."""
    labs = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cells = [c for c in nbformat.read(path, as_version=4).cells if c.metadata.get("nbgrader", {}).get("grade")]
        if cells:
            labs[path.stem] = [c.metadata["nbgrader"]["grade_id"] for c in cells if BEGIN in c.source]
    return labs


GRADED_LABS = _graded_labs()


@pytest.mark.parametrize("stem", sorted(GRADED_LABS))
def test_every_lab_has_two_hidden_tests_each_failing_a_wrong_answer(stem):
    covered = {case["test"] for case in LABS[stem].CASES} if stem in LABS else set()
    hidden = set(GRADED_LABS[stem])
    assert len(hidden & covered) >= 2, f"{stem}: {len(hidden & covered)} test cells with hidden tests and a case, not 2"
    assert not hidden - covered, (
        f"{stem}: hidden blocks no case in tests/wrong_answers/{stem}.py shows to fail: {hidden - covered}"
    )
