"""Markup from a data file never runs: every free-text column of ``data/raw``, in the notebooks and the report.

The review put ``<img src=x onerror="...">`` and ``<script src="https://...">`` into
``period_as_printed`` of ``orders.csv``: validation passed, the run exited 0, and the
markup ran in Chromium from the HTML report, past a guard that trusted any URL found
in a notebook's outputs.  Here every free-text column of every raw file gets a payload
of HTML, Markdown and math at once; the whole pipeline runs on that copy, and

* every Markdown and HTML output of every notebook shows the payload as typed
  (no tag, no link, no emphasis, no math made of it);
* every report page is static (:func:`helpers.report.html.unsafe_markup` finds nothing)
  and holds none of the payload's elements;
* a column that cannot hold the payload (a figure's ``as_printed`` must parse as a
  figure) refuses it with a clear ``file:line: column:`` message.

The report's guard itself is tried on pages built from notebooks whose outputs carry
remote resources, handlers and script URLs: none is let through.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers.data import raw, raw_schema
from helpers.formatting import inert_html, md_literal
from helpers.report import html as report
from tests.pipeline.support import fresh_copy, pipeline_run, write_notebook

MARK = "zzprobe"  # no digit: a figure's as_printed is read for numbers
PAYLOAD = (f' <img src=x onerror=alert("{MARK}")> <script src="https://cdn.example/{MARK}.js"></script>'
           f' <b class={MARK}>*{MARK}em*</b> [{MARK}link](javascript:alert) ${MARK}math$ &amp; | `{MARK}`')
#: Columns checked as figures (must parse): a payload there is refused by validation, tried on its own below.
PARSED = {(t.file_name, "as_printed") for t in raw_schema.FIGURE_TABLES}
FREE_TEXT_CHECKS = (raw_schema._text, raw_schema._optional_text)


def free_text_columns() -> list[tuple[str, str]]:
    return [(t.file_name, c.name) for t in raw_schema.TABLES for c in t.columns if c.check in FREE_TEXT_CHECKS]


def poison(raw_dir: Path, columns: set[tuple[str, str]]) -> int:
    """Append the payload to every non-empty cell of ``columns``; return how many cells changed."""
    changed = 0
    for spec in raw_schema.TABLES:
        names = [c for f, c in columns if f == spec.file_name]
        path = raw_dir / spec.file_name
        if not names or not path.is_file():
            continue
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        for row in rows:
            for name in names:
                if row[name]:
                    row[name] += PAYLOAD
                    changed += 1
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=spec.column_names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    return changed


class _Elements(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def live_payload(page: str) -> list[str]:
    """The payload's pieces that a browser would treat as markup in ``page`` (HTML)."""
    parser = _Elements()
    parser.feed(page)
    found = []
    for tag, attrs in parser.tags:
        if tag == "a" and set(attrs) == {"href"} and re.match(r"https?://", attrs["href"]):
            continue  # a web address in the text, made a plain link by the Markdown renderer: it loads and runs nothing
        values = " ".join(attrs.values())
        if MARK in values or "onerror" in attrs or (tag == "a" and "javascript" in attrs.get("href", "").lower()):
            found.append(f"<{tag} {attrs}>")
    found += [p for p in (f"<em>{MARK}em</em>", f"<code>{MARK}</code>") if p in page]
    return found


def markdown_outputs(nb: dict) -> list[str]:
    return ["".join(v) if isinstance(v, list) else v for c in nb["cells"] for o in c.get("outputs", [])
            for k, v in o.get("data", {}).items() if k == "text/markdown"]


def html_outputs(nb: dict) -> list[str]:
    return ["".join(v) if isinstance(v, list) else v for c in nb["cells"] for o in c.get("outputs", [])
            for k, v in o.get("data", {}).items() if k == "text/html"]


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    """A fresh copy with the payload in every free-text column that accepts it, after a forced run."""
    root = fresh_copy(tmp_path_factory.mktemp("markup") / "project")
    columns = set(free_text_columns()) - PARSED
    cells = poison(root / "data" / "raw", columns)
    command, env = pipeline_run(root, "--force")
    validated = subprocess.run([sys.executable, "-m", "helpers.validate"], cwd=root, env=env, capture_output=True,
                               text=True, timeout=120)
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=900)
    return root, columns, cells, validated, result


def test_the_payload_covers_every_free_text_column_of_every_raw_file():
    columns = free_text_columns()
    files = {f for f, _ in columns}
    assert {"orders.csv", "events.csv", "sources.csv", "weekly_sales.csv", "series.csv"} <= files
    assert ("orders.csv", "period_as_printed") in columns and ("events.csv", "event") in columns


@pytest.mark.slow
def test_markup_in_free_text_is_valid_data_and_the_pipeline_runs(poisoned):
    root, columns, cells, validated, result = poisoned
    assert cells > 100
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.slow
def test_every_markdown_output_shows_the_payload_as_typed(poisoned):
    root = poisoned[0]
    seen = 0
    for path in sorted((root / "notebooks").glob("0*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for text in markdown_outputs(nb):
            seen += text.count(MARK)
            assert "<img" not in text and "<script" not in text and "<b " not in text, (path.name, text[:400])
            assert not re.search(rf"(?<!\\)\*{MARK}em(?<!\\)\*", text), (path.name, "emphasis made of data")
            assert not re.search(rf"(?<!\\)\[{MARK}link(?<!\\)\]\(", text), (path.name, "a link made of data")
            assert not re.search(rf"(?<!\\)\${MARK}math", text), (path.name, "math made of data")
        for text in html_outputs(nb):
            assert "<img src=x" not in text and f"<b class={MARK}" not in text, (path.name, text[:400])
    assert seen > 0, "no Markdown output showed any free text: the test tried nothing"


@pytest.mark.slow
def test_every_report_page_is_static_and_holds_the_payload_only_as_text(poisoned):
    root = poisoned[0]
    pages = sorted((root / "reports" / "html").glob("*.html"))
    assert len(pages) >= 10
    shown = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert report.unsafe_markup(text) == [], page.name
        assert live_payload(text) == [], page.name
        shown += text.count(MARK)
    assert shown > 0, "the payload reached no page: the test tried nothing"


@pytest.mark.parametrize("file_name", sorted(f for f, _ in PARSED))
def test_a_figure_as_printed_with_markup_is_refused_by_validation(raw_copy, file_name):
    spec = raw_schema.TABLES_BY_FILE[file_name]
    if not (raw_copy / file_name).is_file():
        pytest.skip(f"{file_name} holds no rows here")
    poison(raw_copy, {(file_name, "as_printed")})
    _, problems = raw.validate_raw_dir(raw_copy)
    lines = [str(p) for p in problems]
    assert lines and all(line.startswith(f"{file_name}:") and ": as_printed: " in line and "expected" in line
                         for line in lines), lines[:3]
    assert spec.file_name in lines[0]


# --------------------------------------------------------------------------- the pieces, without a run


@pytest.mark.parametrize("text", [PAYLOAD, "<!-- x -->", "&lt;b&gt;", "a\nb\r\nc", "<a href='https://x'>x</a>",
                                  "**x**", "_x_", "# h", "| a | b |", "~~x~~", "![i](https://x/y.png)", "\\"])
def test_md_literal_leaves_no_tag_link_image_or_math(text):
    out = md_literal(text)
    assert "<" not in out and ">" not in out and "\n" not in out
    assert not re.search(r"(?<!\\)[*_\[\]`$|#~!]", out), out


def test_inert_html_turns_every_tag_into_text_and_keeps_the_rest():
    assert inert_html("**bold** 4 < 8 <b>x</b>") == "**bold** 4 &lt; 8 &lt;b>x&lt;/b>"


def tiny_notebook(root: Path, markdown: str, html_output: str | None = None) -> Path:
    cell = {"cell_type": "code", "execution_count": 1, "id": "c1", "metadata": {}, "source": "x",
            "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                         "data": {"text/markdown": markdown, "text/plain": "x"}}]}
    if html_output is not None:
        cell["outputs"].append({"output_type": "display_data", "metadata": {},
                                "data": {"text/html": html_output, "text/plain": "x"}})
    nb = {"cells": [{"cell_type": "markdown", "id": "m1", "metadata": {}, "source": "# 01 · Tiny"}, cell],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path = root / "01_tiny.ipynb"
    write_notebook(path, nb)
    return path


#: Outputs a notebook could carry that must never reach a page; the review's two first.
UNSAFE_OUTPUTS = [
    '<img src=x onerror="alert(1)">',
    '<script src="https://cdn.example/x.js"></script>',
    "<script>alert(1)</script>",
    '<img src="https://tracker.example/p.png">',
    '<link rel="stylesheet" href="https://cdn.example/s.css">',
    '<iframe src="https://example.org"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '<svg onload="alert(1)"></svg>',
    '<div style="background:url(https://x.example/p.png)">x</div>',
    "<style>@import url(https://x.example/s.css);</style>",
    '<img srcset="a.png 1x, https://x.example/b.png 2x">',
    '<meta http-equiv="refresh" content="0;url=https://x.example">',
    '<object data="https://x.example/o.swf"></object>',
    '<form action="https://x.example"><input></form>',
    '<base href="https://x.example/">',
]


@pytest.mark.parametrize("output", UNSAFE_OUTPUTS)
def test_the_report_refuses_an_html_output_that_runs_or_loads_anything(tmp_path, output):
    path = tiny_notebook(tmp_path, "fine", html_output=output + f' <a href="https://x.example/">also linked: {output}</a>')
    with pytest.raises(ValueError, match="01_tiny.ipynb: the HTML page would run code or load remote resources"):
        report.export_notebook(path)


@pytest.mark.parametrize("output", UNSAFE_OUTPUTS[:2])
def test_markdown_output_with_raw_html_is_refused_even_when_the_notebook_names_the_url(tmp_path, output):
    path = tiny_notebook(tmp_path, f"See https://cdn.example/x.js and {output}")
    with pytest.raises(ValueError, match="would run code or load remote resources"):
        report.export_notebook(path)


def test_a_plain_link_to_a_source_is_allowed(tmp_path):
    path = tiny_notebook(tmp_path, "From [the source](https://example.org/page).")
    page = report.export_notebook(path)
    assert report.unsafe_markup(page) == [] and 'href="https://example.org/page"' in page


def test_every_notebook_displays_markdown_through_prose():
    """A notebook that displayed IPython's ``Markdown`` directly would skip the last guard (:func:`inert_html`)."""
    from tests.conftest import ROOT

    direct = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"]) if cell["cell_type"] == "code" else ""
            if re.search(r"\bMarkdown\b|\bHTML\(|display_markdown|display_html", source):
                direct.append(f"{path.name}: {cell.get('id')}")
    assert direct == []


def test_every_committed_report_page_forbids_scripts_and_remote_loads_to_the_browser():
    from tests.conftest import ROOT

    pages = sorted((ROOT / "reports" / "html").glob("*.html"))
    assert pages
    policy = f'<meta http-equiv="Content-Security-Policy" content="{report.CONTENT_SECURITY_POLICY}">'
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert policy in text[: text.index("</head>")], page.name
        assert report.unsafe_markup(text) == [], page.name
    assert "script-src 'none'" in report.CONTENT_SECURITY_POLICY and "default-src 'none'" in report.CONTENT_SECURITY_POLICY
