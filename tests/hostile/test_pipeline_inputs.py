"""Hostile inputs to the runner: parameter values and names, numeric options, unwritable outputs, silent edits.

Issue 21, items 3, 4, 6, 7 and 9.  Each test tries one input on a fresh copy of the project
(``tests/pipeline/support.py``), never the checkout, and asserts it is refused with a message
naming where it came from, what was given and what is expected (exit status 2, before the run
lock is taken), or rendered inert; and that no output changed (``notebooks``, ``data/processed``,
``reports``, byte for byte).  Every refusal here comes before any notebook runs.

Most tests call the runner's ``main`` in-process (the same code as ``python -m helpers.pipeline``,
with ``SU7_PROJECT_ROOT`` pointing at the copy); the review's own reproductions run the real
command line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers.pipeline.graph import STEPS, declared_defaults, read_notebook
from helpers.pipeline.parameters import MAX_JOBS, MAX_SECONDS, OPTION_BOUNDS, PARAMETER_BOUNDS, ParameterError, value_problem
from helpers.pipeline.runner import STATE_DIR, RunLock, main, parameters_by_step
from tests.conftest import ROOT
from tests.pipeline.support import fresh_copy, run_pipeline, snapshot

#: A hang guard for the command-line runs: each refusal answers in about a second.
HANG_GUARD_SECONDS = 120


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return fresh_copy(tmp_path / "project")


@pytest.fixture
def cli(project: Path, monkeypatch, capsys):
    """``python -m helpers.pipeline ARGS`` in-process on ``project``: ``(exit status, stdout + stderr)``."""
    monkeypatch.setenv("SU7_PROJECT_ROOT", str(project))
    monkeypatch.setenv("CI", "true")

    def call(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code
        said = capsys.readouterr()
        return code, said.out + said.err

    return call


def assert_refused(project: Path, before: dict[str, bytes], code: int, output: str, *expected: str) -> None:
    """Exit status 2 (bad usage), each expected text in the message, no traceback, no output changed,
    and the run lock never taken (nothing ran)."""
    assert code == 2, output
    for text in expected:
        assert text in output, f"{text!r} not in:\n{output}"
    assert "Traceback" not in output, output
    assert snapshot(project) == before, "a refused run changed outputs"
    assert not (project / STATE_DIR / "lock").exists(), "the run lock was taken before the input was refused"


def write_params(project: Path, text: str, name: str = "params.yaml") -> Path:
    path = project / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# Item 3: code through a parameters file, and every other route a parameter takes
# ---------------------------------------------------------------------------


def test_a_set_in_a_yaml_parameters_file_cannot_run_code(project, tmp_path):
    """The review's reproduction: ``lang: !!set {'x"; import os; os.system(...); y="': null}`` ran the command."""
    marker = tmp_path / "code-ran"
    params = write_params(project, f"lang: !!set {{'x\"; import os; os.system(\"touch {marker}\"); y=\"': null}}\n",
                          "evil.yaml")
    before = snapshot(project)
    result = run_pipeline(project, "--params", str(params), "06_figures", timeout=HANG_GUARD_SECONDS)
    assert not marker.exists(), "the parameters file ran a command"
    assert_refused(project, before, result.returncode, result.stdout + result.stderr,
                   f"{params}:1: lang: a set {{'x\"; import os;", 'is not allowed (expected one of "en", "zh")')


YAML_VALUES = {  # name: value as YAML -> what the message says was given
    "a list": ("lang", "[en, zh]", "a list ['en', 'zh']"),
    "a mapping": ("lang", "{en: 1}", "a mapping {'en': 1}"),
    "a nested list": ("horizon", "[[4]]", "a list [[4]]"),
    "a date": ("through_week", "2025-05-05", "a date datetime.date(2025, 5, 5)"),
    "a date and time": ("through_week", "2025-05-05 10:00:00", "a date and time datetime.datetime(2025, 5, 5, 10, 0)"),
    "bytes": ("lang", "!!binary ZW4=", "bytes b'en'"),
    "a huge int": ("horizon", "1" + "0" * 40, "1" + "0" * 40),
    "a whole number of 100 digits": ("horizon", "9" * 100, "a whole number of 100 digits"),
    "nan": ("lock_in_rate", ".nan", "nan"),
    "inf": ("wait_weeks", ".inf", "inf"),
    "-inf": ("sales_per_week", "-.inf", "-inf"),
    "true for a whole number": ("horizon", "true", "true"),
    "a float for a whole number": ("horizon", "4.5", "4.5"),
    "null where the default is not None": ("lang", "null", "null"),
    "a string for a whole number": ("horizon", "'8'", "'8'"),
    "a whole number for a string": ("lang", "1", "1"),
    "a string for a number": ("lock_in_rate", "'0.4; import os'", "'0.4; import os'"),
    "a week that does not exist": ("first_week", "2025-W53", "'2025-W53'"),
    "code in a week": ("through_week", "'2025-W19\"; import os; os.system(\"id\") #'", "'2025-W19\"; import os;"),
}


@pytest.mark.parametrize("case", YAML_VALUES, ids=list(YAML_VALUES))
def test_a_value_of_a_type_the_notebook_does_not_declare_is_refused_naming_file_line_parameter_and_expectation(
        project, cli, case):
    name, text, shown = YAML_VALUES[case]
    params = write_params(project, f"# a comment\n{name}: {text}\n")
    before = snapshot(project)
    code, output = cli("run", "--params", str(params))
    assert_refused(project, before, code, output, f"{params}:2: {name}: {shown}", "is not allowed (expected ")


@pytest.mark.parametrize("key", ["os.system", "__builtins__", "__class__", "horizn", "1", "'a b'", "''"])
def test_a_name_no_notebook_declares_is_refused_whatever_it_looks_like(project, cli, key):
    params = write_params(project, f"{key}: 1\n")
    before = snapshot(project)
    code, output = cli("run", "--params", str(params))
    assert_refused(project, before, code, output, f"{params}:1: ", "unknown parameter (expected one of: ")


@pytest.mark.parametrize("text, expected", [
    ("horizon: " + "9" * 5000 + "\n", ": not YAML the runner reads: Exceeds the limit"),
    ("lang: !!python/object/apply:os.system ['id']\n", ":1: not YAML the runner reads: could not determine a constructor"),
    ("? [a, b]\n: 1\n", ":1: not YAML the runner reads:"),
    ("horizon: 4\nhorizon: 100\n", ":2: horizon: given twice, first on line 1 (expected each parameter once)"),
    ("- horizon\n", "expected a mapping of parameter names to values, not a list ['horizon']"),
    ("horizon: [4\n", "not YAML the runner reads"),
])
def test_a_parameters_file_that_is_not_a_plain_mapping_of_names_is_refused(project, cli, text, expected):
    params = write_params(project, text)
    before = snapshot(project)
    code, output = cli("run", "--params", str(params))
    assert_refused(project, before, code, output, f"{params}", expected)


def test_a_yaml_alias_bomb_is_refused_at_once(project, cli):
    """Nine aliases of nine aliases ... (a billion strings if expanded) must neither hang nor fill memory."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    params = write_params(project, "\n".join(levels) + "\nlang: *a9\n")
    before = snapshot(project)
    code, output = cli("run", "--params", str(params))
    assert_refused(project, before, code, output, f"{params}:11: lang: a list [[[[...]", f"{params}:1: a0: unknown parameter")


@pytest.mark.parametrize("name, text", [("params.json", '{"lang": ' + "[" * 100_000 + "]" * 100_000 + "}"),
                                        ("params.yaml", "lang: " + "[" * 100_000 + "]" * 100_000 + "\n")])
def test_a_value_nested_too_deep_to_read_is_refused(project, cli, name, text):
    params = write_params(project, text, name)
    before = snapshot(project)
    code, output = cli("run", "--params", str(params))
    assert_refused(project, before, code, output, f"{params}: nested too deep to read")


def test_code_in_a_week_option_is_refused(project, cli):
    before = snapshot(project)
    code, output = cli("run", "--through-week", '2025-W19"; import os; os.system("id") #')
    assert_refused(project, before, code, output, "--through-week: through_week: '2025-W19\"; import os;",
                   'is not allowed (expected an ISO week such as "2025-W19")')


@pytest.mark.parametrize("text, expected", [
    ('{\n  "horizon": [4]\n}\n', ":2: horizon: a list [4] is not allowed (expected a whole number from 1 to 104)"),
    ('{"lang": "en", "lang": "zh"}', "lang: given twice (expected each parameter once)"),
    ('{"horizon": NaN}', ":1: horizon: nan is not allowed"),
    ('{"horizon": 4', ":1: not JSON:"),
])
def test_a_json_parameters_file_is_checked_like_a_yaml_one(project, cli, text, expected):
    params = write_params(project, text, "params.json")
    before = snapshot(project)
    code, output = cli("run", "--params", str(params))
    assert_refused(project, before, code, output, f"{params}", expected)


@pytest.mark.parametrize("assignment, expected", [
    ('lang=["x\\"; import os #"]', "-p: lang: a list ['x\"; import os #'] is not allowed (expected one of \"en\", \"zh\")"),
    ('lang={"en": 1}', "-p: lang: a mapping {'en': 1} is not allowed"),
    ("horizon=1e999", "-p: horizon: inf is not allowed (expected a whole number from 1 to 104)"),
    ("horizon=NaN", "-p: horizon: nan is not allowed"),
    ("horizon=null", "-p: horizon: null is not allowed"),
    ("horizon=" + "9" * 30, "-p: horizon: " + "9" * 30 + " is not allowed"),
    ("__import__=1", "-p: __import__: unknown parameter"),
    ("os.system=1", "-p: 'os.system' is not a parameter name (expected name=value"),
])
def test_a_command_line_parameter_is_checked_like_a_file_one(project, cli, assignment, expected):
    before = snapshot(project)
    code, output = cli("run", "-p", assignment)
    assert_refused(project, before, code, output, expected)


def test_status_refuses_the_same_parameters_as_run(project, cli):
    before = snapshot(project)
    code, output = cli("status", "-p", "lang=[1]")
    assert_refused(project, before, code, output, "-p: lang: a list [1] is not allowed")


def test_the_python_api_of_the_runner_refuses_a_set_too(project, monkeypatch, capsys):
    from helpers.pipeline.runner import run

    monkeypatch.setenv("SU7_PROJECT_ROOT", str(project))
    before = snapshot(project)
    code = run({"lang": {"x\"; import os; y=\""}})
    assert_refused(project, before, code, capsys.readouterr().err, "parameter: lang: a set {'x\"; import os;")


def test_execute_notebook_refuses_a_set_before_papermill_writes_it_into_the_notebook(project, tmp_path):
    """The route Dagster's assets take (``run_step``), and the runner's step processes."""
    from helpers.pipeline.execute import execute_notebook

    marker = tmp_path / "code-ran"
    before = snapshot(project)
    with pytest.raises(ParameterError, match=r"06_figures.ipynb: lang: a set .* is not allowed \(expected one of"):
        execute_notebook(project / "notebooks" / "06_figures.ipynb", project,
                         {"lang": {f'x"; import os; os.system("touch {marker}"); y="'}})
    with pytest.raises(ParameterError, match="06_figures.ipynb: horizon: unknown parameter"):
        execute_notebook(project / "notebooks" / "06_figures.ipynb", project, {"horizon": 4})
    assert not marker.exists()
    assert snapshot(project) == before
    assert not (project / "reports" / "failed").exists()


def test_a_dagster_asset_given_a_set_fails_with_the_message_and_writes_nothing(project):
    dg = pytest.importorskip("dagster")
    from helpers.orchestration.assets import run_step
    from helpers.pipeline.graph import STEPS_BY_NAME

    before = snapshot(project)
    with pytest.raises(dg.Failure, match="parameters refused, nothing run") as failure:
        run_step(STEPS_BY_NAME["06_figures"], project, {"lang": {"x"}})
    assert "lang: a set {'x'} is not allowed" in failure.value.description
    assert snapshot(project) == before


def test_valid_parameters_of_every_kind_still_pass_to_the_notebooks_that_declare_them():
    split = parameters_by_step(ROOT, {"horizon": 8, "window_weeks": 12, "lang": "zh", "through_week": "2025-W19",
                                      "lock_in_rate": 0.35, "wait_weeks": 10, "design_capacity_per_week": 2875,
                                      "horizon_weeks": None, "first_week": "2025-W16"})
    assert split["03_trend"] == {"horizon": 8, "window_weeks": 12, "through_week": "2025-W19"}
    assert split["04_run_rate"] == {"lock_in_rate": 0.35, "wait_weeks": 10, "design_capacity_per_week": 2875,
                                    "horizon_weeks": None}
    assert value_problem(3, 0.5, None) is None  # a whole number where a number is declared
    assert value_problem(3.0, 4, None) is not None  # ... not a number where a whole number is


def test_every_declared_parameter_has_bounds_that_admit_its_default():
    from helpers.models import run_rate, trend

    for step in STEPS:
        for name, default in declared_defaults(read_notebook(ROOT / step.notebook)).items():
            assert name in PARAMETER_BOUNDS, f"{step.name} declares {name}: give it a kind and bounds in PARAMETER_BOUNDS"
            assert value_problem(default, default, PARAMETER_BOUNDS[name]) is None, (step.name, name, default)
    assert PARAMETER_BOUNDS["window_weeks"].low == PARAMETER_BOUNDS["article_window_weeks"].low == trend.MIN_WEEKS
    assert PARAMETER_BOUNDS["horizon_weeks"].high == run_rate.DEFAULT_HORIZON_WEEKS


# ---------------------------------------------------------------------------
# Item 4: --jobs
# ---------------------------------------------------------------------------


def test_jobs_minus_one_is_refused_before_the_lock_even_while_another_run_holds_it(project):
    """``--jobs -1`` hung for ever holding the lock; now it is refused at once (2), not queued (75)."""
    before = snapshot(project)
    lock = RunLock(project / STATE_DIR / "lock")
    lock.acquire(wait=0)
    try:
        result = run_pipeline(project, "--jobs", "-1", "--wait", "60", timeout=HANG_GUARD_SECONDS)
    finally:
        lock.release()
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"--jobs: -1 is not allowed (expected a whole number from 1 to {MAX_JOBS})" in result.stderr
    assert "waiting" not in result.stdout
    assert snapshot(project) == before


@pytest.mark.parametrize("value", ["0", str(MAX_JOBS + 1), "1.5", "two", "", "9" * 5000, "-0"])
def test_jobs_outside_one_to_the_maximum_is_refused(project, cli, value):
    before = snapshot(project)
    code, output = cli("run", "--jobs", value)
    assert_refused(project, before, code, output, "--jobs: ", f"is not allowed (expected a whole number from 1 to {MAX_JOBS})")


def test_the_python_api_refuses_jobs_below_one_too(project, monkeypatch, capsys):
    from helpers.pipeline.runner import run

    monkeypatch.setenv("SU7_PROJECT_ROOT", str(project))
    before = snapshot(project)
    code = run({}, jobs=-1)
    assert_refused(project, before, code, capsys.readouterr().err, "--jobs: -1 is not allowed")


# ---------------------------------------------------------------------------
# Item 7: every numeric option and numeric parameter bounded
# ---------------------------------------------------------------------------


def test_horizon_100000_is_refused_naming_the_option_and_its_range(project):
    before = snapshot(project)
    result = run_pipeline(project, "--horizon", "100000", timeout=HANG_GUARD_SECONDS)
    assert_refused(project, before, result.returncode, result.stderr,
                   "--horizon: 100000 is not allowed (expected a whole number from 1 to 104)")


@pytest.mark.parametrize("option, value", [
    ("--horizon", "0"), ("--horizon", "-4"), ("--horizon", "105"), ("--horizon", "1e3"),
    ("--cell-timeout", "-1"), ("--cell-timeout", str(MAX_SECONDS + 1)), ("--cell-timeout", "nan"), ("--cell-timeout", "inf"),
    ("--wait", "-1"), ("--wait", "inf"), ("--wait", "1e9"), ("--wait", "soon"),
])
def test_a_numeric_option_out_of_its_range_is_refused(project, cli, option, value):
    before = snapshot(project)
    code, output = cli("run", option, value)
    assert_refused(project, before, code, output, f"{option}: {value} is not allowed (expected {OPTION_BOUNDS[option].expected()})")


@pytest.mark.parametrize("name, value", [
    ("horizon", 100000), ("horizon_weeks", 100000), ("window_weeks", 2), ("window_weeks", 105),
    ("article_window_weeks", 1000), ("lock_in_rate", 1.5), ("cancellation_rate", -0.1), ("wait_weeks", 1e9),
    ("design_capacity_per_week", -1), ("gross_orders_per_week", 10**12),
])
def test_a_numeric_parameter_out_of_its_range_is_refused_from_a_file_and_from_the_command_line(project, cli, name, value):
    params = write_params(project, f"{name}: {value!r}\n")
    before = snapshot(project)
    expected = f"{name}: {value!r} is not allowed (expected {PARAMETER_BOUNDS[name].expected()})"
    code, output = cli("run", "--params", str(params))
    assert_refused(project, before, code, output, f"{params}:1: {expected}")
    code, output = cli("run", "-p", f"{name}={json.dumps(value)}")
    assert_refused(project, before, code, output, f"-p: {expected}")


def test_the_bounds_of_the_options_are_in_the_help():
    import contextlib
    import io

    shown = io.StringIO()
    with contextlib.redirect_stdout(shown), pytest.raises(SystemExit):
        main(["run", "--help"])
    assert f"1 to {MAX_JOBS}" in shown.getvalue() and "1 to 104" in shown.getvalue()
    assert f"0 to {MAX_SECONDS}" in shown.getvalue()


# ---------------------------------------------------------------------------
# Item 6: outputs the run cannot write
# ---------------------------------------------------------------------------

TREND = "data/processed/trend"  # notebook 03's folder (helpers.catalog.STEP_FOLDERS)


def assert_nothing_ran(project: Path, before: dict[str, bytes], code: int, output: str, *expected: str) -> None:
    assert code == 1, output
    for text in expected:
        assert text in output, f"{text!r} not in:\n{output}"
    assert "Traceback" not in output, output
    assert "ran     " not in output, output
    assert snapshot(project) == before, "the last good outputs changed"


def test_a_file_where_an_output_folder_is_expected_is_named_and_nothing_runs(project):
    """Works as root too: no permission bit makes a file a folder."""
    import shutil

    shutil.rmtree(project / TREND)
    (project / TREND).write_text("not a folder\n", encoding="utf-8")
    before = snapshot(project)
    result = run_pipeline(project, timeout=HANG_GUARD_SECONDS)
    assert_nothing_ran(project, before, result.returncode, result.stdout + result.stderr,
                       f"{TREND}: is a file, not a folder (expected a folder the run can write in)", "nothing was run")


def test_an_output_folder_that_refuses_writes_is_named_before_anything_runs(project, cli, monkeypatch):
    """The kernel's atomic writers make their scratch file with ``tempfile.mkstemp`` in the output folder:
    here it raises what a read-only folder raises, for root too."""
    import errno
    import tempfile

    real = tempfile.mkstemp
    refused = project / TREND

    def mkstemp(*args, dir=None, **kwargs):
        if dir is not None and Path(dir) == refused:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(Path(dir) / ".~x.tmp"))
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    before = snapshot(project)
    code, output = cli("run")
    assert_nothing_ran(project, before, code, output,
                       f"{TREND}: cannot write in this folder: Permission denied (expected a folder the run can write in)")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder: see the monkeypatched test above")
def test_a_read_only_output_folder_is_named_before_anything_runs(project):
    os.chmod(project / TREND, 0o555)
    try:
        before = snapshot(project)
        result = run_pipeline(project, timeout=HANG_GUARD_SECONDS)
    finally:
        os.chmod(project / TREND, 0o755)
    assert_nothing_ran(project, before, result.returncode, result.stderr,
                       f"{TREND}: cannot write in this folder: Permission denied")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only file")
def test_a_read_only_output_file_is_named_before_anything_runs(project):
    figure = next((project / "reports" / "figures").glob("01_*.png"))
    figure.chmod(0o444)
    before = snapshot(project)
    result = run_pipeline(project, timeout=HANG_GUARD_SECONDS)
    assert_nothing_ran(project, before, result.returncode, result.stderr,
                       f"reports/figures/{figure.name}: cannot write this file: it is read-only")


def test_a_restore_that_fails_does_not_hide_the_failure_and_keeps_the_last_good_outputs(project, cli, monkeypatch):
    """A step fails after writing; putting its folder back fails too (it became unwritable meanwhile).  The step's
    error comes first, then what could not be put back and why; the backups stay, and the next restore puts
    the last good outputs back."""
    import shutil
    import types

    from helpers.pipeline import journal as journal_module
    from helpers.pipeline import runner
    from helpers.pipeline.graph import STEPS_BY_NAME
    from helpers.pipeline.journal import Journal

    before = snapshot(project)

    def failing_step(root, params_by_step, state, force, jobs, quiet, journal, *rest):
        journal.protect(STEPS_BY_NAME["03_trend"].outputs)
        (root / TREND / "fits.csv").write_text("half written\n", encoding="utf-8")
        return runner.RunReport(failed="03_trend.ipynb: cell 4 failed: ValueError: deliberate")

    def rmtree(path, *args, **kwargs):
        if Path(path) == project / TREND:
            raise PermissionError(13, "Permission denied", str(Path(path) / "fits.csv"))
        return shutil.rmtree(path, *args, **kwargs)

    monkeypatch.setattr(runner, "_schedule", failing_step)
    monkeypatch.setattr(journal_module, "shutil", types.SimpleNamespace(**{**vars(shutil), "rmtree": rmtree}))
    code, output = cli("run")
    assert code == 1, output
    assert "Traceback" not in output, output
    failed = output.index("FAILED 03_trend.ipynb: cell 4 failed: ValueError: deliberate")
    assert output.index(f"could not put back 1 output path(s)") > failed, output
    assert f"{TREND}: {TREND}/fits.csv: Permission denied" in output, output
    assert (project / STATE_DIR / "journal" / "manifest.json").is_file(), "the backups were thrown away"

    monkeypatch.undo()  # the folder can be written again: the next run's recovery puts everything back
    Journal(project, project / STATE_DIR / "journal").restore()
    assert snapshot(project) == before


def test_a_dagster_asset_whose_restore_fails_still_raises_its_own_error(project, monkeypatch):
    pytest.importorskip("dagster")
    import shutil
    import types

    from helpers.orchestration.assets import guarded
    from helpers.pipeline import journal as journal_module

    def rmtree(path, *args, **kwargs):
        if Path(path) == project / TREND:
            raise PermissionError(13, "Permission denied", str(path))
        return shutil.rmtree(path, *args, **kwargs)

    def work():
        (project / TREND / "fits.csv").write_text("half written\n", encoding="utf-8")
        raise ValueError("deliberate")

    monkeypatch.setattr(journal_module, "shutil", types.SimpleNamespace(**{**vars(shutil), "rmtree": rmtree}))
    with pytest.raises(ValueError, match="deliberate") as raised:
        guarded(project, "03_trend", (TREND,), work)
    assert any(f"{TREND}: Permission denied" in note for note in raised.value.__notes__)


# ---------------------------------------------------------------------------
# Item 9: an edit that keeps the size, the modification time and the inode
# ---------------------------------------------------------------------------


def _record_a_good_run(project: Path) -> None:
    """The runner's state and file memo as a good run on the committed outputs leaves them (no notebook runs)."""
    from helpers.pipeline import graph
    from helpers.pipeline.runner import STATE_DIR, reason_to_run, save_state

    environment = graph.environment_inputs(project)
    by_step = parameters_by_step(project, {})
    save_state(project, {s.name: {"inputs": reason_to_run(s, project, by_step[s.name], {}, False, environment)[1],
                                  "outputs": graph.outputs_digest(s, project)} for s in STEPS})
    graph.MEMO.save(project / STATE_DIR / "files.json")


def _until_the_clock_passes(folder: Path, ctime_ns: int) -> None:
    """Wait until a file changed now gets a change time after ``ctime_ns`` (file systems keep coarse clocks)."""
    import time

    probe = folder / "clock-probe"
    deadline = time.monotonic() + 60  # a hang guard only: the clock ticks every few milliseconds
    while True:
        probe.write_bytes(b"x")
        if probe.stat().st_ctime_ns > ctime_ns:
            return
        assert time.monotonic() < deadline, "the file system's change time did not move in 60 s"
        time.sleep(0.001)


def test_an_edit_that_keeps_size_mtime_and_inode_is_still_noticed(project, cli, monkeypatch):
    from helpers.pipeline import graph

    monkeypatch.setattr(graph, "MEMO", graph.FileMemo())  # the runner loads its own; put the test's back after
    _record_a_good_run(project)
    code, output = cli("status")
    assert code == 0 and all(line.startswith("skip") for line in output.splitlines()[:len(STEPS)]), output

    raw = project / "data" / "raw" / "weekly_sales.csv"
    before = raw.stat()
    _until_the_clock_passes(project / STATE_DIR, before.st_ctime_ns)
    data = raw.read_bytes()
    at = data.rindex(b"2025,") + 3  # a digit of the last row: 2025 becomes 2026, the size stays
    with open(raw, "r+b") as handle:  # in place: the same inode
        handle.seek(at)
        handle.write(b"6")
    os.utime(raw, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = raw.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    assert raw.read_bytes() != data

    code, output = cli("status")
    assert code == 0, output
    assert "run     01_ingest          inputs changed" in output, output


@pytest.mark.parametrize("value", ["../x", "byd;rm -rf ~", "BYD", "byd, ../../etc/passwd", "9byd", "byd,,$(id)"])
def test_a_brands_value_that_is_not_ids_is_refused_before_anything_runs(project, cli, value):
    before = snapshot(project)
    code, output = cli("run", "-p", f"brands={json.dumps(value)}")
    assert_refused(project, before, code, output, f"-p: brands: {value!r} is not allowed (expected {PARAMETER_BOUNDS['brands'].expected()})")


def test_a_brands_value_of_ids_no_list_prints_is_refused_naming_the_ones_it_does():
    import pandas as pd

    from helpers.models.brand_changes import parse_brands

    market = pd.DataFrame({"series": ["xiaomi", "byd", "li_auto", "nev_market_total"]})
    with pytest.raises(ValueError, match=r"'tesla' is not a brand of market_registrations.csv \(expected some of: byd, li_auto\)"):
        parse_brands("byd, tesla", market)
    assert parse_brands("li_auto,byd,byd", market) == ("byd", "li_auto")
