"""The raw-file contract: every kind of malformed file is refused with file, line and column."""

from __future__ import annotations

import csv
import io
import random
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.data import weeks
from helpers.data.raw import RawDataError, read_tables, validate_raw_dir
from helpers.data.raw_schema import TABLES
from tests.conftest import ROOT, TODAY

HEADER = "iso_year,iso_week,series,units,source_id,locator"
SOURCE = "article_ggyjs_2025"


def write_weekly(raw: Path, *rows: str, header: str = HEADER) -> None:
    """Replace weekly_sales.csv; the alternatives are emptied, as they refer to its weeks."""
    (raw / "weekly_sales.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    (raw / "weekly_sales_alternatives.csv").write_text(HEADER + "\n", encoding="utf-8")


def problems_of(raw: Path) -> list[str]:
    return [str(p) for p in validate_raw_dir(raw, today=TODAY)[1]]


def test_committed_raw_data_is_valid():
    tables, problems = validate_raw_dir(ROOT / "data" / "raw", today=TODAY)
    assert problems == []
    assert {t.name for t in TABLES} == set(tables)


def test_article_weeks_are_series_xiaomi_su7_with_source_and_locator():
    weekly = read_tables(ROOT / "data" / "raw", today=TODAY)["weekly_sales"]
    article = weekly[(weekly["series"] == "xiaomi_su7") & (weekly["iso_year"] == 2025) & weekly["iso_week"].between(16, 19)]
    assert article["units"].tolist() == [7200, 7000, 5700, 5200]
    assert (article["source_id"] == SOURCE).all()
    assert article["locator"].str.startswith("para 3").all()


@pytest.mark.parametrize(
    ("row", "line_and_column", "words"),
    [
        (f"2025,16,xiaomi_su7,72OO,{SOURCE},para 3", "weekly_sales.csv:2: units:", "not a whole number"),
        (f"2025,16,xiaomi_su7,,{SOURCE},para 3", "weekly_sales.csv:2: units:", "is empty"),
        (f"2025,16,xiaomi_su7,-5,{SOURCE},para 3", "weekly_sales.csv:2: units:", "negative"),
        (f"2025,16,xiaomi_su7,7200.5,{SOURCE},para 3", "weekly_sales.csv:2: units:", "not a whole number"),
        (f'2025,16,xiaomi_su7,"7,200",{SOURCE},para 3', "weekly_sales.csv:2: units:", "without thousands separators"),
        (f"2025,16,xiaomi_su7,900000,{SOURCE},para 3", "weekly_sales.csv:2: units:", "out of range"),
        (f"2025,53,xiaomi_su7,7200,{SOURCE},para 3", "weekly_sales.csv:2: iso_week:", "2025 has no ISO week 53"),
        (f"2025,0,xiaomi_su7,7200,{SOURCE},para 3", "weekly_sales.csv:2: iso_week:", "out of range"),
        (f"2027,10,xiaomi_su7,7200,{SOURCE},para 3", "weekly_sales.csv:2: iso_week:", "in the future"),
        (f"1999,10,xiaomi_su7,7200,{SOURCE},para 3", "weekly_sales.csv:2: iso_year:", "out of range"),
        (f"twenty,10,xiaomi_su7,7200,{SOURCE},para 3", "weekly_sales.csv:2: iso_year:", "not a whole number"),
        (f"2025,16,Xiaomi SU7,7200,{SOURCE},para 3", "weekly_sales.csv:2: series:", "snake_case"),
        ("2025,16,xiaomi_su7,7200,no_such_source,para 3", "weekly_sales.csv:2: source_id:", "not registered"),
        (f"2025,16,xiaomi_su7,7200,{SOURCE},", "weekly_sales.csv:2: locator:", "is empty"),
        (f"2025,16,xiaomi_su7,7200,{SOURCE}", "weekly_sales.csv:2:", "has 5 fields (expected 6"),
        (f"2025,16,xiaomi_su7,7200,{SOURCE},para 3,extra", "weekly_sales.csv:2:", "has 7 fields"),
    ],
)
def test_bad_weekly_row_is_reported_with_line_and_column(raw_copy, row, line_and_column, words):
    write_weekly(raw_copy, row)
    problems = problems_of(raw_copy)
    assert len(problems) == 1, problems
    assert problems[0].startswith(line_and_column), problems[0]
    assert words in problems[0]
    assert "expected" in problems[0]


def test_duplicate_week_names_both_lines(raw_copy):
    write_weekly(raw_copy, f"2025,16,xiaomi_su7,7200,{SOURCE},para 3", f"2025,17,xiaomi_su7,7000,{SOURCE},para 3", f"2025,16,xiaomi_su7,7100,{SOURCE},para 3")
    (problem,) = problems_of(raw_copy)
    assert problem.startswith("weekly_sales.csv:4: series:")
    assert "from line 2" in problem


def test_same_week_in_two_series_is_fine(raw_copy):
    write_weekly(raw_copy, f"2025,16,xiaomi_su7,7200,{SOURCE},para 3", f"2025,16,xiaomi_all,7200,{SOURCE},para 3")
    assert problems_of(raw_copy) == []


def test_all_problems_are_reported_together_in_line_order(raw_copy):
    write_weekly(raw_copy, f"2025,16,xiaomi_su7,x,{SOURCE},para 3", f"2025,17,xiaomi_su7,7000,{SOURCE},para 3", "2025,53,xiaomi_su7,1,nobody,para 3")
    problems = problems_of(raw_copy)
    assert [p.split(": ")[0] for p in problems] == ["weekly_sales.csv:2", "weekly_sales.csv:4", "weekly_sales.csv:4"]


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("iso_week,iso_year,series,units,source_id,locator", "columns out of order"),
        ("iso_year,iso_week,series,units,source_id", "missing locator"),
        ("iso_year,iso_week,series,units,source_id,locator,comment", "unexpected comment"),
    ],
)
def test_wrong_header_is_refused(raw_copy, header, words):
    write_weekly(raw_copy, f"2025,16,xiaomi_su7,7200,{SOURCE},para 3", header=header)
    (problem,) = problems_of(raw_copy)
    assert problem.startswith("weekly_sales.csv:1: header:")
    assert words in problem and "expected exactly: " + HEADER in problem


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "file is empty"),
        (b"\n\n  \n", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("iso_year,iso_week,series,units,source_id,locator\n2025,16,小米,7200,a,b\n".encode("gbk"), "not UTF-8"),
        ("iso_year,iso_week\n".encode("utf-16"), "UTF-16"),
        (b'iso_year,iso_week,series,units,source_id,locator\n2025,16,"xiaomi_su7,7200\n', "not valid CSV"),
    ],
)
def test_unreadable_files_are_refused_with_a_hint(raw_copy, content, words):
    (raw_copy / "weekly_sales.csv").write_bytes(content)
    problems = problems_of(raw_copy)
    assert problems and problems[0].startswith("weekly_sales.csv"), problems
    assert words in problems[0]


def test_gbk_file_gets_an_iconv_hint(raw_copy):
    (raw_copy / "weekly_sales.csv").write_bytes(f"{HEADER}\n2025,16,xiaomi_su7,7200,{SOURCE},第3段\n".encode("gbk"))
    (problem,) = problems_of(raw_copy)
    assert problem.startswith("weekly_sales.csv:2:") and "iconv -f GBK -t UTF-8" in problem


def test_missing_and_unknown_files(raw_copy):
    (raw_copy / "events.csv").unlink()
    (raw_copy / "weekly_sale.csv").write_text(HEADER + "\n", encoding="utf-8")
    problems = problems_of(raw_copy)
    assert any(p.startswith("events.csv: file not found") for p in problems), problems
    assert any(p.startswith("weekly_sale.csv: is not a known raw table") for p in problems), problems


def _shuffled_variant(raw: Path, seed: int) -> None:
    """Re-save every raw file with a BOM, CRLF endings, blank trailing lines and shuffled rows."""
    rng = random.Random(seed)
    for path in raw.glob("*.csv"):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        header, body = rows[0], rows[1:]
        rng.shuffle(body)
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows([header, *body])
        path.write_bytes(b"\xef\xbb\xbf" + (out.getvalue() + "\r\n\r\n").encode("utf-8"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bom_crlf_blank_lines_and_row_order_give_identical_tables(raw_copy, seed):
    expected = read_tables(ROOT / "data" / "raw", today=TODAY)
    _shuffled_variant(raw_copy, seed)
    got = read_tables(raw_copy, today=TODAY)
    assert set(got) == set(expected)
    for name in expected:
        assert got[name].equals(expected[name]), name


def test_figure_value_must_agree_with_as_printed(raw_copy):
    path = raw_copy / "orders.csv"
    text = path.read_text(encoding="utf-8")
    assert ",1.35万辆,,13500,13500," in text
    path.write_text(text.replace(",1.35万辆,,13500,13500,", ",1.35万辆,,1350,1350,"), encoding="utf-8")
    problems = problems_of(raw_copy)
    assert len(problems) == 1 and problems[0].startswith("orders.csv:"), problems
    assert "disagrees with as_printed '1.35万辆'" in problems[0] and "13500" in problems[0]


def test_figure_ids_are_unique_across_files(raw_copy):
    orders = (raw_copy / "orders.csv").read_text(encoding="utf-8").splitlines()
    with (raw_copy / "other_figures.csv").open("a", encoding="utf-8") as handle:
        handle.write(orders[1] + "\n")
    problems = problems_of(raw_copy)
    assert len(problems) == 1 and "already used at orders.csv:2" in problems[0], problems


def test_read_tables_raises_with_every_problem(raw_copy):
    write_weekly(raw_copy, f"2025,16,xiaomi_su7,x,{SOURCE},para 3", f"2025,99,xiaomi_su7,1,{SOURCE},para 3")
    with pytest.raises(RawDataError) as info:
        read_tables(raw_copy, today=TODAY)
    assert len(info.value.problems) == 2
    assert "weekly_sales.csv:2: units:" in str(info.value) and "weekly_sales.csv:3: iso_week:" in str(info.value)


def test_validate_cli_exit_codes_and_messages(raw_copy):
    ok = subprocess.run([sys.executable, "-m", "helpers.validate", str(raw_copy)], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("data/raw OK:")
    write_weekly(raw_copy, f"2025,16,xiaomi_su7,seven,{SOURCE},para 3")
    bad = subprocess.run([sys.executable, "-m", "helpers.validate", str(raw_copy)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "weekly_sales.csv:2: units: 'seven' is not a whole number" in bad.stderr
    assert "nothing was run or written" in bad.stderr


def test_alternative_weeks_need_a_chosen_figure_from_another_source(raw_copy):
    """Built from whatever the copy holds: a chosen SU7 week and its source, and the week after the newest one."""
    import csv

    from helpers.data.weeks import add_weeks

    path = raw_copy / "weekly_sales_alternatives.csv"
    with open(raw_copy / "weekly_sales.csv", encoding="utf-8", newline="") as handle:
        chosen = [r for r in csv.DictReader(handle) if r["series"] == "xiaomi_su7"]
    first = chosen[0]
    other = "carnewschina_2025_05_19" if first["source_id"] != "carnewschina_2025_05_19" else SOURCE
    unchosen = add_weeks(max((int(r["iso_year"]), int(r["iso_week"])) for r in chosen), 1)
    path.write_text(
        HEADER + "\n"
        f"{first['iso_year']},{first['iso_week']},xiaomi_su7,7160,{other},para 1\n"
        f"{first['iso_year']},{first['iso_week']},xiaomi_su7,7000,{first['source_id']},para 3\n"
        f"{unchosen[0]},{unchosen[1]},xiaomi_su7,7000,{other},para 1\n",
        encoding="utf-8",
    )
    problems = problems_of(raw_copy)
    assert len(problems) == 2, problems
    assert problems[0].startswith("weekly_sales_alternatives.csv:3: source_id:") and "already the chosen source" in problems[0]
    assert problems[1].startswith("weekly_sales_alternatives.csv:4: series:") and "no chosen figure" in problems[1]


def test_alternatives_are_validated_like_weekly_sales(raw_copy):
    (raw_copy / "weekly_sales_alternatives.csv").write_text(HEADER + "\n2025,16,xiaomi_su7,71OO,carnewschina_2025_05_19,para 1\n", encoding="utf-8")
    (problem,) = problems_of(raw_copy)
    assert problem.startswith("weekly_sales_alternatives.csv:2: units:")


@pytest.mark.parametrize(
    ("row", "start", "words"),
    [
        ("2025,5,xiaomi_all,deliveries,28000,lower,more than 28000,carnewschina_2025_05_19,para 1", "", ""),
        ("2025,5,xiaomi_all,deliveries,29000,lower,\"more than 28,000\",carnewschina_2025_05_19,para 1", "monthly_deliveries.csv:2: units:", "does not appear"),
        ("2025,13,xiaomi_all,deliveries,28000,lower,28000,carnewschina_2025_05_19,para 1", "monthly_deliveries.csv:2: month:", "out of range"),
        ("2025,5,xiaomi_all,sales,28000,lower,28000,carnewschina_2025_05_19,para 1", "monthly_deliveries.csv:2: measure:", "not a measure"),
        ("2025,5,xiaomi_all,deliveries,28000,more,28000,carnewschina_2025_05_19,para 1", "monthly_deliveries.csv:2: bound:", "not a bound"),
        ("2027,5,xiaomi_all,deliveries,28000,exact,28000,carnewschina_2025_05_19,para 1", "monthly_deliveries.csv:2: month:", "in the future"),
    ],
)
def test_monthly_deliveries_rows(raw_copy, row, start, words):
    header = "year,month,series,measure,units,bound,as_printed,source_id,locator"
    (raw_copy / "monthly_deliveries.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    problems = problems_of(raw_copy)
    if not start:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(start) and words in problems[0], problems


def test_unknown_source_suggests_the_closest_registered_ones(raw_copy):
    write_weekly(raw_copy, f"2025,16,xiaomi_su7,7200,{SOURCE[:-1]},para 3")
    (problem,) = problems_of(raw_copy)
    assert f"did you mean {SOURCE}?" in problem


# --------------------------------------------------------------------------- events: captions

EVENTS_HEADER = "event_id,date,date_precision,date_as_printed,event,caption_en,caption_zh,source_id,locator"


def write_events(raw: Path, *rows: str) -> None:
    (raw / "events.csv").write_text("\n".join([EVENTS_HEADER, *rows]) + "\n", encoding="utf-8")


def test_every_committed_event_has_both_captions():
    events = read_tables(ROOT / "data" / "raw", today=TODAY)["events"]
    assert list(events.columns[4:7]) == ["event", "caption_en", "caption_zh"]
    assert events["caption_en"].dtype == "string" and events["caption_zh"].dtype == "string"
    assert (events["caption_en"] != "").all() and (events["caption_zh"] != "").all()
    caption = events.set_index("event_id").loc["accident_anhui_expressway"]
    assert (caption["caption_en"], caption["caption_zh"]) == ("fatal SU7 crash on NOA (Anhui)", "安徽高速小米SU7致命事故(NOA)")


@pytest.mark.parametrize(
    ("captions", "start", "words"),
    [
        ("Xiaomi YU7 launch,小米YU7上市", "", ""),
        (",", "", ""),  # no caption: the figures show the event_id
        ("Xiaomi YU7 launch,", "", ""),  # each language falls back on its own
        ("Xiaomi YU7 launch,Xiaomi YU7 launch", "events.csv:2: caption_zh:", "'Xiaomi YU7 launch' holds no Chinese character"),
        ("Xiaomi YU7 launch,(YU7)", "events.csv:2: caption_zh:", "holds no Chinese character"),
        ("小米YU7上市,小米YU7上市", "events.csv:2: caption_en:", "'小米YU7上市' holds Chinese ('小')"),
        ("YU7 launch：evening,小米YU7上市", "events.csv:2: caption_en:", "holds Chinese ('：')"),
    ],
)
def test_event_captions(raw_copy, captions, start, words):
    write_events(raw_copy, f"yu7_launch,2025-06-26,day,June 26th,Xiaomi YU7 launched,{captions},{SOURCE},para 1: \"x\"")
    problems = problems_of(raw_copy)
    if not start:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(start) and words in problems[0], problems
        assert "expected" in problems[0]


def test_events_without_the_caption_columns_are_refused(raw_copy):
    (raw_copy / "events.csv").write_text(
        "event_id,date,date_precision,date_as_printed,event,source_id,locator\n"
        f"yu7_launch,2025-06-26,day,June 26th,Xiaomi YU7 launched,{SOURCE},para 1\n", encoding="utf-8")
    (problem,) = problems_of(raw_copy)
    assert problem.startswith("events.csv:1: header: missing caption_en, caption_zh (expected exactly: " + EVENTS_HEADER)


def test_what_counts_as_chinese_is_the_one_definition_the_figures_and_fonts_use():
    from helpers import chinese
    from helpers.data import raw_schema
    from helpers.figures import cjk_font

    assert raw_schema.CJK is chinese.CJK and raw_schema.HAN is chinese.HAN and cjk_font.has_cjk is chinese.has_cjk
    every = [chr(c) for c in range(0x20, 0x10000) if not 0xD800 <= c <= 0xDFFF]
    assert [c for c in every if chinese.HAN.search(c) and not chinese.has_cjk(c)] == []  # every ideograph is CJK


# --------------------------------------------------------------------------- series: the register of weekly series


def test_a_weekly_row_of_an_unregistered_series_is_refused_with_where_to_register_it(raw_copy):
    write_weekly(raw_copy, f"2025,16,xiaomi_yu8,7200,{SOURCE},para 3")
    (problem,) = problems_of(raw_copy)
    assert problem.startswith("weekly_sales.csv:2: series: 'xiaomi_yu8' is not registered in series.csv")
    assert "(expected a series of series.csv, where its measure is declared)" in problem


def test_a_series_measure_outside_the_vocabulary_is_refused(raw_copy):
    path = raw_copy / "series.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append("rivian,sold_somehow,Rivian,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = problems_of(raw_copy)
    assert problems == [f"series.csv:{len(lines)}: measure: 'sold_somehow' is not a weekly measure "
                        "(expected one of insurance_registrations, terminal_sales, sales_as_printed)"]


def test_an_appended_row_with_the_six_columns_takes_its_measure_from_the_series(raw_copy):
    from helpers.data.raw import read_tables

    lines = (raw_copy / "weekly_sales.csv").read_text(encoding="utf-8").splitlines()[1:]
    newest = max((int(y), int(w)) for y, w, series, *_ in (line.split(",") for line in lines) if series == "xiaomi_su7")
    year, week = weeks.add_weeks(newest, 1)  # a week the file does not hold yet, whatever has been appended
    with (raw_copy / "weekly_sales.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{year},{week},xiaomi_su7,4900,{SOURCE},row 1\n")
    assert problems_of(raw_copy) == []
    series = read_tables(raw_copy, today=TODAY)["series"].set_index("series")
    assert series.loc["xiaomi_su7", "measure"] == "insurance_registrations"


def test_a_record_whose_quoted_cell_spans_lines_is_reported_where_it_starts(raw_copy):
    write_weekly(raw_copy,
                 f'2025,16,xiaomi_su7,72OO,{SOURCE},"para 3: a quote\nthat goes on\nover three lines"',
                 f"2025,17,xiaomi_su7,7OOO,{SOURCE},para 3")
    problems = problems_of(raw_copy)
    assert [p.split(": ")[0] for p in problems] == ["weekly_sales.csv:2", "weekly_sales.csv:5"]
    assert all(": units: " in p for p in problems)
