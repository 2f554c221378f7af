"""Sources named as a reader knows them: by publisher, not by ``source_id`` (issue 22, item 2).

``sources.csv`` (``data/raw``, copied to ``data/processed/clean``) has a ``publisher`` column written for
analysts: ``"有驾 (yoojia, Baidu; youjia-pc.bdstatic.com)"``, ``"Motorpost Daily (motorpost-daily.com)"``.
:func:`publisher_name` keeps the name a reader would use, :func:`sources_line` lists a figure's sources as
``"CarNewsChina, CnEVPost and 9 more"``; the full list is the report's appendix.

>>> table = pd.DataFrame({"source_id": ["a", "b", "c", "d"],
...                       "publisher": ["CarNewsChina", "CnEVPost", "Motorpost Daily (motorpost-daily.com)",
...                                     "Motorpost Daily"]})
>>> sources_line(["a", "b", "c", "d", "a"], table)
'CarNewsChina, CnEVPost and 1 more'
>>> sources_line(["c", "d"], table)
'Motorpost Daily'
"""

from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from helpers.chinese import has_cjk

#: Words of the line, per language (the data layer sits under the figures' labels).
_WORDS = {
    "en": {"sep": ", ", "and": " and ", "more": "{n} more", "only": "{n} other sources", "only_one": "1 other source"},
    "zh": {"sep": "、", "and": "及另外", "more": "{n}个来源", "only": "另外{n}个来源", "only_one": "另外1个来源"},
}


def publisher_name(publisher: str, lang: str = "en") -> str:
    """The short name of a ``publisher`` cell: the part before any ``" ("`` or ``", "``.

    In English a name in Chinese characters gives way to the first Latin name in its parentheses
    (``"有驾 (yoojia, Baidu; ...)"`` -> ``"yoojia"``) when there is one.

    >>> publisher_name("Motorpost Daily (motorpost-daily.com)")
    'Motorpost Daily'
    >>> publisher_name("有驾 (yoojia, Baidu; youjia-pc.bdstatic.com)"), publisher_name("有驾 (yoojia.com)", "zh")
    ('yoojia', '有驾')
    >>> publisher_name("快科技 (MyDrivers), via ZAKER"), publisher_name("cjcn.com.cn, reprint of 中新经纬")
    ('MyDrivers', 'cjcn.com.cn')
    """
    text = " ".join(str(publisher).split())
    short = re.split(r" \(|, ", text, maxsplit=1)[0].strip()
    if lang == "en" and has_cjk(short):
        inside = re.search(r"\(([^)]*)\)", text)
        if inside:
            for part in re.split(r"[,;/]", inside.group(1)):
                part = part.strip()
                if part and not has_cjk(part) and not part.lower().startswith(("via ", "reprint", "copy", "spun", "来源")):
                    return part
    return short


def publishers(ids: Iterable[str], sources: pd.DataFrame, lang: str = "en") -> tuple[list[str], int]:
    """The distinct publisher names of ``ids`` in first-seen order, and how many ids are not in ``sources``."""
    by_id = dict(zip(sources["source_id"].astype(str), sources["publisher"].astype(str)))
    names: list[str] = []
    unknown: set[str] = set()
    for source_id in ids:
        source_id = str(source_id)
        if source_id not in by_id or not by_id[source_id].strip():
            unknown.add(source_id)
            continue
        name = publisher_name(by_id[source_id], lang)
        if name not in names:
            names.append(name)
    return names, len(unknown)


def sources_line(ids: Iterable[str], sources: pd.DataFrame, lang: str = "en", shown: int = 2) -> str:
    """``"CarNewsChina, CnEVPost and 9 more"``: the first ``shown`` publishers of ``ids``, then how many more.

    Ids missing from ``sources`` count among the more; an empty list gives ``""``.

    >>> table = pd.DataFrame({"source_id": ["a", "b"], "publisher": ["CarNewsChina", "CnEVPost"]})
    >>> sources_line(["a", "b", "x"], table), sources_line(["a", "b"], table), sources_line(["a", "b", "x"], table, "zh")
    ('CarNewsChina, CnEVPost and 1 more', 'CarNewsChina and CnEVPost', 'CarNewsChina、CnEVPost及另外1个来源')
    >>> sources_line(["x"], table), sources_line(["x", "y"], table)
    ('1 other source', '2 other sources')
    """
    words = _WORDS[lang]
    names, unknown = publishers(ids, sources, lang)
    head, rest = names[:shown], len(names[shown:]) + unknown
    if not head:
        return words["only_one" if rest == 1 else "only"].format(n=rest) if rest else ""
    if rest:
        return words["sep"].join(head) + words["and"] + words["more"].format(n=rest)
    if len(head) == 1:
        return head[0]
    return words["sep"].join(head[:-1]) + (words["and"] if lang == "en" else "和") + head[-1]
