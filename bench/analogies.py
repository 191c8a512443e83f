"""Benchmark: Google-analogy accuracy by gensim's ``evaluate_word_analogies`` vs ``labs_utils.embeddings``.

Run: .venv/bin/python bench/analogies.py [--vocab 30000]
Both score GloVe 6B 50d restricted to its ``--vocab`` most frequent words (lab 00 uses 30k in ``quick``,
lab 01 100k in ``full``) on the same questions: gensim scans the vocabulary once per question, ours
answers a batch of questions with one matrix product. One thread each (as in ``make test``).
Last line: ``gensim_s=<s> ours_s=<s> speedup=<gensim/ours> same_accuracy=<True|False>``.
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("LABS_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=int, default=30_000, help="restrict to this many most frequent words")
    args = parser.parse_args()
    from labs_utils import datasets, embeddings, runtime

    runtime.set_threads(int(os.environ["LABS_THREADS"]))
    glove = embeddings.load_glove()
    path, _ = datasets.resolve("google_analogies", "all")
    start = time.perf_counter()
    _, sections = glove.evaluate_word_analogies(str(path), restrict_vocab=args.vocab, case_insensitive=True)
    gensim_s = time.perf_counter() - start
    total = sections[-1]
    gensim_acc = len(total["correct"]) / (len(total["correct"]) + len(total["incorrect"]))
    start = time.perf_counter()
    ours = embeddings.evaluate_analogies(glove, restrict_vocab=args.vocab)
    ours_s = time.perf_counter() - start
    print(f"gensim: {gensim_acc:.6f} in {gensim_s:.1f} s; ours: {ours['accuracy']:.6f} in {ours_s:.1f} s")
    print(f"({ours['questions_used']:,} questions with every word in the top {args.vocab:,})")
    same = abs(gensim_acc - ours["accuracy"]) < 1e-12
    print(f"gensim_s={gensim_s:.2f} ours_s={ours_s:.2f} speedup={gensim_s / ours_s:.1f} same_accuracy={same}")


if __name__ == "__main__":
    main()
