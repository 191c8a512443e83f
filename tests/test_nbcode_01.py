"""labs_utils.nbcode.profile_settings finds ``runtime.profile(...)`` as well as ``profile(...)`` (lab 01 imports
modules, and bench/word2vec_throughput.py reads its settings)."""

from __future__ import annotations

import nbformat
import pytest

from labs_utils import nbcode


def _lab(tmp_path, source):
    path = tmp_path / "lab.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), path)
    return path


def test_profile_called_through_the_module(tmp_path):
    source = (
        "from labs_utils import runtime\n"
        "cfg = runtime.profile(\n"
        "    quick=dict(epochs=2, corpora=['amazon']),\n"
        "    full=dict(epochs=3, corpora=['amazon', 'imdb_unsup']),\n"
        ")\n"
    )
    settings = nbcode.profile_settings(_lab(tmp_path, source))
    assert settings == {
        "quick": {"epochs": 2, "corpora": ["amazon"]},
        "full": {"epochs": 3, "corpora": ["amazon", "imdb_unsup"]},
    }


def test_another_attribute_named_differently_is_not_a_profile(tmp_path):
    source = "cfg = runtime.settings(quick=dict(epochs=2), full=dict(epochs=3))\n"
    with pytest.raises(ValueError, match="no profile\\(quick=dict"):
        nbcode.profile_settings(_lab(tmp_path, source))
