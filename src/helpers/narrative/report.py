"""The findings the HTML report leads with: what the article claimed, what the evidence says, how sure.

Each :class:`FindingRow` is built from ``reports/summary.json`` only (the numbers
the notebooks computed), and names the notebook and section that computed it,
so the report can link a reader to the working.  A part missing from the
summary (a step that has not run) gives no finding rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from helpers.formatting import measure_words, number, plural, signed_percent, week_span
from helpers.narrative.backtest import backtest_finding

__all__ = ["FindingRow", "findings"]


@dataclass(frozen=True)
class FindingRow:
    """One finding: the article's claim, the evidence in one sentence, where it was computed."""

    topic: str
    claim: str
    evidence: str
    notebook: str
    section: str


def _ci(pair: Any, digits: int = 0) -> str:
    return f"95% CI {number(pair[0], digits)} to {number(pair[1], digits)}"


def _printed(s: Mapping[str, Any], claim_id: str, fallback: str) -> str:
    """The article's own words for a claim (``claim_as_printed`` of the audit in summary.json), else ``fallback``."""
    for claim in s.get("claims", []):
        if claim.get("claim_id") == claim_id and claim.get("claim_as_printed"):
            return f"“{claim['claim_as_printed']}”"
    return fallback


def _trend(s: Mapping[str, Any]) -> FindingRow:
    t = s["trend"]
    includes_zero = t["slope_ci95"][0] <= 0 <= t["slope_ci95"][1]
    return FindingRow(
        "The weekly trend", _printed(s, "weekly_sales_three_declines", "Weekly sales fell three weeks in a row."),
        f"Over {week_span(t['first_week'], t['last_week'])}, the {t['model']} trend of weekly {t['series']} "
        f"{measure_words(t.get('measure'))} is {number(t['slope_units_per_week'])} a week ({_ci(t['slope_ci95'])}; "
        f"n = {plural(t['n_weeks'], 'week')}{', a small sample' if t['small_sample'] else ''})"
        + ("; the interval includes zero, so the weeks known now cannot rule out a flat trend." if includes_zero else "."),
        "03_trend", "")


def _whose_fall(m: Mapping[str, Any], others: str) -> str:
    """Whose fall it was, from which of Xiaomi, the other brands and the share fell."""
    if m["xiaomi_fell"] and not m["others_fell"] and m["share_fell"]:
        return f"The fall was Xiaomi's: {others} did not fall over the same weeks."
    if m["xiaomi_fell"] and m["others_fell"] and not m["share_fell"]:
        return "The market fell as much or more: Xiaomi's share did not fall."
    if m["xiaomi_fell"] and m["others_fell"]:
        return "Both fell, Xiaomi faster: its share fell too."
    return "Xiaomi did not fall over these weeks."


def _market(s: Mapping[str, Any]) -> FindingRow:
    m = s["market"]["share_vs_market"]
    others = " + ".join(b for b in m["brands"].split(";") if b != m["series"])
    return FindingRow(
        "Xiaomi or the market?", "Demand for the SU7 collapsed after the 29 March accident.",
        f"From {m['first_week']} to {m['last_week']} {m['series']} went {signed_percent(m['units_change'])} while "
        f"{others} went {signed_percent(m['others_change'])}: Xiaomi's share of the two fell from "
        f"{number(100 * m['share_first'], 1)}% to {number(100 * m['share_last'], 1)}% "
        f"({number(m['share_change_pp'], 1)} points; log-odds trend {number(m['log_odds_slope'], 3)} a week, "
        f"{_ci(m['log_odds_slope_ci95'], 3)}; n = {plural(m['n_weeks'], 'week')}"
        f"{', a small sample' if m['small_sample'] else ''}). " + _whose_fall(m, others),
        "08_market_calendar", "2 · Was W16→W19 Xiaomi's fall or the market's?")


def _calendar(s: Mapping[str, Any]) -> FindingRow:
    from helpers.narrative.market import calendar_range_sentence

    return FindingRow(
        "Or the calendar?", "(The article does not mention the Labour Day holiday of 1–5 May.)",
        calendar_range_sentence(s["calendar_specifications"]),
        "08_market_calendar", "4 · How much of the slump is the calendar?")


def _backtest(s: Mapping[str, Any]) -> list[FindingRow]:
    out = []
    overlaps = s.get("backtest_overlap", [])
    for series, methods in s["backtest"].items():
        evidence = backtest_finding(methods, series, overlaps)
        if evidence is None:
            continue
        out.append(FindingRow(
            f"Does the trend forecast? ({series})", "A straight line through the recent weeks says where sales go.",
            evidence, "09_backtest", "2 · The scores"))
    return out


def _reconciliation(s: Mapping[str, Any]) -> FindingRow:
    from helpers.narrative.what_happened import reconciliation_headline

    return FindingRow("Do the monthly figures add up?", "(The article quotes monthly figures without Xiaomi's totals.)",
                   reconciliation_headline(s["reconciliation"]), "07_what_happened",
                   "4 · Do the monthly figures add up to Xiaomi's official totals?")


def _claims(s: Mapping[str, Any]) -> FindingRow:
    verdicts = [c["verdict"] for c in s["claims"]]
    counts = ", ".join(f"{number(verdicts.count(v))} {v}" for v in ("consistent", "inconsistent", "unverifiable"))
    return FindingRow("The article's numbers against each other", "The article's figures support its conclusions.",
                   f"Of {plural(len(verdicts), 'numeric claim')} checked against the article's other figures: {counts}.",
                   "05_claims", "")


def _run_rate(s: Mapping[str, Any]) -> FindingRow | None:
    readings = s["run_rate"].get("readings")
    if not readings:
        return None
    parts = [f"read as {name.replace('_', ' ')}, the mid-scenario backlog {r['mid_backlog_trend']}"
             for name, r in readings.items()]
    return FindingRow("The backlog", _printed(s, "wait_every_buyer", "A small factory faces a wait of nearly a year."),
                   "It depends on what the May orders were: " + "; ".join(parts) + ". The article does not say which.",
                   "04_run_rate", "")


_PARTS: tuple[tuple[tuple[str, ...], Callable[[Mapping[str, Any]], Any]], ...] = (
    (("trend",), _trend), (("market",), _market), (("calendar_specifications",), _calendar), (("backtest",), _backtest),
    (("claims",), _claims), (("run_rate",), _run_rate), (("reconciliation",), _reconciliation),
)


def findings(summary: Mapping[str, Any]) -> list[FindingRow]:
    """The report's findings, in reading order, from the parts ``summary`` holds.

    >>> s = {"claims": [{"verdict": "consistent"}, {"verdict": "unverifiable"}]}
    >>> [f.evidence for f in findings(s)]
    ["Of 2 numeric claims checked against the article's other figures: 1 consistent, 0 inconsistent, 1 unverifiable."]
    """
    out: list[FindingRow] = []
    for keys, make in _PARTS:
        if all(k in summary for k in keys):
            made = make(summary)
            out.extend(made if isinstance(made, list) else [made] if made else [])
    return out
