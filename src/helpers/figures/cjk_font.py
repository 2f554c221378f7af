"""The Chinese font the project brings: a subset of Noto Sans CJK SC (OFL), Regular and Bold.

The files live in ``fonts/`` beside this module (built by ``scripts/build_cjk_font.py``;
``fonts/README.md`` says from what).  :func:`register` makes them known to matplotlib,
so ``lang="zh"`` draws the same glyphs on every machine, whatever fonts it has:

>>> register()
'Noto Sans CJK SC su7'
>>> ord("港") in characters() and ord("A") in characters()
True

:func:`font_face_css` gives the HTML report an ``@font-face`` rule holding only the
characters a page prints (a WOFF ``data:`` URL, the same bytes for the same text):

>>> css = font_face_css("港股研究社")
>>> css.startswith('@font-face { font-family: "su7-cjk"; src: url("data:font/woff;base64,')
True
>>> font_face_css("only Latin · “quoted” ×")
''
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import re
from importlib import resources
from pathlib import Path

from helpers.chinese import CJK_RANGES, has_cjk

__all__ = ["FAMILY", "WEB_FAMILY", "FONT_SUBDIR", "FILES", "font_path", "register", "characters",
           "web_subset", "font_face_css"]

#: The family name matplotlib knows the bundled faces by.  Not "Noto Sans CJK SC": a machine with
#: the full font installed would then have two fonts of one name, and figures would depend on which won.
FAMILY = "Noto Sans CJK SC su7"
#: The family name of the font embedded in the HTML pages.
WEB_FAMILY = "su7-cjk"
#: Folder of the font files, inside the package ``helpers.figures``.
FONT_SUBDIR = "fonts"
#: The bundled faces, by weight.
FILES = {"regular": "NotoSansCJKsc-su7-Regular.otf", "bold": "NotoSansCJKsc-su7-Bold.otf"}


def font_path(weight: str = "regular") -> Path:
    """The bundled font file of ``weight`` ("regular" or "bold")."""
    return Path(str(resources.files("helpers.figures").joinpath(FONT_SUBDIR, FILES[weight])))


def register() -> str:
    """Add the bundled faces to matplotlib's font manager (once per process); return :data:`FAMILY`.

    Raises ``OSError`` if a file is missing or unreadable.
    """
    from matplotlib import font_manager

    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for weight in FILES:
        path = str(font_path(weight))
        if path not in known:
            font_manager.fontManager.addfont(path)
    return FAMILY


@functools.lru_cache(maxsize=None)
def _font_bytes(weight: str) -> bytes:
    return font_path(weight).read_bytes()


@functools.lru_cache(maxsize=None)
def characters(weight: str = "regular") -> frozenset[int]:
    """The code points the bundled face of ``weight`` has a glyph for."""
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(_font_bytes(weight)), lazy=True) as font:
        return frozenset(font.getBestCmap())


def web_subset(text: str, weight: str = "regular", cache_dir: Path | str | None = None) -> bytes:
    """A WOFF font (zlib, no brotli needed) with the glyphs of the Chinese characters of ``text``.

    Chinese: CJK ideographs, CJK and full-width punctuation (:func:`helpers.chinese.has_cjk`);
    Latin text, ``·`` or ``“”`` are left to the page's own fonts.  ``b""`` when there are none.  Deterministic: no timestamp is rewritten.
    Subsetting takes about 0.3 s; with ``cache_dir`` the result is kept there, named by the
    font's and the characters' hash, and read back when the same characters are asked again.
    """
    wanted = tuple(sorted({ord(c) for c in set(text) if has_cjk(c)} & characters(weight)))
    if not wanted:
        return b""
    if cache_dir is None:
        return _subset(weight, wanted)
    key = hashlib.sha256(_font_digest(weight) + ",".join(map(str, wanted)).encode("ascii")).hexdigest()[:32]
    cached = Path(cache_dir) / f"{key}.woff"
    if cached.is_file():
        data = cached.read_bytes()
        if data[:4] == b"wOFF":
            return data
    data = _subset(weight, wanted)
    from helpers.atomic import write_bytes_atomic

    write_bytes_atomic(cached, data)
    return data


@functools.lru_cache(maxsize=None)
def _font_digest(weight: str) -> bytes:
    return hashlib.sha256(_font_bytes(weight)).digest()


@functools.lru_cache(maxsize=64)
def _subset(weight: str, wanted: tuple[int, ...]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    options.recalc_timestamp = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and licence names (OFL)
    options.notdef_outline = True
    with TTFont(io.BytesIO(_font_bytes(weight)), recalcTimestamp=False, recalcBBoxes=False) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted)
        subsetter.subset(font)
        out = io.BytesIO()
        font.flavor = "woff"
        font.save(out, reorderTables=True)
    return out.getvalue()


def _unicode_range(ranges: str = CJK_RANGES) -> str:
    """A CSS ``unicode-range`` value for a regex class body of ``a-b`` ranges (:data:`helpers.chinese.CJK_RANGES`).

    >>> _unicode_range("\u3000-\u303f\u4e00-\u9fff")
    'U+3000-303F, U+4E00-9FFF'
    """
    pairs = re.findall(r"(.)-(.)", ranges, re.S)
    if "".join(a + "-" + b for a, b in pairs) != ranges:
        raise ValueError(f"not a list of ranges: {ranges!r}")
    return ", ".join(f"U+{ord(a):04X}-{ord(b):04X}" for a, b in pairs)


def font_face_css(text: str, family: str = WEB_FAMILY, cache_dir: Path | str | None = None) -> str:
    """An ``@font-face`` rule embedding :func:`web_subset` of ``text`` as ``family``; ``''`` if nothing to embed.

    The rule's ``unicode-range`` is the Chinese blocks (:data:`helpers.chinese.CJK_RANGES`): the face
    then never counts as a page's first font for spaces, Latin or line metrics, so a font stack can
    name it *first* (:func:`helpers.report.html.font_stack_with`), as it must for Chromium to draw it.
    """
    data = web_subset(text, cache_dir=cache_dir)
    if not data:
        return ""
    url = "data:font/woff;base64," + base64.b64encode(data).decode("ascii")
    return (f'@font-face {{ font-family: "{family}"; src: url("{url}") format("woff"); '
            f"font-weight: 400; font-style: normal; font-display: block; unicode-range: {_unicode_range()}; }}")
