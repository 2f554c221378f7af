"""A run's undo journal: outputs backed up before a step changes them, put back when the run fails.

After a kill the next run puts them back.  The manifest is written (atomically) after the copies,
so a half-made backup is never taken for a whole one.  Standard library only.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Iterable

from helpers.atomic import write_json_atomic
from helpers.pipeline.graph import is_pattern

MANIFEST = "manifest.json"


class Journal:
    """Backups of the paths a run may change, under ``folder``."""

    def __init__(self, root: Path, folder: Path):
        self.root = root
        self.folder = folder
        # path -> existed before the run; glob pattern -> the files it matched before the run
        self._entries: dict[str, bool | list[str]] = {}

    def protect(self, rel_paths: Iterable[str]) -> None:
        """Back up each path (file, folder or glob pattern) once, before anything writes to it."""
        new = [p for p in rel_paths if p not in self._entries]
        if not new:
            return
        for rel in new:
            if is_pattern(rel):
                matches = sorted(p.relative_to(self.root).as_posix() for p in self.root.glob(rel) if p.is_file())
                for match in matches:
                    backup = self.folder / "files" / match
                    backup.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(self.root / match, backup)
                self._entries[rel] = matches
                continue
            source = self.root / rel
            backup = self.folder / "files" / rel
            if backup.exists():
                shutil.rmtree(backup) if backup.is_dir() else backup.unlink()
            if source.is_dir():
                shutil.copytree(source, backup, ignore=shutil.ignore_patterns(".~*"))
            elif source.is_file():
                backup.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, backup)
            self._entries[rel] = source.exists()
        write_json_atomic(self.folder / MANIFEST, {"paths": self._entries})

    def restore(self) -> list[str]:
        """Put every backed-up path back as it was; return the paths restored.

        Every path is tried; those that could not be put back raise :class:`RestoreIncomplete`
        after, and the backups are kept for the next run."""
        manifest = self.folder / MANIFEST
        if not manifest.is_file():
            self.discard()
            return []
        entries: dict[str, bool | list[str]] = json.loads(manifest.read_text(encoding="utf-8"))["paths"]
        failed: dict[str, OSError] = {}
        for rel, existed in entries.items():
            try:
                self._restore_one(rel, existed)
            except OSError as exc:
                failed[rel] = exc
        if failed:
            raise RestoreIncomplete(self.root, self.folder, failed)
        self.discard()
        return sorted(entries)

    def _restore_one(self, rel: str, existed: bool | list[str]) -> None:
        if isinstance(existed, list):  # a glob pattern: remove what matches now, put back what matched before
            for path in self.root.glob(rel):
                if path.is_file():
                    path.unlink()
            for match in existed:
                (self.root / match).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(self.folder / "files" / match, self.root / match)
            return
        target = self.root / rel
        backup = self.folder / "files" / rel
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        if existed and backup.is_dir():
            shutil.copytree(backup, target)
        elif existed and backup.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(backup, target)

    def discard(self) -> None:
        """Forget the backups (after a good run)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self._entries = {}


class RestoreIncomplete(OSError):
    """Some backed-up paths could not be put back: which, and why; the backups are kept for the next run."""

    def __init__(self, root: Path, folder: Path, failed: dict[str, OSError]):
        self.failed = failed
        lines = [f"{rel}: {describe_os_error(exc, root)}" for rel, exc in failed.items()]
        super().__init__(f"could not put back {len(failed)} output path(s); their last good copies are kept in "
                         f"{path_in_message(folder, root)} "
                         "and the next run puts them back once they can be written:\n  " + "\n  ".join(lines))


def describe_os_error(exc: OSError, root: Path | None = None) -> str:
    """What an ``OSError`` says, with its file relative to ``root``: ``data/processed/trend: Permission denied``.

    >>> describe_os_error(PermissionError(13, "Permission denied", "/p/data/processed/trend/x.csv"), Path("/p"))
    'data/processed/trend/x.csv: Permission denied'
    """
    what = exc.strerror or str(exc)
    return f"{path_in_message(Path(exc.filename), root)}: {what}" if exc.filename is not None else what


def path_in_message(path: Path, root: Path | None) -> str:
    """``path`` as a message names it: relative to ``root`` when it lies under it."""
    return path.relative_to(root).as_posix() if root is not None and path.is_relative_to(root) else str(path)
