"""The nbgrader course directory behind ``make release`` and ``make grade``.

Why: a grade must not depend on what a student did to the test cells. nbgrader's ``autograde`` puts the
locked and test cells back from the source before it runs a submission, runs the hidden tests, keeps a
gradebook for the formgrader and writes feedback. This module lays the course directory out, hands each
step to nbgrader (``NbGraderAPI``: generate_assignment, autograde, generate_feedback), checks submissions
first where nbgrader would refuse a whole notebook, and turns the gradebook into our report.

Layout, made on demand inside the repository's ignored ``course/`` (one assignment per lab, named by the
notebook's stem and holding that one notebook)::

    course/nbgrader_config.py                      written here; `nbgrader ...` and the formgrader read it
    course/gradebook.db                            nbgrader's gradebook (sqlite)
    course/source/<lab>/<lab>.ipynb                copy of notebooks/<lab>.ipynb
    course/release/<lab>/<lab>.ipynb               student version (generate_assignment)
    course/submitted/<student>/<lab>/<lab>.ipynb   checked copy of what the student handed in
    course/autograded/<student>/<lab>/...          executed and scored by nbgrader
    course/feedback/<student>/<lab>/<lab>.html     feedback page (generate_feedback)
    course/work/<student>/<lab>/                   what that run records (results/, artifacts/): never
                                                   over the real runs' results/ and artifacts/
    course/scores.csv                              the last class graded (tools/grade.py)

Grading runs the quick profile (``LABS_PROFILE=quick``), with a per-cell timeout.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
import sys
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from labs_utils.notebooks import kernel_env

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
COURSE = ROOT / "course"
TIMEOUT = 600  # seconds per cell; a quick-profile cell that regenerates lab 01's vectors needs minutes
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


class CourseError(RuntimeError):
    """An nbgrader step failed for the course itself (not for one submission)."""


@dataclass
class Score:
    """One graded cell of one submission.

    ``status``: PASS, FAIL, MANUAL (needs manual grading; ``score`` None) or GRADED (scored by hand).
    """

    grade_id: str
    points: float
    score: float | None
    status: str
    message: str = ""


@dataclass
class Graded:
    """A graded submission: the per-cell scores and what was noticed on the way."""

    student: str
    lab: str
    scores: list[Score]
    notes: list[str] = field(default_factory=list)
    feedback: Path | None = None


class Unusable(ValueError):
    """A submission nbgrader cannot grade at all (not a notebook, missing, another lab's)."""


def graded_ids(nb) -> list[str]:
    """grade_ids of the cells nbgrader tracks (solution, test and locked cells), in notebook order."""
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")]


def grade_cells(nb) -> list[tuple[str, float, str]]:
    """(grade_id, points, cell type) of every graded cell (``grade: true``), in notebook order."""
    return [
        (c.metadata["nbgrader"]["grade_id"], float(c.metadata["nbgrader"].get("points", 0)), c.cell_type)
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    ]


class Course:
    """The course directory ``root`` for the labs in ``labs`` (default: the repository's notebooks/)."""

    def __init__(self, root: Path = COURSE, labs: Path = NOTEBOOKS, timeout: int = TIMEOUT):
        self.root, self.labs, self.timeout = Path(root).resolve(), Path(labs).resolve(), timeout
        (self.root / "exchange").mkdir(parents=True, exist_ok=True)
        self._write_config()
        self._api = None

    # --- set-up: nbgrader's settings and the grading kernel's environment -------------------------
    def settings(self) -> dict[str, dict[str, object]]:
        return {
            "CourseDirectory": {"root": str(self.root)},
            "Exchange": {"root": str(self.root / "exchange")},  # unused; nbgrader looks for one
            "Execute": {"timeout": self.timeout},  # interrupts the cell, runs the next
            "OverwriteCells": {"add_missing_cells": True},  # a deleted test cell comes back
            "ClearSolutions": {"enforce_metadata": True},
        }

    def environment(self, work: Path | None = None) -> dict[str, str]:
        """What the grading kernel sees besides our environment (``MPLBACKEND`` is always dropped).

        ``work``: the folder of one submission (``course/work/<student>/<lab>``) for what its run records
        and the files labs hand on (lab 01's vectors), so no student's run reads another's; nbgrader's own
        commands, without one, use ``course/results`` and ``course/artifacts``.
        """
        work = work or self.root
        return {
            "LABS_PROFILE": "quick",
            "LABS_RESULTS_DIR": str(work / "results"),
            "LABS_ARTIFACTS_DIR": str(work / "artifacts"),
        }

    def workspace(self, student: str, lab: str) -> Path:
        """A fresh ``course/work/<student>/<lab>``, its artifacts seeded with a copy of our quick ones.

        The copy (e.g. lab 01's vectors from `make test`) gives lab 02 the reference vectors, whatever the
        student's own lab 01 wrote; without one a lab behaves as on a fresh clone.
        """
        work = self.root / "work" / student / lab
        shutil.rmtree(work, ignore_errors=True)
        ours = Path(os.environ.get("LABS_ARTIFACTS_DIR") or ROOT / "artifacts") / "quick"
        if ours.is_dir():
            try:
                shutil.copytree(ours, work / "artifacts" / "quick")
            except (OSError, shutil.Error) as exc:  # e.g. a file being rewritten by a run right now
                shutil.rmtree(work / "artifacts", ignore_errors=True)
                print(f"note: {ours} not copied for {student}/{lab} ({exc}); the run starts without it")
        (work / "results").mkdir(parents=True, exist_ok=True)
        return work

    def _write_config(self) -> None:
        lines = [
            '"""nbgrader settings of this course directory, written by tools/course.py: edit them there."""',
            "import os",
            "import sys",
            "",
            "c = get_config()  # noqa: F821 (given by traitlets)",
        ]
        lines += [
            f"c.{section}.{key} = {value!r}"
            for section, values in self.settings().items()
            for key, value in values.items()
        ]
        lines += [
            "",
            "# the grading kernel: quick profile, its results and artifacts in this folder, inline figures",
            f"os.environ.update({self.environment()!r})",
            'os.environ.pop("MPLBACKEND", None)',
            "# nbgrader runs `alembic` from PATH: the one installed beside this Python",
            'os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")',
            "",
        ]
        (self.root / "nbgrader_config.py").write_text("\n".join(lines), encoding="utf-8")

    @contextlib.contextmanager
    def _grading_env(self, work: Path | None = None):
        """Our process environment as nbgrader_config.py sets it, for the duration of one nbgrader step."""
        saved = dict(os.environ)
        path = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
        env = kernel_env(**self.environment(work), PATH=path)
        os.environ.clear()
        os.environ.update(env)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # SQLAlchemy's autoflush warnings from nbgrader's gradebook
                yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    @property
    def api(self):
        if self._api is None:
            from nbgrader.apps import NbGraderAPI
            from traitlets.config import Config

            config = Config()
            for section, values in self.settings().items():
                for key, value in values.items():
                    setattr(config[section], key, value)
            with self._grading_env():
                self._api = NbGraderAPI(config=config)
        return self._api

    def _run(self, step: str, *args, work: Path | None = None) -> dict:
        with self._grading_env(work):
            return getattr(self.api, step)(*args)

    def path(self, step: str, student: str | None, lab: str) -> Path:
        parts = [step] + ([student] if student else []) + [lab, f"{lab}.ipynb"]
        return self.root.joinpath(*parts)

    # --- release ------------------------------------------------------------------------------
    def lab_names(self) -> list[str]:
        return sorted(p.stem for p in self.labs.glob("*.ipynb"))

    def add_lab(self, lab: str) -> Path:
        """Copy notebooks/<lab>.ipynb into source/ and run generate_assignment when it changed; the release."""
        original = self.labs / f"{lab}.ipynb"
        if not original.is_file():
            raise CourseError(f"no lab {lab!r}: {original} does not exist (labs: {', '.join(self.lab_names())})")
        source, released = self.path("source", None, lab), self.path("release", None, lab)
        if source.exists() and released.exists() and source.read_bytes() == original.read_bytes():
            return released
        source.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, source)
        result = self._run("generate_assignment", lab)
        if not result["success"]:
            raise CourseError(
                f"nbgrader generate_assignment {lab} failed:\n"
                f"{_tail(result.get('log', ''))}\n{_tail(result.get('error', ''))}"
            )
        student = nbformat.read(released, as_version=4)
        left = [
            c.metadata.get("nbgrader", {}).get("grade_id", i)
            for i, c in enumerate(student.cells)
            if any(marker in c.source for marker in MARKERS)
        ]
        if left:
            raise CourseError(f"{released}: cells {left} still hold solution or hidden-test markers")
        return released

    # --- submissions ---------------------------------------------------------------------------
    def lab_of(self, nb) -> str | None:
        """The lab whose graded cells ``nb`` shares most of (None when it shares none with any)."""
        ids = set(graded_ids(nb))
        overlap = {
            lab: len(ids & set(graded_ids(nbformat.read(self.labs / f"{lab}.ipynb", as_version=4))))
            for lab in self.lab_names()
        }
        best = max(overlap, key=overlap.get, default=None)
        return best if best and overlap[best] else None

    def submit(self, student: str, lab: str, notebook: Path | None) -> list[str]:
        """Check ``notebook`` and write the copy nbgrader grades; notes on what was found and done.

        Raises ``Unusable`` for what nbgrader cannot grade at all: a missing file, invalid JSON, a notebook
        of another lab. Cells whose grade_id the lab does not know lose their nbgrader metadata (nbgrader
        would refuse the whole notebook) and the lab's cells that are missing are put back as released;
        the rest (outputs, test cells edited) is nbgrader's to handle.
        """
        target = self.path("submitted", student, lab)
        if target.parent.exists():
            shutil.rmtree(target.parent)  # an earlier submission must not be graded instead
        if notebook is None or not Path(notebook).is_file():
            raise Unusable(f"no notebook for lab {lab} (expected {lab}.ipynb); scored 0")
        text = Path(notebook).read_text(encoding="utf-8", errors="replace")
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise Unusable(
                f"{notebook} is not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno}): "
                "the file is damaged or not a notebook; scored 0, ask for the .ipynb again"
            ) from None
        try:
            nb = nbformat.reads(text, as_version=4)
        except Exception as exc:  # noqa: BLE001 (nbformat raises several kinds for JSON that is no notebook)
            raise Unusable(f"{notebook} is not a Jupyter notebook ({exc}); scored 0") from None
        source = nbformat.read(self.path("source", None, lab), as_version=4)
        known, ids = graded_ids(source), graded_ids(nb)
        notes = []
        if not set(ids) & set(known):
            other = self.lab_of(nb)
            where = f"it is lab {other}'s notebook" if other and other != lab else "it has none of the lab's cells"
            raise Unusable(f"{notebook} is not lab {lab}: {where}; scored 0")
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id and grade_id not in known:
                del cell.metadata["nbgrader"]
                notes.append(
                    f"cell {grade_id!r} is not a cell of lab {lab} (grade_id changed?): run as an ordinary cell"
                )
        missing = [g for g in known if g not in graded_ids(nb)]
        if missing:
            self._put_back(nb, lab, missing)
            notes.append(
                f"cells deleted (or renamed): {', '.join(missing)}; put back as released (a test cell "
                "then runs as the lab's, an answer cell is unanswered)"
            )
        order = [g for g in graded_ids(nb) if g in known]
        if order != [g for g in known if g in order]:
            notes.append(
                "graded cells are not in the lab's order; nbgrader runs them where they stand, "
                "so a test placed above its answer fails"
            )
        with_outputs = sum(1 for c in nb.cells if c.get("outputs"))
        if with_outputs:
            notes.append(f"outputs of {with_outputs} cells ignored (nbgrader clears them and runs the notebook)")
        if nb.metadata.pop("widgets", None) is not None:
            notes.append("saved widget state dropped")
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        return notes

    def _put_back(self, nb, lab: str, missing: list[str]) -> None:
        """Insert the released version of each ``missing`` cell after the lab's cell that precedes it.

        nbgrader's own ``add_missing_cells`` stops with a KeyError when an answer and its test are both
        gone, and does not restore answer cells; an answer put back as released scores 0 as it should.
        """
        released = nbformat.read(self.path("release", None, lab), as_version=4)
        order = graded_ids(released)
        cells = {
            c.metadata["nbgrader"]["grade_id"]: c
            for c in released.cells
            if c.metadata.get("nbgrader", {}).get("grade_id")
        }
        for grade_id in missing:
            present = graded_ids(nb)
            before = [g for g in order[: order.index(grade_id)] if g in present]
            where = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
            index = where.index(before[-1]) + 1 if before else 0
            cell = copy.deepcopy(cells[grade_id])
            cell.id = uuid.uuid4().hex[:8]  # the student's notebook may hold a cell with the old id
            nb.cells.insert(index, cell)

    # --- grading ---------------------------------------------------------------------------------
    def autograde(self, student: str, lab: str) -> list[Score]:
        """nbgrader autograde of the checked submission; the per-cell scores from its gradebook."""
        from nbgrader.api import Gradebook

        result = self._run("autograde", lab, student, work=self.workspace(student, lab))
        source = nbformat.read(self.path("source", None, lab), as_version=4)
        if not result["success"]:
            log = self.root / "autograded" / student / lab / "nbgrader.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(result.get("log", "") + result.get("error", ""), encoding="utf-8")
            why = _tail(result.get("error", ""), 1)
            return [
                Score(g, p, 0.0, "FAIL", f"nbgrader autograde failed ({why}; see {log})")
                for g, p, _ in grade_cells(source)
            ]
        errors = _errors(self.path("autograded", student, lab))
        scores = []
        with Gradebook(self.api.coursedir.db_url) as gb:
            for grade_id, points, cell_type in grade_cells(source):
                grade = gb.find_grade(grade_id, lab, lab, student)
                if grade.manual_score is not None:  # graded by hand in the formgrader; autograde keeps it
                    scores.append(Score(grade_id, points, float(grade.score), "GRADED", "graded by hand"))
                    continue
                if grade.needs_manual_grade:
                    scores.append(Score(grade_id, points, None, "MANUAL", "needs manual grading (formgrader)"))
                    continue
                earned = float(grade.score or 0)
                message = "answer left as released" if cell_type == "markdown" else errors.get(grade_id, "")
                if message.startswith(("CellTimeoutError", "KeyboardInterrupt")):
                    message = f"no result within {self.timeout} s (the per-cell timeout): interrupted"
                scores.append(
                    Score(
                        grade_id,
                        points,
                        earned,
                        "PASS" if earned >= points else "FAIL",
                        "" if earned >= points else message,
                    )
                )
        return scores

    def feedback(self, student: str, lab: str) -> Path | None:
        result = self._run("generate_feedback", lab, student)
        page = self.root / "feedback" / student / lab / f"{lab}.html"
        return page if result["success"] and page.exists() else None

    def grade(self, student: str, lab: str, notebook: Path | None, feedback: bool = False) -> Graded:
        """Release ``lab`` if needed, check and grade ``notebook`` as ``student``'s submission."""
        self.add_lab(lab)
        try:
            notes = self.submit(student, lab, notebook)
        except Unusable as exc:
            source = nbformat.read(self.path("source", None, lab), as_version=4)
            return Graded(
                student, lab, [Score(g, p, 0.0, "FAIL", "not graded") for g, p, _ in grade_cells(source)], [str(exc)]
            )
        graded = Graded(student, lab, self.autograde(student, lab), notes)
        if feedback:
            graded.feedback = self.feedback(student, lab)
        return graded


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _errors(path: Path) -> dict[str, str]:
    """grade_id -> 'Name: message' of the last error each cell of an executed notebook raised."""
    if not path.exists():
        return {}
    found = {}
    for cell in nbformat.read(path, as_version=4).cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        for output in cell.get("outputs", []):
            if grade_id and output.get("output_type") == "error":
                found[grade_id] = f"{output.get('ename')}: {output.get('evalue')}".strip(" :")[:160]
    return found


def copy_release(released: Path, out: Path) -> Path:
    """Copy a released notebook out of the course directory (``make release`` keeps release/<lab>.ipynb)."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / released.name
    shutil.copyfile(released, target)
    return target
