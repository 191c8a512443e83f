"""Tests for labs_utils.artifacts: per-profile paths and regeneration by running a notebook."""

from __future__ import annotations

import nbformat
import pytest

from labs_utils import artifacts


@pytest.fixture
def art_root(tmp_path, monkeypatch):
    monkeypatch.setenv("LABS_ARTIFACTS_DIR", str(tmp_path / "art"))
    monkeypatch.delenv("LABS_PROFILE", raising=False)
    return tmp_path / "art"


def test_paths_are_per_profile(art_root, monkeypatch):
    quick = artifacts.artifact_path("01_word2vec", "vectors.kv")
    monkeypatch.setenv("LABS_PROFILE", "full")
    full = artifacts.artifact_path("01_word2vec", "vectors.kv")
    assert quick == art_root / "quick" / "01_word2vec" / "vectors.kv"
    assert full == art_root / "full" / "01_word2vec" / "vectors.kv"
    assert quick.parent.is_dir() and full.parent.is_dir()


@pytest.mark.parametrize("lab,name", [("../x", "a"), ("lab", "../a"), ("", "a"), ("lab", ".hidden")])
def test_unsafe_names_are_rejected(art_root, lab, name):
    with pytest.raises(ValueError, match="plain file or folder name"):
        artifacts.artifact_path(lab, name)


def test_existing_file_is_returned_without_running(art_root, tmp_path):
    path = artifacts.artifact_path("lab", "out.txt")
    path.write_text("made earlier")
    # the notebook does not exist: it must not be needed
    assert artifacts.require("lab", "out.txt", tmp_path / "missing.ipynb") == path


def test_missing_file_without_regeneration_names_the_notebook(art_root):
    with pytest.raises(artifacts.ArtifactMissing, match="01_word2vec_sgns.ipynb"):
        artifacts.require("lab", "out.txt", "01_word2vec_sgns.ipynb", regenerate=False)


def _notebook(tmp_path, code: str):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    path = tmp_path / "maker.ipynb"
    nbformat.write(nb, path)
    return path


def test_missing_file_is_regenerated_by_the_notebook(art_root, tmp_path):
    maker = _notebook(
        tmp_path,
        "from labs_utils.artifacts import artifact_path\nartifact_path('lab', 'out.txt').write_text('regenerated')",
    )
    path = artifacts.require("lab", "out.txt", maker)
    assert path.read_text() == "regenerated"


def test_notebook_that_does_not_write_the_file_is_an_error(art_root, tmp_path):
    maker = _notebook(tmp_path, "x = 1")
    with pytest.raises(artifacts.ArtifactMissing, match="did not write"):
        artifacts.require("lab", "out.txt", maker)


def test_notebook_that_fails_is_an_error_naming_it(art_root, tmp_path):
    maker = _notebook(tmp_path, "raise RuntimeError('no vectors today')")
    with pytest.raises(artifacts.ArtifactMissing, match="maker.ipynb failed while regenerating(.|\n)*no vectors today"):
        artifacts.require("lab", "out.txt", maker)


def test_nbcode_runs_named_cells_in_order_and_names_missing_ones(tmp_path):
    from labs_utils import nbcode

    def cell(source, grade_id):
        c = nbformat.v4.new_code_cell(source)
        c.metadata["nbgrader"] = {"grade_id": grade_id, "solution": True}
        return c

    nb = nbformat.v4.new_notebook(
        cells=[
            cell("def f(x):\n    return x + offset", "f"),
            cell("assert False, 'a test cell'", "f_test"),
            cell("def g(x):\n    return 2 * f(x)", "g"),
        ]
    )
    path = tmp_path / "lab.ipynb"
    nbformat.write(nb, path)
    ns = nbcode.exec_cells(path, ["f", "g"], prelude="offset = 10")
    assert ns["g"](1) == 22
    with pytest.raises(KeyError, match="nope"):
        nbcode.cell_sources(path, ["f", "nope"])


def test_nbcode_profile_settings_reads_the_notebooks_own_sizes(tmp_path):
    from labs_utils import nbcode

    source = (
        "from labs_utils.runtime import profile\n"
        "x = 1\n"
        "cfg = profile(\n"
        "    quick=dict(epochs=2, corpora=['amazon'], lr=0.025),\n"
        "    full=dict(epochs=3, corpora=['amazon', 'imdb_unsup'], lr=0.025),\n"
        ")\n"
    )
    path = tmp_path / "lab.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_markdown_cell("profile(x)"), nbformat.v4.new_code_cell(source)]
        ),
        path,
    )
    settings = nbcode.profile_settings(path)
    assert settings == {
        "quick": {"epochs": 2, "corpora": ["amazon"], "lr": 0.025},
        "full": {"epochs": 3, "corpora": ["amazon", "imdb_unsup"], "lr": 0.025},
    }
    real = nbcode.profile_settings("01_word2vec_sgns.ipynb")  # the lab the word2vec bench reads
    assert {"epochs", "batch_size", "optimizer"} <= set(real["full"]) and set(real["quick"]) == set(real["full"])
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("cfg = dict(epochs=2)")]), path)
    with pytest.raises(ValueError, match="no profile\\(quick=dict"):
        nbcode.profile_settings(path)
