"""Benchmark: loading IMDB train+test the first time (parse the tarball) vs the second time (parquet cache).

Run: LABS_DATA_DIR=/path/to/staged/data .venv/bin/python bench/imdb_load.py
The first load uses an empty temporary cache, so it includes the sha256 check and streaming
the 100k-member tarball; the second reuses the parsed table. Last line:
``first_s=<s> second_s=<s> speedup=<first/second>``.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        os.environ["LABS_CACHE_DIR"] = cache
        from labs_utils import datasets

        times = []
        for attempt in ("first", "second"):
            start = time.perf_counter()
            train, test = datasets.load("imdb", "train_full"), datasets.load("imdb", "test")
            times.append(time.perf_counter() - start)
            print(f"{attempt} load: {times[-1]:.2f} s ({len(train):,} train + {len(test):,} test reviews)")
        print(f"first_s={times[0]:.2f} second_s={times[1]:.2f} speedup={times[0] / times[1]:.1f}")


if __name__ == "__main__":
    main()
