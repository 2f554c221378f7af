"""An atomic write flushes the folder after its rename, so the rename survives a power loss (issue 21, item 10d)."""

from __future__ import annotations

import errno
import os

import pytest

from helpers.atomic import fsync_dir, write_bytes_atomic


# --------------------------------------------------------------------------- atomic writes (item 10d)


@pytest.mark.skipif(os.name != "posix", reason="directories are flushed on POSIX only")
def test_an_atomic_write_flushes_the_folder_after_the_rename(tmp_path, monkeypatch):
    events: list[tuple[str, str]] = []
    opened: dict[int, str] = {}
    real_open, real_fsync, real_replace = os.open, os.fsync, os.replace

    def spy_open(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        opened[fd] = str(path)
        return fd

    def spy_fsync(fd):
        events.append(("fsync", opened.get(fd, "the new file")))
        return real_fsync(fd)

    def spy_replace(src, dst):
        events.append(("replace", str(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(os, "replace", spy_replace)
    target = tmp_path / "figures" / "a.png"
    assert write_bytes_atomic(target, b"new") is True
    replaced = events.index(("replace", str(target)))
    assert ("fsync", str(target.parent)) in events[replaced + 1:], events
    assert target.read_bytes() == b"new"


@pytest.mark.skipif(os.name != "posix", reason="directories are flushed on POSIX only")
@pytest.mark.parametrize("code", [errno.EINVAL, errno.ENOTSUP, errno.EBADF])
def test_a_folder_that_cannot_be_flushed_does_not_fail_the_write(tmp_path, monkeypatch, code):
    real_fsync = os.fsync

    def refuse_directories(fd):
        if _is_dir_fd(fd):
            raise OSError(code, os.strerror(code))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", refuse_directories)
    assert fsync_dir(tmp_path) is False
    target = tmp_path / "out.csv"
    assert write_bytes_atomic(target, b"a\n") is True
    assert target.read_bytes() == b"a\n"


@pytest.mark.skipif(os.name != "posix", reason="directories are flushed on POSIX only")
def test_a_failing_disk_still_fails_the_write_loudly(tmp_path, monkeypatch):
    """Only "not supported here" is forgiven: an I/O error flushing the folder is raised."""
    real_fsync = os.fsync

    def broken_disk(fd):
        if _is_dir_fd(fd):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", broken_disk)
    with pytest.raises(OSError) as raised:
        write_bytes_atomic(tmp_path / "out.csv", b"a\n")
    assert raised.value.errno == errno.EIO


def _is_dir_fd(fd: int) -> bool:
    import stat

    return stat.S_ISDIR(os.fstat(fd).st_mode)
