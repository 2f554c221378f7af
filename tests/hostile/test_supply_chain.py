"""What gets installed is what the lock says, hashed; the lock says nothing about one machine (issue 21, item 10).

* the build backend (setuptools) is a hashed pin of ``requirements.lock`` and ``make venv`` builds
  the project with it, without build isolation and without an index: nothing is downloaded that
  the lock does not name and hash;
* the lock holds hashed pins and comments only: no ``--find-links /opt/wheels`` or other pip option
  of the machine that locked it, and ``make lock`` cannot write one (``--no-emit-options``, and
  ``scripts/environment_yml.py``, which ``make lock`` runs next, refuses such a lock);
* an atomic write flushes the folder after its rename (the rename survives a power loss).

environment.yml against the lock: ``tests/test_environment.py``.
"""

from __future__ import annotations

import errno
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from helpers.atomic import fsync_dir, write_bytes_atomic
from tests.conftest import ROOT

LOCK = ROOT / "requirements.lock"
#: pip-audit's own lock (``make audit``), kept to the same rules.
AUDIT_LOCK = ROOT / "requirements-audit.lock"
LOCKS = [pytest.param(LOCK, id="requirements.lock"), pytest.param(AUDIT_LOCK, id="requirements-audit.lock")]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$")
HASH = re.compile(r"^    --hash=sha256:[0-9a-f]{64}( \\)?$")


def locked(lock: Path = LOCK) -> dict[str, tuple[str, int]]:
    """The lock's pins: canonical name -> (version, number of sha256 hashes)."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match.group(1))
            pins[current] = (match.group(2), 0)
        elif HASH.match(line) and current:
            pins[current] = (pins[current][0], pins[current][1] + 1)
    return pins


def make_dry_run(*args: str) -> list[list[str]]:
    """The commands ``make -n ARGS`` would run (nothing is run), split into words."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}  # not a sub-make of make test
    result = subprocess.run(["make", "--no-print-directory", "-n", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, check=True)
    return [shlex.split(line) for line in result.stdout.splitlines() if line.strip()]


def pip_installs(commands: list[list[str]]) -> list[list[str]]:
    return [c for c in commands if len(c) > 3 and c[1:4] == ["-m", "pip", "install"]]


# --------------------------------------------------------------------------- the lock


@pytest.mark.parametrize("lock", LOCKS)
def test_the_lock_holds_only_hashed_pins_and_comments(lock):
    lines = lock.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assert PIN.match(line) or HASH.match(line), (
            f"{lock.name}:{number}: {line!r} is neither a pin (name==version \\) nor a --hash=sha256: line")
    unhashed = sorted(name for name, (_, hashes) in locked(lock).items() if hashes == 0)
    assert not unhashed, f"{lock.name} pins without a hash: {unhashed}"


@pytest.mark.parametrize("lock", LOCKS)
def test_the_lock_names_no_path_or_index_of_the_machine_that_wrote_it(lock):
    text = lock.read_text(encoding="utf-8")
    for option in ("--find-links", "-f ", "--index-url", "--extra-index-url", "-i ", "--trusted-host", "--no-index"):
        assert not re.search(rf"^\s*{re.escape(option)}", text, re.M), f"{lock.name} carries {option.strip()}"
    paths = re.findall(r"(?:^|[\s=])((?:/|file://|[A-Za-z]:\\)[^\s]*)", text, re.M)
    assert not paths, f"{lock.name} names paths of a machine: {paths}"


def test_make_lock_emits_no_pip_option_and_checks_the_lock_it_wrote():
    commands = make_dry_run("lock")
    compiles = [c for c in commands if c and c[0].endswith("pip-compile")]
    assert {c[c.index("--output-file") + 1] for c in compiles} == {LOCK.name, AUDIT_LOCK.name}
    for compile_ in compiles:
        assert "--no-emit-options" in compile_, "pip-compile would copy --find-links / index URLs into the lock"
        assert not {"--emit-options", "--emit-find-links", "--emit-index-url", "--emit-trusted-host"} & set(compile_)
        assert "--generate-hashes" in compile_
    [compile_] = [c for c in compiles if c[c.index("--output-file") + 1] == LOCK.name]
    after = commands[commands.index(compile_) + 1:]
    assert any(any(word.endswith("scripts/environment_yml.py") for word in c) for c in after), \
        "make lock must run scripts/environment_yml.py (it refuses a lock with a pip option) after pip-compile"


@pytest.mark.parametrize("bad_line, expected", [
    ("--find-links /opt/wheels", "requirements.lock:{line}: '--find-links /opt/wheels' is not a hashed pin"),
    ("--index-url https://example.org/simple", "requirements.lock:{line}: '--index-url https://example.org/simple'"),
    ("six==1.17.0", "requirements.lock:{line}: 'six==1.17.0' is not a hashed pin"),
])
def test_scripts_environment_yml_refuses_a_lock_with_anything_but_hashed_pins(tmp_path, bad_line, expected):
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    first_pin = next(i for i, line in enumerate(lines) if PIN.match(line))  # after the header, where pip-compile put -f
    bad = tmp_path / "requirements.lock"
    bad.write_text("\n".join(lines[:first_pin] + [bad_line] + lines[first_pin:]) + "\n", encoding="utf-8")
    expected = expected.replace("{line}", str(first_pin + 1))
    out = tmp_path / "environment.yml"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "environment_yml.py"), "--lock", str(bad),
                             "--output", str(out)], capture_output=True, text=True)
    assert result.returncode == 2
    assert expected in result.stderr
    assert not out.exists()


# --------------------------------------------------------------------------- the build backend


def test_the_build_backend_is_a_hashed_pin_of_the_lock():
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    pins = locked()
    for requirement in map(Requirement, build["requires"]):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"the build requirement {requirement} is not in requirements.lock (make lock: --build-deps-for)"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version), f"requirements.lock pins {name}=={version}, outside {requirement}"
        assert hashes >= 1


def test_make_venv_installs_only_hashed_pins_and_builds_the_project_offline():
    """Every ``pip install`` of ``make venv`` requires hashes, or may download nothing (no index, no build isolation)."""
    installs = pip_installs(make_dry_run("-B", "venv"))
    assert installs, "make -n -B venv shows no pip install"
    assert "--require-hashes" in installs[0] and "requirements.lock" in installs[0]
    for command in installs:
        if "--require-hashes" in command:
            assert "--no-deps" in command
            continue
        offline = {"--no-index", "--no-build-isolation", "--no-deps", "--check-build-dependencies"}
        assert offline <= set(command), f"{shlex.join(command)} may download what the lock does not hash"


# --------------------------------------------------------------------------- atomic writes (item 10d)


@pytest.mark.skipif(os.name != "posix", reason="directories are flushed on POSIX only")
def test_an_atomic_write_flushes_the_folder_after_the_rename(tmp_path, monkeypatch):
    events: list[tuple[str, str]] = []
    opened: dict[int, str] = {}
    real_open, real_fsync, real_replace = os.open, os.fsync, os.replace

    def spy_open(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        opened[fd] = str(path)
        return fd

    def spy_fsync(fd):
        events.append(("fsync", opened.get(fd, "the new file")))
        return real_fsync(fd)

    def spy_replace(src, dst):
        events.append(("replace", str(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(os, "replace", spy_replace)
    target = tmp_path / "figures" / "a.png"
    assert write_bytes_atomic(target, b"new") is True
    replaced = events.index(("replace", str(target)))
    assert ("fsync", str(target.parent)) in events[replaced + 1:], events
    assert target.read_bytes() == b"new"


@pytest.mark.skipif(os.name != "posix", reason="directories are flushed on POSIX only")
@pytest.mark.parametrize("code", [errno.EINVAL, errno.ENOTSUP, errno.EBADF])
def test_a_folder_that_cannot_be_flushed_does_not_fail_the_write(tmp_path, monkeypatch, code):
    real_fsync = os.fsync

    def refuse_directories(fd):
        if _is_dir_fd(fd):
            raise OSError(code, os.strerror(code))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", refuse_directories)
    assert fsync_dir(tmp_path) is False
    target = tmp_path / "out.csv"
    assert write_bytes_atomic(target, b"a\n") is True
    assert target.read_bytes() == b"a\n"


@pytest.mark.skipif(os.name != "posix", reason="directories are flushed on POSIX only")
def test_a_failing_disk_still_fails_the_write_loudly(tmp_path, monkeypatch):
    """Only "not supported here" is forgiven: an I/O error flushing the folder is raised."""
    real_fsync = os.fsync

    def broken_disk(fd):
        if _is_dir_fd(fd):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", broken_disk)
    with pytest.raises(OSError) as raised:
        write_bytes_atomic(tmp_path / "out.csv", b"a\n")
    assert raised.value.errno == errno.EIO


def _is_dir_fd(fd: int) -> bool:
    import stat

    return stat.S_ISDIR(os.fstat(fd).st_mode)


# --------------------------------------------------------------------------- make audit (deliverable 3)


def test_make_audit_installs_its_tool_from_hashes_and_fails_on_a_package_it_could_not_look_up():
    """pip-audit comes from its own hashed lock; ``--strict``: a package it could not look up (PyPI's JSON API
    unreachable or answering 404, as on a machine that reaches PyPI only through pip's index) fails the audit
    instead of "No known vulnerabilities found"."""
    commands = make_dry_run("-B", "audit")
    [install] = pip_installs(commands)
    assert {"--require-hashes", "--no-deps"} <= set(install) and AUDIT_LOCK.name in install
    [audit] = [c for c in commands if c and c[0].endswith("pip-audit")]
    assert {"--strict", "--require-hashes"} <= set(audit)
    assert audit[audit.index("-r") + 1] == LOCK.name
    pins = locked(AUDIT_LOCK)
    assert "pip-audit" in pins
