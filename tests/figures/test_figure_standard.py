"""Every figure to a newsroom's standard (issue 22, item 2), in English and Chinese, at the size it is saved.

Each figure builder runs on the committed processed data (``tests/figures/figure_set.py``: the notebooks'
figure calls) and must pass :func:`helpers.figures.check.figure_problems`.  The unit tests below build small
figures that break one rule each, so the check is shown to fail where it should.
"""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from helpers.data.sources import publisher_name, sources_line
from helpers.figures import frame, style
from helpers.figures.check import CODE_ID, figure_problems
from tests.figures.figure_set import BUILDERS


# --------------------------------------------------------------------------- every figure, both languages


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("stem", sorted(BUILDERS))
def test_every_figure_meets_the_standard(stem, lang):
    fig = BUILDERS[stem](lang)
    assert figure_problems(fig, f"{stem} ({lang})") == []


# --------------------------------------------------------------------------- the check can fail


def framed(title: str = "A short title", subtitle: str = "One line.", footer: str = "Sources: CarNewsChina",
           size: tuple[float, float] = (6.0, 4.0)) -> Figure:
    """A small figure finished like the project's (title, subtitle, footer, frozen layout)."""
    with style.theme("en") as lang:
        fig = Figure(figsize=size, layout="constrained")
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [1, 3, 2])
        return frame.finish(fig, lang, title, subtitle, footer)


def test_a_plain_figure_passes():
    assert figure_problems(framed(), "plain") == []


def test_the_check_finds_two_texts_that_overlap_and_names_both():
    fig = framed()
    ax = fig.axes[0]
    ax.annotate("first label", (1, 2))
    ax.annotate("second label", (1, 2))
    problems = figure_problems(fig, "toy")
    assert any(p.startswith("toy: ") and "'first label'" in p and "'second label'" in p and "overlaps" in p
               for p in problems), problems


def test_the_check_finds_a_label_off_the_figure():
    fig = framed()
    fig.axes[0].annotate("far away", (1, 2), xytext=(2000, 0), textcoords="offset points", annotation_clip=False)
    problems = figure_problems(fig, "toy")
    assert any("'far away' leaves the figure" in p for p in problems), problems


def test_the_check_finds_a_long_title():
    fig = framed()
    fig.suptitle("x" * 111)  # past what finish would have split
    problems = figure_problems(fig, "toy")
    assert any("the title has 111 characters (at most 110)" in p for p in problems), problems


def test_finish_keeps_titles_and_subtitles_within_the_standard():
    long_title = "Sales fell by a lot over the weeks of the article and the following months; " + "more words " * 8
    fig = framed(title=long_title.strip(), subtitle="A sentence of some length. " * 12, size=(6.0, 4.0))
    assert len(frame.figure_title(fig)) <= 110
    assert figure_problems(fig, "toy") == []
    assert frame.figure_statement(fig) == " ".join(long_title.split())  # nothing lost: the rest opens the subtitle


def test_the_check_finds_a_small_data_area():
    fig = framed()
    fig.axes[0].set_position([0.1, 0.3, 0.8, 0.2])
    problems = figure_problems(fig, "toy")
    assert any("the axes cover 20.0% of the figure's height" in p for p in problems), problems


def test_the_check_finds_a_subtitle_of_three_lines():
    fig = framed()
    next(t for t in fig.texts if t.get_gid() == "subtitle").set_text("one\ntwo\nthree")
    problems = figure_problems(fig, "toy")
    assert any("the subtitle takes 3 lines (at most 2)" in p for p in problems), problems


def test_the_check_finds_legend_entries_that_look_the_same():
    fig = framed()
    ax = fig.axes[0]
    handles = [Line2D([], [], color="#E69F00", marker="o", linestyle="none", label="deliveries"),
               Line2D([], [], color="#E69F00", marker="o", linestyle="none", label="retail sales"),
               Line2D([], [], color="#0072B2", marker="o", linestyle="none", label="other")]
    ax.legend(handles=handles, loc="upper left", fontsize=6)
    problems = figure_problems(fig, "toy")
    assert any("the legend entries 'deliveries' and 'retail sales' look the same" in p for p in problems), problems
    assert not any("'other'" in p for p in problems)


@pytest.mark.parametrize("code_id", ["xiaomi_su7", "infonowcast_w13", "article_ggyjs_2025", "carnewschina_2025_05_19",
                                     "cnevpost-2025-06-03"])
def test_the_check_finds_a_code_id(code_id):
    fig = framed(footer=f"Sources: {code_id} · as of 2025-W23 · su7-slump")
    problems = figure_problems(fig, "toy")
    assert any(f"shows the code id {code_id!r}" in p for p in problems), problems


@pytest.mark.parametrize("text", ["SU7 + YU7", "2025-W16–W19", "as of 2025-W23 · su7-slump", "Xiaomi (all models)",
                                  "MASE 1.04 · n = 14", "Tesla China", "10.2%"])
def test_words_a_reader_sees_are_not_code_ids(text):
    assert CODE_ID.search(text) is None


# --------------------------------------------------------------------------- sources by publisher


def test_sources_are_named_by_publisher_the_first_two_then_a_count():
    table = __import__("pandas").DataFrame({
        "source_id": ["a", "b", "c", "d", "e"],
        "publisher": ["CarNewsChina", "CnEVPost", "Teslarati", "CarNewsChina", "有驾 (yoojia.com)"]})
    # 4 publishers (a and d are both CarNewsChina): two named, 2 more
    assert sources_line(["a", "b", "c", "d", "e"], table) == "CarNewsChina, CnEVPost and 2 more"
    assert sources_line(["e"], table) == "yoojia.com" and sources_line(["e"], table, "zh") == "有驾"
    assert publisher_name("光明网 (gmw.cn), 来源: 新华网") == "gmw.cn"


def test_the_project_sources_table_names_a_publisher_for_every_source():
    table = frame.sources_table()
    assert len(table) and (table["publisher"].astype(str).str.strip() != "").all()
    for publisher in table["publisher"]:
        name = publisher_name(publisher, "en")
        assert name and CODE_ID.search(name) is None, (publisher, name)


# --------------------------------------------------------------------------- one number everywhere


def test_the_monthly_title_takes_the_multiples_notebook_07_prints():
    """Issue 22: the title said 1.7x where notebook 07 said 1.8x.  Both now come from the same readings (the
    figures the quarterly totals allow) at one decimal: the title holds the multiples of the later evidence."""
    import re

    from helpers import catalog

    later = catalog.read("what_happened.claims_later").set_index("claim_id")
    if "actual_vs_design_capacity" not in later.index:
        pytest.skip("no later evidence on the capacities")
    evidence = str(later.loc["actual_vs_design_capacity", "later_evidence"])
    match = re.search(r"\(([\d.]+×(?: to [\d.]+×)?) its rate, ([\d.]+×(?: to [\d.]+×)?) the 'actual' one\)", evidence)
    if match is None:
        pytest.skip("the later evidence gives no multiples (the months do not exceed the design capacity)")
    design, actual = match.groups()
    statement = frame.figure_statement(BUILDERS["07_monthly_deliveries"]("en"))
    assert f"ran at {actual} the article's" in statement
    assert f"that is {design} its design capacity's rate" in statement


def test_numbers_beside_points_that_would_collide_are_left_out_and_nothing_else_is():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.figures.check import drop_crowded_labels, figure_problems

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.annotate("event that must stay", (0.5, 0.5), xycoords="axes fraction", ha="center", gid="event:x")
    ax.annotate("7,800", (0.5, 0.5), xycoords="axes fraction", ha="center", gid="value")
    ax.annotate("7,790", (0.52, 0.5), xycoords="axes fraction", ha="center", gid="value:su7")
    ax.annotate("5,200", (0.5, 0.1), xycoords="axes fraction", ha="center", gid="value:su7")
    assert figure_problems(fig, "toy") != []
    assert drop_crowded_labels(fig) == ["7,800", "7,790"]
    assert [t.get_text() for t in ax.texts] == ["event that must stay", "5,200"]
    assert figure_problems(fig, "toy") == []
    plt.close(fig)


def _legend_figure(labels: list[str], ncols: int) -> Figure:
    with style.theme("en") as lang:
        fig = Figure(figsize=(6.0, 4.0), layout="constrained")
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [1, 3, 2])
        markers = "osD^v<>px*"
        handles = [Line2D([], [], marker=markers[i], linestyle="none", color=f"C{i}", label=label)
                   for i, label in enumerate(labels)]
        frame.legend_below(fig, ax, handles, ncols=ncols)
        return frame.finish(fig, lang, "A short title", "One line.", "Sources: CarNewsChina")


def _columns(fig: Figure) -> int:
    """How many columns the drawn legend has: the distinct left edges of its texts."""
    return len({round(t.get_window_extent().x0) for t in fig.axes[0].get_legend().get_texts()})


def test_a_legend_below_the_axes_takes_fewer_columns_when_its_labels_would_leave_the_figure():
    """The appended-weeks run drew 08_market_share's legend wider than the figure (a five-brand set in one
    entry): the legend now drops columns until it fits, as drawn by matplotlib and judged by the check."""
    long = ["share of Xiaomi + BYD + Leapmotor + Li Auto + Tesla China (n = 10 weeks)",
            "share of Xiaomi + BYD + Tesla China (n = 4 weeks)", "the article's weeks (2025-W16–W19)",
            "holiday week (days off at the foot)", "week holding a month end", "Xiaomi figure, no share"]
    fig = _legend_figure(long, ncols=3)
    assert figure_problems(fig, "toy") == []
    assert _columns(fig) < 3
    short = ["SU7", "YU7", "BYD", "Tesla"]
    assert _columns(_legend_figure(short, ncols=2)) == 2


def test_legend_columns_keeps_the_columns_when_matplotlibs_drawn_legend_fits_and_drops_one_when_it_does_not():
    """The oracle is matplotlib: the width of the same legend drawn in two columns (at 72 dpi, pixels are points)."""
    labels = ["a label of some width"] * 4
    with style.theme("en"):
        fig = Figure(figsize=(8.0, 2.0), dpi=72)
        ax = fig.add_subplot()
        handles = [Line2D([], [], marker="o", linestyle="none", label=label) for label in labels]
        legend = ax.legend(handles=handles, ncols=2, fontsize=10.0, frameon=False)
        fig.draw_without_rendering()
        drawn = legend.get_window_extent().width
        assert frame.legend_columns(labels, 2, 10.0, drawn * 1.15) == 2
        assert frame.legend_columns(labels, 2, 10.0, drawn * 0.9) == 1