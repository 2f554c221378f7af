"""A step's notebook opens under ``data/`` only what its step declares in :mod:`helpers.steps`.

The runner starts every step with ``SU7_AUDIT_STEP=<step name>``; importing :mod:`helpers` in that
step's kernel (not in the runner's own processes, which read the summaries for the page) then
installs :func:`install`'s audit hook (PEP 578).  Opening a file under ``data/`` outside the step's
declared reads and writes raises :class:`UndeclaredFile`: the runner fingerprints only what a step
declares, so an undeclared input could change without the step running again.
JupyterLab, nbval and Dagster runs set no variable and are not audited.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from helpers import steps
from helpers.paths import project_root

#: The environment variable naming the step whose opens are checked.
AUDIT_STEP_ENV = "SU7_AUDIT_STEP"


class UndeclaredFile(RuntimeError):
    """A notebook opened a file under ``data/`` that its step does not declare (not an OSError: nothing swallows it)."""


def declared(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What step ``name`` declares it reads and writes (relative to the project root).

    >>> declared("03_trend")
    (('data/processed/clean',), ('data/processed/trend',))
    """
    known = steps.by_name()
    if name not in known:
        raise ValueError(f"{AUDIT_STEP_ENV}={name!r}: no such step (expected one of {', '.join(known)})")
    return steps.step_reads(known[name]), known[name].writes


def install(name: str, root: Path | None = None) -> None:
    """From now on, opening a file under ``root/data`` outside step ``name``'s declared paths raises."""
    reads, writes = declared(name)
    root = Path(os.path.realpath(root or project_root()))
    data = str(root / "data") + os.sep
    allowed = tuple(str(root / p) for p in (*reads, *writes) if p.startswith("data/"))

    def hook(event: str, args: tuple) -> None:
        if event != "open" or not args or isinstance(args[0], int) or args[0] is None:
            return
        try:
            full = os.path.realpath(os.fsdecode(args[0]))
        except (TypeError, ValueError):
            return
        if full.startswith(data) and not any(full == a or full.startswith(a + os.sep) for a in allowed):
            raise UndeclaredFile(f"{name} opened {os.path.relpath(full, root)}, which its step does not declare "
                                 f"(reads: {', '.join(reads)}; writes: {', '.join(writes)}); "
                                 "declare it in src/helpers/steps.py")

    sys.addaudithook(hook)


def install_if_asked() -> None:
    """:func:`install` for the step the runner named in ``SU7_AUDIT_STEP``; nothing when it named none."""
    if os.environ.get(AUDIT_STEP_ENV):
        install(os.environ[AUDIT_STEP_ENV])
