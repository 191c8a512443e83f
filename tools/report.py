"""Run every notebook and write the page an instructor reads (``make report PROFILE=quick|full``).

Usage: python -m tools.report [--out reports] notebooks/00_getting_started.ipynb ...

Each notebook is executed headless in the profile that ``LABS_PROFILE`` names; the executed copy and its HTML
go to ``reports/<profile>/``. Then ``reports/summary.md`` (and ``summary.html``) lists, per lab, the headline
metrics this run recorded (``results/<lab>.json``, written by ``labs_utils.results.record``) beside the seed
report's number and a literature reference, with the profile, device and wall time. The reference numbers
are in ``REFERENCES`` below, each with its published source.
Exits 1 if any notebook failed (the summary is still written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# notebook stem -> (name given to results.record, [(headline, metric key or key prefix*, seed report, literature)])
REFERENCES: dict[str, tuple[str, list[tuple[str, str, str, str]]]] = {
    "00_getting_started": (
        "00_getting_started",
        [
            (
                "GloVe 6B 50d, WordSim-353 Spearman",
                "wordsim353_spearman",
                "-",
                "0.50 (measured here; REFERENCE_NUMBERS)",
            ),
            ("GloVe 6B 50d, Google analogies", "analogy_acc_top*", "-", "0.47 at 100k words (measured here)"),
        ],
    ),
    "01_word2vec_sgns": (
        "01_word2vec",
        [
            ("our SGNS, WordSim-353 Spearman", "ours_wordsim", "not measured", "GloVe 6B 50d: 0.50"),
            ("gensim, more epochs, WordSim-353 Spearman", "gensim_more_epochs_wordsim", "-", "same corpus, same words"),
            (
                "our SGNS, Google analogies (vocabulary-restricted)",
                "ours_analogy",
                "king-man+woman -> 'tom'",
                "gensim: 2.1% on 1M words (Brown), 40.4% on text8",
            ),
            ("our SGNS, words/s", "ours_words_per_s", "-", "gensim ~70-87k words/s per core (text8)"),
        ],
    ),
    "02_attention_classifier": (
        "02_attention_classifier",
        [
            (
                "Amazon, attention pooling, macro-F1 (mean over seeds)",
                "amazon_attention_f1_mean",
                "F1 curves only",
                "-",
            ),
            ("Amazon, mean pooling, macro-F1 (mean over seeds)", "amazon_mean_f1_mean", "-", "-"),
            (
                "IMDB, attention pooling, accuracy",
                "imdb_attention_acc_mean",
                "-",
                "NBoW 85.8 / BiLSTM 86.2 (bentrevett)",
            ),
        ],
    ),
    "03_packed_rnn_trec": (
        "03_packed_rnn_trec",
        [
            ("TREC-6 test accuracy, best model", "test_accuracy", "0.892", "Kim 2014 CNN-non-static 0.936"),
            ("packed minus padded-end validation accuracy", "packed_minus_baseline", "packing ~20% slower", "-"),
        ],
    ),
    "04_activation_studies": (
        "04_activation_studies",
        [
            (
                "IMDB, best GRU test accuracy (mean over seeds)",
                "best_gru_acc_mean",
                "0.89 (500-review sample)",
                "BiLSTM 0.862 (bentrevett); NBSVM-bi 0.9122",
            ),
            ("IMDB, best RNN test accuracy (mean over seeds)", "best_rnn_acc_mean", "0.84 (ReLU)", "-"),
        ],
    ),
    "05_bow_vs_glove_mlp": (
        "05_bow_vs_glove_mlp",
        [
            (
                "vaccine tweets, best validation macro-F1",
                "best_val_macro_f1",
                "no number reported",
                "issue target >= 0.72",
            ),
        ],
    ),
    "06_elmo_layer_mixing": (
        "06_elmo_layer_mixing",
        [
            (
                "AG News setting (offline_lowresource: 7.6k staged articles re-split; official: 120k/7.6k)",
                "setting",
                "official",
                "official",
            ),
            (
                "AG News, ELMo (learnable function) accuracy",
                "elmo_function_test_acc",
                "0.9045 (120k train)",
                "fastText bigram 0.925; char-CNN 0.872",
            ),
            ("AG News, SGNS accuracy", "sgns_test_acc", "0.8892", "-"),
            ("AG News, SVD accuracy", "svd_test_acc", "0.8595", "BoW 0.888 (Zhang et al.)"),
        ],
    ),
}


def _lookup(metrics: dict, key: str):
    if key.endswith("*"):
        found = [k for k in metrics if k.startswith(key[:-1])]
        return metrics[found[0]] if found else None
    return metrics.get(key)


def _fmt(value) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3f}"
    return str(value)


def summary(stems: list[str], results_dir: Path, runs: dict[str, tuple[bool, float]]) -> str:
    """The markdown summary for the notebooks ``stems``; ``runs`` maps a stem to (ok, seconds) of this run."""
    lines = [
        "# Lab results",
        "",
        "Headline numbers of this run beside the seed reports and published references. "
        "Quick-profile numbers come from small subsets and few epochs: they show that the code runs, "
        "not what the method can do; compare the full profile with the references.",
        "",
        "| lab | metric | this run | seed report | reference | profile | device | wall time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for stem in stems:
        lab, rows = REFERENCES.get(stem, (stem, []))
        path = results_dir / f"{lab}.json"
        ok, seconds = runs.get(stem, (None, None))
        wall = "-" if seconds is None else f"{seconds:.0f} s" + ("" if ok else " (FAILED)")
        if not path.exists():
            lines.append(f"| {stem} | (no results/{lab}.json) | - | - | - | - | - | {wall} |")
            continue
        data = json.loads(path.read_text())
        metrics = data.get("metrics", {})
        rows = rows or [(k, k, "-", "-") for k in list(metrics)[:5]]
        for i, (headline, key, seed, reference) in enumerate(rows):
            context = (
                f"{data.get('profile', '?')} | {data.get('device_name') or data.get('device', '?')} | {wall}"
                if i == 0
                else " | | "
            )
            lines.append(
                f"| {stem if i == 0 else ''} | {headline} | {_fmt(_lookup(metrics, key))} | {seed} | "
                f"{reference} | {context} |"
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    args = parser.parse_args()

    import mistune
    from nbconvert import HTMLExporter

    from labs_utils.notebooks import execute
    from labs_utils.results import results_dir
    from labs_utils.runtime import current_profile

    folder = args.out / current_profile()
    runs = {}
    for path in args.notebooks:
        stale = results_dir() / f"{REFERENCES.get(path.stem, (path.stem,))[0]}.json"
        stale.unlink(missing_ok=True)  # a notebook that fails before record() must not show an old run's numbers
        run = execute(path, folder, args.timeout)
        ok, seconds = run.ok, run.seconds
        if not ok:
            print(run.error[-2000:], file=sys.stderr)
        html, _ = HTMLExporter().from_notebook_node(run.notebook)
        (folder / f"{path.stem}.html").write_text(html, encoding="utf-8")
        runs[path.stem] = (ok, seconds)
        print(f"{'ok' if ok else 'FAILED':6s} {seconds:7.1f} s  {path} -> {folder / path.stem}.html", flush=True)
    text = summary([p.stem for p in args.notebooks], results_dir(), runs)
    (args.out / "summary.md").write_text(text, encoding="utf-8")
    body = mistune.create_markdown(plugins=["table"])(text)
    (args.out / "summary.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>Lab results</title>"
        "<style>body{font-family:sans-serif;max-width:80em;margin:2em auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px}</style>" + body,
        encoding="utf-8",
    )
    print(f"wrote {args.out / 'summary.md'} and summary.html")
    return 0 if all(ok for ok, _ in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
