"""Tests for tools/release.py (student versions) and tools/grade.py (scoring graded cells)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


release, grade = _tool("release"), _tool("grade")


def _cell(source, **nbgrader):
    cell = nbformat.v4.new_code_cell(source)
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "task": False, **nbgrader}
    return cell


@pytest.fixture
def lab(tmp_path) -> Path:
    """A small lab: two graded implementations, one hidden test, and a cell that uses an answer."""
    cells = [
        _cell("import math"),
        _cell("def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION",
              grade_id="add", solution=True, grade=False),
        _cell("assert add(1, 2) == 3\n### BEGIN HIDDEN TESTS\nassert add(-1, 1) == 0\n### END HIDDEN TESTS",
              grade_id="add_test", solution=False, grade=True, points=2),
        _cell("def hyp(a, b):\n    ### BEGIN SOLUTION\n    return math.sqrt(a * a + b * b)\n    ### END SOLUTION",
              grade_id="hyp", solution=True, grade=False),
        _cell("assert hyp(3, 4) == 5", grade_id="hyp_test", solution=False, grade=True, points=1),
        _cell("print(add(2, 2))"),
    ]
    cells[0].outputs = [nbformat.v4.new_output("stream", text="an old output\n")]
    path = tmp_path / "lab.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def test_release_clears_solutions_hidden_tests_and_outputs(lab):
    student, solutions = release.release(nbformat.read(lab, as_version=4))
    assert solutions == 2
    sources = [c.source for c in student.cells]
    assert "return a + b" not in sources[1] and "raise NotImplementedError()" in sources[1]
    assert "def add(a, b):" in sources[1]                       # the signature stays
    assert "add(-1, 1)" not in sources[2] and "add(1, 2) == 3" in sources[2]
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")
    assert not any(m in s for s in sources for m in release.MARKERS)


def test_release_refuses_markers_outside_solution_cells(lab):
    nb = nbformat.read(lab, as_version=4)
    nb.cells.append(_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"))
    with pytest.raises(Exception, match="(?i)solution"):
        release.release(nb)


def test_grading_the_source_passes_every_graded_cell(lab):
    rows = grade.grade(lab, timeout=120)
    assert [(r["grade_id"], r["passed"], r["earned"]) for r in rows] == [("add_test", True, 2.0), ("hyp_test", True, 1.0)]


def test_grading_the_release_scores_zero_without_crashing(lab, tmp_path):
    student, _ = release.release(nbformat.read(lab, as_version=4))
    released = tmp_path / "student.ipynb"
    nbformat.write(student, released)
    rows = grade.grade(released, timeout=120)
    assert [(r["grade_id"], r["passed"], r["earned"]) for r in rows] == [("add_test", False, 0.0), ("hyp_test", False, 0.0)]
    assert all("NotImplementedError" in r["error"] for r in rows)


def test_one_wrong_answer_fails_only_its_cell(lab, tmp_path):
    nb = nbformat.read(lab, as_version=4)
    nb.cells[3].source = nb.cells[3].source.replace("a * a + b * b", "a + b")
    wrong = tmp_path / "wrong.ipynb"
    nbformat.write(nb, wrong)
    rows = grade.grade(wrong, timeout=120)
    assert [(r["grade_id"], r["passed"]) for r in rows] == [("add_test", True), ("hyp_test", False)]
    assert rows[1]["error"].startswith("AssertionError")


def test_grade_main_exit_codes(lab, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sys.argv", ["grade.py", str(lab)])
    assert grade.main() == 0
    assert "total: 3/3 points; 2 passed, 0 failed" in capsys.readouterr().out
    empty = tmp_path / "empty.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[_cell("x = 1")]), empty)
    monkeypatch.setattr("sys.argv", ["grade.py", str(empty)])
    assert grade.main() == 2
    assert "no graded cells" in capsys.readouterr().err


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_every_lab_releases_without_solution_code(notebook):
    source = nbformat.read(notebook, as_version=4)
    student, solutions = release.release(source)
    stubs = sum(c.source.count("raise NotImplementedError()") for c in student.cells)
    assert stubs >= solutions
    for before, after in zip(source.cells, student.cells):
        if before.metadata.get("nbgrader", {}).get("solution"):
            body = before.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            solution_lines = [l.strip() for l in body.splitlines() if l.strip()]
            assert not any(l in after.source for l in solution_lines if len(l) > 12), before.metadata["nbgrader"]["grade_id"]


# --- tools/report.py: the summary page --------------------------------------------------------------

def test_report_summary_puts_run_beside_references(tmp_path):
    report = _tool("report")
    (tmp_path / "03_packed_rnn_trec.json").write_text(json.dumps(
        {"profile": "full", "device": "cuda", "device_name": "H100", "metrics": {"test_accuracy": 0.9234}}))
    (tmp_path / "00_getting_started.json").write_text(json.dumps(
        {"profile": "quick", "device": "cpu", "metrics": {"wordsim353_spearman": 0.5033, "analogy_acc_top30k": 0.497}}))
    text = report.summary(["00_getting_started", "03_packed_rnn_trec", "05_bow_vs_glove_mlp"], tmp_path,
                          {"03_packed_rnn_trec": (True, 812.4), "05_bow_vs_glove_mlp": (False, 3.0)})
    rows = {line.split(" | ")[1]: line for line in text.splitlines() if line.startswith("| ")}
    trec = rows["TREC-6 test accuracy, best model"]
    assert "| 0.923 | 0.892 | Kim 2014 CNN-non-static 0.936 | full | H100 | 812 s |" in trec
    assert "| 0.497 |" in rows["GloVe 6B 50d, Google analogies"]               # key prefix analogy_acc_top*
    assert "not recorded" in rows["packed minus padded-end validation accuracy"]
    assert "(no results/05_bow_vs_glove_mlp.json)" in text and "3 s (FAILED)" in text


def test_report_references_name_recorded_labs():
    report = _tool("report")
    stems = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert stems <= set(report.REFERENCES), f"add reference rows for {sorted(stems - set(report.REFERENCES))}"


# --- the real labs: a released notebook fails exactly its graded cells, and grading it does not crash -------

GRADED_LABS = [p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
               if grade.graded_cells(nbformat.read(p, as_version=4))]


@pytest.mark.parametrize("notebook", GRADED_LABS, ids=lambda p: p.stem)
def test_released_lab_scores_zero_on_every_graded_cell(notebook, tmp_path, monkeypatch):
    monkeypatch.setenv("LABS_PROFILE", "quick")
    monkeypatch.setenv("LABS_RESULTS_DIR", str(tmp_path / "results"))  # never overwrite a real run's results
    student, solutions = release.release(nbformat.read(notebook, as_version=4))
    released = tmp_path / notebook.name
    nbformat.write(student, released)
    rows = grade.grade(released, timeout=600)
    assert len(rows) == len(grade.graded_cells(student)) >= 1
    failing = [r["grade_id"] for r in rows if not r["passed"]]
    assert failing == [r["grade_id"] for r in rows], f"graded cells that pass without a solution: " \
        f"{[r['grade_id'] for r in rows if r['passed']]}"
    assert sum(r["earned"] for r in rows) == 0
