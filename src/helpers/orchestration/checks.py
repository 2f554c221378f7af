"""An asset check per processed table, on the step asset that writes it, from :data:`helpers.catalog.TABLES`.

Each table of the catalog gets one check, named :func:`check_name` (``clean.weekly_sales``
-> ``clean_weekly_sales``), on the asset of ``table.step``.  It passes when

* the file exists,
* its header holds every column the catalog declares as text (``table.text``) and every key column,
* the key columns (``table.key``) name each row once, and no key cell is empty.

The checks of one step run together in one op (``@multi_asset_check``: one more step per
notebook in a run, not one per table), blocking: a failed table stops the steps that read it.
Standard library only: ``csv``, no pandas.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Iterator

import dagster as dg

from helpers.catalog import TABLES, Table
from helpers.orchestration.resources import ProjectRoot

#: At most this many duplicate or empty keys are named in a check's description.
SHOWN = 5


def check_name(table: Table) -> str:
    """The check's name: the table's catalog name with ``_`` for ``.`` (a Dagster name has no dots).

    >>> from helpers.catalog import entry
    >>> check_name(entry("clean.weekly_sales"))
    'clean_weekly_sales'
    """
    return f"{table.folder}_{table.stem}"


def table_problems(table: Table, root: Path) -> list[str]:
    """What is wrong with ``table`` as written under ``root`` (empty: nothing), each naming the table.

    >>> import tempfile
    >>> from helpers.catalog import PROCESSED
    >>> t = Table("demo", "sales", "a demo", text=("series", "week"), key=("series", "week"))
    >>> root = Path(tempfile.mkdtemp())
    >>> table_problems(t, root)  # doctest: +ELLIPSIS
    ['demo.sales: no file data/processed/demo/sales.csv']
    >>> (root / PROCESSED / "demo").mkdir(parents=True)
    >>> _ = (root / t.relpath).write_text("series,week,units\\nsu7,2025-W18,1\\nsu7,2025-W18,2\\n,2025-W19,3\\n")
    >>> for p in table_problems(t, root): print(p)
    demo.sales: key (series, week) repeated: (su7, 2025-W18) x2
    demo.sales: key (series, week) has an empty cell in 1 row(s), at line 4 of the file
    """
    where = root / table.relpath
    try:
        with open(where, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        return [f"{table.name}: no file {table.relpath}"]
    except (OSError, UnicodeDecodeError, csv.Error) as unreadable:
        return [f"{table.name}: {table.relpath} cannot be read ({unreadable})"]
    if not rows:
        return [f"{table.name}: {table.relpath} is empty (no header)"]
    header, body = rows[0], rows[1:]
    missing = [c for c in dict.fromkeys((*table.text, *table.key)) if c not in header]
    if missing:
        return [f"{table.name}: the header lacks the declared column(s) {', '.join(missing)}"]
    if not table.key:
        return []
    positions = [header.index(c) for c in table.key]
    named = "(" + ", ".join(table.key) + ")"
    keys = [tuple(row[i] if i < len(row) else "" for i in positions) for row in body]
    problems = []
    repeated = [(k, n) for k, n in Counter(keys).items() if n > 1]
    if repeated:
        shown = "; ".join(f"({', '.join(k)}) x{n}" for k, n in repeated[:SHOWN])
        more = f" and {len(repeated) - SHOWN} more" if len(repeated) > SHOWN else ""
        problems.append(f"{table.name}: key {named} repeated: {shown}{more}")
    empty = [number for number, k in enumerate(keys, start=2) if "" in k]  # line 1 is the header
    if empty:
        shown = ", ".join(str(n) for n in empty[:SHOWN]) + (" ..." if len(empty) > SHOWN else "")
        problems.append(f"{table.name}: key {named} has an empty cell in {len(empty)} row(s), at line {shown} of the file")
    return problems


def table_check_result(table: Table, root: Path) -> dg.AssetCheckResult:
    """The check of one table: passed, or failed (severity ERROR) with every problem in its description."""
    problems = table_problems(table, root)
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(table.step),
        check_name=check_name(table),
        passed=not problems,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(problems) if problems else f"{table.name}: present, declared columns, key unique",
        metadata={"table": table.name, "path": table.relpath, "key": ", ".join(table.key) or "(none)",
                  "problems": len(problems)},
    )


def table_check_spec(table: Table) -> dg.AssetCheckSpec:
    key = f"key ({', '.join(table.key)}) unique, no key cell empty" if table.key else "no key declared"
    return dg.AssetCheckSpec(
        name=check_name(table),
        asset=table.step,
        blocking=True,
        description=f"{table.relpath}: exists, header holds the catalog's text columns; {key}",
    )


def step_table_checks(step: str) -> dg.AssetChecksDefinition | None:
    """The checks of every table ``step`` writes, as one op (``None``: the step writes no catalogued table)."""
    tables = [t for t in TABLES if t.step == step]
    if not tables:
        return None

    @dg.multi_asset_check(specs=[table_check_spec(t) for t in tables], name=f"{step}_tables", can_subset=True,
                          description=f"the catalog's checks of the tables {step} writes")
    def _check(context, project: ProjectRoot) -> Iterator[dg.AssetCheckResult]:
        root, selected = project.path, context.selected_asset_check_keys
        for table in tables:
            if dg.AssetCheckKey(dg.AssetKey(table.step), check_name(table)) in selected:
                yield table_check_result(table, root)

    return _check


def table_checks(steps: list[str]) -> list[dg.AssetChecksDefinition]:
    """One :func:`step_table_checks` per step that writes a catalogued table."""
    return [c for c in (step_table_checks(s) for s in steps) if c is not None]
