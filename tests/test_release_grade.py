"""make release / make grade on the real labs, through nbgrader's course pipeline (tools/course.py), and the
summary page of tools/report.py. The fixture-lab tests of grading (tampering, hidden tests, bad input, a class)
are in tests/test_course.py.

Only one lab is executed here: lab 05 (quick profile, ~30 s), graded solved and as released; every other lab is
only released (no execution), since `make test` already runs each notebook once under nbval.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from tools import report
from tools.course import Course, grade_cells

ROOT = Path(__file__).resolve().parents[1]
LABS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REAL_LAB = "05_bow_vs_glove_mlp"
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return Course(tmp_path_factory.mktemp("course") / "course")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if len(line.strip()) > 12]


def _by_id(nb) -> dict[str, str]:
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
    }


@pytest.mark.parametrize("notebook", LABS, ids=lambda p: p.stem)
def test_every_lab_releases_without_solution_code(course, notebook):
    source = nbformat.read(notebook, as_version=4)
    student = _by_id(nbformat.read(course.add_lab(notebook.stem), as_version=4))
    assert set(student) == set(_by_id(source))  # every graded cell is in the release
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade_id"):
            continue
        released = student[meta["grade_id"]]
        assert "### BEGIN" not in released and "### END" not in released, meta["grade_id"]
        if meta.get("solution"):
            body = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            leaked = [line for line in _lines(body) if line in released]
            assert not leaked, (meta["grade_id"], leaked)
            assert cell.cell_type != "code" or "raise NotImplementedError()" in released, meta["grade_id"]
        visible = HIDDEN.sub("", cell.source)
        hidden = [line for block in HIDDEN.findall(cell.source) for line in _lines(block) if line not in visible]
        assert not [line for line in hidden if line in released], (meta["grade_id"], "hidden test in release")


@pytest.fixture(scope="module")
def real_lab(course, tmp_path_factory):
    """Lab 05 graded twice in the course directory: the source (solved) and its release (unsolved).

    The caller's LABS_RESULTS_DIR points at an empty folder: a grading run must record nothing there.
    """
    ours = tmp_path_factory.mktemp("our_results")
    saved = {key: os.environ.get(key) for key in ("LABS_RESULTS_DIR", "LABS_ARTIFACTS_DIR")}
    # our artifacts: an empty folder, not the one `make test` is writing on another worker
    os.environ.update(LABS_RESULTS_DIR=str(ours), LABS_ARTIFACTS_DIR=str(tmp_path_factory.mktemp("our_art")))
    try:
        released = course.add_lab(REAL_LAB)
        solved = course.grade("solved", REAL_LAB, ROOT / "notebooks" / f"{REAL_LAB}.ipynb")
        unsolved = course.grade("unsolved", REAL_LAB, released)
    finally:
        for key, value in saved.items():
            os.environ.pop(key)
            if value is not None:
                os.environ[key] = value
    return {"solved": solved, "unsolved": unsolved, "ours": sorted(ours.iterdir())}


def test_real_lab_solved_scores_full_points(real_lab, course):
    scores = real_lab["solved"].scores
    auto = [s for s in scores if s.status != "MANUAL"]
    assert auto and all(s.status == "PASS" for s in auto), [(s.grade_id, s.message) for s in auto]
    assert sum(s.score for s in auto) == sum(s.points for s in auto) > 0
    source = nbformat.read(ROOT / "notebooks" / f"{REAL_LAB}.ipynb", as_version=4)
    assert [s.grade_id for s in scores] == [g for g, _, _ in grade_cells(source)]
    hidden = [line for cell in source.cells for block in HIDDEN.findall(cell.source) for line in _lines(block)]
    autograded = course.path("autograded", "solved", REAL_LAB).read_text(encoding="utf-8")
    assert all(json.dumps(line)[1:-1] in autograded for line in hidden), "hidden tests did not run at grading"


def test_real_lab_release_scores_zero_on_every_graded_cell(real_lab):
    scores = real_lab["unsolved"].scores
    assert scores and all(s.status == "FAIL" and s.score == 0 for s in scores), [
        (s.grade_id, s.status) for s in scores if s.status != "FAIL"
    ]
    assert any("NotImplementedError" in s.message for s in scores)


def test_real_lab_grading_records_inside_the_course(real_lab, course):
    recorded = course.root / "work" / "solved" / REAL_LAB / "results" / f"{REAL_LAB}.json"
    assert json.loads(recorded.read_text())["profile"] == "quick"  # the quick run recorded here ...
    assert real_lab["ours"] == []  # ... and not in the caller's results


# --- tools/report.py: the summary page --------------------------------------------------------------


def test_report_summary_puts_run_beside_references(tmp_path):
    (tmp_path / "03_packed_rnn_trec.json").write_text(
        json.dumps({"profile": "full", "device": "cuda", "device_name": "H100", "metrics": {"test_accuracy": 0.9234}})
    )
    (tmp_path / "00_getting_started.json").write_text(
        json.dumps(
            {
                "profile": "quick",
                "device": "cpu",
                "metrics": {"wordsim353_spearman": 0.5033, "analogy_acc_top30k": 0.497},
            }
        )
    )
    text = report.summary(
        ["00_getting_started", "03_packed_rnn_trec", "05_bow_vs_glove_mlp"],
        tmp_path,
        {"03_packed_rnn_trec": (True, 812.4), "05_bow_vs_glove_mlp": (False, 3.0)},
    )
    rows = {line.split(" | ")[1]: line for line in text.splitlines() if line.startswith("| ")}
    trec = rows["TREC-6 test accuracy, best model"]
    assert "| 0.923 | 0.892 | Kim 2014 CNN-non-static 0.936 | full | H100 | 812 s |" in trec
    assert "| 0.497 |" in rows["GloVe 6B 50d, Google analogies"]  # key prefix analogy_acc_top*
    assert "not recorded" in rows["packed minus padded-end validation accuracy"]
    assert "(no results/05_bow_vs_glove_mlp.json)" in text and "3 s (FAILED)" in text


def test_report_references_name_recorded_labs():
    stems = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert stems <= set(report.REFERENCES), f"add reference rows for {sorted(stems - set(report.REFERENCES))}"
