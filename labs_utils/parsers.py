"""Parsers for each dataset's canonical upstream format, quirks included.

Why: every lab reads the same files; their quirks (see ``shared/data/MANIFEST.md``) are
handled once, here, and a malformed row fails with its file and line number instead of
being dropped. Each parser takes a binary file object (or a path for archives) and returns
a ``pandas.DataFrame``; ``labs_utils.datasets`` adds label ids, splits and caching.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import tarfile
from pathlib import Path

import pandas as pd

from .download import check_member_name


class MalformedRowError(ValueError):
    """A row of a data file does not have the format its parser expects."""

    def __init__(self, source: str, line: int, problem: str):
        super().__init__(f"{source}, line {line}: {problem}")
        self.source, self.line = source, line


def _name(fh) -> str:
    return str(getattr(fh, "name", "<stream>"))


# --- TREC -------------------------------------------------------------------------------


def parse_trec(fh) -> pd.DataFrame:
    """TREC question classification: one ``COARSE:fine question text`` per line.

    Quirk: train line 66 holds a stray byte 0xF0 where a space belongs
    (``sister\\xf0city``); it is replaced by a space, as the HF loader does. Any other
    non-UTF-8 byte is decoded as latin-1 rather than dropped.
    """
    rows = []
    for lineno, raw in enumerate(fh, start=1):
        raw = raw.rstrip(b"\r\n").replace(b"\xf0", b" ")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("latin-1")
        if not line.strip():
            continue  # trailing blank line
        label, _, text = line.partition(" ")
        coarse, colon, fine = label.partition(":")
        if not colon or not coarse.isupper() or not fine or not text.strip():
            raise MalformedRowError(_name(fh), lineno, f"expected 'COARSE:fine question text', got {line[:60]!r}")
        rows.append((text.strip(), coarse, f"{coarse}:{fine}", lineno))
    return pd.DataFrame(rows, columns=["text", "label_name", "fine_label_name", "line"])


# --- AG News ------------------------------------------------------------------------------

_AG_NUMERIC = re.compile(r"(?<![&\w])#(\d{1,6});")
_AG_NAMED = re.compile(r"(?<![&\w])(quot|amp|lt|gt|apos|nbsp);")


def clean_ag_news(text: str) -> str:
    """Undo AG News crawl artefacts: ``\\`` for a line break, entities that lost their ``&``.

    ``#36;`` -> ``$``, ``#39;`` -> ``'``, ``quot;`` -> ``"``; then ordinary HTML
    unescaping and whitespace folding.
    """
    text = text.replace("\\", " ")
    text = _AG_NUMERIC.sub(r"&#\1;", text)
    text = _AG_NAMED.sub(r"&\1;", text)
    text = html.unescape(text)
    return " ".join(text.split())


def parse_ag_news(fh) -> pd.DataFrame:
    """AG News char-CNN CSV: no header, ``"class","title","description"``, class 1..4."""
    reader = csv.reader(io.TextIOWrapper(fh, encoding="utf-8", newline=""))
    rows = []
    for record in reader:
        lineno = reader.line_num
        if len(record) != 3:
            raise MalformedRowError(_name(fh), lineno, f"expected 3 fields, got {len(record)}")
        cls, title, desc = record
        if cls not in {"1", "2", "3", "4"}:
            raise MalformedRowError(_name(fh), lineno, f"class index must be 1-4, got {cls!r}")
        title, desc = clean_ag_news(title), clean_ag_news(desc)
        rows.append((f"{title}. {desc}" if title and desc else title or desc, int(cls) - 1, title, desc, lineno))
    return pd.DataFrame(rows, columns=["text", "label", "title", "description", "line"])


# --- vaccine-stance tweets ---------------------------------------------------------------------


def parse_vaccine_tweets(fh) -> pd.DataFrame:
    """``,tweet,label`` CSV (first column an unnamed row index); 1,170 tweets hold newlines."""
    reader = csv.reader(io.TextIOWrapper(fh, encoding="utf-8", newline=""))
    header = next(reader, None)
    if header is None or [h.strip() for h in header[1:]] != ["tweet", "label"]:
        raise MalformedRowError(_name(fh), 1, f"expected header ',tweet,label', got {header!r}")
    rows = []
    for record in reader:
        lineno = reader.line_num  # physical line where the record ends
        if len(record) != 3:
            raise MalformedRowError(_name(fh), lineno, f"expected 3 fields, got {len(record)}")
        idx, tweet, label = record
        if label.strip() not in {"0", "1", "2"}:
            raise MalformedRowError(_name(fh), lineno, f"label must be 0, 1 or 2, got {label!r}")
        rows.append((int(idx) if idx.strip().isdigit() else len(rows), tweet, int(label), lineno))
    return pd.DataFrame(rows, columns=["id", "text", "label", "line"])


# --- Amazon 5-core reviews ---------------------------------------------------------------------


def parse_amazon_reviews(fh) -> pd.DataFrame:
    """McAuley 2014 5-core reviews: gzipped JSON Lines; ``overall`` is the star rating."""
    rows = []
    with gzip.open(fh, "rt", encoding="utf-8") as lines:
        for lineno, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                rating = int(float(obj["overall"]))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise MalformedRowError(_name(fh), lineno, f"bad review record: {exc}") from None
            if not 1 <= rating <= 5:
                raise MalformedRowError(_name(fh), lineno, f"rating must be 1-5, got {rating}")
            helpful = obj.get("helpful") or [0, 0]
            rows.append(
                (
                    obj.get("reviewText") or "",
                    obj.get("summary") or "",
                    rating,
                    obj.get("asin", ""),
                    obj.get("reviewerID", ""),
                    int(obj.get("unixReviewTime", 0)),
                    int(helpful[0]),
                    int(helpful[1]),
                )
            )
    return pd.DataFrame(
        rows, columns=["text", "summary", "rating", "asin", "reviewer_id", "unix_time", "helpful_up", "helpful_total"]
    )


# --- IMDB (aclImdb tarball, read without unpacking) ------------------------------------------------

_IMDB_MEMBER = re.compile(r"^aclImdb/(train|test)/(pos|neg|unsup)/(\d+)_(\d+)\.txt$")
_IMDB_URLS = re.compile(r"^aclImdb/(train|test)/urls_(pos|neg|unsup)\.txt$")
_IMDB_FILM = re.compile(r"/title/(tt\d+)/")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


def parse_imdb_tar(path: str | Path) -> pd.DataFrame:
    """Stream the aclImdb tarball once and return every review with a ``split`` column.

    Splits: train, test, unsup. ``<br />`` tags become newlines. File names are
    ``<id>_<rating>.txt``; unsup reviews have rating 0 and label -1. ``film`` is the IMDb
    title id (``tt0453418``) of the review's film, from line ``<id>`` of the folder's
    ``urls_<folder>.txt``; reviews of one film must not straddle a train/validation split
    (the official test set shares no film with train). A review whose url line is missing
    gets ``film = ""``.
    """
    rows, films = [], {}
    with tarfile.open(path, "r|gz") as tf:
        for member in tf:
            check_member_name(member.name, path)
            urls = _IMDB_URLS.match(member.name)
            if urls and member.isfile():
                lines = tf.extractfile(member).read().decode("utf-8").splitlines()
                films[urls.groups()] = [_film_id(line) for line in lines]
                continue
            match = _IMDB_MEMBER.match(member.name)
            if not match or not member.isfile():
                continue  # imdb.vocab, imdbEr.txt, *.feat, directories
            split, folder, rid, rating = match.groups()
            text = tf.extractfile(member).read().decode("utf-8")
            text = _BR.sub("\n", text)
            split_name = "unsup" if folder == "unsup" else split
            label = {"pos": 1, "neg": 0, "unsup": -1}[folder]
            rows.append(
                (text, label, int(rating), split_name, member.name.removeprefix("aclImdb/"), int(rid), (split, folder))
            )
    frame = pd.DataFrame(rows, columns=["text", "label", "rating", "split", "file", "review_id", "folder"])
    frame["film"] = [_nth(films.get(folder, []), rid) for folder, rid in zip(frame["folder"], frame["review_id"])]
    frame = frame.drop(columns="folder")
    return frame.sort_values(["split", "label", "review_id"], kind="stable").reset_index(drop=True)


def _film_id(url: str) -> str:
    match = _IMDB_FILM.search(url)
    return match.group(1) if match else ""


def _nth(items: list[str], i: int) -> str:
    return items[i] if i < len(items) else ""


# --- plain-text corpora ------------------------------------------------------------------------

_WIKI_HEADING = re.compile(r"^ ?(= )+.*?( =)+ ?$")


def parse_wikitext(fh) -> pd.DataFrame:
    """Tokenized WikiText: one row per line, empty lines kept (each ends in ``<eos>``).

    Keeping every line makes ``words + one <eos> per line`` equal the published split
    sizes (valid 217,646; test 245,569).
    """
    rows = []
    for lineno, raw in enumerate(io.TextIOWrapper(fh, encoding="utf-8"), start=1):
        line = raw.rstrip("\n")
        rows.append((line.strip(), bool(_WIKI_HEADING.match(line)), lineno))
    return pd.DataFrame(rows, columns=["text", "is_heading", "line"])


def parse_lines_contiguous(fh, fractions=(0.9, 0.05, 0.05)) -> pd.DataFrame:
    """A plain text file, one row per line, split into contiguous train/validation/test.

    Contiguous (not shuffled) because a language model must not see validation text
    interleaved with its training text.
    """
    lines = io.TextIOWrapper(fh, encoding="utf-8").read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    n = len(lines)
    cut1, cut2 = int(n * fractions[0]), int(n * (fractions[0] + fractions[1]))
    split = ["train"] * cut1 + ["validation"] * (cut2 - cut1) + ["test"] * (n - cut2)
    return pd.DataFrame({"text": lines, "split": split, "line": range(1, n + 1)})


# --- word-similarity and analogy sets ----------------------------------------------------------


def parse_word_pairs(fh) -> pd.DataFrame:
    """WordSim-353 / SimLex-999 in any of their distributed forms -> word1, word2, score.

    Handles the original WordSim CSV (header, CRLF), the original SimLex TSV (10 columns,
    header) and gensim's reformatted copies (``#`` comments, tab-separated).
    """
    text = io.TextIOWrapper(fh, encoding="utf-8", newline=None)
    rows, header = [], None
    for lineno, line in enumerate(text, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t") if "\t" in line else line.split(",")
        if header is None and not _is_number(fields[-1]) and not _is_number(fields[min(3, len(fields) - 1)]):
            header = [f.strip().lower() for f in fields]
            continue
        try:
            if header and "simlex999" in header:
                w1, w2, score = fields[0], fields[1], float(fields[header.index("simlex999")])
                pos = fields[header.index("pos")]
            else:
                w1, w2, score, pos = fields[0], fields[1], float(fields[2]), ""
        except (IndexError, ValueError):
            raise MalformedRowError(_name(fh), lineno, f"expected 'word1 word2 score', got {line[:60]!r}") from None
        rows.append((w1.strip(), w2.strip(), score, pos))
    return pd.DataFrame(rows, columns=["word1", "word2", "score", "pos"])


def parse_analogies(fh) -> pd.DataFrame:
    """Google analogy set: ``: section`` headers, then ``a b c d`` (a:b :: c:d)."""
    rows, section = [], None
    for lineno, line in enumerate(io.TextIOWrapper(fh, encoding="utf-8"), start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith(":"):
            section = line[1:].strip()
            continue
        words = line.split()
        if len(words) != 4 or section is None:
            raise MalformedRowError(_name(fh), lineno, f"expected 4 words after a ': section' line, got {line!r}")
        kind = "syntactic" if section.startswith("gram") else "semantic"
        rows.append((section, kind, *words))
    return pd.DataFrame(rows, columns=["section", "kind", "a", "b", "c", "d"])


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False
