"""The shared frame of every figure: title, subtitle and footer, sources, axes helpers, and deterministic files.

Figure modules (:mod:`helpers.figures.findings`, :mod:`helpers.figures.what_happened`)
build their axes and hand the texts to :func:`finish`, which places them and
freezes the layout; :func:`save_figure` writes ``stem.png`` and ``stem.svg``
atomically and deterministically (same figure, same bytes); :func:`to_image`
gives the smaller PNG a notebook shows inline.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from helpers.chinese import CJK_RANGES
from helpers.data import weeks
from helpers.data.clean import ARTICLE_SOURCE_ID
from helpers.figures import style
from helpers.formatting import format_day, number


def measure_axis_label(weekly_sales: pd.DataFrame, series: str, lang: str) -> str:
    """The weekly axis label for what ``series`` counts (its ``measure`` from series.csv), e.g.
    "insurance registrations per week"; the plain "vehicles per week" when the table has no measure."""
    if "measure" not in weekly_sales.columns:
        return style.label("y_vehicles", lang)
    measures = sorted(set(weekly_sales.loc[weekly_sales["series"].astype(str) == series, "measure"].astype(str)))
    return style.label(f"y_{measures[0]}", lang) if len(measures) == 1 else style.label("y_vehicles", lang)


def sources_text(pairs: Iterable[tuple[str, str]], lang: str, sources: pd.DataFrame | None = None) -> str:
    """The sources of (source_id, locator) pairs as a reader names them: the article with its paragraphs, then
    publishers (:func:`helpers.data.sources.sources_line`, from ``sources`` or the clean ``sources`` table).

    >>> table = pd.DataFrame({"source_id": ["b", "c"], "publisher": ["CarNewsChina", "CnEVPost (cnevpost.com)"]})
    >>> pairs = [(ARTICLE_SOURCE_ID, 'para 7: "x"'), ("b", 'page: "y"'), (ARTICLE_SOURCE_ID, 'para 3: "z"'), ("c", "")]
    >>> sources_text(pairs, "en", table), sources_text(pairs, "zh", table)
    ('the article (para 3, 7), CarNewsChina and CnEVPost', '原文(第3、7段)、CarNewsChina和CnEVPost')
    >>> sources_text([("b", ""), ("x", ""), ("y", ""), ("c", "")], "en", table)
    'CarNewsChina, CnEVPost and 2 more'
    """
    from helpers.data.sources import sources_line

    paras: set[int] | None = None
    others: list[str] = []
    for source_id, locator in pairs:
        if str(source_id) == ARTICLE_SOURCE_ID:
            paras = paras if paras is not None else set()
            match = re.match(r"\s*para (\d+)", str(locator))
            if match:
                paras.add(int(match.group(1)))
        elif str(source_id) not in others:
            others.append(str(source_id))
    parts = []
    if paras is not None:
        numbers = sorted(paras)
        if not numbers:
            parts.append(style.label("source_article", lang))
        elif lang == "zh":
            parts.append(style.label("source_article_paras", lang, paras="、".join(map(str, numbers))))
        else:
            parts.append(style.label("source_article_paras", lang, paras=", ".join(map(str, numbers))))
    if others:
        parts.append(sources_line(others, sources if sources is not None else sources_table(), lang))
    return style.label("list_sep", lang).join(p for p in parts if p)


def sources_table() -> pd.DataFrame:
    """The clean ``sources`` table (source_id, publisher, ...) of the project's processed data; empty if not written."""
    from helpers.paths import processed_dir

    path = processed_dir() / "clean" / "sources.csv"
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return pd.DataFrame({"source_id": [], "publisher": []})
    return _read_sources(str(path), stamp)


@functools.lru_cache(maxsize=4)
def _read_sources(path: str, _stamp: int) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def event_caption(row: pd.Series, lang: str) -> str:
    """The short caption of an event (a row of ``clean.events``) in ``lang``: its ``caption_en`` / ``caption_zh``.

    An empty caption falls back to the ``event_id`` with spaces for underscores,
    so a new event in ``data/raw/events.csv`` needs no code.

    >>> row = pd.Series({"event_id": "yu7_launch", "caption_en": "Xiaomi YU7 launch", "caption_zh": ""})
    >>> event_caption(row, "en"), event_caption(row, "zh")
    ('Xiaomi YU7 launch', 'yu7 launch')
    """
    caption = row[f"caption_{lang}"]
    if pd.isna(caption) or str(caption) == "":
        return str(row["event_id"]).replace("_", " ")
    return str(caption)


def event_label(row: pd.Series, lang: str, with_date: bool = True) -> str:
    """An event's caption (:func:`event_caption`), after its day when it is dated to the day and ``with_date``.

    >>> row = pd.Series({"event_id": "yu7_launch", "caption_en": "Xiaomi YU7 launch", "caption_zh": "小米YU7上市",
    ...                  "date_precision": "day", "date_start": "2025-06-26"})
    >>> event_label(row, "en"), event_label(row, "zh"), event_label(row, "en", with_date=False)
    ('26 Jun: Xiaomi YU7 launch', '6月26日 小米YU7上市', 'Xiaomi YU7 launch')
    """
    text = event_caption(row, lang)
    if with_date and row["date_precision"] == "day" and row["date_start"]:
        return f"{format_day(dt.date.fromisoformat(str(row['date_start'])), lang)}: {text}" if lang == "en" \
            else f"{format_day(dt.date.fromisoformat(str(row['date_start'])), lang)} {text}"
    return text


def monday_x(iso_year: int, iso_week: int) -> float:
    import matplotlib.dates as mdates

    return float(mdates.date2num(weeks.week_monday(int(iso_year), int(iso_week))))


def day_x(day: dt.date) -> float:
    import matplotlib.dates as mdates

    return float(mdates.date2num(day))


def thousands(value: float, _pos: Any = None) -> str:
    return number(value, 0)


def text_width_pt(text: str, size: float, weight: str = "normal") -> float:
    """Width of one line of ``text`` in points, measured with the current rc fonts."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer = RendererAgg(10, 10, 72)
    width, _, _ = renderer.get_text_width_height_descent(text, FontProperties(size=size, weight=weight), ismath=False)
    return float(width)


_TOKEN = re.compile(f"[{CJK_RANGES}]|[^\\s{CJK_RANGES}]+\\s*|\\s+")


def wrap(text: str, width_pt: float, size: float, weight: str = "normal") -> list[str]:
    """Greedy line breaking by measured width (Latin words kept whole, CJK broken between characters)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for token in _TOKEN.findall(paragraph):
            candidate = current + token
            if current and text_width_pt(candidate.rstrip(), size, weight) > width_pt:
                lines.append(current.rstrip())
                current = token.lstrip()
            else:
                current = candidate
        lines.append(current.rstrip())
    return lines


#: Most lines of a subtitle; sentences beyond them go to the notes above the sources line.
SUBTITLE_LINES = 2
#: Share of the figure's height the axes get at least: a figure grows taller until they do.
MIN_AXES_SHARE = 0.42

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[^a-z0-9])|(?<=[\u3002\uff1f\uff01])")


def split_subtitle(subtitle: str, width_pt: float, size: float, lines: int = SUBTITLE_LINES) -> tuple[str, str]:
    """The leading sentences of ``subtitle`` that fit in ``lines`` lines, and the rest (for the notes).

    >>> split_subtitle("One. Two.", 1000, 10)
    ('One. Two.', '')
    >>> split_subtitle("A first sentence here. A second one.", 120, 10, lines=1)
    ('A first sentence here.', 'A second one.')
    """
    if not subtitle or len(wrap(subtitle, width_pt, size)) <= lines:
        return subtitle, ""
    sentences = [p for p in _SENTENCE_END.split(subtitle) if p.strip()]
    kept: list[str] = []
    for i, sentence in enumerate(sentences):
        candidate = " ".join(kept + [sentence]) if not has_cjk_text(sentence) else "".join(kept + [sentence])
        if len(wrap(candidate, width_pt, size)) > lines:
            rest = sentences[i:]
            joiner = "" if has_cjk_text(subtitle) else " "
            return joiner.join(kept), joiner.join(rest)
        kept.append(sentence)
    return subtitle, ""


#: Longest title, in characters (issue 22); longer titles keep their leading clauses (:func:`split_title`).
MAX_TITLE_CHARS = 110
_CLAUSE = re.compile(r"; |;|；")


def split_title(title: str, limit: int = MAX_TITLE_CHARS) -> tuple[str, str]:
    """The leading clauses of ``title`` (split at semicolons) within ``limit`` characters, and the rest as a sentence.

    >>> split_title("Sales fell; orders rose", 12)
    ('Sales fell', 'Orders rose.')
    >>> split_title("销量下降;订单上升", 5)
    ('销量下降', '订单上升。')
    >>> split_title("Sales; orders rose fast", 20)  # a head under 40% of the limit: not split
    ('Sales; orders rose fast', '')
    >>> split_title("Short; fine", 110)
    ('Short; fine', '')
    """
    if len(title) <= limit:
        return title, ""
    parts = _CLAUSE.split(title)
    seps = _CLAUSE.findall(title)
    head = parts[0]
    i = 1
    while i < len(parts) and len(head + seps[i - 1] + parts[i]) <= limit:
        head += seps[i - 1] + parts[i]
        i += 1
    if i == len(parts) or len(head) < limit * 0.4 // (2 if has_cjk_text(title) else 1):
        return title, ""  # a stub of a head: more likely a semicolon inside a name than a clause boundary
    cjk = has_cjk_text(title)
    rest = ("；" if cjk else "; ").join(parts[i:]).strip()
    rest = rest[:1].upper() + rest[1:]
    if cjk:
        rest = rest if rest.endswith(("。", "!", "?")) else rest + "。"
    else:
        rest = rest if rest.endswith((".", "!", "?")) else rest + "."
    return head, rest


def has_cjk_text(text: str) -> bool:
    return bool(re.search(f"[{CJK_RANGES}]", text))


def _covered(fig: Any) -> float:
    spans = sorted((ax.get_position().y0, ax.get_position().y1) for ax in fig.axes if ax.get_visible())
    covered, end = 0.0, -1.0
    for y0, y1 in spans:
        if y1 > end:
            covered += y1 - max(y0, end)
            end = y1
    return covered


def finish(fig: Any, lang: str, title: str, subtitle: str, footer: str) -> Any:
    """Place the title (suptitle), subtitle and footer; reserve their space; fix the style on the figure.

    A subtitle longer than :data:`SUBTITLE_LINES` lines keeps its leading sentences; the others become notes
    printed above the sources line.  When the axes would get less than :data:`MIN_AXES_SHARE` of the height,
    the figure grows taller (its width stays).
    """
    import math

    fs = style.FONT_SIZES
    width_in, height_in = fig.get_size_inches()
    margin_in = 0.14
    usable_pt = (width_in - 2 * margin_in) * 72 * 0.97  # a little slack: widths measured at 72 dpi
    fig._su7_statement = " ".join(title.split())  # the whole finding, before clauses move to the subtitle
    title, rest = split_title(title)
    if rest:
        subtitle = rest + ("" if has_cjk_text(rest) else " ") + subtitle if subtitle else rest
    title_lines = wrap(title, usable_pt, fs["title"], "bold")
    subtitle, notes = split_subtitle(subtitle, usable_pt, fs["subtitle"])
    subtitle_lines = wrap(subtitle, usable_pt, fs["subtitle"]) if subtitle else []
    note_lines = wrap(style.label("notes", lang, notes=notes), usable_pt, fs["source"]) if notes else []
    footer_lines = wrap(footer, usable_pt, fs["source"])
    x = margin_in / width_in
    fig._su7_lang = lang
    fig._su7_rc = style.rc_params(lang)
    placed: list[Any] = []
    engine = fig.get_layout_engine()
    for _attempt in range(3):
        for text in placed:
            text.remove()
        placed = []
        top = 1 - 0.12 / height_in
        fig.suptitle("\n".join(title_lines), x=x, y=top, ha="left", va="top", fontsize=fs["title"],
                     fontweight="bold", linespacing=1.25, color="#111111")
        title_h = len(title_lines) * fs["title"] * 1.25 / 72
        y = top - (title_h + 0.06) / height_in
        if subtitle_lines:
            placed.append(fig.text(x, y, "\n".join(subtitle_lines), ha="left", va="top", fontsize=fs["subtitle"],
                                   color=style.COLORS["text_muted"], linespacing=1.3, gid="subtitle"))
            y -= (len(subtitle_lines) * fs["subtitle"] * 1.3 / 72) / height_in
        header_frac = 1 - y + 0.1 / height_in
        bottom_in = 0.1
        placed.append(fig.text(x, bottom_in / height_in, "\n".join(footer_lines), ha="left", va="bottom",
                               fontsize=fs["source"], color=style.COLORS["text_muted"], linespacing=1.3, gid="source"))
        bottom_in += len(footer_lines) * fs["source"] * 1.3 / 72
        if note_lines:
            bottom_in += 0.06
            placed.append(fig.text(x, bottom_in / height_in, "\n".join(note_lines), ha="left", va="bottom",
                                   fontsize=fs["source"], color=style.COLORS["text_muted"], linespacing=1.3, gid="notes"))
            bottom_in += len(note_lines) * fs["source"] * 1.3 / 72
        footer_frac = (bottom_in + 0.08) / height_in
        side = 0.6 * x  # a little room at both sides: the layout is computed at 100 dpi, files render at 150
        engine.set(rect=(side, footer_frac, 1.0 - 2 * side, 1.0 - header_frac - footer_frac))
        fig.set_layout_engine(engine)
        import matplotlib as mpl

        with mpl.rc_context(fig._su7_rc):
            fig.draw_without_rendering()  # ticks and layout made now, with this style
        covered = _covered(fig)
        if covered >= MIN_AXES_SHARE:
            break
        rest_in = height_in * (1 - covered)
        height_in = math.ceil(rest_in / (1 - MIN_AXES_SHARE - 0.02) * 10) / 10
        fig.set_size_inches(width_in, height_in)
    # Freeze the layout.  The constrained-layout solver can differ in the 13th digit from one run to the
    # next; rounded positions and no further layout make every later render (PNG, SVG, inline) repeatable.
    for ax in fig.axes:
        ax.set_position([round(float(v), 5) for v in ax.get_position().bounds])
    fig.set_layout_engine("none")
    from helpers.figures.check import drop_crowded_labels

    drop_crowded_labels(fig)  # numbers beside points that would sit on another text are left out
    return fig


def new_figure(size: str) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=style.FIGSIZES[size], layout="constrained")


def figure_texts(fig: Any) -> list[str]:
    """Every piece of text a figure shows (titles, labels, ticks, legends, annotations), non-empty.

    For tests and checks, e.g. that an English figure holds no Chinese character.
    """
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


def figure_statement(fig: Any) -> str:
    """The whole finding a figure states: its title with the clauses that moved to the subtitle (:func:`split_title`)."""
    return getattr(fig, "_su7_statement", None) or figure_title(fig)


def figure_title(fig: Any) -> str:
    return " ".join(fig.get_suptitle().split())


def _render(fig: Any, fmt: str, dpi: float, metadata: dict[str, Any]) -> bytes:
    import matplotlib as mpl

    rc = dict(getattr(fig, "_su7_rc", None) or style.rc_params("en"))
    rc["svg.hashsalt"] = style.SVG_HASHSALT
    buffer = io.BytesIO()
    with mpl.rc_context(rc):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    return buffer.getvalue()


def png_bytes(fig: Any, dpi: float = style.DPI) -> bytes:
    """The figure as PNG bytes: no software or date stamp, the title as metadata; same figure, same bytes."""
    return _render(fig, "png", dpi, {"Software": None, "Title": figure_title(fig)})


def svg_bytes(fig: Any) -> bytes:
    """The figure as SVG bytes: text as paths, fixed id salt, no date or creator; same figure, same bytes."""
    return _render(fig, "svg", style.DPI, {"Date": None, "Creator": None, "Title": figure_title(fig)})


def save_figure(fig: Any, stem: str, folder: Path | str | None = None) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` into ``folder`` (default ``reports/figures``) atomically.

    Files are replaced only when their bytes change.  Returns the two paths.  The PNG's bytes
    stay on the figure, so :func:`to_image` shows the saved image, reduced, without drawing again.
    """
    from helpers.atomic import write_bytes_atomic
    from helpers.paths import figures_dir

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", stem):
        raise ValueError(f"stem must be a plain file name without extension, got {stem!r}")
    out = Path(folder) if folder is not None else figures_dir()
    paths = [out / f"{stem}.png", out / f"{stem}.svg"]
    png = png_bytes(fig)
    write_bytes_atomic(paths[0], png)
    write_bytes_atomic(paths[1], svg_bytes(fig))
    fig._su7_saved_png = (style.DPI, png)
    return paths


def save_languages(build: Any, stem: str, folder: Path | str | None = None, lang: str = "en") -> tuple[Any, list[Path]]:
    """Draw ``build(lang)`` in English and in Chinese and save both: English as ``folder/stem.*``, Chinese as
    ``folder/zh/stem.*`` (:func:`save_figure`, same file names).  Returns the figure in ``lang`` (to show) and
    the four paths.  Should the bundled Chinese font fail to load, only the English files are written."""
    import warnings

    from helpers.paths import figures_dir

    out = Path(folder) if folder is not None else figures_dir()
    figures: dict[str, Any] = {}
    paths: list[Path] = []
    for language, where in (("en", out), ("zh", out / "zh")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if style.resolve_language(language) != language:
                continue
        figures[language] = build(language)
        paths += save_figure(figures[language], stem, where)
    return figures.get(lang, figures["en"]), paths


def inline_png_bytes(fig: Any, dpi: float = style.INLINE_DPI) -> bytes:
    """A small PNG for notebooks: ``dpi`` (100), reduced to a 256-colour palette (no dithering).

    After :func:`save_figure` it is the saved PNG scaled down (Lanczos), so the notebook shows
    exactly what was saved; otherwise the figure is drawn at ``dpi``.

    About a third of the size of the full-colour PNG, which keeps committed
    notebooks small; deterministic like :func:`png_bytes`.  The files
    :func:`save_figure` writes stay full colour.
    """
    from PIL import Image as PILImage

    saved = getattr(fig, "_su7_saved_png", None)
    if saved is not None and saved[0] > dpi:  # the saved file's image, reduced (one drawing fewer)
        with PILImage.open(io.BytesIO(saved[1])) as full:
            size = (round(full.width * dpi / saved[0]), round(full.height * dpi / saved[0]))
            rgb = full.convert("RGB").resize(size, PILImage.Resampling.LANCZOS)
    else:
        with PILImage.open(io.BytesIO(png_bytes(fig, dpi=dpi))) as image:
            rgb = image.convert("RGB")
    palette = rgb.quantize(colors=256, method=PILImage.Quantize.MEDIANCUT, dither=PILImage.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def to_image(fig: Any, dpi: float = style.INLINE_DPI) -> Any:
    """An ``IPython.display.Image`` of the figure for a notebook (:func:`inline_png_bytes`), its title as alt text."""
    from IPython.display import Image

    return Image(data=inline_png_bytes(fig, dpi=dpi), format="png", alt=figure_title(fig))


# --------------------------------------------------------------------------- layout shared by the figure modules


def pack_rows(spans: list[tuple[float, float]]) -> list[int]:
    """The row of each label (x from, x to) so that no two in a row overlap; first fit, in the given order.

    >>> pack_rows([(0, 5), (3, 8), (6, 9), (9.5, 12)])
    [0, 1, 0, 0]
    """
    ends: list[float] = []
    rows = []
    for start, end in spans:
        row = next((r for r, e in enumerate(ends) if e <= start), len(ends))
        if row == len(ends):
            ends.append(end)
        else:
            ends[row] = end
        rows.append(row)
    return rows


def legend_columns(labels: list[str], ncols: int, size: float, width_pt: float) -> int:
    """The most columns, at most ``ncols``, in which a legend of ``labels`` (filled column by column, as
    matplotlib does) is at most ``width_pt`` wide; 1 when even one column is wider.

    Each column is its handle, the gap to its text and its widest text; columns are two font sizes apart
    (matplotlib's defaults, a little slack added).
    """
    for cols in range(max(1, ncols), 1, -1):
        rows = -(-len(labels) // cols)
        columns = [labels[i:i + rows] for i in range(0, len(labels), rows)]
        width = sum((2.0 + 0.8) * size + max(text_width_pt(t, size) for t in column) for column in columns)
        width += (len(columns) - 1) * 2.0 * size + 2 * 0.8 * size
        if width * 1.03 <= width_pt:
            return cols
    return 1


def legend_below(fig: Any, ax: Any, handles: list, ncols: int, drop_in: float = 0.78, fontsize: float | None = None) -> None:
    """A legend centred under the axes, ``drop_in`` inches below their bottom edge (under the tick labels),
    in at most ``ncols`` columns: fewer when the labels would be wider than the figure (:func:`legend_columns`)."""
    import matplotlib as mpl
    from matplotlib.transforms import ScaledTranslation

    size = fontsize if fontsize is not None else float(mpl.rcParams["legend.fontsize"])
    usable_pt = (fig.get_size_inches()[0] - 2 * 0.14) * 72
    cols = legend_columns([h.get_label() for h in handles], ncols, size, usable_pt)
    below = ax.transAxes + ScaledTranslation(0, -drop_in, fig.dpi_scale_trans)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below,
              ncols=cols, frameon=False, fontsize=size)
