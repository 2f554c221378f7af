"""A figure check to a newsroom's standard (issue 22, item 2): what a reader would see wrong, as sentences.

:func:`figure_problems` draws a figure (in its own style, so Chinese figures use the bundled font) and
lists every problem it finds, each naming the figure and the texts concerned:

* two texts whose boxes overlap (title, subtitle, panel titles, axis labels, tick labels, annotations,
  legend texts, the sources line), or a text that leaves the figure;
* axes covering less than :data:`MIN_AXES_HEIGHT` of the figure's height (the union of their heights);
* a title longer than :data:`MAX_TITLE_CHARS` characters, a subtitle of more than :data:`MAX_SUBTITLE_LINES` lines;
* two legend entries that look the same (colour, marker and line style);
* a text that shows a code id (:data:`CODE_ID`: ``xiaomi_su7``, ``infonowcast_w13``, ``cnevpost-2025-06-03``).

An empty list is a pass.  The check only reads the figure; drawing it attaches an Agg canvas.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

#: Smallest share of the figure's height the axes must cover together.
MIN_AXES_HEIGHT = 0.40
#: Longest title, in characters (line breaks read as spaces).
MAX_TITLE_CHARS = 110
#: Most lines a subtitle may take.
MAX_SUBTITLE_LINES = 2
#: Pixels two boxes may share before they count as overlapping (antialiasing, rounding).
TOLERANCE_PX = 1.0

#: A code id: a snake_case id with at least one underscore (``xiaomi_su7``, ``infonowcast_w13``,
#: ``article_ggyjs_2025``), or a hyphenated id ending in an ISO-like date (``cnevpost-2025-06-03``).
CODE_ID = re.compile(r"(?<![\w/.-])(?:[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|[a-z][a-z0-9]+(?:-[a-z0-9]+)*-\d{4}-\d{2}(?:-\d{2})?)(?![\w/-])")


def _name(fig: Any, name: str | None) -> str:
    if name:
        return name
    title = " ".join(fig.get_suptitle().split()) if fig._suptitle is not None else ""
    return repr(title[:60]) if title else "figure"


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= 50 else flat[:47] + "...")


def _visible(text: Any) -> bool:
    return bool(text is not None and text.get_visible() and text.get_text().strip())


def _axis_tick_labels(axis: Any) -> Iterator[Any]:
    for tick in axis._update_ticks():  # the ticks drawn: inside the view interval
        for label, on in ((tick.label1, tick.label1.get_visible()), (tick.label2, tick.label2.get_visible())):
            if on and _visible(label):
                yield label


def _role(text: Any, fig: Any) -> str:
    gid = text.get_gid() or ""
    if fig._suptitle is text:
        return "title"
    return gid or "text"


def labelled_texts(fig: Any) -> list[tuple[str, Any]]:
    """Every text a reader sees, with its role ("title", "subtitle", "source", "tick label", ...)."""
    texts: list[tuple[str, Any]] = []
    if _visible(fig._suptitle):
        texts.append(("title", fig._suptitle))
    for text in fig.texts:
        if _visible(text) and text is not fig._suptitle:
            texts.append((_role(text, fig), text))
    legends = list(fig.legends)
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for title in (ax.title, ax._left_title, ax._right_title):
            if _visible(title):
                texts.append(("panel title", title))
        for axis, which in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            if not axis.get_visible():
                continue
            if _visible(axis.label):
                texts.append((f"{which} axis label", axis.label))
            texts.extend((f"{which} tick label", t) for t in _axis_tick_labels(axis))
        for text in ax.texts:
            if _visible(text):
                texts.append(("annotation", text))
        if ax.get_legend() is not None:
            legends.append(ax.get_legend())
    for legend in legends:
        if not legend.get_visible():
            continue
        if _visible(legend.get_title()):
            texts.append(("legend title", legend.get_title()))
        texts.extend(("legend", t) for t in legend.get_texts() if _visible(t))
    return texts


def _draw(fig: Any) -> Any:
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from helpers.figures import style

    rc = dict(getattr(fig, "_su7_rc", None) or style.rc_params("en"))
    with mpl.rc_context(rc):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return canvas.get_renderer()


def _overlap(a: Any, b: Any) -> bool:
    t = TOLERANCE_PX
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > t) and (min(a.y1, b.y1) - max(a.y0, b.y0) > t)


def _handle_key(handle: Any) -> tuple:
    from matplotlib.colors import to_hex

    def colour(value: Any) -> str:
        try:
            import numpy as np

            arr = np.asarray(value, dtype=float)
            if arr.ndim == 2:
                arr = arr[0] if len(arr) else np.zeros(4)
            return to_hex(arr, keep_alpha=False)
        except (TypeError, ValueError):
            try:
                return to_hex(value, keep_alpha=False)
            except (TypeError, ValueError):
                return str(value)

    kind = type(handle).__name__
    if hasattr(handle, "get_marker") and hasattr(handle, "get_linestyle"):  # Line2D
        marker = handle.get_marker()
        return (kind, colour(handle.get_color()), str(marker), handle.get_linestyle() if handle.get_linestyle() else "",
                colour(handle.get_markerfacecolor()) if marker not in (None, "", "None", " ") else "")
    if hasattr(handle, "get_facecolor"):
        face = handle.get_facecolor()
        edge = handle.get_edgecolor() if hasattr(handle, "get_edgecolor") else None
        hatch = handle.get_hatch() if hasattr(handle, "get_hatch") else None
        paths = ""
        if hasattr(handle, "get_paths"):
            paths = ";".join(str(p.vertices.round(2).tolist()) for p in handle.get_paths()[:1])
        return (kind, colour(face), colour(edge) if edge is not None else "", str(hatch), paths)
    return (kind, id(handle))


#: Annotations a figure may leave out when they would collide with another text: the numbers printed beside points
#: (gid ``value`` or ``value:...``), whose every figure the CSV behind the figure holds, and the days off printed
#: at the foot of holiday weeks (the shaded week stays; notebook 08's calendar table lists the days).
OPTIONAL_GIDS = ("value", "holiday_days")


def _optional(text: Any, prefixes: tuple[str, ...]) -> bool:
    gid = text.get_gid() or ""
    return any(gid == p or gid.startswith(p + ":") for p in prefixes)


def drop_crowded_labels(fig: Any, prefixes: tuple[str, ...] = OPTIONAL_GIDS) -> list[str]:
    """Remove each optional annotation that would overlap a text kept before it or leave the figure; return their texts.

    The texts a figure must show (titles, axes, events, legends, other annotations) are all kept; the optional
    ones (:data:`OPTIONAL_GIDS`) are taken in the order they were drawn, each kept only if it collides with
    nothing kept so far.  So a figure drawn on more weeks than its author saw stays readable: the numbers that
    would sit on others are left out, never moved onto something else.
    """
    renderer = _draw(fig)
    texts = [text for _, text in labelled_texts(fig)]
    kept = [text.get_window_extent(renderer) for text in texts if not _optional(text, prefixes)]
    t, fig_box, dropped = TOLERANCE_PX, fig.bbox, []
    for text in texts:
        if not _optional(text, prefixes):
            continue
        box = text.get_window_extent(renderer)
        outside = box.x0 < fig_box.x0 - t or box.y0 < fig_box.y0 - t or box.x1 > fig_box.x1 + t or box.y1 > fig_box.y1 + t
        if outside or any(_overlap(box, other) for other in kept):
            dropped.append(text.get_text())
            text.remove()
        else:
            kept.append(box)
    return dropped


def figure_problems(fig: Any, name: str | None = None) -> list[str]:
    """Every problem of ``fig`` a reader would see (empty: it passes), each naming the figure and the texts."""
    who = _name(fig, name)
    renderer = _draw(fig)
    problems: list[str] = []
    fig_box = fig.bbox
    texts = labelled_texts(fig)
    boxes = []
    for role, text in texts:
        box = text.get_window_extent(renderer)
        boxes.append(box)
        t = TOLERANCE_PX
        if box.x0 < fig_box.x0 - t or box.y0 < fig_box.y0 - t or box.x1 > fig_box.x1 + t or box.y1 > fig_box.y1 + t:
            problems.append(f"{who}: the {role} {_short(text.get_text())} leaves the figure")
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if _overlap(boxes[i], boxes[j]):
                (role_a, a), (role_b, b) = texts[i], texts[j]
                problems.append(f"{who}: the {role_a} {_short(a.get_text())} overlaps the {role_b} {_short(b.get_text())}")
    # the data area
    spans = sorted((ax.get_position().y0, ax.get_position().y1) for ax in fig.axes if ax.get_visible())
    covered, end = 0.0, -1.0
    for y0, y1 in spans:
        if y1 <= end:
            continue
        covered += y1 - max(y0, end)
        end = y1
    if covered < MIN_AXES_HEIGHT:
        problems.append(f"{who}: the axes cover {covered:.1%} of the figure's height (at least {MIN_AXES_HEIGHT:.0%})")
    # title and subtitle
    title = " ".join(fig._suptitle.get_text().split()) if fig._suptitle is not None else ""
    if len(title) > MAX_TITLE_CHARS:
        problems.append(f"{who}: the title has {len(title)} characters (at most {MAX_TITLE_CHARS}): {_short(title)}")
    for role, text in texts:
        if role == "subtitle":
            lines = text.get_text().count("\n") + 1
            if lines > MAX_SUBTITLE_LINES:
                problems.append(f"{who}: the subtitle takes {lines} lines (at most {MAX_SUBTITLE_LINES}): "
                                f"{_short(text.get_text())}")
    # legends
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    for legend in legends:
        seen: dict[tuple, str] = {}
        for handle, text in zip(legend.legend_handles, legend.get_texts()):
            if handle is None:
                continue
            key = _handle_key(handle)
            if key in seen:
                problems.append(f"{who}: the legend entries {_short(seen[key])} and {_short(text.get_text())} look the same")
            else:
                seen[key] = text.get_text()
    # code ids
    for role, text in texts:
        for match in CODE_ID.finditer(text.get_text()):
            problems.append(f"{who}: the {role} {_short(text.get_text())} shows the code id {match.group(0)!r}")
    return problems
