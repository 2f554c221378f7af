"""Time the test suite against the plain papermill loop, in the same run (not a test: it prints figures).

    .venv/bin/python bench/suite.py                 # make test, plain loop before and after
    .venv/bin/python bench/suite.py --target test-fast --no-plain

The *plain papermill loop* is papermill's CLI on each numbered notebook in
turn, on a temporary copy of the project (``$SU7_PROJECT_ROOT`` points the
helpers and the kernels at it), outputs into a temporary folder: the least a
suite that re-executes the notebooks can cost.  It is timed before and after
the suite so that machine load hits both alike; the ratio uses their mean.

Target (issue 23): ``make test`` <= 4x the plain loop.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
IGNORE = shutil.ignore_patterns(".venv", ".git", ".cache", "__pycache__", ".pytest_cache", ".hypothesis", "failed")
TARGET_RATIO = 4.0


def plain_loop() -> float:
    """papermill's CLI on each numbered notebook in order, on a copy, into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="su7-plain-") as scratch:
        root = Path(scratch) / "project"
        shutil.copytree(ROOT, root, ignore=IGNORE)
        out = Path(scratch) / "out"
        out.mkdir()
        env = {**os.environ, "SU7_PROJECT_ROOT": str(root), "CI": "true", "JUPYTER_PLATFORM_DIRS": "1",
               "JUPYTER_PATH": str(Path(PYTHON).parents[1] / "share" / "jupyter")}
        started = time.perf_counter()
        for notebook in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
            subprocess.run([str(BIN / "papermill"), "--cwd", str(root / "notebooks"), str(notebook), str(out / notebook.name)],
                           cwd=root, env=env, check=True, capture_output=True)
        return time.perf_counter() - started


def suite(target: str, pytest_args: str) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    command = ["make", "--no-print-directory", target] + ([f"PYTEST_ARGS={pytest_args}"] if pytest_args else [])
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({elapsed:.0f} s)")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="test", help="make target to time (default: test)")
    parser.add_argument("--pytest-args", default="", help="passed as PYTEST_ARGS")
    parser.add_argument("--no-plain", action="store_true", help="time the suite only")
    args = parser.parse_args()
    plain = [] if args.no_plain else [plain_loop()]
    elapsed = suite(args.target, args.pytest_args)
    if not args.no_plain:
        plain.append(plain_loop())
    print()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    print(f"make {args.target:<12} {elapsed:7.1f} s")
    if plain:
        mean = sum(plain) / len(plain)
        ratio = elapsed / mean
        print(f"plain papermill loop {mean:7.1f} s (before {plain[0]:.1f} s, after {plain[1]:.1f} s)")
        print(f"ratio                {ratio:7.2f}   (target <= {TARGET_RATIO:g}) {'OK' if ratio <= TARGET_RATIO else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
