"""Every text a reader sees that names a thing: brands, series, methods, verdicts, figure wording, in English and Chinese.

One file, ``labels.toml`` beside this module, read once: the figures draw with these
names and the narrative writes with them, so a brand is called the same on a chart and
in a sentence.  A plain helper, below every layer that shows text.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

__all__ = ["LANGUAGES", "LABELS_FILE", "parse_labels", "read_labels", "LABELS", "label", "name_of"]

#: Languages the labels exist in.
LANGUAGES = ("en", "zh")

#: The file :data:`LABELS` is read from, shipped inside the package (``pyproject.toml``'s package data).
LABELS_FILE = "labels.toml"


def parse_labels(text: str) -> dict[str, dict[str, str]]:
    """The labels a TOML text holds: one table per language of :data:`LANGUAGES`, key -> template.

    Keys keep the file's order.  Anything but exactly those tables of strings
    is refused, so a typo in the file fails at import, not in the middle of a figure.

    >>> parse_labels('[en]\\nsource = "Source: {sources}"\\n[zh]\\nsource = "来源:{sources}"\\n')
    {'en': {'source': 'Source: {sources}'}, 'zh': {'source': '来源:{sources}'}}
    >>> parse_labels('[en]\\nn = 3\\n[zh]\\n')
    Traceback (most recent call last):
    ...
    ValueError: label 'n' in [en] is 3, not text (expected a quoted string)
    """
    data = tomllib.loads(text)
    if sorted(data) != sorted(LANGUAGES):
        raise ValueError(f"labels must be one table per language {list(LANGUAGES)}, got {list(data)}")
    labels: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        table = data[lang]
        if not isinstance(table, dict):
            raise ValueError(f"[{lang}] is not a table of labels (expected [{lang}] followed by key = \"text\" lines)")
        for key, value in table.items():
            if not isinstance(value, str):
                raise ValueError(f"label {key!r} in [{lang}] is {value!r}, not text (expected a quoted string)")
        labels[lang] = dict(table)
    return labels


def read_labels() -> dict[str, dict[str, str]]:
    """The labels of :data:`LABELS_FILE`, next to this module (:func:`parse_labels`)."""
    return parse_labels(resources.files("helpers.labels").joinpath(LABELS_FILE).read_text(encoding="utf-8"))


#: Every text a figure shows, in English and Chinese: ``str.format`` templates, read once from
#: ``labels.toml`` beside this module.
LABELS: dict[str, dict[str, str]] = read_labels()


def label(key: str, lang: str, **values: Any) -> str:
    """The text ``key`` in ``lang``, with ``values`` filled in.

    >>> label("verdict_inconsistent", "zh")
    '矛盾'
    >>> label("no_such_key", "en")
    Traceback (most recent call last):
    ...
    KeyError: "no label 'no_such_key' in 'en'"
    """
    try:
        template = LABELS[lang][key]
    except KeyError:
        raise KeyError(f"no label {key!r} in {lang!r}") from None
    return template.format(**values) if values else template


def name_of(kind: str, thing: Any, lang: str = "en") -> str:
    """The plain name of ``thing`` (a brand, series or method id) under the label ``{kind}_{thing}``; its id if none.

    >>> name_of("brand", "tesla_china"), name_of("brand", "tesla_china", "zh"), name_of("brand", "no_such_brand")
    ('Tesla China', '特斯拉中国', 'no_such_brand')
    """
    key = f"{kind}_{thing}"
    return LABELS[lang][key] if key in LABELS[lang] else str(thing)
