"""The models return numbers, not sentences: a static check of every module of ``helpers.models``.

The words a reader sees are built in :mod:`helpers.narrative` (templates in
``helpers/labels/labels.toml`` and ``helpers/narrative/report_labels.toml``).  A model
may hold text that is data (an id, an ISO week, a formula beside its number, the reason an
input is refused) but no sentence: no function named for prose, no label lookup, no
``conclusion``/``sentence``/``title`` entry in what it returns, and no function whose
text result is built from f-strings of words unless it is listed below with what it is.
The checks read the source (``ast``); nothing is imported or run.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

MODELS = ROOT / "src" / "helpers" / "models"

#: Words that name prose: a models function may not carry them in its name.
PROSE_NAMES = re.compile(r"(sentence|phrase|words|paragraph|title|caption|describe|prose|narrative)", re.IGNORECASE)
#: Keys of a dict a model returns that would hold a sentence.
PROSE_KEYS = {"conclusion", "sentence", "sentences", "title", "subtitle", "phrase", "paragraph", "caption", "words"}
#: Modules whose import means a model is wording text.
WORDING_MODULES = ("helpers.labels", "helpers.narrative", "helpers.figures")
#: Calls that look a template up.
LABEL_CALLS = {"label", "name_of"}
#: Two words in a row inside an f-string: text for a reader, not an id or a number.
WORDS = re.compile(r"[A-Za-z]+ +[A-Za-z]+")

#: The functions of ``helpers.models`` that return text built from f-strings of words, and what that text is.
#: A new one fails the check: build the sentence in ``helpers.narrative`` instead, or say here why it is data.
TEXT_VALUES = {
    "market_share._overlap_problem": "the reason a brand set is refused (raised or reported, not shown as prose)",
    "run_rate.clearance": "the clears_in column of scenarios.csv: an ISO week or the horizon rule's words",
    "run_rate.run_rate_summary": "its readings' 'conclusion' entries are passed in, worded by "
                                 "helpers.narrative.run_rate.conclusion_sentences: the model words none",
    "run_rate._range_end": "an end of clearance_ranges.csv's span, by the horizon rule",
    "trend.vintage_problem": "the reason a vintage window gets no fit (a column of the vintages table)",
}


def _modules() -> list[Path]:
    return sorted(MODELS.glob("*.py"))


def _functions(tree: ast.AST) -> list[ast.FunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _is_prose(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) and any(
        isinstance(part, ast.Constant) and isinstance(part.value, str) and WORDS.search(part.value)
        for part in node.values)


def _in_errors(function: ast.FunctionDef) -> set[int]:
    """Nodes inside a ``raise`` or a warning: messages to a developer, not text for a reader."""
    inside: set[int] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Raise) or (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("warn")):
            inside |= {id(child) for child in ast.walk(node)}
    return inside


def _returns_text(function: ast.FunctionDef) -> bool:
    annotation = ast.unparse(function.returns) if function.returns else ""
    returned = any(isinstance(node, ast.Return) and node.value is not None and any(map(_is_prose, ast.walk(node.value)))
                   for node in ast.walk(function))
    return returned or annotation.startswith(("str", "list[str]", "tuple[str"))


def _prose_keys(function: ast.FunctionDef) -> list[str]:
    keys = []
    for node in ast.walk(function):
        if isinstance(node, ast.Dict):
            keys += [k.value for k in node.keys if isinstance(k, ast.Constant) and k.value in PROSE_KEYS]
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Constant):
            if node.slice.value in PROSE_KEYS:
                keys.append(node.slice.value)
    return keys


def text_builders(source: str, module: str) -> dict[str, str]:
    """Every function of one models module that builds text for a reader, with why it is flagged."""
    found: dict[str, str] = {}
    for function in _functions(ast.parse(source)):
        name = f"{module}.{function.name}"
        if PROSE_NAMES.search(function.name):
            found[name] = "named for prose"
        errors = _in_errors(function)
        worded = [n for n in ast.walk(function) if _is_prose(n) and id(n) not in errors]
        if worded and _returns_text(function):
            found.setdefault(name, f"returns text built from {len(worded)} f-string(s) of words")
        keys = _prose_keys(function)
        if keys:
            found.setdefault(name, f"returns a {keys[0]!r} entry")
        calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)
                 and (getattr(n.func, "id", None) in LABEL_CALLS or getattr(n.func, "attr", None) in LABEL_CALLS)]
        if calls:
            found[name] = f"looks a label up ({ast.unparse(calls[0].func)})"
    return found


def test_the_check_sees_a_sentence_built_in_a_model():
    source = '''
def clearance_phrase(row) -> str:
    return f"clears after {row['weeks']} weeks"

def _conclusion(rows):
    sentence = f"at the sales run-rate {rows}"
    return {"trend": "shrinks", "conclusion": sentence}

def share_head(c, lang):
    return style.label("mkt_title", lang, first=c.first)

def weekly_id(rows) -> str:
    return f"weekly_sales:{rows[0]}..{rows[-1]}"

def refuse(x) -> float:
    raise ValueError(f"the value {x} is not a rate")
'''
    found = text_builders(source, "example")
    assert set(found) == {"example.clearance_phrase", "example._conclusion", "example.share_head"}
    assert found["example._conclusion"] == "returns a 'conclusion' entry"
    assert found["example.share_head"].startswith("looks a label up")


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.stem)
def test_a_models_module_imports_nothing_that_words_text(path):
    imported = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
    wording = [name for name in imported if name.startswith(WORDING_MODULES)]
    assert not wording, f"helpers.models.{path.stem} imports {wording}: the words belong in helpers.narrative"


def test_no_models_function_builds_a_sentence():
    found: dict[str, str] = {}
    for path in _modules():
        found.update(text_builders(path.read_text(encoding="utf-8"), path.stem))
    new = {name: why for name, why in found.items() if name not in TEXT_VALUES}
    assert not new, ("these helpers.models functions build text for a reader; return the numbers and word them in "
                     f"helpers.narrative (or list them in TEXT_VALUES with what the text is): {new}")
    stale = sorted(set(TEXT_VALUES) - set(found))
    assert not stale, f"TEXT_VALUES lists functions that no longer build text (take them off): {stale}"
