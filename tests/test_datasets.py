"""labs_utils.datasets: registry, resolution order, checksums, caching, derived splits, and
the real staged files (those tests skip unless LABS_DATA_DIR points at shared/data)."""

from __future__ import annotations

import gzip
import json
import os
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from labs_utils import datasets, parsers
from labs_utils.datasets import DatasetNotAvailable
from labs_utils.download import ChecksumError

TREC_TEST_URL = "https://cogcomp.seas.upenn.edu/Data/QA/QC/TREC_10.label"


def _counting(parser):
    calls = []

    def wrapped(fh):
        calls.append(getattr(fh, "name", None))
        return parser(fh)

    return wrapped, calls


# --- registry lookups ----------------------------------------------------------------------------


def test_unknown_dataset_lists_known_names(isolated):
    with pytest.raises(KeyError) as info:
        datasets.load("no_such_dataset")
    message = str(info.value)
    assert "no_such_dataset" in message
    for name in datasets.REGISTRY:
        assert name in message


@pytest.mark.parametrize(
    "name,split", [("trec", "dev"), ("trec", "unsup"), ("vaccine_tweets", "test"), ("wikitext2", "train_full")]
)
def test_unknown_split_raises_keyerror(isolated, name, split):
    with pytest.raises(KeyError) as info:
        datasets.load(name, split)
    assert split in str(info.value)


def test_resolve_rejects_a_split_without_a_file(isolated):
    with pytest.raises(KeyError):
        datasets.resolve("trec", "validation")  # derived, not a file


# --- nothing available ----------------------------------------------------------------------------


def test_offline_with_nothing_staged_names_dataset_file_url_and_data_dir(isolated):
    with pytest.raises(DatasetNotAvailable) as info:
        datasets.load("trec", "test")
    assert isinstance(info.value, FileNotFoundError)
    message = str(info.value)
    assert "'trec'" in message
    assert "trec/TREC_10.label" in message
    assert TREC_TEST_URL in message
    assert "LABS_DATA_DIR" in message
    assert str(isolated.cache) in message
    assert not (isolated.cache / "trec").exists()


def test_offline_does_not_touch_the_network(isolated, http_server, fixtures_dir):
    data = (fixtures_dir / "trec_test.label").read_bytes()
    url = http_server.serve("/TREC_10.label", data)
    isolated.register("trec", {"test": isolated.source("trec/TREC_10.label", data, [url])})
    with pytest.raises(DatasetNotAvailable) as info:
        datasets.load("trec", "test")
    assert url in str(info.value) and "LABS_OFFLINE" in str(info.value)
    assert http_server.requests == []


def test_staged_folder_without_the_file_is_named_in_the_message(isolated):
    isolated.stage("unrelated/file.txt", b"x")
    with pytest.raises(DatasetNotAvailable) as info:
        datasets.load("trec", "test")
    assert f"LABS_DATA_DIR={isolated.staged}" in str(info.value)


def test_all_downloads_failing_gives_dataset_not_available_and_no_partial_file(isolated, http_server, fixtures_dir):
    data = (fixtures_dir / "trec_test.label").read_bytes()
    bad = http_server.serve("/tampered", data + b"HUM:ind Who added this ?\n")
    short = http_server.serve("/short", data, mode="truncate")
    isolated.register("trec", {"test": isolated.source("trec/TREC_10.label", data, [bad, short])})
    isolated.online()
    with pytest.raises(DatasetNotAvailable) as info:
        datasets.load("trec", "test")
    message = str(info.value)
    assert "sha256 mismatch" in message and ("truncated" in message or "broke off" in message)
    assert http_server.requests == ["/tampered", "/short"]
    leftovers = list((isolated.cache / "trec").iterdir()) if (isolated.cache / "trec").exists() else []
    assert leftovers == []


# --- checksums --------------------------------------------------------------------------------------


def test_staged_file_with_wrong_sha_raises(isolated, fixtures_dir):
    path = isolated.stage("trec/TREC_10.label", (fixtures_dir / "trec_test.label").read_bytes())
    with pytest.raises(ChecksumError) as info:
        datasets.load("trec", "test")  # the real registry entry expects the real file
    assert str(path) in str(info.value)
    assert datasets.REGISTRY["trec"].files["test"][0].sha256 in str(info.value)


def test_cached_file_with_wrong_sha_raises(isolated, fixtures_dir):
    data = (fixtures_dir / "trec_test.label").read_bytes()
    isolated.register("trec", {"test": isolated.source("trec/TREC_10.label", data)})
    cached = isolated.cache / "trec" / "TREC_10.label"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(data.replace(b"Galileo", b"Galilei"))
    with pytest.raises(ChecksumError):
        datasets.load("trec", "test")


def test_sha256sums_listing_a_different_sum_raises(isolated, fixtures_dir):
    data = (fixtures_dir / "trec_test.label").read_bytes()
    src = isolated.source("trec/TREC_10.label", data)
    isolated.register("trec", {"test": src})
    isolated.stage("trec/TREC_10.label", data)
    other = "0" * 64
    (isolated.staged / "SHA256SUMS").write_text(f"{'1' * 64}  trec/train_5500.label\n{other}  trec/TREC_10.label\n")
    with pytest.raises(ChecksumError) as info:
        datasets.load("trec", "test")
    assert "SHA256SUMS" in str(info.value) and other in str(info.value)
    # the same staging with a SHA256SUMS that agrees loads fine
    (isolated.staged / "SHA256SUMS").write_text(f"{src.sha256}  trec/TREC_10.label\n")
    assert len(datasets.load("trec", "test")) == 6


# --- download, cache, parsed cache ---------------------------------------------------------------------


def test_download_fills_cache_then_reuses_file_and_parsed_table(isolated, http_server, fixtures_dir):
    data = (fixtures_dir / "trec_test.label").read_bytes()
    good = http_server.serve("/TREC_10.label", data)
    gone = http_server.base + "/moved-away"  # 404: the next URL is tried
    parser, calls = _counting(parsers.parse_trec)
    isolated.register("trec", {"test": isolated.source("trec/TREC_10.label", data, [gone, good])}, parser=parser)
    isolated.online()

    first = datasets.load("trec", "test")
    assert http_server.requests == ["/moved-away", "/TREC_10.label"]
    assert (isolated.cache / "trec" / "TREC_10.label").read_bytes() == data
    assert [p.name for p in (isolated.cache / "trec").iterdir()] == ["TREC_10.label"]
    assert len(calls) == 1
    parsed = isolated.parsed_files()
    assert len(parsed) == 1 and parsed[0].name.startswith("trec-")
    assert len(first) == 6 and first["label_name"].tolist() == ["NUM", "LOC", "HUM", "DESC", "ABBR", "ENTY"]

    second = datasets.load("trec", "test")
    assert http_server.requests == ["/moved-away", "/TREC_10.label"]  # no new request
    assert len(calls) == 1  # read from the parquet cache
    pd.testing.assert_frame_equal(first, second)

    parsed[0].unlink()  # without the parsed table the cached file is parsed again, still offline
    third = datasets.load("trec", "test")
    assert len(calls) == 2 and len(http_server.requests) == 2
    pd.testing.assert_frame_equal(first, third)


def test_staged_copy_wins_over_download(isolated, http_server, fixtures_dir):
    data = (fixtures_dir / "trec_test.label").read_bytes()
    url = http_server.serve("/TREC_10.label", data)
    isolated.register("trec", {"test": isolated.source("trec/TREC_10.label", data, [url])})
    isolated.stage("trec/TREC_10.label", data)
    isolated.online()
    assert len(datasets.load("trec", "test")) == 6
    assert http_server.requests == []
    assert not (isolated.cache / "trec").exists()


def test_packaged_copy_is_used_when_nothing_is_staged(isolated):
    pytest.importorskip("gensim")
    path, src = datasets.resolve("wordsim353", "all")
    assert src.path == "word_embedding_eval/gensim_test_data/wordsim353.tsv"
    frame = datasets.load("wordsim353", "all")
    assert len(frame) == 353
    assert frame.iloc[0][["word1", "word2"]].tolist() == ["love", "sex"]


# --- available() -------------------------------------------------------------------------------------


def test_available_false_then_true_and_never_downloads(isolated, http_server, fixtures_dir):
    data = (fixtures_dir / "trec_test.label").read_bytes()
    url = http_server.serve("/TREC_10.label", data)
    isolated.register("trec", {"test": isolated.source("trec/TREC_10.label", data, [url])})
    isolated.online()
    assert datasets.available("trec", "test") is False
    assert http_server.requests == []
    assert "LABS_OFFLINE" not in os.environ  # restored: it was unset
    isolated.stage("trec/TREC_10.label", data)
    assert datasets.available("trec", "test") is True


@pytest.mark.parametrize("value", ["0", "1", ""])
def test_available_restores_labs_offline(isolated, monkeypatch, value):
    monkeypatch.setenv("LABS_OFFLINE", value)
    assert datasets.available("trec", "test") is False
    assert os.environ["LABS_OFFLINE"] == value


def test_available_for_a_derived_split_looks_at_its_source(isolated, fixtures_dir):
    data = (fixtures_dir / "trec_train.label").read_bytes()
    isolated.register("trec", {"train": isolated.source("trec/train_5500.label", data)})
    assert datasets.available("trec", "validation") is False
    isolated.stage("trec/train_5500.label", data)
    assert datasets.available("trec", "validation") is True
    assert datasets.available("trec", "train_full") is True
    with pytest.raises(KeyError):
        datasets.available("trec", "dev")


# --- derived (held-out) splits -------------------------------------------------------------------------

TREC_CLASS_SIZES = {"ABBR": 37, "DESC": 250, "ENTY": 300, "HUM": 260, "LOC": 180, "NUM": 180}  # 1,207 rows


@pytest.fixture
def synthetic_trec(isolated):
    labels = [c for c, n in TREC_CLASS_SIZES.items() for _ in range(n)]
    random.Random(7).shuffle(labels)
    data = "".join(f"{c}:other Question number {i} about {c.lower()} ?\n" for i, c in enumerate(labels)).encode()
    isolated.register("trec", {"train": isolated.source("trec/train_5500.label", data)})
    isolated.stage("trec/train_5500.label", data)
    return isolated


def test_derived_validation_split(synthetic_trec):
    full = datasets.load("trec", "train_full")
    train = datasets.load("trec", "train")
    val = datasets.load("trec", "validation")
    n = sum(TREC_CLASS_SIZES.values())
    assert len(full) == n == 1207
    assert full["line"].tolist() == list(range(1, n + 1))  # train_full = the canonical file, in order
    assert len(val) == 121  # round(0.1 * 1207); int() would give 120
    assert len(train) == n - 121
    assert set(train["line"]).isdisjoint(val["line"])
    assert sorted([*train["line"], *val["line"]]) == full["line"].tolist()
    assert val["line"].tolist() != list(range(1, 122))  # shuffled, not the first 10 %
    assert val["line"].is_monotonic_increasing  # kept in file order
    counts = Counter(val["label_name"])
    for cls, size in TREC_CLASS_SIZES.items():
        assert abs(counts[cls] - 0.1 * size) <= 1, (cls, counts[cls], size)


def test_derived_split_is_deterministic(synthetic_trec):
    first = datasets.load("trec", "validation")
    for p in synthetic_trec.parsed_files():  # parse again from scratch
        p.unlink()
    second = datasets.load("trec", "validation")
    pd.testing.assert_frame_equal(first, second)
    assert len(synthetic_trec.parsed_files()) == 1


@pytest.fixture
def synthetic_imdb(isolated, build_imdb_tar):
    """400 training reviews of 40 films (10 each, films of both polarities) in the aclImdb layout."""
    rng = random.Random(5)
    reviews, urls = {}, {"pos": [], "neg": []}
    for i in range(400):
        folder = "pos" if i % 2 else "neg"
        rid = len(urls[folder])
        reviews[f"aclImdb/train/{folder}/{rid}_{8 if folder == 'pos' else 2}.txt"] = f"review {i}"
        urls[folder].append(f"http://www.imdb.com/title/tt{rng.randrange(40):07d}/usercomments")
    other = {f"aclImdb/train/urls_{f}.txt": "\n".join(lines) + "\n" for f, lines in urls.items()}
    data = build_imdb_tar(reviews=reviews, other=other).read_bytes()
    src = isolated.source("imdb/aclImdb_v1_rebuilt.tar.gz", data)
    isolated.register("imdb", {"train": src, "test": src, "unsup": src})
    isolated.stage("imdb/aclImdb_v1_rebuilt.tar.gz", data)
    return isolated


def test_imdb_validation_shares_no_film_with_train(synthetic_imdb):
    full, train, val = (datasets.load("imdb", s) for s in ("train_full", "train", "validation"))
    assert set(train["film"]).isdisjoint(val["film"])
    assert sorted([*train["file"], *val["file"]]) == sorted(full["file"])
    assert 20 <= len(val) <= 80  # about 10% of 400, in whole films of ~10 reviews
    assert abs(val["label"].mean() - 0.5) < 0.15  # stratified by label as far as whole films allow
    for p in synthetic_imdb.parsed_files():  # deterministic: parse again from scratch
        p.unlink()
    pd.testing.assert_frame_equal(val, datasets.load("imdb", "validation"))


def test_grouped_holdout_is_cached_and_a_stale_cache_is_recomputed(synthetic_imdb, monkeypatch):
    train, val = datasets.load("imdb", "train"), datasets.load("imdb", "validation")
    (held_file,) = (synthetic_imdb.cache / "parsed").glob("imdb-*-holdout-*.npy")
    real_split, calls = datasets._grouped_holdout, []

    def counting(*args, **kwargs):
        calls.append(args)
        return real_split(*args, **kwargs)

    monkeypatch.setattr(datasets, "_grouped_holdout", counting)
    pd.testing.assert_frame_equal(val, datasets.load("imdb", "validation"))
    pd.testing.assert_frame_equal(train, datasets.load("imdb", "train"))
    assert calls == []  # both sides of the split came from the cache file
    stored = np.load(held_file)  # [rows of the frame, rows held out, their positions ...]
    assert stored[0] == len(train) + len(val) and stored[1] == len(val) == len(stored) - 2
    out_of_range = np.concatenate([stored[:-1], [stored[0]]])
    for stale in (np.concatenate([[stored[0] + 1], stored[1:]]), out_of_range, stored[:4]):
        np.save(held_file, stale)  # another frame's length, a row that is not there, a cut list
        pd.testing.assert_frame_equal(val, datasets.load("imdb", "validation"))
    held_file.write_bytes(b"not numpy")
    pd.testing.assert_frame_equal(train, datasets.load("imdb", "train"))
    assert len(calls) == 3 + 1  # a stale or unreadable cache is computed again, never trusted


def test_a_table_is_read_once_for_its_splits_and_each_load_is_a_copy(synthetic_imdb, monkeypatch):
    datasets.load("imdb", "test")  # parses the archive and writes the parquet cache
    reads, real_read = [], pd.read_parquet
    monkeypatch.setattr(pd, "read_parquet", lambda *a, **k: reads.append(a) or real_read(*a, **k))
    datasets._last_parsed.clear()  # as in a new process
    first = datasets.load("imdb", "test")
    first["text"] = "changed by the caller"
    second, train = datasets.load("imdb", "test"), datasets.load("imdb", "train")
    assert len(reads) == 1  # read once, then kept in memory for the other splits
    assert (second["text"] != "changed by the caller").all() and len(train) > 0
    (table,) = synthetic_imdb.parsed_files()
    table.write_bytes(table.read_bytes())  # the cache file rewritten: read it again
    os.utime(table, ns=(1, 1))
    pd.testing.assert_frame_equal(second, datasets.load("imdb", "test"))
    assert len(reads) == 2


def test_grouped_holdout_treats_reviews_without_a_film_as_their_own_group():
    frame = pd.DataFrame({"label": [0, 1] * 50, "film": [""] * 100})
    parts = datasets._grouped_holdout(frame, "film", {"validation": 0.1})
    assert len(parts["validation"]) == 10 and len(parts["train"]) == 90
    with pytest.raises(ValueError, match="one held-out part"):
        datasets._grouped_holdout(frame, "film", {"validation": 0.1, "test": 0.1})


def test_corrupt_parsed_cache_is_removed_and_parsed_again(isolated, fixtures_dir, capsys):
    data = (fixtures_dir / "trec_test.label").read_bytes()
    parser, calls = _counting(parsers.parse_trec)
    isolated.register("trec", {"test": isolated.source("trec/TREC_10.label", data)}, parser=parser)
    isolated.stage("trec/TREC_10.label", data)
    first = datasets.load("trec", "test")
    (table,) = isolated.parsed_files()
    table.write_bytes(table.read_bytes()[:40])  # a truncated write, as after a disk error
    second = datasets.load("trec", "test")
    pd.testing.assert_frame_equal(first, second)
    assert len(calls) == 2  # parsed again from the verified source
    out = capsys.readouterr().out
    assert "parsed cache" in out and "unreadable" in out and "re-parsing TREC_10.label" in out
    assert len(pd.read_parquet(table)) == len(first)  # and the cache is whole again


AMAZON_STARS = {5: 100, 4: 50, 3: 25, 2: 15, 1: 10}


@pytest.fixture
def synthetic_amazon(isolated):
    stars = [s for s, n in AMAZON_STARS.items() for _ in range(n)]
    random.Random(3).shuffle(stars)
    lines = []
    for i, s in enumerate(stars):
        record = {
            "reviewerID": f"R{i:04d}",
            "asin": f"B{i % 13:05d}",
            "helpful": [0, i % 3],
            "reviewText": "" if i % 20 == 0 else f"review {i} with {s} stars",
            "overall": float(s),
            "summary": f"s{i}",
            "unixReviewTime": 1_300_000_000 + i,
        }
        if i % 7:
            record["reviewerName"] = f"name {i}"
        lines.append(json.dumps(record))
    data = gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)
    rel = "amazon_reviews/reviews_Musical_Instruments_5.json.gz"
    isolated.register("amazon_reviews", {"all": isolated.source(rel, data)})
    isolated.stage(rel, data)
    return isolated


def test_three_way_holdout_and_empty_texts(synthetic_amazon):
    full = datasets.load("amazon_reviews", "all")
    parts = {s: datasets.load("amazon_reviews", s) for s in ("train", "validation", "test")}
    assert len(full) == 200
    assert (len(parts["validation"]), len(parts["test"]), len(parts["train"])) == (20, 20, 160)
    ids = {s: set(f["reviewer_id"]) for s, f in parts.items()}
    assert ids["train"].isdisjoint(ids["validation"]) and ids["train"].isdisjoint(ids["test"])
    assert ids["validation"].isdisjoint(ids["test"])
    assert ids["train"] | ids["validation"] | ids["test"] == set(full["reviewer_id"])
    for part in ("validation", "test"):
        counts = Counter(parts[part]["rating"])
        for stars, size in AMAZON_STARS.items():
            assert abs(counts[stars] - 0.1 * size) <= 1, (part, stars, counts[stars])
    assert (full["label"] == full["rating"] - 1).all()
    names = datasets.REGISTRY["amazon_reviews"].label_names
    assert full["label_name"].tolist() == [names[k] for k in full["label"]]
    # empty reviews are kept as "" (10 of them: every 20th), also when read back from parquet
    assert (full["text"] == "").sum() == 10
    again = datasets.load("amazon_reviews", "all")
    assert (again["text"] == "").sum() == 10 and again["text"].map(type).eq(str).all()


# --- labels ---------------------------------------------------------------------------------------------


def _assert_labels_consistent(name, frame):
    names = datasets.REGISTRY[name].label_names
    expected = [names[k] if k >= 0 else "unlabelled" for k in frame["label"]]
    assert frame["label_name"].tolist() == expected
    assert frame["label"].between(-1, len(names) - 1).all()


def test_labels_from_fixture_files(isolated, fixtures_dir, build_imdb_tar):
    trec = (fixtures_dir / "trec_test.label").read_bytes()
    ag = (fixtures_dir / "ag_news.csv").read_bytes()
    vax = (fixtures_dir / "vaccine.csv").read_bytes()
    imdb = build_imdb_tar().read_bytes()
    isolated.register("trec", {"test": isolated.source("trec/TREC_10.label", trec)})
    isolated.register("ag_news", {"test": isolated.source("ag_news_csv/test.csv", ag)})
    isolated.register("vaccine_tweets", {"validation": isolated.source("vaccine_tweets/v.csv", vax)})
    imdb_src = isolated.source("imdb/aclImdb_v1_rebuilt.tar.gz", imdb)
    isolated.register("imdb", {"train": imdb_src, "test": imdb_src, "unsup": imdb_src})
    for rel, data in [
        ("trec/TREC_10.label", trec),
        ("ag_news_csv/test.csv", ag),
        ("vaccine_tweets/v.csv", vax),
        ("imdb/aclImdb_v1_rebuilt.tar.gz", imdb),
    ]:
        isolated.stage(rel, data)

    frame = datasets.load("trec", "test")
    _assert_labels_consistent("trec", frame)
    assert frame["label"].tolist() == [5, 4, 3, 1, 0, 2]  # NUM LOC HUM DESC ABBR ENTY in ABBR..NUM order
    frame = datasets.load("ag_news", "test")
    _assert_labels_consistent("ag_news", frame)
    assert frame["label_name"].tolist() == ["Business", "Sci/Tech", "Sports", "Sports", "World"]
    frame = datasets.load("vaccine_tweets", "validation")
    _assert_labels_consistent("vaccine_tweets", frame)
    assert frame["label_name"].tolist() == ["neutral", "anti-vax", "pro-vax", "neutral"]
    assert frame.loc[1, "text"] == "Vaccines are NOT safe.\nDo your own research! #vaccineinjury"

    test, unsup, full = (datasets.load("imdb", s) for s in ("test", "unsup", "train_full"))
    imdb_tables = [p for p in isolated.parsed_files() if p.name.startswith("imdb-")]
    assert len(imdb_tables) == 1  # one parse of the tarball serves every split
    assert "split" not in test.columns
    assert test["file"].tolist() == ["test/neg/0_2.txt", "test/pos/0_10.txt", "test/pos/12_8.txt"]
    assert test["label_name"].tolist() == ["neg", "pos", "pos"]
    assert unsup["label"].tolist() == [-1] and unsup["label_name"].tolist() == ["unlabelled"]
    assert sorted(full["file"]) == ["train/neg/0_3.txt", "train/neg/10_1.txt", "train/pos/0_9.txt", "train/pos/1_7.txt"]
    for frame in (test, unsup, full):
        _assert_labels_consistent("imdb", frame)


def test_word_eval_sets_from_staged_fixtures(isolated, fixtures_dir):
    ws = (fixtures_dir / "wordsim_combined.csv").read_bytes()
    sl = (fixtures_dir / "simlex_original.txt").read_bytes()
    an = (fixtures_dir / "analogies.txt").read_bytes()
    isolated.register("wordsim353", {"all": isolated.source("word_embedding_eval/wordsim353/combined.csv", ws)})
    isolated.register("simlex999", {"all": isolated.source("word_embedding_eval/SimLex-999/SimLex-999.txt", sl)})
    isolated.register("google_analogies", {"all": isolated.source("word_embedding_eval/questions-words.txt", an)})
    isolated.stage("word_embedding_eval/wordsim353/combined.csv", ws)
    isolated.stage("word_embedding_eval/SimLex-999/SimLex-999.txt", sl)
    isolated.stage("word_embedding_eval/questions-words.txt", an)
    assert datasets.load("wordsim353", "all")["score"].tolist() == [6.77, 7.35, 10.0, 7.46]
    assert "label" not in datasets.load("simlex999", "all").columns  # word-eval sets get no labels
    assert datasets.load("simlex999", "all")["score"].tolist() == [1.58, 9.2, 2.3]
    assert Counter(datasets.load("google_analogies", "all")["kind"]) == {"semantic": 3, "syntactic": 3}


# --- real staged data (LABS_DATA_DIR=shared/data) ------------------------------------------------------


@pytest.fixture(scope="session")
def real_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("labs_real_cache")


@pytest.fixture
def real(monkeypatch, real_cache):
    """Load the real staged files from LABS_DATA_DIR into a session-wide temporary cache."""
    value = os.environ.get("LABS_DATA_DIR")
    if not value:
        pytest.skip("LABS_DATA_DIR is not set (point it at shared/data to test the real files)")
    root = Path(value).expanduser()
    monkeypatch.setenv("LABS_CACHE_DIR", str(real_cache))
    monkeypatch.setenv("LABS_OFFLINE", "1")

    def need(*rels):
        missing = [r for r in rels if not (root / r).exists()]
        if missing:
            pytest.skip(f"not staged in {root}: {', '.join(missing)}")

    return need


def test_real_trec(real):
    real("trec/train_5500.label", "trec/TREC_10.label")
    full = datasets.load("trec", "train_full")
    test = datasets.load("trec", "test")
    assert len(full) == 5452 and len(test) == 500
    assert dict(Counter(full["label_name"])) == {
        "ENTY": 1250,
        "HUM": 1223,
        "DESC": 1162,
        "NUM": 896,
        "LOC": 835,
        "ABBR": 86,
    }
    assert dict(Counter(test["label_name"])) == {"DESC": 138, "NUM": 113, "ENTY": 94, "LOC": 81, "HUM": 65, "ABBR": 9}
    assert full["fine_label_name"].nunique() == 50 and test["fine_label_name"].nunique() == 42
    line66 = full.loc[full["line"] == 66, "text"].item()
    assert "sister city with Los Angeles" in line66
    _assert_labels_consistent("trec", full)
    val, train = datasets.load("trec", "validation"), datasets.load("trec", "train")
    assert len(val) == round(0.1 * 5452) == 545 and len(train) == 5452 - 545
    assert set(val["line"]).isdisjoint(train["line"])
    counts = Counter(val["label_name"])
    for cls, size in Counter(full["label_name"]).items():
        assert abs(counts[cls] - 0.1 * size) <= 1, cls


def test_real_ag_news_test(real):
    real("ag_news_csv/test.csv")
    df = datasets.load("ag_news", "test")
    assert len(df) == 7600
    assert dict(Counter(df["label_name"])) == {"World": 1900, "Sports": 1900, "Business": 1900, "Sci/Tech": 1900}
    for col in ("text", "title", "description"):
        assert not df[col].str.contains(r"#\d+;|\\|(?<![&\w])(?:quot|amp|lt|gt);", regex=True).any(), col
    assert df["text"].str.contains("$", regex=False).sum() > 100  # #36; restored
    _assert_labels_consistent("ag_news", df)


def test_real_vaccine_tweets(real):
    real("vaccine_tweets/vaccine_train_set.csv", "vaccine_tweets/vaccine_validation_set.csv")
    train = datasets.load("vaccine_tweets", "train")
    val = datasets.load("vaccine_tweets", "validation")
    assert len(train) == 15976 and len(val) == 2282
    assert dict(Counter(train["label"])) == {0: 7458, 1: 2073, 2: 6445}
    assert dict(Counter(val["label"])) == {0: 1065, 1: 296, 2: 921}
    assert train["text"].str.contains("\n").sum() == 1170 and val["text"].str.contains("\n").sum() == 157
    # physical line of the last record: 18,579 / 2,596 LFs, and the train file has no final LF
    assert train["line"].iloc[-1] == 18580 and val["line"].iloc[-1] == 2596
    _assert_labels_consistent("vaccine_tweets", train)


def test_real_amazon_reviews(real):
    real("amazon_reviews/reviews_Musical_Instruments_5.json.gz")
    df = datasets.load("amazon_reviews", "all")
    assert len(df) == 10261
    assert dict(Counter(df["rating"])) == {5: 6938, 4: 2084, 3: 772, 2: 250, 1: 217}
    assert (df["text"] == "").sum() == 7
    assert df["asin"].nunique() == 900 and df["reviewer_id"].nunique() == 1429
    parts = [datasets.load("amazon_reviews", s) for s in ("train", "validation", "test")]
    assert [len(p) for p in parts] == [10261 - 2 * 1026, 1026, 1026]


def test_real_wikitext_token_counts(real):
    real("wikitext-2/valid.txt", "wikitext-2/test.txt")
    for split, lines, tokens in [("validation", 3760, 217_646), ("test", 4358, 245_569)]:
        df = datasets.load("wikitext2", split)
        assert len(df) == lines
        assert sum(len(t.split()) + 1 for t in df["text"]) == tokens
        assert (df["text"] == "").any() and df["is_heading"].any()
        assert df.loc[df["is_heading"], "text"].str.match(r"^(= )+.*( =)+$").all()


def test_real_word_eval_sets(real):
    real(
        "word_embedding_eval/questions-words.txt",
        "word_embedding_eval/wordsim353/combined.csv",
        "word_embedding_eval/SimLex-999/SimLex-999.txt",
    )
    an = datasets.load("google_analogies", "all")
    assert len(an) == 19544
    assert (an["kind"] == "semantic").sum() == 8869 and (an["kind"] == "syntactic").sum() == 10675
    assert an["section"].nunique() == 14
    assert an.loc[an["kind"] == "semantic", "section"].nunique() == 5
    ws = datasets.load("wordsim353", "all")
    assert len(ws) == 353 and ws["score"].between(0, 10).all()
    sl = datasets.load("simlex999", "all")
    assert len(sl) == 999 and sl["score"].between(0, 10).all()
    assert set(sl["pos"]) == {"A", "N", "V"}  # read from the original 10-column file


def test_real_imdb(real):
    real("imdb/aclImdb_v1_rebuilt.tar.gz")
    full = datasets.load("imdb", "train_full")
    test = datasets.load("imdb", "test")
    unsup = datasets.load("imdb", "unsup")
    assert len(full) == 25000 and dict(Counter(full["label"])) == {0: 12500, 1: 12500}
    assert len(test) == 25000 and dict(Counter(test["label"])) == {0: 12500, 1: 12500}
    assert len(unsup) == 50000 and (unsup["label"] == -1).all() and (unsup["rating"] == 0).all()
    assert (unsup["label_name"] == "unlabelled").all()
    labelled = pd.concat([full, test])
    assert dict(Counter(labelled["rating"])) == {
        1: 10122,
        2: 4586,
        3: 4961,
        4: 5331,
        7: 4803,
        8: 5859,
        9: 4607,
        10: 9731,
    }
    assert (labelled.loc[labelled["label"] == 1, "rating"] >= 7).all()
    assert (labelled.loc[labelled["label"] == 0, "rating"] <= 4).all()
    for frame in (full, test, unsup):
        assert not frame["text"].str.contains("<br", case=False, regex=False).any()
    assert full["text"].str.contains("\n").any()
    val = datasets.load("imdb", "validation")
    train = datasets.load("imdb", "train")
    assert 2400 <= len(val) <= 2600 and set(val["file"]).isdisjoint(train["file"])
    assert len(val) + len(train) == 25000
    assert set(val["film"]).isdisjoint(train["film"])  # grouped by film, as the official test set is
    assert (full["film"].str.match(r"tt\d+$")).all() and (test["film"].str.match(r"tt\d+$")).all()
