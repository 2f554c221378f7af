"""The project root as a Dagster resource: every asset, check and vintage reads its folder from here.

``build_defs(root)`` binds ``ProjectRoot(root=str(root))`` under the key :data:`PROJECT`;
left unset (a resource config of ``{}`` in the Launchpad) it is
:func:`helpers.paths.project_root` (``$SU7_PROJECT_ROOT``, else the checkout holding this
package).  Nothing in the code location calls ``project_root()`` inside an asset.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
from pydantic import Field

#: The resource key the assets ask for (a parameter named ``project``).
PROJECT = "project"


def default_root() -> str:
    """:func:`helpers.paths.project_root`, as a string (the resource's default)."""
    from helpers.paths import project_root

    return str(project_root())


class ProjectRoot(dg.ConfigurableResource):
    """The su7-slump checkout an asset reads and writes."""

    root: str = Field(default_factory=default_root,
                      description="the folder holding the project's pyproject.toml (default: helpers.paths.project_root())")

    @property
    def path(self) -> Path:
        """``root``, resolved; ``FileNotFoundError`` naming it when it does not hold the su7-slump project."""
        from helpers.paths import project_root

        try:
            with root_in_environment(Path(self.root)):
                return project_root()  # with $SU7_PROJECT_ROOT set, it checks that folder's pyproject.toml
        except FileNotFoundError:
            raise FileNotFoundError(f"resource {PROJECT!r}: root {self.root!r} does not hold the su7-slump "
                                    "pyproject.toml") from None


@contextmanager
def root_in_environment(root: Path) -> Iterator[None]:
    """``$SU7_PROJECT_ROOT`` set to ``root`` while the block runs (then as before).

    A notebook's kernel inherits the environment, and notebooks find the project with
    ``project_root()``: this makes them write where the resource says.
    """
    from helpers.paths import ROOT_ENV

    before = os.environ.get(ROOT_ENV)
    os.environ[ROOT_ENV] = str(root)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ROOT_ENV, None)
        else:
            os.environ[ROOT_ENV] = before
