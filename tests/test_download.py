"""labs_utils.download: verified downloads (against a loopback server) and safe archives."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import zipfile

import pytest

from labs_utils.download import (
    ChecksumError,
    DownloadError,
    UnsafeArchiveError,
    check_member_name,
    download,
    extract_archive,
    sha256_file,
)
from labs_utils.parsers import parse_imdb_tar

BODY = b"".join(b"line %05d of a served data file\n" % i for i in range(3000))  # ~96 KB
BODY_SHA = hashlib.sha256(BODY).hexdigest()


def _files_under(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


# --- sha256_file -----------------------------------------------------------------------------


def test_sha256_file_matches_hashlib_across_chunk_boundaries(tmp_path):
    data = os.urandom((1 << 20) * 2 + 12345)  # more than two 1 MiB chunks
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


# --- download ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["ok", "nolength"])
def test_download_success_writes_verified_file(tmp_path, http_server, mode):
    url = http_server.serve("/data/file.txt", BODY, mode=mode)
    dest = tmp_path / "out" / "sub" / "file.txt"
    result = download(url, dest, BODY_SHA, progress=False)
    assert result == dest
    assert dest.read_bytes() == BODY
    assert sha256_file(dest) == BODY_SHA
    assert _files_under(dest.parent) == ["file.txt"]  # no leftover .part file
    assert http_server.requests == ["/data/file.txt"]


def test_download_checksum_mismatch_leaves_nothing(tmp_path, http_server):
    url = http_server.serve("/tampered.bin", BODY)
    dest = tmp_path / "out" / "tampered.bin"
    wrong = hashlib.sha256(b"the file the registry expects").hexdigest()
    with pytest.raises(ChecksumError) as info:
        download(url, dest, wrong, progress=False)
    assert wrong in str(info.value) and BODY_SHA in str(info.value)
    assert _files_under(tmp_path / "out") == []
    assert len(http_server.requests) == 1


@pytest.mark.parametrize("mode", ["truncate", "reset"])
def test_download_truncated_body_raises_and_leaves_nothing(tmp_path, http_server, mode):
    # truncate: Content-Length larger than the body, then a normal close; reset: aborted connection
    url = http_server.serve("/big.bin", BODY, mode=mode)
    dest = tmp_path / "out" / "big.bin"
    with pytest.raises(DownloadError) as info:
        download(url, dest, BODY_SHA, progress=False)
    assert url in str(info.value)
    assert _files_under(tmp_path / "out") == []


def test_download_http_error_status_raises(tmp_path, http_server):
    dest = tmp_path / "out" / "missing.bin"
    with pytest.raises(DownloadError) as info:
        download(http_server.base + "/missing.bin", dest, BODY_SHA, progress=False)
    assert "/missing.bin" in str(info.value)
    assert _files_under(tmp_path / "out") == []


def test_download_unreachable_url_raises(tmp_path, closed_port_url):
    dest = tmp_path / "out" / "x.bin"
    with pytest.raises(DownloadError) as info:
        download(closed_port_url, dest, BODY_SHA, timeout=5, progress=False)
    assert closed_port_url in str(info.value)
    assert _files_under(tmp_path / "out") == []


def test_failed_download_keeps_an_existing_good_file(tmp_path, http_server):
    dest = tmp_path / "out" / "file.txt"
    dest.parent.mkdir()
    dest.write_bytes(b"previous good copy")
    url = http_server.serve("/file.txt", BODY, mode="truncate")
    with pytest.raises(DownloadError):
        download(url, dest, BODY_SHA, progress=False)
    assert dest.read_bytes() == b"previous good copy"
    assert _files_under(dest.parent) == ["file.txt"]


# --- check_member_name ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../evil",
        "/tmp/evil",
        "a/../../evil",
        "aclImdb/../../x.txt",
        "..\\evil",
        "a\\..\\..\\evil",
        "C:/Windows/evil",
        "C:\\evil",
        "..",
    ],
)
def test_check_member_name_rejects_unsafe(name):
    with pytest.raises(UnsafeArchiveError) as info:
        check_member_name(name, "some.tar")
    assert "some.tar" in str(info.value)


@pytest.mark.parametrize(
    "name", ["aclImdb/train/pos/0_9.txt", "a/b..c/d", "dir/..hidden", "./x/y.txt", "wikitext-2/wiki.valid.tokens"]
)
def test_check_member_name_accepts_safe(name):
    assert check_member_name(name) == name


# --- extract_archive -----------------------------------------------------------------------------


def _tar_with(path, members):
    """members: list of (TarInfo-ish spec) -> (name, data or None, type, linkname)."""
    with tarfile.open(path, "w:gz") as tf:
        for name, data, kind, linkname in members:
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = linkname
            info.mode = 0o644
            if data is not None:
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
            else:
                tf.addfile(info)
    return path


def test_extract_tar_rejects_parent_dir_member(tmp_path):
    arch = _tar_with(
        tmp_path / "a.tar.gz",
        [("good.txt", b"fine", tarfile.REGTYPE, ""), ("../evil.txt", b"evil", tarfile.REGTYPE, "")],
    )
    dest = tmp_path / "box" / "dest"
    with pytest.raises(UnsafeArchiveError):
        extract_archive(arch, dest)
    assert not (tmp_path / "box" / "evil.txt").exists()
    assert _files_under(tmp_path / "box") in ([], ["dest"])  # nothing at all, not even good.txt


def test_extract_tar_rejects_absolute_member(tmp_path):
    target = tmp_path / "outside" / "evil.txt"
    arch = _tar_with(
        tmp_path / "a.tar.gz", [("good.txt", b"fine", tarfile.REGTYPE, ""), (str(target), b"evil", tarfile.REGTYPE, "")]
    )
    with tarfile.open(arch) as tf:  # the member name really is absolute
        assert tf.getnames()[1].startswith("/")
    dest = tmp_path / "dest"
    with pytest.raises(UnsafeArchiveError):
        extract_archive(arch, dest)
    assert not target.exists() and not (tmp_path / "outside").exists()
    assert _files_under(dest) == []


@pytest.mark.parametrize(
    "kind,linkname", [(tarfile.SYMTYPE, "/etc/passwd"), (tarfile.SYMTYPE, "../../x"), (tarfile.LNKTYPE, "good.txt")]
)
def test_extract_tar_refuses_links(tmp_path, kind, linkname):
    arch = _tar_with(
        tmp_path / "a.tar.gz", [("good.txt", b"fine", tarfile.REGTYPE, ""), ("link", None, kind, linkname)]
    )
    dest = tmp_path / "dest"
    with pytest.raises(UnsafeArchiveError) as info:
        extract_archive(arch, dest)
    assert "link" in str(info.value)
    assert _files_under(dest) == []


def test_extract_zip_rejects_parent_dir_member(tmp_path):
    arch = tmp_path / "a.zip"
    with zipfile.ZipFile(arch, "w") as zf:
        zf.writestr("good.txt", "fine")
        zf.writestr("../x", "evil")
    with zipfile.ZipFile(arch) as zf:
        assert zf.namelist() == ["good.txt", "../x"]
    dest = tmp_path / "box" / "dest"
    with pytest.raises(UnsafeArchiveError):
        extract_archive(arch, dest)
    assert not (tmp_path / "box" / "x").exists()
    assert _files_under(tmp_path / "box") in ([], ["dest"])


def test_extract_normal_tar_and_zip(tmp_path):
    tar = _tar_with(
        tmp_path / "ok.tar.gz",
        [
            ("top", None, tarfile.DIRTYPE, ""),
            ("top/a.txt", b"alpha\n", tarfile.REGTYPE, ""),
            ("top/sub/b.txt", b"beta\n", tarfile.REGTYPE, ""),
        ],
    )
    out = extract_archive(tar, tmp_path / "t")
    assert out == tmp_path / "t"
    assert (out / "top" / "a.txt").read_bytes() == b"alpha\n"
    assert (out / "top" / "sub" / "b.txt").read_bytes() == b"beta\n"

    zpath = tmp_path / "ok.zip"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("wikitext-2/wiki.valid.tokens", " = Title = \n text \n")
        zf.writestr("wikitext-2/wiki.test.tokens", " more \n")
    out = extract_archive(zpath, tmp_path / "z")
    assert (out / "wikitext-2" / "wiki.valid.tokens").read_text() == " = Title = \n text \n"
    assert _files_under(out / "wikitext-2") == ["wiki.test.tokens", "wiki.valid.tokens"]


def test_parse_imdb_tar_rejects_dotdot_member(build_imdb_tar):
    evil = tarfile.TarInfo("aclImdb/../../evil/0_9.txt")
    evil.size = 4
    path = build_imdb_tar(extra=[evil])
    with pytest.raises(UnsafeArchiveError):
        parse_imdb_tar(path)
