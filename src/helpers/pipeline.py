"""Run the numbered notebooks in order with papermill: ``python -m helpers.pipeline run``.

The graph below is the one place that says what each notebook reads, writes
and accepts as parameters; the runner and the tests read it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Step:
    """One notebook: what it reads and writes (paths from the project root)."""

    name: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    after: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()

    @property
    def notebook(self) -> str:
        return f"notebooks/{self.name}.ipynb"


STEPS: tuple[Step, ...] = (
    Step("01_ingest", reads=("data/raw",), writes=("data/processed/ingest",)),
    Step("02_clean", reads=("data/processed/ingest",), writes=("data/processed/clean",), after=("01_ingest",)),
)
STEPS_BY_NAME = {s.name: s for s in STEPS}


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"} or not sys.stderr.isatty()


def run(parameters: dict[str, Any], force: bool = True) -> int:
    """Run every step in order; return the exit status."""
    from helpers.execute import NotebookFailure, execute_notebook
    from helpers.paths import project_root

    root = project_root()
    started = time.monotonic()
    for step in STEPS:
        step_params = {k: v for k, v in parameters.items() if k in step.parameters}
        t0 = time.monotonic()
        try:
            execute_notebook(root / step.notebook, root, step_params, progress_bar=not _in_ci())
        except NotebookFailure as failure:
            print(f"FAILED {step.name}: {failure}", file=sys.stderr)
            return 1
        print(f"ran     {step.name:<18} {time.monotonic() - t0:6.1f} s", flush=True)
    print(f"done in {time.monotonic() - started:.1f} s", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.pipeline", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="run the notebooks in order")
    run_parser.add_argument("--force", action="store_true", help="re-execute every notebook")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run({}, force=args.force)
    return 2


if __name__ == "__main__":
    sys.exit(main())
