"""Execute notebooks headless and keep the executed copies out of git (``make run``).

Usage: python tools/run_notebooks.py --out executed/quick notebooks/00_getting_started.ipynb ...
Each notebook runs with notebooks/ as its working directory, in the profile given by
LABS_PROFILE. Prints each notebook's wall time; exits non-zero if any notebook fails (its
partly executed copy is still written, for debugging).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def execute(path: Path, out: Path, timeout: int = 3600):
    """Run one notebook with its folder as working directory; write the executed copy into ``out``.

    Returns ``(ok, seconds, executed_notebook)``; a failing cell is reported on stderr.
    """
    out.mkdir(parents=True, exist_ok=True)
    # The kernel would inherit our environment; MPLBACKEND=Agg there would replace Jupyter's inline backend and the
    # executed copy would have no figures at all. Executed copies are read by people: start the kernel without it
    # (our own environment stays as the caller set it).
    kernel_env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    start = time.perf_counter()
    ok = True
    try:
        client.execute(env=kernel_env)
    except CellExecutionError as exc:
        ok = False
        print(str(exc)[-2000:], file=sys.stderr)
    seconds = time.perf_counter() - start
    nbformat.write(nb, out / path.name)
    return ok, seconds, nb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("executed"))
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    args = parser.parse_args()
    failed = []
    for path in args.notebooks:
        ok, seconds, _ = execute(path, args.out, args.timeout)
        if not ok:
            failed.append(path)
        print(f"{'ok' if ok else 'FAILED':6s} {seconds:7.1f} s  {path} -> {args.out / path.name}", flush=True)
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(map(str, failed))}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
