"""The Dagster code locations (``helpers.orchestration``, ``helpers.orchestration.vintages``) against the
runner's graph, the catalog and ``make run``'s outputs.

Fast tests read the definitions: the assets are the runner's steps (plus the observable raw data
and the report), their deps are ``step.after``, code versions follow the notebook's source, every
asset works in the folder of the ``project`` resource, the blocking raw-data check stops a run on
a malformed file, every catalogued table has its check on the step that writes it (a duplicate
key fails it), and a vintage launched with a forged partition key fails before any folder is made.
The slow test materializes every asset in-process on a copy of the project whose outputs were
removed and compares what it wrote, byte for byte, with the committed outputs of ``make run``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dagster as dg  # noqa: E402  (in the lock: a missing Dagster is an error, not a skip)

from helpers.catalog import TABLES  # noqa: E402
from helpers.orchestration import CHECK_JOB, WEEKLY_JOB, build_defs  # noqa: E402
from helpers.orchestration.resources import PROJECT, ProjectRoot  # noqa: E402
from helpers.pipeline.graph import STEPS  # noqa: E402
from tests.conftest import ROOT  # noqa: E402
from tests.pipeline.support import fresh_copy, snapshot  # noqa: E402

#: Dagster's in-process executor leaves an event-loop coroutine unawaited when a run ends
#: (dagster/_core/execution/context_creation_job.py): its warning, not this project's.
pytestmark = [
    pytest.mark.filterwarnings("ignore:coroutine 'BaseEventLoop.shutdown_asyncgens' was never awaited:RuntimeWarning"),
    # observable_source_asset and AssetSelection.all(include_sources=True) are public but marked beta in 1.13
    pytest.mark.filterwarnings("ignore::dagster.BetaWarning"),
]

NOTEBOOK_STEMS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FORECAST_LOG = "data/processed/trend/forecast_log.csv"


def graph(root: Path = ROOT):
    return build_defs(root).resolve_asset_graph()


def keys(asset_graph) -> set[str]:
    return {k.to_user_string() for k in asset_graph.get_all_asset_keys()}


def parents(asset_graph, name: str) -> set[str]:
    return {k.to_user_string() for k in asset_graph.get(dg.AssetKey(name)).parent_keys}


def run_job(root: Path, monkeypatch, tmp_path: Path, name: str = WEEKLY_JOB):
    """Execute a job of the code location in-process on the project at ``root``.

    ``$SU7_PROJECT_ROOT`` names the checkout, not ``root``: the ``project`` resource alone says where to work.
    """
    monkeypatch.setenv("SU7_PROJECT_ROOT", str(ROOT))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster-home"))
    (tmp_path / "dagster-home").mkdir(exist_ok=True)
    job = build_defs(root).resolve_job_def(name)
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


def versions(root: Path) -> dict[str, str]:
    g = graph(root)
    return {k: g.get(dg.AssetKey(k)).code_version for k in (*NOTEBOOK_STEMS, "report")}


def materialized(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def test_the_assets_are_the_numbered_notebooks_plus_the_raw_data_and_the_report():
    assert keys(graph()) == {*NOTEBOOK_STEMS, "raw_data", "report"}
    assert NOTEBOOK_STEMS == sorted(s.name for s in STEPS)


def test_raw_data_is_an_observable_source_asset_the_rest_are_materialized():
    g = graph()
    raw = g.get(dg.AssetKey("raw_data"))
    assert raw.is_observable and not raw.is_materializable
    assert all(g.get(dg.AssetKey(k)).is_materializable for k in (*NOTEBOOK_STEMS, "report"))


def test_every_asset_and_check_takes_the_project_root_from_the_resource():
    defs = build_defs(ROOT)
    assert defs.resources[PROJECT].root == str(ROOT)
    g = defs.resolve_asset_graph()
    nodes = [g.get(k).assets_def for k in g.get_all_asset_keys()]
    nodes += list(defs.asset_checks)
    for node in nodes:
        assert PROJECT in node.required_resource_keys, node.node_def.name
    assert ProjectRoot().root == str(ROOT)  # the default: helpers.paths.project_root()


def test_observing_raw_data_writes_nothing_and_its_version_follows_the_raw_files(tmp_path, monkeypatch):
    copy = fresh_copy(tmp_path / "project")
    select = dg.AssetSelection.assets("raw_data")

    def observe():
        job = dg.define_asset_job("observe", selection=select).resolve(asset_graph=build_defs(copy).resolve_asset_graph())
        monkeypatch.setenv("SU7_PROJECT_ROOT", str(ROOT))
        result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(),
                                        resources={PROJECT: ProjectRoot(root=str(copy))})
        (event,) = result.get_asset_observation_events()
        assert not result.get_asset_materialization_events()
        return event.asset_observation_data.asset_observation.data_version

    before, files = observe(), snapshot(copy)
    assert before and observe() == before
    assert snapshot(copy) == files
    raw = copy / "data" / "raw" / "weekly_sales.csv"
    raw.write_bytes(raw.read_bytes() + b"\n")
    assert observe() != before


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
    from helpers.orchestration.vintages import build_vintage_defs
    from tests.pipeline.test_vintages import VINTAGES

    vintage = build_vintage_defs(ROOT).resolve_assets_def("vintage")
    assert vintage.partitions_def.get_partition_keys() == VINTAGES
    assert {k.to_user_string() for k in vintage.dependency_keys} == {"raw_data"}


@pytest.mark.parametrize("forged", ["../../x", "2025-W99"])
def test_a_vintage_launched_with_a_forged_partition_key_fails_before_any_folder_is_made(forged, tmp_path, monkeypatch):
    from helpers.orchestration.vintages import VINTAGE_DIR, vintage_asset

    copy = fresh_copy(tmp_path / "project")
    monkeypatch.setenv("SU7_PROJECT_ROOT", str(ROOT))
    run = dict(resources={PROJECT: ProjectRoot(root=str(copy))}, instance=dg.DagsterInstance.ephemeral())
    with pytest.raises(dg.DagsterUnknownPartitionError):  # Dagster refuses it when it is given as the partition
        dg.materialize([vintage_asset(copy)], partition_key=forged, **run)
    # a run tag is not checked by Dagster (the Launchpad and GraphQL take an edited dagster/partition tag)
    result = dg.materialize([vintage_asset(copy)], tags={"dagster/partition": forged}, raise_on_error=False, **run)
    assert not result.success
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    text = str(failure.event_specific_data.error)
    assert "no vintage was run" in text and repr(forged) in text and "not a vintage week" in text, text
    assert not (copy / VINTAGE_DIR).exists()
    assert not (tmp_path / "x").exists() and not (copy.parent / "x").exists()


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
    result = run_job(copy, monkeypatch, tmp_path)
    checks = result.get_asset_check_evaluations()
    assert [(c.check_name, c.passed) for c in checks] == [("raw_data_valid", False)]
    assert "72OO" in checks[0].metadata["first_problems"].value
    started = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    assert started == {"raw_data", "raw_data_raw_data_valid"}, "a step after the failed check started"
    assert {e.asset_key.to_user_string() for e in result.get_asset_observation_events()} == {"raw_data"}
    assert materialized(result) == set()
    assert not result.success
    assert snapshot(copy) == before


def test_the_check_passes_on_the_committed_raw_data():
    from helpers.orchestration.assets import raw_data_valid

    evaluation = raw_data_valid(ProjectRoot(root=str(ROOT)))
    assert evaluation.passed, evaluation.metadata


def test_every_catalogued_table_has_a_blocking_check_on_the_step_that_writes_it():
    g = graph()
    expected = {dg.AssetCheckKey(dg.AssetKey(t.step), f"{t.folder}_{t.stem}") for t in TABLES}
    raw = dg.AssetCheckKey(dg.AssetKey("raw_data"), "raw_data_valid")
    assert set(g.asset_check_keys) == expected | {raw}
    specs = [spec for checks in build_defs(ROOT).asset_checks for spec in checks.check_specs]
    assert {spec.key for spec in specs} == expected | {raw} and all(spec.blocking for spec in specs)
    for table in TABLES:  # a key is declared once, in the catalog, and names columns the table declares or has
        assert len(set(table.key)) == len(table.key), table.name


def test_the_checks_pass_on_the_committed_outputs(tmp_path, monkeypatch):
    result = run_job(ROOT, monkeypatch, tmp_path, CHECK_JOB)
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == len(TABLES) + 1
    assert result.success, [(c.check_name, c.description) for c in evaluations if not c.passed]
    assert not result.get_asset_materialization_events()


def test_a_duplicate_key_row_fails_that_tables_check_naming_the_table_and_key(tmp_path, monkeypatch):
    copy = fresh_copy(tmp_path / "project")
    table = copy / "data" / "processed" / "clean" / "weekly_sales.csv"
    header, first, *rest = table.read_text(encoding="utf-8").splitlines(keepends=True)
    table.write_text("".join([header, first, *rest, first]), encoding="utf-8")
    series, week = first.split(",")[:2]  # the file's first two columns are its key (series, week)
    result = run_job(copy, monkeypatch, tmp_path, CHECK_JOB)
    assert not result.success
    failed = [c for c in result.get_asset_check_evaluations() if not c.passed]
    assert [(c.asset_key.to_user_string(), c.check_name) for c in failed] == [("02_clean", "clean_weekly_sales")]
    assert failed[0].description == f"clean.weekly_sales: key (series, week) repeated: ({series}, {week}) x2"


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
    result = run_job(copy, monkeypatch, tmp_path)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    assert materialized(result) == {*NOTEBOOK_STEMS, "report"}
    assert {e.asset_key.to_user_string() for e in result.get_asset_observation_events()} == {"raw_data"}
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == len(TABLES) + 1 and all(c.passed for c in evaluations)
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
    monkeypatch.setenv("SU7_PROJECT_ROOT", str(ROOT))  # the resource says where: the copy
    result = build_defs(copy).resolve_job_def(WEEKLY_JOB).execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, asset_selection=[dg.AssetKey("01_ingest")])
    failures = [e for e in result.all_events if e.is_step_failure]
    assert [e.step_key for e in failures] == ["01_ingest"]
    text = str(failures[0].event_specific_data.error)
    assert "RuntimeError: boom" in text and "restored" in text, text
    assert snapshot(copy) == before, "the outputs of the failed asset were not put back"
    assert (copy / "reports" / "failed" / "01_ingest.ipynb").is_file()


def test_a_table_check_names_a_missing_file_a_missing_declared_column_and_an_empty_key_cell(tmp_path):
    from helpers.catalog import Table
    from helpers.orchestration.checks import table_problems

    table = Table("demo", "sales", "a hand-built table", text=("series", "note"), key=("series", "week"))
    assert table_problems(table, tmp_path) == ["demo.sales: no file data/processed/demo/sales.csv"]
    path = tmp_path / table.relpath
    path.parent.mkdir(parents=True)
    path.write_text("series,week,units\nsu7,2025-W18,1\n", encoding="utf-8")
    assert table_problems(table, tmp_path) == ["demo.sales: the header lacks the declared column(s) note"]
    path.write_text("series,week,note,units\nsu7,2025-W18,,1\nsu7,,,2\n,2025-W19,,3\nsu7,2025-W19,,4\n", encoding="utf-8")
    assert table_problems(table, tmp_path) == ["demo.sales: key (series, week) has an empty cell in 2 row(s), at line 3, 4 of the file"]
    path.write_text("series,week,note,units\nsu7,2025-W18,,1\nsu7,2025-W19,,4\n", encoding="utf-8")
    assert table_problems(table, tmp_path) == []


def test_a_root_that_is_not_the_project_is_refused_naming_the_resource(tmp_path):
    with pytest.raises(FileNotFoundError, match=f"resource 'project': root '{tmp_path}' does not hold"):
        ProjectRoot(root=str(tmp_path)).path
    assert ProjectRoot(root=str(ROOT / "notebooks" / "..")).path == ROOT.resolve()
