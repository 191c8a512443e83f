"""Benchmark: what a lab pays to load IMDB's train, validation and test splits, cold and warm.

Run: LABS_DATA_DIR=/path/to/staged/data .venv/bin/python bench/imdb_load.py
Each measurement is a new Python process (as a notebook's kernel is) loading the three splits in turn.
"first" starts from an empty temporary cache, so it includes the sha256 check, streaming the 100k-member
tarball and the film-grouped validation split; "second" starts from the cache the first one left (the
parsed table and the split's held-out rows). Within one process the table is read once for all three
splits. Last line: ``first_s=<s> second_s=<s> speedup=<first/second>``.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOAD = """
import time
start = time.perf_counter()
from labs_utils import datasets
imported = time.perf_counter()
sizes = [len(datasets.load("imdb", split)) for split in ("train", "validation", "test")]
print(f"{time.perf_counter() - imported:.3f} {sizes}")
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, LABS_CACHE_DIR=cache)
        times = []
        for attempt in ("first", "second"):
            out = subprocess.run([sys.executable, "-c", LOAD], env=env, cwd=ROOT, capture_output=True, text=True)
            if out.returncode:
                sys.exit(f"loading IMDB failed:\n{out.stderr}")
            seconds, sizes = out.stdout.split(" ", 1)
            times.append(float(seconds))
            print(f"{attempt} load: {times[-1]:.2f} s (train, validation, test: {sizes.strip()} reviews)")
        print(f"first_s={times[0]:.2f} second_s={times[1]:.2f} speedup={times[0] / times[1]:.1f}")


if __name__ == "__main__":
    main()
