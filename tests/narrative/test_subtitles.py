"""Figure subtitles are built in helpers.narrative from what the figure drew; a figure module joins no sentences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import helpers.figures
from helpers.labels import LANGUAGES
from helpers.narrative import subtitles

FIGURE_MODULES = sorted(Path(helpers.figures.__file__).parent.glob("*.py"))

WEEKLY = dict(model="Linear", span="2025-W14 to W23", horizon=4, slope_ci=(-120.0, -10.0), small_sample=False,
              n=10, df=8, missing=[], earlier="", below_zero_week=None, off_axis=[])


@pytest.mark.parametrize("module", FIGURE_MODULES, ids=lambda p: p.name)
def test_no_figure_module_builds_sentences(module):
    """Sentences are joined only in the narrative: a figure module that joins notes has grown its own wording."""
    source = module.read_text(encoding="utf-8")
    assert not re.search(r"""["']sentence_sep["']""", source), f"{module.name} joins sentences itself"


def test_weekly_sales_says_the_interval_includes_zero_only_when_it_does():
    plain = subtitles.weekly_sales_subtitle("en", **WEEKLY)
    crossing = subtitles.weekly_sales_subtitle("en", **{**WEEKLY, "slope_ci": (-50.0, 20.0)})
    assert len(crossing) > len(plain) and crossing.startswith(plain)
    assert "zero" in crossing[len(plain):].lower()


def test_weekly_sales_names_the_missing_weeks_as_runs_and_the_events_it_could_not_place():
    text = subtitles.weekly_sales_subtitle("en", **{**WEEKLY, "missing": ["2025-W18", "2025-W19", "2025-W20"],
                                           "off_axis": ["Crash (29 Mar)"]})
    assert "2025-W18–W20" in text and "Crash (29 Mar)" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_backtest_calls_a_score_on_few_origins_small_and_counts_each_series(lang):
    def subtitle(origins, fewest):
        return subtitles.backtest_scores_subtitle(lang, horizons=[1, 4], window=12, series=["su7", "byd"],
                                                  heads={"byd": "BYD: x"}, verdicts={}, shared=[], undrawn=0,
                                                  origins=origins, fewest=fewest)

    few = subtitle({"su7": 3, "byd": 6}, fewest=3)
    same_counts_not_few = subtitle({"su7": 3, "byd": 6}, fewest=9)  # the control: no other 3 or 6 in the words
    assert "3" in few and "6" in few and "1–4" in few and "BYD: x" in few
    assert "3" not in same_counts_not_few and "6" not in same_counts_not_few and "BYD: x" in same_counts_not_few


def test_monthly_deliveries_says_how_many_figures_it_leaves_out_in_the_singular_and_the_plural():
    base = dict(n_figures=12, n_sources=5, n_months=6, second_model_day=None, one_model=0, months_missing=[])
    one = subtitles.monthly_deliveries_subtitle("en", **base, ruled_out=1)
    two = subtitles.monthly_deliveries_subtitle("en", **base, ruled_out=2)
    none = subtitles.monthly_deliveries_subtitle("en", **base, ruled_out=0)
    assert one != two and len(none) < len(one) and "2" in two[len(none):]


def test_later_weekly_lists_only_the_weeks_without_a_figure():
    text = subtitles.later_weekly_subtitle("en", article_span="2025-W16 to W19", weeks_listed=["2025-W20", "2025-W21", "2025-W22"],
                                  weeks_with_figure={"2025-W20", "2025-W22"}, article_last_week="2025-W19",
                                  after_article={"xiaomi_su7": 2})
    complete = subtitles.later_weekly_subtitle("en", article_span="2025-W16 to W19", weeks_listed=["2025-W20", "2025-W21"],
                                      weeks_with_figure={"2025-W20", "2025-W21"}, article_last_week="2025-W19",
                                      after_article={"xiaomi_su7": 2})
    assert "2025-W21" in text and "2025-W21" not in complete
