"""Benchmark: lab 01's SGNS (the notebook's own solution cells) against gensim, same corpus and settings.

Run: LABS_DATA_DIR=../shared/data .venv/bin/python bench/word2vec_throughput.py [--epochs 5] [--imdb]

Both models train skip-gram with negative sampling on the same words (the Amazon reviews; `--imdb` adds the 50k
unlabelled IMDB reviews), with the same dimension, window, noise words, subsampling threshold and epochs. gensim
uses as many worker threads as torch uses CPU threads. Words/s is (corpus words x epochs) / training seconds for
both. Quality is the WordSim-353 Spearman correlation (and Google-analogy accuracy, on the questions inside the
vocabulary). With a GPU, ours is also timed there. The last line is
``throughput_ratio=<ours/gensim, CPU> quality_ratio=<ours/gensim WordSim Spearman>``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PRELUDE = """
import time
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
import torch.nn.functional as F
from tqdm.auto import tqdm
"""
CELLS = ["keep_probability", "noise_distribution", "skipgram_pairs", "sgns_loss", "skipgram_model", "train_sgns"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--dim", type=int, default=50)
    parser.add_argument("--imdb", action="store_true", help="add the 50k unlabelled IMDB reviews")
    args = parser.parse_args()

    import torch
    from gensim.models import Word2Vec

    from labs_utils import datasets
    from labs_utils.embeddings import evaluate_analogies, evaluate_similarity, keyed_vectors, stable_hash
    from labs_utils.nbcode import exec_cells
    from labs_utils.runtime import set_seed
    from labs_utils.text import Vocab, flatten_corpus, tokenize

    lab = exec_cells("01_word2vec_sgns.ipynb", CELLS, prelude=PRELUDE)
    texts = list(datasets.load("amazon_reviews", "all")["text"])
    if args.imdb:
        texts += list(datasets.load("imdb", "unsup")["text"])
    docs = [tokenize(t, words_only=True) for t in texts]
    vocab = Vocab.build(docs, min_freq=5)
    ids, doc_ids = flatten_corpus(docs, vocab)
    counts = lab["np"].bincount(ids, minlength=len(vocab))
    keep = lab["keep_probability"](counts / counts.sum(), 1e-4)
    noise = lab["noise_distribution"](counts)
    threads = torch.get_num_threads()
    settings = dict(window=5, negatives=5, batch_size=4096, epochs=args.epochs, lr=0.01, optimizer="adam")
    print(f"corpus: {len(docs):,} reviews, {len(ids):,} words, vocabulary {len(vocab) - 2:,}; dim {args.dim}, "
          f"{args.epochs} epochs; torch threads {threads}")

    def quality(kv):
        return evaluate_similarity(kv, "wordsim353")["spearman"], evaluate_analogies(kv)["accuracy"]

    rows = {}
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for device in devices:
        set_seed(0)
        model = lab["SkipGramNS"](len(vocab), args.dim, sparse=False)
        log = lab["train_sgns"](model, ids, doc_ids, keep, noise, device=device, progress=False, **settings)
        seconds = float(log["seconds"].iloc[-1])
        kv = keyed_vectors(vocab.itos[2:], model.centre.weight[2:])
        rows[f"ours ({device})"] = (seconds, *quality(kv))

    gensim_docs = [[w for w in d if w in vocab.stoi] for d in docs]
    start = time.perf_counter()
    gensim_model = Word2Vec(sentences=gensim_docs, vector_size=args.dim, window=5, sg=1, hs=0, negative=5,
                            sample=1e-4, min_count=1, epochs=args.epochs, workers=threads, seed=0,
                            hashfxn=stable_hash)
    rows[f"gensim ({threads} workers)"] = (time.perf_counter() - start, *quality(gensim_model.wv))

    words = len(ids) * args.epochs
    print(f"{'model':<22} {'seconds':>8} {'words/s':>10} {'WordSim rho':>12} {'analogy acc':>12}")
    for name, (seconds, rho, acc) in rows.items():
        print(f"{name:<22} {seconds:8.1f} {words / seconds:10,.0f} {rho:12.3f} {acc:12.3f}")
    ours_cpu, gensim_row = rows["ours (cpu)"], rows[f"gensim ({threads} workers)"]
    if "ours (cuda)" in rows:
        print(f"gpu_vs_gensim_cpu={gensim_row[0] / rows['ours (cuda)'][0]:.2f}")
    print(f"analogy_ratio={ours_cpu[2] / gensim_row[2] if gensim_row[2] else float('nan'):.2f}")
    print(f"throughput_ratio={gensim_row[0] / ours_cpu[0]:.2f} quality_ratio={ours_cpu[1] / gensim_row[1]:.2f}")


if __name__ == "__main__":
    main()
