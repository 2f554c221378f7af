"""One notebook executed with papermill and published atomically; also the process of each step of a run.

The heavy imports (papermill, Jupyter) are here only, so deciding *what* to run stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from helpers.atomic import write_text_atomic
from helpers.paths import project_root
from helpers.pipeline.graph import cell_text, code_cells, declared_defaults
from helpers.pipeline.journal import path_in_message
from helpers.pipeline.notebook_files import notebook_text, stabilize_notebook, without_injected_parameters
from helpers.pipeline.parameters import check_parameters

#: The kernel every notebook declares: this interpreter's ipykernel (jupyter_client runs it with ``sys.executable``).
KERNEL_NAME = "python3"
#: ipykernel warns about unencrypted TCP on loopback at every start; only errors matter here.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]
#: Seconds one cell may run before the step fails as hung (the slowest cell here takes about 3 s).
DEFAULT_CELL_TIMEOUT = 300


@dataclass
class NotebookFailure(Exception):
    """A cell raised: which notebook, which cell, what error, where the run was kept."""

    notebook: str
    cell_index: int | None
    cell_source: str
    error: str
    saved_to: str

    def __str__(self) -> str:
        where = f"cell {self.cell_index}" if self.cell_index is not None else "a cell"
        first_line = self.cell_source.strip().splitlines()[0] if self.cell_source.strip() else ""
        return (f"{self.notebook}: {where} failed: {self.error}\n  cell starts: {first_line[:100]}\n"
                f"  the failed execution is saved at {self.saved_to}; the committed notebook and outputs are unchanged")


def _first_error(nb: Mapping[str, Any]) -> tuple[int | None, str, str]:
    """The first code cell (counted from 1) with an error output, its source and the error."""
    for index, cell in enumerate(code_cells(nb), 1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, cell_text(cell), f"{output.get('ename')}: {output.get('evalue')}"
    return None, "", "the kernel stopped (no error output recorded)"


def _timed_out_cell(nb: Mapping[str, Any], message: str) -> tuple[int | None, str]:
    """The code cell (counted from 1) that nbclient's timeout message quotes, and its source: the longest
    whose first line is in the message (which quotes a long cell's first and last five lines only).

    >>> nb = {"cells": [{"cell_type": "code", "source": "x = 1"},
    ...                 {"cell_type": "code", "source": "import time\\ntime.sleep(3600)"}]}
    >>> _timed_out_cell(nb, "A cell timed out ...\\n---\\nimport time\\ntime.sleep(3600)\\n---")
    (2, 'import time\\ntime.sleep(3600)')
    """
    found: tuple[int | None, str] = (None, "")
    for index, cell in enumerate(code_cells(nb), 1):
        lines = cell_text(cell).strip().splitlines()
        if lines and lines[0] in message and len(cell_text(cell)) > len(found[1]):
            found = (index, cell_text(cell))
    return found


def execute_notebook(notebook: Path, root: Path, parameters: Mapping[str, Any] | None = None,
                     cell_timeout: float | None = DEFAULT_CELL_TIMEOUT) -> None:
    """Run ``notebook`` with papermill (cwd = its folder) and replace it with the result.

    Raises :class:`NotebookFailure` when a cell fails or runs longer than ``cell_timeout`` seconds
    (``None``: no limit), and :class:`~helpers.pipeline.parameters.ParameterError` for parameters
    the notebook does not take, before anything runs.  A failed execution is kept in ``reports/failed``.
    """
    notebook = Path(notebook)
    kept = root / "reports" / "failed" / notebook.name
    source_nb = without_injected_parameters(json.loads(notebook.read_text(encoding="utf-8")))
    # papermill writes parameters into the notebook's source: only values its parameters cell takes get there
    check_parameters(dict(parameters or {}), declared_defaults(source_nb), source=notebook.name)
    import papermill
    from jupyter_client.manager import AsyncKernelManager

    with tempfile.TemporaryDirectory(prefix="su7-run-") as scratch:
        scratch_path = Path(scratch)
        prepared = scratch_path / notebook.name
        executed = scratch_path / f"executed-{notebook.name}"
        prepared.write_text(notebook_text(source_nb), encoding="utf-8")
        try:
            for attempt in (1, 2):
                # an asynchronous manager: with a blocking one nbclient's cell timeout never fires
                KERNELS.append(AsyncKernelManager(kernel_name=KERNEL_NAME))
                try:
                    papermill.execute_notebook(
                        str(prepared), str(executed), parameters=dict(parameters or {}), kernel_name=KERNEL_NAME,
                        cwd=str(notebook.parent), progress_bar=False, execution_timeout=cell_timeout, log_output=False,
                        request_save_on_cell_execute=False, extra_arguments=KERNEL_ARGUMENTS, km=KERNELS[-1])
                    break
                except RuntimeError as exc:
                    # a kernel that died before it answered (another process took one of its ports
                    # between jupyter_client choosing and the kernel binding them) starts once more
                    if attempt == 2 or "before replying to kernel_info" not in str(exc):
                        raise
                finally:
                    kill_kernels(clean_up=True)
        except BaseException as exc:
            saved_to = path_in_message(kept, root)
            failed_nb = json.loads(executed.read_text(encoding="utf-8")) if executed.is_file() else {}
            try:  # papermill writes nothing when execution stops by a timeout: then keep what was run
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(executed if executed.is_file() else prepared, kept)
            except OSError as not_kept:  # said, never raised: it must not hide the failure itself
                saved_to = f"no file: {saved_to} could not be written ({not_kept.strerror or not_kept})"
            if isinstance(exc, KeyboardInterrupt):
                raise
            from nbclient.exceptions import CellTimeoutError

            cell_index, cell_source, error = _first_error(failed_nb)
            if isinstance(exc, CellTimeoutError):
                cell_index, cell_source = _timed_out_cell(source_nb, str(exc))
                error = f"timed out: the cell ran longer than --cell-timeout {cell_timeout:g} s; its kernel was stopped"
            elif cell_index is None:
                error = f"{type(exc).__name__}: {exc}".strip()
            error = error.splitlines()[0] if error else type(exc).__name__
            raise NotebookFailure(notebook.name, cell_index, cell_source, error, saved_to) from None
        result = stabilize_notebook(json.loads(executed.read_text(encoding="utf-8")))
    write_text_atomic(notebook, notebook_text(result))
    kept.unlink(missing_ok=True)  # a failure of an earlier run


#: The kernel managers of this process's attempts whose kernels may still run (:func:`kill_kernels` empties it).
KERNELS: list[Any] = []


def kill_kernels(clean_up: bool = False) -> None:
    """Kill every kernel this process started, with its process group (a signal to ours does not reach it).

    ``clean_up``: through jupyter_client, which also removes the connection file; else only signals
    (what a signal handler may do)."""
    while KERNELS:
        km = KERNELS.pop()
        if clean_up and km.has_kernel:
            from jupyter_core.utils import run_sync

            try:
                run_sync(km.shutdown_kernel)(now=True)
                continue
            except Exception:
                pass
        pgid = getattr(km.provisioner, "pgid", None)
        if pgid:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.pipeline.execute NOTEBOOK``: one step of a run, its notebook then its HTML page.

    Exit status 0, or 1 with the failure on stdout.  A signal, or (``--parent-pipe``) the end of stdin
    (the runner is gone), kills its kernel and ends it at once."""
    parser = argparse.ArgumentParser(prog="python -m helpers.pipeline.execute")
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--parameters", default="{}", help="a JSON mapping (the runner has checked it)")
    parser.add_argument("--cell-timeout", type=float, default=DEFAULT_CELL_TIMEOUT, help="seconds; 0: no limit")
    parser.add_argument("--parent-pipe", action="store_true", help="stop when stdin ends (the runner is gone)")
    args = parser.parse_args(argv)

    def stop(signum: int = signal.SIGTERM, frame: Any = None) -> None:
        kill_kernels()
        os._exit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop)
    if args.parent_pipe:
        def watch() -> None:
            while os.read(0, 4096):  # the raw descriptor: a buffered stdin would block the interpreter's exit
                pass
            stop()

        threading.Thread(target=watch, daemon=True).start()
    root = project_root()
    notebook = args.notebook if args.notebook.is_absolute() else root / args.notebook
    try:
        execute_notebook(notebook, root, json.loads(args.parameters), cell_timeout=args.cell_timeout or None)
        from helpers.report.html import export_page

        export_page(root, notebook)
    except Exception as exc:  # a failed cell; a kernel that would not start, a page that cannot be written, ...
        print(exc if isinstance(exc, NotebookFailure) else f"{notebook.name}: {type(exc).__name__}: {exc}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
