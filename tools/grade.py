"""Grade submissions with nbgrader (``make grade NB=path`` or ``make grade SUBMISSIONS=folder``).

Usage: python -m tools.grade path/to/notebook.ipynb [--student ID]
       python -m tools.grade --submissions folder        # folder/<student>/<lab>/<lab>.ipynb
       options: --course DIR (default course/), --labs DIR (default notebooks/), --timeout SECONDS per cell

Each submission goes through nbgrader's autograde in the course directory (see ``tools/course.py``): the
lab's test cells are put back from the source, hidden tests run, the quick profile is used and a cell that
runs past the timeout scores 0 while the cells after it still run. One submission: one line per graded
cell (PASS / FAIL / MANUAL, points) and the total; exit 1 when a cell failed. A class folder: the same per
student and lab, the scores in ``<course>/scores.csv`` (one row per student, lab and graded cell) and a
feedback page per student in ``<course>/feedback/<student>/<lab>/``. Nothing is written outside the course
directory; damaged or foreign submissions are reported and scored 0, the others are still graded.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import nbformat

from tools.course import COURSE, NOTEBOOKS, TIMEOUT, Course, CourseError, Graded

SINGLE = "single"  # the student id under which ``make grade NB=...`` files a lone submission


def print_graded(graded: Graded, out=None) -> None:
    out = out or sys.stdout
    for note in graded.notes:
        print(f"note: {note}", file=out)
    for s in graded.scores:
        earned = "?" if s.score is None else f"{s.score:g}"
        print(
            f"{s.status:<6} {s.grade_id:<36} {earned}/{s.points:g}" + (f"  {s.message}" if s.message else ""), file=out
        )
    print(f"total: {total_line(graded)}", file=out)


def total_line(graded: Graded) -> str:
    scores = graded.scores
    earned = sum(s.score or 0 for s in scores)
    manual = [s for s in scores if s.status == "MANUAL"]
    passed, failed = (sum(s.status == k for s in scores) for k in ("PASS", "FAIL"))
    line = f"{earned:g}/{sum(s.points for s in scores):g} points; {passed} passed, {failed} failed"
    if manual:
        line += f"; {len(manual)} cell(s) ({sum(s.points for s in manual):g} points) need manual grading"
    return line


def lab_for(course: Course, path: Path) -> str | None:
    """The lab a lone notebook is for: by its file name, else by the graded cells it carries."""
    if path.stem in course.lab_names():
        return path.stem
    try:
        return course.lab_of(nbformat.read(path, as_version=4))
    except (OSError, ValueError):  # not readable, not JSON, not a notebook: no lab
        return None


def grade_one(course: Course, path: Path, student: str) -> int:
    if not path.is_file():
        print(f"no such notebook: {path} (use make grade NB=path/to/notebook.ipynb)", file=sys.stderr)
        return 2
    lab = lab_for(course, path)
    if lab is None:
        print(
            f"cannot tell which lab {path} is: its name is not a lab's ({', '.join(course.lab_names())}) "
            "and it has no graded cell of any lab; name it after its lab",
            file=sys.stderr,
        )
        return 2
    print(f"grading {path} as lab {lab} (student {student!r}, course directory {course.root})", flush=True)
    graded = course.grade(student, lab, path)
    print_graded(graded)
    return 1 if any(s.status == "FAIL" for s in graded.scores) else 0


def collect(folder: Path, labs: list[str]) -> tuple[dict[tuple[str, str], Path | None], list[str]]:
    """(student, lab) -> the notebook to grade (None: none found), from nbgrader's submitted layout.

    ``folder/<student>/<lab>/<lab>.ipynb``; a lone notebook under another name in a lab folder is taken;
    ``folder/<student>/<lab>.ipynb`` is accepted too. A student without a lab that others handed in gets
    None for it (scored 0). Returns the notes on anything skipped.
    """
    found: dict[tuple[str, str], Path | None] = {}
    notes = []
    students = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    for stray in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        notes.append(f"{stray}: not in a student folder, skipped")
    for student in students:
        for entry in sorted(student.iterdir()):
            if entry.name.startswith("."):
                continue
            lab = entry.stem if entry.suffix == ".ipynb" else entry.name
            if lab not in labs:
                notes.append(f"{entry}: no lab is called {lab!r}, skipped (labs: {', '.join(labs)})")
                continue
            if entry.is_dir():
                books = sorted(entry.glob("*.ipynb"))
                named = entry / f"{lab}.ipynb"
                if named.exists():
                    entry = named
                elif len(books) == 1:
                    notes.append(f"{books[0]}: graded as {lab}.ipynb")
                    entry = books[0]
                else:
                    if books:
                        notes.append(f"{entry}: {len(books)} notebooks and none named {lab}.ipynb")
                    entry = None
            found[(student.name, lab)] = entry
    for lab in sorted({lab for _, lab in found}):
        for student in students:
            found.setdefault((student.name, lab), None)
    return dict(sorted(found.items())), notes


def grade_class(course: Course, folder: Path, csv_path: Path) -> int:
    if not folder.is_dir():
        print(f"no such folder: {folder} (make grade SUBMISSIONS=folder, one subfolder per student)", file=sys.stderr)
        return 2
    submissions, notes = collect(folder, course.lab_names())
    for note in notes:
        print(f"note: {note}")
    if not submissions:
        print(f"{folder} holds no submission: expected {folder}/<student>/<lab>/<lab>.ipynb", file=sys.stderr)
        return 2
    rows = []
    for (student, lab), path in submissions.items():
        graded = course.grade(student, lab, path, feedback=True)
        print(f"== {student} / {lab}: {total_line(graded)}", flush=True)
        print_graded(graded)
        if graded.feedback:
            print(f"feedback: {graded.feedback}")
        rows += [
            {
                "student": student,
                "lab": lab,
                "grade_id": s.grade_id,
                "points": s.points,
                "score": "" if s.score is None else s.score,
                "status": s.status,
                "message": "; ".join(filter(None, [s.message] + graded.notes)),
            }
            for s in graded.scores
        ]
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {csv_path} ({len(submissions)} submissions, {len(rows)} graded cells)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path, nargs="?")
    parser.add_argument("--submissions", type=Path, help="a folder with one subfolder per student")
    parser.add_argument("--student", default=SINGLE, help="student id for a lone notebook")
    parser.add_argument("--course", type=Path, default=COURSE)
    parser.add_argument("--labs", type=Path, default=NOTEBOOKS, help="folder of the lab notebooks (sources)")
    parser.add_argument("--timeout", type=int, default=TIMEOUT, help="seconds per cell")
    args = parser.parse_args(argv)
    if (args.notebook is None) == (args.submissions is None):
        parser.error("give one notebook or --submissions folder")
    try:
        course = Course(args.course, labs=args.labs, timeout=args.timeout)
        if args.notebook is not None:
            return grade_one(course, args.notebook, args.student)
        return grade_class(course, args.submissions, course.root / "scores.csv")
    except CourseError as exc:
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
