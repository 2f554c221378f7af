"""Executed notebooks as committed files: what changes from run to run (times, durations, paths, the injected
cell's random id) out, so that a rerun on unchanged data leaves ``git status`` clean.  Standard library only.
"""

from __future__ import annotations

import json
from typing import Any

INJECTED_TAG = "injected-parameters"
#: Cell-metadata keys that only describe one execution.
VOLATILE_CELL_KEYS = ("papermill", "execution", "ExecuteTime", "collapsed", "scrolled")
#: Notebook-metadata keys that only describe one execution.
VOLATILE_NOTEBOOK_KEYS = ("papermill", "widgets")


def stabilize_notebook(nb: dict[str, Any]) -> dict[str, Any]:
    """Drop volatile metadata in place and give injected cells a fixed id; return ``nb``.

    >>> nb = {"metadata": {"papermill": {"duration": 1.2}}, "cells": [
    ...     {"cell_type": "code", "id": "f3a9", "metadata": {"tags": ["injected-parameters"],
    ...      "papermill": {"start_time": "2026"}}, "outputs": [], "source": "x = 1"}]}
    >>> stabilize_notebook(nb)["metadata"], nb["cells"][0]["id"], nb["cells"][0]["metadata"]
    ({}, 'injected-parameters', {'tags': ['injected-parameters']})
    """
    for key in VOLATILE_NOTEBOOK_KEYS:
        nb.get("metadata", {}).pop(key, None)
    for cell in nb.get("cells", []):
        meta = cell.setdefault("metadata", {})
        for key in VOLATILE_CELL_KEYS:
            meta.pop(key, None)
        if INJECTED_TAG in meta.get("tags", []):
            cell["id"] = INJECTED_TAG
            meta.pop("jupyter", None)
    return nb


def without_injected_parameters(nb: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``nb`` without the cells a papermill run injected (their values would override the defaults)."""
    copy = json.loads(json.dumps(nb))
    copy["cells"] = [c for c in copy.get("cells", []) if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
    return copy


def notebook_text(nb: dict[str, Any]) -> str:
    """Serialise like Jupyter does (1-space indent, sorted keys, UTF-8) plus a final newline."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
