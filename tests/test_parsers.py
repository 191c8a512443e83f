"""labs_utils.parsers on small fixtures in each dataset's real format, quirks included."""

from __future__ import annotations

import gzip
import io
import re

import pytest

from labs_utils import parsers
from labs_utils.parsers import MalformedRowError


def _open(fixtures_dir, name):
    return open(fixtures_dir / name, "rb")


def _malformed(parser, data: bytes, tmp_path=None, name="bad.txt"):
    """Run ``parser`` on ``data`` from a named file; return the MalformedRowError."""
    path = tmp_path / name
    path.write_bytes(data)
    with open(path, "rb") as fh, pytest.raises(MalformedRowError) as info:
        parser(fh)
    assert str(path) in str(info.value)  # the message names the file
    return info.value


# --- TREC -------------------------------------------------------------------------------------


def test_trec_rows_labels_and_0xf0(fixtures_dir):
    assert b"sister\xf0city" in (fixtures_dir / "trec_train.label").read_bytes()
    with _open(fixtures_dir, "trec_train.label") as fh:
        df = parsers.parse_trec(fh)
    assert list(df.columns) == ["text", "label_name", "fine_label_name", "line"]
    assert len(df) == 8
    assert df["line"].tolist() == list(range(1, 9))
    assert df["label_name"].tolist() == ["DESC", "ENTY", "ABBR", "HUM", "LOC", "NUM", "HUM", "ENTY"]
    assert df["fine_label_name"].tolist()[:5] == ["DESC:manner", "ENTY:cremat", "ABBR:exp", "HUM:ind", "LOC:city"]
    assert df.loc[0, "text"] == "How did serfdom develop in and then leave Russia ?"
    assert df.loc[4, "text"] == "Which city has the oldest relationship as a sister city with Los Angeles ?"
    assert not df["text"].str.contains("\u00f0").any()


def test_trec_other_non_utf8_byte_is_kept_as_latin1():
    df = parsers.parse_trec(io.BytesIO(b"HUM:ind Who is Andr\xe9 Agassi ?\nLOC:city Where is Paris ?\n"))
    assert df["text"].tolist() == ["Who is Andr\u00e9 Agassi ?", "Where is Paris ?"]


def test_trec_malformed_line_reports_line_number(tmp_path):
    data = (
        b"DESC:manner How did serfdom develop ?\n"
        b"NUM:date When did Hawaii become a state ?\n"
        b"\n"
        b"What is the capital of Peru ?\n"
        b"LOC:city Where is Lima ?\n"
    )
    err = _malformed(parsers.parse_trec, data, tmp_path, "TREC_10.label")
    assert err.line == 4
    assert "line 4:" in str(err)


@pytest.mark.parametrize(
    "line",
    [b"DESC How did it happen ?", b"desc:manner lowercase coarse label ?", b"DESC: empty fine label ?", b"DESC:manner"],
)
def test_trec_rejects_label_variants(line):
    with pytest.raises(MalformedRowError) as info:
        parsers.parse_trec(io.BytesIO(b"HUM:ind Who ?\n" + line + b"\n"))
    assert info.value.line == 2


# --- AG News ------------------------------------------------------------------------------------


def test_ag_news_fields_and_quirks(fixtures_dir):
    with _open(fixtures_dir, "ag_news.csv") as fh:
        df = parsers.parse_ag_news(fh)
    assert list(df.columns) == ["text", "label", "title", "description", "line"]
    assert len(df) == 5
    assert df["label"].tolist() == [2, 3, 1, 1, 0]  # class index 1..4 -> 0..3
    assert df["line"].tolist() == [1, 2, 3, 4, 5]
    # "" escapes a quote; runs of spaces folded
    assert df.loc[0, "description"] == (
        "Unions representing workers at Turner Newall say they are "
        '"disappointed" after talks with stricken parent firm Federal Mogul.'
    )
    assert df.loc[0, "text"] == "Fears for T N pension after talks. " + df.loc[0, "description"]
    # a backslash was a line break; #36; is a dollar sign
    assert df.loc[1, "description"] == (
        "SPACE.com - A second team of rocketeers competing for the $10 million "
        "Ansari X Prize, a contest for privately funded suborbital space flight."
    )
    assert df.loc[4, "title"] == "Man Sought $50M From McGreevey (AP)"
    # #39; is an apostrophe, quot; a double quote
    assert re.fullmatch(r"Eriksson doesn ?'t feel any extra pressure", df.loc[2, "title"])
    assert re.search(r"Wednesday ?'s friendly", df.loc[2, "description"])
    assert '"helping themselves,' in df.loc[3, "description"]
    assert df.loc[3, "title"] == "They've caught his eye"
    for col in ("text", "title", "description"):
        assert not df[col].str.contains(r"\\|#\d+;|(?<![&\w])(?:quot|amp);", regex=True).any(), col


def test_clean_ag_news_keeps_real_ampersand_entities_and_text():
    assert parsers.clean_ag_news("AT&amp;T cuts  #36;5 fee\\on calls") == "AT&T cuts $5 fee on calls"
    assert parsers.clean_ag_news("plain text, no artefacts") == "plain text, no artefacts"


@pytest.mark.parametrize("row,problem", [(b'"2","Only a title"', "3 fields"), (b'"7","Title","Description"', "1-4")])
def test_ag_news_malformed_rows(tmp_path, row, problem):
    data = (
        b'"3","T1","D1"\n'
        b'"4","Multi","line \n description"\n'  # a quoted field across two physical lines
        + row
        + b"\n"
        + b'"1","T4","D4"\n'
    )
    err = _malformed(parsers.parse_ag_news, data, tmp_path, "test.csv")
    assert err.line == 4
    assert "line 4:" in str(err) and problem in str(err)


# --- vaccine tweets --------------------------------------------------------------------------------


def test_vaccine_tweets_embedded_newline_and_labels(fixtures_dir):
    raw = (fixtures_dir / "vaccine.csv").read_bytes()
    assert raw.startswith(b",tweet,label\n") and raw.count(b"\n") == 6  # 5 records on 6 physical lines
    with _open(fixtures_dir, "vaccine.csv") as fh:
        df = parsers.parse_vaccine_tweets(fh)
    assert list(df.columns) == ["id", "text", "label", "line"]
    assert len(df) == 4
    assert df["id"].tolist() == [0, 1, 2, 3]
    assert df["label"].tolist() == [0, 1, 2, 0]
    assert df.loc[1, "text"] == "Vaccines are NOT safe.\nDo your own research! #vaccineinjury"
    assert df.loc[2, "text"] == "Get your flu shot, folks &amp; stay healthy"  # raw tweets: entity kept
    assert "\U0001f64c\U0001f64c" in df.loc[0, "text"]
    assert df["line"].tolist() == [2, 4, 5, 6]  # physical line where each record ends


def test_vaccine_label_5_reports_physical_line(tmp_path):
    data = b',tweet,label\n0,ok,0\n1,"two\nlines",1\n2,bad label,5\n3,fine,2\n'
    err = _malformed(parsers.parse_vaccine_tweets, data, tmp_path, "vaccine_train_set.csv")
    assert err.line == 5
    assert "line 5:" in str(err) and "'5'" in str(err)


def test_vaccine_wrong_header_is_rejected():
    with pytest.raises(MalformedRowError) as info:
        parsers.parse_vaccine_tweets(io.BytesIO(b"id,text,stance\n0,hi,0\n"))
    assert info.value.line == 1


# --- Amazon reviews --------------------------------------------------------------------------------


@pytest.fixture
def amazon_gz(fixtures_dir, tmp_path):
    path = tmp_path / "reviews_Musical_Instruments_5.json.gz"
    path.write_bytes(gzip.compress((fixtures_dir / "amazon_reviews.jsonl").read_bytes()))
    return path


def test_amazon_reviews(amazon_gz):
    with open(amazon_gz, "rb") as fh:
        df = parsers.parse_amazon_reviews(fh)
    assert list(df.columns) == [
        "text",
        "summary",
        "rating",
        "asin",
        "reviewer_id",
        "unix_time",
        "helpful_up",
        "helpful_total",
    ]
    assert len(df) == 4  # the empty review and the one without reviewerName are kept
    assert df["rating"].tolist() == [5, 4, 1, 3]
    assert df.loc[2, "text"] == ""
    assert df.loc[1, "text"] == "The product does exactly as it should and is quite affordable."
    assert df.loc[3, "text"] == "Nice windscreen \u2013 protects my MXL mic."
    assert df.loc[1, "reviewer_id"] == "A14VAT5EAX3D9S"
    assert df.loc[1, ["helpful_up", "helpful_total"]].tolist() == [13, 14]
    assert df.loc[0, "unix_time"] == 1393545600
    assert df.loc[3, "asin"] == "B00004Y2UT"


def test_amazon_invalid_json_on_line_3(tmp_path, fixtures_dir):
    lines = (fixtures_dir / "amazon_reviews.jsonl").read_bytes().splitlines(keepends=True)
    lines[2] = b'{"reviewerID": "X", "overall": 5.0, "reviewText": "cut off\n'
    path = tmp_path / "broken.json.gz"
    path.write_bytes(gzip.compress(b"".join(lines)))
    with open(path, "rb") as fh, pytest.raises(MalformedRowError) as info:
        parsers.parse_amazon_reviews(fh)
    assert info.value.line == 3 and "line 3:" in str(info.value)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("record", [b'{"reviewText": "no rating"}', b'{"overall": 6.0}'])
def test_amazon_missing_or_out_of_range_rating(record):
    good = b'{"reviewText": "ok", "overall": 2.0}\n'
    with pytest.raises(MalformedRowError) as info:
        parsers.parse_amazon_reviews(io.BytesIO(gzip.compress(good + good + record + b"\n")))
    assert info.value.line == 3


# --- IMDB ---------------------------------------------------------------------------------------


def test_imdb_tar_rows(build_imdb_tar):
    df = parsers.parse_imdb_tar(build_imdb_tar())
    assert list(df.columns) == ["text", "label", "rating", "split", "file", "review_id", "film"]
    assert len(df) == 8  # imdb.vocab, imdbEr.txt, urls_*.txt, notes.txt and directories skipped
    by_file = df.set_index("file")
    assert by_file.loc["train/pos/0_9.txt", "text"] == "Bromwell High is a cartoon comedy.\n\nIt ran at the same time."
    assert by_file.loc["test/pos/0_10.txt", "text"] == "I went and saw this movie last night.\nGreat acting."
    assert by_file.loc["train/unsup/0_0.txt", "text"].endswith("are not for me.\nOf the dozen.")
    assert not df["text"].str.contains("<br", case=False).any()
    expected = {  # file -> (label, rating, split, review id)
        "test/neg/0_2.txt": (0, 2, "test", 0),
        "test/pos/0_10.txt": (1, 10, "test", 0),
        "test/pos/12_8.txt": (1, 8, "test", 12),
        "train/neg/0_3.txt": (0, 3, "train", 0),
        "train/neg/10_1.txt": (0, 1, "train", 10),
        "train/pos/0_9.txt": (1, 9, "train", 0),
        "train/pos/1_7.txt": (1, 7, "train", 1),
        "train/unsup/0_0.txt": (-1, 0, "unsup", 0),
    }
    got = {f: tuple(r) for f, r in by_file[["label", "rating", "split", "review_id"]].iterrows()}
    assert got == expected
    # film: line <review id> of the folder's urls_*.txt; the fixture's urls files have one line each
    films = by_file["film"].to_dict()
    assert films["train/pos/0_9.txt"] == "tt0453418" and films["test/neg/0_2.txt"] == "tt0064354"
    assert films["train/pos/1_7.txt"] == "" and films["train/neg/0_3.txt"] == ""  # no url line for them
    # sorted by split, label, review id
    assert df["file"].tolist() == [
        "test/neg/0_2.txt",
        "test/pos/0_10.txt",
        "test/pos/12_8.txt",
        "train/neg/0_3.txt",
        "train/neg/10_1.txt",
        "train/pos/0_9.txt",
        "train/pos/1_7.txt",
        "train/unsup/0_0.txt",
    ]


# --- WikiText ------------------------------------------------------------------------------------


def test_wikitext_keeps_empty_lines_and_flags_headings(fixtures_dir):
    raw = (fixtures_dir / "wikitext.txt").read_text(encoding="utf-8")
    with _open(fixtures_dir, "wikitext.txt") as fh:
        df = parsers.parse_wikitext(fh)
    assert list(df.columns) == ["text", "is_heading", "line"]
    assert len(df) == 8 == raw.count("\n")
    assert df["line"].tolist() == list(range(1, 9))
    assert df["text"].tolist()[:3] == ["", "= Homarus gammarus =", ""]
    assert df["is_heading"].tolist() == [False, True, False, False, False, True, False, False]
    # words + one <eos> per line, the PyTorch word_language_model count
    assert sum(len(t.split()) + 1 for t in df["text"]) == 8 + (
        4 + 16 + 5 + 22
    )  # 8 <eos>, then the words of lines 2, 4, 6, 8


def test_wikitext_equals_sign_inside_a_sentence_is_not_a_heading():
    df = parsers.parse_wikitext(io.BytesIO(b" x = y + 1 , so = holds \n = = = Sub = = = \n"))
    assert df["is_heading"].tolist() == [False, True]


# --- word pairs ------------------------------------------------------------------------------------


def test_word_pairs_wordsim_csv_crlf_header(fixtures_dir):
    assert b"\r\n" in (fixtures_dir / "wordsim_combined.csv").read_bytes()
    with _open(fixtures_dir, "wordsim_combined.csv") as fh:
        df = parsers.parse_word_pairs(fh)
    assert list(df.columns) == ["word1", "word2", "score", "pos"]
    assert df[["word1", "word2"]].values.tolist() == [
        ["love", "sex"],
        ["tiger", "cat"],
        ["tiger", "tiger"],
        ["book", "paper"],
    ]
    assert df["score"].tolist() == [6.77, 7.35, 10.0, 7.46]
    assert not df["word2"].str.contains("\r").any()


def test_word_pairs_simlex_ten_column_tsv(fixtures_dir):
    assert b"\r\n" in (fixtures_dir / "simlex_original.txt").read_bytes()
    with _open(fixtures_dir, "simlex_original.txt") as fh:
        df = parsers.parse_word_pairs(fh)
    assert df[["word1", "word2"]].values.tolist() == [["old", "new"], ["smart", "intelligent"], ["wife", "husband"]]
    assert df["score"].tolist() == [1.58, 9.2, 2.3]  # the SimLex999 column, not conc(w1) or Assoc
    assert df["pos"].tolist() == ["A", "A", "N"]


def test_word_pairs_gensim_comment_format(fixtures_dir):
    with _open(fixtures_dir, "gensim_wordsim.tsv") as fh:
        df = parsers.parse_word_pairs(fh)
    assert df[["word1", "word2"]].values.tolist() == [["love", "sex"], ["tiger", "cat"], ["money", "cash"]]
    assert df["score"].tolist() == [6.77, 7.35, 9.15]
    assert df["pos"].tolist() == ["", "", ""]


def test_word_pairs_bad_score_reports_line(tmp_path):
    data = b"Word 1,Word 2,Human (mean)\r\nlove,sex,6.77\r\ntiger,cat,lots\r\nbook,paper,7.46\r\n"
    err = _malformed(parsers.parse_word_pairs, data, tmp_path, "combined.csv")
    assert err.line == 3 and "line 3:" in str(err)


# --- analogies -------------------------------------------------------------------------------------


def test_analogies_sections_and_kinds(fixtures_dir):
    with _open(fixtures_dir, "analogies.txt") as fh:
        df = parsers.parse_analogies(fh)
    assert list(df.columns) == ["section", "kind", "a", "b", "c", "d"]
    assert len(df) == 6
    assert (
        df["section"].tolist()
        == ["capital-common-countries"] * 2 + ["family", "gram1-adjective-to-adverb"] + ["gram9-plural-verbs"] * 2
    )
    assert df["kind"].tolist() == ["semantic"] * 3 + ["syntactic"] * 3
    assert df.iloc[0][["a", "b", "c", "d"]].tolist() == ["Athens", "Greece", "Baghdad", "Iraq"]
    assert df.iloc[-1][["a", "b", "c", "d"]].tolist() == ["eat", "eats", "enhance", "enhances"]


def test_analogies_three_words_reports_line(tmp_path):
    data = b": family\nboy girl brother sister\n\n: gram2-opposite\naware unaware certain\n"
    err = _malformed(parsers.parse_analogies, data, tmp_path, "questions-words.txt")
    assert err.line == 5 and "line 5:" in str(err)


def test_analogies_question_before_any_section_is_rejected():
    with pytest.raises(MalformedRowError) as info:
        parsers.parse_analogies(io.BytesIO(b"boy girl brother sister\n"))
    assert info.value.line == 1
