"""Run a notebook headless: the one runner behind ``make run``, ``make report`` and ``artifacts.require``.

Why: three copies of "start a kernel with nbclient" had three rules for the working folder and only one
of them kept figures. Here there is one rule for each:

* working folder: the notebook's own folder (what Jupyter does when a person opens it);
* kernel environment: ours without ``MPLBACKEND`` (``make test`` sets ``Agg`` for its own process; a kernel
  that inherited it would replace Jupyter's inline backend and an executed copy would have no figures),
  plus any variables the caller sets (``None`` removes one).

    run = execute("notebooks/05_bow_vs_glove_mlp.ipynb", out="executed/quick")
    run.ok, run.seconds, run.error         # the executed notebook is run.notebook

Grading does not come through here: nbgrader's autograde starts its own kernel, with the same environment
rule applied by ``kernel_env`` (see ``tools/course.py``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Run:
    """What one execution gave: whether every cell ran, the wall time, the executed notebook, the error."""

    ok: bool
    seconds: float
    notebook: object
    error: str = ""


def kernel_env(**changes: str | None) -> dict[str, str]:
    """Our environment without ``MPLBACKEND``, with ``changes`` applied (a value of ``None`` removes it)."""
    env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env


def execute(
    path: str | Path, out: str | Path | None = None, timeout: int = 3600, env: dict[str, str | None] | None = None
) -> Run:
    """Run ``path`` top to bottom in its own folder; stop at the first error (``Run.ok`` is then False).

    ``out``: a folder to write the executed copy into (written also when a cell failed, for debugging).
    ``timeout``: seconds per cell. ``env``: variables to set (or, with ``None``, remove) for the kernel.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no notebook at {path}")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.resolve().parent)}}
    )
    start = time.perf_counter()
    error = ""
    try:
        client.execute(env=kernel_env(**(env or {})))
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    run = Run(ok=not error, seconds=time.perf_counter() - start, notebook=nb, error=error)
    if out is not None:
        Path(out).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, Path(out) / path.name)
    return run
