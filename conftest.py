"""Repository-wide pytest hooks for ``make test``.

* Under pytest-xdist, every notebook's cells form one group, so a notebook runs whole, in
  order, in one kernel on one worker; labs 01-03 share a group because 02 and 03 read the word vectors 01 writes.
  Each test module is a group of its own (module-scoped fixtures are built once).
* After a run that includes notebooks, print how long each notebook took under nbval, so the test budget is
  visible per notebook, not per cell.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

# notebooks that must run on one worker, in this order: a later one reads what an earlier one writes
SHARED_GROUPS = {"01": "labs-01-03", "02": "labs-01-03", "03": "labs-01-03"}

_NOTEBOOK_SECONDS: dict[str, float] = defaultdict(float)


def xdist_group(nodeid: str) -> str:
    """The worker group of a test: its notebook (or the shared group of labs 01-03), else its file."""
    path = nodeid.split("::", 1)[0]
    name = Path(path).name
    if path.endswith(".ipynb"):
        return SHARED_GROUPS.get(name[:2], name)
    return path


def pytest_xdist_make_scheduler(config, log):
    """xdist's scheduler by scope, with our scopes (``--dist loadgroup`` ignores marks set here: xdist 3.8 on
    pytest 9 ran one group's tests on two workers)."""
    from xdist.scheduler import LoadScopeScheduling

    class ByNotebookScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group(nodeid)

    return ByNotebookScheduling(config, log)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        _NOTEBOOK_SECONDS[path] += report.duration  # setup + call + teardown of every cell


def pytest_terminal_summary(terminalreporter):
    if not _NOTEBOOK_SECONDS:
        return
    terminalreporter.section("seconds per notebook (nbval)")
    for path, seconds in sorted(_NOTEBOOK_SECONDS.items()):
        terminalreporter.write_line(f"{seconds:8.1f} s  {path}")
    terminalreporter.write_line(f"{sum(_NOTEBOOK_SECONDS.values()):8.1f} s  all notebooks")
