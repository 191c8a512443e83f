"""Tests for tools.guide (the instructor guide's generated results tables) and for the guide itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools import guide

ROOT = Path(__file__).resolve().parents[1]
PAGE = (
    "# {title}\n\nText an instructor wrote.\n\n## Results\n\n<!-- results:begin -->\n<!-- results:end -->\n\n"
    "## History\n\nMore text.\n"
)


def run_json(lab: str, profile: str, metrics: dict, seconds=1234.5) -> dict:
    """A results file in the format labs_utils.results.record writes."""
    return {
        "lab": lab,
        "profile": profile,
        "device": "cpu",
        "device_name": "cpu",
        "seconds": seconds,
        "metrics": metrics,
        "versions": {"python": "3.11.7", "torch": "2.13.0+cpu"},
        "written": "2026-11-26T01:41:45+00:00",
        "notes": "",
    }


@pytest.fixture
def guide_dir(tmp_path):
    folder = tmp_path / "instructors"
    folder.mkdir()
    (folder / "README.md").write_text("# Guide\n\n<!-- index:begin -->\n<!-- index:end -->\n")
    (folder / "01_word2vec_sgns.md").write_text(PAGE.format(title="01 · word2vec"))
    (folder / "02_attention_classifier.md").write_text(PAGE.format(title="02 · attention"))
    runs = folder / "runs" / "full"
    runs.mkdir(parents=True)
    (runs / "01_word2vec.json").write_text(
        json.dumps(
            run_json("01_word2vec", "full", {"ours_wordsim": 0.33012, "vocab": 45726, "best": "gensim | 4 epochs"})
        )
    )
    return folder


def block(path: Path) -> str:
    text = path.read_text()
    return text.split("<!-- results:begin -->")[1].split("<!-- results:end -->")[0]


def test_table_is_generated_from_the_snapshot(guide_dir):
    changed = guide.regenerate(guide_dir)
    assert guide_dir / "01_word2vec_sgns.md" in changed
    text = block(guide_dir / "01_word2vec_sgns.md")
    assert "| `ours_wordsim` | 0.3301 |" in text
    assert "| `vocab` | 45,726 |" in text
    assert "| `best` | gensim \\| 4 epochs |" in text  # a pipe in a string cannot break the table
    assert "Profile **full**" in text and "`cpu`" in text and "2026-11-26T01:41:45" in text
    assert "1,234 s (20.6 min)" in text and "torch 2.13.0+cpu" in text
    # the text outside the markers is the instructor's and stays as it was
    page = (guide_dir / "01_word2vec_sgns.md").read_text()
    assert page.startswith("# 01 · word2vec\n\nText an instructor wrote.") and page.endswith("More text.\n")


def test_a_lab_without_a_snapshot_says_so(guide_dir):
    guide.regenerate(guide_dir)
    text = block(guide_dir / "02_attention_classifier.md")
    assert "No full-profile snapshot" in text and "No quick-profile snapshot" in text
    assert "| metric |" not in text
    assert "No quick-profile snapshot" in block(guide_dir / "01_word2vec_sgns.md")


def test_index_lists_every_page_and_its_snapshots(guide_dir):
    guide.regenerate(guide_dir)
    index = (guide_dir / "README.md").read_text()
    assert (
        "| 01 · word2vec | [01_word2vec_sgns.md](01_word2vec_sgns.md) | 2026-11-26, cpu, 1,234 s | none yet |" in index
    )
    assert (
        "| 02 · attention | [02_attention_classifier.md](02_attention_classifier.md) | none yet | none yet |" in index
    )


def test_check_fails_on_a_stale_page_and_passes_after_regeneration(guide_dir, capsys):
    assert guide.main(["--check", "--guide-dir", str(guide_dir)]) == 1  # blocks still empty
    assert guide.main(["--guide-dir", str(guide_dir)]) == 0
    assert guide.main(["--check", "--guide-dir", str(guide_dir)]) == 0
    # a new run changes a number: the page is stale until regenerated
    snap = guide_dir / "runs" / "full" / "01_word2vec.json"
    snap.write_text(json.dumps(run_json("01_word2vec", "full", {"ours_wordsim": 0.41})))
    capsys.readouterr()
    assert guide.main(["--check", "--guide-dir", str(guide_dir)]) == 1
    err = capsys.readouterr().err
    assert "01_word2vec_sgns.md" in err and "02_attention" not in err
    guide.regenerate(guide_dir)
    assert guide.main(["--check", "--guide-dir", str(guide_dir)]) == 0
    # a hand edit inside the generated block is caught too
    page = guide_dir / "01_word2vec_sgns.md"
    page.write_text(page.read_text().replace("0.41", "0.45"))
    assert guide.main(["--check", "--guide-dir", str(guide_dir)]) == 1


def test_snapshot_copies_each_run_to_its_profile(guide_dir, tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "02_attention_classifier.json").write_text(
        json.dumps(run_json("02_attention_classifier", "quick", {"imdb_attention_f1_mean": 0.6925}))
    )
    (results / "01_word2vec.json").write_text(json.dumps(run_json("01_word2vec", "full", {"ours_wordsim": 0.5})))
    (results / "01_word2vec.json.tmp").write_text("half-written")  # record's temporary file is not a result
    assert guide.main(["--snapshot", str(results), "--guide-dir", str(guide_dir)]) == 0
    copied = json.loads((guide_dir / "runs" / "quick" / "02_attention_classifier.json").read_text())
    assert copied["metrics"] == {"imdb_attention_f1_mean": 0.6925}
    assert set(copied["snapshot"]) == {"taken", "commit", "local_changes"}
    assert "| `imdb_attention_f1_mean` | 0.6925 |" in block(guide_dir / "02_attention_classifier.md")
    assert "| `ours_wordsim` | 0.5 |" in block(guide_dir / "01_word2vec_sgns.md")  # replaced the old run
    assert "Snapshot taken" in block(guide_dir / "01_word2vec_sgns.md")
    assert guide.main(["--check", "--guide-dir", str(guide_dir)]) == 0


def test_snapshot_from_another_checkout_names_its_commit(guide_dir, tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "01_word2vec.json").write_text(json.dumps(run_json("01_word2vec", "quick", {"ours_wordsim": 0.26})))
    assert guide.main(["--snapshot", str(results), "--commit", "d09c495", "--guide-dir", str(guide_dir)]) == 0
    copied = json.loads((guide_dir / "runs" / "quick" / "01_word2vec.json").read_text())
    assert copied["snapshot"]["commit"] == "d09c495" and copied["snapshot"]["local_changes"] is None
    text = block(guide_dir / "01_word2vec_sgns.md")
    assert "at commit `d09c495`." in text and "local changes" not in text
    assert "| 2026-11-26, cpu, 1,234 s, `d09c495` |" in (guide_dir / "README.md").read_text()


def test_malformed_json_names_the_file(guide_dir, capsys):
    bad = guide_dir / "runs" / "full" / "01_word2vec.json"
    bad.write_text('{"lab": "01_word2vec", "profile": ')
    with pytest.raises(guide.GuideError, match=r"01_word2vec\.json is not valid JSON"):
        guide.regenerate(guide_dir)
    assert guide.main(["--check", "--guide-dir", str(guide_dir)]) == 2
    assert "01_word2vec.json is not valid JSON" in capsys.readouterr().err


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda d: d.pop("metrics"), r"01_word2vec\.json lacks 'metrics'"),
        (lambda d: d.update(profile="medium"), r"profile 'medium'"),
        (lambda d: d.update(profile="quick"), r"quick-profile run in runs/full/; move it to runs/quick/"),
        (lambda d: d.update(lab="01_other"), r"records lab '01_other'; name the file 01_other\.json"),
    ],
)
def test_wrong_contents_are_named(guide_dir, change, message):
    path = guide_dir / "runs" / "full" / "01_word2vec.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    with pytest.raises(guide.GuideError, match=message):
        guide.regenerate(guide_dir)


def test_a_bad_file_leaves_the_snapshots_untouched(guide_dir, tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "01_word2vec.json").write_text(json.dumps(run_json("01_word2vec", "full", {"ours_wordsim": 0.9})))
    (results / "02_attention_classifier.json").write_text("[1, 2]")
    with pytest.raises(guide.GuideError, match=r"02_attention_classifier\.json holds a list"):
        guide.snapshot([results], guide_dir)
    kept = json.loads((guide_dir / "runs" / "full" / "01_word2vec.json").read_text())
    assert kept["metrics"]["ours_wordsim"] == 0.33012


def test_a_snapshot_without_a_page_and_a_page_without_markers_are_errors(guide_dir, tmp_path):
    orphan = guide_dir / "runs" / "full" / "07_new_lab.json"
    orphan.write_text(json.dumps(run_json("07_new_lab", "full", {"x": 1})))
    with pytest.raises(guide.GuideError, match=r"07_new_lab\.json has no page"):
        guide.regenerate(guide_dir)
    orphan.unlink()
    (guide_dir / "02_attention_classifier.md").write_text("# 02\n\nno markers here\n")
    with pytest.raises(guide.GuideError, match=r"02_attention_classifier\.md must hold <!-- results:begin -->"):
        guide.regenerate(guide_dir)
    with pytest.raises(guide.GuideError, match="does not exist"):
        guide.snapshot([tmp_path / "nowhere"], guide_dir)


# --- the guide in this repository ---

LAB_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REAL_GUIDE = ROOT / "docs" / "instructors"


def test_the_repository_has_lab_notebooks():
    assert len(LAB_NOTEBOOKS) >= 7


@pytest.mark.parametrize("notebook", LAB_NOTEBOOKS, ids=lambda p: p.stem)
def test_every_lab_notebook_has_a_guide_page(notebook):
    page = REAL_GUIDE / f"{notebook.stem}.md"
    assert page.is_file(), f"the instructor guide has no page {page.relative_to(ROOT)} for {notebook.name}"
    text = page.read_text(encoding="utf-8")
    assert text.count("<!-- results:begin -->") == 1 and text.count("<!-- results:end -->") == 1
    assert f"[{page.name}]({page.name})" in (REAL_GUIDE / "README.md").read_text(encoding="utf-8")


def test_the_guide_is_in_step_with_its_snapshots():
    stale = guide.regenerate(REAL_GUIDE, write=False)
    assert not stale, f"out of date: {[p.name for p in stale]}; run `python -m tools.guide`"


def test_nothing_under_docs_points_outside_the_repository():
    files = [p for p in (ROOT / "docs").rglob("*") if p.is_file()]
    assert files, "docs/ is empty"
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for needle in ("../shared", "shared/"):
            assert needle not in text, f"{path.relative_to(ROOT)} mentions {needle!r}: a user's clone lacks it"
