"""``reports/summary.json``: the machine-readable results of one run.

Assembled from the summaries the model notebooks write into their own folders
(:func:`helpers.catalog.summary_path`), so that parallel steps never write the
same file.  Keys keep a fixed order and floats are rounded by the parts'
writers, so the same data give the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import catalog
from helpers.atomic import write_json_atomic
from helpers.paths import reports_dir

#: (key in summary.json, the step whose summary.json it is), in the order written.
PARTS = (
    ("trend", "03_trend"),
    ("run_rate", "04_run_rate"),
    ("claims", "05_claims"),
)


def assemble_summary(root: Path | None = None) -> dict[str, Any]:
    """The summary as a dict: ``trend``, ``run_rate`` and ``claims`` in that order."""
    return {key: json.loads(catalog.summary_path(step, root).read_text(encoding="utf-8")) for key, step in PARTS}


def write_summary(root: Path | None = None, target: Path | None = None) -> dict[str, Any]:
    """Assemble and write ``reports/summary.json`` atomically; return the summary."""
    summary = assemble_summary(root)
    write_json_atomic(target or reports_dir() / "summary.json", summary)
    return summary
