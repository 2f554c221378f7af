"""The HTML report: every executed notebook of the step registry as a self-contained page, and an index.

:func:`export_report` writes ``reports/html/``:

* ``NN_name.html`` for every executed notebook of :data:`helpers.steps.STEPS`: nbconvert's
  ``lab`` template with inputs shown and images embedded, but **no remote
  script or style**: the template used here drops require.js, MathJax,
  Mermaid and widget loaders (which would come from a CDN), and CSS comments
  that carry URLs are removed.  A page that would still run code or load
  anything from the network (a script, an event handler, a remote image or
  style, whatever a notebook's outputs hold) fails the export
  (:func:`unsafe_markup`); plain links to sources are allowed.
  (Without MathJax, LaTeX in markdown shows as typed.)
* ``index.html`` and ``index.zh.html``: for a reader, in English and Chinese
  (:func:`index_page`, every text from :mod:`helpers.narrative.reader`): the
  week and month the data run through, the bottom line with how sure, the
  findings, the article's claims one by one (quotes with the project's own
  translation), a dated timeline, the notebooks, every figure in
  ``reports/figures`` (copied into ``reports/html/figures/``, each linking the
  tables behind it, copied into ``reports/html/data/``) and the sources.
  The folder works copied or zipped on its own.

**Chinese offline.** Every page embeds the bundled Chinese font
(:mod:`helpers.figures.cjk_font`) as an ``@font-face`` with a WOFF ``data:`` URL
holding only the characters that page prints (:func:`embed_cjk_font`), and its
font stacks name that family (``su7-cjk``) first, so Chinese reads on a machine
without a CJK font.  First, not just before the generic family: Chromium draws
the first run of Chinese it lays out as empty boxes for good when an installed
font comes before a web font still loading (see :func:`font_stack_with`).

Pages carry no dates, so the same notebooks give the same bytes; files are
written atomically and only when their bytes change.  Run it as
``python -m helpers.report``.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable, Mapping

from helpers.atomic import write_text_atomic

__all__ = ["OFFLINE_TEMPLATE", "executed_notebooks", "notebook_title", "export_notebook", "remote_references", "unsafe_markup", "refuse_unsafe",
           "printed_text", "font_stack_with", "embed_cjk_font", "index_page", "stamp_data_through", "data_through_text",
           "data_through_lines", "data_copy_name", "FIGURE_DATA", "INDEX_PAGES", "export_report", "main"]

#: nbconvert template: the lab page without anything fetched from the network; code folded away (a
#: ``<details>`` per code cell: one click shows it, no script needed); PNG outputs keep the ``alt`` text of
#: their metadata (``helpers.figures.findings.to_image`` sets the figure's title).
OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{% block extra_css %}
<style>
details.su7-code > summary { cursor: pointer; color: #555; font-size: 0.85rem; padding: 0.1rem 0 0.1rem 0.5rem; }
details.su7-code[open] > summary { color: #222; }
</style>
{% endblock extra_css %}
{% block input_group -%}
<details class="su7-code"><summary>Show code</summary>
{{ super() }}
</details>
{%- endblock input_group %}
{% block data_png scoped %}
{%- set alt = output | get_metadata('alt', 'image/png') -%}
{%- if alt -%}
{{ super() | replace('<img src=', '<img alt="' ~ (alt | escape_html) ~ '" src=', 1) }}
{%- else -%}
{{ super() }}
{%- endif -%}
{% endblock data_png %}
"""
_TEMPLATE_NAME = "su7_offline.html.j2"
HTML_SUBDIR = Path("reports") / "html"
#: Subset fonts kept between runs (not committed: ``.cache/`` is ignored, ``make clean`` removes it).
FONT_CACHE_SUBDIR = Path(".cache") / "report-fonts"
FIGURES_SUBDIR = Path("reports") / "figures"
_URL = re.compile(r"(?:https?:)?//[^\s\"'<>)\]]+")
_STYLE_BLOCK = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S | re.I)
_CSS_COMMENT_WITH_URL = re.compile(r"/\*(?:(?!\*/).)*?https?://(?:(?!\*/).)*\*/", re.S)


def _cells(nb: dict[str, Any]) -> list[dict[str, Any]]:
    return nb.get("cells", [])


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def executed_notebooks(notebooks_dir: Path) -> list[Path]:
    """The step registry's notebooks (:data:`helpers.steps.STEPS`, in its order) in ``notebooks_dir`` that
    have been executed (a code cell with outputs): one report page each."""
    from helpers.steps import STEPS

    found = []
    for path in (notebooks_dir / f"{s.name}.ipynb" for s in STEPS):
        if not path.is_file():
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        if any(c.get("cell_type") == "code" and c.get("outputs") for c in _cells(nb)):
            found.append(path)
    return found


def notebook_title(nb: dict[str, Any], fallback: str) -> str:
    """The first markdown heading of a notebook, without its ``#``; ``fallback`` if there is none.

    >>> notebook_title({"cells": [{"cell_type": "markdown", "source": "# 03 · Trend\\n\\ntext"}]}, "x")
    '03 · Trend'
    >>> notebook_title({"cells": []}, "03_trend")
    '03_trend'
    """
    for cell in _cells(nb):
        if cell.get("cell_type") != "markdown":
            continue
        for line in _source(cell).splitlines():
            match = re.match(r"\s{0,3}#{1,6}\s+(.*\S)", line)
            if match:
                return match.group(1).strip()
    return fallback


def html_exporter() -> Any:
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({_TEMPLATE_NAME: OFFLINE_TEMPLATE})],
        template_file=_TEMPLATE_NAME,
        exclude_input=False,
        embed_images=True,
    )


#: Attributes whose URL the browser loads by itself (a resource), on any element; ``href`` is one only on ``<link>``.
_RESOURCE_ATTRIBUTES = ("src", "srcset", "poster", "data", "background", "action", "formaction", "xlink:href")
#: Elements a report page never needs: each could run code, load a page or send one.
_REFUSED_ELEMENTS = ("script", "iframe", "frame", "object", "embed", "applet", "base", "form", "portal")
_REMOTE = re.compile(r"\s*(https?:)?//", re.I)
_SCRIPT_URL = re.compile(r"\s*(javascript|vbscript|data\s*:\s*text/html)", re.I)
_CSS_REMOTE = re.compile(r"@import|url\(\s*['\"]?\s*(https?:)?//", re.I)


class _Audit(HTMLParser):
    """Walks a page and notes every reference (``src``/``href``) and every piece of active or remote markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _REFUSED_ELEMENTS:
            self.problems.append(f"a <{tag}> element")
        if tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh" for k, v in attrs):
            self.problems.append("a <meta http-equiv=refresh>")
        self._in_style = tag == "style"
        for key, value in attrs:
            value = value or ""
            if key in ("src", "href") and value:
                self.refs.append(value)
            if key.startswith("on"):
                self.problems.append(f"an event handler attribute {key}= on <{tag}>")
            elif key in (*_RESOURCE_ATTRIBUTES, "href") and _SCRIPT_URL.match(value):
                self.problems.append(f"a script URL in {key}= on <{tag}>: {value[:60]!r}")
            elif (key in _RESOURCE_ATTRIBUTES or (tag == "link" and key == "href")) and (
                    _REMOTE.match(value) or any(_REMOTE.match(part) for part in value.split(",")[1:])):
                self.problems.append(f"a remote resource in {key}= on <{tag}>: {value[:80]!r}")
            elif key == "style" and _CSS_REMOTE.search(value):
                self.problems.append(f"a remote resource in the style of <{tag}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and _CSS_REMOTE.search(_CSS_COMMENT_WITH_URL.sub("", data)):
            self.problems.append("a remote resource in a <style> block (@import or url(//...))")


def remote_references(page: str) -> list[str]:
    """Every ``src``/``href`` in ``page`` that points off the machine (``http:``, ``https:``, ``//``).

    >>> remote_references('<img src="../figures/a.png"><a href="https://x.org/y">y</a><script src="//cdn/z.js"></script>')
    ['https://x.org/y', '//cdn/z.js']
    """
    parser = _Audit()
    parser.feed(page)
    return [r for r in parser.refs if _REMOTE.match(r)]


def unsafe_markup(page: str) -> list[str]:
    """What in ``page`` could run code or load anything from the network, in page order; empty if nothing.

    A report page is static: no script of any kind, no event handler, no script
    URL, no frame, object or form, and no resource (image, style, font, media)
    from off the machine, whatever a notebook's outputs hold.  A plain link
    (``<a href="https://...">``) loads nothing and is allowed.

    >>> unsafe_markup('<a href="https://x.org/y">y</a><img src="data:image/png;base64,AA" alt="">')
    []
    >>> unsafe_markup('<img src=x onerror="alert()"><script src="https://cdn/z.js"></script><a href="javascript:x()">a</a>')
    ['an event handler attribute onerror= on <img>', 'a <script> element', "a remote resource in src= on <script>: 'https://cdn/z.js'", "a script URL in href= on <a>: 'javascript:x()'"]
    """
    parser = _Audit()
    parser.feed(page)
    parser.close()
    return parser.problems


#: Every page also tells the browser to run no script, embed no plugin and send no form, and to load
#: images, styles and fonts only from the page itself or the report's folder: a second wall behind
#: :func:`unsafe_markup`.
CONTENT_SECURITY_POLICY = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src data:; "
                           "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'")


def with_security_policy(page: str) -> str:
    """``page`` with :data:`CONTENT_SECURITY_POLICY` as the first element of its ``<head>``.

    >>> page = with_security_policy("<html><head><title>t</title></head></html>")
    >>> page.startswith('<html><head><meta http-equiv="Content-Security-Policy"'), page.endswith("<title>t</title></head></html>")
    (True, True)
    """
    at = page.index("<head>") + len("<head>")
    return f'{page[:at]}<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">{page[at:]}'


def refuse_unsafe(page: str, name: str) -> str:
    """``page`` unchanged, or ``ValueError`` naming ``name`` and everything :func:`unsafe_markup` found in it."""
    problems = unsafe_markup(page)
    if problems:
        shown = "; ".join(dict.fromkeys(problems[:10])) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise ValueError(f"{name}: the HTML page would run code or load remote resources: {shown} "
                         "(expected a static page: every string from data/raw escaped, nothing fetched)")
    return page


class _Printed(HTMLParser):
    """Collects what a page shows: text outside ``<script>``/``<style>``, and ``alt``/``title`` attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts.extend(v for k, v in attrs if k in ("alt", "title") and v)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.extend(v for k, v in attrs if k in ("alt", "title") and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def printed_text(page: str) -> str:
    """The text a browser can show of ``page``: its text and ``alt``/``title`` values, not scripts or styles.

    >>> printed_text('<style>p{content:"样"}</style><p title="港股">研究社 &amp; x</p><img alt="图">')
    '港股研究社 & x图'
    """
    parser = _Printed()
    parser.feed(page)
    parser.close()
    return "".join(parser.parts)


def font_stack_with(stack: str, family: str) -> str:
    """``stack`` (a CSS font-family list) with ``family`` first (once).

    >>> print(font_stack_with("menlo, 'DejaVu Sans Mono', monospace", "su7-cjk"))
    "su7-cjk", menlo, 'DejaVu Sans Mono', monospace
    >>> print(font_stack_with("Roboto, 'su7-cjk'", "su7-cjk"))
    "su7-cjk", Roboto

    First, because of Chromium (seen in 156 on Linux, and on pages as old as ae4eca7): when a font
    the machine has comes before the embedded face, a few runs of Chinese laid out while the face
    still loads (the first one, and some after it: on the index the title, a heading, the link to
    the other language) keep empty boxes on a machine without a CJK font, once the face has loaded
    too; text laid out afresh in the same font (a canvas, or the same element with a new
    ``font-feature-settings``) draws fine.  Named first, the face draws every run.  Its
    ``unicode-range`` (:func:`helpers.figures.cjk_font.font_face_css`) keeps spaces, Latin and the
    line heights with the page's own fonts: only Chinese changes font.
    """
    items = [item.strip() for item in " ".join(stack.split()).split(",") if item.strip()]
    items = [item for item in items if item.strip("'\"") != family]
    return ", ".join([f'"{family}"'] + items)


#: The page's own font variables (JupyterLab's theme) that get the embedded family.
_FONT_VARIABLE = re.compile(r"(--jp-(?:ui|content|code)-font-family(?:-default)?)\s*:\s*([^;{}]*?(?:sans-serif|serif|monospace)[^;{}]*);")


_FONT_BLOCK = re.compile(r'<style id="su7-cjk-font">\n.*?\n</style>\n', re.S)


def embed_cjk_font(page: str, font_cache: Path | None = None) -> str:
    """``page`` with the bundled Chinese font embedded for the characters it prints (none: unchanged).

    Adds, just before ``</head>``, an ``@font-face`` (:func:`helpers.figures.cjk_font.font_face_css`) and
    a ``:root`` rule giving JupyterLab's font variables the family first (:func:`font_stack_with`).  The index
    names the family in its own CSS.  ``font_cache``: where subset fonts are kept between runs.  A font this
    embedded before is replaced, so a page whose text changed (a new banner) embeds what it prints now.
    """
    from helpers.figures import cjk_font

    page = _FONT_BLOCK.sub("", page)
    face = cjk_font.font_face_css(printed_text(page), cache_dir=font_cache)
    if not face or "</head>" not in page:
        return page
    variables = {}
    for name, stack in _FONT_VARIABLE.findall(page):
        variables.setdefault(name, font_stack_with(stack, cjk_font.WEB_FAMILY))
    rules = [face]
    if variables:
        rules.append(":root { " + " ".join(f"{name}: {stack};" for name, stack in variables.items()) + " }")
    block = '<style id="su7-cjk-font">\n' + "\n".join(rules) + "\n</style>\n"
    head_end = page.index("</head>")
    return page[:head_end] + block + page[head_end:]


def export_notebook(path: Path, exporter: Any = None, font_cache: Path | None = None) -> str:
    """One notebook as a self-contained HTML page (a string); ``font_cache`` as for :func:`embed_cjk_font`.

    Raises ``ValueError`` if the page would run code or load anything from the
    network (:func:`unsafe_markup`), whatever the notebook's outputs hold.
    """
    import nbformat

    exporter = exporter or html_exporter()
    raw = json.loads(path.read_text(encoding="utf-8"))
    nb = nbformat.reads(json.dumps(raw), as_version=4)
    page, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    page = _STYLE_BLOCK.sub(lambda m: m.group(1) + _CSS_COMMENT_WITH_URL.sub("", m.group(2)) + m.group(3), page)
    page = embed_cjk_font(page, font_cache)
    page = with_security_policy(refuse_unsafe(page, path.name))
    if not page.endswith("\n"):
        page += "\n"
    return page


def _png_title(path: Path) -> str:
    """The ``Title`` a PNG carries in its metadata (``helpers.figures.findings`` writes the figure's title), or ``''``."""
    try:
        from PIL import Image

        with Image.open(path) as image:
            return str(getattr(image, "text", {}).get("Title", "")).strip()
    except Exception:  # noqa: BLE001 - a figure without readable metadata just gets no caption
        return ""


_INDEX_CSS = """
body { font-family: "su7-cjk", system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
       max-width: 1080px; margin: 2rem auto; padding: 0 1.2rem; color: #1b1b1b; line-height: 1.5; }
h1 { font-size: 1.7rem; margin-bottom: 0.3rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
p.lead { color: #333; }
p.asof { color: #555; font-size: 0.95rem; }
p.lang { float: right; margin: 0.4rem 0 0 1rem; }
section.bottom-line { background: #f6f8fa; border-left: 4px solid #2b6cb0; padding: 0.6rem 1rem; }
section.bottom-line h3 { font-size: 1.02rem; margin: 0.8rem 0 0.2rem; }
span.sure { font-weight: 600; white-space: nowrap; }
ol.notebooks li { margin: 0.25rem 0; }
figure { margin: 1.6rem 0 2.4rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #e5e5e5; }
figcaption { font-size: 0.95rem; color: #333; margin-top: 0.4rem; overflow-wrap: anywhere; }
code { background: #f4f4f4; padding: 0 0.2rem; }
table.reader { border-collapse: collapse; margin: 1rem 0 2rem; font-size: 0.95rem; width: 100%; table-layout: fixed; }
table.reader th, table.reader td { border-top: 1px solid #ddd; padding: 0.5rem 0.6rem; vertical-align: top; text-align: left;
                                   overflow-wrap: anywhere; }
table.reader thead th { border-top: none; color: #555; font-weight: 600; }
table.findings tr > :nth-child(1) { width: 15%; } table.findings tr > :nth-child(2) { width: 22%; }
table.findings tr > :nth-child(3) { width: 35%; } table.findings tr > :nth-child(4) { width: 9%; }
table.findings tr > :nth-child(5) { width: 11%; } table.findings tr > :nth-child(6) { width: 8%; }
table.claims tr > :nth-child(1) { width: 22%; } table.claims tr > :nth-child(2) { width: 44%; }
table.sources tr > :nth-child(1) { width: 20%; } table.sources tr > :nth-child(2) { width: 11%; }
table.sources tr > :nth-child(3), table.sources tr > :nth-child(4) { width: 10%; }
tr.bad td, tr.bad th { background: #fff4f2; }
.quote { display: block; }
.translation { display: block; color: #555; font-style: italic; }
ol.timeline { padding-left: 1.2rem; }
footer { margin-top: 3rem; font-size: 0.85rem; color: #666; }
@media (max-width: 640px) {
  body { margin: 1rem auto; padding: 0 0.8rem; }
  table.reader, table.reader thead, table.reader tbody, table.reader tr, table.reader th, table.reader td { display: block; width: auto; }
  table.reader tr > * { width: auto !important; }
  table.reader thead { display: none; }
  table.reader tr { border-top: 2px solid #bbb; padding: 0.3rem 0; }
  table.reader td, table.reader th { border-top: none; padding: 0.2rem 0.2rem; }
  table.reader td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; color: #555; }
}
"""

#: The tables behind each figure (relative to the project root), linked under the figure and copied into
#: ``reports/html/data/``, in the order the index shows the figures (within a notebook's number, the story's
#: order, not the alphabet's).  A figure not named here links nothing (``tests/report`` checks every committed
#: figure is named).
FIGURE_DATA: dict[str, tuple[str, ...]] = {
    "06_weekly_sales_trend": ("data/processed/clean/weekly_sales.csv", "data/processed/trend/bands.csv",
                              "data/processed/clean/events.csv"),
    "06_orders_march_may": ("data/processed/ingest/orders.csv",),
    "06_run_rate_backlog": ("data/processed/run_rate/backlog_paths.csv", "data/processed/run_rate/scenarios.csv"),
    "06_claims_audit": ("data/processed/claims/claims_audit.csv",),
    "06_quality_rankings": ("data/processed/ingest/quality.csv",),
    "07_later_weekly": ("data/processed/clean/weekly_sales.csv", "data/processed/what_happened/later_weeks.csv"),
    "07_monthly_deliveries": ("data/processed/what_happened/monthly_range.csv", "data/processed/clean/monthly_deliveries.csv",
                              "data/processed/what_happened/quarterly_reconciliation.csv"),
    "07_vintage_scorecard": ("data/processed/what_happened/scorecard.csv",),
    "08_calendar_specifications": ("data/processed/market/calendar_specifications.csv",),
    "08_market_share": ("data/processed/market/market_share.csv",),
    "09_backtest_scores": ("data/processed/backtest/backtest_scores.csv",),
    "09_window_sensitivity": ("data/processed/backtest/window_sensitivity.csv",),
}
#: Besides the figures' tables, the index links these (its timeline and sources appendix).
INDEX_DATA = ("data/processed/clean/events.csv", "data/processed/clean/sources.csv")
EVENTS_CSV = Path("data/processed/clean/events.csv")
SOURCES_CSV = Path("data/processed/clean/sources.csv")
TRANSLATIONS_CSV = Path("config/translations.csv")
#: The index page of each language.
INDEX_PAGES = {"en": "index.html", "zh": "index.zh.html"}


def data_copy_name(rel: str) -> str:
    """The name of a table's copy in ``reports/html/data/``: its folder and file name.

    >>> data_copy_name("data/processed/trend/bands.csv")
    'trend_bands.csv'
    """
    parts = Path(rel).parts
    return f"{parts[-2]}_{parts[-1]}" if len(parts) >= 2 else parts[-1]


def section_anchor(page: str, section: str) -> str:
    """The ``id`` of the heading of ``page`` (exported HTML) whose text starts with ``section``, or ``''``.

    >>> section_anchor('<h2 id="2-%C2%B7-The-scores">2 · The scores<a class="anchor-link" href="#x">¶</a></h2>', "2 · The scores")
    '2-%C2%B7-The-scores'
    >>> section_anchor('<h2 id="a">Other</h2>', "2 · The scores")
    ''
    """
    from urllib.parse import unquote

    want = section.replace("-", " ").strip()
    for anchor in re.findall(r'<h[1-6] id="([^"]+)"', page):
        if want and html.unescape(unquote(anchor)).replace("-", " ").startswith(want):
            return anchor
    return ""


def _link(out: Path, notebook: str, section: str) -> str:
    page = out / f"{notebook}.html"
    anchor = section_anchor(page.read_text(encoding="utf-8"), section) if page.is_file() and section else ""
    return f"{notebook}.html" + (f"#{anchor}" if anchor else "")


def data_through_text(summary: Mapping[str, Any], lang: str = "en") -> str:
    """The line every page carries: the week and month the data run through (from ``summary``), or ``''``."""
    from helpers.narrative.reader import month_name, result, text

    through = result(summary, "data_through")
    if not through:
        return ""
    month = month_name(through["month"], lang) if through.get("month") else "-"
    return text("data_through", lang, week=through["week"], month=month)


#: The languages of a notebook page's banner, in order: the pages are English, and Chinese readers reach them from
#: ``index.zh.html``.
BANNER_LANGUAGES = ("en", "zh")


def data_through_lines(summary: Mapping[str, Any]) -> dict[str, str]:
    """The banner of a notebook page, language -> line: :func:`data_through_text` in each of
    :data:`BANNER_LANGUAGES`, English first; empty when ``summary`` does not say what the data run through."""
    lines = {lang: data_through_text(summary, lang) for lang in BANNER_LANGUAGES}
    return {lang: line for lang, line in lines.items() if line}


def _csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _quotes_html(quotes: Iterable[Any], lang: str) -> str:
    from helpers.narrative.reader import text

    esc = html.escape
    parts = []
    for q in quotes:
        parts.append(f'<span class="quote" lang="zh-CN">“{esc(q.zh)}”</span>')
        if q.en and lang == "en":
            parts.append(f'<span class="translation">{esc(text("quote_translation", lang, translation=q.en))}</span>')
    return "".join(parts)


def index_page(lang: str, summary: Mapping[str, Any], notebooks: Iterable[tuple[str, str]],
               figures: Iterable[Mapping[str, Any]], out: Path | None = None, translations: Mapping[str, str] | None = None,
               events: Iterable[Mapping[str, str]] = (), sources: Iterable[Mapping[str, str]] = ()) -> str:
    """The index page in ``lang``: the bottom line, the findings, the claims, the timeline, the notebooks, the figures
    (each a mapping with ``stem``, ``src``, ``title``, ``svg``, ``data`` and ``fallback``) and the sources.

    Every text comes from :mod:`helpers.narrative.reader` (numbers from ``summary``); ``out`` is where the notebook
    pages are (for the section links).
    """
    from helpers.narrative import reader

    esc = html.escape
    t = lambda key, **kw: reader.text(key, lang, **kw)  # noqa: E731
    other = "zh" if lang == "en" else "en"
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{t("html_lang")}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(t('page_title'))}</title>",
        f"<style>{_INDEX_CSS}</style>",
        "</head>",
        "<body>",
        f'<p class="lang"><a href="{INDEX_PAGES[other]}" hreflang="{reader.text("html_lang", other)}">{esc(t("other_language"))}</a></p>',
        f"<h1>{esc(t('page_title'))}</h1>",
    ]
    through = data_through_text(summary, lang)
    if through:
        lines.append(f'<p class="asof" id="data-through">{esc(through)}</p>')
    lines.append(f'<p class="lead">{esc(t("lead"))}</p>')
    answers = reader.bottom_line(summary, lang)
    if answers:
        lines += ['<section class="bottom-line" id="bottom-line" data-numbers="summary">', f"<h2>{esc(t('bottom_line_h'))}</h2>"]
        for answer in answers:
            body = " ".join(f'{esc(sentence)} <span class="sure">{esc(t("sure", word=t("conf_" + conf)))}</span>'
                            for sentence, conf in answer.parts)
            lines += [f"<h3>{esc(answer.question)}</h3>", f"<p>{body}</p>"]
        lines += [f'<p class="registrations">{esc(reader.registrations_note(summary, lang))}</p>', "</section>"]
    rows = reader.index_findings(summary, lang, translations)
    if rows:
        labels = [t("th_question"), t("th_article"), t("th_evidence"), t("th_sure"), t("th_later"), t("th_where")]
        lines += [f'<h2 id="findings">{esc(t("findings_h"))}</h2>', f"<p>{esc(t('findings_intro'))}</p>",
                  '<table class="reader findings" data-numbers="summary">',
                  "<thead><tr>" + "".join(f"<th>{esc(x)}</th>" for x in labels) + "</tr></thead>", "<tbody>"]
        for row in rows:
            link = _link(out, row.notebook, row.section) if out is not None else f"{row.notebook}.html"
            article = _quotes_html(row.quotes, lang) if row.quotes else esc(row.article or t("article_no_quote"))
            lines.append(
                f"<tr><th>{esc(row.topic)}</th><td data-label=\"{esc(labels[1])}\" class=\"article\">{article}</td>"
                f"<td data-label=\"{esc(labels[2])}\">{esc(row.evidence)}</td>"
                f"<td data-label=\"{esc(labels[3])}\">{esc(t('conf_' + row.confidence))}</td>"
                f"<td data-label=\"{esc(labels[4])}\">{esc(row.later or '-')}</td>"
                f'<td data-label="{esc(labels[5])}" class="where"><a href="{esc(link)}">{esc(t("where_notebook", n=row.notebook[:2]))}</a></td></tr>')
        lines += ["</tbody>", "</table>"]
    claims = reader.claim_rows(summary, lang, translations)
    if claims:
        labels = [t("th_claim"), t("th_article"), t("th_verdict"), t("th_later")]
        lines += [f'<h2 id="claims">{esc(t("claims_h"))}</h2>', f"<p>{esc(t('claims_intro'))}</p>",
                  '<table class="reader claims" data-numbers="summary">',
                  "<thead><tr>" + "".join(f"<th>{esc(x)}</th>" for x in labels) + "</tr></thead>", "<tbody>"]
        for claim in claims:
            cls = ' class="bad"' if claim.bad else ""
            name = claim.name[:1].upper() + claim.name[1:]
            lines.append(
                f"<tr{cls}><th>{esc(name)}</th>"
                f"<td data-label=\"{esc(labels[1])}\" class=\"article\">{_quotes_html(claim.quotes, lang)}</td>"
                f"<td data-label=\"{esc(labels[2])}\">{esc(claim.verdict)}</td>"
                f"<td data-label=\"{esc(labels[3])}\">{esc(claim.later)}</td></tr>")
        lines += ["</tbody>", "</table>"]
    events = list(events)
    if events:
        lines += [f'<h2 id="timeline">{esc(t("timeline_h"))}</h2>', '<ol class="timeline">']
        for date, caption in reader.timeline(events, lang):
            lines.append(f"<li><strong>{esc(date)}</strong>: {esc(caption)}</li>")
        lines += ["</ol>"]
    lines += [f'<h2 id="notebooks">{esc(t("notebooks_h"))}</h2>', '<ol class="notebooks">']
    for page, title in notebooks:
        lines.append(f'<li><a href="{esc(page)}">{esc(title)}</a></li>')
    lines += ["</ol>", f'<h2 id="figures">{esc(t("figures_h"))}</h2>']
    figures = list(figures)
    if lang != "en" and any(f.get("fallback") for f in figures):
        lines.append(f'<p class="fallback">{esc(t("figure_zh_fallback"))}</p>')
    for fig in figures:
        stem, src = fig["stem"], fig["src"]
        caption = esc(fig.get("title") or stem)
        links = [f'<a href="{esc(src)}">PNG</a>']
        if fig.get("svg"):
            links.append(f'<a href="{esc(fig["svg"])}">SVG</a>')
        links += [f'<a href="data/{esc(name)}">{esc(t("figure_data"))}: {esc(name)}</a>' for name in fig.get("data", ())]
        lines += [
            f'<figure id="{esc(stem)}">',
            f'<a href="{esc(src)}"><img src="{esc(src)}" alt="{caption}" loading="lazy"></a>',
            f"<figcaption>{caption} ({' · '.join(links)})</figcaption>",
            "</figure>",
        ]
    sources = list(sources)
    if sources:
        labels = [t("th_publisher"), t("th_date"), t("th_kind"), t("th_quality"), t("th_title")]
        lines += [f'<h2 id="sources">{esc(t("sources_h"))}</h2>', f"<p>{esc(t('sources_intro', n=len(sources)))}"
                  f' (<a href="data/{data_copy_name(SOURCES_CSV.as_posix())}">CSV</a>)</p>',
                  '<table class="reader sources">',
                  "<thead><tr>" + "".join(f"<th>{esc(x)}</th>" for x in labels) + "</tr></thead>", "<tbody>"]
        for publisher, published, kind, quality, title, url in reader.sources_appendix(sources, lang):
            shown = f'<a href="{esc(url)}">{esc(title or url)}</a>' if url.startswith(("http://", "https://")) else esc(title)
            lines.append(f"<tr><th>{esc(publisher)}</th><td data-label=\"{esc(labels[1])}\">{esc(published)}</td>"
                         f"<td data-label=\"{esc(labels[2])}\">{esc(kind)}</td><td data-label=\"{esc(labels[3])}\">{esc(quality or '-')}</td>"
                         f"<td data-label=\"{esc(labels[4])}\">{shown}</td></tr>")
        lines += ["</tbody>", "</table>"]
    lines += [f"<footer>{esc(t('footer'))}</footer>", "</body>", "</html>", ""]
    return "\n".join(lines)


_ASOF = re.compile(r'<div class="su7-asof"[^>]*>.*?</div>\n?', re.S)
_BODY = re.compile(r"<body[^>]*>\n?")


def stamp_data_through(page: str, lines: Mapping[str, str]) -> str:
    """``page`` with one banner right after ``<body>``: ``lines`` (language -> the week and month its data run
    through, the page's own language first), one under the other, each further one marked with its language, and
    links to the two indexes after the first; an earlier banner is replaced, no ``lines`` remove it.  The banner names
    the embedded Chinese font (:func:`embed_cjk_font`, to run after this).

    >>> page = stamp_data_through("<html><body>\\n<p>x</p></body></html>", {"en": "Data run through 2025-W40.",
    ...                                                                      "zh": "数据截至2025-W40。"})
    >>> page.startswith('<html><body>\\n<div class="su7-asof"'), "Data run through 2025-W40. <a" in page
    (True, True)
    >>> page[page.index("<br>"):page.index("</div>")]
    '<br><span lang="zh-CN">数据截至2025-W40。</span>'
    >>> again = stamp_data_through(page, {"en": "Data run through 2025-W41."})
    >>> again.count("su7-asof"), "<br>" in again, stamp_data_through(page, {}).count("su7-asof")
    (1, False, 0)
    """
    from helpers.figures.cjk_font import WEB_FAMILY
    from helpers.narrative.reader import text

    page = _ASOF.sub("", page)
    if not lines:
        return page
    (_, first), *others = lines.items()
    further = "".join(f'<br><span lang="{text("html_lang", lang)}">{html.escape(line)}</span>' for lang, line in others)
    banner = (f'<div class="su7-asof" style="font: 14px \'{WEB_FAMILY}\', system-ui, sans-serif; padding: 6px 12px; '
              f'background: #fff8e1; border-bottom: 1px solid #e0d5a8">{html.escape(first)} '
              f'<a href="index.html">Index</a> · <a href="index.zh.html" hreflang="zh-CN" lang="zh-CN">'
              f'{html.escape(text("other_language", "en"))}</a>{further}</div>\n')
    match = _BODY.search(page)
    return page if match is None else page[: match.end()] + banner + page[match.end():]


def _stamped(page: str, lines: Mapping[str, str], font_cache: Path) -> str:
    """``page`` with the banner of ``lines`` (:func:`stamp_data_through`) and the font of what it now prints."""
    return embed_cjk_font(stamp_data_through(page, lines), font_cache)


def _copy(source: Path, target: Path) -> bool:
    from helpers.atomic import write_bytes_atomic

    return write_bytes_atomic(target, source.read_bytes())


def export_page(root: Path, notebook: Path, exporter: Any = None, lines: Mapping[str, str] | None = None) -> Path:
    """Export one executed notebook to ``reports/html/<stem>.html`` (atomically, only if changed), with the banner
    saying what week and month the data run through (``lines``, :func:`data_through_lines`; by default from the
    steps' summaries as they stand), so a page exported alone, when one step runs, is the page the whole report
    writes."""
    from helpers.report.summary import assemble_summary

    target = root / HTML_SUBDIR / f"{notebook.stem}.html"
    lines = data_through_lines(assemble_summary(root)) if lines is None else lines
    fonts = root / FONT_CACHE_SUBDIR
    write_text_atomic(target, _stamped(export_notebook(notebook, exporter, fonts), lines, fonts))
    return target


def _figures(root: Path, out: Path, lang: str) -> list[dict[str, Any]]:
    """The figures of the index in ``lang``, copied into ``reports/html/figures/`` (``figures/zh/`` for Chinese ones)."""
    figures_dir = root / FIGURES_SUBDIR
    order = {stem: i for i, stem in enumerate(FIGURE_DATA)}  # the reading order; a figure not named there last
    pngs = sorted(figures_dir.glob("*.png"), key=lambda p: (order.get(p.stem, len(order)), p.name)) \
        if figures_dir.is_dir() else []
    shown = []
    for png in pngs:
        use, sub, fallback = png, "figures", False
        if lang != "en":
            translated = figures_dir / lang / png.name
            if translated.is_file():
                use, sub = translated, f"figures/{lang}"
            else:
                fallback = True
        svg = use.with_suffix(".svg")
        data = []
        for rel in FIGURE_DATA.get(png.stem, ()):
            if (root / rel).is_file():
                data.append(data_copy_name(rel))
        shown.append({"stem": png.stem, "src": f"{sub}/{png.name}", "title": _png_title(use),
                      "svg": f"{sub}/{svg.name}" if svg.is_file() else "", "data": data, "fallback": fallback,
                      "files": [(use, out / sub / png.name)] + ([(svg, out / sub / svg.name)] if svg.is_file() else [])})
    return shown


def _sync_copies(out: Path, copies: Mapping[str, Path], folder: str) -> None:
    """Copy ``copies`` (name under ``out/folder`` to source) when changed; remove files there no longer listed."""
    target = out / folder
    for name, source in copies.items():
        _copy(source, target / name)
    if target.is_dir():
        for stale in sorted(p for p in target.rglob("*") if p.is_file()):
            if stale.relative_to(target).as_posix() not in copies:
                stale.unlink()


def export_report(root: Path | str | None = None, pages: Iterable[str] | None = None) -> list[str]:
    """Export the executed notebooks and the indexes into ``<root>/reports/html``; return the pages, relative to ``root``.

    ``root`` defaults to the project root.  ``pages``: the notebook stems whose
    pages to export (default: all; a page that does not exist yet is always
    exported).  The runner exports each notebook's page as soon as it has run,
    then calls this for the indexes and any page still missing.  Pages are
    written atomically and only when changed; pages of numbered notebooks that
    no longer exist (or are no longer executed) are removed.

    The folder stands alone: the figures are copied into ``reports/html/figures/`` (``figures/zh/`` for the
    Chinese ones), the tables behind them into ``reports/html/data/``, and every page says the week and month
    its data run through (from the data, so a rerun on the same data gives the same bytes).
    """
    from helpers.narrative.reader import load_translations
    from helpers.paths import project_root

    from helpers.report.summary import write_summary

    root = Path(root) if root is not None else project_root()
    summary = write_summary(root)
    out = root / HTML_SUBDIR
    wanted = None if pages is None else set(pages)
    exporter = None
    written: list[Path] = []
    listed: list[tuple[str, str]] = []
    lines = data_through_lines(summary)
    for path in executed_notebooks(root / "notebooks"):
        target = out / f"{path.stem}.html"
        if wanted is None or path.stem in wanted or not target.is_file():
            exporter = exporter or html_exporter()
            export_page(root, path, exporter, lines)
        else:
            write_text_atomic(target, _stamped(target.read_text(encoding="utf-8"), lines, root / FONT_CACHE_SUBDIR))
        written.append(target)
        listed.append((target.name, notebook_title(json.loads(path.read_text(encoding="utf-8")), path.stem)))
    translations = load_translations(root / TRANSLATIONS_CSV)
    events, sources = _csv_rows(root / EVENTS_CSV), _csv_rows(root / SOURCES_CSV)
    figure_copies: dict[str, Path] = {}
    data_copies: dict[str, Path] = {}
    for rel in (*INDEX_DATA, *(r for rels in FIGURE_DATA.values() for r in rels)):
        if (root / rel).is_file():
            data_copies[data_copy_name(rel)] = root / rel
    for lang, name in INDEX_PAGES.items():
        figures = _figures(root, out, lang)
        for fig in figures:
            for source, target in fig.pop("files"):
                figure_copies[target.relative_to(out / "figures").as_posix()] = source
        page = index_page(lang, summary, listed, figures, out, translations, events, sources)
        page = with_security_policy(refuse_unsafe(embed_cjk_font(page, root / FONT_CACHE_SUBDIR), name))
        write_text_atomic(out / name, page)
        written.append(out / name)
    _sync_copies(out, figure_copies, "figures")
    _sync_copies(out, data_copies, "data")
    keep = {p.name for p in written}
    for stale in sorted(out.glob("[0-9]*.html")):  # pages are named by their notebook (a step's name)
        if stale.name not in keep:
            stale.unlink()
    return [p.relative_to(root).as_posix() for p in written]


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.report [--root PATH]``: export the report, print the pages written."""
    parser = argparse.ArgumentParser(prog="python -m helpers.report", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="project root (default: found from here)")
    args = parser.parse_args(argv)
    for rel in export_report(args.root):
        print(rel)
    return 0


if __name__ == "__main__":  # pragma: no cover - command line
    sys.exit(main())
