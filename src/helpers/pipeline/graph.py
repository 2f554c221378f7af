"""The steps as the runner sees them (from the registry, :mod:`helpers.steps`) and their fingerprints.

``docs/pipeline.md`` lists a fingerprint's parts.  Standard library only, so that a run with
nothing to do answers in a fraction of a second.
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import json
import os
import platform
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from helpers import steps as registry
from helpers.atomic import write_json_atomic
from helpers.pipeline.notebook_files import INJECTED_TAG


@dataclass(frozen=True)
class Step:
    """One notebook: what it reads and writes (paths relative to the project root)."""

    name: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    after: tuple[str, ...] = ()

    @property
    def notebook(self) -> str:
        return f"notebooks/{self.name}.ipynb"

    @property
    def outputs(self) -> tuple[str, ...]:
        """Everything a run of this step may change: its declared writes and the notebook itself."""
        return (*self.writes, self.notebook)


#: Every notebook step, in the registry's order (one they can run in).
STEPS: tuple[Step, ...] = tuple(Step(spec.name, reads=registry.step_reads(spec), writes=spec.writes,
                                     after=registry.after(spec.name)) for spec in registry.STEPS)
#: Not a notebook: the HTML report and ``reports/summary.json``, made after the notebooks from what they wrote.
REPORT_READS = registry.report_reads()
REPORT_WRITES = ("reports/html", "reports/summary.json")
STEPS_BY_NAME: dict[str, Step] = {s.name: s for s in STEPS}
#: Files whose change means "the environment changed": every step reruns.
ENVIRONMENT_FILES = ("requirements.lock",)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileMemo:
    """What is known of a file's content (its sha256, the modules it imports), by its stat, like git's index:
    a file whose size, modification and change times and inode are unchanged is not read again."""

    def __init__(self, entries: dict[str, dict[str, Any]] | None = None):
        self.entries: dict[str, dict[str, Any]] = entries or {}

    def _remembered(self, path: Path, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()``'s answer for ``path``, worked out again only when the file's stat changed."""
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
        entry = self.entries.get(str(path))
        if entry is None or entry.get("stamp") != stamp:
            entry = self.entries[str(path)] = {"stamp": stamp}
        if key not in entry:
            entry[key] = compute()
        return entry[key]

    def sha(self, path: Path) -> str:
        return self._remembered(path, "sha", lambda: _sha(path.read_bytes()))

    def helpers_imports(self, path: Path) -> list[str]:
        return self._remembered(path, "imports", lambda: sorted(_helpers_imported(ast.parse(path.read_text("utf-8")))))

    def notebook_facts(self, path: Path) -> dict[str, Any]:
        """A notebook's ``helpers`` imports and its source digest (:func:`notebook_source_digest`)."""
        def facts(nb: dict[str, Any]) -> dict[str, Any]:
            return {"imports": sorted(notebook_imports(nb)), "source_digest": notebook_source_digest(nb)}

        return self._remembered(path, "notebook", lambda: facts(read_notebook(path)))

    def names_in(self, folder: Path) -> list[str]:
        """The names in a folder (empty when it is none), by the folder's own stat (which a new name changes)."""
        try:
            st = folder.stat()
        except OSError:
            return []
        key, stamp = f"{folder}{os.sep}", [st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
        entry = self.entries.get(key)
        if entry is None or entry.get("stamp") != stamp:
            names = sorted(os.listdir(folder)) if folder.is_dir() else []
            entry = self.entries[key] = {"stamp": stamp, "names": names}
        return entry["names"]

    @classmethod
    def load(cls, path: Path) -> "FileMemo":
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return cls()

    def save(self, path: Path) -> None:
        write_json_atomic(path, {k: v for k, v in self.entries.items() if os.path.exists(k)})


#: The memo the fingerprints use (the runner loads and saves it; by itself it lives for one process).
MEMO = FileMemo()


def code_cells(nb: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]


def cell_text(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell: Mapping[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def read_notebook(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def notebook_source_digest(nb: Mapping[str, Any]) -> str:
    """Hash of what a person wrote: cell types and sources, not outputs or injected cells."""
    parts = [[c.get("cell_type"), cell_text(c)] for c in nb.get("cells", []) if INJECTED_TAG not in _tags(c)]
    return _sha(json.dumps(parts, ensure_ascii=False).encode("utf-8"))


#: The default of a parameter whose value in the ``parameters`` cell is not a literal (an expression).
NOT_A_LITERAL = object()


def declared_defaults(nb: Mapping[str, Any]) -> dict[str, Any]:
    """Each parameter of the cell tagged ``parameters`` with its default (:data:`NOT_A_LITERAL` when not a literal).

    >>> declared_defaults({"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]},
    ...                               "source": "horizon = 4  # weeks\\nthrough_week = None\\nlang: str = 'en'"}]})
    {'horizon': 4, 'through_week': None, 'lang': 'en'}
    """
    defaults: dict[str, Any] = {}
    for cell in code_cells(nb):
        if "parameters" in _tags(cell):
            for node in ast.parse(cell_text(cell)).body:
                if not isinstance(node, (ast.Assign, ast.AnnAssign)):
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                try:
                    value = ast.literal_eval(node.value) if node.value is not None else NOT_A_LITERAL
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    value = NOT_A_LITERAL
                defaults.update({t.id: value for t in targets if isinstance(t, ast.Name)})
    return defaults


def _helpers_imported(tree: ast.AST) -> set[str]:
    """Dotted names below ``helpers`` that ``tree`` imports, anywhere in it.

    ``from helpers.models import trend`` gives both ``models`` and ``models.trend``
    (the second may be a module or only a name; :func:`module_file` decides).

    >>> sorted(_helpers_imported(ast.parse("from helpers.models import trend\\nimport helpers.data.weeks")))
    ['data.weeks', 'models', 'models.trend']
    """
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("helpers."):
                    found.add(alias.name.removeprefix("helpers."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "helpers":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("helpers."):
                package = node.module.removeprefix("helpers.")
                found.add(package)
                found.update(f"{package}.{alias.name}" for alias in node.names)
    return found


def notebook_imports(nb: Mapping[str, Any]) -> set[str]:
    """``helpers`` modules imported by a notebook's code cells (cells that do not parse are skipped)."""
    found: set[str] = set()
    for cell in code_cells(nb):
        lines = [ln for ln in cell_text(cell).splitlines() if not ln.lstrip().startswith(("%", "!"))]
        try:
            found |= _helpers_imported(ast.parse("\n".join(lines)))
        except SyntaxError:
            continue
    return found


def module_file(name: str, helpers_dir: Path) -> Path | None:
    """The file of ``helpers.<name>`` (a module or a package's ``__init__.py``), or ``None`` for a plain name."""
    base = helpers_dir.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.name in MEMO.names_in(path.parent):
            return path
    return None


#: Data files a module may read from its own folder (``pyproject.toml``'s package data: ``labels/labels.toml``,
#: the bundled CJK font ``figures/fonts/*.otf``).
PACKAGE_DATA_PATTERNS = ("*.toml", "fonts/*.otf", "fonts/*.json")


def helper_closure(modules: Iterable[str], helpers_dir: Path) -> list[Path]:
    """The files of ``modules``, of their packages and of every ``helpers`` module they import, sorted,
    with the data files beside each (:data:`PACKAGE_DATA_PATTERNS`)."""
    seen: set[str] = set()
    files: set[Path] = {helpers_dir / "__init__.py"}
    todo = list(modules)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = module_file(name, helpers_dir)
        if path is None:
            continue
        files.add(path)
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # parent packages run first
        todo.extend(MEMO.helpers_imports(path))
    for module_folder in {p.parent for p in files}:
        for pattern in PACKAGE_DATA_PATTERNS:
            folder, _, names = module_folder.joinpath(pattern).as_posix().rpartition("/")
            files.update(Path(folder) / n for n in fnmatch.filter(MEMO.names_in(Path(folder)), names))
    return sorted(files)


def is_pattern(rel: str) -> bool:
    """Whether a declared path is a glob pattern (``reports/figures/06_*``) rather than a path."""
    return bool(set("*?[") & set(rel))


def files_under(root: Path, rel_paths: Iterable[str]) -> list[Path]:
    """Every file at or under the given paths or glob patterns (sorted; '.~' scratch files left out).
    Patterns let two steps write into one folder without claiming each other's files."""
    files: list[Path] = []
    for rel in rel_paths:
        matches = sorted(root.glob(rel)) if is_pattern(rel) else [root / rel]
        for path in matches:
            if path.is_file():
                files.append(path)
            elif path.is_dir():
                files.extend(p for p in path.rglob("*") if p.is_file())
    return sorted({p for p in files if not p.name.startswith(".~")})


def digest_files(root: Path, files: Iterable[Path]) -> str:
    """One hash over the relative names and bytes of ``files``."""
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(MEMO.sha(path).encode("ascii") + b"\n")
    return h.hexdigest()


#: Environment variables that change what a notebook computes or draws (their values are fingerprinted):
#: matplotlib's configuration and backend, which code ``import helpers`` finds, hash and time seeds, BLAS kernels.
OUTPUT_VARIABLES = ("MATPLOTLIBRC", "MPLCONFIGDIR", "MPLBACKEND", "PYTHONPATH", "PYTHONHASHSEED",
                    "SOURCE_DATE_EPOCH", "TZ", "OPENBLAS_CORETYPE")


def installed_distributions() -> list[str]:
    """``name-version`` of every distribution in this interpreter's (the kernels') site-packages, sorted."""
    folders = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    found: set[str] = set()
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        found.update(n.rsplit(".", 1)[0] for n in names if n.endswith((".dist-info", ".egg-info")))
    return sorted(found)


def matplotlibrc_files(notebooks_dir: Path) -> list[Path]:
    """The user ``matplotlibrc`` files matplotlib would read before its own defaults (those that exist), in
    its order: ``$MATPLOTLIBRC``, the working directory, ``$MPLCONFIGDIR`` or ``~/.config/matplotlib``."""
    candidates = []
    if os.environ.get("MATPLOTLIBRC"):
        rc = Path(os.environ["MATPLOTLIBRC"])
        candidates.append(rc / "matplotlibrc" if rc.is_dir() else rc)
    candidates.append(notebooks_dir / "matplotlibrc")
    config = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config"), "matplotlib")
    candidates.append(Path(config) / "matplotlibrc")
    return [c for c in candidates if c.is_file()]


def environment_inputs(root: Path) -> dict[str, str]:
    """The parts of every fingerprint that are the environment: the lock, what is installed, the settings."""
    settings = {name: os.environ.get(name) for name in OUTPUT_VARIABLES}
    rc_files = matplotlibrc_files(root / "notebooks")
    settings["matplotlibrc"] = [[str(p), _sha(p.read_bytes())] for p in rc_files]
    installed = {"python": [sys.version, platform.machine()], "distributions": installed_distributions()}
    return {
        "environment": digest_files(root, files_under(root, ENVIRONMENT_FILES)),
        "installed": _sha(json.dumps(installed).encode("utf-8")),
        "settings": _sha(json.dumps(settings, sort_keys=True).encode("utf-8")),
    }


def step_inputs(step: Step, root: Path, parameters: Mapping[str, Any],
                environment: Mapping[str, str] | None = None) -> dict[str, str]:
    """The parts of a step's fingerprint, each a hash, by name (names explain a rerun).

    ``environment``: :func:`environment_inputs`, when the caller has it already."""
    facts = MEMO.notebook_facts(root / step.notebook)
    helpers = helper_closure(facts["imports"], root / "src" / "helpers")
    return {
        "notebook": facts["source_digest"],
        "parameters": _sha(json.dumps(dict(parameters), sort_keys=True, default=str).encode("utf-8")),
        "helpers": digest_files(root, helpers),
        "inputs": digest_files(root, files_under(root, step.reads)),
        **(environment if environment is not None else environment_inputs(root)),
    }


def report_inputs(root: Path) -> dict[str, str]:
    """The parts of the HTML report's fingerprint (see :data:`REPORT_READS`)."""
    return {
        "helpers": digest_files(root, helper_closure({"report.html"}, root / "src" / "helpers")),
        "inputs": digest_files(root, files_under(root, REPORT_READS)),
        **environment_inputs(root),
    }


def outputs_digest(step: Step, root: Path) -> str:
    """Hash of everything the step wrote, the executed notebook included."""
    return digest_files(root, files_under(root, step.outputs))


def why_rerun(previous: Mapping[str, Any] | None, inputs: Mapping[str, str], outputs: str) -> str | None:
    """Why a step must run, in words (``notebook, helpers changed``), or ``None`` when its last good run stands."""
    if not previous:
        return "no previous run recorded"
    changed = [k for k, v in inputs.items() if previous.get("inputs", {}).get(k) != v]
    if changed:
        return f"{', '.join(changed)} changed"
    if previous.get("outputs") != outputs:
        return "outputs differ from the last good run"
    return None
