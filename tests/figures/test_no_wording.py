"""The figures draw the words they are given: a static check of every module of ``helpers.figures``.

The words of a title, and of a subtitle built from results, are built in :mod:`helpers.narrative` (issue 22, item 5:
"the words have one home"); the notebook (or :mod:`tests.figures.figure_set`) passes them to the figure function
(``titles``, language -> title; ``subtitles``, ``heads``, ``verdicts``, ...).  So every call of
:func:`helpers.figures.frame.finish` draws ``titles[lang]``, either directly or through a name assigned only from it,
and no function of ``helpers.figures`` words text unless it is listed below with what its text is.  A function words
text when it is named for wording (title, words, phrase, head), when it holds an f-string of words (a letter beside a
space, or a Chinese character) outside an error message, or, for a function other than a figure function, when what it
returns is a label template filled with values, a join of texts, or a string of words.  A figure function may still
fill a label template with a number (an axis, a legend entry, a note): fixed words around a value.  The checks read the
source (``ast``); nothing is imported or run.
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
#: Text for a reader: a letter beside a space (``" week"``, ``"p = "``), or a Chinese character (``"周"``).  Ids, label
#: keys and gids (``"bt_vs_"``, ``"score:"``) and numbers (``"%"``) have neither.
WORDS = re.compile(r"[A-Za-z] | [A-Za-z]|[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
#: ... and, with what its text is, the functions of ``helpers.figures`` that the check finds wording text though they
#: word no finding.  A new one fails the check: word it in ``helpers.narrative`` and pass it in, or say here what it is.
TEXT_VALUES = {
    "frame.split_title": "layout: moves a title's later clauses to the subtitle, words nothing",
    "frame.split_subtitle": "layout: moves a subtitle's later sentences to the notes, words nothing",
    "frame.figure_title": "reads the drawn title back (the SVG's metadata), words nothing",
    "frame.sources_text": "the footer's sources: the article's paragraphs and the publishers of the sources table",
    "backtest._footer": "the footer: the sources and the week the actuals run to (labels.toml's footer template)",
    "findings._where": "the claims figure's column of where each claim's figures are printed (paragraphs, sources)",
    "style.format_quarter": "a quarter as a date label (2025 Q1, 2025年第一季度), as helpers.formatting words months",
    "what_happened._month_tick": "a month as a two-line tick (Oct / 2025, 10月 / 2025年)",
    "check.labelled_texts": "the role of each text on a figure (title, x tick label, ...), for the figure checks",
    "check.figure_problems": "the figure checks' report of what a reader would see wrong, for a developer",
    "cjk_font.font_face_css": "CSS: the @font-face rule of the embedded Chinese font",
    "cjk_font._unicode_range": "CSS: the unicode-range value of the embedded Chinese font, from helpers.chinese.CJK_RANGES",
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


def _outside_errors(function: ast.FunctionDef) -> list[ast.AST]:
    """The nodes of ``function`` outside a ``raise`` or a warning (messages to a developer, not text for a reader)."""
    inside: set[int] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Raise) or (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("warn")):
            inside |= {id(child) for child in ast.walk(node)}
    return [node for node in ast.walk(function) if id(node) not in inside]


def _has_words(node: ast.AST) -> bool:
    """A string of words, or an f-string whose fixed parts hold words."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(WORDS.search(node.value))
    return isinstance(node, ast.JoinedStr) and any(
        isinstance(part, ast.Constant) and isinstance(part.value, str) and WORDS.search(part.value)
        for part in node.values)


def _returned(function: ast.FunctionDef) -> list[ast.AST]:
    """What ``function`` returns: each returned expression, and what a name it returns was assigned."""
    values = [node.value for node in ast.walk(function) if isinstance(node, ast.Return) and node.value is not None]
    names = {value.id for value in values if isinstance(value, ast.Name)}
    values += [node.value for node in ast.walk(function) if isinstance(node, ast.Assign)
               for target in node.targets if isinstance(target, ast.Name) and target.id in names]
    return values


def _assembles_text(value: ast.AST) -> str | None:
    """Why ``value`` is text put together for a reader, or ``None``."""
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "label" \
                and node.keywords:
            return "fills a label template with values"
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "join":
            return "joins texts"
        if _has_words(node):
            return "returns words"
    return None


def _calls_finish(function: ast.FunctionDef) -> bool:
    return any(isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "finish"
               for call in ast.walk(function))


def wording_findings(folder: Path = FIGURES) -> tuple[dict[str, str], set[str]]:
    """(functions that word text, with why; figure functions whose ``finish`` call draws a title they worded)."""
    worded: dict[str, str] = {}
    own: set[str] = set()
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in _functions(tree):
            where = f"{path.stem}.{function.name}"
            if WORDING_NAMES.search(function.name):
                worded[where] = "named for wording"
            elif any(isinstance(node, ast.JoinedStr) and _has_words(node) for node in _outside_errors(function)):
                worded[where] = "holds an f-string of words"
            elif not _calls_finish(function):
                why = next((w for value in _returned(function) for w in [_assembles_text(value)] if w), None)
                if why:
                    worded[where] = why
            for call in ast.walk(function):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "finish"
                        and not _title_argument_is_given(function, call)):
                    own.add(where)
    return worded, own


def test_figures_draw_the_words_they_are_given():
    worded, own = wording_findings()
    new = {name: why for name, why in worded.items() if name not in TEXT_VALUES}
    assert not new, f"word it in helpers.narrative and pass it in, or say in TEXT_VALUES what the text is: {new}"
    assert own - WORDS_OWN_TITLE == set(), "word the title in helpers.narrative and pass it as titles="


@pytest.mark.parametrize("name", sorted(set(TEXT_VALUES) | WORDS_OWN_TITLE))
def test_every_listed_function_still_exists(name):
    """A function moved to the narrative leaves the list (the list only shrinks)."""
    worded, own = wording_findings()
    assert name in set(worded) | own


def test_the_check_finds_a_title_worded_in_a_figure(tmp_path):
    (tmp_path / "toy.py").write_text(
        "def _toy_title(x, lang):\n    return label('t', lang)\n\n"
        "def toy_figure(x, lang, *, titles):\n    title = titles[lang]\n    return finish(fig, lang, title, '', '')\n\n"
        "def own_figure(x, lang):\n    title = _toy_title(x, lang)\n    return finish(fig, lang, title, '', '')\n",
        encoding="utf-8")
    assert wording_findings(tmp_path) == ({"toy._toy_title": "named for wording"}, {"toy.own_figure"})


def test_the_check_finds_subtitle_words_put_together_in_a_figure_module(tmp_path):
    """The helpers the backtest, orders and market-share subtitles were worded with before they moved, in small."""
    (tmp_path / "toy.py").write_text('''
def _p_text(p, lang):
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"

def _verdicts_text(rows, lang):
    return style.label("bt_dm_text", lang, items=", ".join(rows))

def _weeks(n, lang):
    return f"{n}周" if lang == "zh" else f"{n} week"

def _set_names(names, lang):
    joined = " + ".join(names)
    return joined

def toy_figure(x, lang, *, titles, subtitles):
    notes = [subtitles[lang], f"{len(x)} more weeks"]
    return finish(fig, lang, titles[lang], " ".join(notes), "")

def _method_name(method, lang):
    key = f"bt_method_{method}"
    return style.label(key, lang) if key in style.LABELS[lang] else method

def _percent(value):
    return f"{value:.1f}%"

def _gid(series, method):
    return f"score:{series}:{method}"

def _checked(value):
    if value < 0:
        raise ValueError(f"the value {value} is below zero")
    return value
''', encoding="utf-8")
    worded, own = wording_findings(tmp_path)
    assert worded == {"toy._p_text": "holds an f-string of words", "toy._weeks": "holds an f-string of words",
                      "toy._verdicts_text": "fills a label template with values", "toy._set_names": "joins texts",
                      "toy.toy_figure": "holds an f-string of words"}
    assert own == set()
