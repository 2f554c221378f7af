"""Step 01: validated raw files -> typed, canonical tables in ``data/processed/ingest``.

Canonical means: UTF-8 without BOM, ``\\n`` endings, whitespace trimmed, rows
sorted by each table's key.  A raw file saved with a BOM, CRLF endings, blank
trailing lines or shuffled rows therefore gives byte-identical outputs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pandas as pd

from helpers.atomic import write_csv_atomic
from helpers import catalog
from helpers.paths import raw_dir
from helpers.data.raw import read_tables
from helpers.data.raw_schema import TABLES_BY_NAME



def canonical_csv(frame: pd.DataFrame) -> str:
    """The exact text :func:`ingest_raw` writes for ``frame``.

    >>> canonical_csv(pd.DataFrame({"a": [1], "b": ["x"]}))
    'a,b\\n1,x\\n'
    """
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def inventory(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per table: its raw file, rows, columns and a hash of its canonical content.

    The hash changes when a value changes, not when only the file's encoding,
    line endings or row order do.
    """
    records = []
    for name, frame in frames.items():
        spec = TABLES_BY_NAME[name]
        digest = hashlib.sha256(canonical_csv(frame).encode("utf-8")).hexdigest()[:16]
        records.append(
            {
                "table": name,
                "raw_file": f"data/raw/{spec.file_name}",
                "rows": len(frame),
                "columns": len(frame.columns),
                "content_sha256_16": digest,
                "description": spec.doc,
            }
        )
    return pd.DataFrame.from_records(records).astype(
        {"table": "string", "raw_file": "string", "rows": "int64", "columns": "int64", "content_sha256_16": "string", "description": "string"}
    )


def ingest_raw(
    raw_folder: Path | str | None = None,
    out_folder: Path | str | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Validate every raw file, then write each as a canonical CSV; return the inventory.

    Nothing is written unless every file is valid (:class:`helpers.data.raw.RawDataError`
    lists all problems otherwise).
    """
    frames = read_tables(raw_folder or raw_dir(), today=today)
    out = Path(out_folder) if out_folder is not None else catalog.step_folder("01_ingest")
    for name, frame in frames.items():
        write_csv_atomic(out / f"{name}.csv", frame)
    table = inventory(frames)
    write_csv_atomic(out / "inventory.csv", table)
    return table


def read_ingested(name: str, folder: Path | str | None = None) -> pd.DataFrame:
    """Read a table written by :func:`ingest_raw` back with its declared dtypes."""
    spec = TABLES_BY_NAME[name]
    folder = Path(folder) if folder is not None else catalog.step_folder("01_ingest")
    dtypes = {c.name: c.dtype for c in spec.columns}
    return pd.read_csv(folder / f"{name}.csv", dtype=dtypes, keep_default_na=False, na_values={c.name: [""] for c in spec.columns if c.dtype != "string"})
