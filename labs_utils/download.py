"""Verified downloads and safe archives.

Why: a truncated or tampered download must fail loudly and leave nothing behind, and an
archive must never write outside the folder it is extracted to.

* ``sha256_file`` hashes a file in chunks.
* ``download`` streams a URL to a temporary file beside the target, shows a progress bar,
  checks the length and sha256, then renames it into place (atomic on one filesystem).
* ``check_member_name`` rejects archive members with absolute paths or ``..`` parts;
  ``extract_archive`` applies it to every member of a tar or zip before writing anything.
"""

from __future__ import annotations

import hashlib
import os
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

from tqdm.auto import tqdm

CHUNK = 1 << 20


class ChecksumError(RuntimeError):
    """A file's sha256 is not the one the registry expects."""


class DownloadError(RuntimeError):
    """A download failed (network, HTTP status or truncated body)."""


class UnsafeArchiveError(ValueError):
    """An archive member would be written outside the extraction folder."""


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def download(url: str, dest: str | os.PathLike, sha256: str, timeout: float = 30.0, progress: bool = True) -> Path:
    """Download ``url`` to ``dest`` and verify it; return ``dest``.

    The body goes to a temporary file in ``dest``'s folder and is renamed into place only
    when its length matches ``Content-Length`` (if sent) and its sha256 equals ``sha256``.
    On any failure the temporary file is removed and ``DownloadError``/``ChecksumError``
    is raised, so a later run never sees a partial file.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    received = 0
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "labs_utils/0.1"})
        try:
            response = urllib.request.urlopen(request, timeout=timeout)
        except (urllib.error.URLError, OSError) as exc:
            raise DownloadError(f"could not fetch {url}: {exc}") from exc
        with response, os.fdopen(fd, "wb") as out:
            expected = response.headers.get("Content-Length")
            expected = int(expected) if expected and expected.isdigit() else None
            bar = tqdm(total=expected, unit="B", unit_scale=True, desc=dest.name, disable=not progress, leave=False)
            try:
                while True:
                    try:
                        block = response.read(CHUNK)
                    except Exception as exc:  # http.client.IncompleteRead, socket errors
                        raise DownloadError(f"download of {url} broke off after {received} bytes: {exc}") from exc
                    if not block:
                        break
                    out.write(block)
                    digest.update(block)
                    received += len(block)
                    bar.update(len(block))
            finally:
                bar.close()
        if expected is not None and received != expected:
            raise DownloadError(f"download of {url} is truncated: got {received} of {expected} bytes; try again")
        actual = digest.hexdigest()
        if actual != sha256:
            raise ChecksumError(
                f"sha256 mismatch for {url}: expected {sha256}, got {actual}. The file was not "
                "kept; the server may have changed it or the transfer was corrupted."
            )
        os.replace(tmp, dest)
        return dest
    finally:
        if tmp.exists():
            tmp.unlink()


def check_member_name(name: str, archive: str | os.PathLike = "archive") -> str:
    """Return ``name`` if it is a safe relative path inside an archive, else raise."""
    normalised = name.replace("\\", "/")
    parts = PurePosixPath(normalised).parts
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":") or ".." in parts:
        raise UnsafeArchiveError(
            f"{archive}: member {name!r} has an absolute path or '..'; refusing to read or "
            "extract it. Get the archive from its canonical URL."
        )
    return name


def extract_archive(archive: str | os.PathLike, dest: str | os.PathLike) -> Path:
    """Extract a .tar(.gz) or .zip into ``dest`` after checking every member's path.

    Links and device files in tars are refused too; nothing is written if any member
    is unsafe.
    """
    archive, dest = Path(archive), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                check_member_name(info.filename, archive)
            zf.extractall(dest)
        return dest
    with tarfile.open(archive) as tf:
        members = tf.getmembers()
        for member in members:
            check_member_name(member.name, archive)
            if not (member.isfile() or member.isdir()):
                raise UnsafeArchiveError(f"{archive}: member {member.name!r} is a link or special file; refusing it")
        tf.extractall(dest, members=members, filter="data")
    return dest
