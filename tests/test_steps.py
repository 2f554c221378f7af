"""The step registry (:mod:`helpers.steps`): each step declared once, everything else derived from it.

Fast tests: the graph's ``after`` comes from ``reads`` (a hand-built table, hand-worked answers), every
step has its report page and its summary parts (and the report reads them), the catalogue's folders and
the runner's graph are the registry's, and a notebook may only read the tables of the steps it declares
(a *static* check of its ``catalog.read`` / ``read_clean`` / ``read_ingested`` / ``assemble_summary``
calls, not an audit hook).  The slow test adds a throwaway step to a copy of the project (one registry
row plus its notebook) and sees it run, reported, in ``summary.json`` and among the Dagster assets.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import catalog, steps
from helpers.pipeline import graph
from helpers.report import html, summary
from helpers.steps import RAW, StepSpec
from tests.conftest import ROOT

#: A hand-built registry: a <- raw; b <- a; c <- a, b; d <- c, a; e <- b (no folder, figures only).
TOY = (
    StepSpec("a", "fa", reads=(RAW,)),
    StepSpec("b", "fb", reads=("a",), summary=(("bee", None),)),
    StepSpec("c", "fc", reads=("a", "b"), figures=("0[1-2]_",), summary=(("sea", "inner"), ("sea2", None))),
    StepSpec("d", "fd", reads=("c", "a"), extra_reads=("config/x.csv",)),
    StepSpec("e", None, reads=("b",), figures=("07_",)),
)


def test_after_is_what_a_step_reads_less_what_those_already_wait_for():
    # worked by hand from TOY: c reads a and b, but b already waits for a; d reads c and a, c waits for a
    assert [steps.after(s.name, TOY) for s in TOY] == [(), ("a",), ("b",), ("c",), ("b",)]


def test_reads_and_writes_are_the_named_steps_outputs():
    assert TOY[2].writes == ("data/processed/fc", "reports/figures/0[1-2]_*", "reports/figures/zh/0[1-2]_*")
    assert TOY[4].writes == ("reports/figures/07_*", "reports/figures/zh/07_*")
    assert steps.step_reads(TOY[0], TOY) == ("data/raw",)
    # reading a step reads its folder (not its figures); a step without a folder is read through its figures
    assert steps.step_reads(TOY[3], TOY) == ("data/processed/fc", "data/processed/fa", "config/x.csv")
    assert steps.step_reads(StepSpec("f", None, reads=("e",)), (*TOY,)) == ("reports/figures/07_*",
                                                                            "reports/figures/zh/07_*")
    assert steps.summary_parts(TOY) == (("bee", "b", None), ("sea", "c", "inner"), ("sea2", "c", None))


def test_the_graph_is_the_registry():
    assert [s.name for s in graph.STEPS] == [s.name for s in steps.STEPS]
    for step, spec in zip(graph.STEPS, steps.STEPS):
        assert step.writes == spec.writes
        assert step.reads == steps.step_reads(spec)
        named = {r for r in spec.reads if r in steps.by_name()}
        assert set(step.after) <= named, step.name
        # waiting for `after` (transitively) is waiting for everything the step reads
        reach, todo = set(), list(step.after)
        while todo:
            name = todo.pop()
            if name not in reach:
                reach.add(name)
                todo.extend(graph.STEPS_BY_NAME[name].after)
        assert named <= reach, step.name
    order = [s.name for s in steps.STEPS]  # the registry lists steps in an order they can run
    assert all(order.index(a) < order.index(s.name) for s in graph.STEPS for a in s.after)


def test_every_step_has_its_notebook_and_a_report_page(tmp_path):
    for spec in steps.STEPS:
        assert (ROOT / spec.notebook).is_file(), spec.notebook
    # every executed notebook of the registry is a page, in the registry's order; one outside it is not
    executed = {"cells": [{"cell_type": "code", "source": "1", "outputs": [{"output_type": "stream", "text": "1"}]}]}
    for name in [s.name for s in steps.STEPS] + ["99_not_a_step"]:
        (tmp_path / f"{name}.ipynb").write_text(json.dumps(executed), encoding="utf-8")
    assert [p.stem for p in html.executed_notebooks(tmp_path)] == [s.name for s in steps.STEPS]


def test_a_step_numbered_10_gets_its_page(tmp_path, monkeypatch):
    monkeypatch.setattr(steps, "STEPS", (*steps.STEPS, StepSpec("10_later_still", None, reads=("02_clean",))))
    executed = {"cells": [{"cell_type": "code", "source": "1", "outputs": [{"output_type": "stream", "text": "1"}]}]}
    for name in ("09_backtest", "10_later_still"):
        (tmp_path / f"{name}.ipynb").write_text(json.dumps(executed), encoding="utf-8")
    assert [p.stem for p in html.executed_notebooks(tmp_path)] == ["09_backtest", "10_later_still"]


def test_figure_files_are_numbered_by_the_notebook_that_draws_them():
    """Issue 23: the figures of 06_figures were 01_..05_ and those of 07_what_happened 06_: a reader looking
    for the notebook behind reports/figures/06_x.png now opens notebooks/06_*.ipynb."""
    for spec in steps.STEPS:
        assert spec.figures in ((), (spec.name[:3],)), spec.name
    drawn = {p.stem[:3] for p in (ROOT / "reports/figures").glob("*.png")}
    assert drawn <= {spec.name[:3] for spec in steps.STEPS if spec.figures}


def test_a_steps_folder_is_named_by_its_notebook():
    """Issue 23: notebook 07 wrote data/processed/later and its summary part was "later" while its model,
    narrative and figures modules said what_happened; a step's folder (and so its catalogue tables and summary
    part) now opens with the words of its notebook's name."""
    for spec in steps.STEPS:
        assert spec.folder is None or spec.name[3:].startswith(spec.folder), (spec.name, spec.folder)
    assert steps.by_name()["07_what_happened"].folder == "what_happened"


def test_every_summary_part_is_a_steps_and_the_report_reads_it():
    parts = {(key, step, inner) for key, step, inner in summary.PARTS}
    for spec in steps.STEPS:
        for key, inner in spec.summary:
            assert (key, spec.name, inner) in parts
            assert spec.folder is not None, f"{spec.name} has a summary part but no folder"
            rel = catalog.summary_path(spec.name, ".").as_posix().removeprefix("./")
            assert any(rel == r or rel.startswith(f"{r}/") or fnmatch.fnmatch(rel, r) for r in graph.REPORT_READS), rel
    assert len({key for key, _, _ in summary.PARTS}) == len(summary.PARTS)
    assert {step for _, step, _ in summary.PARTS} <= set(steps.by_name())


def test_the_summary_parts_read_from_tables_are_in_what_the_report_reads():
    for key, rel in summary.TABLE_PARTS:
        assert any(rel.as_posix().startswith(f"{r}/") for r in graph.REPORT_READS), key


def test_a_step_that_writes_a_summary_declares_its_parts():
    # holds for any valid data: a step's summary.json is read into summary.json only through its parts
    for spec in steps.STEPS:
        if spec.folder and (ROOT / "data/processed" / spec.folder / "summary.json").is_file():
            assert spec.summary, f"{spec.name} writes a summary.json that no summary part reads"


def test_the_report_reads_every_steps_notebook_and_outputs():
    for spec in steps.STEPS:
        assert spec.notebook in graph.REPORT_READS
        assert set(spec.writes) <= set(graph.REPORT_READS)


def test_the_catalogue_folders_are_the_registrys():
    assert catalog.STEP_FOLDERS == {s.name: s.folder for s in steps.STEPS if s.folder}
    # a table names its folder only; the step that writes it is the registry's (issue 23: it was said twice)
    folders = {s.folder for s in steps.STEPS if s.folder}
    for table in catalog.TABLES:
        assert table.folder in folders, table.name
    assert catalog.entry("what_happened.scorecard").step == "07_what_happened"
    assert catalog.entry("clean.weekly_sales").step == "02_clean"


# --- a notebook reads only what its step declares (static check) ---------------------------------------------

#: Which step's folder a reader function reads from.
READER_STEP = {"read_clean": "02_clean", "read_ingested": "01_ingest"}


def tables_read(source: str) -> set[str]:
    """The steps whose outputs the code ``source`` reads through the catalogue's readers (by name).

    >>> sorted(tables_read('read_clean("x")\\ncatalog.read("trend.forecasts")\\nassemble_summary(keys=("claims",))'))
    ['02_clean', '03_trend', '05_claims']
    """
    found: set[str] = set()
    parts = {key: step for key, step, _ in summary.PARTS}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        first = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
        if name in READER_STEP:
            found.add(READER_STEP[name])
        elif name in ("read", "path", "entry") and isinstance(first, str) and first in catalog.TABLES_BY_NAME:
            found.add(catalog.entry(first).step)
        elif name in ("summary_path", "step_folder") and isinstance(first, str):
            found.add(first)
        elif name == "assemble_summary":
            for kw in node.keywords:
                if kw.arg == "keys":
                    found.update(parts[k] for k in ast.literal_eval(kw.value) if k in parts)
    return found


def notebook_code(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
             for c in nb["cells"] if c["cell_type"] == "code"]
    return "\n".join(ln for ln in "\n".join(cells).splitlines() if not ln.lstrip().startswith(("%", "!")))


@pytest.mark.parametrize("spec", steps.STEPS, ids=lambda s: s.name)
def test_a_notebook_reads_only_the_steps_it_declares(spec):
    read = tables_read(notebook_code(ROOT / spec.notebook)) - {spec.name}
    undeclared = read - set(spec.reads)
    assert not undeclared, f"{spec.notebook} reads the outputs of {sorted(undeclared)}, not in its reads"


def test_the_static_check_catches_an_undeclared_read():
    source = 'from helpers import catalog\nx = catalog.read("trend.trend_fits")\n'
    assert tables_read(source) - set(steps.by_name()["09_backtest"].reads) == {"03_trend"}


# --- adding a step: one registry row plus its notebook (slow) -----------------------------------------------

NEW_STEP = "10_throwaway"
NEW_ROW = (f'\nSTEPS = (*STEPS, StepSpec("{NEW_STEP}", "throwaway", reads=("02_clean",), '
           'summary=(("throwaway", None),)))\n')
NEW_NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "id": "title", "metadata": {}, "source": "# 10 A throwaway step\n"},
        {"cell_type": "code", "execution_count": None, "id": "work", "metadata": {}, "outputs": [],
         "source": ("import json\n"
                    "from helpers import catalog\n"
                    "from helpers.data.clean import read_clean\n"
                    "weeks = read_clean('weekly_sales')\n"
                    "folder = catalog.step_folder('10_throwaway')\n"
                    "folder.mkdir(parents=True, exist_ok=True)\n"
                    "(folder / 'summary.json').write_text(json.dumps({'rows': len(weeks)}))\n"
                    "print('rows', len(weeks))\n")},
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                 "language_info": {"name": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


@pytest.mark.slow
def test_a_new_step_is_one_registry_row_plus_its_notebook(tmp_path):
    from tests.pipeline.support import fresh_copy, pipeline_run, write_notebook

    root = fresh_copy(tmp_path / "project")
    with open(root / "src/helpers/steps.py", "a", encoding="utf-8") as handle:
        handle.write(NEW_ROW)
    write_notebook(root / "notebooks" / f"{NEW_STEP}.ipynb", NEW_NOTEBOOK)
    command, env = pipeline_run(root, NEW_STEP, "--downstream")
    env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(root / "src"), env.get("PYTHONPATH")]))}
    run = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    # it ran, with its input, into the folder the registry gave it
    rows = len((root / "data/processed/clean/weekly_sales.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert json.loads((root / "data/processed/throwaway/summary.json").read_text(encoding="utf-8")) == {"rows": rows}
    # reported: its page, a link to it from the index, its summary part
    assert (root / "reports/html" / f"{NEW_STEP}.html").is_file()
    assert f"{NEW_STEP}.html" in (root / "reports/html/index.html").read_text(encoding="utf-8")
    assert json.loads((root / "reports/summary.json").read_text(encoding="utf-8"))["throwaway"] == {"rows": rows}
    # in the graph and among the Dagster assets, after the step it reads
    probe = ("import json; from helpers.pipeline.graph import STEPS_BY_NAME as S; "
             "from helpers.orchestration import build_defs; from pathlib import Path; "
             f"g = build_defs(Path({str(root)!r})).resolve_asset_graph(); import dagster as dg; "
             f"print(json.dumps([list(S[{NEW_STEP!r}].after), "
             f"sorted(k.to_user_string() for k in g.get(dg.AssetKey({NEW_STEP!r})).parent_keys)]))")
    shown = subprocess.run([sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0, shown.stderr[-3000:]
    assert json.loads(shown.stdout.strip().splitlines()[-1]) == [["02_clean"], ["02_clean"]]
