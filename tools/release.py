"""Write the student versions of the labs (``make release``) with nbgrader's generate_assignment.

Usage: python -m tools.release [--out release] [--course course] notebooks/01_word2vec_sgns.ipynb ...

Each notebook becomes an assignment of the course directory (``tools/course.py``); nbgrader writes its
student version (solutions replaced by ``raise NotImplementedError()``, hidden tests and outputs removed,
checksums of the locked cells recorded in the gradebook for grading). The version is checked to hold no
solution or hidden-test marker and copied to ``<out>/<lab>.ipynb`` for distribution.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from tools.course import COURSE, Course, CourseError, copy_release


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("release"))
    parser.add_argument("--course", type=Path, default=COURSE)
    args = parser.parse_args(argv)
    courses: dict[Path, Course] = {}  # one per folder of sources (notebooks/ for make release)
    try:
        for path in args.notebooks:
            if path.parent not in courses:
                courses[path.parent] = Course(args.course, labs=path.parent)
            course = courses[path.parent]
            released = course.add_lab(path.stem)
            source = nbformat.read(path, as_version=4)
            solutions = sum(1 for c in source.cells if c.metadata.get("nbgrader", {}).get("solution"))
            hidden = sum(c.source.count("### BEGIN HIDDEN TESTS") for c in source.cells)
            target = copy_release(released, args.out)
            print(f"{path} -> {target}: {solutions} answer cells cleared, {hidden} hidden-test blocks removed")
    except CourseError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
