"""``reports/summary.json``: the machine-readable results of one run.

Assembled from the summaries the model notebooks write into their own folders
(:func:`helpers.catalog.summary_path`), so that parallel steps never write the
same file.  It is written once every notebook has run, by the report step
(:func:`helpers.report.html.export_report`), so it holds what notebook 07 found
too.  Keys keep a fixed order and floats are rounded by the parts' writers, so
the same data give the same bytes.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterable

from helpers import catalog, steps
from helpers.atomic import write_json_atomic
from helpers.formatting import round_float
from helpers.paths import project_root, reports_dir

#: (key in summary.json, the step whose summary.json holds it, the key inside that file or None for all of it),
#: in the order written: every step's ``summary`` parts in the step registry (:mod:`helpers.steps`).
PARTS = steps.summary_parts()
#: Parts read from tables the notebooks write, not from a step's summary: (key, the table, relative to the
#: project root): ``later_weeks`` copied as it stands (the reader's columns), ``data_through`` the newest
#: week of ``weekly_sales.csv`` and month of ``monthly_deliveries.csv``; nothing is recomputed.
TABLE_PARTS = (
    ("later_weeks", Path("data/processed/what_happened/later_weeks.csv")),
    ("data_through", Path("data/processed/clean/weekly_sales.csv")),
)
KEYS = tuple(key for key, _, _ in PARTS) + tuple(key for key, _ in TABLE_PARTS)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _number(value: str) -> int | float | None:
    if value in ("", None):
        return None
    x = float(value)
    return int(x) if x.is_integer() else round_float(x)


def _table_part(key: str, root: Path) -> Any:
    """The part ``key`` of :data:`TABLE_PARTS` from the tables under ``root``, or ``None`` when they are missing."""
    if key == "later_weeks":
        path = root / "data/processed/what_happened/later_weeks.csv"
        if not path.is_file():
            return None
        keep = ("series", "after_week", "n_weeks", "first_week", "last_week", "min", "min_week", "max", "max_week", "mean")
        numeric = {"n_weeks", "min", "max", "mean"}
        return [{k: (_number(r[k]) if k in numeric else r[k]) for k in keep} for r in _rows(path)]
    if key == "data_through":
        weekly, monthly = root / "data/processed/clean/weekly_sales.csv", root / "data/processed/clean/monthly_deliveries.csv"
        if not weekly.is_file():
            return None
        through = {"week": max(r["week"] for r in _rows(weekly))}
        if monthly.is_file():
            through["month"] = max(r["month_label"] for r in _rows(monthly))
        return through
    raise ValueError(f"unknown table part {key!r}")


def assemble_summary(root: Path | None = None, keys: Iterable[str] = KEYS) -> dict[str, Any]:
    """The summary as a dict, in :data:`PARTS` order; a part whose step has not written its file is left out.

    ``later`` is notebook 07's summary without its ``reconciliation``, which
    is a part of its own; ``backtest``, ``backtest_overlap`` and ``window_sensitivity`` are the
    three parts of notebook 09's.  ``later_weeks`` and ``data_through`` come from tables
    (:data:`TABLE_PARTS`): the later weeks' range per series, and the newest week and month the
    cleaned data hold.  ``keys`` picks parts (notebook 06 shows the first
    three while 07 may still be running).
    """
    wanted = set(keys)
    unknown = wanted - set(KEYS)
    if unknown:
        raise ValueError(f"unknown summary part(s) {sorted(unknown)} (expected some of {', '.join(KEYS)})")
    summary: dict[str, Any] = {}
    for key, step, inner in PARTS:
        path = catalog.summary_path(step, root)
        if key not in wanted or not path.is_file():
            continue
        part = json.loads(path.read_text(encoding="utf-8"))
        if inner is not None:
            if inner in part:
                summary[key] = part[inner]
        else:  # the whole file, less the keys that are parts of their own
            own = {i for _, st, i in PARTS if st == step and i is not None}
            summary[key] = {k: v for k, v in part.items() if k not in own} if isinstance(part, dict) else part
    if "claims" in summary and "what_happened" in wanted:  # beside each claim, what the later figures say (notebook 07)
        summary["claims"] = with_later_evidence(summary["claims"], root)
    base = Path(root) if root is not None else project_root()
    for key, _ in TABLE_PARTS:
        if key in wanted:
            part = _table_part(key, base)
            if part is not None:
                summary[key] = part
    return summary


#: The columns of notebook 07's ``claims_later.csv`` set beside each claim of the audit.
LATER_KEYS = ("later_verdict", "later_evidence")


def with_later_evidence(claims: Any, root: Path | None = None) -> Any:
    """Each claim of the audit with notebook 07's ``later_verdict`` and ``later_evidence`` beside it.

    Read from ``data/processed/what_happened/claims_later.csv`` (by ``claim_id``); a claim the
    file does not hold, or a run without the file, gets ``None`` for both, so the
    report can show the article's verdict and the later one side by side.
    """
    import csv

    if not isinstance(claims, list):
        return claims
    path = catalog.step_folder("07_what_happened", root) / "claims_later.csv"
    later: dict[str, dict[str, str]] = {}
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as handle:
            later = {row["claim_id"]: row for row in csv.DictReader(handle)}
    out = []
    for claim in claims:
        row = later.get(str(claim.get("claim_id")), {})
        out.append({**claim, **{key: (row.get(key) or None) for key in LATER_KEYS}})
    return out


def write_summary(root: Path | None = None, target: Path | None = None) -> dict[str, Any]:
    """Assemble and write ``reports/summary.json`` atomically; return the summary."""
    summary = assemble_summary(root)
    write_json_atomic(target or (Path(root) / "reports" if root else reports_dir()) / "summary.json", summary)
    return summary
