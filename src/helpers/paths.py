"""Find the project's folders from anywhere.

Notebooks run with ``notebooks/`` as the working directory in JupyterLab,
from the project root under papermill, and from a temporary folder in some
tests.  Every path in the project is built from :func:`project_root`, never
from the current directory.

>>> (project_root() / "pyproject.toml").is_file()
True
>>> raw_dir().name
'raw'
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that overrides the detected root (used by tests that
#: run the pipeline on a temporary copy of the project).
ROOT_ENV = "SU7_PROJECT_ROOT"
_MARKER = "pyproject.toml"
_PROJECT_NAME = 'name = "su7-slump"'


def _is_project_root(folder: Path) -> bool:
    marker = folder / _MARKER
    if not marker.is_file():
        return False
    try:
        return _PROJECT_NAME in marker.read_text(encoding="utf-8")
    except OSError:
        return False


def project_root(start: Path | str | None = None) -> Path:
    """The folder holding the project's ``pyproject.toml``.

    Looks at ``$SU7_PROJECT_ROOT`` first, then walks up from ``start``
    (default: the current directory), then from this file's location.

    Raises ``FileNotFoundError`` naming where it looked.
    """
    env = os.environ.get(ROOT_ENV)
    if env:
        root = Path(env).resolve()
        if not _is_project_root(root):
            raise FileNotFoundError(f"${ROOT_ENV}={env} does not hold the su7-slump {_MARKER}")
        return root
    starts = [Path(start) if start is not None else Path.cwd(), Path(__file__).resolve().parent]
    for first in starts:
        for folder in [first.resolve(), *first.resolve().parents]:
            if _is_project_root(folder):
                return folder
    raise FileNotFoundError(
        f"could not find the su7-slump project root (a {_MARKER} naming su7-slump) "
        f"above {starts[0]} or {starts[1]}; set ${ROOT_ENV}"
    )


def raw_dir() -> Path:
    """``data/raw``: hand-entered, cited source figures. Never written by code."""
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    """``data/processed``: tables the notebooks write."""
    return project_root() / "data" / "processed"


def reports_dir() -> Path:
    """``reports``: summary.json, figures and the HTML report."""
    return project_root() / "reports"


def figures_dir() -> Path:
    """``reports/figures``: PNG and SVG figures."""
    return reports_dir() / "figures"


def notebooks_dir() -> Path:
    """``notebooks``: the numbered notebooks."""
    return project_root() / "notebooks"


def relative_to_root(path: Path | str) -> str:
    """A path as shown to people and stored in outputs: relative to the root, with ``/``.

    Keeps machine paths out of committed notebooks and tables.

    >>> relative_to_root(project_root() / "data" / "raw" / "weekly_sales.csv")
    'data/raw/weekly_sales.csv'
    """
    p = Path(path).resolve()
    try:
        return p.relative_to(project_root()).as_posix()
    except ValueError:
        return p.name


def inside(folder: Path, *parts: str) -> Path:
    """``folder / parts``, resolved, and refused unless it lies strictly inside ``folder`` (resolved too).

    Every path built from a name that arrives from outside (a partition key, a step
    name, a parameter) goes through here before anything is made or removed there.

    >>> inside(Path("/srv/p/.cache"), "2025-W19", "project").as_posix()
    '/srv/p/.cache/2025-W19/project'
    >>> inside(Path("/srv/p/.cache"), "/etc", "project")
    Traceback (most recent call last):
    ValueError: '/etc/project' is not inside /srv/p/.cache (expected a name, not a path)
    >>> inside(Path("/srv/p/.cache"), "..")
    Traceback (most recent call last):
    ValueError: '..' is not inside /srv/p/.cache (expected a name, not a path)
    """
    base = Path(folder).resolve()
    target = base.joinpath(*parts).resolve()
    if target == base or base not in target.parents:
        shown = "/".join(parts)
        raise ValueError(f"{shown!r} is not inside {base} (expected a name, not a path)")
    return target

