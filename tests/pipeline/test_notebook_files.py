"""Notebook files as the runner writes them, notebook hygiene, and the kernel notebooks run on."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from helpers.pipeline.notebook_files import INJECTED_TAG, stabilize_notebook, without_injected_parameters
from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_injected_parameters_are_removed_before_a_run():
    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": [INJECTED_TAG]}, "source": "horizon = 8"},
                    {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "horizon = 4"}]}
    cleaned = without_injected_parameters(nb)
    assert [c["source"] for c in cleaned["cells"]] == ["horizon = 4"]
    assert len(nb["cells"]) == 2  # the input is not modified


def test_stabilize_removes_run_times_but_keeps_tags():
    nb = {"metadata": {"papermill": {"start_time": "x"}, "kernelspec": {"name": "python3"}},
          "cells": [{"cell_type": "code", "id": "rand0m", "metadata": {"tags": ["parameters"], "execution": {"iopub.status.idle": "t"}}}]}
    stabilize_notebook(nb)
    assert nb["metadata"] == {"kernelspec": {"name": "python3"}}
    assert nb["cells"][0]["metadata"] == {"tags": ["parameters"]}
    assert nb["cells"][0]["id"] == "rand0m"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_is_clean(path):
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "papermill" not in nb["metadata"]
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert any(c["outputs"] for c in code), "committed without outputs: nbval has nothing to compare"
    for cell in code:
        assert not {"papermill", "execution"} & set(cell["metadata"]), cell["id"]
        assert not [o for o in cell["outputs"] if o["output_type"] == "error"], cell["id"]
    for machine_path in {str(ROOT), str(Path.home()) + "/", "/tmp/"}:
        assert machine_path not in text, f"{path.name} holds the machine path {machine_path}"
    assert len({c["id"] for c in nb["cells"]}) == len(nb["cells"])


def definitions_in(source: str) -> list[str]:
    """``def name`` / ``class name`` statements anywhere in one code cell (IPython ``%`` and ``!`` lines skipped)."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    return [f"{'class' if isinstance(node, ast.ClassDef) else 'def'} {node.name}" for node in ast.walk(ast.parse(code))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


def test_definitions_in_finds_nested_functions_and_classes_past_magics():
    cell = "%matplotlib inline\n!ls\nx = 1\nif x:\n    def helper():\n        pass\nclass Row:\n    async def go(self):\n        pass"
    assert sorted(definitions_in(cell)) == ["class Row", "def go", "def helper"]
    assert definitions_in("Markdown(narrative.claims_sentence(claims_later))") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_define_no_functions_or_classes(path):
    """Notebooks read as prose: logic lives in ``src/helpers`` (sentences in ``helpers.narrative``), cells call it."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = {c["id"]: definitions_in("".join(c["source"])) for c in nb["cells"] if c["cell_type"] == "code"}
    assert not {cell: names for cell, names in found.items() if names}, \
        f"{path.name}: move these into src/helpers (sentences into helpers.narrative)"


def test_python3_kernel_runs_with_this_interpreter():
    from jupyter_client.manager import KernelManager

    command = KernelManager(kernel_name="python3").format_kernel_cmd()
    assert Path(command[0]).resolve() == Path(sys.executable).resolve(), command


@pytest.mark.skipif(Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(), reason="not running in the project's .venv")
def test_make_targets_run_in_the_project_venv():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert Path(spec.resource_dir).resolve().is_relative_to((ROOT / ".venv").resolve()), spec.resource_dir
    assert spec.argv[0] in {"python", "python3", sys.executable}, spec.argv
