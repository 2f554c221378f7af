"""The report's index for a reader: the bottom line, the findings, the claims, a timeline and the sources.

Everything here is built from ``reports/summary.json`` (numbers and verdicts) and a few
tables (events, sources, translations), in English or Chinese, with the wording in
``report_labels.toml`` beside this module.  Three rules hold throughout:

* **One accessor.**  Every result is read through :func:`result`, which knows where in the
  summary each result lives (:data:`RESULT_PATHS`); when a key is renamed, only that table changes.
* **One home for "how sure".**  The plain confidence words ("clear", "suggestive", "cannot
  tell") are computed by the ``confidence_*`` functions below and nowhere else; their rules are
  stated in their docstrings and tested in ``tests/narrative/test_reader.py``.
* **No retyped numbers.**  Every number is a placeholder filled from the summary through
  :func:`helpers.formatting.number`, rounded as printed; a test reads them back off the index.
"""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from helpers.formatting import number, signed_percent

__all__ = ["LANGS", "LABELS_FILE", "RESULT_PATHS", "CONFIDENCE_WORDS", "labels", "text", "result",
           "confidence_whose", "confidence_calendar", "confidence_claims", "confidence_trend", "confidence_next",
           "confidence_backlog", "confidence_monthly", "Answer", "Quote", "Row", "ClaimRow", "bottom_line", "registrations_note", "index_findings",
           "claim_rows", "timeline", "sources_appendix", "source_kind", "month_name", "load_translations"]

LANGS = ("en", "zh")
LABELS_FILE = Path(__file__).with_name("report_labels.toml")
#: The confidence keys, strongest first (their words are ``conf_<key>`` in the labels).
CONFIDENCE_WORDS = ("clear", "suggestive", "cannot_tell")

#: Where each result lives in ``summary.json``: the first path present wins.  Other branches rename
#: summary keys (e.g. the calendar's); add the new path in front here and nothing else changes.
RESULT_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "trend": (("trend",),),
    "trend_article_weeks": (("trend", "article_weeks"),),
    "share": (("market", "share_vs_market"),),
    "brand_spread": (("market", "brand_changes", "article_weeks"),),
    "accident_spread": (("market", "brand_changes", "accident_week"),),
    "months_beside_weeks": (("market", "months_beside_weeks"),),
    "calendar": (("calendar_specifications",), ("market", "calendar_specifications")),
    "claims": (("claims",),),
    "claims_later": (("claims_later",),),
    "readings": (("run_rate", "readings"),),
    "clearance_ranges": (("run_rate", "clearance_ranges"),),
    "decline": (("what_happened", "decline_status"),),
    "scorecard": (("what_happened", "scorecard"),),
    "later_weeks": (("later_weeks",),),
    "reconciliation": (("reconciliation",),),
    "data_through": (("data_through",),),
}


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    """The ``[en]`` and ``[zh]`` tables of ``report_labels.toml``."""
    return tomllib.loads(LABELS_FILE.read_text(encoding="utf-8"))


def text(key: str, lang: str = "en", **values: Any) -> str:
    """The label ``key`` in ``lang``, filled with ``values``.

    >>> text("sure", "en", word="clear")
    'How sure: clear.'
    """
    return labels()[lang][key].format(**values)


def result(summary: Mapping[str, Any], name: str) -> Any:
    """The result ``name`` of ``summary`` (see :data:`RESULT_PATHS`), or ``None`` when it is not there.

    >>> result({"market": {"calendar_specifications": {"x": 1}}}, "calendar")
    {'x': 1}
    >>> result({}, "trend") is None
    True
    """
    for path in RESULT_PATHS[name]:
        node: Any = summary
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                node = None
                break
            node = node[key]
        if node is not None:
            return node
    return None


def _excludes_zero(pair: Sequence[float] | None) -> bool:
    return pair is not None and not (pair[0] <= 0 <= pair[1])


# --------------------------------------------------------------------------- how sure: the rules

def confidence_whose(share: Mapping[str, Any], spread: Mapping[str, Any] | None = None) -> str:
    """How sure the answer "whose fall" is: the brands one by one first, the pooled share second.

    * ``cannot_tell``: Xiaomi's change lies within the spread of the other brands printed at both
      ends (``spread``, the test of :mod:`helpers.models.brand_changes`), or, with no such test, the
      95% interval of the share's trend includes zero;
    * ``suggestive``: Xiaomi's change lies outside that spread (or, with no spread, the share's interval
      excludes zero), but the sample is small;
    * ``clear``: outside the spread and the share's interval excludes zero, on a sample that is not small.

    >>> confidence_whose({"log_odds_slope_ci95": [-0.2, -0.1], "small_sample": True}, {"within_spread": True})
    'cannot_tell'
    >>> confidence_whose({"log_odds_slope_ci95": [-0.2, -0.1], "small_sample": True})
    'suggestive'
    """
    within = (spread or {}).get("within_spread")
    if within:
        return "cannot_tell"
    if within is None and not _excludes_zero(share.get("log_odds_slope_ci95")):
        return "cannot_tell"
    if share.get("small_sample") or not _excludes_zero(share.get("log_odds_slope_ci95")):
        return "suggestive"
    return "clear"


def confidence_calendar(spec: Mapping[str, Any]) -> str:
    """How sure the calendar's part of the dip is, from notebook 08's specifications (``calendar_specifications``).

    * ``cannot_tell``: the 95% intervals, taken together, allow both none and all of the dip;
    * ``clear``: the specifications agree (within their declared tolerance) and the intervals rule out none;
    * ``suggestive``: anything between (they rule out none or all, but disagree; or agree but allow none).

    >>> confidence_calendar({"allows_none": True, "allows_all": True, "agree": False})
    'cannot_tell'
    >>> confidence_calendar({"allows_none": False, "allows_all": True, "agree": True})
    'clear'
    """
    if spec.get("allows_none") and spec.get("allows_all"):
        return "cannot_tell"
    if spec.get("agree") and not spec.get("allows_none"):
        return "clear"
    return "suggestive"


def confidence_claims(claims: Iterable[Mapping[str, Any]], later: Mapping[str, str]) -> str:
    """How sure the answer "did the article's numbers hold" is.

    * ``clear``: two independent checks agree on at least one claim: it contradicts the article's
      other figures and later sources contradict it too (or it agrees and later sources support it);
    * ``suggestive``: some claim could be checked one way (against the article or later sources);
    * ``cannot_tell``: none could be checked.

    ``later``: claim id to its later verdict (``supported``, ``contradicted``, ``no later evidence``).

    >>> confidence_claims([{"claim_id": "a", "verdict": "inconsistent"}], {"a": "contradicted"})
    'clear'
    >>> confidence_claims([{"claim_id": "a", "verdict": "unverifiable"}], {"a": "no later evidence"})
    'cannot_tell'
    """
    checked = False
    for claim in claims:
        verdict, after = claim.get("verdict"), later.get(claim.get("claim_id", ""), "no later evidence")
        if (verdict, after) in (("inconsistent", "contradicted"), ("consistent", "supported")):
            return "clear"
        checked = checked or verdict in ("consistent", "inconsistent") or after in ("supported", "contradicted")
    return "suggestive" if checked else "cannot_tell"


def confidence_trend(part: Mapping[str, Any]) -> str:
    """How sure a fitted slope's direction is: ``cannot_tell`` when its 95% interval includes zero,
    ``suggestive`` when it excludes zero on a small sample, ``clear`` otherwise.

    >>> confidence_trend({"slope_ci95": [-1343.0, -117.0], "small_sample": True})
    'suggestive'
    """
    if not _excludes_zero(part.get("slope_ci95")):
        return "cannot_tell"
    return "suggestive" if part.get("small_sample") else "clear"


def confidence_next(decline: Mapping[str, Any] | None, su7_later: Mapping[str, Any] | None = None) -> str:
    """How sure "the fall did not last" is.

    * ``cannot_tell``: no later week has a figure, or none rose above the whole decline;
    * ``clear``: a later week rose above every week of the decline and every later week with a
      figure (at least two) stayed above the article's last week;
    * ``suggestive``: a later week rose above the whole decline, but later weeks fell back below
      the article's last week or there is only one.

    >>> confidence_next({"n_later_weeks": 2, "later_above_whole_decline": True, "article_last_units": 5200},
    ...                 {"n_weeks": 2, "min": 4370.0})
    'suggestive'
    """
    if not decline or not decline.get("n_later_weeks") or not decline.get("later_above_whole_decline"):
        return "cannot_tell"
    if su7_later and su7_later.get("n_weeks", 0) >= 2 and su7_later.get("min", 0) > decline.get("article_last_units", 0):
        return "clear"
    return "suggestive"


def confidence_backlog(readings: Mapping[str, Any]) -> str:
    """How sure the backlog's course is: ``cannot_tell`` when the readings of the May orders disagree on
    whether it shrinks (mid scenario), ``suggestive`` when they agree (scenario arithmetic on the
    article's figures, not an estimate).

    >>> confidence_backlog({"a": {"mid_backlog_trend": "shrinks"}, "b": {"mid_backlog_trend": "grows"}})
    'cannot_tell'
    """
    trends = {r.get("mid_backlog_trend") for r in readings.values()}
    return "suggestive" if len(trends) == 1 else "cannot_tell"


def confidence_monthly(rec: Mapping[str, Any]) -> str:
    """How sure the monthly reconciliation is: ``clear`` when every monthly figure could be set against
    an official quarterly total, ``suggestive`` when some could, ``cannot_tell`` when none could.

    >>> confidence_monthly({"n_figures": 19, "n_open": 3})
    'suggestive'
    """
    if not rec.get("n_figures") or rec.get("n_open", 0) >= rec["n_figures"]:
        return "cannot_tell"
    return "clear" if rec.get("n_open", 0) == 0 else "suggestive"


# --------------------------------------------------------------------------- sentences

def month_name(label: str, lang: str = "en") -> str:
    """``'2025-12'`` as ``'December 2025'`` (en) or ``'2025年12月'`` (zh).

    >>> month_name("2025-12"), month_name("2025-03", "zh")
    ('December 2025', '2025年3月')
    """
    import calendar

    year, month = (int(p) for p in label.split("-")[:2])
    return f"{year}年{month}月" if lang == "zh" else f"{calendar.month_name[month]} {year}"


def _join(items: Sequence[str], lang: str, last: str = "list_and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return text("list_sep", lang).join(items[:-1]) + text(last, lang) + items[-1]


def _name(code: str, lang: str) -> str:
    """A brand's or series' plain name, as the figures call it (``helpers.labels``: brand_, later_series_, series_)."""
    from helpers.labels import LABELS

    for kind in ("brand", "later_series", "series"):
        if f"{kind}_{code}" in LABELS[lang]:
            return LABELS[lang][f"{kind}_{code}"]
    return code.replace("_", " ")


def _claim_name(claim_id: str, lang: str) -> str:
    key = f"claim_{claim_id}"
    return text(key, lang) if key in labels()[lang] else claim_id.replace("_", " ")


def _later_map(summary: Mapping[str, Any]) -> dict[str, str]:
    """Claim id to its later verdict: beside each claim in the summary (``later_verdict``), or in a
    ``claims_later`` part; a claim with neither has ``no later evidence``."""
    rows = [c for c in result(summary, "claims") or [] if c.get("later_verdict")] or result(summary, "claims_later") or []
    return {row["claim_id"]: row.get("later_verdict") or "no later evidence" for row in rows}


def _su7_later(summary: Mapping[str, Any], series: str = "xiaomi_su7") -> Mapping[str, Any] | None:
    return next((row for row in result(summary, "later_weeks") or [] if row.get("series") == series), None)


def _whose(summary: Mapping[str, Any], lang: str) -> tuple[str, str] | None:
    share = result(summary, "share")
    if not share:
        return None
    others = [b for b in share["brands"].split(";") if b != share["series"]]
    values = dict(first=share["first_week"], last=share["last_week"], xiaomi=signed_percent(share["units_change"]),
                  others=_join([_name(b, lang) for b in others], lang), others_change=signed_percent(share["others_change"]),
                  share_first=number(100 * share["share_first"], 1), share_last=number(100 * share["share_last"], 1),
                  n=number(share["n_weeks"]))
    spread = result(summary, "brand_spread")
    if spread and spread.get("within_spread") and spread.get("xiaomi_change") is not None:
        key = "a_whose_within"
        values.update(n_peers=number(spread["n_peers"]), low=signed_percent(spread["peers_min_change"]),
                      low_brand=_name(str(spread.get("peers_min_brand", "")), lang),
                      high=signed_percent(spread["peers_max_change"]),
                      high_brand=_name(str(spread.get("peers_max_brand", "")), lang),
                      pooled=signed_percent(spread["peers_pooled_change"]), below=number(spread["peers_below_xiaomi"]))
    elif share["xiaomi_fell"] and not share["others_fell"] and share["share_fell"]:
        key = "a_whose_xiaomi"
    elif share["xiaomi_fell"] and share["others_fell"] and not share["share_fell"]:
        key = "a_whose_market"
    elif share["xiaomi_fell"]:
        key = "a_whose_both"
    else:
        key = "a_whose_none"
    sentence = text(key, lang, **values)
    accident = result(summary, "accident_spread")
    if accident and accident.get("xiaomi_change") is not None and accident.get("within_spread") is not None:
        sentence += (" " if lang == "en" else "") + text(
            "a_whose_accident_within" if accident["within_spread"] else "a_whose_accident_outside", lang,
            first=accident["first_week"], last=accident["last_week"], xiaomi=signed_percent(accident["xiaomi_change"]),
            n=number(accident["n_peers"]), pooled=signed_percent(accident["peers_pooled_change"]))
    return sentence, confidence_whose(share, spread)


def _calendar(summary: Mapping[str, Any], lang: str) -> tuple[str, str] | None:
    spec = result(summary, "calendar")
    if not spec or spec.get("percent_low") is None:
        return None
    allowed = [text(f"share_{w}", lang) for w in ("none", "part", "all") if spec.get(f"allows_{w}")]
    values = dict(n=number(spec["n_specs"]), low=number(spec["percent_low"]), high=number(spec["percent_high"]),
                  i_low=number(spec["interval_low"]), i_high=number(spec["interval_high"]),
                  allowed=_join(allowed, lang, "list_or") if allowed else "-")
    if spec.get("agree") and spec.get("headline_percent") is not None:
        sentence = text("a_calendar_agree", lang, headline=number(spec["headline_percent"]), **values)
    else:
        sentence = text("a_calendar", lang, **values)
    return sentence, confidence_calendar(spec)


def _claims_answer(summary: Mapping[str, Any], lang: str) -> tuple[str, str] | None:
    claims = result(summary, "claims")
    if not claims:
        return None
    later = _later_map(summary)
    verdicts = [c["verdict"] for c in claims]
    afters = [later.get(c["claim_id"], "no later evidence") for c in claims]
    sentence = text("a_claims", lang, n=number(len(claims)), consistent=number(verdicts.count("consistent")),
                    inconsistent=number(verdicts.count("inconsistent")), unverifiable=number(verdicts.count("unverifiable")),
                    supported=number(afters.count("supported")), contradicted=number(afters.count("contradicted")))
    bad = [c["claim_id"] for c, after in zip(claims, afters) if c["verdict"] == "inconsistent" or after == "contradicted"]
    if bad:
        sentence += " " * (lang == "en") + text("a_claims_bad", lang, names=_join([_claim_name(b, lang) for b in bad], lang))
    return sentence, confidence_claims(claims, later)


def _next_answer(summary: Mapping[str, Any], lang: str) -> tuple[str, str] | None:
    decline = result(summary, "decline")
    if not decline:
        return None
    if not decline.get("n_later_weeks"):
        sentence = text("a_next_none", lang)
    else:
        values = dict(later_week=decline["later_week"], later_units=number(decline["later_units"]),
                      missing=number(decline["n_missing_between"]), low_week=decline["later_low_week"],
                      low_units=number(decline["later_low_units"]))
        sentence = text("a_next_rebound" if decline.get("later_above_whole_decline") else "a_next_flat", lang, **values)
    brand = _su7_later(summary, "xiaomi_all")
    if brand and brand.get("n_weeks"):
        sentence += " " * (lang == "en") + text(
            "a_next_brand", lang, min=number(brand["min"]), max=number(brand["max"]), n=number(brand["n_weeks"]),
            first=brand["first_week"], last=brand["last_week"], mean=number(brand["mean"]))
    return sentence, confidence_next(decline, _su7_later(summary))


def registrations_note(summary: Mapping[str, Any], lang: str = "en") -> str:
    """What registrations can and cannot measure, and, where the summary has it, what Xiaomi's monthly
    deliveries say about the weeks of the dip (notebook 08's ``months_beside_weeks``: a month whose other
    days ran above its lowest known week)."""
    sentences = [text("registrations_note", lang)]
    for month in result(summary, "months_beside_weeks") or []:
        if not month.get("rest_above_lowest_week"):
            continue
        sentences.append(text("months_beside", lang, month_name=month_name(month["month"], lang).split(" ")[0]
                              if lang == "en" else month_name(month["month"], lang),
                              rest_days=number(month["rest_days"]), bound=text("bound_lower" if month.get("monthly_bound") == "lower"
                                                                                 else "bound_exact", lang),
                              rest_per_week=number(month["rest_per_week"]), week=month["lowest_week_in_window"],
                              week_units=number(month["lowest_week_units"])))
    return (" " if lang == "en" else "").join(sentences)


@dataclass(frozen=True)
class Answer:
    """One of the bottom line's answers: the question and its parts, each a sentence with its confidence key."""

    question: str
    parts: tuple[tuple[str, str], ...]


def bottom_line(summary: Mapping[str, Any], lang: str = "en") -> list[Answer]:
    """The three answers (whose dip, did the numbers hold, what next), each part with its confidence key.

    The first answer has two parts, "whose" and "the calendar", each with its own confidence.
    A part whose results are not in ``summary`` is left out, and an answer without parts too.
    """
    out = []
    for question, makers in (("q_whose", (_whose, _calendar)), ("q_claims", (_claims_answer,)), ("q_next", (_next_answer,))):
        parts = tuple(p for p in (make(summary, lang) for make in makers) if p)
        if parts:
            out.append(Answer(text(question, lang), parts))
    return out


# --------------------------------------------------------------------------- the findings table

@dataclass(frozen=True)
class Quote:
    """The article's words (Chinese) and the project's own English translation (``''`` if none)."""

    zh: str
    en: str


@dataclass(frozen=True)
class Row:
    """One finding for a reader: the question, what the article said, the evidence, how sure, later sources."""

    topic: str
    article: str
    quotes: tuple[Quote, ...]
    evidence: str
    confidence: str
    later: str
    notebook: str
    section: str


def load_translations(path: Path | None) -> dict[str, str]:
    """``config/translations.csv`` as a map from the Chinese text to the project's English translation."""
    if path is None or not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["zh"]: row["en"] for row in csv.DictReader(handle)}


def _quotes(summary: Mapping[str, Any], claim_id: str, translations: Mapping[str, str]) -> tuple[Quote, ...]:
    for claim in result(summary, "claims") or []:
        if claim.get("claim_id") == claim_id and claim.get("claim_as_printed"):
            return tuple(Quote(part, translations.get(part, "")) for part in claim["claim_as_printed"].split(" / "))
    return ()


def _later_word(summary: Mapping[str, Any], claim_ids: Iterable[str], lang: str) -> str:
    later = _later_map(summary)
    words = {"supported": "later_supported", "contradicted": "later_contradicted"}
    shown = [f"{_claim_name(c, lang)}: {text(words.get(later.get(c, ''), 'later_none'), lang)}" for c in claim_ids if c in later]
    return "; ".join(shown)


def _row_trend(s: Mapping[str, Any], lang: str, tr: Mapping[str, str]) -> Row | None:
    part, whole = result(s, "trend_article_weeks"), result(s, "trend")
    if not part and not whole:
        return None
    sentences = []
    if part:
        key = "ev_trend" if _excludes_zero(part["slope_ci95"]) and part["slope_units_per_week"] < 0 else "ev_trend_flat"
        sentences.append(text(key, lang, first=part["first_week"], last=part["last_week"],
                              slope=number(abs(part["slope_units_per_week"]) if key == "ev_trend" else part["slope_units_per_week"]),
                              lo=number(part["slope_ci95"][0]), hi=number(part["slope_ci95"][1]), n=number(part["n_weeks"])))
    if whole:
        sentences.append(text("ev_trend_long", lang, first=whole["first_week"], last=whole["last_week"],
                              slope=number(whole["slope_units_per_week"]), lo=number(whole["slope_ci95"][0]),
                              hi=number(whole["slope_ci95"][1]), n=number(whole["n_weeks"])))
    claim = "weekly_sales_three_declines"
    return Row(text("topic_trend", lang), "", _quotes(s, claim, tr), (" " if lang == "en" else "").join(sentences),
               confidence_trend(part or whole), _later_word(s, [claim], lang), "03_trend", "")


def _row_whose(s: Mapping[str, Any], lang: str, tr: Mapping[str, str]) -> Row | None:
    share, spread = result(s, "share"), result(s, "brand_spread")
    whose = _whose(s, lang)
    if not whose:
        return None
    evidence = text("ev_whose", lang, whose=whose[0], pp=number(abs(share["share_change_pp"]), 1),
                    n=number(share["n_weeks"]))
    if spread and spread.get("within_spread"):
        evidence += (" " if lang == "en" else "") + text("ev_whose_spread", lang, n_peers=number(spread["n_peers"]))
    return Row(text("topic_whose", lang), text("article_whose", lang), (), evidence, whose[1], "",
               "08_market_calendar", "2 · Was W16→W19 Xiaomi's fall or the market's?")


def _row_calendar(s: Mapping[str, Any], lang: str, tr: Mapping[str, str]) -> Row | None:
    made = _calendar(s, lang)
    if not made:
        return None
    key = {"cannot_tell": "ev_calendar", "suggestive": "ev_calendar_one", "clear": "ev_calendar_both"}[made[1]]
    return Row(text("topic_calendar", lang), text("article_calendar", lang), (),
               text(key, lang, calendar=made[0]), made[1], "",
               "08_market_calendar", "4 · How much of the slump is the calendar?")


def _row_claims(s: Mapping[str, Any], lang: str, tr: Mapping[str, str]) -> Row | None:
    claims = result(s, "claims")
    if not claims:
        return None
    verdicts = [c["verdict"] for c in claims]
    evidence = text("ev_claims", lang, n=number(len(claims)), consistent=number(verdicts.count("consistent")),
                    inconsistent=number(verdicts.count("inconsistent")), unverifiable=number(verdicts.count("unverifiable")))
    bad = [c["claim_id"] for c in claims if c["verdict"] == "inconsistent"]
    if bad:
        evidence += (" " if lang == "en" else "") + text("ev_claims_bad", lang, names=_join([_claim_name(b, lang) for b in bad], lang))
    return Row(text("topic_claims", lang), "", (), evidence, confidence_claims(claims, _later_map(s)),
               _later_word(s, bad, lang), "05_claims", "")


def _row_backlog(s: Mapping[str, Any], lang: str, tr: Mapping[str, str]) -> Row | None:
    readings = result(s, "readings")
    if not readings:
        return None
    ranges = result(s, "clearance_ranges") or {}
    parts = []
    for name in readings:
        run = (ranges.get(name) or {}).get("sales_run_rate") or {}
        label = text(f"reading_{name}", lang) if f"reading_{name}" in labels()[lang] else name.replace("_", " ")
        n, never = run.get("n_combinations"), run.get("n_never") or 0
        if not n:
            continue
        if never == n:
            parts.append(text("ev_backlog_range_never", lang, reading=label, n=number(n)))
        elif never:
            parts.append(text("ev_backlog_range_some_never", lang, reading=label, low=number(run["earliest_weeks"]),
                              never=number(never), n=number(n)))
        else:
            parts.append(text("ev_backlog_range", lang, reading=label, low=number(run["earliest_weeks"]),
                              high=number(run["latest_weeks"]), n=number(n)))
    by_id = {c.get("claim_id"): c for c in result(s, "claims") or []}
    for claim in ("wait_every_buyer", "wait_longest_for_some_trims"):
        found = by_id.get(claim) or {}
        key = f"ev_{claim}_{found.get('verdict')}"
        if key in labels()[lang]:
            parts.append(text(key, lang, weeks=number(found.get("computed_value") or 0),
                              claimed=number(found.get("claimed_value") or 0)))
    claims = [c for c in ("wait_every_buyer", "wait_longest_for_some_trims")
              if any(x.get("claim_id") == c for x in result(s, "claims") or [])]
    return Row(text("topic_backlog", lang), "", _quotes(s, claims[0], tr) if claims else (),
               text("ev_backlog", lang, readings=(" " if lang == "en" else "").join(parts)), confidence_backlog(readings),
               _later_word(s, claims, lang), "04_run_rate", "")


def _row_next(s: Mapping[str, Any], lang: str, tr: Mapping[str, str]) -> Row | None:
    made, card = _next_answer(s, lang), result(s, "scorecard")
    if not made:
        return None
    evidence = made[0]
    if card and card.get("n_scored"):
        evidence += (" " if lang == "en" else "") + text(
            "ev_next", lang, first=card["fit_first_week"], last=card["fit_last_week"], n_inside=number(card["n_inside"]),
            n_scored=number(card["n_scored"]), outside=_join(card.get("weeks_outside", []), lang) or "-")
    decline = result(s, "decline")
    return Row(text("topic_next", lang), text("article_next", lang, week=decline["article_last_week"]), (), evidence, made[1],
               "", "07_what_happened", "")


def _row_monthly(s: Mapping[str, Any], lang: str, tr: Mapping[str, str]) -> Row | None:
    rec = result(s, "reconciliation")
    if not rec:
        return None
    return Row(text("topic_monthly", lang), text("article_monthly", lang), (),
               text("ev_monthly", lang, n=number(rec["n_figures"]), confirmed=number(rec["n_confirmed"]),
                    ruled_out=number(rec["n_ruled_out"]), open=number(rec["n_open"])),
               confidence_monthly(rec), "", "07_what_happened", "4 · Do the monthly figures add up to Xiaomi's official totals?")


_ROWS = (_row_trend, _row_whose, _row_calendar, _row_claims, _row_backlog, _row_next, _row_monthly)


def index_findings(summary: Mapping[str, Any], lang: str = "en", translations: Mapping[str, str] | None = None) -> list[Row]:
    """The findings table, in reading order; a row whose results are not in ``summary`` is left out."""
    out = []
    for make in _ROWS:
        row = make(summary, lang, translations or {})
        if row is not None:
            out.append(row)
    return out


@dataclass(frozen=True)
class ClaimRow:
    """One of the article's numeric claims: its plain name, the quotes, the two verdicts (as words)."""

    name: str
    quotes: tuple[Quote, ...]
    verdict: str
    later: str
    bad: bool = field(default=False)


def claim_rows(summary: Mapping[str, Any], lang: str = "en", translations: Mapping[str, str] | None = None) -> list[ClaimRow]:
    """Every audited claim with its quotes (and translations), its verdict and the later sources' verdict."""
    later = _later_map(summary)
    words = {"consistent": "verdict_consistent", "inconsistent": "verdict_inconsistent", "unverifiable": "verdict_unverifiable"}
    later_words = {"supported": "later_supported", "contradicted": "later_contradicted"}
    out = []
    for claim in result(summary, "claims") or []:
        cid = claim["claim_id"]
        after = later.get(cid, "")
        out.append(ClaimRow(_claim_name(cid, lang), _quotes(summary, cid, translations or {}),
                            text(words.get(claim["verdict"], "verdict_unverifiable"), lang),
                            text(later_words.get(after, "later_none"), lang),
                            claim["verdict"] == "inconsistent" or after == "contradicted"))
    return out


# --------------------------------------------------------------------------- timeline and sources

def timeline(events: Iterable[Mapping[str, str]], lang: str = "en") -> list[tuple[str, str]]:
    """``(date, caption)`` for every event (``data/processed/clean/events.csv`` rows), dated ones first in date
    order, then the undated.

    >>> timeline([{"date": "", "date_start": "", "caption_en": "b"}, {"date": "2025-03-29", "date_start": "2025-03-29", "caption_en": "a"}])
    [('2025-03-29', 'a'), ('date not known', 'b')]
    """
    rows = list(events)
    dated = sorted((r for r in rows if r.get("date_start")), key=lambda r: (r["date_start"], r.get("date", "")))
    undated = [r for r in rows if not r.get("date_start")]
    caption = f"caption_{lang}"
    return ([(r.get("date") or r["date_start"], r.get(caption) or r.get("caption_en", "")) for r in dated]
            + [(text("timeline_undated", lang), r.get(caption) or r.get("caption_en", "")) for r in undated])


#: Publishers ``data/README.md`` ("Source quality") names as aggregators, reworded copies or machine-written.
LOW_QUALITY_PUBLISHERS = ("lmsyx", "nnzcw", "itbear", "tech-oracle", "headlineadda", "world-today-news", "motorpost",
                          "brinksreport", "affordableartpoint", "eduinspirations")
_COPY = re.compile(r"\b(copy|rewrite|reworded|rewritten|spun|repost|reprint|syndicat)", re.I)
#: Notes that mention copies of the page (or of the project's own seed text) without the page being one.
_NOT_A_COPY = re.compile(r"(spun/reworded |reworded |spun )?copies exist|copy used|mirror cop(y|ies)|(wikisource|traditional-character) copy|"
                         r"copy is at|spam-laden", re.I)
_COPY_PUBLISHER = re.compile(r"\b(copy|reprint|via)\b|来源", re.I)
_LOW = re.compile(r"\b(low[- ]quality|machine[- ]written|spun text|garbled)", re.I)


def source_kind(row: Mapping[str, str]) -> tuple[bool, bool]:
    """``(is_copy, low_quality)`` of a ``sources.csv`` row, from its note and publisher.

    A copy: the publisher names whom it copies (``via``, ``copy of``, ``reprint``, ``来源``), or the note
    calls the page a copy, rewrite or spun text (mentions of *other* copies, such as "copies exist", do
    not count).  Low quality: the publisher is one ``data/README.md`` lists as low quality, or the note
    says so.  A heuristic on the researcher's notes, stated here so a reader can check it.

    >>> source_kind({"publisher": "lmsyx.cn", "note": "Secondary rewrite of a CarNewsChina list"})
    (True, True)
    >>> source_kind({"publisher": "CarNewsChina", "note": "China EV DataTracker weekly list. Spun/reworded copies exist"})
    (False, False)
    """
    note, publisher = row.get("note", ""), row.get("publisher", "").lower()
    low = any(p in publisher for p in LOW_QUALITY_PUBLISHERS) or bool(_LOW.search(note))
    is_copy = bool(_COPY_PUBLISHER.search(row.get("publisher", ""))) or bool(_COPY.search(_NOT_A_COPY.sub("", note)))
    return is_copy, low


def sources_appendix(sources: Iterable[Mapping[str, str]], lang: str = "en") -> list[tuple[str, str, str, str, str, str]]:
    """``(publisher, published, original or copy, quality, title, url)`` for every source, by publisher then date."""
    out = []
    for row in sorted(sources, key=lambda r: (r.get("publisher", "").lower(), r.get("published", ""), r.get("source_id", ""))):
        is_copy, low = source_kind(row)
        out.append((row.get("publisher", ""), row.get("published", ""), text("kind_copy" if is_copy else "kind_original", lang),
                    text("quality_low" if low else "quality_ok", lang), row.get("title", ""), row.get("url", "")))
    return out
