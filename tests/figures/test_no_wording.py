"""The figures draw the titles they are given: a static check of every module of ``helpers.figures``.

The words of a title are built in :mod:`helpers.narrative` (issue 22, item 5: "the words have one home"); the
notebook (or :mod:`tests.figures.figure_set`) passes them to the figure function as ``titles`` (language ->
title).  So every call of :func:`helpers.figures.frame.finish` draws ``titles[lang]``, either directly or through a
name assigned only from it, and no function of ``helpers.figures`` is named for wording (title, words, phrase, head)
unless it is listed below with what it is.  The checks read the source (``ast``); nothing is imported or run.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

FIGURES = ROOT / "src" / "helpers" / "figures"

#: Words that name wording: a figures function may not carry them in its name ...
WORDING_NAMES = re.compile(r"(title|words|phrase|head)", re.IGNORECASE)
#: ... unless it is listed here, with what it is.
NAMED_FOR_WORDING = {
    "frame.split_title": "layout: moves a title's later clauses to the subtitle, words nothing",
    "frame.split_subtitle": "layout: moves a subtitle's later sentences to the notes, words nothing",
    "frame.figure_title": "reads the drawn title back (the SVG's metadata), words nothing",
}
#: Figure functions that still word their own titles: a new one fails the check.
WORDS_OWN_TITLE: set[str] = set()


def _modules() -> list[Path]:
    return sorted(FIGURES.glob("*.py"))


def _functions(tree: ast.AST) -> list[ast.FunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _is_given(node: ast.AST) -> bool:
    """``titles[lang]``."""
    return (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "titles"
            and isinstance(node.slice, ast.Name) and node.slice.id == "lang")


def _title_argument_is_given(function: ast.FunctionDef, call: ast.Call) -> bool:
    if len(call.args) < 3:
        return False
    drawn = call.args[2]
    if _is_given(drawn):
        return True
    if not isinstance(drawn, ast.Name):
        return False
    values = [node.value for node in ast.walk(function) if isinstance(node, ast.Assign)
              for target in node.targets if isinstance(target, ast.Name) and target.id == drawn.id]
    return bool(values) and all(_is_given(v) for v in values)


def wording_findings(folder: Path = FIGURES) -> tuple[set[str], set[str]]:
    """(functions named for wording, figure functions whose ``finish`` call draws a title they worded)."""
    named, own = set(), set()
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in _functions(tree):
            where = f"{path.stem}.{function.name}"
            if WORDING_NAMES.search(function.name):
                named.add(where)
            for call in ast.walk(function):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "finish"
                        and not _title_argument_is_given(function, call)):
                    own.add(where)
    return named, own


def test_figures_draw_the_titles_they_are_given():
    named, own = wording_findings()
    assert named - set(NAMED_FOR_WORDING) == set(), "word it in helpers.narrative, or say here why it is not wording"
    assert own - WORDS_OWN_TITLE == set(), "word the title in helpers.narrative and pass it as titles="


@pytest.mark.parametrize("name", sorted(set(NAMED_FOR_WORDING) | WORDS_OWN_TITLE))
def test_every_listed_function_still_exists(name):
    """A function moved to the narrative leaves the list (the list only shrinks)."""
    named, own = wording_findings()
    assert name in named | own


def test_the_check_finds_a_title_worded_in_a_figure(tmp_path):
    (tmp_path / "toy.py").write_text(
        "def _toy_title(x, lang):\n    return label('t', lang)\n\n"
        "def toy_figure(x, lang, *, titles):\n    title = titles[lang]\n    return finish(fig, lang, title, '', '')\n\n"
        "def own_figure(x, lang):\n    title = _toy_title(x, lang)\n    return finish(fig, lang, title, '', '')\n",
        encoding="utf-8")
    assert wording_findings(tmp_path) == ({"toy._toy_title"}, {"toy.own_figure"})
