"""The HTML report opened from disk in a real browser, with the network blocked.

Every link of ``reports/html/index.html`` is followed; every page loads, every
image is decoded, nothing is logged as an error and no request leaves the machine.
"""

from __future__ import annotations

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


def visit(context, url: str, screenshot: Path) -> tuple[list[str], dict]:
    """Open ``url``; return the problems seen and what the page holds."""
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: errors.append(f"request failed: {req.url} ({req.failure})"))
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
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(screenshot), full_page=False)
    finally:
        page.close()
    problems += [f"{url}: {e}" for e in errors]
    return problems, info


def test_the_report_opens_offline_every_link_loads_every_image_decodes(offline, screenshots):
    context, blocked = offline
    assert INDEX.is_file(), f"{INDEX} is missing: make run writes it"
    index_url = INDEX.as_uri()
    folder = screenshots / "report"
    folder.mkdir(exist_ok=True)
    problems, index = visit(context, index_url, folder / "index.png")
    assert index["images"], "the index shows no figure"
    targets = sorted({link.split("#")[0] for link in index["links"]} - {index_url})
    assert any(t.endswith(".html") for t in targets) and any(t.endswith(".png") for t in targets), targets
    seen_pages = []
    for url in targets:
        assert url.startswith("file://"), f"the index links off the machine: {url}"
        path = Path(unquote(urlparse(url).path))
        if not path.is_file():
            problems.append(f"broken link in index.html: {url}")
            continue
        page_problems, info = visit(context, url, folder / f"{path.name}.png")
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
    if blocked:
        problems.append(f"{len(blocked)} request(s) tried to leave the machine (blocked): {blocked[:10]}")
    assert not problems, "\n".join(problems) + f"\nscreenshots: {folder}"
    notebooks = {p.stem + ".html" for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert notebooks <= set(seen_pages), f"the index does not link {sorted(notebooks - set(seen_pages))}"
