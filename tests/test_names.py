"""One name per idea: no two public functions or classes of ``helpers`` share a name (issue 23, item 4).

A reader who meets ``judge`` or ``Finding`` in a notebook or a traceback finds one definition. ``main``, the
entry point of each command-line module, is the one name several modules may have.
"""

from __future__ import annotations

import ast
from collections import defaultdict

from tests.conftest import ROOT

#: Names every command-line module defines by convention.
SHARED_BY_CONVENTION = frozenset({"main"})


def public_definitions(folder=ROOT / "src" / "helpers") -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(folder.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                found[node.name].append(path.relative_to(folder).as_posix())
    return found


def test_no_two_public_functions_or_classes_share_a_name():
    shared = {name: where for name, where in public_definitions().items()
              if len(where) > 1 and name not in SHARED_BY_CONVENTION}
    assert shared == {}, shared


def test_the_check_finds_a_shared_name(tmp_path):
    (tmp_path / "a.py").write_text("def judge():\n    pass\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("class judge:\n    pass\n\ndef _private():\n    pass\n", encoding="utf-8")
    assert public_definitions(tmp_path) == {"judge": ["a.py", "b.py"]}
