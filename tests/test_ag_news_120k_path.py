"""Lab 06's official AG News setting (120k train.csv, 5% validation, official 7.6k test) is one switch away.

The lab runs offline on a re-split of the staged test.csv. These tests run the notebook's own data cell on small
files in the real AG News CSV format (every field quoted, "" escapes, crawl artefacts) and check which path it
takes: the official one when train.csv is there or when USE_120K asks for it, the offline one otherwise.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from labs_utils import datasets, text

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "06_elmo_layer_mixing.ipynb"
DATA_CELL = "89c09e10"  # the cell id of the notebook's data cell
SWITCH = "USE_120K = False"


def _csv(fixtures_dir: Path, per_class: int) -> bytes:
    """`per_class` rows of each class in the real format, built from the fixture's rows (artefacts kept)."""
    templates: dict[str, list[tuple[str, str]]] = {}
    for label, title, description in csv.reader(io.StringIO((fixtures_dir / "ag_news.csv").read_text())):
        templates.setdefault(label, []).append((title, description))
    assert sorted(templates) == ["1", "2", "3", "4"], "the fixture must hold all four classes"
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for i in range(per_class):
        for label in "1234":
            title, description = templates[label][i % len(templates[label])]
            writer.writerow([label, f"{title} {i}", f"{description} (row {i})"])
    return out.getvalue().encode()


def _run_data_cell(use_120k: bool = False) -> dict:
    cell = next(c for c in json.loads(NOTEBOOK.read_text())["cells"] if c["id"] == DATA_CELL)
    source = "".join(cell["source"])
    assert source.count(SWITCH) == 1, f"the data cell must hold the switch line {SWITCH!r}"
    source = source.replace(SWITCH, f"USE_120K = {use_120k}")
    namespace = dict(
        datasets=datasets,
        train_test_split=train_test_split,
        pd=pd,
        text=text,
        NAMES=list(datasets.REGISTRY["ag_news"].label_names),
        cfg=SimpleNamespace(n_train=None, cache_features=True),
        display=lambda *args: None,
    )
    exec(compile(source, f"{NOTEBOOK.name}:{DATA_CELL}", "exec"), namespace)
    return namespace


def _stage(isolated, fixtures_dir, train_rows_per_class: int | None, test_rows_per_class: int | None):
    """Register train.csv and test.csv; stage test.csv always, train.csv only with `train_rows_per_class`."""
    train = _csv(fixtures_dir, train_rows_per_class or 1)
    test = (
        _csv(fixtures_dir, test_rows_per_class) if test_rows_per_class else (fixtures_dir / "ag_news.csv").read_bytes()
    )
    isolated.register(
        "ag_news",
        {
            "train": isolated.source("ag_news_csv/train.csv", train),
            "test": isolated.source("ag_news_csv/test.csv", test),
        },
    )
    isolated.stage("ag_news_csv/test.csv", test)
    if train_rows_per_class:
        isolated.stage("ag_news_csv/train.csv", train)


def test_staged_train_csv_takes_the_official_path(isolated, fixtures_dir):
    _stage(isolated, fixtures_dir, train_rows_per_class=20, test_rows_per_class=None)
    ns = _run_data_cell()
    assert ns["official"] and ns["setting"].startswith("official")
    splits = ns["splits"]
    assert (len(splits["train"]), len(splits["val"]), len(splits["test"])) == (76, 4, 5)
    assert sorted(splits["val"]["label"]) == [0, 1, 2, 3], "the 5% validation part is stratified"
    assert set(splits["val"]["text"]).isdisjoint(splits["train"]["text"])
    assert splits["test"]["label_name"].tolist() == ["Business", "Sci/Tech", "Sports", "Sports", "World"]
    assert ns["n_available"] == 76 and len(ns["train_part_texts"]) == 76
    assert not splits["train"]["text"].str.contains(r"#39;|#36;|\\", regex=True).any(), "crawl artefacts cleaned"
    assert ns["cfg"].cache_features is False, "120k articles' cached layers would not fit: compute them per batch"


def test_without_train_csv_the_test_file_is_resplit_70_10_20(isolated, fixtures_dir):
    _stage(isolated, fixtures_dir, train_rows_per_class=None, test_rows_per_class=10)
    ns = _run_data_cell()
    assert not ns["official"] and ns["setting"].startswith("OFFLINE")
    splits = ns["splits"]
    assert (len(splits["train"]), len(splits["val"]), len(splits["test"])) == (28, 4, 8)
    texts = [set(part["text"]) for part in splits.values()]
    assert not (texts[0] & texts[1] or texts[0] & texts[2] or texts[1] & texts[2]), "the three parts are disjoint"
    assert ns["cfg"].cache_features is True


def test_the_switch_asks_for_train_csv_and_fails_clearly_offline(isolated, fixtures_dir):
    _stage(isolated, fixtures_dir, train_rows_per_class=None, test_rows_per_class=10)
    with pytest.raises(datasets.DatasetNotAvailable, match="train"):
        _run_data_cell(use_120k=True)
