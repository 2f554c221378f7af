"""The HTML report: self-contained pages, an index that links everything, byte-identical reruns."""

from __future__ import annotations

import base64
import io
import json
import os
import re
from pathlib import Path

import pytest

from helpers import steps
from helpers.report import html as report

PNG_PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f3e1"
    "6d0000000049454e44ae426082"
)).decode()


def notebook(cells: list[dict]) -> str:
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                                       "language_info": {"name": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb, indent=1, sort_keys=True) + "\n"


def figure_png(title: str) -> bytes:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Title", title)
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def tiny_steps(monkeypatch):
    """The notebooks of these tests as steps of the registry (the report's pages are the registry's notebooks)."""
    tiny = tuple(steps.StepSpec(name, None, reads=(steps.RAW,)) for name in ("01_tiny", "01_zh", "02_not_run"))
    monkeypatch.setattr(steps, "STEPS", (*steps.STEPS, *tiny))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    (nbs / "01_tiny.ipynb").write_text(notebook([
        {"cell_type": "markdown", "id": "t-1", "metadata": {},
         "source": "# 01 · Tiny: one cell\n\nFrom [the source page](https://example.org/page)."},
        {"cell_type": "code", "id": "t-2", "metadata": {}, "execution_count": 1, "source": "x = 1\nx",
         "outputs": [
             {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/plain": "1"}},
             {"output_type": "display_data", "metadata": {"image/png": {"alt": "A tiny figure & its title"}},
              "data": {"image/png": PNG_PIXEL, "text/plain": "<IPython.core.display.Image object>"}},
         ]},
    ]), encoding="utf-8")
    (nbs / "02_not_run.ipynb").write_text(notebook([
        {"cell_type": "code", "id": "n-1", "metadata": {}, "execution_count": None, "source": "y = 2", "outputs": []},
    ]), encoding="utf-8")
    (nbs / "scratch.ipynb").write_text(notebook([]), encoding="utf-8")  # not numbered: not in the report
    figs = tmp_path / "reports" / "figures"
    figs.mkdir(parents=True)
    (figs / "b_second.png").write_bytes(figure_png("Second: a finding & <more>"))
    (figs / "a_first.png").write_bytes(figure_png("First finding"))
    (figs / "a_first.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    return tmp_path


def test_export_writes_a_page_per_executed_notebook_and_an_index(project):
    written = report.export_report(project)
    assert written == ["reports/html/01_tiny.html", "reports/html/index.html", "reports/html/index.zh.html"]
    page = (project / "reports/html/01_tiny.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page  # images embedded
    assert 'alt="A tiny figure &amp; its title"' in page  # with the alt text the notebook gave them
    assert "jp-InputArea" in page and "highlight" in page  # inputs shown
    index = (project / "reports/html/index.html").read_text(encoding="utf-8")
    assert '<a href="01_tiny.html">01 · Tiny: one cell</a>' in index
    assert "02_not_run" not in index and "scratch" not in index
    for name in ("a_first", "b_second"):  # copied into the report's folder and linked from inside it
        assert f'<img src="figures/{name}.png"' in index
        assert f'<a href="figures/{name}.png">' in index
        assert (project / f"reports/html/figures/{name}.png").read_bytes() == (project / f"reports/figures/{name}.png").read_bytes()
    assert "../" not in index
    assert index.index("a_first.png") < index.index("b_second.png")
    assert '<a href="figures/a_first.svg">SVG</a>' in index and "b_second.svg" not in index
    assert "First finding" in index and "Second: a finding &amp; &lt;more&gt;" in index


def test_pages_load_nothing_from_the_network(project):
    report.export_report(project)
    page = (project / "reports/html/01_tiny.html").read_text(encoding="utf-8")
    index = (project / "reports/html/index.html").read_text(encoding="utf-8")
    assert report.remote_references(page) == ["https://example.org/page"]  # the notebook's own link
    assert report.remote_references(index) == []
    for text in (page, index):
        for cdn in ("require.js", "require.min.js", "MathJax.js", "mathjax@", "cdnjs", "unpkg", "jsdelivr", "mermaid.esm"):
            assert cdn not in text, cdn
    remaining = [line for line in page.splitlines() if "http://" in line or "https://" in line]
    assert remaining and all("example.org/page" in line for line in remaining), remaining


def test_two_exports_are_byte_identical_and_unchanged_files_are_not_rewritten(project):
    report.export_report(project)
    out = project / "reports" / "html"
    first = {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    for p in out.rglob("*"):
        if p.is_file():
            os.utime(p, ns=(1, 1))
    report.export_report(project)
    second = {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    assert {k: v[0] for k, v in first.items()} == {k: v[0] for k, v in second.items()}
    assert all(mtime == 1 for _, mtime in second.values())
    assert not any(str(project) in data.decode("utf-8") for name, (data, _) in second.items() if name.endswith(".html"))


def test_pages_of_removed_notebooks_are_dropped(project):
    out = project / "reports" / "html"
    out.mkdir(parents=True)
    (out / "03_gone.html").write_text("old", encoding="utf-8")
    (out / "notes.txt").write_text("kept", encoding="utf-8")
    report.export_report(project)
    assert sorted(p.name for p in out.iterdir()) == ["01_tiny.html", "figures", "index.html", "index.zh.html", "notes.txt"]


def test_a_template_that_loads_a_cdn_is_refused(project):
    from nbconvert import HTMLExporter

    with pytest.raises(ValueError, match="remote resources"):
        report.export_notebook(project / "notebooks" / "01_tiny.ipynb", HTMLExporter(template_name="lab"))


def test_command_line_prints_the_pages(project, capsys):
    assert report.main(["--root", str(project)]) == 0
    assert capsys.readouterr().out.split() == ["reports/html/01_tiny.html", "reports/html/index.html",
                                               "reports/html/index.zh.html"]


def test_index_of_an_empty_project_is_still_a_page(tmp_path):
    (tmp_path / "notebooks").mkdir()
    assert report.export_report(tmp_path) == ["reports/html/index.html", "reports/html/index.zh.html"]
    assert '<h2 id="figures">Figures</h2>' in (tmp_path / "reports/html/index.html").read_text(encoding="utf-8")


def test_findings_lead_the_index_and_link_to_the_section_that_computed_them(tmp_path):
    import html

    from helpers.report.html import index_page, section_anchor

    page = '<h2 id="2-%C2%B7-The-scores">2 · The scores<a class="anchor-link" href="#2-%C2%B7-The-scores">¶</a></h2>'
    assert section_anchor(page, "2 · The scores") == "2-%C2%B7-The-scores"
    out = tmp_path / "html"
    out.mkdir()
    anchor = "4-%C2%B7-Do-the-monthly-figures-add-up-to-Xiaomi's-official-totals?"
    (out / "07_what_happened.html").write_text(f'<h2 id="{anchor}">4 · Do the monthly figures add up</h2>', encoding="utf-8")
    summary = {"reconciliation": {"n_figures": 19, "n_confirmed": 15, "n_ruled_out": 1, "n_open": 3}}
    index = index_page("en", summary, [("01_ingest.html", "01 · Ingest <x>")], [], out)
    assert index.index('id="findings"') < index.index('id="notebooks"')
    assert "01 · Ingest &lt;x&gt;" in index  # escaped
    assert f'<a href="07_what_happened.html#{html.escape(anchor)}">notebook 07</a>' in index
    assert "15 of 19 monthly figures add up" in index


def _clean_tables(project, weekly_sales: str, monthly_deliveries: str) -> None:
    """The two clean tables the banner reads its week and month from, as CSV text."""
    clean = project / "data/processed/clean"
    clean.mkdir(parents=True)
    (clean / "weekly_sales.csv").write_text(weekly_sales, encoding="utf-8")
    (clean / "monthly_deliveries.csv").write_text(monthly_deliveries, encoding="utf-8")


def test_pages_say_the_week_and_month_their_data_run_through(project):
    _clean_tables(project, "series,week\nx,2025-W09\nx,2025-W40\ny,2025-W12\n",
                  "month_label,units\n2025-03,1\n2025-11,2\n")
    report.export_report(project)
    out = project / "reports/html"
    english = "Data run through 2025-W40 (weekly figures) and November 2025 (monthly figures)."
    chinese = "数据截至2025-W40(周数据)和2025年11月(月数据)。"
    index, index_zh = ((out / name).read_text(encoding="utf-8") for name in ("index.html", "index.zh.html"))
    assert english in index and chinese not in index  # each index in its own language
    assert chinese in index_zh and english not in index_zh
    page = (out / "01_tiny.html").read_text(encoding="utf-8")
    banner = page[page.index('<div class="su7-asof"'):]
    banner = banner[:banner.index("</div>")]
    # a notebook page is English, and Chinese readers reach it from index.zh.html: both lines, English first
    assert banner.index(english) < banner.index(f'<br><span lang="zh-CN">{chinese}</span>')
    report.export_report(project)
    assert (out / "01_tiny.html").read_text(encoding="utf-8") == page  # stamped once, not twice
    assert page.count('class="su7-asof"') == 1
    report.export_report(project, pages=[])  # not exported again: the banner restamped on the page as it stands
    assert (out / "01_tiny.html").read_text(encoding="utf-8") == page


def test_the_banner_s_chinese_reads_offline_in_the_embedded_font(project):
    _clean_tables(project, "series,week\nx,2025-W40\n", "month_label,units\n2025-11,2\n")
    report.export_report(project)
    page = (project / "reports/html/01_tiny.html").read_text(encoding="utf-8")  # the notebook itself is ASCII
    font, rest = embedded_font(page)
    have = {chr(c) for c in font.getBestCmap()}
    assert set("数据截至周和月年") <= have
    banner = rest[rest.index('<div class="su7-asof"'):]
    assert "font: 14px 'su7-cjk', system-ui, sans-serif" in banner[:banner.index(">")]


def test_each_figure_links_the_tables_behind_it_copied_into_the_report(project):
    data = project / "data/processed/trend"
    data.mkdir(parents=True)
    (data / "bands.csv").write_text("t,mean\n0,1\n", encoding="utf-8")
    figs = project / "reports/figures"
    (figs / "06_weekly_sales_trend.png").write_bytes((figs / "a_first.png").read_bytes())
    report.export_report(project)
    index = (project / "reports/html/index.html").read_text(encoding="utf-8")
    assert '<a href="data/trend_bands.csv">' in index
    assert (project / "reports/html/data/trend_bands.csv").read_text(encoding="utf-8") == "t,mean\n0,1\n"


def test_every_committed_figure_names_the_tables_behind_it():
    from tests.conftest import ROOT

    for png in sorted((ROOT / "reports/figures").glob("*.png")):
        assert png.stem in report.FIGURE_DATA, f"{png.name}: add the tables behind it to helpers.report.html.FIGURE_DATA"
        for rel in report.FIGURE_DATA[png.stem]:
            assert (ROOT / rel).is_file(), (png.name, rel)


def test_the_index_shows_the_figures_in_the_declared_reading_order_not_the_alphabets(project):
    figs = project / "reports/figures"
    for stem in ("06_weekly_sales_trend", "06_claims_audit"):
        (figs / f"{stem}.png").write_bytes((figs / "a_first.png").read_bytes())
    assert list(report.FIGURE_DATA).index("06_weekly_sales_trend") < list(report.FIGURE_DATA).index("06_claims_audit")
    report.export_report(project)
    index = (project / "reports/html/index.html").read_text(encoding="utf-8")
    shown = re.findall(r'<img src="figures/([^"]+)\.png"', index)
    # the declared ones first, in FIGURE_DATA's order; then the others (a_first, b_second) by name
    assert shown == ["06_weekly_sales_trend", "06_claims_audit", "a_first", "b_second"], shown


def test_the_chinese_index_shows_chinese_figures_when_drawn_and_says_so_when_not(project):
    report.export_report(project)
    zh = (project / "reports/html/index.zh.html").read_text(encoding="utf-8")
    assert '<img src="figures/a_first.png"' in zh and "中文图表尚未绘制" in zh
    (project / "reports/figures/zh").mkdir()
    (project / "reports/figures/zh/a_first.png").write_bytes((project / "reports/figures/b_second.png").read_bytes())
    report.export_report(project)
    zh = (project / "reports/html/index.zh.html").read_text(encoding="utf-8")
    assert '<img src="figures/zh/a_first.png"' in zh and '<img src="figures/b_second.png"' in zh
    assert (project / "reports/html/figures/zh/a_first.png").is_file()


def test_each_index_links_the_other(project):
    report.export_report(project)
    en = (project / "reports/html/index.html").read_text(encoding="utf-8")
    zh = (project / "reports/html/index.zh.html").read_text(encoding="utf-8")
    assert '<a href="index.zh.html"' in en and '<a href="index.html"' in zh
    assert '<html lang="zh-CN">' in zh


def test_every_code_cell_of_a_page_is_folded_behind_one_click():
    import json

    from tests.conftest import ROOT

    nb = json.loads((ROOT / "notebooks" / "09_backtest.ipynb").read_text(encoding="utf-8"))
    page = (ROOT / "reports" / "html" / "09_backtest.html").read_text(encoding="utf-8")
    n_code = sum(c["cell_type"] == "code" for c in nb["cells"])
    assert page.count('<details class="su7-code"><summary>Show code</summary>') == n_code



def test_no_table_on_a_notebook_page_prints_pandas_six_decimals():
    """A table a reader scrolls past shows rounded numbers: pandas prints six decimals unless told (a raw figure may have four)."""
    from tests.conftest import ROOT

    for page in sorted((ROOT / "reports" / "html").glob("0*.html")):
        long = re.findall(r"<td>(-?\d+\.\d{5,})</td>", page.read_text(encoding="utf-8"))
        assert not long, f"{page.name}: table cells with five or more decimals, e.g. {long[:3]}"

# --------------------------------------------------------------------------- Chinese, offline

CHINESE_MARKDOWN = "锁单率仅35%-40%，交付周期长达一年"
CHINESE_OUTPUT = "高达"


@pytest.fixture
def chinese_project(tmp_path: Path) -> Path:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    (nbs / "01_zh.ipynb").write_text(notebook([
        {"cell_type": "markdown", "id": "z-1", "metadata": {}, "source": f"# 01 · Chinese\n\n{CHINESE_MARKDOWN}"},
        {"cell_type": "code", "id": "z-2", "metadata": {}, "execution_count": 1, "source": "q",
         "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                      "data": {"text/plain": f"'{CHINESE_OUTPUT}'"}}]},
    ]), encoding="utf-8")
    return tmp_path


def embedded_font(page: str):
    """The font of the page's ``@font-face`` (fontTools), and the page without its font block."""
    import re

    from fontTools.ttLib import TTFont

    found = re.findall(r'@font-face \{ font-family: "su7-cjk"; src: url\("data:font/woff;base64,([A-Za-z0-9+/=]+)"\)',
                       page)
    assert len(found) == 1, f"{len(found)} embedded fonts"
    data = base64.b64decode(found[0])
    assert data[:4] == b"wOFF"
    start = page.index('<style id="su7-cjk-font">')
    rest = page[:start] + page[page.index("</style>", start):]
    return TTFont(io.BytesIO(data)), rest


def test_a_page_embeds_a_font_with_exactly_the_characters_it_prints(chinese_project):
    report.export_report(chinese_project)
    page = (chinese_project / "reports/html/01_zh.html").read_text(encoding="utf-8")
    font, rest = embedded_font(page)
    have = {chr(c) for c in font.getBestCmap()}
    wanted = {c for c in CHINESE_MARKDOWN + CHINESE_OUTPUT if ord(c) > 0x7E}
    assert wanted <= have, sorted(wanted - have)
    assert all(c in rest for c in have), sorted(c for c in have if c not in rest)  # nothing the page does not print
    assert "A" not in have and "·" not in have  # Latin is left to the page's own fonts
    assert len(have) < len(wanted) + 5  # a page-sized subset, not the bundled 4,000 characters


def test_the_page_fonts_name_the_embedded_family_first(chinese_project):
    import re

    report.export_report(chinese_project)
    page = (chinese_project / "reports/html/01_zh.html").read_text(encoding="utf-8")
    block = page[page.index('<style id="su7-cjk-font">'):]
    block = block[: block.index("</style>")]
    stacks = dict(re.findall(r"(--jp-[a-z-]+font-family[a-z-]*): ([^;]+);", block))
    assert {"--jp-ui-font-family", "--jp-content-font-family", "--jp-code-font-family-default"} <= set(stacks)
    for name, stack in stacks.items():  # first: Chromium leaves a run laid out while it loads as boxes
        assert stack.startswith('"su7-cjk", ') and re.search(r"\b(sans-serif|monospace)\b", stack), (name, stack)
        assert stack.count("su7-cjk") == 1, (name, stack)
    face = block[block.index("@font-face"):]
    assert "unicode-range: U+3000-303F, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FF00-FFEF;" in face  # Latin: not this face
    assert page.index('<style id="su7-cjk-font">') > page.index("--jp-ui-font-family: system-ui")  # after the theme


def test_the_index_embeds_its_chinese_too(project):
    report.export_report(project)
    index = (project / "reports/html/index.html").read_text(encoding="utf-8")
    font, rest = embedded_font(index)
    have = {chr(c) for c in font.getBestCmap()}
    shown = {c for c in report.printed_text(rest) if "\u4e00" <= c <= "\u9fff"}
    assert shown and shown <= have, sorted(shown - have)
    assert 'body { font-family: "su7-cjk", system-ui,' in index


def test_an_ascii_page_embeds_no_font(project):
    report.export_report(project)
    page = (project / "reports/html/01_tiny.html").read_text(encoding="utf-8")
    assert "@font-face" not in page and "su7-cjk" not in page


def test_subset_fonts_are_kept_between_runs_and_give_the_same_bytes(chinese_project):
    from helpers.figures import cjk_font

    report.export_report(chinese_project)
    cache = chinese_project / report.FONT_CACHE_SUBDIR
    kept = sorted(cache.glob("*.woff"))
    assert len(kept) == 3  # the page's and the two indexes'
    first = (chinese_project / "reports/html/01_zh.html").read_bytes()
    cjk_font._subset.cache_clear()
    for path in kept:
        os.utime(path, ns=(1, 1))
    report.export_report(chinese_project)
    assert (chinese_project / "reports/html/01_zh.html").read_bytes() == first
    assert all(path.stat().st_mtime_ns == 1 for path in kept)  # read, not rewritten
    (kept[0]).write_bytes(b"not a font")  # a damaged cache file is rebuilt, not embedded
    cjk_font._subset.cache_clear()
    report.export_report(chinese_project)
    assert (chinese_project / "reports/html/01_zh.html").read_bytes() == first


def test_the_summary_carries_the_later_weeks_and_the_data_s_newest_week_and_month(tmp_path):
    from helpers.report.summary import assemble_summary

    later = tmp_path / "data/processed/what_happened"
    later.mkdir(parents=True)
    (later / "later_weeks.csv").write_text(
        "series,after_week,n_weeks,weeks,first_week,last_week,min,min_week,max,max_week,mean,n_derived\n"
        "xiaomi_su7,2025-W19,2,2025-W22 2025-W23,2025-W22,2025-W23,4370.0,2025-W23,7800.0,2025-W22,6085.0,0\n",
        encoding="utf-8")
    summary = assemble_summary(tmp_path)
    assert summary["later_weeks"] == [{"series": "xiaomi_su7", "after_week": "2025-W19", "n_weeks": 2, "first_week": "2025-W22",
                                       "last_week": "2025-W23", "min": 4370, "min_week": "2025-W23", "max": 7800,
                                       "max_week": "2025-W22", "mean": 6085}]
    assert "data_through" not in summary  # no cleaned weekly table: said by leaving it out, not guessed
