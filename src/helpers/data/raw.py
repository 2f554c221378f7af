"""Reading and validating ``data/raw``: every file against its spec (:mod:`helpers.data.raw_schema`, the contract).

``data/raw`` holds hand-entered figures, each with a ``source_id`` and a
``locator``.  Code never writes there.  This module checks every file against
its spec and reports *all* problems at once, one a line, as an editor counts
lines (the header is line 1)::

    weekly_sales.csv:7: units: '72OO' is not a whole number (expected digits, e.g. 7200)

:func:`summarize` prints them: a problem repeated on many rows is shown for its
first rows, then counted in one line, and values are quoted escaped and cut, so
the output stays short whatever a file holds.  Every cell must be plain text
(:func:`check_plain_text`: no bidi or other invisible character, nothing that
starts like a spreadsheet formula), and a raw file must be a regular file, not a
link (:func:`read_raw_file`).

It uses the standard library only, so ``python -m helpers.validate`` answers
in well under a second, before any kernel starts.  :func:`read_table` returns
validated rows as a typed pandas DataFrame (pandas is imported lazily).
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from helpers.data import weeks
from helpers.data.raw_schema import (
    FIGURE_TABLES, INVISIBLE, SHOWN_CHARS, SNAKE, SOURCES, TABLES, TABLES_BY_FILE, TABLES_BY_NAME, CellError,
    TableSpec, ValidationContext, check_plain_text, clip, shown,
)

# ---------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------



#: At most this many characters of one problem's message (a safety net: the values in it are already cut).
MESSAGE_CHARS = 600


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a raw file; ``line`` is 0 for the file as a whole.

    ``kind`` names the check that found it (the same check on the same column of
    the same file is "the same problem" when :func:`summarize` folds repeats);
    it takes no part in comparisons.
    """

    file_name: str
    line: int
    column: str
    message: str
    kind: str = field(default="", compare=False)

    def __str__(self) -> str:
        if self.line == 0:
            where = f"{self.file_name}"
        else:
            where = f"{self.file_name}:{self.line}"
        message = self.message
        if len(message) > MESSAGE_CHARS:  # keep the start and the "(expected ...)" end
            half = MESSAGE_CHARS // 2
            message = f"{message[:half]} [... {len(message) - 2 * half:,} characters cut ...] {message[-half:]}"
        return f"{where}: {self.column}: {message}" if self.column else f"{where}: {message}"


#: :func:`summarize` prints this many problems of one kind (same file, column and check), then a count of the rest.
SHOWN_PER_KIND = 5
#: :func:`summarize` prints at most this many lines in all, whatever the input.
SHOWN_LINES = 200

#: What each kind of problem is, in the words of the summary line ("... and 199,995 more ...: <words>").
KIND_WORDS = {
    "_check_source_registered": "a source_id not registered in sources.csv",
    "_check_locator": "a locator too short to find the figure",
    "_check_week_exists": "an ISO week that does not exist or has not begun",
    "_check_figure_values": "values that disagree with as_printed",
    "_check_value_printed": "units that do not appear in as_printed",
    "_check_units_quoted": "units that do not appear in the locator's quote",
    "_snake": "not a snake_case name",
    "_units": "not a count of vehicles",
    "_year": "not a year",
    "_week_number": "not an ISO week number",
    "_text": "an empty required text",
    "fields": "the wrong number of fields",
    "repeated key": "a repeated key",
    "unregistered series": "a series not registered in series.csv",
    "unknown file": "not a known raw table",
    "formula": "starts like a spreadsheet formula",
    "bidi control": "an invisible bidi control character",
    "invisible character": "an invisible or control character",
}


def summarize(problems: Sequence[Problem], per_kind: int = SHOWN_PER_KIND, max_lines: int = SHOWN_LINES) -> list[str]:
    """The problems as lines to print: the first ``per_kind`` of each kind, then one line counting the rest.

    A kind is the same check on the same column of the same file.  The count line
    reads ``file: column: ... and N more of the same problem (what), lines A to B``.
    Output is bounded whatever the input: kinds are bounded by the schemas (every
    unknown file is one kind), and ``max_lines`` caps the total.

    >>> bad = [Problem("holidays.csv", n, "source_id", f"'x' is not registered ({n})", "_check_source_registered")
    ...        for n in range(2, 9)]
    >>> for line in summarize(bad, per_kind=2): print(line)
    holidays.csv:2: source_id: 'x' is not registered (2)
    holidays.csv:3: source_id: 'x' is not registered (3)
    holidays.csv: source_id: ... and 5 more of the same problem (a source_id not registered in sources.csv), lines 4 to 8
    """
    def group(p: Problem) -> tuple[str, str, str]:
        return (p.file_name if p.file_name in TABLES_BY_FILE else "", p.column, p.kind or p.message)

    members: dict[tuple[str, str, str], list[Problem]] = {}
    for p in problems:
        members.setdefault(group(p), []).append(p)
    printed: dict[tuple[str, str, str], int] = {}
    lines: list[str] = []
    accounted = 0
    for p in problems:
        key = group(p)
        count = printed.get(key, 0)
        if count >= per_kind:
            continue
        if len(lines) >= max_lines:
            lines.append(f"... and {len(problems) - accounted:,} more problem(s) not listed (at most {max_lines} lines are printed)")
            break
        printed[key] = count + 1
        lines.append(str(p))
        accounted += 1
        same = members[key]
        if count + 1 == per_kind and len(same) > per_kind:
            rest = same[per_kind:]
            where = f"{key[0]}: {key[1]}: " if key[1] else (f"{key[0]}: " if key[0] else "")
            what = KIND_WORDS.get(p.kind, f"the same check as line {p.line} above" if p.line else "the same check")
            span = f", lines {rest[0].line:,} to {rest[-1].line:,}" if rest[0].line else ""
            lines.append(f"{where}... and {len(rest):,} more of the same problem ({what}){span}")
            accounted += len(rest)
    return lines


class RawDataError(ValueError):
    """Raised when raw files break their contract; ``problems`` lists each one."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        lines = "\n".join(summarize(self.problems))
        super().__init__(f"{len(self.problems)} problem(s) in data/raw:\n{lines}")


# ---------------------------------------------------------------------------
# Reading text
# ---------------------------------------------------------------------------

_BOMS = {
    b"\xff\xfe": "UTF-16 (little-endian)",
    b"\xfe\xff": "UTF-16 (big-endian)",
}


def decode_raw_bytes(file_name: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """Bytes of a raw file -> text with ``\\n`` endings, or the problems that stop it.

    A UTF-8 BOM and CRLF endings are accepted; anything not UTF-8 is refused
    with a hint.

    >>> decode_raw_bytes("x.csv", b"\\xef\\xbb\\xbfa,b\\r\\n1,2\\r\\n")
    ('a,b\\n1,2\\n', [])
    >>> decode_raw_bytes("x.csv", "销量".encode("gbk"))[1][0].message[:26]
    'is not UTF-8 text (byte 0x'
    """
    if not data.strip():
        return None, [Problem(file_name, 0, "", "file is empty (expected a header line and rows)")]
    for bom, name in _BOMS.items():
        if data.startswith(bom):
            return None, [Problem(file_name, 0, "", f"is {name} text (expected UTF-8; re-save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8)")]
    if b"\x00" in data:
        return None, [Problem(file_name, 0, "", "holds NUL bytes: a binary file, not CSV text (expected UTF-8 CSV)")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        return None, [
            Problem(
                file_name,
                line,
                "",
                f"is not UTF-8 text (byte 0x{byte:02x} at offset {exc.start}; expected UTF-8 — "
                "if it came from Excel or a GBK editor, re-save as 'CSV UTF-8' or run iconv -f GBK -t UTF-8)",
            )
        ]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if control:
        line = text[: control.start()].count("\n") + 1
        return None, [Problem(file_name, line, "", f"holds control character {control.group()!r}: not CSV text (expected UTF-8 CSV)")]
    return text, []


@dataclass
class ParsedTable:
    """A validated raw table: typed rows with the line each came from."""

    spec: TableSpec
    rows: list[dict[str, Any]]
    lines: list[int]


#: At most this many unexpected header names are quoted (the first line of a file that is not a raw table can be anything).
SHOWN_HEADER_NAMES = 5


def _header_names(names: Sequence[str]) -> str:
    """Header names as the header problem lists them: a plain name as is, anything else quoted and cut.

    >>> _header_names(["comment"]), _header_names(["root:x:0:0:root:/root:/bin/bash"])
    ('comment', "'root:x:0:0:root:/root:/bin/bash'")
    >>> _header_names([f"c{n}" for n in range(8)])
    'c0, c1, c2, c3, c4 and 3 more'
    """
    listed = [n if SNAKE.match(n) and len(n) <= 40 else shown(n, 40) for n in names[:SHOWN_HEADER_NAMES]]
    more = f" and {len(names) - SHOWN_HEADER_NAMES:,} more" if len(names) > SHOWN_HEADER_NAMES else ""
    return ", ".join(listed) + more


def parse_table(spec: TableSpec, text: str, ctx: ValidationContext) -> tuple[ParsedTable, list[Problem]]:
    """Check ``text`` against ``spec``; return the good rows and every problem found."""
    problems: list[Problem] = []
    name = spec.file_name
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records, previous = [], 0
        for rec in reader:  # a record starts on the line after the previous one ended (a quoted cell may span lines)
            records.append((previous + 1, rec))
            previous = reader.line_num
    except csv.Error as exc:
        return ParsedTable(spec, [], []), [Problem(name, reader.line_num, "", f"is not valid CSV ({exc}; expected comma-separated fields, quotes closed)")]
    records = [(line, rec) for line, rec in records if rec and any(cell.strip() for cell in rec)]
    if not records:
        return ParsedTable(spec, [], []), [Problem(name, 0, "", "file is empty (expected a header line and rows)")]
    header_line, header = records[0]
    header = [h.strip() for h in header]
    if header != spec.column_names:
        missing = [c for c in spec.column_names if c not in header]
        extra = [c for c in header if c not in spec.column_names]
        detail = []
        if missing:
            detail.append(f"missing {', '.join(missing)}")
        if extra:
            detail.append(f"unexpected {_header_names(extra)}")
        if not detail:
            detail.append("columns out of order")
        return ParsedTable(spec, [], []), [
            Problem(name, header_line, "header", f"{'; '.join(detail)} (expected exactly: {','.join(spec.column_names)})", "header")
        ]
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    seen: dict[tuple, int] = {}
    for line, record in records[1:]:
        if len(record) != len(spec.columns):
            problems.append(
                Problem(name, line, "", f"has {len(record)} fields (expected {len(spec.columns)}: {','.join(spec.column_names)})",
                        "fields")
            )
            continue
        row: dict[str, Any] = {}
        row_ok = True
        for column, cell in zip(spec.columns, record):
            try:
                check_plain_text(cell)
                row[column.name] = column.check(cell.strip())
            except CellError as exc:
                problems.append(Problem(name, line, column.name, str(exc), exc.kind or column.check.__name__))
                row_ok = False
        if not row_ok:
            continue
        row_problems = [Problem(name, line, col, msg, check.__name__) for check in spec.row_checks for col, msg in check(row, ctx)]
        problems.extend(row_problems)
        key = tuple(row[k] for k in spec.key)
        if key in seen:
            repeated = ", ".join(f"{k}={row[k]}" for k in spec.key)
            problems.append(Problem(name, line, spec.key[-1], f"repeats {clip(repeated)} from line {seen[key]} (expected one row per {', '.join(spec.key)})",
                                    "repeated key"))
            continue
        seen[key] = line
        if not row_problems:
            rows.append(row)
            lines.append(line)
    return ParsedTable(spec, rows, lines), problems


# ---------------------------------------------------------------------------
# Whole folder
# ---------------------------------------------------------------------------


def _file_label(name: str) -> str:
    """A file name as a problem names it: as is when plain, else quoted (escaped) and cut.

    >>> _file_label("weekly_sale.csv"), _file_label("x\\u202egnp.csv")
    ('weekly_sale.csv', "'x\\\\u202egnp.csv'")
    """
    return name if name.isprintable() and not INVISIBLE.search(name) and len(name) <= SHOWN_CHARS else shown(name)


def read_raw_file(folder: Path, file_name: str) -> tuple[bytes, Problem | None]:
    """The bytes of ``folder/file_name`` if it is a regular file there, else the problem that refuses it.

    A symbolic link is refused without being followed (its target could be any
    file on the machine, and an error quoting its first line would print that
    file), and so is anything that is not a regular file (a FIFO would hang the
    reader, a device would never end).  The file is opened with ``O_NOFOLLOW``
    and checked with ``fstat`` on the open descriptor, so it cannot be swapped
    for a link between the check and the read.  The problem names the raw file
    only, never the link's target.
    """
    path = folder / file_name
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    link = Problem(file_name, 0, "", "is a symbolic link; it was not followed or read (expected a regular file "
                                     "in data/raw: copy the file in instead of linking it)", "symlink")
    try:
        if path.is_symlink():  # where O_NOFOLLOW is missing; and a dangling link is a link, not a missing file
            return b"", link
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        return b"", Problem(file_name, 0, "", "file not found in data/raw (expected it, even with a header only)", "missing file")
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link (swapped in after the check above)
            return b"", link
        if exc.errno == errno.EISDIR:
            return b"", Problem(file_name, 0, "", "is a folder (expected a regular file in data/raw)", "not a file")
        return b"", Problem(file_name, 0, "", f"cannot be read ({exc.strerror}; expected a readable regular file in data/raw)",
                            "not a file")
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            what = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a device, socket or other special file"
            return b"", Problem(file_name, 0, "", f"is {what}, not a regular file; it was not read (expected a regular file "
                                                  "in data/raw)", "not a file")
        chunks = []
        while chunk := os.read(descriptor, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), None
    finally:
        os.close(descriptor)


def validate_raw_dir(folder: Path | str, today: dt.date | None = None) -> tuple[dict[str, ParsedTable], list[Problem]]:
    """Validate every raw file in ``folder``; return the parsed tables and all problems.

    Unknown ``*.csv`` files are problems too (a misspelt file name would
    otherwise be silently ignored).
    """
    folder = Path(folder)
    ctx = ValidationContext(today=today or dt.date.today())
    problems: list[Problem] = []
    tables: dict[str, ParsedTable] = {}
    if not folder.is_dir():
        return tables, [Problem(str(folder), 0, "", "folder not found (expected data/raw with the raw CSV files)")]
    present = {p.name for p in folder.glob("*.csv")}
    for unknown in sorted(present - set(TABLES_BY_FILE)):
        problems.append(Problem(_file_label(unknown), 0, "", f"is not a known raw table (expected one of: {', '.join(TABLES_BY_FILE)})",
                                "unknown file"))
    for spec in TABLES:
        data, refused = read_raw_file(folder, spec.file_name)
        if refused is not None:
            problems.append(refused)
            continue
        text, decode_problems = decode_raw_bytes(spec.file_name, data)
        problems.extend(decode_problems)
        if text is None:
            continue
        table, table_problems = parse_table(spec, text, ctx)
        problems.extend(table_problems)
        tables[spec.name] = table
        if spec is SOURCES:
            ctx.source_ids = frozenset(r["source_id"] for r in table.rows)
        if spec in FIGURE_TABLES:
            for row, line in zip(table.rows, table.lines):
                where = ctx.figure_ids.get(row["figure_id"])
                if where:
                    problems.append(
                        Problem(spec.file_name, line, "figure_id", f"{shown(row['figure_id'])} is already used at {where} (expected ids unique across figure files)",
                                "repeated figure_id")
                    )
                else:
                    ctx.figure_ids[row["figure_id"]] = f"{spec.file_name}:{line}"
    problems.extend(_cross_check_source_urls(tables))
    problems.extend(_cross_check_alternatives(tables))
    problems.extend(_cross_check_series(tables))
    return tables, sorted(set(problems), key=lambda p: (_file_order(p.file_name), p.line, p.column, p.message))


def _cross_check_source_urls(tables: Mapping[str, ParsedTable]) -> list[Problem]:
    """A page is registered once: two ids for one url would count one source as two."""
    table = tables.get("sources")
    if table is None:
        return []
    first: dict[str, tuple[str, int]] = {}
    problems = []
    for row, line in zip(table.rows, table.lines):
        if not row["url"]:
            continue  # no published page (e.g. the article's seed copy): nothing to register twice
        if row["url"] in first:
            other, other_line = first[row["url"]]
            problems.append(Problem(SOURCES.file_name, line, "url",
                                    f"{clip(row['url'])} is already registered as {shown(other)} at line {other_line} "
                                    f"(expected one source_id per page: use {shown(other)})", "repeated url"))
        else:
            first[row["url"]] = (row["source_id"], line)
    return problems


#: (chosen table, its alternatives): an alternative figure must stand beside a chosen one, from another source.
ALTERNATIVE_PAIRS = (("weekly_sales", "weekly_sales_alternatives"), ("market_registrations", "market_registrations_alternatives"))


def _cross_check_alternatives(tables: Mapping[str, ParsedTable]) -> list[Problem]:
    """Each alternative figure must stand beside a chosen one, from another source."""
    problems = []
    for chosen_name, alternatives_name in ALTERNATIVE_PAIRS:
        chosen_table, alternatives = tables.get(chosen_name), tables.get(alternatives_name)
        if chosen_table is None or alternatives is None:
            continue
        chosen_file, file_name = TABLES_BY_NAME[chosen_name].file_name, TABLES_BY_NAME[alternatives_name].file_name
        chosen = {(r["iso_year"], r["iso_week"], r["series"]): r["source_id"] for r in chosen_table.rows}
        for row, line in zip(alternatives.rows, alternatives.lines):
            key = (row["iso_year"], row["iso_week"], row["series"])
            label = f"{weeks.week_label(key[0], key[1])} {key[2]}"
            if key not in chosen:
                problems.append(Problem(file_name, line, "series",
                                        f"{label} has no chosen figure in {chosen_file} (expected the alternative to stand beside one)",
                                        "alternative without a chosen figure"))
            elif chosen[key] == row["source_id"]:
                problems.append(Problem(file_name, line, "source_id",
                                        f"{shown(row['source_id'])} is already the chosen source for {label} (expected a different source)",
                                        "alternative from the chosen source"))
    return problems


#: The files whose ``series`` must be registered in series.csv.
SERIES_USERS = ("weekly_sales", "weekly_sales_alternatives", "market_registrations", "market_registrations_alternatives")


def _cross_check_series(tables: Mapping[str, ParsedTable]) -> list[Problem]:
    """Every weekly row's series is registered in series.csv (its measure comes from there)."""
    register = tables.get("series")
    if register is None:
        return []
    known = {r["series"] for r in register.rows}
    problems = []
    for name in SERIES_USERS:
        table = tables.get(name)
        if table is None:
            continue
        for row, line in zip(table.rows, table.lines):
            if row["series"] not in known:
                problems.append(Problem(TABLES_BY_NAME[name].file_name, line, "series",
                                        f"{shown(row['series'])} is not registered in series.csv (expected a series of series.csv, "
                                        "where its measure is declared)", "unregistered series"))
    return problems


_FILE_ORDER = {name: n for n, name in enumerate(TABLES_BY_FILE)}


def _file_order(file_name: str) -> int:
    return _FILE_ORDER.get(file_name, len(_FILE_ORDER))


def load_raw(folder: Path | str | None = None, today: dt.date | None = None) -> dict[str, ParsedTable]:
    """Validated raw tables, or :class:`RawDataError` listing every problem."""
    if folder is None:
        from helpers.paths import raw_dir

        folder = raw_dir()
    tables, problems = validate_raw_dir(folder, today=today)
    if problems:
        raise RawDataError(problems)
    return tables


def to_frame(table: ParsedTable):
    """A parsed table as a pandas DataFrame with explicit dtypes, sorted by its key.

    Sorting makes shuffled input rows give the same output.
    """
    import pandas as pd

    spec = table.spec
    frame = pd.DataFrame(table.rows, columns=spec.column_names)
    frame = frame.astype({c.name: c.dtype for c in spec.columns})
    if spec.sort_by:
        frame = frame.sort_values(list(spec.sort_by), kind="mergesort").reset_index(drop=True)
    return frame


def read_tables(folder: Path | str | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """All raw tables, validated, as typed DataFrames keyed by name (``weekly_sales`` ...)."""
    return {name: to_frame(table) for name, table in load_raw(folder, today=today).items()}
