"""The same malformed-file cases, for every raw file: each is refused as ``file:line: column: what (expected ...)``.

``tests/data/test_raw.py`` holds the cases special to one file (week numbers,
units, captions ...).  Here every case is built from the file's own header and
its first committed row, so a new raw file is covered the day it is declared.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.data.raw import validate_raw_dir
from helpers.data.raw_schema import TABLES
from tests.conftest import ROOT, TODAY

FILES = [spec.file_name for spec in TABLES]
SPECS = {spec.file_name: spec for spec in TABLES}


def committed_rows(file_name: str) -> tuple[list[str], list[list[str]]]:
    """The committed file's header and rows, as lists of cells."""
    rows = list(csv.reader(io.StringIO((ROOT / "data" / "raw" / file_name).read_text(encoding="utf-8-sig"))))
    return rows[0], [r for r in rows[1:] if r]


def as_csv(*rows: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def problems_in(raw: Path, file_name: str) -> list[str]:
    """This file's problems (breaking one file can also upset the files that refer to it)."""
    return [str(p) for p in validate_raw_dir(raw, today=TODAY)[1] if str(p).startswith(file_name)]


def broken_column(file_name: str) -> str:
    """The column the row cases empty: the source, else the first column (the key)."""
    names = [c.name for c in SPECS[file_name].columns]
    return "source_id" if "source_id" in names else names[0]


def test_every_raw_file_has_a_first_row_to_break():
    for name in FILES:
        header, rows = committed_rows(name)
        assert header == [c.name for c in SPECS[name].columns], name
        assert rows, f"{name} has no row: the cases below would test nothing"


@pytest.mark.parametrize("file_name", FILES)
@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "file is empty"),
        (b"\n\n  \n", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("a,b\n小米,第3段\n".encode("gbk"), "not UTF-8"),
        ("a,b\n".encode("utf-16"), "UTF-16"),
    ],
    ids=["empty", "blank", "binary", "gbk", "utf16"],
)
def test_unreadable_file(raw_copy, file_name, content, words):
    (raw_copy / file_name).write_bytes(content)
    problems = problems_in(raw_copy, file_name)
    assert problems and words in problems[0], problems


@pytest.mark.parametrize("file_name", FILES)
def test_unterminated_quote(raw_copy, file_name):
    header, _ = committed_rows(file_name)
    (raw_copy / file_name).write_text(",".join(header) + '\n"unterminated,' + ",".join(["x"] * (len(header) - 1)) + "\n",
                                      encoding="utf-8")
    problems = problems_in(raw_copy, file_name)
    assert problems and "not valid CSV" in problems[0], problems


@pytest.mark.parametrize("file_name", FILES)
@pytest.mark.parametrize("change", ["swap", "missing", "extra"])
def test_wrong_header(raw_copy, file_name, change):
    header, rows = committed_rows(file_name)
    bad = {"swap": [header[1], header[0], *header[2:]], "missing": header[:-1], "extra": [*header, "comment"]}[change]
    words = {"swap": "columns out of order", "missing": f"missing {header[-1]}", "extra": "unexpected comment"}[change]
    (raw_copy / file_name).write_text(as_csv(bad, rows[0]), encoding="utf-8")
    problems = problems_in(raw_copy, file_name)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{file_name}:1: header:") and words in problems[0]
    assert "expected exactly: " + ",".join(header) in problems[0]


@pytest.mark.parametrize("file_name", FILES)
@pytest.mark.parametrize("change", ["short", "long"])
def test_row_with_the_wrong_number_of_fields(raw_copy, file_name, change):
    header, rows = committed_rows(file_name)
    row = rows[0][:-1] if change == "short" else [*rows[0], "extra"]
    (raw_copy / file_name).write_text(as_csv(header, row), encoding="utf-8")
    problems = problems_in(raw_copy, file_name)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{file_name}:2:") and f"has {len(row)} fields (expected {len(header)}" in problems[0]


@pytest.mark.parametrize("file_name", FILES)
def test_a_repeated_key_names_both_lines(raw_copy, file_name):
    header, rows = committed_rows(file_name)
    (raw_copy / file_name).write_text(as_csv(header, rows[0], rows[0]), encoding="utf-8")
    problems = problems_in(raw_copy, file_name)
    assert problems and all(p.startswith(f"{file_name}:3: ") for p in problems), problems
    assert any("line 2" in p and "expected" in p for p in problems), problems


@pytest.mark.parametrize("file_name", FILES)
def test_an_empty_required_cell(raw_copy, file_name):
    header, rows = committed_rows(file_name)
    column = broken_column(file_name)
    row = list(rows[0])
    row[header.index(column)] = ""
    (raw_copy / file_name).write_text(as_csv(header, row), encoding="utf-8")
    problems = problems_in(raw_copy, file_name)
    assert problems == [f"{file_name}:2: {column}: is empty (expected {problems[0].split('(expected ', 1)[1]}"], problems


@pytest.mark.parametrize("file_name", [f for f in FILES if "source_id" in [c.name for c in SPECS[f].columns] and f != "sources.csv"])
def test_an_unregistered_source(raw_copy, file_name):
    header, rows = committed_rows(file_name)
    row = list(rows[0])
    row[header.index("source_id")] = "no_such_source_2025"
    (raw_copy / file_name).write_text(as_csv(header, row), encoding="utf-8")
    problems = problems_in(raw_copy, file_name)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{file_name}:2: source_id: ") and "not registered" in problems[0]


@pytest.mark.parametrize("file_name", [f for f in FILES if "locator" in [c.name for c in SPECS[f].columns]])
def test_an_empty_locator(raw_copy, file_name):
    header, rows = committed_rows(file_name)
    row = list(rows[0])
    row[header.index("locator")] = ""
    (raw_copy / file_name).write_text(as_csv(header, row), encoding="utf-8")
    problems = problems_in(raw_copy, file_name)
    assert len(problems) == 1 and problems[0].startswith(f"{file_name}:2: locator: is empty"), problems


@pytest.mark.parametrize("file_name", FILES)
def test_a_record_spanning_lines_is_reported_where_it_starts(raw_copy, file_name):
    header, rows = committed_rows(file_name)
    column = broken_column(file_name)
    spanning = next(c for c in reversed(header) if c != column)
    first = list(rows[0])
    first[header.index(spanning)] = first[header.index(spanning)] + "\nsecond line of the same cell"
    first[header.index(column)] = ""
    last = list(rows[0])
    last[header.index(column)] = ""
    (raw_copy / file_name).write_text(as_csv(header, first, last), encoding="utf-8")
    lines = [p.split(": ", 1)[0] for p in problems_in(raw_copy, file_name)]
    # header on line 1, the first record on lines 2-3, the second record on line 4
    assert f"{file_name}:2" in lines and f"{file_name}:4" in lines and f"{file_name}:3" not in lines, lines


@pytest.mark.parametrize("file_name", FILES)
def test_bom_and_crlf_are_read_as_the_committed_file(raw_copy, file_name):
    text = (raw_copy / file_name).read_text(encoding="utf-8")
    (raw_copy / file_name).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert problems_in(raw_copy, file_name) == []


@pytest.mark.parametrize("file_name", FILES)
def test_the_validator_refuses_and_says_nothing_was_written(raw_copy, file_name):
    header, rows = committed_rows(file_name)
    (raw_copy / file_name).write_text(as_csv(header, rows[0][:-1]), encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for p in raw_copy.iterdir()}
    result = subprocess.run([sys.executable, "-m", "helpers.validate", str(raw_copy)], capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{file_name}:2:" in result.stderr and "nothing was run or written" in result.stderr
    assert {p: p.stat().st_mtime_ns for p in raw_copy.iterdir()} == before


def test_a_page_registered_under_two_ids_is_refused(raw_copy):
    header, rows = committed_rows("sources.csv")
    url = header.index("url")
    index, page = next((i, r) for i, r in enumerate(rows) if r[url])
    twin = list(page)
    twin[0] = twin[0] + "_again"
    (raw_copy / "sources.csv").write_text(as_csv(header, *rows, twin), encoding="utf-8")
    problems = problems_in(raw_copy, "sources.csv")
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"sources.csv:{len(rows) + 2}: url: ")
    assert f"already registered as {page[0]!r} at line {index + 2}" in problems[0]
    assert "expected one source_id per page" in problems[0]


def test_sources_without_a_published_page_do_not_collide(raw_copy):
    header, rows = committed_rows("sources.csv")
    url = header.index("url")
    assert any(not r[url] for r in rows), "the article has no published page: its url is empty"
    unpublished = list(next(r for r in rows if r[url]))
    unpublished[0], unpublished[url] = "a_second_unpublished_source", ""
    (raw_copy / "sources.csv").write_text(as_csv(header, *rows, unpublished), encoding="utf-8")
    assert problems_in(raw_copy, "sources.csv") == []
