"""JupyterLab for the browser tests: ``make lab`` on a copy of the project, driven through its UI.

The server is started by the project's own ``make lab`` target (same entry point,
same flags) in a temporary copy of the project whose ``.venv`` is a link to the
real one, so nothing in the checkout is written.  Only the environment differs:
a known token (``JUPYTER_TOKEN``, jupyter_server's equivalent of
``--IdentityProvider.token``), a free port, ``SU7_PROJECT_ROOT`` pointing the
kernels at the copy, and Jupyter's user folders (config, runtime, lab settings
and workspaces) in the temporary folder so the user's own are not touched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

IGNORE = shutil.ignore_patterns(".venv", ".git", ".cache", "__pycache__", ".pytest_cache", ".hypothesis", "failed")
STDERR_MIME = "application/vnd.jupyter.stderr"
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 directly, whatever http_proxy says
#: Lines of an error output that name the exception (``FileNotFoundError: ...``).
ERROR_LINE = re.compile(r"^\s*(?:\w+\.)*\w*(?:Error|Exception)\b.*$", re.M)


def copy_project(root: Path, target: Path) -> Path:
    """A copy of the project like tests/test_pipeline.py's, with ``.venv`` linked to the real one."""
    shutil.copytree(root, target, ignore=IGNORE)
    (target / ".venv").symlink_to(root / ".venv", target_is_directory=True)
    return target


@dataclass
class LabServer:
    """A running ``make lab``: its base URL, token, log and process."""

    root: Path
    port: int
    token: str | None
    log: Path
    process: subprocess.Popen
    base: str = field(init=False)

    def __post_init__(self) -> None:
        self.base = f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, root: Path, port: int, scratch: Path, token: str | None, extra_env: dict | None = None) -> "LabServer":
        scratch.mkdir(parents=True, exist_ok=True)
        # as typed in a terminal: no settings from an outer make or Jupyter
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("JUPYTER", "JPY_")) and k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        env.update(
            SU7_PROJECT_ROOT=str(root),
            JUPYTER_CONFIG_DIR=str(scratch / "config"),
            JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(scratch / "lab-settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(scratch / "lab-workspaces"),
            **(extra_env or {}),
        )
        if token:
            env["JUPYTER_TOKEN"] = token
        # no answer to JupyterLab's "get notified about official Jupyter news?" here: make lab's own
        # settings must keep it from asking (test_jupyterlab_asks_nothing_about_news_...)
        log = scratch / f"make-lab-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                ["make", "--no-print-directory", "lab", f"LAB_PORT={port}"],
                cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: stop() ends make and jupyter together
            )
        return cls(root=root, port=port, token=token, log=log, process=process)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_until_up(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"make lab exited with {self.process.returncode}:\n{self.output()[-3000:]}")
            if f"127.0.0.1:{self.port}/lab" in self.output():
                try:
                    self.api("status")
                    return
                except urllib.error.HTTPError as error:
                    if error.code == 403 and not self.token:  # up; its token is in the output
                        return
                except (OSError, urllib.error.URLError):
                    pass
            time.sleep(0.3)
        raise TimeoutError(f"JupyterLab did not answer on {self.base} within {timeout:.0f} s:\n{self.output()[-3000:]}")

    def api(self, path: str, method: str = "GET", token: str | None = None):
        """A call to the Jupyter server's REST API, authenticated with the token."""
        request = urllib.request.Request(f"{self.base}/api/{path}", method=method)
        if token or self.token:
            request.add_header("Authorization", f"token {token or self.token}")
        with _NO_PROXY.open(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def lab_api(self, path: str):
        """A GET of JupyterLab's own REST API (``/lab/api/...``: settings, workspaces), with the token."""
        request = urllib.request.Request(f"{self.base}/lab/api/{path}")
        if self.token:
            request.add_header("Authorization", f"token {self.token}")
        with _NO_PROXY.open(request, timeout=10) as response:
            return json.loads(response.read())

    def shutdown_kernels(self) -> None:
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")

    def stop(self, timeout: float = 30) -> int:
        """Terminate make and JupyterLab (its process group) and wait; kernels are shut down first."""
        if self.process.poll() is None:
            try:
                self.shutdown_kernels()
            except (OSError, urllib.error.URLError):
                pass
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        return self.process.returncode


# ---------------------------------------------------------------------------
# Driving a notebook through the UI
# ---------------------------------------------------------------------------

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
KERNEL_STATUS = '.jp-StatusBar-TextItem[title^="Change kernel"]'

#: JavaScript: watch the prompts; every code cell turns to [*] when "Run All" queues it.
#: (The committed notebook already shows [1], [2], ... before anything runs.)
_WATCH_QUEUE = """(panel) => {
    window.__su7SawQueued = false;
    const queued = () => [...document.querySelectorAll(panel + ' .jp-CodeCell .jp-InputArea-prompt')]
        .some(p => p.textContent.includes('*'));
    window.__su7Queued = queued;
    new MutationObserver(() => { if (queued()) window.__su7SawQueued = true; })
        .observe(document.querySelector(panel), {subtree: true, childList: true, characterData: true});
}"""
#: JavaScript: the run is over: a queued cell was seen, none is left, the kernel reads Idle.
_RUN_FINISHED = """(status) => {
    const kernel = document.querySelector(status);
    return window.__su7SawQueued === true && !window.__su7Queued()
        && kernel !== null && /\\|\\s*Idle/.test(kernel.textContent);
}"""


@dataclass
class NotebookRun:
    """What the JupyterLab UI showed after running a notebook."""

    name: str
    prompts: list[str]
    cell_kinds: list[str]
    images: list[list[int]]  # per cell: naturalWidth of each <img> in its outputs
    stderr: list[tuple[int, str]]  # (cell index, text) of every stderr/error output
    text: str  # the text of every output
    kernel_status: str
    screenshot: Path
    console_errors: list[str]
    elapsed: float

    def errors(self) -> list[str]:
        """Outputs that show an exception, as ``cell N: <the exception line>``."""
        found = []
        for index, text in self.stderr:
            lines = ERROR_LINE.findall(text)
            if "Traceback" in text or lines:
                found.append(f"cell {index}: {(lines[-1] if lines else text.strip().splitlines()[-1]).strip()}")
        return found


#: JavaScript: the label of the main area's current tab (``02_clean.ipynb``), or null.
_CURRENT_TAB = """() => {
    const label = document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel');
    return label ? label.textContent.trim() : null;
}"""


def showing_lab(page, lab: LabServer) -> bool:
    """Whether the page shows this server's JupyterLab, started and with no dialog open."""
    if not page.url.startswith(f"{lab.base}/lab"):
        return False
    return page.locator("#jp-main-statusbar").count() == 1 and page.locator(".jp-Dialog").count() == 0


def open_notebook(page, lab: LabServer, name: str, timeout: float) -> None:
    """Open ``notebooks/<name>.ipynb`` as an analyst does and wait for its kernel.

    A page that does not show JupyterLab yet loads lab/tree/NAME.ipynb (``?reset``: a fresh
    workspace).  A page that does opens the next notebook from the file browser (a double
    click), as an analyst keeps one JupyterLab open: starting the app is about 3.5 s of the
    browser's CPU, more than most notebooks take to run.
    """
    if showing_lab(page, lab):
        listing = page.locator(".jp-DirListing-content")
        item = listing.get_by_text(f"{name}.ipynb", exact=True)
        if item.count() == 0:  # a file written since the listing was read
            page.locator('.jp-FileBrowser-toolbar [data-command="filebrowser:refresh"]').click()
            item.wait_for(timeout=10_000)
        item.dblclick()
    else:
        page.goto(f"{lab.base}/lab/tree/{name}.ipynb?reset&token={lab.token}", wait_until="domcontentloaded")
    page.wait_for_function(f"() => ({_CURRENT_TAB})() === {json.dumps(name + '.ipynb')}", timeout=timeout * 1000)
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=timeout * 1000)
    page.wait_for_function(
        "(s) => { const k = document.querySelector(s); return k && /\\|\\s*Idle/.test(k.textContent); }",
        arg=KERNEL_STATUS, timeout=timeout * 1000,
    )


def restart_and_run_all(page, timeout: float) -> None:
    """Kernel > Restart Kernel and Run All Cells…, accept the dialog, wait for the run to end."""
    page.evaluate(_WATCH_QUEUE, PANEL)
    page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").click()
    page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel and Run All Cells").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=10_000)
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    page.wait_for_function(_RUN_FINISHED, arg=KERNEL_STATUS, timeout=timeout * 1000, polling=100)


def read_notebook_ui(page) -> dict:
    """Prompts, image sizes, stderr outputs and text of the open notebook, cell by cell."""
    page.wait_for_function(  # every image in an output finished decoding (or failed)
        "(p) => [...document.querySelectorAll(p + ' .jp-OutputArea-output img')].every(i => i.complete)",
        arg=PANEL, timeout=30_000,
    )
    return page.evaluate(
        """([panel, mime]) => {
        const cells = [...document.querySelectorAll(panel + ' .jp-Notebook .jp-Cell')];
        return {
            kinds: cells.map(c => c.classList.contains('jp-CodeCell') ? 'code'
                                 : c.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw'),
            prompts: cells.map(c => { const p = c.querySelector('.jp-InputArea-prompt');
                                      return c.classList.contains('jp-CodeCell') && p ? p.textContent.trim() : null; }),
            images: cells.map(c => [...c.querySelectorAll('.jp-OutputArea-output img')].map(i => i.naturalWidth)),
            stderr: cells.flatMap((c, i) => [...c.querySelectorAll(
                        `.jp-OutputArea-output[data-mime-type="${mime}"]`)].map(o => [i, o.textContent])),
            // textContent, not innerText: cells out of view are not rendered (content-visibility)
            text: cells.map(c => [...c.querySelectorAll('.jp-OutputArea-output')]
                                   .map(o => o.textContent).join('\\n')).join('\\n'),
        };
    }""",
        [PANEL, STDERR_MIME],
    )


def run_notebook(page, lab: LabServer, name: str, screenshots: Path, timeout: float = 120) -> NotebookRun:
    """Open a notebook in JupyterLab, restart its kernel and run every cell through the UI."""
    console: list[str] = []

    def listen(msg) -> None:
        if msg.type == "error":
            console.append(msg.text)

    page.on("console", listen)
    started = time.monotonic()
    shot = screenshots / f"{name}.png"
    try:
        open_notebook(page, lab, name, timeout)
        restart_and_run_all(page, timeout)
    except Exception as error:
        page.screenshot(path=str(shot))
        console_text = "".join(f"\n  console error: {c[:200]}" for c in console[:5])
        raise AssertionError(f"{name} in JupyterLab: {error}\n  screenshot: {shot}{console_text}") from error
    finally:
        page.remove_listener("console", listen)
    ui = read_notebook_ui(page)
    run = NotebookRun(
        name=name, prompts=ui["prompts"], cell_kinds=ui["kinds"], images=ui["images"],
        stderr=[(i, t) for i, t in ui["stderr"]], text=ui["text"],
        kernel_status=page.locator(KERNEL_STATUS).inner_text(), screenshot=shot,
        console_errors=console, elapsed=time.monotonic() - started,
    )
    # photograph the first error if there is one, else the last figure, else the top
    errors = page.locator(f'{PANEL} .jp-OutputArea-output[data-mime-type="{STDERR_MIME}"]')
    images = page.locator(f"{PANEL} .jp-OutputArea-output img")
    target = errors.first if errors.count() else images.last if images.count() else None
    if target is not None:  # its end in view: an error's last line names the exception
        target.evaluate("el => el.scrollIntoView({block: 'end'})")
    page.screenshot(path=str(shot))
    return run


def run_scratch_cell(page, code: str, timeout: float = 30) -> str:
    """Add a cell below the last one, type ``code``, run it (Shift+Enter) and return its output text."""
    cells = page.locator(f"{PANEL} .jp-Notebook .jp-Cell")
    before = cells.count()
    cells.last.locator(".jp-InputPrompt").first.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # command mode: insert a cell below
    page.wait_for_function(
        "([p, n]) => document.querySelectorAll(p + ' .jp-Notebook .jp-Cell').length > n", arg=[PANEL, before]
    )
    scratch = cells.nth(before)
    scratch.locator(".cm-content").click()
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")
    prompt = scratch.locator(".jp-InputArea-prompt")
    page.wait_for_function(
        "(el) => /\\[\\d+\\]/.test(el.textContent)", arg=prompt.element_handle(), timeout=timeout * 1000
    )
    return scratch.locator(".jp-OutputArea").inner_text()
