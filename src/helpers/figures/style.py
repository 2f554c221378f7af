"""One style for every figure: theme, palette, sizes, fonts and labels (English or Chinese).

Nothing here changes matplotlib's global state when imported.  A figure is
built inside :func:`theme`, a context manager that applies the project's rc
settings (a seaborn ``whitegrid`` theme, the Okabe–Ito palette, font sizes
readable at 100% on a laptop) and restores the previous ones on exit:

>>> import matplotlib as mpl
>>> before = mpl.rcParams["axes.titlesize"]
>>> with theme("en") as lang:
...     lang, mpl.rcParams["axes.titlesize"] == FONT_SIZES["panel_title"]
('en', True)
>>> mpl.rcParams["axes.titlesize"] == before
True

**Plain text.** Every text a figure draws (titles, labels, annotations, legend
entries, event captions from ``data/raw/events.csv``) is drawn as written:
``text.parse_math`` is off, so ``$`` is a dollar sign, never matplotlib mathtext:

>>> with theme("en"):
...     mpl.rcParams["text.parse_math"]
False

**Language.** ``lang="zh"`` gives Chinese titles and labels, drawn with the
font the project brings (:mod:`helpers.figures.cjk_font`, a subset of Noto Sans
CJK SC): the same glyphs on every machine, whatever fonts it has installed.
Should that font fail to load, :func:`resolve_language` warns and falls back
to English, so a figure never shows empty boxes where characters should be.

**Labels.** :data:`LABELS` holds every title, axis label, legend entry and
source line in both languages, as ``str.format`` templates read from
``helpers/labels/labels.toml`` (:mod:`helpers.labels`, shared with the narrative); :func:`label` fills one in:

>>> label("source", "en", sources="article_ggyjs_2025")
'Source: article_ggyjs_2025'
>>> label("source", "zh", sources="article_ggyjs_2025")
'来源:article_ggyjs_2025'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import warnings
from importlib import resources
from typing import Any, Iterator

from helpers.formatting import format_day
from helpers.labels import LABELS, LANGUAGES, label  # noqa: F401 (figures call style.label)

__all__ = [
    "LANGUAGES",
    "OKABE_ITO",
    "COLORS",
    "SCENARIO_LINESTYLES",
    "FIGSIZES",
    "FONT_SIZES",
    "DPI",
    "INLINE_DPI",
    "SVG_HASHSALT",
    "find_cjk_font",
    "resolve_language",
    "rc_params",
    "theme",
    "format_quarter",
    "week_tick",
]


#: The Okabe–Ito palette (Okabe & Ito 2008), safe for the common colour-vision deficiencies;
#: grey as in R's ``palette.colors("Okabe-Ito")``.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}

#: Colours by role: the same thing has the same colour in every figure.
COLORS = {
    "observed": OKABE_ITO["blue"],
    "trend": OKABE_ITO["vermillion"],
    "forecast": OKABE_ITO["orange"],
    "event": OKABE_ITO["black"],
    "sales": OKABE_ITO["blue"],
    "capacity": OKABE_ITO["bluish_green"],
    "capacity_actual": OKABE_ITO["sky_blue"],
    "orders": OKABE_ITO["reddish_purple"],
    "orders_before": OKABE_ITO["grey"],
    "consistent": OKABE_ITO["bluish_green"],
    "inconsistent": OKABE_ITO["vermillion"],
    "unverifiable": OKABE_ITO["grey"],
    "list_a": OKABE_ITO["orange"],
    "list_b": OKABE_ITO["blue"],
    "text_muted": "#444444",
    "guide": "#DDDDDD",
}

#: Line styles of the run-rate scenarios (least to most pressure on supply).
SCENARIO_LINESTYLES = {"low": ":", "mid": "-", "high": "--"}

#: Figure sizes in inches (width, height); 10 in wide is about 1,000 px inline at 100 dpi.
FIGSIZES = {
    "wide": (10.0, 6.2),
    "pair": (10.0, 5.4),
    "tall": (10.0, 8.8),
    "list": (10.0, 7.2),
}

#: Font sizes in points.
FONT_SIZES = {
    "base": 11.0,
    "title": 13.5,
    "subtitle": 10.5,
    "panel_title": 11.5,
    "label": 11.0,
    "tick": 10.0,
    "legend": 10.0,
    "annotation": 9.5,
    "source": 9.0,
}

#: Resolution of the saved PNGs.
DPI = 150
#: Resolution of the images shown in notebooks (smaller files).
INLINE_DPI = 100
#: Fixed salt for the ids matplotlib writes into SVG files, so reruns give the same bytes.
SVG_HASHSALT = "su7-slump"

_FALLBACK_MESSAGE = (
    "lang='zh' needs a CJK font: the bundled one (helpers/figures/fonts, built by scripts/build_cjk_font.py) "
    "could not be loaded ({error}); falling back to English"
)


def find_cjk_font() -> str | None:
    """The family name of the bundled CJK font, registered with matplotlib; ``None`` if it cannot be loaded.

    Always the project's own subset of Noto Sans CJK SC (:mod:`helpers.figures.cjk_font`), never a
    system font, so Chinese figures are the same bytes on every machine.

    >>> find_cjk_font()
    'Noto Sans CJK SC su7'
    """
    return _load_cjk_font()[0]


def _load_cjk_font() -> tuple[str | None, str]:
    from helpers.figures import cjk_font

    try:
        return cjk_font.register(), ""
    except (OSError, RuntimeError, ValueError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


def resolve_language(lang: str) -> str:
    """``"en"`` or ``"zh"``: the language figures can actually be drawn in.

    ``"zh"`` (also ``"zh-CN"``, ``"zh_Hans"`` ...) needs the bundled CJK font; should it fail
    to load (a broken install) this warns (``UserWarning``) and returns ``"en"``.

    >>> resolve_language("en"), resolve_language("EN")
    ('en', 'en')
    >>> resolve_language("fr")
    Traceback (most recent call last):
    ...
    ValueError: lang must be 'en' or 'zh', got 'fr'
    """
    if not isinstance(lang, str):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    code = lang.strip().lower().replace("_", "-")
    if code == "en" or code.startswith("en-"):
        return "en"
    if code == "zh" or code.startswith("zh-"):
        if find_cjk_font() is None:
            warnings.warn(_FALLBACK_MESSAGE.format(error=_load_cjk_font()[1] or "not found"), UserWarning, stacklevel=2)
            return "en"
        return "zh"
    raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")


def rc_params(lang: str = "en") -> dict[str, Any]:
    """The rc settings of every figure, for an already resolved ``lang``.

    A seaborn ``whitegrid`` style and ``notebook`` context with the project's
    font sizes, palette and deterministic SVG output.  ``lang`` must be what
    :func:`resolve_language` returned ("zh" looks up the CJK font again).
    """
    import seaborn as sns
    from cycler import cycler

    if lang not in LANGUAGES:
        raise ValueError(f"lang must be 'en' or 'zh' (resolved with resolve_language), got {lang!r}")
    families = ["DejaVu Sans"]
    if lang == "zh":
        cjk = find_cjk_font()
        if cjk is None:
            raise ValueError("rc_params('zh') needs a CJK font; call resolve_language('zh') first")
        families = [cjk, "DejaVu Sans"]
    rc: dict[str, Any] = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("notebook"))
    fs = FONT_SIZES
    rc.update({
        "font.family": "sans-serif",
        "font.sans-serif": families,
        "font.size": fs["base"],
        "axes.titlesize": fs["panel_title"],
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.titlepad": 8.0,
        "axes.labelsize": fs["label"],
        "axes.labelcolor": "#222222",
        "axes.edgecolor": "#888888",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": cycler(color=[OKABE_ITO[c] for c in ("blue", "orange", "bluish_green", "vermillion",
                                                                "reddish_purple", "sky_blue", "black", "yellow")]),
        "axes.unicode_minus": True,
        "grid.color": "#E6E6E6",
        "grid.linewidth": 0.8,
        "xtick.labelsize": fs["tick"],
        "ytick.labelsize": fs["tick"],
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "legend.fontsize": fs["legend"],
        "legend.frameon": True,
        "legend.framealpha": 0.92,
        "legend.edgecolor": "#CCCCCC",
        "lines.linewidth": 2.0,
        "lines.markersize": 7.0,
        "patch.edgecolor": "none",
        "figure.dpi": INLINE_DPI,
        "figure.facecolor": "white",
        "savefig.dpi": DPI,
        "savefig.facecolor": "white",
        "figure.constrained_layout.h_pad": 0.06,
        "figure.constrained_layout.w_pad": 0.06,
        "svg.hashsalt": SVG_HASHSALT,
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "path.simplify": True,
        # Every text is drawn as written: a "$" in a caption, title, label or legend entry is a dollar sign,
        # never matplotlib mathtext (which failed on "$\\frac$" and dropped the dollars of "$2,000 ... $35k").
        # No figure text uses mathtext; write symbols as Unicode (e.g. "−", "≈", "²").
        "text.parse_math": False,
    })
    return rc


@contextlib.contextmanager
def theme(lang: str = "en") -> Iterator[str]:
    """Apply the project's style (``matplotlib.rc_context``) and yield the resolved language.

    ``lang`` goes through :func:`resolve_language` (so ``"zh"`` may warn and
    yield ``"en"``).  The previous rc settings come back on exit.
    """
    import matplotlib as mpl

    resolved = resolve_language(lang)
    with mpl.rc_context(rc_params(resolved)):
        yield resolved


# --------------------------------------------------------------------------- labels: helpers.labels


def format_quarter(period: str, lang: str = "en") -> str:
    """``"2025-Q1"`` → ``"2025 Q1"`` / ``"2025年第一季度"``; anything else is returned as is.

    >>> format_quarter("2025-Q1"), format_quarter("2025-Q1", "zh"), format_quarter("")
    ('2025 Q1', '2025年第一季度', '')
    """
    match = re.fullmatch(r"(\d{4})-Q([1-4])", period or "")
    if not match:
        return period or ""
    year, quarter = match.group(1), int(match.group(2))
    return f"{year}年第{'一二三四'[quarter - 1]}季度" if lang == "zh" else f"{year} Q{quarter}"


def week_tick(iso_week: int, monday: dt.date, lang: str = "en") -> str:
    """A two-line tick label: the ISO week and its Monday.

    >>> week_tick(16, dt.date(2025, 4, 14))
    'W16\\n14 Apr'
    """
    return f"W{iso_week:02d}\n{format_day(monday, lang)}"
