"""The Dagster code location (``helpers.orchestration``) against the runner's graph and ``make run``'s outputs.

Fast tests read the definitions: the assets are the runner's steps (plus the raw data and
the report), their deps are ``step.after``, code versions follow the notebook's source, the
blocking raw-data check stops a run on a malformed file.  The slow test materializes every
asset in-process on a copy of the project whose outputs were removed and compares what it
wrote, byte for byte, with the committed outputs of ``make run``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dagster as dg  # noqa: E402  (in the lock: a missing Dagster is an error, not a skip)

from helpers.orchestration import WEEKLY_JOB, build_defs  # noqa: E402
from helpers.pipeline.graph import STEPS  # noqa: E402
from tests.conftest import ROOT  # noqa: E402
from tests.pipeline.support import fresh_copy, snapshot  # noqa: E402

#: Dagster's in-process executor leaves an event-loop coroutine unawaited when a run ends
#: (dagster/_core/execution/context_creation_job.py): its warning, not this project's.
pytestmark = pytest.mark.filterwarnings("ignore:coroutine 'BaseEventLoop.shutdown_asyncgens' was never awaited:RuntimeWarning")

NOTEBOOK_STEMS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FORECAST_LOG = "data/processed/trend/forecast_log.csv"


def graph(root: Path = ROOT):
    return build_defs(root).resolve_asset_graph()


def keys(asset_graph) -> set[str]:
    return {k.to_user_string() for k in asset_graph.get_all_asset_keys()}


def parents(asset_graph, name: str) -> set[str]:
    return {k.to_user_string() for k in asset_graph.get(dg.AssetKey(name)).parent_keys}


def run_weekly(root: Path, monkeypatch, tmp_path: Path):
    """Execute the weekly job (every asset and the check) in-process on the project at ``root``."""
    monkeypatch.setenv("SU7_PROJECT_ROOT", str(root))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster-home"))
    (tmp_path / "dagster-home").mkdir(exist_ok=True)
    job = build_defs(root).resolve_job_def(WEEKLY_JOB)
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


def versions(root: Path) -> dict[str, str]:
    g = graph(root)
    return {k: g.get(dg.AssetKey(k)).code_version for k in (*NOTEBOOK_STEMS, "report")}


def materialized(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def test_the_assets_are_the_numbered_notebooks_plus_the_raw_data_and_the_report():
    assert keys(graph()) == {*NOTEBOOK_STEMS, "raw_data", "report"}
    assert NOTEBOOK_STEMS == sorted(s.name for s in STEPS)


def test_deps_are_the_runners_after_the_first_step_reads_the_raw_data_and_the_report_comes_last():
    g = graph()
    for step in STEPS:
        assert parents(g, step.name) == (set(step.after) or {"raw_data"}), step.name
    assert parents(g, "report") == set(NOTEBOOK_STEMS)
    assert parents(g, "raw_data") == set()


def test_code_versions_change_with_a_notebooks_source_not_with_its_outputs_or_the_data(tmp_path):
    copy = fresh_copy(tmp_path / "project")
    before = versions(copy)
    assert all(before.values()) and len(set(before.values())) == len(before)

    path = copy / "notebooks" / "03_trend.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:  # outputs only: the code version stays
        if cell["cell_type"] == "code":
            cell["outputs"] = []
    path.write_text(json.dumps(nb), encoding="utf-8")
    (copy / "data" / "raw" / "weekly_sales.csv").open("a", encoding="utf-8").write("\n")
    assert versions(copy) == before

    nb["cells"][0]["source"] = "# 03 · Trend, edited\n"
    path.write_text(json.dumps(nb), encoding="utf-8")
    after = versions(copy)
    assert after["03_trend"] != before["03_trend"]
    assert {k: v for k, v in after.items() if k != "03_trend"} == {k: v for k, v in before.items() if k != "03_trend"}


def test_editing_a_helper_changes_the_versions_of_the_assets_that_use_it_only(tmp_path):
    copy = fresh_copy(tmp_path / "project")
    before = versions(copy)
    (copy / "src" / "helpers" / "report" / "html.py").open("a", encoding="utf-8").write("\n# edited\n")
    after = versions(copy)
    assert after["report"] != before["report"]
    assert {k: v for k, v in after.items() if k != "report"} == {k: v for k, v in before.items() if k != "report"}


def test_cached_code_versions_are_the_ones_computed_from_the_runners_fingerprint(tmp_path):
    from helpers.orchestration.assets import CODE_VERSION_CACHE, code_version
    from helpers.pipeline.graph import report_inputs, step_inputs

    copy = fresh_copy(tmp_path / "project")
    versions(copy)  # fills the cache
    assert (copy / CODE_VERSION_CACHE).is_file()
    code = ("notebook", "helpers", "environment", "installed", "settings")  # everything but parameters and data
    expected = {s.name: code_version({k: step_inputs(s, copy, {})[k] for k in code}, code) for s in STEPS}
    report = report_inputs(copy)
    expected["report"] = code_version({k: report[k] for k in code[1:]}, code[1:])
    assert versions(copy) == expected


def test_the_vintage_partitions_are_the_weeks_the_runner_accepts():
    from tests.pipeline.test_vintages import VINTAGES

    job = build_defs(ROOT).resolve_job_def("vintages")
    assert job.partitions_def.get_partition_keys() == VINTAGES


def test_the_weekly_schedule_runs_every_asset_on_monday_morning_in_china():
    defs = build_defs(ROOT)
    schedule = defs.resolve_schedule_def(f"{WEEKLY_JOB}_monday")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 7 * * 1", "Asia/Shanghai")
    assert schedule.job_name == WEEKLY_JOB


def test_a_malformed_raw_file_fails_the_blocking_check_and_nothing_downstream_runs(tmp_path, monkeypatch):
    copy = fresh_copy(tmp_path / "project")
    raw = copy / "data" / "raw" / "weekly_sales.csv"
    raw.write_text(raw.read_text(encoding="utf-8").replace(",7200,", ",72OO,", 1), encoding="utf-8")
    before = snapshot(copy)
    result = run_weekly(copy, monkeypatch, tmp_path)
    checks = result.get_asset_check_evaluations()
    assert [(c.check_name, c.passed) for c in checks] == [("raw_data_valid", False)]
    assert "72OO" in checks[0].metadata["first_problems"].value
    started = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    assert started == {"raw_data", "raw_data_raw_data_valid"}, "a step after the failed check started"
    assert materialized(result) == {"raw_data"}
    assert not result.success
    assert snapshot(copy) == before


def test_the_check_passes_on_the_committed_raw_data(monkeypatch):
    from helpers.orchestration.assets import raw_data_valid

    monkeypatch.setenv("SU7_PROJECT_ROOT", str(ROOT))
    evaluation = raw_data_valid.node_def.compute_fn.decorated_fn()
    assert evaluation.passed, evaluation.metadata


def strip_outputs(root: Path) -> None:
    """Remove what the pipeline writes (the forecast log, the one output with history, excepted)."""
    for path in (root / "data" / "processed").rglob("*"):
        if path.is_file() and path.relative_to(root).as_posix() != FORECAST_LOG:
            path.unlink()
    for rel in ("reports/figures", "reports/html"):
        for path in (root / rel).rglob("*"):
            if path.is_file():
                path.unlink()
    (root / "reports" / "summary.json").unlink()
    for name in NOTEBOOK_STEMS:
        path = root / "notebooks" / f"{name}.ipynb"
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
        path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


@pytest.mark.slow
def test_materializing_every_asset_writes_exactly_the_committed_outputs_of_make_run(tmp_path, monkeypatch):
    copy = fresh_copy(tmp_path / "project")
    committed = snapshot(copy)
    strip_outputs(copy)
    assert snapshot(copy) != committed
    result = run_weekly(copy, monkeypatch, tmp_path)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    assert materialized(result) == {*NOTEBOOK_STEMS, "raw_data", "report"}
    got = snapshot(copy)
    differ = sorted(p for p in committed.keys() | got.keys() if committed.get(p) != got.get(p))
    assert not differ, f"differ from the committed outputs of make run: {differ[:10]}"
    assert not (copy / ".cache" / "orchestration" / "journal").exists() or not any(
        (copy / ".cache" / "orchestration" / "journal").iterdir())


def test_a_vintage_copy_leaves_out_environments_caches_and_history(tmp_path):
    from helpers.orchestration.vintages import VINTAGE_DIR, copy_project, vintage_weeks

    root = fresh_copy(tmp_path / "project")
    for junk in (".venv/bin/python", ".git/HEAD", ".cache/pipeline/state.json", "reports/failed/01_ingest.ipynb"):
        (root / junk).parent.mkdir(parents=True, exist_ok=True)
        (root / junk).write_text("x", encoding="utf-8")
    week = vintage_weeks(root)[-1]
    target = root / VINTAGE_DIR / week / "project"
    (target / "stale").mkdir(parents=True)
    assert copy_project(root, week) == target.resolve()
    assert not any((target / p).exists() for p in (".venv", ".git", ".cache", "reports/failed", "stale"))
    assert (target / "data/raw/weekly_sales.csv").read_bytes() == (ROOT / "data/raw/weekly_sales.csv").read_bytes()
    assert (target / "pyproject.toml").is_file() and (target / "notebooks" / "01_ingest.ipynb").is_file()


@pytest.mark.slow
def test_a_failing_asset_puts_back_the_last_good_outputs(tmp_path, monkeypatch):
    copy = fresh_copy(tmp_path / "project")
    path = copy / "notebooks" / "01_ingest.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    target = "data/processed/ingest/events.csv"
    nb["cells"].append({"cell_type": "code", "id": "boom", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": f"from helpers.paths import project_root\n"
                                  f"(project_root() / {target!r}).write_text('half written')\n"
                                  "raise RuntimeError('boom')"})
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    before = snapshot(copy)
    monkeypatch.setenv("SU7_PROJECT_ROOT", str(copy))
    result = build_defs(copy).resolve_job_def(WEEKLY_JOB).execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, asset_selection=[dg.AssetKey("01_ingest")])
    failures = [e for e in result.all_events if e.is_step_failure]
    assert [e.step_key for e in failures] == ["01_ingest"]
    text = str(failures[0].event_specific_data.error)
    assert "RuntimeError: boom" in text and "restored" in text, text
    assert snapshot(copy) == before, "the outputs of the failed asset were not put back"
    assert (copy / "reports" / "failed" / "01_ingest.ipynb").is_file()
