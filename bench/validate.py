"""Time ``helpers.validate`` on N valid weekly rows and on N rows with a misspelt source, side by side (not a test).

    .venv/bin/python bench/validate.py                   # N = 10,000, 50,000, 200,000
    .venv/bin/python bench/validate.py --rows 1000 5000  # other sizes

Each size is a copy of ``data/raw`` (in a temporary folder) with N generated
rows appended to ``weekly_sales.csv`` (their series registered in
``series.csv``): once all valid, once with every generated row citing a
``source_id`` that is not registered (``article_ggyjs_2052``, a misspelling of
``article_ggyjs_2025``).  The validator runs as the analyst runs it
(``python -m helpers.validate FOLDER``, a fresh process); the table shows the
seconds and the bytes it printed.  Validation is linear in the rows when the
time per row stays flat down each column, and the output of the bad files is
bounded (repeated problems are summarised after the first few).
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
GOOD_SOURCE = "article_ggyjs_2025"
MISSPELT_SOURCE = "article_ggyjs_2052"
#: Generated weeks: every ISO week 1..52 of these years (all have at least 52), one series per 1,248 rows.
YEARS = range(2001, 2025)


def generated_rows(count: int, source_id: str) -> tuple[list[str], list[str]]:
    """``count`` weekly rows with unique keys, and the series they need registered."""
    rows: list[str] = []
    series: list[str] = []
    per_series = len(YEARS) * 52
    for n in range(count):
        k, rest = divmod(n, per_series)
        name = f"bench_series_{k}"
        if rest == 0:
            series.append(name)
        year, week = YEARS[rest // 52], rest % 52 + 1
        rows.append(f"{year},{week},{name},{1000 + n % 5000},{source_id},bench row {n}")
    return rows, series


def build_raw(target: Path, count: int, source_id: str) -> Path:
    """A copy of data/raw with ``count`` generated weekly rows citing ``source_id``."""
    shutil.copytree(ROOT / "data" / "raw", target)
    rows, series = generated_rows(count, source_id)
    with (target / "series.csv").open("a", encoding="utf-8") as handle:
        handle.writelines(f"{name},insurance_registrations,generated for bench/validate.py,\n" for name in series)
    with (target / "weekly_sales.csv").open("a", encoding="utf-8") as handle:
        handle.writelines(row + "\n" for row in rows)
    return target


def run_validator(folder: Path) -> tuple[float, int, int]:
    """Seconds, exit status and bytes printed by ``python -m helpers.validate folder``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "helpers.validate", "--quiet", str(folder)],
                            capture_output=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - started
    return elapsed, result.returncode, len(result.stdout) + len(result.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 50_000, 200_000], help="row counts to time")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    print(f"{'rows':>9}  {'valid s':>8} {'us/row':>7}  {'misspelt s':>10} {'us/row':>7} {'exit':>4} {'printed':>9}")
    with tempfile.TemporaryDirectory(prefix="su7-bench-validate-") as scratch:
        for count in args.rows:
            good = build_raw(Path(scratch) / f"good-{count}", count, GOOD_SOURCE)
            bad = build_raw(Path(scratch) / f"bad-{count}", count, MISSPELT_SOURCE)
            good_s, good_rc, _ = run_validator(good)
            bad_s, bad_rc, printed = run_validator(bad)
            if good_rc != 0 or bad_rc != 1:
                raise SystemExit(f"unexpected exit status: valid {good_rc} (expected 0), misspelt {bad_rc} (expected 1)")
            print(f"{count:>9,}  {good_s:>8.2f} {good_s / count * 1e6:>7.1f}  {bad_s:>10.2f} {bad_s / count * 1e6:>7.1f} "
                  f"{bad_rc:>4} {printed:>8,}B")
            shutil.rmtree(good)
            shutil.rmtree(bad)
    return 0


if __name__ == "__main__":
    sys.exit(main())
