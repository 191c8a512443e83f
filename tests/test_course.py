"""tools/course.py and tools/grade.py on a small fixture lab: nbgrader's pipeline, a class and bad input.

One class folder is graded once (module fixture, ~1-2 min): a solved, an unsolved and a tampered submission,
one that passes only the visible tests, and one per kind of bad input. The tests read its CSV and output.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import grade
from tools.course import Course

TIMEOUT = 5  # seconds per cell: the fixture's cells are instant, the looping one is cut there


def _cell(source, kind="code", **nbgrader):
    cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
    if nbgrader:
        cell.metadata["nbgrader"] = {
            "schema_version": 3,
            "locked": False,
            "task": False,
            "solution": False,
            "grade": False,
            **nbgrader,
        }
    return cell


ENV_CELL = (
    "import math, os, pathlib\n"
    "out = pathlib.Path(os.environ['LABS_RESULTS_DIR'])\n"
    "out.mkdir(parents=True, exist_ok=True)\n"
    "seed = pathlib.Path(os.environ['LABS_ARTIFACTS_DIR'], 'quick', 'lab01', 'vectors.txt')\n"
    "(out / 'env.txt').write_text(' '.join([os.environ.get('LABS_PROFILE', ''), "
    "os.environ.get('MPLBACKEND', 'none'), os.environ.get('LABS_PASSED_ON', 'lost'), "
    "seed.read_text() if seed.exists() else 'unseeded', os.getcwd()]))\n"
    "seed.parent.mkdir(parents=True, exist_ok=True)\n"
    "seed.write_text('overwritten by a submission')"
)


def toy_lab() -> nbformat.NotebookNode:
    """Two answers with tests (one hidden test), a written answer graded by hand, a cell using an answer."""
    return nbformat.v4.new_notebook(
        cells=[
            _cell(ENV_CELL),
            _cell(
                "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION",
                grade_id="add",
                solution=True,
            ),
            _cell(
                "assert add(1, 2) == 3\n### BEGIN HIDDEN TESTS\nassert add(-1, 1) == 0\n### END HIDDEN TESTS",
                grade_id="add_test",
                grade=True,
                locked=True,
                points=2,
            ),
            _cell(
                "def hyp(a, b):\n    ### BEGIN SOLUTION\n    return math.sqrt(a * a + b * b)\n    ### END SOLUTION",
                grade_id="hyp",
                solution=True,
            ),
            _cell("assert hyp(3, 4) == 5", grade_id="hyp_test", grade=True, locked=True, points=1),
            _cell(
                "Why does `hyp` square its inputs?\n\n### BEGIN SOLUTION\nPythagoras.\n### END SOLUTION",
                kind="markdown",
                grade_id="why",
                solution=True,
                grade=True,
                points=3,
            ),
            _cell("print(add(2, 2))"),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


def other_lab() -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(
        cells=[
            _cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION", grade_id="f", solution=True),
            _cell("assert f() == 1", grade_id="f_test", grade=True, locked=True, points=4),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


def _answer(nb, grade_id, source):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return nb


def _index(nb, grade_id):
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells].index(grade_id)


def submissions(released: nbformat.NotebookNode) -> dict[str, object]:
    """student -> notebook (or raw text, or None for no notebook)."""
    solved = _answer(
        _answer(
            _answer(released, "add", "def add(a, b):\n    return a + b"),
            "hyp",
            "def hyp(a, b):\n    return math.hypot(a, b)",
        ),
        "why",
        "Pythagoras.",
    )
    tampered = _answer(
        _answer(
            _answer(
                _answer(released, "add", "def add(a, b):\n    return a - b"), "hyp", "def hyp(a, b):\n    return 0"
            ),
            "add_test",
            "pass",
        ),
        "hyp_test",
        "pass",
    )
    deleted = copy.deepcopy(solved)
    deleted.cells = [
        c for c in deleted.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in ("add", "add_test")
    ]
    reordered = copy.deepcopy(solved)
    i, j = _index(reordered, "hyp"), _index(reordered, "hyp_test")
    reordered.cells[i], reordered.cells[j] = reordered.cells[j], reordered.cells[i]
    renamed = copy.deepcopy(solved)
    renamed.cells[_index(renamed, "add_test")].metadata["nbgrader"]["grade_id"] = "my_add_test"
    outputs = copy.deepcopy(solved)
    for cell in outputs.cells:
        if cell.cell_type == "code":
            cell.execution_count = 1
            cell.outputs = [nbformat.v4.new_output("stream", text="an old output\n")]
    outputs.cells[-1].outputs.append(
        nbformat.v4.new_output(
            "display_data",
            data={
                "application/vnd.jupyter.widget-view+json": {"model_id": "m1", "version_major": 2, "version_minor": 0},
                "text/plain": "IntSlider(value=3)",
            },
        )
    )
    outputs.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2, "version_minor": 0}
    }
    return {
        "solved": solved,
        "unsolved": copy.deepcopy(released),
        "tampered": tampered,
        "hidden": _answer(solved, "add", "def add(a, b):\n    return abs(a) + b"),  # passes the visible test
        "invalid_json": '{"cells": [{"cell_type": "code", "source": "x = ',
        "missing": None,
        "deleted": deleted,
        "reordered": reordered,
        "renamed": renamed,
        "loop": _answer(solved, "add", "def add(a, b):\n    while True:\n        pass"),
        "outputs": outputs,
        "otherlab": other_lab(),
    }


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """The fixture lab released, a class folder made from the release and graded with tools/grade.py."""
    base = tmp_path_factory.mktemp("class")
    labs, folder = base / "labs", base / "submissions"
    labs.mkdir()
    nbformat.write(toy_lab(), labs / "toy.ipynb")
    nbformat.write(other_lab(), labs / "other.ipynb")
    saved = dict(os.environ)
    # grading must use quick and inline figures, and keep the rest of the caller's environment (data folder ...)
    os.environ.update(
        LABS_PROFILE="full", MPLBACKEND="Agg", LABS_PASSED_ON="kept", LABS_ARTIFACTS_DIR=str(base / "ours")
    )  # our quick artifacts, copied for each run
    (base / "ours" / "quick" / "lab01").mkdir(parents=True)
    (base / "ours" / "quick" / "lab01" / "vectors.txt").write_text("reference")
    try:
        course = Course(base / "course", labs=labs, timeout=TIMEOUT)
        released = nbformat.read(course.add_lab("toy"), as_version=4)
        for student, nb in submissions(released).items():
            (folder / student).mkdir(parents=True)
            if nb is None:
                (folder / student / "README.txt").write_text("I forgot to upload it")
                continue
            (folder / student / "toy").mkdir()
            path = folder / student / "toy" / "toy.ipynb"
            path.write_text(nb) if isinstance(nb, str) else nbformat.write(nb, path)
        before = _tree_hash(folder)
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "tools.grade",
                "--submissions",
                str(folder),
                "--course",
                str(course.root),
                "--labs",
                str(labs),
                "--timeout",
                str(TIMEOUT),
            ],
            cwd=Path(grade.__file__).parents[1],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return dict(
        base=base,
        course=course,
        labs=labs,
        folder=folder,
        out=out,
        released=released,
        unchanged=before == _tree_hash(folder),
        rows=list(csv.DictReader(open(course.root / "scores.csv", encoding="utf-8")))
        if (course.root / "scores.csv").exists()
        else [],
    )


def _scores(graded_class, student):
    return {r["grade_id"]: (r["score"], r["status"]) for r in graded_class["rows"] if r["student"] == student}


def _message(graded_class, student):
    return " ".join(r["message"] for r in graded_class["rows"] if r["student"] == student)


def test_release_has_no_solution_and_no_hidden_test(graded_class):
    text = "\n".join(c.source for c in graded_class["released"].cells)
    assert "return a + b" not in text and "raise NotImplementedError()" in text
    assert "add(-1, 1)" not in text and "HIDDEN" not in text and "Pythagoras" not in text
    assert "assert add(1, 2) == 3" in text


def test_class_run_writes_the_expected_csv(graded_class):
    assert graded_class["out"].returncode == 0, graded_class["out"].stderr[-3000:]
    rows = [
        (r["student"], r["lab"], r["grade_id"], r["points"], r["score"], r["status"])
        for r in graded_class["rows"]
        if r["student"] in ("solved", "unsolved", "tampered")
    ]
    assert rows == [
        ("solved", "toy", "add_test", "2.0", "2.0", "PASS"),
        ("solved", "toy", "hyp_test", "1.0", "1.0", "PASS"),
        ("solved", "toy", "why", "3.0", "", "MANUAL"),
        ("tampered", "toy", "add_test", "2.0", "0.0", "FAIL"),
        ("tampered", "toy", "hyp_test", "1.0", "0.0", "FAIL"),
        ("tampered", "toy", "why", "3.0", "0.0", "FAIL"),
        ("unsolved", "toy", "add_test", "2.0", "0.0", "FAIL"),
        ("unsolved", "toy", "hyp_test", "1.0", "0.0", "FAIL"),
        ("unsolved", "toy", "why", "3.0", "0.0", "FAIL"),
    ]
    assert "NotImplementedError" in _message(graded_class, "unsolved")
    assert "AssertionError" in _message(graded_class, "tampered")  # the test cells ran as the lab's


def test_feedback_page_per_student(graded_class):
    feedback = graded_class["course"].root / "feedback"
    for student in ("solved", "unsolved", "tampered", "hidden"):
        page = feedback / student / "toy" / "toy.html"
        assert page.exists() and "add_test" in page.read_text(encoding="utf-8")


def test_hidden_test_runs_at_grading(graded_class):
    assert _scores(graded_class, "hidden") == {
        "add_test": ("0.0", "FAIL"),
        "hyp_test": ("1.0", "PASS"),
        "why": ("", "MANUAL"),
    }
    autograded = graded_class["course"].root / "autograded" / "hidden" / "toy" / "toy.ipynb"
    assert "add(-1, 1)" in autograded.read_text(encoding="utf-8")


def test_grading_runs_quick_profile_inline_figures_inside_the_course(graded_class):
    course = graded_class["course"].root
    for student in ("solved", "unsolved", "tampered"):
        work = course / "work" / student / "toy"
        profile, backend, passed_on, seed, cwd = (work / "results" / "env.txt").read_text().split(" ", 4)
        # the caller had LABS_PROFILE=full and MPLBACKEND=Agg; the kernel chose its inline backend itself
        assert (profile, backend, passed_on) == ("quick", "module://matplotlib_inline.backend_inline", "kept")
        assert seed == "reference"  # each run starts from our artifacts, not a classmate's
        assert Path(cwd) == course / "autograded" / student / "toy"
    assert (graded_class["base"] / "ours" / "quick" / "lab01" / "vectors.txt").read_text() == "reference"
    assert graded_class["unchanged"], "grading changed the submissions folder"
    assert sorted(p.name for p in graded_class["base"].iterdir()) == ["course", "labs", "ours", "submissions"]


@pytest.mark.parametrize(
    "student,expected,words",
    [
        (
            "invalid_json",
            {"add_test": ("0.0", "FAIL"), "hyp_test": ("0.0", "FAIL"), "why": ("0.0", "FAIL")},
            "not valid JSON",
        ),
        (
            "missing",
            {"add_test": ("0.0", "FAIL"), "hyp_test": ("0.0", "FAIL"), "why": ("0.0", "FAIL")},
            "no notebook for lab toy",
        ),
        (
            "otherlab",
            {"add_test": ("0.0", "FAIL"), "hyp_test": ("0.0", "FAIL"), "why": ("0.0", "FAIL")},
            "it is lab other's notebook",
        ),
        (
            "deleted",
            {"add_test": ("0.0", "FAIL"), "hyp_test": ("1.0", "PASS"), "why": ("", "MANUAL")},
            "put back as released",
        ),
        (
            "reordered",
            {"add_test": ("2.0", "PASS"), "hyp_test": ("0.0", "FAIL"), "why": ("", "MANUAL")},
            "not in the lab's order",
        ),
        (
            "renamed",
            {"add_test": ("2.0", "PASS"), "hyp_test": ("1.0", "PASS"), "why": ("", "MANUAL")},
            "'my_add_test' is not a cell of lab toy",
        ),
        (
            "loop",
            {"add_test": ("0.0", "FAIL"), "hyp_test": ("1.0", "PASS"), "why": ("", "MANUAL")},
            f"no result within {TIMEOUT} s",
        ),
        (
            "outputs",
            {"add_test": ("2.0", "PASS"), "hyp_test": ("1.0", "PASS"), "why": ("", "MANUAL")},
            "saved widget state dropped",
        ),
    ],
)
def test_bad_input_is_named_and_the_rest_still_graded(graded_class, student, expected, words):
    assert _scores(graded_class, student) == expected
    assert words in _message(graded_class, student)
    assert f"== {student} / toy" in graded_class["out"].stdout


def test_grade_tool_and_nbgrader_autograde_agree(graded_class):
    """The same submissions through `nbgrader autograde` (its CLI, the course's nbgrader_config.py)."""
    course = graded_class["course"].root
    for student in ("hidden", "tampered", "solved"):
        target = course / "submitted" / f"cli_{student}" / "toy"
        target.mkdir(parents=True)
        (target / "toy.ipynb").write_bytes((graded_class["folder"] / student / "toy" / "toy.ipynb").read_bytes())
    nbgrader = Path(sys.executable).parent / "nbgrader"
    out = subprocess.run(
        [str(nbgrader), "autograde", "toy", "--student=cli_*"], cwd=course, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("hidden", "tampered", "solved"):
            theirs = {
                g.name: (g.score, g.needs_manual_grade)
                for g in gb.find_submission_notebook("toy", "toy", f"cli_{student}").grades
            }
            ours = {
                gid: (float(score or 0), status == "MANUAL")
                for gid, (score, status) in _scores(graded_class, student).items()
            }
            assert theirs == ours, student


def test_grade_one_notebook_prints_cells_and_exit_code(graded_class, tmp_path, capsys):
    course, solved = graded_class["course"].root, graded_class["folder"] / "solved" / "toy" / "toy.ipynb"
    attempt = tmp_path / "my attempt.ipynb"  # not named after its lab: found by its cells
    attempt.write_bytes(solved.read_bytes())
    args = ["--course", str(course), "--labs", str(graded_class["labs"]), "--timeout", str(TIMEOUT)]
    assert grade.main([str(attempt), *args]) == 0
    out = capsys.readouterr().out
    assert "as lab toy" in out and "PASS   add_test" in out and "MANUAL why" in out
    assert "total: 3/6 points; 2 passed, 0 failed; 1 cell(s) (3 points) need manual grading" in out
    unsolved = graded_class["folder"] / "unsolved" / "toy" / "toy.ipynb"
    assert grade.main([str(unsolved), *args]) == 1
    assert "total: 0/6 points; 0 passed, 3 failed" in capsys.readouterr().out
    assert grade.main([str(tmp_path / "nothing.ipynb"), *args]) == 2
    assert "no such notebook" in capsys.readouterr().err


def test_a_score_given_by_hand_survives_grading_again(graded_class):
    from nbgrader.api import Gradebook

    course = graded_class["course"]
    with Gradebook(course.api.coursedir.db_url) as gb:  # what the formgrader does when a score is entered
        grade_ = gb.find_grade("why", "toy", "toy", "solved")
        grade_.manual_score, grade_.needs_manual_grade = 2.5, False
        gb.db.commit()
    again = course.grade("solved", "toy", graded_class["folder"] / "solved" / "toy" / "toy.ipynb")
    assert [(s.grade_id, s.score, s.status) for s in again.scores] == [
        ("add_test", 2.0, "PASS"),
        ("hyp_test", 1.0, "PASS"),
        ("why", 2.5, "GRADED"),
    ]
    assert grade.total_line(again) == "5.5/6 points; 2 passed, 0 failed"
