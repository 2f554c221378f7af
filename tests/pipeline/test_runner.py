"""The runner: what it reruns and why, failure and interruption, parameters.

The slow tests run the real pipeline on a temporary copy of the project
(``$SU7_PROJECT_ROOT`` points the helpers and the kernels at the copy).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest

from helpers.pipeline.graph import (
    STEPS,
    _helpers_imported,
    declared_defaults,
    helper_closure,
    module_file,
    notebook_imports,
    notebook_source_digest,
    read_notebook,
    why_rerun,
)
from helpers.pipeline.journal import Journal
from helpers.pipeline.runner import Selection, parameters_by_step, parse_assignment, resolve_step_names, start_order
from tests.conftest import ROOT
from tests.pipeline.support import run_pipeline, snapshot, write_notebook

HELPERS = ROOT / "src" / "helpers"


def test_every_step_has_its_notebook_and_the_numbers_are_a_valid_order():
    order = [s.name for s in STEPS]  # the order a run takes them in
    numbered = sorted(order)  # reading the notebooks by number never meets an input before the step that makes it
    for step in STEPS:
        assert (ROOT / step.notebook).is_file(), step.notebook
        assert all(a in numbered[: numbered.index(step.name)] for a in step.after), step.name
        assert all(a in order[: order.index(step.name)] for a in step.after), step.name


def test_every_notebook_is_in_the_graph():
    on_disk = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert on_disk == {s.name for s in STEPS}


def test_helper_closure_follows_imports_transitively():
    files = {p.relative_to(HELPERS).as_posix() for p in helper_closure({"data.clean"}, HELPERS)}
    assert {"__init__.py", "data/__init__.py", "data/clean.py", "data/weeks.py", "data/numbers.py", "atomic.py",
            "data/ingest.py", "data/raw.py", "data/raw_schema.py", "paths.py"} <= files
    assert not any(f.startswith(("pipeline/", "models/", "figures/")) for f in files)


def test_helper_closure_counts_the_data_files_a_module_reads():
    files = {p.relative_to(HELPERS).as_posix() for p in helper_closure({"figures.what_happened"}, HELPERS)}
    assert {"figures/style.py", "labels/__init__.py", "labels/labels.toml"} <= files


def test_no_analysis_module_imports_the_runner():
    """Dependencies run one way: the runner may import the analysis, never the reverse; the Dagster
    code location (orchestration/) may import both, and nothing imports it."""
    above = {"pipeline": ("pipeline", "orchestration"), "orchestration": ("orchestration",)}
    for path in sorted(HELPERS.rglob("*.py")):
        rel = path.relative_to(HELPERS).as_posix()
        imported = {n for n in _helpers_imported(ast.parse(path.read_text(encoding="utf-8")))}
        for layer, allowed_in in above.items():
            if rel.startswith(tuple(f"{a}/" for a in allowed_in)):
                continue
            assert not any(n == layer or n.startswith(f"{layer}.") for n in imported), f"{rel} imports helpers.{layer}"


def test_ingest_notebook_depends_on_ingest_helpers_and_its_sentences_only():
    modules = notebook_imports(read_notebook(ROOT / "notebooks" / "01_ingest.ipynb"))
    assert sorted(n for n in modules if module_file(n, HELPERS)) == ["data.ingest", "narrative", "narrative.ingest"]


def test_source_digest_ignores_outputs_and_injected_cells():
    nb = read_notebook(ROOT / "notebooks" / "02_clean.ipynb")
    before = notebook_source_digest(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
    nb["cells"].insert(0, {"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "source": "x = 2"})
    assert notebook_source_digest(nb) == before
    nb["cells"][1]["source"] = "changed"
    assert notebook_source_digest(nb) != before


def test_why_rerun_names_what_changed():
    old = {"inputs": {"notebook": "1", "parameters": "p", "helpers": "h", "inputs": "i"}, "outputs": "o"}
    assert why_rerun(old, dict(old["inputs"]), "o") is None
    assert why_rerun(old, {**old["inputs"], "inputs": "j"}, "o") == "inputs changed"
    assert why_rerun(old, dict(old["inputs"]), "p") == "outputs differ from the last good run"


def test_parameters_go_only_to_notebooks_that_declare_them():
    split = parameters_by_step(ROOT, {"horizon": 8})
    declaring = {n for n, p in split.items() if "horizon" in p}
    assert declaring and all("horizon" in declared_defaults(read_notebook(ROOT / f"notebooks/{n}.ipynb")) for n in declaring)
    assert split["01_ingest"] == {}
    with pytest.raises(ValueError, match="horizn: unknown parameter"):
        parameters_by_step(ROOT, {"horizn": 8})


@pytest.mark.parametrize("text", ["horizon", "=3", "two words=1"])
def test_bad_assignments_are_refused(text):
    with pytest.raises(ValueError, match="name=value"):
        parse_assignment(text)


def test_a_step_is_named_by_its_whole_name_its_number_or_its_words():
    assert resolve_step_names(["03_trend", "03", "trend"]) == ["03_trend"]
    assert resolve_step_names(["run_rate", "09"]) == ["04_run_rate", "09_backtest"]
    with pytest.raises(ValueError, match=r"no step 'tren' \(expected one of: 01_ingest, "):
        resolve_step_names(["tren"])


def test_a_requested_step_brings_the_steps_it_needs_and_those_after_it_only_with_downstream():
    assert Selection(("03_trend",)).steps == {"01_ingest", "02_clean", "03_trend"}
    assert Selection(("03_trend",), downstream=True).steps == {"01_ingest", "02_clean", "03_trend", "06_figures"}
    assert Selection(("05_claims",), downstream=True).steps >= {"06_figures", "07_what_happened"}
    assert Selection().steps == {s.name for s in STEPS} and Selection().report
    assert not Selection(("03_trend",)).report and Selection(("03_trend",), downstream=True).report
    by_name = {s.name: s for s in STEPS}
    for step in STEPS:
        chosen = Selection((step.name,)).steps
        assert all(set(by_name[n].after) <= chosen for n in chosen), f"{step.name}: a chosen step misses what it needs"
        after = Selection((step.name,), downstream=True).steps - chosen
        assert all(step.name in Selection((n,)).steps for n in after), f"{step.name}: {after} do not need it"
        assert all(n in after for n in by_name if step.name in by_name[n].after), f"{step.name}: a step after it is missing"


def test_of_the_steps_ready_together_the_one_more_steps_wait_on_starts_first():
    order = [s.name for s in start_order()]
    # after 02_clean, four steps are ready at once: 07 and 08 wait on 05_claims (and 06 on all three), nothing on 09
    assert order.index("05_claims") < min(order.index(n) for n in ("03_trend", "04_run_rate", "09_backtest"))
    assert order.index("09_backtest") > order.index("07_what_happened")
    # it is still an order the steps can run in, and it holds every step once
    assert sorted(order) == sorted(s.name for s in STEPS)
    for step in STEPS:
        assert all(order.index(a) < order.index(step.name) for a in step.after), step.name


def test_journal_restores_files_and_folders(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.csv").write_text("good")
    (tmp_path / "nb.ipynb").write_text("good nb")
    journal = Journal(tmp_path, tmp_path / ".journal")
    journal.protect(["out", "nb.ipynb", "new.json"])
    (tmp_path / "out" / "a.csv").write_text("half")
    (tmp_path / "out" / "b.csv").write_text("extra")
    (tmp_path / "nb.ipynb").unlink()
    (tmp_path / "new.json").write_text("{}")
    # a fresh Journal object, as after a kill: it reads the manifest from disk
    restored = Journal(tmp_path, tmp_path / ".journal").restore()
    assert restored == ["nb.ipynb", "new.json", "out"]
    assert (tmp_path / "out" / "a.csv").read_text() == "good"
    assert not (tmp_path / "out" / "b.csv").exists()
    assert (tmp_path / "nb.ipynb").read_text() == "good nb"
    assert not (tmp_path / "new.json").exists()
    assert not (tmp_path / ".journal").exists()


# ---------------------------------------------------------------------------
# Slow: the real runner on a copy of the project
#
# ``pipeline_template`` (tests/pipeline/conftest.py) is a forced run on a fresh
# copy, then a plain run, shared by the session; ``ran_copy`` is a test's own copy of it, runner state included;
# ``project_copy`` a fresh copy of the checkout.  Heaviest first: pytest-xdist
# hands them out in this order.
# ---------------------------------------------------------------------------

@pytest.mark.slow
def test_forced_rerun_is_byte_identical_and_second_run_skips_everything(pipeline_template):
    """Reads the session's shared run: ``run --force`` on a fresh copy, then a plain ``run``."""
    before, first = pipeline_template.before, pipeline_template.forced
    assert first.returncode == 0, first.stderr
    assert pipeline_template.after_forced == before, "a forced rerun on unchanged data changed committed outputs"
    assert sorted(ln.split()[1] for ln in first.stdout.splitlines() if ln.startswith("ran ")) == sorted(
        [*(s.name for s in STEPS), "html"]), first.stdout
    second = pipeline_template.second
    assert second.returncode == 0, second.stderr
    assert [ln.split()[0] for ln in second.stdout.splitlines()].count("skipped") == len(STEPS) + 1  # + the html report
    assert "0 ran" in second.stdout


@pytest.mark.slow
def test_one_step_on_request_runs_it_after_its_stale_upstream_and_nothing_downstream(ran_copy):
    before = snapshot(ran_copy)
    notebook = ran_copy / "notebooks" / "01_ingest.ipynb"
    nb = read_notebook(notebook)
    first_markdown = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    first_markdown["source"] = "".join(first_markdown["source"]) + "\n\nEdited by a test."
    write_notebook(notebook, nb)
    env = {**os.environ, "SU7_PROJECT_ROOT": str(ran_copy), "CI": "true"}
    plan = subprocess.run([sys.executable, "-m", "helpers.pipeline", "status", "trend", "--downstream"], cwd=ran_copy,
                          env=env, capture_output=True, text=True)
    assert plan.returncode == 0, plan.stderr
    lines = {ln.split()[1]: ln.split()[0] for ln in plan.stdout.splitlines() if ln[:1] != "(" and ln.split()[1] != "html"}
    assert lines == {"01_ingest": "run", "02_clean": "skip", "03_trend": "run", "06_figures": "skip",
                     **{s.name: "-" for s in STEPS if s.name not in {"01_ingest", "02_clean", "03_trend", "06_figures"}}}, plan.stdout

    result = run_pipeline(ran_copy, "03_trend")
    assert result.returncode == 0, result.stderr
    ran = [ln.split()[1] for ln in result.stdout.splitlines() if ln.startswith("ran ")]
    assert ran == ["01_ingest", "03_trend"], result.stdout  # 02 judged unchanged once 01 had run; nothing after 03
    assert "skipped html report" in result.stdout and "not requested" in result.stdout
    assert f"{len(STEPS) - 3} not requested" in result.stdout
    after = snapshot(ran_copy)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed <= {"notebooks/01_ingest.ipynb", "reports/html/01_ingest.html"}, changed


def test_journal_restores_glob_patterns_without_touching_other_files(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "01_a.png").write_text("good a")
    (figures / "06_b.png").write_text("other step")
    journal = Journal(tmp_path, tmp_path / ".journal")
    journal.protect(["figures/0[1-5]_*"])
    (figures / "01_a.png").write_text("half")
    (figures / "02_new.png").write_text("new")
    (figures / "06_b.png").write_text("other step, changed by its own step")
    Journal(tmp_path, tmp_path / ".journal").restore()
    assert sorted(p.name for p in figures.iterdir()) == ["01_a.png", "06_b.png"]
    assert (figures / "01_a.png").read_text() == "good a"
    assert (figures / "06_b.png").read_text() == "other step, changed by its own step"


def test_step_writes_do_not_overlap():
    from helpers.pipeline.graph import files_under

    claimed: dict[str, str] = {}
    for step in STEPS:
        for path in files_under(ROOT, step.outputs):
            rel = path.relative_to(ROOT).as_posix()
            assert rel not in claimed, f"{rel} is written by both {claimed.get(rel)} and {step.name}"
            claimed[rel] = step.name


def test_deciding_what_to_run_loads_no_analysis_library():
    """A run with nothing to do answers in well under a second because deciding what is stale reads files and
    hashes them, and imports no pandas, numpy or matplotlib (a vintage check imported pandas on every run, half
    a second of a nothing-changed run).  Checked on what is imported, not on how long it takes."""
    code = ("import sys\n"
            "from helpers.pipeline import runner\n"
            "try:\n    runner.main(['status'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'statsmodels') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "SU7_PROJECT_ROOT": str(ROOT)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout[-2000:]
