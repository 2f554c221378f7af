"""Atomic file writes: write to a temporary file beside the target, then rename.

A reader (or the next run after a crash) sees either the old file or the new
one, never half of one.  The new file's bytes are flushed to disk (``fsync``)
before the rename, and the folder after it (:func:`fsync_dir`), so that after a
power loss the rename itself is not lost either.  Files are only replaced when
their bytes change, so unchanged outputs keep their modification times.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_text_atomic(d / "a.txt", "hello\\n")
True
>>> write_text_atomic(d / "a.txt", "hello\\n")   # same bytes: nothing rewritten
False
>>> (d / "a.txt").read_text()
'hello\\n'
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

#: Errors that mean "a directory cannot be flushed here": a folder that may be written but not read
#: (EACCES, EPERM on opening it), file systems that refuse ``fsync`` on a directory (EINVAL, ENOTSUP,
#: EBADF: some network and FUSE ones).  The rename stands; it just cannot be made durable.
_FSYNC_DIR_UNSUPPORTED = frozenset({errno.EACCES, errno.EPERM, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP,
                                    errno.EBADF})


def fsync_dir(directory: Path | str) -> bool:
    """Flush ``directory``'s entries to disk (a rename into it); return whether it was flushed.

    POSIX only: elsewhere (Windows cannot open a directory) and on file systems that refuse
    ``fsync`` on a directory this does nothing and returns ``False``; other errors are raised.

    >>> import tempfile, os
    >>> fsync_dir(tempfile.mkdtemp()) == (os.name == "posix")
    True
    """
    if os.name != "posix":
        return False
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        if exc.errno in _FSYNC_DIR_UNSUPPORTED:
            return False
        raise
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno in _FSYNC_DIR_UNSUPPORTED:
            return False
        raise
    finally:
        os.close(fd)
    return True


def write_bytes_atomic(path: Path | str, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; return ``True`` if the file changed."""
    path = Path(path)
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".~{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)  # the rename is an entry of the folder: flush it too
    return True


def write_text_atomic(path: Path | str, text: str) -> bool:
    """Write UTF-8 text with ``\\n`` line endings atomically."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: Path | str, obj: Any) -> bool:
    """Write ``obj`` as stable JSON: keys in the order given, 2-space indent, final newline."""
    return write_text_atomic(path, json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def write_csv_atomic(path: Path | str, frame: "Any", **to_csv_kwargs: Any) -> bool:
    """Write a pandas DataFrame as CSV (no index, ``\\n`` endings) atomically."""
    buffer = io.StringIO()
    options = {"index": False, "lineterminator": "\n"}
    options.update(to_csv_kwargs)
    frame.to_csv(buffer, **options)
    return write_text_atomic(path, buffer.getvalue())


@contextlib.contextmanager
def staged_dir(target: Path | str) -> Iterator[Path]:
    """Yield a temporary sibling folder; on success, move its files into ``target``.

    Files are moved one by one with :func:`os.replace`, each atomic.  On an
    exception nothing is moved and the temporary folder is removed.
    """
    import shutil

    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".~{target.name}.", dir=target.parent))
    try:
        yield stage
        for src in sorted(p for p in stage.rglob("*") if p.is_file()):
            write_bytes_atomic(target / src.relative_to(stage), src.read_bytes())
    finally:
        shutil.rmtree(stage, ignore_errors=True)
