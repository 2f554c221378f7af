"""The notebooks in JupyterLab, as an analyst runs them: ``make lab``, then Kernel > Restart and Run All.

The server is the project's ``make lab`` on a temporary copy of the project (see
``lab.py``), so running the notebooks writes only into the copy.  For each
numbered notebook the test opens it (the first at lab/tree/NAME.ipynb, the next
ones from the file browser of the same JupyterLab, as an analyst keeps one open),
restarts the kernel and runs every cell through the menu, then checks what the
page shows: every cell ran, no output shows an exception, every figure of the
committed notebook is an image in the page, the headline numbers agree with
reports/summary.json, and the kernel is the project's ``.venv``.  A screenshot of each notebook is saved; its
path is in every failure message.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import subprocess
import time
import urllib.error
from pathlib import Path

import pytest

from helpers.labels import name_of

from tests.conftest import ROOT

from .lab import LabServer, NotebookRun, copy_project, run_notebook, run_scratch_cell
from .support import free_port, make_available, require_browser

require_browser()

NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TOKEN = secrets.token_hex(24)
TIMEOUT = 120  # seconds per notebook: open, restart, run all
VENV = ROOT / ".venv"
SCRATCH = (
    "import os, sys\n"
    "from jupyter_client.kernelspec import KernelSpecManager\n"
    "spec = KernelSpecManager().get_kernel_spec('python3')\n"
    "print('executable', sys.executable)\n"
    "print('prefix', sys.prefix)\n"
    "print('cwd', os.getcwd())\n"
    "print('project', os.environ.get('SU7_PROJECT_ROOT'))\n"
    "print('kernelspec', spec.resource_dir)\n"
    "print('argv0', spec.argv[0])"
)


# ---------------------------------------------------------------------------
# Fixtures: one copy of the project and one `make lab` for the module
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    if not (VENV / "bin" / "python").is_file():
        pytest.skip(f"JupyterLab tests need the project's {VENV} (make venv)")
    if not make_available():
        pytest.skip("JupyterLab tests start `make lab`: make not found")
    copy = copy_project(ROOT, tmp_path_factory.mktemp("lab") / "project")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    stale = subprocess.run(["make", "-s", "-n", "venv"], cwd=copy, env=env, capture_output=True, text=True)
    if stale.returncode != 0 or stale.stdout.strip():
        pytest.skip(f"{VENV} does not match requirements.lock (make venv), so make lab would reinstall it")
    return copy


@pytest.fixture(scope="module")
def committed(project) -> dict:
    """The notebooks and summary.json as committed (read from the copy before anything runs)."""
    notebooks = {n: json.loads((project / "notebooks" / f"{n}.ipynb").read_text(encoding="utf-8")) for n in NOTEBOOKS}
    summary = json.loads((project / "reports" / "summary.json").read_text(encoding="utf-8"))
    return {"notebooks": notebooks, "summary": summary}


@pytest.fixture(scope="module")
def lab(project, committed, tmp_path_factory):
    server = LabServer.start(project, free_port(), tmp_path_factory.mktemp("lab-home"), token=TOKEN)
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()
        assert not port_open(server.port), f"something still listens on {server.base} after make lab was stopped"


@contextlib.contextmanager
def lab_only_page(browser, lab):
    """A page in a browser context of its own whose requests may go to the lab server only: the others
    are aborted and listed in ``page.blocked``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []

    def route(route):
        if route.request.url.startswith(lab.base):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.blocked = blocked
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser, lab):
    """A new browser, for a test of how JupyterLab starts (:func:`lab_only_page`)."""
    with lab_only_page(browser, lab) as page:
        yield page


@pytest.fixture(scope="module")
def lab_tab(browser, lab):
    """One tab for the module's notebooks, as an analyst keeps one JupyterLab open: the first notebook
    loads lab/tree/NAME.ipynb, the next ones are opened from its file browser (``lab.open_notebook``)."""
    with lab_only_page(browser, lab) as page:
        yield page


@pytest.fixture
def notebook_page(lab_tab):
    """The module's tab, its list of blocked requests emptied for this test."""
    del lab_tab.blocked[:]
    return lab_tab


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

def week_span(first: str, last: str) -> str:
    """How the report writes a span of weeks: ``2025-W14–W23`` within a year (written here, not imported)."""
    return f"{first}\N{EN DASH}{last[5:] if first[:4] == last[:4] else last}"


def fmt(x: float) -> str:
    """A number as the notebooks print it: thousands separators, no decimals, a real minus sign."""
    return f"{x:,.0f}".replace("-", "\N{MINUS SIGN}")


def headline_problems(name: str, text: str, summary: dict) -> list[str]:
    """The trend numbers printed by 03 and 05, read from the page, against reports/summary.json."""
    text = re.sub(r"\s+", " ", text)
    trend = summary["trend"]
    lo, hi = trend["slope_ci95"]
    problems: list[str] = []

    def compare(what: str, shown: tuple, expected: tuple) -> None:
        if tuple(shown) != tuple(expected):
            problems.append(f"{name}: {what} shows {shown}, reports/summary.json gives {expected}")

    series, model = trend["series"], trend["model"]
    who = re.escape(name_of("later_series", series))  # the notebook names the series as the figures do
    if name.startswith("03"):
        fit = re.search(
            rf"{who}, {model}\. Over the (\d+) weeks (\S+) the {model} trend is (\S+) units a week "
            r"\(95% CI (\S+) to (\S+)\)", text)
        if not fit:
            problems.append(f"{name}: the {series} {model} fit sentence is not on the page")
        else:
            n, span, slope, shown_lo, shown_hi = fit.groups()
            compare("the fit", (int(n), slope, shown_lo, shown_hi), (trend["n_weeks"], fmt(trend["slope_units_per_week"]), fmt(lo), fmt(hi)))
            if not (span.startswith(trend["first_week"]) and span.endswith(trend["last_week"].split("-")[1])):
                problems.append(f"{name}: the fit covers {span}, summary.json {trend['first_week']}..{trend['last_week']}")
        forecast = re.search(
            rf"{who}, {model}\. If the trend of \S+ continued, (\S+) would bring (\S+) units "
            r"\(95% prediction interval (\S+) to (\S+)\) and (\S+) (\S+) \((\S+) to (\S+)\)", text)
        if not forecast:
            problems.append(f"{name}: the {series} {model} forecast sentence is not on the page")
        else:
            first, last = trend["forecast"][0], trend["forecast"][-1]
            compare("the forecast", forecast.groups(), (
                first["week"], fmt(first["mean"]), fmt(first["pi95"][0]), fmt(first["pi95"][1]),
                last["week"], fmt(last["mean"]), fmt(last["pi95"][0]), fmt(last["pi95"][1])))
    if name.startswith("06"):
        headline = re.search(
            r"Headline\. Over (\S+) the (\w+) trend of weekly (\S+) insurance registrations is (\S+) units a week "
            r"\(95% CI (\S+) to (\S+); n = (\d+) weeks", text)
        if not headline:
            problems.append(f"{name}: the headline sentence is not on the page")
        else:
            compare("the headline", headline.groups(), (
                week_span(trend["first_week"], trend["last_week"]), model, series, fmt(trend["slope_units_per_week"]),
                fmt(lo), fmt(hi), str(trend["n_weeks"])))
        audit = re.search(r"The audit checked (\d+) claims: (\d+) consistent, (\d+) inconsistent, (\d+) unverifiable", text)
        verdicts = [c["verdict"] for c in summary["claims"]]
        expected = tuple(str(v) for v in (len(verdicts), verdicts.count("consistent"),
                                          verdicts.count("inconsistent"), verdicts.count("unverifiable")))
        if not audit:
            problems.append(f"{name}: the claims-audit count is not on the page")
        else:
            compare("the audit counts", audit.groups(), expected)
    return problems


def notebook_problems(run: NotebookRun, notebook: dict, summary: dict) -> list[str]:
    """Everything the page shows that an analyst would call broken."""
    problems = list(run.errors())
    cells = notebook["cells"]
    kinds = [c["cell_type"] for c in cells]
    if run.cell_kinds != kinds:
        return problems + [f"the page shows {len(run.cell_kinds)} cells, the notebook has {len(kinds)}"]
    for i, (cell, prompt) in enumerate(zip(cells, run.prompts)):
        if cell["cell_type"] != "code":
            continue
        if not re.fullmatch(r"\[\d+\]:", prompt or ""):
            problems.append(f"cell {i} did not run (prompt {prompt!r})")
        pngs = sum("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
        shown = run.images[i]
        if pngs and (len(shown) < pngs or not all(width > 0 for width in shown)):
            problems.append(f"cell {i}: the committed notebook has {pngs} figure(s), the page shows "
                            f"{len(shown)} decoded image(s) (widths {shown})")
    if not run.kernel_status.startswith("Python 3 (ipykernel)"):
        problems.append(f"kernel shown: {run.kernel_status!r}, expected 'Python 3 (ipykernel)'")
    return problems + headline_problems(run.name, run.text, summary)


def failure(run: NotebookRun, problems: list[str], extra: str = "") -> str:
    console = "".join(f"\n  console error: {c[:200]}" for c in run.console_errors[:5])
    return (f"{run.name} in JupyterLab ({run.elapsed:.0f} s):\n  " + "\n  ".join(problems)
            + f"\n  screenshot: {run.screenshot}{console}{extra}")


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def session_for(lab: LabServer, name: str) -> dict | None:
    return next((s for s in lab.api("sessions") if s["path"].endswith(f"{name}.ipynb")), None)


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_restarts_and_runs_all_cells_in_jupyterlab_with_the_venv_kernel(name, lab, notebook_page, committed, screenshots,
                                                                                 project):
    page = notebook_page
    notebook = committed["notebooks"][name]
    run = run_notebook(page, lab, name, screenshots, timeout=TIMEOUT)
    problems = notebook_problems(run, notebook, committed["summary"])

    # the kernel: the notebook's declared kernelspec, run by the project's .venv interpreter
    session = session_for(lab, name)
    declared = notebook["metadata"]["kernelspec"]["name"]
    if session is None or session["kernel"]["name"] != declared:
        problems.append(f"the server's session for {name} is {session}, expected kernel {declared!r}")
    shown = dict(line.split(" ", 1) for line in run_scratch_cell(page, SCRATCH).strip().splitlines() if " " in line)
    page.screenshot(path=str(run.screenshot.with_name(f"{name}-kernel.png")))
    venv = VENV.resolve()
    executable = Path(shown.get("executable", "?"))
    if executable.parent.resolve() != venv / "bin" or Path(shown.get("prefix", "/")).resolve() != venv:
        problems.append(f"the kernel runs {executable} (prefix {shown.get('prefix')}), not {venv}/bin/python")
    if not Path(shown.get("kernelspec", "/")).resolve().is_relative_to(venv):
        problems.append(f"the python3 kernelspec comes from {shown.get('kernelspec')}, not from {venv}/share/jupyter")
    if shown.get("cwd") != str(project / "notebooks") or shown.get("project") != str(project):
        problems.append(f"the kernel runs in {shown.get('cwd')} with SU7_PROJECT_ROOT={shown.get('project')}, "
                        f"expected the copy {project}")
    if page.blocked:
        problems.append(f"requests that would have left the machine (blocked): {page.blocked[:5]}")
    if session:  # free the kernel's memory for the next notebook
        lab.api(f"sessions/{session['id']}", method="DELETE")
    assert not problems, failure(run, problems, f"\n  kernel: {shown}")


NEWS_PROMPT = "get notified about official Jupyter news"
NOTIFICATION_PLUGIN = "@jupyterlab/apputils-extension:notification"


def test_jupyterlab_asks_nothing_about_news_and_checks_nothing_online(lab, page, screenshots):
    """Offline analysts: no "official Jupyter news?" toast, news and update checks off by the project's settings.

    The lab runs with empty user settings (``JUPYTERLAB_SETTINGS_DIR`` is a new folder), so
    whatever turns the checks off comes from ``make lab`` itself.
    """
    setting = lab.lab_api(f"settings/{NOTIFICATION_PLUGIN}")
    defaults = {k: v.get("default") for k, v in setting["schema"]["properties"].items()}  # overrides applied
    assert (defaults["fetchNews"], defaults["checkForUpdates"]) == ("false", False), defaults
    assert setting["settings"] == {}, f"the user settings hold {setting['raw']!r}: the defaults must do it"
    assert not any((lab.log.parent / "lab-settings").rglob("*.jupyterlab-settings")), "user settings were written"

    page.goto(f"{lab.base}/lab?reset&token={lab.token}", wait_until="domcontentloaded")
    page.wait_for_selector("#jp-main-statusbar", timeout=60_000)
    config = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent)")
    # the prompt is emitted once the app is restored and the settings are loaded; give it time to show
    page.wait_for_timeout(3000)
    shot = screenshots / "lab-no-news-prompt.png"
    page.screenshot(path=str(shot))
    shown = page.get_by_text(NEWS_PROMPT).count()
    assert shown == 0, f"JupyterLab asks {NEWS_PROMPT!r} (screenshot: {shot})"
    assert config.get("news", {}).get("disabled") is True, f"the server would fetch the news feed: {config.get('news')}"
    assert not page.blocked, f"requests that would have left the machine (blocked): {page.blocked[:5]}"


def test_the_default_kernel_is_python3_and_jupyter_client_runs_it_with_the_server_python(lab):
    specs = lab.api("kernelspecs")
    assert specs["default"] == "python3", specs["default"]
    spec = specs["kernelspecs"]["python3"]["spec"]
    assert spec["display_name"] == "Python 3 (ipykernel)", spec
    argv0 = spec["argv"][0]
    # "python" is replaced by jupyter_client with the server's own sys.executable, .venv/bin/python
    assert argv0 in ("python", "python3") or Path(argv0).parent.resolve() == (VENV / "bin").resolve(), spec["argv"]
    first_line = lab.output().splitlines()[0]
    assert first_line.startswith(".venv/bin/python -m jupyter lab "), first_line


def test_reading_data_relative_to_the_working_directory_shows_an_error_in_jupyterlab(lab, notebook_page, committed, screenshots,
                                                                                    project):
    """The check can fail: 01_ingest with its read replaced by a path relative to the current directory.

    Under papermill (run from the project root) such a path would work; in JupyterLab the
    kernel runs in notebooks/, so the page must show the FileNotFoundError.
    """
    notebook = json.loads(json.dumps(committed["notebooks"]["01_ingest"]))
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code" and "ingest_raw()" in "".join(c["source"]))
    cell["source"] = "import pandas as pd\n\ninventory = pd.read_csv('data/raw/weekly_sales.csv')\ninventory"
    name = "01_ingest_cwd_relative"
    (project / "notebooks" / f"{name}.ipynb").write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    run = run_notebook(notebook_page, lab, name, screenshots, timeout=TIMEOUT)
    problems = notebook_problems(run, notebook, committed["summary"])
    assert any("FileNotFoundError" in p and "data/raw/weekly_sales.csv" in p for p in problems), failure(
        run, problems or ["no error shown for a path relative to the working directory"])
    assert any("did not run" in p for p in problems), failure(run, problems)


def test_make_lab_prints_its_url_with_a_token_opens_no_browser_and_listens_on_127_0_0_1(project, tmp_path):
    fake_browser = tmp_path / "browser.sh"
    opened = tmp_path / "browser-was-opened"
    fake_browser.write_text(f"#!/bin/sh\necho \"$@\" > {opened}\n")
    fake_browser.chmod(0o755)
    port = free_port()
    server = LabServer.start(project, port, tmp_path / "home", token=None, extra_env={"BROWSER": str(fake_browser)})
    try:
        server.wait_until_up()
        printed = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=([0-9a-f]{{32,}})", server.output())
        assert printed, f"make lab did not print its URL with the token:\n{server.output()[-2000:]}"
        token = printed.group(1)
        assert server.api("status", token=token) is not None
        with pytest.raises(urllib.error.HTTPError) as refused:
            server.api("status", token="not-the-token")
        assert refused.value.code == 403
        listening = listening_addresses(port)
        assert listening == {"127.0.0.1"}, f"make lab listens on {listening}, expected 127.0.0.1 only"
        time.sleep(1)
        assert not opened.exists(), f"make lab opened a browser: {opened.read_text()}"
    finally:
        server.stop()
    assert not port_open(port)


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state != "0A" or int(hex_port, 16) != port:
                continue
            if len(address) == 8:
                found.add(".".join(str(b) for b in reversed(bytes.fromhex(address))))
            else:
                found.add("::1" if address == "00000000000000000000000001000000" else f"ipv6:{address}")
    return found
