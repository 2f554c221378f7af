"""One number, one verdict: every number the index prints is in reports/summary.json, rounded as printed.

These tests read the committed index pages and summary.json, so they hold for every valid data set: they
check agreement between the two, never a value.  The sections checked are those marked
``data-numbers="summary"`` (the bottom line, the findings, the claims); the article's own words (quotes and
their translations), the plain names of claims and the links to the notebooks ("notebook 03") are not the
project's numbers and are left out.  Then
one test per disagreement issue 22 found between pages, on the index's side.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

import pytest

from helpers.formatting import number
from helpers.narrative import reader
from tests.conftest import ROOT

HTML = ROOT / "reports" / "html"
SUMMARY = json.loads((ROOT / "reports" / "summary.json").read_text(encoding="utf-8"))
WEEK = re.compile(r"(?<!\d)\d{4}-W\d{2}(?!\d)")
NUMBER = re.compile(r"[−-]?\d[\d,]*(?:\.\d+)?")
#: Typed on purpose, not results: the 95% of every interval, the holiday's dates.
FIXED_PHRASES = ("95%", "1-5 May", "5月1日至5日", "95")


class _Sections(HTMLParser):
    """The text of the elements marked ``data-numbers="summary"``, without quotes and translations."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        inside = any(s[1] for s in self.stack) or a.get("data-numbers") == "summary"
        skip = any(s[2] for s in self.stack) or bool({"quote", "translation", "where"} & set((a.get("class") or "").split()))
        self.stack.append((tag, inside, skip))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][1] and not self.stack[-1][2]:
            self.parts.append(data)


def checked_text(lang: str = "en") -> str:
    parser = _Sections()
    parser.feed((HTML / ("index.html" if lang == "en" else "index.zh.html")).read_text(encoding="utf-8"))
    text = " ".join(parser.parts)
    for key, value in reader.labels()[lang].items():  # plain names of claims are labels, not results
        if key.startswith("claim_"):
            text = re.sub(re.escape(value), " ", text, flags=re.I)
    return text


def leaves(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from leaves(v)
    elif isinstance(node, list):
        yield len(node)
        for v in node:
            yield from leaves(v)
        dicts = [v for v in node if isinstance(v, dict)]
        for key in {k for d in dicts for k in d}:  # counts of a field's values: "2 contradict", "9 cannot be checked"
            yield from Counter(str(d.get(key)) for d in dicts).values()
    elif isinstance(node, bool) or node is None:
        return
    elif isinstance(node, (int, float)):
        yield node
    elif isinstance(node, str):
        yield from (float(m) for m in re.findall(r"(?<![\dW-])\d+(?:\.\d+)?(?![\d-])", node.replace(",", "")))


VALUES = [float(v) for v in leaves(SUMMARY)]
STRINGS = json.dumps(SUMMARY, ensure_ascii=False)


def rounded(value: float, digits: int) -> Decimal:
    return Decimal(repr(abs(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def in_summary(printed: str) -> bool:
    plain = printed.replace(",", "").replace("−", "").replace("-", "")
    digits = len(plain.split(".")[1]) if "." in plain else 0
    want = Decimal(plain)
    return any(rounded(v, digits) == want or rounded(100 * v, digits) == want for v in VALUES)


@pytest.mark.parametrize("lang", reader.LANGS)
def test_every_number_on_the_index_is_in_the_summary(lang):
    text = checked_text(lang)
    assert len(text) > 500, "the index lost its bottom line or findings"
    weeks = WEEK.findall(text)
    assert weeks and all(w in STRINGS for w in weeks), [w for w in weeks if w not in STRINGS]
    text = WEEK.sub(" ", text)
    for phrase in FIXED_PHRASES:
        text = text.replace(phrase, " ")
    text = re.sub(r"n = ", "n=", text)
    missing = [n for n in NUMBER.findall(text) if not in_summary(n)]
    assert missing == [], f"numbers on the index ({lang}) that summary.json does not hold, rounded as printed: {missing}"


def own_text(name: str = "index.html") -> str:
    """The index's own text: everything but the figures' captions and alt texts (the figures' titles)."""
    page = (HTML / name).read_text(encoding="utf-8")
    page = re.sub(r"<figure.*?</figure>", " ", page, flags=re.S)
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


def test_capacity_multiples_are_only_those_the_summary_holds():
    """1.7x in one place, 1.8x in another: a multiple the index prints must be a computed one."""
    multiples = re.findall(r"(\d+(?:\.\d+)?)\s*[×x]\b", own_text())
    assert all(in_summary(m) for m in multiples), multiples


def test_the_backlog_clears_in_the_summarys_range_never_one_scenarios_week():
    """"87 weeks" against "week 88" (issue 22), then false precision (issue 24): the index gives the range over the
    plausible inputs from ``clearance_ranges``, never the mid scenario's week or its count of weeks."""
    text = own_text()
    for name, reading in SUMMARY["run_rate"]["readings"].items():
        run = reading["scenarios"]["mid"]["sales_run_rate"]
        if run["clearance"] == "within_horizon":
            assert WEEK.search(run["clears_in"]).group(0) not in text, name
            assert f"{number(run['weeks_to_clear'])} weeks" not in text
        span = SUMMARY["run_rate"]["clearance_ranges"][name]["sales_run_rate"]
        if span["n_never"] < span["n_combinations"]:
            assert f"{number(span['earliest_weeks'])} " in text, (name, span)
    assert not re.search(r"\b\d+ weeks to clear", text)


def test_the_forecast_miss_names_the_weeks_it_was_fitted_on():
    """"The trend missed W22" (the line through W16-W19) against "8 of 8 inside" (the fit over W13-W23)."""
    card = SUMMARY["what_happened"]["scorecard"]
    text = own_text()
    assert "missed" not in text.lower() and "8 of 8" not in text
    for week in card["weeks_outside"]:
        sentence = next(s for s in re.split(r"(?<=\.)\s", text) if "forecast" in s and week in s)
        assert card["fit_first_week"] in sentence and card["fit_last_week"] in sentence, sentence


def test_each_claims_verdict_on_the_index_is_the_summarys():
    """Design capacity "rejected" in one notebook and "unverifiable" in another: the index shows the audit's verdict."""
    rows = reader.claim_rows(SUMMARY, "en")
    page = (HTML / "index.html").read_text(encoding="utf-8")
    for claim, row in zip(SUMMARY["claims"], rows):
        words = {"consistent": "verdict_consistent", "inconsistent": "verdict_inconsistent", "unverifiable": "verdict_unverifiable"}
        assert row.verdict == reader.text(words[claim["verdict"]])
        name = row.name[:1].upper() + row.name[1:]
        assert re.search(rf"<th>{re.escape(name)}</th>.*?<td[^>]*>{re.escape(row.verdict)}</td>", page.replace("&#x27;", "'")), row.name
    assert "rejected" not in own_text().lower()


def test_every_page_says_the_month_the_data_run_through():
    """"Jan-Oct" where the data run to December: the pages say the newest week and month, from the data."""
    through = SUMMARY["data_through"]
    line = reader.text("data_through", "en", week=through["week"], month=reader.month_name(through["month"]))
    for page in sorted(HTML.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        if page.name == "index.zh.html":
            assert reader.text("data_through", "zh", week=through["week"], month=reader.month_name(through["month"], "zh")) in text
        else:
            assert line in text, page.name
    # nor does any page say the months run Jan to something: the pages take the month from the data
    month_range = re.compile(r"\bJan(uary)?\s*[-–]\s*(Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov)")
    for page in sorted(HTML.glob("*.html")):
        assert not month_range.search(own_text(page.name)), page.name


def test_the_weekly_trend_row_answers_the_claim_on_the_articles_own_weeks():
    """The W16-W19 claim answered with a W14-W23 window read as "no slump"; on its own four weeks the fall was ~-730 a week."""
    part = SUMMARY["trend"]["article_weeks"]
    assert (part["first_week"], part["last_week"]) == ("2025-W16", "2025-W19")
    [row] = [r for r in reader.index_findings(SUMMARY) if r.notebook == "03_trend"]
    assert f"{part['first_week']} to {part['last_week']}" in row.evidence
    slope = number(abs(part["slope_units_per_week"]) if part["slope_ci95"][1] < 0 else part["slope_units_per_week"])
    assert slope in row.evidence and f"n = {part['n_weeks']} weeks" in row.evidence
    assert f"95% CI {number(part['slope_ci95'][0])} to {number(part['slope_ci95'][1])}" in row.evidence
    if part["slope_ci95"][1] < 0:
        assert row.evidence.startswith("Yes") and "no slump" not in row.evidence.lower()
    assert row.evidence in (HTML / "index.html").read_text(encoding="utf-8").replace("&#x27;", "'")


@pytest.mark.parametrize("name", ["index.html", "index.zh.html"])
def test_no_code_ids_or_jargon_in_the_indexs_own_text(name):
    """Series, brand and claim ids and the methods' jargon live in the notebooks, not on the index."""
    text = own_text(name)
    text = text[: text.find(reader.text("sources_h", "en" if name == "index.html" else "zh"))]  # publishers as they are
    ids = sorted(set(re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", text)))
    assert ids == [], ids
    for word in ("log-odds", "MASE", "df_resid", "residual degrees", "window_mean", "Diebold", "OLS"):
        assert word not in text, word


def test_the_chinese_index_has_the_bottom_line_findings_timeline_and_sources_in_chinese():
    page = (HTML / "index.zh.html").read_text(encoding="utf-8")
    for key in ("bottom_line_h", "findings_h", "claims_h", "timeline_h", "sources_h", "q_whose", "q_claims", "q_next",
                "registrations_note"):
        assert html_escape(reader.text(key, "zh")) in page, key
    for date, caption in reader.timeline(csv_rows(ROOT / "data/processed/clean/events.csv"), "zh"):
        assert html_escape(caption) in page, caption
    english_only = [reader.text(k, "en") for k in ("bottom_line_h", "findings_h", "registrations_note")]
    assert not any(html_escape(t) in page for t in english_only)


def html_escape(text: str) -> str:
    import html

    return html.escape(text)


def csv_rows(path):
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
