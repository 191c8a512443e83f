"""Files one lab makes and a later lab reads (e.g. lab 01's word vectors, used by lab 02).

Why: a notebook must run alone. ``artifact_path`` is where a lab saves and a later lab
looks; lab 02 checks it and falls back to GloVe when lab 01 has not run (in a student's
copy, lab 01 may be unfinished, so it is never run implicitly). ``require`` is for files
an instructor's pipeline may regenerate: it executes the notebook that makes them
(headless, same profile) instead of failing or silently training something else.

    path = artifact_path("01_word2vec", "sgns_vectors.kv")           # where lab 01 saves
    path = require("01_word2vec", "sgns_vectors.kv", "01_word2vec_sgns.ipynb")  # make it if missing

Files live in ``$LABS_ARTIFACTS_DIR`` or ``<repo>/artifacts`` (git-ignored), one folder per
profile, so a quick run never overwrites (or stands in for) a full run's vectors.
"""

from __future__ import annotations

import os
from pathlib import Path

from .datasets import REPO_ROOT
from .runtime import current_profile

NOTEBOOKS = REPO_ROOT / "notebooks"


class ArtifactMissing(FileNotFoundError):
    """A lab's output is missing and could not be regenerated."""


def artifacts_dir() -> Path:
    """``LABS_ARTIFACTS_DIR`` or ``<repo>/artifacts``, then the active profile's folder."""
    root = Path(os.environ.get("LABS_ARTIFACTS_DIR") or REPO_ROOT / "artifacts")
    return root / current_profile()


def artifact_path(lab: str, name: str) -> Path:
    """Where ``lab`` keeps its file ``name`` in this profile (the folder is created)."""
    for part, what in ((lab, "lab"), (name, "name")):
        if not part or "/" in part or "\\" in part or part.startswith("."):
            raise ValueError(f"artifact {what} must be a plain file or folder name, got {part!r}")
    folder = artifacts_dir() / lab
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def notebook_path(notebook: str | Path) -> Path:
    """``notebook`` as given if that file exists (or the path is absolute), else ``notebooks/<notebook>``."""
    path = Path(notebook)
    return path if path.is_absolute() or path.exists() else NOTEBOOKS / path


def run_notebook(notebook: str | Path, timeout: int = 3600) -> float:
    """Execute a notebook headless in the current profile (outputs are discarded); return seconds."""
    from .notebooks import execute

    path = notebook_path(notebook)
    if not path.exists():
        raise ArtifactMissing(f"notebook {path} does not exist, so it cannot regenerate its outputs")
    run = execute(path, timeout=timeout)
    if not run.ok:
        raise ArtifactMissing(f"{path.name} failed while regenerating its outputs:\n{run.error[-2000:]}")
    return run.seconds


def require(lab: str, name: str, notebook: str | Path, regenerate: bool = True) -> Path:
    """Path of ``lab``'s file ``name``; if it is missing, run ``notebook`` to make it first."""
    path = artifact_path(lab, name)
    if path.exists():
        return path
    if not regenerate:
        raise ArtifactMissing(f"{path} is missing: run notebooks/{notebook} (profile {current_profile()}) first")
    print(f"{path.name} is missing; running {notebook} (profile {current_profile()}) to make it ...", flush=True)
    seconds = run_notebook(notebook)
    if not path.exists():
        raise ArtifactMissing(f"{notebook} ran ({seconds:.0f} s) but did not write {path}")
    print(f"... done in {seconds:.0f} s", flush=True)
    return path
