"""A `$` in any text a figure draws is a dollar sign, never matplotlib mathtext (issue 21, item 8).

An event caption of ``data/raw/events.csv`` used to be drawn as mathtext: ``$\\frac$`` failed
notebook 06 with an empty ``ValueError``, and ``$2,000 off; Model Y now $35k`` came out as
"2,000off;ModelYnow35k" in italics.  The project's style (``helpers.figures.style``) sets
``text.parse_math = False``, so every title, label, annotation, legend entry and caption is
drawn as the literal string.

Each test draws through the project's own figure code (``findings.weekly_sales_figure`` of
notebook 06, ``what_happened.later_weekly_figure`` of notebook 07, ``frame.finish``), renders
it (the saved PNG and SVG, then ``canvas.draw()`` on an Agg canvas) and checks the drawn text: the string
given, and as wide as that string set as plain text (mathtext would drop the dollars, set
``x^2`` as a superscript, or raise).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import matplotlib as mpl
import pandas as pd
import pytest

from helpers.data.clean import read_clean
from helpers.figures import findings, frame, style, what_happened
from helpers.narrative.figures import weekly_sales_titles
from helpers.narrative import what_happened as what_happened_narrative
from helpers.models import trend
from tests.builders import weekly_sales_from

FROZEN = Path(__file__).resolve().parents[1] / "fixtures" / "clean_2025_w39"

#: Captions that mathtext would refuse or mangle; each must be drawn exactly as written.
HOSTILE = [
    "$\\frac$",                            # mathtext raised an empty ValueError: notebook 06 failed
    "$2,000 off; Model Y now $35k",        # drawn as "2,000off;ModelYnow35k" in math italics
    "$x^2$",                               # valid TeX: a superscript instead of the characters
    "price cut \\$500",                    # an escaped dollar stayed "\$" only as plain text
    "$",                                   # a lone dollar
]
HOSTILE_ZH = [
    "降价$2,000;Model Y现价$35k",
    "$\\frac$ 小米YU7上市",
    "$x^2$ 事故",
]

#: Weeks of the article (notebook 03's toy input in tests/figures/test_findings.py).
ARTICLE_WEEKS = {"2025-W16": 7200, "2025-W17": 7000, "2025-W18": 5700, "2025-W19": 5200}


def events_with_caption(caption: str, lang: str, undated: str = "") -> pd.DataFrame:
    """Events as step 02 writes them: one dated event with ``caption`` (and one undated, listed in the subtitle)."""
    return pd.DataFrame({
        "event_id": ["accident_anhui_expressway", "undated_event"],
        "date": ["2025-03-29", ""],
        "date_precision": ["day", "unknown"],
        "date_start": ["2025-03-29", ""],
        "date_end": ["2025-03-29", ""],
        "event": ["crash", "unknown"],
        "caption_en": [caption if lang == "en" else "crash", undated or "undated"],
        "caption_zh": [caption if lang == "zh" else "事故", undated or "未注明日期"],
        "source_id": ["toy_source", "toy_source"],
        "locator": ['para 11: "y"', 'para 27: "w"'],
    })


def weekly_sales_figure(events: pd.DataFrame, lang: str, series: str = "xiaomi_su7"):
    """Notebook 06's weekly figure (``findings.weekly_sales_figure``) of the article's four weeks."""
    sales = weekly_sales_from(ARTICLE_WEEKS, series=series)
    sales["source_id"] = "toy_source"
    sales["locator"] = 'para 3: "x"'
    fits = trend.fit_trends(sales, models=("linear",))
    table = trend.fits_table(fits)
    return findings.weekly_sales_figure(sales, table, trend.forecasts_table(fits, 4),
                                        trend.bands_table(fits, 4), events, series=series, lang=lang,
                                        titles=weekly_sales_titles(sales, table, series=series))


@contextlib.contextmanager
def rendered(fig, lang: str):
    """Draw the figure as the notebooks save it (PNG, SVG), then on an Agg canvas in the project's style;
    yield that canvas's renderer, still in the style (its fonts measure the texts)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    assert frame.png_bytes(fig)[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in frame.svg_bytes(fig)
    with style.theme(lang):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        yield canvas.get_renderer()


def assert_drawn_literally(text_artist, expected: str, renderer) -> None:
    """``text_artist`` shows ``expected`` character for character, set as plain text (not mathtext)."""
    assert text_artist.get_text() == expected
    if "\n" not in expected:  # one line: its drawn width is the width of the string set as plain text
        plain_width, _, _ = renderer.get_text_width_height_descent(expected, text_artist.get_fontproperties(),
                                                                   ismath=False)
        extent = text_artist.get_window_extent(renderer)
        drawn_width = extent.height if text_artist.get_rotation() in (90.0, 270.0) else extent.width
        assert drawn_width == pytest.approx(plain_width, abs=0.5), (
            f"{expected!r} is drawn {drawn_width:.1f} px wide, as plain text it is {plain_width:.1f} px")
    assert text_artist.get_parse_math() is False, f"{expected!r} would be parsed as mathtext"


def one(fig, gid: str):
    found = fig.findobj(lambda a: a.get_gid() == gid)
    assert len(found) == 1, (gid, len(found))
    return found[0]


def suptitle(fig):
    """The figure's title (``frame.finish`` draws it with ``fig.suptitle``)."""
    from matplotlib.text import Text

    [title] = [t for t in fig.findobj(Text) if t.get_text() == fig.get_suptitle() and t.get_text()]
    return title


def texts_containing(fig, needle: str) -> list:
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if needle in t.get_text()]


# --------------------------------------------------------------------------- the style


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_project_style_draws_text_without_mathtext(lang):
    assert style.rc_params(lang)["text.parse_math"] is False
    with style.theme(lang):
        assert mpl.rcParams["text.parse_math"] is False


def test_the_style_is_undone_on_leaving_the_theme():
    before = mpl.rcParams["text.parse_math"]
    with style.theme("en"):
        pass
    assert mpl.rcParams["text.parse_math"] == before


def test_mathtext_would_draw_tex_differently_so_the_width_check_can_fail():
    """The width check below tells plain text from mathtext: ``$x^2$`` differs in width."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer, prop = RendererAgg(100, 100, 100), FontProperties(size=style.FONT_SIZES["annotation"])
    plain = renderer.get_text_width_height_descent("$x^2$", prop, ismath=False)[0]
    math = renderer.get_text_width_height_descent("$x^2$", prop, ismath=True)[0]
    assert abs(plain - math) > 1.0


# --------------------------------------------------------------------------- event captions (notebook 06)


@pytest.mark.parametrize("caption", HOSTILE)
def test_an_english_event_caption_with_dollars_is_drawn_as_written(caption):
    fig = weekly_sales_figure(events_with_caption(caption, "en"), "en")
    with rendered(fig, "en") as renderer:
        assert_drawn_literally(one(fig, "event:accident_anhui_expressway"), f"29 Mar: {caption}", renderer)


@pytest.mark.parametrize("caption", HOSTILE_ZH)
def test_a_chinese_event_caption_with_dollars_is_drawn_as_written(caption):
    fig = weekly_sales_figure(events_with_caption(caption, "zh"), "zh")
    with rendered(fig, "zh") as renderer:
        assert_drawn_literally(one(fig, "event:accident_anhui_expressway"), f"3月29日 {caption}", renderer)


def test_an_undated_event_caption_with_dollars_is_listed_literally_in_the_subtitle():
    fig = weekly_sales_figure(events_with_caption("crash", "en", undated="$\\frac$ and $2,000 off"), "en")
    with rendered(fig, "en") as renderer:
        # in the subtitle, or in the notes that take the sentences a two-line subtitle has no room for
        subtitle = next(t for t in fig.texts if t.get_gid() in ("subtitle", "notes")
                        and "$\\frac$ and $2,000 off" in t.get_text().replace("\n", " "))
        assert_drawn_literally(subtitle, subtitle.get_text(), renderer)


# --------------------------------------------------------------------------- neighbours


def test_a_series_name_with_dollars_in_the_title_is_drawn_as_written():
    """An unlabelled series is named by its id in the title (``findings._series_name``)."""
    series = "$2,000 off; Model Y now $35k"
    fig = weekly_sales_figure(events_with_caption("crash", "en"), "en", series=series)
    with rendered(fig, "en") as renderer:
        assert series in " ".join(fig.get_suptitle().split())
        assert_drawn_literally(suptitle(fig), fig.get_suptitle(), renderer)


def test_a_title_subtitle_and_footer_with_dollars_are_drawn_as_written():
    with style.theme("en") as lang:
        fig = frame.new_figure("wide")
        fig.add_subplot().plot([0, 1], [0, 1])
        frame.finish(fig, lang, "$\\frac$ title", "$x^2$ subtitle", "Source: $35k")
    with rendered(fig, "en") as renderer:
        assert_drawn_literally(suptitle(fig), "$\\frac$ title", renderer)
        assert_drawn_literally(one(fig, "subtitle"), "$x^2$ subtitle", renderer)
        assert_drawn_literally(one(fig, "source"), "Source: $35k", renderer)


def test_a_legend_entry_and_axis_labels_with_dollars_are_drawn_as_written():
    with style.theme("en") as lang:
        fig = frame.new_figure("wide")
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], label="$x^2$ series")
        ax.legend()
        ax.set_xlabel("$\\frac$ weeks")
        ax.set_ylabel("$2,000 off")
        ax.set_title("$35k")
        frame.finish(fig, lang, "title", "", "footer")
    with rendered(fig, "en") as renderer:
        legend_text = ax.get_legend().get_texts()[0]
        assert_drawn_literally(legend_text, "$x^2$ series", renderer)
        assert_drawn_literally(ax.xaxis.label, "$\\frac$ weeks", renderer)
        assert_drawn_literally(ax.yaxis.label, "$2,000 off", renderer)
        [panel_title] = [t for t in texts_containing(fig, "$35k") if t.get_gid() != "source"]
        assert_drawn_literally(panel_title, "$35k", renderer)


# --------------------------------------------------------------------------- notebook 07's weekly figure


@pytest.fixture(scope="module")
def frozen_weekly() -> pd.DataFrame:
    return read_clean("weekly_sales", FROZEN)


@pytest.mark.parametrize("lang, caption", [("en", "$\\frac$"), ("en", "$2,000 off; Model Y now $35k"),
                                           ("zh", "降价$2,000;Model Y现价$35k")])
def test_later_weekly_event_captions_and_series_legend_with_dollars_are_drawn_as_written(frozen_weekly, lang, caption):
    events = read_clean("events", FROZEN)
    events.loc[events["event_id"] == "yu7_launch", f"caption_{lang}"] = caption
    weekly = frozen_weekly
    extra = weekly[weekly["series"] == "xiaomi_all"].assign(series="$x^2$ brand")
    weekly = pd.concat([weekly, extra], ignore_index=True)
    series = ("xiaomi_su7", "$x^2$ brand")
    fig = what_happened.later_weekly_figure(weekly, events, lang=lang, series=series,
                                            titles=what_happened_narrative.later_weekly_titles(weekly, events, series))
    with rendered(fig, lang) as renderer:
        day = "26 Jun: " if lang == "en" else "6月26日 "
        assert_drawn_literally(one(fig, "event:yu7_launch"), day + caption, renderer)
        legend = [t for t in fig.axes[0].get_legend().get_texts() if t.get_text() == "$x^2$ brand"]
        assert len(legend) == 1
        assert_drawn_literally(legend[0], "$x^2$ brand", renderer)
        for text in texts_containing(fig, "$"):
            assert text.get_parse_math() is False, text.get_text()
