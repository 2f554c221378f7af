"""The labels file (``src/helpers/labels/labels.toml``): both languages agree, and every key the code asks for is there.

The keys the code asks for are found by reading the source (``ast``), not by
drawing figures: every ``label(...)`` / ``style.label(...)`` call in
``src/helpers`` whose key is a string literal, a conditional between literals,
an f-string (``f"verdict_{verdict}"``: some key must start with ``verdict_``)
or a local name bound to one of those (``key = "..."``, ``for basis, key, color
in (("a", "rr_a", ...), ...)``).  A call whose key cannot be worked out fails
the test too: spell it so that it can be.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path
from typing import Iterator

import pytest

import helpers
from helpers.chinese import has_cjk
from helpers import labels
from helpers.figures import style

PACKAGE = Path(helpers.__file__).resolve().parent

#: Fields only English grammar needs: callers always pass them, the Chinese templates have no use for them
#: (``{n} week{plural}`` / ``{n}周``, ``{n}{suffix}`` / ``排名第{n}``).
ENGLISH_ONLY_FIELDS = frozenset({"plural", "suffix"})


def fields(template: str) -> set[str]:
    """``{placeholder}`` names of a ``str.format`` template.

    >>> sorted(fields("{a} and {b:,} of {a}"))
    ['a', 'b']
    """
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# --------------------------------------------------------------------------- reading the source


def _is_label_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id == "label"
    return isinstance(func, ast.Attribute) and func.attr == "label" and isinstance(func.value, ast.Name) \
        and func.value.id == "style"


def _bindings(name: str, scope: ast.AST) -> Iterator[ast.expr]:
    """Expressions ``name`` is bound to in ``scope``: plain assignments and for-loops over literal tuples."""
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    yield node.value
        elif isinstance(node, ast.For) and isinstance(node.iter, (ast.Tuple, ast.List)):
            if isinstance(node.target, ast.Name) and node.target.id == name:
                yield from node.iter.elts
            elif isinstance(node.target, ast.Tuple):
                where = [i for i, t in enumerate(node.target.elts) if isinstance(t, ast.Name) and t.id == name]
                for item in node.iter.elts:
                    if where and isinstance(item, (ast.Tuple, ast.List)) and len(item.elts) == len(node.target.elts):
                        yield item.elts[where[0]]


def resolve(expr: ast.expr, scope: ast.AST, depth: int = 0) -> list[tuple[str, str]]:
    """What a key expression can be: ``("key", k)``, ``("prefix", p)`` or ``("unresolved", source)``."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [("key", expr.value)]
    if isinstance(expr, ast.IfExp):
        return resolve(expr.body, scope, depth) + resolve(expr.orelse, scope, depth)
    if isinstance(expr, ast.JoinedStr):
        prefix = ""
        for part in expr.values:
            if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                break
            prefix += part.value
        return [("prefix", prefix)] if prefix else [("unresolved", ast.unparse(expr))]
    if isinstance(expr, ast.Name) and depth < 3:
        found = [r for bound in _bindings(expr.id, scope) for r in resolve(bound, scope, depth + 1)]
        if found:
            return found
    return [("unresolved", ast.unparse(expr))]


def keys_asked_for(source: str, where: str = "<source>") -> list[tuple[str, str, str]]:
    """``(kind, value, "file:line")`` for every label key a module's source asks for.

    >>> keys_asked_for('def f(lang, v):\\n    k = "b"\\n    return style.label("a", lang) + style.label(k, lang) + label(f"c_{v}", lang)')
    [('key', 'a', '<source>:3'), ('key', 'b', '<source>:3'), ('prefix', 'c_', '<source>:3')]
    """
    tree = ast.parse(source)
    calls = sorted(((node, scope) for scope in tree.body for node in ast.walk(scope) if _is_label_call(node)),
                   key=lambda pair: (pair[0].lineno, pair[0].col_offset))
    return [(kind, value, f"{where}:{node.lineno}") for node, scope in calls for kind, value in resolve(node.args[0], scope)]


@pytest.fixture(scope="module")
def asked() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += keys_asked_for(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))
    return found


def missing_keys(asked: list[tuple[str, str, str]], labels: dict[str, dict[str, str]]) -> list[str]:
    """Every key (or key prefix) asked for that some language lacks, as ``file:line: [lang] ...`` lines."""
    problems = []
    for kind, value, where in asked:
        for lang, table in labels.items():
            if kind == "key" and value not in table:
                problems.append(f"{where}: [{lang}] has no label {value!r}")
            elif kind == "prefix" and not any(k.startswith(value) for k in table):
                problems.append(f"{where}: [{lang}] has no label starting with {value!r}")
    return problems


# --------------------------------------------------------------------------- the file


def test_labels_are_read_from_the_file_next_to_the_module():
    path = Path(labels.__file__).with_name(labels.LABELS_FILE)
    assert path.is_file()
    assert style.LABELS is labels.LABELS == labels.parse_labels(path.read_text(encoding="utf-8"))
    assert list(style.LABELS) == list(style.LANGUAGES)
    assert len(style.LABELS["en"]) > 100


def test_the_file_ships_in_the_package():
    import tomllib

    pyproject = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["helpers"]
    shipped = {p for pattern in globs for p in PACKAGE.glob(pattern)}
    assert Path(labels.__file__).with_name(labels.LABELS_FILE) in shipped, globs


def test_both_languages_have_the_same_keys_in_the_same_order():
    assert list(style.LABELS["en"]) == list(style.LABELS["zh"])


@pytest.mark.parametrize("key", list(style.LABELS["en"]))
def test_both_languages_have_the_same_placeholders(key):
    en, zh = fields(style.LABELS["en"][key]), fields(style.LABELS["zh"][key])
    assert zh - en == set(), f"{key}: [zh] has {sorted(zh - en)}, [en] does not"
    assert en - zh <= ENGLISH_ONLY_FIELDS, f"{key}: [en] has {sorted(en - zh - ENGLISH_ONLY_FIELDS)}, [zh] does not"


def test_english_only_fields_are_still_used():
    used = set().union(*(fields(t) for t in style.LABELS["en"].values()))
    assert ENGLISH_ONLY_FIELDS <= used, sorted(ENGLISH_ONLY_FIELDS - used)


def test_english_labels_hold_no_chinese():
    chinese = [key for key, template in style.LABELS["en"].items() if has_cjk(template)]
    assert chinese == []


def test_no_event_captions_among_the_labels():
    """Captions of events live with the events (``data/raw/events.csv``), so a new event needs no code edit."""
    assert [key for key in style.LABELS["en"] if key.startswith("event_")] == []


# --------------------------------------------------------------------------- the code's keys


def test_every_key_the_code_asks_for_exists(asked):
    assert missing_keys(asked, style.LABELS) == []


def test_every_key_the_code_asks_for_can_be_worked_out(asked):
    assert [f"{where}: {value}" for kind, value, where in asked if kind == "unresolved"] == []


def test_the_scan_sees_the_figure_modules(asked):
    files = {where.rsplit(":", 1)[0] for _, _, where in asked}
    # style.py asks for none since ordinal moved to the narrative; the titles' labels are asked for there
    assert {"helpers/figures/findings.py", "helpers/figures/what_happened.py", "helpers/figures/frame.py",
            "helpers/narrative/figures.py"} <= files
    assert len({value for kind, value, _ in asked if kind == "key"}) > 100


def test_a_missing_key_is_found():
    source = (
        "def f(lang, verdict):\n"
        "    for basis, key in ((1, 'source'), (2, 'no_such_label')):\n"
        "        style.label(key, lang)\n"
        "    style.label('orders_fell' if verdict else 'orders_gone', lang)\n"
        "    return style.label(f'nothing_like_this_{verdict}', lang)\n"
    )
    assert missing_keys(keys_asked_for(source, "x.py"), style.LABELS) == [
        "x.py:3: [en] has no label 'no_such_label'",
        "x.py:3: [zh] has no label 'no_such_label'",
        "x.py:4: [en] has no label 'orders_gone'",
        "x.py:4: [zh] has no label 'orders_gone'",
        "x.py:5: [en] has no label starting with 'nothing_like_this_'",
        "x.py:5: [zh] has no label starting with 'nothing_like_this_'",
    ]
    assert keys_asked_for("def f(lang, k):\n    return style.label(k, lang)\n") == [("unresolved", "k", "<source>:2")]


def test_a_bad_file_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match=r"one table per language \['en', 'zh'\], got \['en'\]"):
        labels.parse_labels('[en]\nsource = "Source: {sources}"\n')
    with pytest.raises(ValueError, match=r"label 'n' in \[zh\] is 3, not text"):
        labels.parse_labels('[en]\nn = "x"\n[zh]\nn = 3\n')


def test_every_claim_of_the_audit_has_a_plain_name_in_both_languages():
    """The claims figure and the report name each claim as a reader says it, never its id."""
    from helpers.claims.article_rules import CLAIMS

    for lang in style.LANGUAGES:
        missing = [c.claim_id for c in CLAIMS if f"claim_{c.claim_id}" not in labels.LABELS[lang]]
        assert missing == [], (lang, missing)
