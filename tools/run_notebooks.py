"""Execute notebooks headless and keep the executed copies out of git (``make run``).

Usage: python -m tools.run_notebooks --out executed/quick notebooks/00_getting_started.ipynb ...

Each notebook runs through ``labs_utils.notebooks.execute`` (its own folder as working directory, the kernel
without ``MPLBACKEND`` so the copies keep their figures) in the profile given by LABS_PROFILE. Prints each
notebook's wall time; exits non-zero if any notebook fails (its partly executed copy is still written, for
debugging).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from labs_utils.notebooks import execute


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("executed"))
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    args = parser.parse_args()
    failed = []
    for path in args.notebooks:
        run = execute(path, args.out, args.timeout)
        if not run.ok:
            failed.append(path)
            print(run.error[-2000:], file=sys.stderr)
        print(f"{'ok' if run.ok else 'FAILED':6s} {run.seconds:7.1f} s  {path} -> {args.out / path.name}", flush=True)
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(map(str, failed))}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
