"""Shared fixtures for the data-layer tests (download, parsers, datasets).

* ``isolated``: LABS_CACHE_DIR -> tmp_path/"cache", LABS_DATA_DIR unset (``stage()`` points it
  at tmp_path/"staged"), LABS_OFFLINE=1; helpers to stage files and to register
  fixture-backed datasets in ``datasets.REGISTRY`` (undone after the test).
* ``http_server``: a real HTTP server on 127.0.0.1 only, in a thread, serving in-memory
  routes; it counts requests, answers at most ``MAX_REQUESTS`` and is shut down after the test.
* ``build_imdb_tar``: writes a tiny aclImdb-layout tar.gz (reviews + non-review members).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import socket
import struct
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from labs_utils import datasets

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


# --- isolated environment + registry helpers ------------------------------------------------


class Lab:
    """Paths of one isolated test environment and helpers that act on it."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        self.tmp = tmp_path
        self.cache = tmp_path / "cache"
        self.staged = tmp_path / "staged"
        self._mp = monkeypatch

    def stage(self, rel: str, data: bytes) -> Path:
        """Write ``data`` at staged/<rel> and point LABS_DATA_DIR at the staged folder."""
        path = self.staged / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self._mp.setenv("LABS_DATA_DIR", str(self.staged))
        return path

    def online(self) -> None:
        self._mp.delenv("LABS_OFFLINE", raising=False)

    @staticmethod
    def source(rel: str, data: bytes, urls=(), **kw) -> datasets.Source:
        """A registry Source for ``data`` whose sha256 is the data's real sha256."""
        return datasets.Source(rel, sha256_bytes(data), tuple(urls), **kw)

    def register(self, name: str, files: dict, based_on: str | None = None, **changes) -> datasets.Dataset:
        """Put a copy of the real entry ``based_on`` (default ``name``) with other files in REGISTRY."""
        base = datasets.REGISTRY[based_on or name]
        files = {split: (srcs if isinstance(srcs, tuple) else (srcs,)) for split, srcs in files.items()}
        entry = dataclasses.replace(base, name=name, files=files, **changes)
        self._mp.setitem(datasets.REGISTRY, name, entry)
        return entry

    def parsed_files(self) -> list[Path]:
        folder = self.cache / "parsed"
        return sorted(folder.glob("*.parquet")) if folder.exists() else []


@pytest.fixture
def isolated(tmp_path, monkeypatch) -> Lab:
    monkeypatch.setenv("LABS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("LABS_DATA_DIR", raising=False)
    monkeypatch.setenv("LABS_OFFLINE", "1")
    # forget sha256s hashed by earlier tests (the memo is keyed by path, size and mtime)
    monkeypatch.setattr(datasets, "_HASHED", {}, raising=False)
    return Lab(tmp_path, monkeypatch)


# --- loopback HTTP server --------------------------------------------------------------------

MAX_REQUESTS = 50


class _Handler(BaseHTTPRequestHandler):
    timeout = 5  # a stuck client cannot hold a handler thread for long

    def do_GET(self):  # noqa: N802 (http.server's naming)
        server = self.server
        with server.lock:
            server.requests.append(self.path)
            too_many = len(server.requests) > MAX_REQUESTS
        route = server.routes.get(self.path)
        if too_many or route is None:
            self.send_error(503 if too_many else 404)
            return
        body, mode = route
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if mode in ("truncate", "reset"):
            # announce more than is sent, then close the connection (reset: abort it with a TCP RST)
            self.send_header("Content-Length", str(len(body) + 1000))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            if mode == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.wfile = io.BytesIO()  # finish() has nothing left to flush
            return
        if mode != "nolength":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep pytest output clean
        pass


class LoopbackServer:
    def __init__(self, httpd: ThreadingHTTPServer):
        self._httpd = httpd
        host, port = httpd.server_address[:2]
        self.base = f"http://{host}:{port}"

    @property
    def requests(self) -> list[str]:
        return list(self._httpd.requests)

    def serve(self, path: str, body: bytes, mode: str = "ok") -> str:
        """Serve ``body`` at ``path``; mode ok | nolength | truncate | reset. Returns the URL."""
        self._httpd.routes[path] = (body, mode)
        return self.base + path


@pytest.fixture
def http_server(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.routes, httpd.requests, httpd.lock = {}, [], threading.Lock()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield LoopbackServer(httpd)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
    assert not thread.is_alive()


@pytest.fixture
def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing-here"


# --- tiny aclImdb tarball ----------------------------------------------------------------------

# aclImdb layout: <split>/<pos|neg|unsup>/<id>_<rating>.txt, no trailing newline, literal <br />
IMDB_REVIEWS = {
    "aclImdb/test/neg/0_2.txt": "Once again Mr. Costner has dragged out a movie.<br /><br />Worst film ever.",
    "aclImdb/test/pos/0_10.txt": "I went and saw this movie last night.<br />Great acting.",
    "aclImdb/test/pos/12_8.txt": "Actor turned director Bill Paxton follows up his promising debut.",
    "aclImdb/train/neg/0_3.txt": "Story of a man who has unnatural feelings for a pig.",
    "aclImdb/train/neg/10_1.txt": "Airport '77 starts as a brand new luxury 747 plane is loaded up.",
    "aclImdb/train/pos/0_9.txt": "Bromwell High is a cartoon comedy.<br /><br />It ran at the same time.",
    "aclImdb/train/pos/1_7.txt": "Homelessness (or Houselessness as George Carlin stated) has been an issue.",
    "aclImdb/train/unsup/0_0.txt": "I admit, the great majority of films before 1933 are not for me.<BR>Of the dozen.",
}
IMDB_OTHER = {
    "aclImdb/imdb.vocab": "the\nand\na\nof\n",
    "aclImdb/imdbEr.txt": "0.0490972013402\n0.201363575849\n",
    "aclImdb/train/urls_pos.txt": "http://www.imdb.com/title/tt0453418/usercomments\n",
    "aclImdb/test/urls_neg.txt": "http://www.imdb.com/title/tt0064354/usercomments\n",
    "aclImdb/train/neg/notes.txt": "not a review: wrong file name pattern\n",
}


def _add_file(tf: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o644, 1709450534
    tf.addfile(info, io.BytesIO(data))


def write_imdb_tar(path: Path, reviews=None, other=None, extra=()) -> Path:
    """A tar.gz in the aclImdb layout; ``extra`` are TarInfo objects appended as they are."""
    reviews = IMDB_REVIEWS if reviews is None else reviews
    other = IMDB_OTHER if other is None else other
    files = {**{k: v.encode() for k, v in reviews.items()}, **{k: v.encode() for k, v in other.items()}}
    dirs = sorted({str(Path(n).parent) for n in files} | {"aclImdb"})
    with tarfile.open(path, "w:gz", format=tarfile.USTAR_FORMAT) as tf:
        for d in dirs:
            info = tarfile.TarInfo(d)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tf.addfile(info)
        for name in sorted(files):
            _add_file(tf, name, files[name])
        for info in extra:
            tf.addfile(info, io.BytesIO(b"x" * info.size) if info.isfile() else None)
    return path


@pytest.fixture
def build_imdb_tar(tmp_path):
    def build(name="aclImdb_test.tar.gz", **kw) -> Path:
        return write_imdb_tar(tmp_path / name, **kw)

    return build
