"""Every figure the notebooks draw, built from the committed processed data, by name and language.

The same calls as the notebooks' figure cells (06 to 09), reading ``data/processed`` through the
catalogue.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from helpers import catalog
from helpers.data.clean import read_clean
from helpers.data.ingest import read_ingested
from helpers.figures import backtest as backtest_figures
from helpers.figures import findings, market as market_figures, what_happened
from helpers.narrative import backtest as backtest_narrative
from helpers.narrative import figures as findings_narrative
from helpers.narrative import market as market_narrative
from helpers.narrative import what_happened as what_happened_narrative


@functools.lru_cache(maxsize=None)
def _tables() -> dict[str, Any]:
    return findings.read_figure_tables()


@functools.lru_cache(maxsize=None)
def _clean(name: str) -> Any:
    return read_clean(name)


def _as_of() -> str:
    t = _tables()["weekly_sales"]
    return max(t.loc[t["series"] == findings.SERIES, "week"])


def _weekly_sales(lang: str) -> Any:
    t = _tables()
    return findings.weekly_sales_figure(t["weekly_sales"], t["trend_fits"], t["forecasts"], t["bands"], t["events"],
                                        lang=lang,
                                        titles=findings_narrative.weekly_sales_titles(t["weekly_sales"], t["trend_fits"]))


def _orders(lang: str) -> Any:
    figures = _tables()["figures"]
    return findings.orders_figure(figures, lang=lang, as_of_week=_as_of(),
                                  titles=findings_narrative.orders_titles(figures),
                                  subtitles=findings_narrative.orders_subtitles(figures),
                                  bars=findings_narrative.orders_bars(figures))


def _run_rate(lang: str) -> Any:
    t = _tables()
    return findings.run_rate_figure(t["comparison"], t["scenarios"], t["backlog_paths"], t["figures"], t["weekly_sales"],
                                    lang=lang, clearance_ranges=t["clearance_ranges"],
                                    titles=findings_narrative.run_rate_titles(t["scenarios"], t["clearance_ranges"]))


def _claims(lang: str) -> Any:
    t = _tables()
    return findings.claims_figure(t["claims_audit"], t["figures"], t["weekly_sales"], lang=lang,
                                  titles=findings_narrative.claims_titles(t["claims_audit"]))


def _quality(lang: str) -> Any:
    figures = _tables()["figures"]
    return findings.quality_figure(figures, lang=lang, as_of_week=_as_of(), titles=findings_narrative.quality_titles(figures),
                                   ranks=findings_narrative.rank_words(figures))


def _vintage(lang: str) -> Any:
    from helpers.models import what_happened as model

    weekly = _clean("weekly_sales")
    scored = model.article_vintage_scorecard(weekly, through_week=model.ARTICLE_VINTAGE, window_weeks=4)
    return what_happened.vintage_scorecard_figure(scored, weekly, lang=lang,
                                                  titles=what_happened_narrative.vintage_titles(scored, weekly))


def _later_weekly(lang: str) -> Any:
    weekly, events = _clean("weekly_sales"), _clean("events")
    return what_happened.later_weekly_figure(weekly, events, lang=lang,
                                             titles=what_happened_narrative.later_weekly_titles(weekly, events))


def _monthly(lang: str) -> Any:
    monthly, figures, events = _clean("monthly_deliveries"), _clean("figures"), _clean("events")
    reconciliation = catalog.read("what_happened.quarterly_reconciliation")
    return what_happened.monthly_deliveries_figure(
        monthly, figures, lang=lang, events=events, reconciliation=reconciliation,
        titles=what_happened_narrative.monthly_titles(monthly, figures, events=events, reconciliation=reconciliation),
        capacity=what_happened_narrative.capacity_words(figures))


def _share(lang: str) -> Any:
    from helpers.models import market_share

    weekly, calendar = _clean("weekly_sales"), _clean("calendar_weeks")
    market = read_ingested("market_registrations")
    article_share = market_share.market_share(weekly, market, calendar_weeks=calendar, first_week="2025-W16",
                                              last_week="2025-W19", brand_rule="every_week")
    share = market_share.market_share(weekly, market, calendar_weeks=calendar)
    comparison = market_share.share_vs_market(article_share, "2025-W16", "2025-W19")
    return market_figures.market_share_figure(share, article_share, calendar, weekly, lang=lang,
                                              first_week="2025-W16", last_week="2025-W19",
                                              titles=market_narrative.share_titles(comparison),
                                              subtitles=market_narrative.share_subtitles(share, article_share,
                                                                                         comparison),
                                              sets=market_narrative.brand_set_names(share, article_share))


def _specifications(lang: str) -> Any:
    from helpers.models.calendar_specifications import specifications_summary

    table = catalog.read("market.calendar_specifications")
    return market_figures.calendar_specifications_figure(table, read_ingested("market_registrations"),
                                                         _clean("weekly_sales"), _clean("sources"), lang=lang,
                                                         titles=market_narrative.specifications_titles(
                                                             specifications_summary(table)))


def _scores(lang: str) -> Any:
    scores = catalog.read("backtest.backtest_scores")
    return backtest_figures.backtest_scores_figure(
        scores, catalog.read("backtest.backtest"), _clean("weekly_sales"), lang=lang, window_weeks=12,
        titles=backtest_narrative.scores_titles(scores, backtest_figures.HEADLINE_SERIES),
        heads=backtest_narrative.scores_heads(scores), verdicts=backtest_narrative.scores_verdicts(scores))


def _sensitivity(lang: str) -> Any:
    sensitivity = catalog.read("backtest.window_sensitivity")
    return backtest_figures.window_sensitivity_figure(
        sensitivity, _clean("weekly_sales"), lang=lang,
        titles=backtest_narrative.sensitivity_titles(sensitivity, backtest_figures.HEADLINE_SERIES),
        heads=backtest_narrative.sensitivity_heads(sensitivity))


#: File stem -> builder(lang).
BUILDERS: dict[str, Callable[[str], Any]] = {
    findings.STEMS["weekly_sales"]: _weekly_sales,
    findings.STEMS["orders"]: _orders,
    findings.STEMS["run_rate"]: _run_rate,
    findings.STEMS["claims"]: _claims,
    findings.STEMS["quality"]: _quality,
    what_happened.STEMS["vintage"]: _vintage,
    what_happened.STEMS["weekly"]: _later_weekly,
    what_happened.STEMS["monthly"]: _monthly,
    market_figures.STEMS["share"]: _share,
    market_figures.STEMS["specifications"]: _specifications,
    backtest_figures.STEMS["scores"]: _scores,
    backtest_figures.STEMS["sensitivity"]: _sensitivity,
}
