"""Check every file in ``data/raw`` against its schema.

Usage::

    python -m helpers.validate            # the project's data/raw
    python -m helpers.validate PATH       # another folder of raw files

Prints the problems, one a line (``file:line: column: what is wrong
(expected ...)``), and exits 1; prints a one-line summary and exits 0 when all
files are good.  A problem repeated on many rows (the same check on the same
column of the same file) is printed for its first few rows, then counted in one
line (``... and 199,995 more of the same problem (...), lines 12 to 200,006``),
so the output stays short whatever the input.  Uses the standard library only,
so it answers in well under a second.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers.data.raw import summarize, validate_raw_dir
from helpers.data.raw_schema import TABLES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.validate",
        description="Validate the hand-entered raw files in data/raw before anything runs.",
        epilog="Exit status: 0 all good, 1 problems found (each printed as file:line: column: message).",
    )
    parser.add_argument("folder", nargs="?", type=Path, help="folder of raw CSV files (default: the project's data/raw)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing when all is well")
    args = parser.parse_args(argv)
    folder = args.folder
    if folder is None:
        from helpers.paths import raw_dir

        folder = raw_dir()
    tables, problems = validate_raw_dir(folder)
    if problems:
        print(f"data/raw is not valid: {len(problems):,} problem(s); nothing was run or written.", file=sys.stderr)
        for line in summarize(problems):
            print(f"  {line}", file=sys.stderr)
        return 1
    if not args.quiet:
        rows = sum(len(t.rows) for t in tables.values())
        print(f"data/raw OK: {len(TABLES)} files, {rows} rows, every row sourced")
    return 0


if __name__ == "__main__":
    sys.exit(main())
