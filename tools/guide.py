"""Keep the instructor guide's results tables in step with run snapshots (``python -m tools.guide``).

The guide, ``docs/instructors/``, has one page per lab (``NN_<lab>.md``). Between ``<!-- results:begin -->`` and
``<!-- results:end -->`` a page holds a table generated from that lab's snapshots,
``docs/instructors/runs/<profile>/<lab>.json``: copies of what ``labs_utils.results.record`` wrote to
``results/<lab>.json`` (metrics, profile, device, date, seconds, library versions). The guide's ``README.md`` holds,
between ``<!-- index:begin -->`` and ``<!-- index:end -->``, one row per lab saying which snapshots exist.

Why: numbers in a guide that are typed by hand drift from the runs they describe. Here they are generated, and
``--check`` (run by the tests) fails as soon as a page no longer matches its snapshots.

    python -m tools.guide                       regenerate every generated block
    python -m tools.guide --snapshot results/   copy a run's results/*.json into runs/<profile>/, then regenerate
                        [--commit SHA]          (the commit the run came from, if not this checkout's HEAD)
    python -m tools.guide --check               exit 1 if a generated block differs from what the snapshots give

A snapshot is matched to its page by the two-digit lab number (``results/01_word2vec.json`` belongs to
``01_word2vec_sgns.md``). Errors (bad JSON, a missing key, a page without markers) name the file and the fix and
exit 2.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE_DIR = ROOT / "docs" / "instructors"
PROFILES = ("full", "quick")  # the order in which a page shows them
RESULTS = ("<!-- results:begin -->", "<!-- results:end -->")
INDEX = ("<!-- index:begin -->", "<!-- index:end -->")
PAGE_NAME = re.compile(r"^(\d\d)_[A-Za-z0-9_]+\.md$")
REQUIRED = {"lab": str, "profile": str, "metrics": dict}


class GuideError(Exception):
    """A snapshot or page the generator cannot use; the message names the file and the fix."""


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def load_snapshot(path: Path) -> dict:
    """Read one results JSON and check it has what the tables need (``lab``, ``profile``, ``metrics``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise GuideError(
            f"{_rel(path)} is not valid JSON ({err}); copy it again from results/ with "
            f"`python -m tools.guide --snapshot results/`"
        ) from None
    if not isinstance(data, dict):
        raise GuideError(f"{_rel(path)} holds a {type(data).__name__}, not the object labs_utils.results.record writes")
    for key, kind in REQUIRED.items():
        if not isinstance(data.get(key), kind):
            raise GuideError(
                f"{_rel(path)} lacks {key!r} (a {kind.__name__}); it is not a file written by labs_utils.results.record"
            )
    if data["profile"] not in PROFILES:
        raise GuideError(f"{_rel(path)} has profile {data['profile']!r}; the guide keeps {' and '.join(PROFILES)}")
    if not re.match(r"^\d\d_", data["lab"]):
        raise GuideError(f"{_rel(path)}: lab {data['lab']!r} does not start with a two-digit lab number")
    return data


def pages(guide_dir: Path) -> dict[str, Path]:
    """Lab number -> page (``NN_<lab>.md`` in the guide folder)."""
    found: dict[str, Path] = {}
    for path in sorted(guide_dir.glob("*.md")):
        match = PAGE_NAME.match(path.name)
        if not match:
            continue
        if match.group(1) in found:
            raise GuideError(
                f"two pages for lab {match.group(1)}: {found[match.group(1)].name} and {path.name}; keep one"
            )
        found[match.group(1)] = path
    return found


def snapshots(guide_dir: Path) -> dict[tuple[str, str], dict]:
    """(profile, lab number) -> snapshot data, from ``runs/<profile>/*.json``; checks folder and name agree."""
    found: dict[tuple[str, str], dict] = {}
    runs = guide_dir / "runs"
    for folder in sorted(p for p in runs.glob("*") if p.is_dir()):
        if folder.name not in PROFILES:
            raise GuideError(f"{_rel(folder)}: unknown profile folder; use runs/quick or runs/full")
        for path in sorted(folder.glob("*.json")):
            data = load_snapshot(path)
            if data["profile"] != folder.name:
                raise GuideError(
                    f"{_rel(path)} is a {data['profile']}-profile run in runs/{folder.name}/; "
                    f"move it to runs/{data['profile']}/"
                )
            if data["lab"] != path.stem:
                raise GuideError(f"{_rel(path)} records lab {data['lab']!r}; name the file {data['lab']}.json")
            key = (folder.name, path.stem[:2])
            if key in found:
                raise GuideError(
                    f"runs/{folder.name}/ has two snapshots for lab {key[1]}: "
                    f"{found[key]['lab']}.json and {path.name}; keep one"
                )
            found[key] = data
    return found


def _fmt(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _run_line(data: dict) -> str:
    seconds = data.get("seconds")
    took = "seconds not recorded" if seconds is None else f"{seconds:,.0f} s ({seconds / 60:.1f} min)"
    device = data.get("device", "?")
    name = data.get("device_name") or device
    versions = ", ".join(f"{k} {v}" for k, v in (data.get("versions") or {}).items())
    line = (
        f"Profile **{data['profile']}**, lab `{data['lab']}`, on `{device}` ({name}), written "
        f"{data.get('written', 'at an unknown time')}, {took}."
    )
    if versions:
        line += f" Versions: {versions}."
    snap = data.get("snapshot") or {}
    if snap:
        commit = snap.get("commit") or "unknown"
        extra = " with local changes to notebooks/ or labs_utils/" if snap.get("local_changes") else ""
        line += f" Snapshot taken {snap.get('taken', '?')} from the repository at commit `{commit}`{extra}."
    if data.get("notes"):
        line += f" Notes: {_fmt(data['notes'])}"
    return line


def render_results(number: str, snaps: dict[tuple[str, str], dict]) -> str:
    """The generated block of lab ``number``'s page (without the markers)."""
    lines = ["<!-- generated by `python -m tools.guide` from docs/instructors/runs/: do not edit by hand -->", ""]
    for profile in PROFILES:
        data = snaps.get((profile, number))
        lines += [f"**{profile.capitalize()} profile**", ""]
        if data is None:
            lines += [
                f"No {profile}-profile snapshot in `runs/{profile}/` yet. After a run "
                f"(`make run PROFILE={profile}`), `python -m tools.guide --snapshot results/` adds one.",
                "",
            ]
            continue
        lines += [_run_line(data), "", "| metric | value |", "|---|---|"]
        lines += [f"| `{key}` | {_fmt(value)} |" for key, value in data["metrics"].items()]
        lines.append("")
    return "\n".join(lines)


def _title(page: Path) -> str:
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return page.stem


def render_index(found_pages: dict[str, Path], snaps: dict[tuple[str, str], dict]) -> str:
    """The generated block of the guide's README: one row per lab page, with its snapshots."""

    def cell(data):
        if data is None:
            return "none yet"
        seconds = data.get("seconds")
        took = "" if seconds is None else f", {seconds:,.0f} s"
        commit = (data.get("snapshot") or {}).get("commit")
        where = f", `{commit}`" if commit else ""
        return f"{str(data.get('written', '?'))[:10]}, {data.get('device', '?')}{took}{where}"

    lines = [
        "<!-- generated by `python -m tools.guide` from docs/instructors/runs/: do not edit by hand -->",
        "",
        "| lab | page | full-profile snapshot | quick-profile snapshot |",
        "|---|---|---|---|",
    ]
    for number, page in sorted(found_pages.items()):
        lines.append(
            f"| {_title(page)} | [{page.name}]({page.name}) | {cell(snaps.get(('full', number)))} | "
            f"{cell(snaps.get(('quick', number)))} |"
        )
    return "\n".join(lines) + "\n"


def replace_block(text: str, markers: tuple[str, str], body: str, path: Path) -> str:
    """``text`` with everything between the two markers replaced by ``body``."""
    begin, end = markers
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        raise GuideError(
            f"{_rel(path)} must hold {begin} and then {end}, once each; add them where the generated table belongs"
        )
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    return f"{head}{begin}\n{body.rstrip()}\n{end}{tail}"


def regenerate(guide_dir: Path = GUIDE_DIR, write: bool = True) -> list[Path]:
    """Rewrite every generated block; return the files whose text changed (with ``write=False``: would change)."""
    found_pages, snaps = pages(guide_dir), snapshots(guide_dir)
    for profile, number in sorted(snaps):
        if number not in found_pages:
            raise GuideError(
                f"runs/{profile}/{snaps[profile, number]['lab']}.json has no page "
                f"{_rel(guide_dir)}/{number}_<lab>.md; add the page or remove the snapshot"
            )
    targets = {page: (RESULTS, render_results(number, snaps)) for number, page in found_pages.items()}
    readme = guide_dir / "README.md"
    if readme.exists():
        targets[readme] = (INDEX, render_index(found_pages, snaps))
    changed = []
    for path, (markers, body) in targets.items():
        old = path.read_text(encoding="utf-8")
        new = replace_block(old, markers, body, path)
        if new != old:
            changed.append(path)
            if write:
                path.write_text(new, encoding="utf-8")
    return changed


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def snapshot(sources: list[Path], guide_dir: Path = GUIDE_DIR, commit: str | None = None) -> list[Path]:
    """Copy results JSONs (files, or folders of them) into ``runs/<profile>/``, marked with the commit; regenerate.

    ``commit``: the commit the run was made from, when that was another checkout (default: this one's HEAD,
    noting uncommitted changes to ``notebooks/`` or ``labs_utils/``). Every file is checked before any is
    copied, so a bad file leaves the snapshots as they were.
    """
    files = []
    for source in sources:
        if source.is_dir():
            files += sorted(source.glob("*.json"))
        elif source.is_file():
            files.append(source)
        else:
            raise GuideError(f"{source} does not exist; pass the folder a run wrote (results/) or its .json files")
    if not files:
        raise GuideError(
            f"no .json files in {', '.join(map(str, sources))}; run the notebooks first "
            f"(`make run PROFILE=full`), which write results/<lab>.json"
        )
    loaded = [(path, load_snapshot(path)) for path in files]
    numbers = pages(guide_dir)
    for path, data in loaded:
        if data["lab"][:2] not in numbers:
            raise GuideError(f"{path}: lab {data['lab']!r} has no page {_rel(guide_dir)}/{data['lab'][:2]}_<lab>.md")
    if commit:
        mark = {"commit": commit, "local_changes": None}
    else:
        status = _git("status", "--porcelain", "--", "notebooks", "labs_utils")
        mark = {"commit": _git("rev-parse", "--short=12", "HEAD"), "local_changes": bool(status)}
    mark = {"taken": datetime.now(timezone.utc).isoformat(timespec="seconds"), **mark}
    written = []
    for _path, data in loaded:
        target = guide_dir / "runs" / data["profile"] / f"{data['lab']}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob(f"{data['lab'][:2]}_*.json"):
            if old != target:
                old.unlink()  # the lab was renamed: one snapshot per lab and profile
        target.write_text(json.dumps({**data, "snapshot": mark}, indent=2) + "\n", encoding="utf-8")
        written.append(target)
    regenerate(guide_dir)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.guide", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--snapshot",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="results folder (or .json files) of a run to copy into the guide's runs/<profile>/",
    )
    parser.add_argument("--commit", help="with --snapshot: the commit the run was made from, if not this checkout's")
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated block is out of date")
    parser.add_argument("--guide-dir", type=Path, default=GUIDE_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        if args.check:
            stale = regenerate(args.guide_dir, write=False)
            for path in stale:
                print(f"out of date: {_rel(path)}", file=sys.stderr)
            if stale:
                print("regenerate with `python -m tools.guide`", file=sys.stderr)
                return 1
            print("guide: every generated block matches the snapshots")
            return 0
        if args.snapshot:
            for path in snapshot(args.snapshot, args.guide_dir, args.commit):
                print(f"snapshot: {_rel(path)}")
            print("guide: pages regenerated from the snapshots")
            return 0
        changed = regenerate(args.guide_dir)
        print(f"guide: {len(changed)} file(s) rewritten" if changed else "guide: up to date")
        return 0
    except GuideError as err:
        print(f"guide: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
