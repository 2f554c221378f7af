"""The HTML report opened from disk in a real browser, with the network blocked.

Every link of ``reports/html/index.html`` is followed; every page loads, every
image is decoded, nothing is logged as an error and no request leaves the machine.
Each page of the report opens in a new tab and is photographed; the figure files
are opened one after another in one tab (a new tab and a screenshot cost the
browser about 0.6 s each, and a figure file is its own picture), and every PNG is
also decoded whole with Pillow, since the browser shows a cut-off file's top rows.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.conftest import ROOT

from .support import require_browser

require_browser()

INDEX = ROOT / "reports" / "html" / "index.html"


@pytest.fixture
def offline(browser):
    """A browser context that aborts (and counts) every request that is not file://."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []

    def route(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    yield context, blocked
    context.close()


def visit(context, url: str, screenshot: Path | None, tab=None) -> tuple[list[str], dict]:
    """Open ``url`` in ``tab`` (default: a new tab, closed afterwards); return the problems seen and what
    the page holds.  ``screenshot``: where to photograph it (``None`` for a figure file, its own picture)."""
    page = tab or context.new_page()
    errors: list[str] = []
    listeners = {
        "console": lambda msg: errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None,
        "pageerror": lambda exc: errors.append(f"page error: {exc}"),
        "requestfailed": lambda req: errors.append(f"request failed: {req.url} ({req.failure})"),
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    problems: list[str] = []
    try:
        response = page.goto(url, wait_until="load", timeout=30_000)
        if response is not None and not response.ok:
            problems.append(f"{url}: status {response.status}")
        images = page.locator("img")
        for i in range(images.count()):
            image = images.nth(i)
            image.scroll_into_view_if_needed()  # the index's figures load lazily
        page.wait_for_function(
            "() => [...document.images].every(img => img.complete)", timeout=30_000
        )
        info = page.evaluate(
            """() => ({
                title: document.title,
                root: document.documentElement.tagName,
                images: [...document.images].map(img => ({
                    src: img.currentSrc.startsWith('data:') ? img.currentSrc.slice(0, 40) + '...' : img.currentSrc,
                    width: img.naturalWidth})),
                links: [...document.querySelectorAll('a[href]')].map(a => a.href),
                text: document.body ? document.body.innerText.length : 0,
            })"""
        )
        for image in info["images"]:
            if image["width"] <= 0:
                problems.append(f"{url}: image not decoded: {image['src']}")
        if screenshot is not None:
            page.evaluate("() => window.scrollTo(0, 0)")
            page.screenshot(path=str(screenshot), full_page=False)
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)
        if tab is None:
            page.close()
    problems += [f"{url}: {e}" for e in errors]
    return problems, info


def whole_image_problems(path: Path) -> list[str]:
    """``[]`` if every pixel of the image file at ``path`` decodes (Pillow), else what is wrong."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.load()
    except (OSError, SyntaxError) as error:
        return [f"{path.name} does not decode whole: {error}"]
    return []


def test_the_report_opens_offline_every_link_loads_every_image_decodes(offline, screenshots):
    context, blocked = offline
    assert INDEX.is_file(), f"{INDEX} is missing: make run writes it"
    index_url = INDEX.as_uri()
    folder = screenshots / "report"
    folder.mkdir(exist_ok=True)
    problems, index = visit(context, index_url, folder / "index.png")
    assert index["images"], "the index shows no figure"
    links = {link.split("#")[0] for link in index["links"]} - {index_url}
    # the sources appendix links each source's page (a plain link, never loaded); everything else is local
    sources = set(re.findall(r'href="(https?://[^"]+)"', INDEX.read_text(encoding="utf-8").split('id="sources"', 1)[-1]))
    remote = {link for link in links if not link.startswith("file://")}
    outside = {unquote(link) for link in remote} - {unquote(html.unescape(s)) for s in sources}
    assert not outside, f"the index links off the machine outside its sources appendix: {sorted(outside)[:5]}"
    targets = sorted(links - remote)
    assert any(t.endswith(".html") for t in targets) and any(t.endswith(".png") for t in targets), targets
    seen_pages = []
    figure_tab = context.new_page()  # one tab for the figure files, one new tab per page of the report
    for url in targets:
        path = Path(unquote(urlparse(url).path))
        if not path.is_file():
            problems.append(f"broken link in index.html: {url}")
            continue
        if path.suffix == ".csv":  # a download, not a page: it is there and reads as CSV
            if "," not in path.read_text(encoding="utf-8").splitlines()[0]:
                problems.append(f"{path.name} is not a CSV")
            continue
        page_problems, info = (visit(context, url, folder / f"{path.name}.png") if path.suffix == ".html"
                               else visit(context, url, None, tab=figure_tab))
        problems += page_problems
        seen_pages.append(path.name)
        if path.suffix == ".html":
            if not info["text"]:
                problems.append(f"{path.name} shows no text")
            # relative links inside a notebook page must point at files that exist
            for link in info["links"]:
                target = link.split("#")[0]
                if target.startswith("file://") and not Path(unquote(urlparse(target).path)).exists():
                    problems.append(f"broken link in {path.name}: {link}")
        elif path.suffix == ".svg":
            if info["root"].lower() != "svg":
                problems.append(f"{path.name} did not render as SVG")
        elif not (info["images"] and info["images"][0]["width"] > 0):
            problems.append(f"{path.name} did not decode")
        else:  # the browser shows a cut-off PNG's top rows without complaint: decode every row
            problems += whole_image_problems(path)
    figure_tab.close()
    if blocked:
        problems.append(f"{len(blocked)} request(s) tried to leave the machine (blocked): {blocked[:10]}")
    assert not problems, "\n".join(problems) + f"\nscreenshots: {folder}"
    notebooks = {p.stem + ".html" for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert notebooks <= set(seen_pages), f"the index does not link {sorted(notebooks - set(seen_pages))}"


#: In the page: the first visible run of Chinese characters, drawn on a canvas in the font stack the page
#: gives its element, and beside it as many U+10FFFD (a private-use code point no font draws) in the same
#: stack: the browser's empty box.  Identical pixels mean the page's Chinese is boxes too.
CHINESE_GLYPHS_JS = """async () => {
    await document.fonts.ready;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let found = null;
    for (let node = walker.nextNode(); node && !found; node = walker.nextNode()) {
        const match = node.textContent.match(/[\\u4e00-\\u9fff]{2,}/);
        const element = node.parentElement;
        const box = element ? element.getBoundingClientRect() : null;
        if (match && box.width > 0 && box.height > 0 && element.checkVisibility({checkVisibilityCSS: true})) {
            found = {text: match[0].slice(0, 8), element};
        }
    }
    if (!found) return null;
    found.element.scrollIntoView();
    found.element.setAttribute('data-su7-checked', '1');
    const family = getComputedStyle(found.element).fontFamily;
    await document.fonts.load(`32px ${family}`, found.text);
    const draw = (text) => {
        const canvas = document.createElement('canvas');
        canvas.width = 400; canvas.height = 48;
        const context = canvas.getContext('2d');
        context.font = `32px ${family}`;
        context.textBaseline = 'top';
        context.fillText(text, 2, 4);
        return {pixels: canvas.toDataURL(), width: context.measureText(text).width};
    };
    const page = draw(found.text), tofu = draw('\\u{10FFFD}'.repeat([...found.text].length));
    const faces = [...document.fonts].map(f => ({family: f.family.replace(/["']/g, ''), status: f.status}));
    return {text: found.text, family, same_pixels: page.pixels === tofu.pixels,
            width: page.width, tofu_width: tofu.width, faces};
}"""


def test_the_report_s_chinese_is_drawn_with_real_glyphs_not_boxes(offline, screenshots):
    """Offline, on any machine: each page with Chinese draws it with the embedded font (not the fallback boxes)."""
    context, _ = offline
    folder = screenshots / "chinese"
    folder.mkdir(exist_ok=True)
    pages = [INDEX, INDEX.with_name("index.zh.html")] + sorted((ROOT / "reports" / "html").glob("0*.html"))
    checked, problems = [], []
    for path in pages:
        page = context.new_page()
        try:
            page.goto(path.as_uri(), wait_until="load", timeout=30_000)
            result = page.evaluate(CHINESE_GLYPHS_JS)
            if result is None:
                continue
            shot = folder / f"{path.stem}.png"
            page.screenshot(path=str(shot), full_page=False)  # scrolled to the string checked
            checked.append(path.name)
            where = f"{path.name}: {result['text']!r} in {result['family']} (screenshot {shot})"
            if result["same_pixels"]:
                problems.append(f"{where}: drawn exactly like a character no font has (empty boxes)")
            if {"family": "su7-cjk", "status": "loaded"} not in result["faces"]:
                problems.append(f"{where}: the embedded font su7-cjk is not loaded ({result['faces']})")
        finally:
            page.close()
    assert "index.html" in checked and len(checked) >= 2, f"too few pages with Chinese to check: {checked}"
    assert not problems, "\n".join(problems)


#: In the page, once it has loaded and its fonts are ready: every element whose own text holds Chinese
#: (visible), marked for :data:`RELAYOUT_JS`; its box in page pixels, what it says, and the faces' status.
#: The lazy figures are made to load first, so that only text can differ afterwards.
CHINESE_RUNS_JS = """async () => {
    for (const img of document.images) img.loading = 'eager';
    await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
    await document.fonts.ready;
    const chinese = /[\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef]/;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const runs = new Map();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!element || !chinese.test(node.data)) continue;
        const box = element.getBoundingClientRect();
        if (box.width > 0 && box.height > 0 && element.checkVisibility({checkVisibilityCSS: true})) {
            if (!runs.has(element)) runs.set(element, []);
            runs.get(element).push(node);
        }
    }
    window.su7Runs = [...runs];
    const faces = [...document.fonts].map(f => ({family: f.family.replace(/["']/g, ''), status: f.status}));
    return {faces, runs: window.su7Runs.map(([element]) => [element.tagName.toLowerCase(), element.textContent.trim().slice(0, 40)])};
}"""
#: The same text laid out afresh: every marked text node emptied, laid out, given its text back, laid
#: out again (new text, so new shaping: no result kept from before the embedded font loaded).
#: Returns each element's box in page pixels.
RELAYOUT_JS = """(again) => {
    const boxes = () => window.su7Runs.map(([element]) => {
        const b = element.getBoundingClientRect();
        return [b.left + scrollX, b.top + scrollY, b.right + scrollX, b.bottom + scrollY];
    });
    if (!again) return boxes();
    for (const [element] of window.su7Runs) element.style.fontFeatureSettings = '"su7z" 1';
    document.body.getBoundingClientRect();
    return boxes();
}"""


def differing_runs(before: bytes, after: bytes, runs, boxes_before, boxes_after) -> list[str]:
    """The runs (``[tag, text]``) whose pixels differ between two full-page PNGs.

    Pages of one size: the runs whose box holds a pixel that differs.  Otherwise (a run changed its
    height): each run cropped at its own box in each picture, compared.
    """
    import io
    import math

    from PIL import Image, ImageChops

    def crop(image, box):
        x0, y0, x1, y1 = box
        return image.crop((math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1)))

    with Image.open(io.BytesIO(before)) as a, Image.open(io.BytesIO(after)) as b:
        a, b = a.convert("RGB"), b.convert("RGB")
        found = []
        for (tag, text), box_a, box_b in zip(runs, boxes_before, boxes_after):
            if a.size == b.size:
                differs = ImageChops.difference(crop(a, box_a), crop(b, box_a)).getbbox() is not None
            else:
                crops = crop(a, box_a), crop(b, box_b)
                differs = crops[0].size != crops[1].size or ImageChops.difference(*crops).getbbox() is not None
            if differs:
                found.append(f"<{tag}> {text!r}")
        return found


def whole_page_png(context, page) -> bytes:
    """The whole page as a PNG, as Playwright's ``full_page`` screenshot but about twice as fast (zlib tuned
    for speed: same pixels, other bytes; one index page is ~1280 x 23,000 pixels)."""
    import base64

    width, height = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    session = context.new_cdp_session(page)
    try:
        shot = session.send("Page.captureScreenshot", {
            "format": "png", "optimizeForSpeed": True, "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    finally:
        session.detach()
    return base64.b64decode(shot["data"])


@pytest.mark.parametrize("name", ["index.html", "index.zh.html"])
def test_every_chinese_run_of_the_index_shows_what_a_fresh_layout_draws(offline, screenshots, name):
    """What a reader sees of each run of Chinese is what the same text laid out again draws: no run stays boxes.

    The canvas test above proves the embedded face draws real glyphs; this one looks at the page itself.
    Chromium drew the first run of Chinese it laid out (the title, a heading, the link "中文版", a quote)
    as empty boxes for good when an installed font came before the still-loading embedded face in the
    font stack, while the text around it and a canvas drew fine.  One full-page screenshot as loaded,
    one after every Chinese text node is laid out afresh: the same pixels, or the runs that differ.
    """
    context, _ = offline
    folder = screenshots / "chinese-runs"
    folder.mkdir(exist_ok=True)
    page = context.new_page()
    try:
        page.goto((INDEX.parent / name).as_uri(), wait_until="load", timeout=30_000)
        found = page.evaluate(CHINESE_RUNS_JS)
        assert {"family": "su7-cjk", "status": "loaded"} in found["faces"], found["faces"]
        assert len(found["runs"]) >= 20, f"too few runs of Chinese to check on {name}: {found['runs']}"
        page.add_style_tag(content="img { visibility: hidden !important; }")  # loaded: only text is compared
        boxes_before = page.evaluate(RELAYOUT_JS, False)
        before = whole_page_png(context, page)
        boxes_after = page.evaluate(RELAYOUT_JS, True)
        after = whole_page_png(context, page)
    finally:
        page.close()
    if before != after:
        shots = [folder / f"{Path(name).stem}-{when}.png" for when in ("as-loaded", "laid-out-again")]
        for shot, data in zip(shots, (before, after)):
            shot.write_bytes(data)
        runs = differing_runs(before, after, found["runs"], boxes_before, boxes_after)
        pytest.fail(f"{name}: {len(runs)} of {len(found['runs'])} runs of Chinese show other pixels than the "
                    f"same text laid out again (empty boxes?): {runs[:8]}\nscreenshots: {shots[0]} {shots[1]}")

#: In the page: each table's and the document's scroll width against its visible width (a wider one is clipped
#: or needs a sideways scroll at that viewport).
WIDTHS_JS = """() => ({
    page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
    tables: [...document.querySelectorAll('table')].map(t => ({
        cls: t.className, scroll: t.scrollWidth, client: t.clientWidth,
        parent: t.parentElement.clientWidth,
        narrowest_cell: Math.min(...[...t.querySelectorAll('td, tbody th')].map(c => c.getBoundingClientRect().width))})),
})"""


@pytest.mark.parametrize("name", ["index.html", "index.zh.html"])
def test_the_index_reads_at_phone_width_with_nothing_clipped(browser, screenshots, name):
    """At 420 px wide every table of the index fits its width (no sideways scroll) and so does the page."""
    context = browser.new_context(viewport={"width": 420, "height": 900})
    try:
        page = context.new_page()
        page.goto((ROOT / "reports" / "html" / name).as_uri(), wait_until="load", timeout=30_000)
        shot = screenshots / f"phone-{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        widths = page.evaluate(WIDTHS_JS)
    finally:
        context.close()
    assert widths["tables"], f"{name} has no table (screenshot {shot})"
    wide = [t for t in widths["tables"] if t["scroll"] > t["client"] or t["client"] > t["parent"]]
    assert not wide, f"{name}: tables wider than the page at 420 px: {wide} (screenshot {shot})"
    assert widths["page"][0] <= widths["page"][1], f"{name}: the page scrolls sideways at 420 px {widths['page']} ({shot})"
    squeezed = [t for t in widths["tables"] if t["narrowest_cell"] < 0.8 * t["client"]]
    assert not squeezed, f"{name}: at 420 px a row should read as a card, one cell a line: {squeezed} ({shot})"


def test_a_copy_of_the_report_folder_alone_shows_every_image_and_link(offline, tmp_path):
    """reports/html copied elsewhere (as a zip would be): every image, figure, table and page it links is inside it."""
    import shutil

    context, blocked = offline
    copy = tmp_path / "sent" / "html"
    shutil.copytree(ROOT / "reports" / "html", copy)
    problems: list[str] = []
    for name in ("index.html", "index.zh.html"):
        page_problems, info = visit(context, (copy / name).as_uri(), None)
        problems += page_problems
        assert info["images"], f"{name} shows no figure"
        for link in info["links"]:
            target = link.split("#")[0]
            if target.startswith("file://"):
                path = Path(unquote(urlparse(target).path))
                if not path.exists():
                    problems.append(f"{name}: broken link {link}")
                elif copy not in path.parents and path != copy:
                    problems.append(f"{name}: links outside the folder: {link}")
    assert not blocked and not problems, "\n".join(problems + blocked)
