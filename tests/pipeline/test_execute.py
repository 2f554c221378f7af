"""execute_notebook: a kernel that dies before it answers is started once more; any other failure is not retried."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import papermill
import pytest

from helpers.pipeline.execute import NotebookFailure, execute_notebook

PORT_TAKEN = RuntimeError("Kernel died before replying to kernel_info")


def tiny_notebook(folder: Path) -> Path:
    """A one-cell notebook in ``folder/notebooks``, as the project lays them out."""
    path = folder / "notebooks" / "01_tiny.ipynb"
    path.parent.mkdir(parents=True)
    cell = {"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [], "source": "x = 1"}
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    return path


def papermill_failing(times: int, error: BaseException, calls: list[dict]):
    """A stand-in for papermill.execute_notebook: raises ``error`` the first ``times`` calls, then "runs"
    the notebook by copying it to the output path."""

    def execute(input_path, output_path, **kwargs):
        calls.append(kwargs)
        if len(calls) <= times:
            raise error
        shutil.copyfile(input_path, output_path)

    return execute


def test_a_kernel_that_dies_before_answering_is_started_once_more(tmp_path, monkeypatch):
    notebook = tiny_notebook(tmp_path)
    calls: list[dict] = []
    monkeypatch.setattr(papermill, "execute_notebook", papermill_failing(1, PORT_TAKEN, calls))
    execute_notebook(notebook, tmp_path)
    assert len(calls) == 2
    assert json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]["source"] == "x = 1"
    assert not (tmp_path / "reports" / "failed" / notebook.name).exists()


def test_a_kernel_that_dies_twice_fails_the_notebook_and_keeps_it(tmp_path, monkeypatch):
    notebook = tiny_notebook(tmp_path)
    before = notebook.read_bytes()
    calls: list[dict] = []
    monkeypatch.setattr(papermill, "execute_notebook", papermill_failing(2, PORT_TAKEN, calls))
    with pytest.raises(NotebookFailure, match="Kernel died before replying to kernel_info"):
        execute_notebook(notebook, tmp_path)
    assert len(calls) == 2
    assert notebook.read_bytes() == before


@pytest.mark.parametrize("error", [RuntimeError("deliberate failure"), ValueError("Kernel died before replying to kernel_info")])
def test_other_failures_are_not_retried(tmp_path, monkeypatch, error):
    notebook = tiny_notebook(tmp_path)
    calls: list[dict] = []
    monkeypatch.setattr(papermill, "execute_notebook", papermill_failing(1, error, calls))
    with pytest.raises(NotebookFailure):
        execute_notebook(notebook, tmp_path)
    assert len(calls) == 1
