"""``reports/summary.json``: the machine-readable results of one run.

Assembled from the parts the model notebooks write (trend, run-rate, claims
audit) so that parallel steps never write the same file.  Keys keep a fixed
order and floats are rounded by the parts' writers, so the same data give
the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers.atomic import write_json_atomic
from helpers.paths import processed_dir, reports_dir

#: (key in summary.json, part file under data/processed)
PARTS = (
    ("trend", "trend/summary.json"),
    ("run_rate", "run_rate/summary.json"),
)


def assemble_summary(processed: Path | None = None) -> dict[str, Any]:
    """The summary as a dict: ``trend``, ``run_rate`` and ``claims`` in that order."""
    import pandas as pd

    from helpers.claims.article_rules import claims_summary

    processed = processed or processed_dir()
    summary: dict[str, Any] = {}
    for key, rel in PARTS:
        summary[key] = json.loads((processed / rel).read_text(encoding="utf-8"))
    audit = pd.read_csv(processed / "claims_audit.csv", keep_default_na=False, na_values=[""])
    summary["claims"] = claims_summary(audit)
    return summary


def write_summary(processed: Path | None = None, target: Path | None = None) -> dict[str, Any]:
    """Assemble and write ``reports/summary.json`` atomically; return the summary."""
    summary = assemble_summary(processed)
    write_json_atomic(target or reports_dir() / "summary.json", summary)
    return summary
