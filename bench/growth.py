"""How the time of notebook 09's model steps grows with weeks and with series (not a test: it prints figures).

    .venv/bin/python bench/growth.py [--weeks 104] [--series 5] [--repeat 3] [--per-origin]

Each step runs on synthetic weekly series made the way ``bench/pipeline.py --scale`` makes them, at 1, 2
and 4 times the base weeks (base series) and 1, 2 and 4 times the base series (base weeks); the median
of ``--repeat`` runs is printed beside the ratio to the 1x run.  Linear growth shows as ratios near
1, 2, 4; quadratic as 1, 4, 16.  ``--per-origin`` adds the plain per-origin backtest
(``backtest_per_origin``, statsmodels at every origin: slow) and the window lengths fitted one by one
(``sensitivity_per_length``), the way both ran before issue 23, for comparison.

Measured on the shared 2-core machine (2026-12-04, ``--repeat 3``; ratios to the 1x run; the fixed cost of a
call keeps the small sizes' ratios below 2 and 4)::

    growing weeks (104, 208, 416 weeks x 5 series)     growing series (5, 10, 20 series x 104 weeks)
    backtest      0.193  0.302  0.517 s  1, 1.56, 2.68  0.273  0.511  1.069 s  1, 1.87, 3.91
    sensitivity   0.064  0.071  0.086 s  1, 1.12, 1.35  0.120  0.142  0.323 s  1, 1.18, 2.68
    scores        0.275  0.394  0.643 s  1, 1.43, 2.33  0.489  0.993  2.122 s  1, 2.03, 4.34

and the way they ran before (``--per-origin --weeks 52 --series 2 --repeat 1``; the new steps beside them)::

    growing weeks (52, 104, 208 weeks x 2 series)      growing series (2, 4, 8 series x 52 weeks)
    backtest_per_origin    19.8  33.7  66.6 s  1, 1.70, 3.36   15.5  45.5  140.5 s  1, 2.94, 9.08
    sensitivity_per_length  0.51  1.39  4.02 s  1, 2.76, 7.97   0.86   1.81   4.22 s  1, 2.09, 4.89
    backtest                0.14  0.17  0.24 s  1, 1.24, 1.72   0.12   0.17   0.26 s  1, 1.36, 2.12
    sensitivity             0.05  0.05  0.06 s  1, 0.88, 1.21   0.04   0.07   0.14 s  1, 1.48, 3.15

The per-origin backtest cut each window from the whole table (rows = series x weeks) at every origin
(series x weeks) and fitted statsmodels there: series² x weeks² in all (its series ratios 3, 9); every
window length was a statsmodels fit on a window of up to the whole history: weeks² per series.

Steps: ``backtest`` (the five methods of notebook 09, the calendar one included), ``sensitivity``
(:func:`helpers.models.window_sensitivity.sensitivity_table`), ``scores`` (:func:`score_backtest`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from helpers.data import weeks  # noqa: E402
from helpers.models import backtest, calendar_effects, window_sensitivity  # noqa: E402


def synthetic(n_weeks: int, n_series: int) -> pd.DataFrame:
    """``n_series`` series of ``n_weeks`` consecutive weeks ending 2024-W52, numbers as bench/pipeline.py's."""
    pairs = [weeks.add_weeks((2024, 52), -k) for k in range(n_weeks - 1, -1, -1)]
    rows = [{"series": f"synthetic_{s:02d}", "week": weeks.week_label(y, w), "iso_year": y, "iso_week": w,
             "units": 1000 + (s * 37 + y * 11 + w * 13) % 900} for s in range(n_series) for y, w in pairs]
    return pd.DataFrame(rows)


def calendar() -> pd.DataFrame:
    pairs = [(y, w) for y in range(2000, 2026) for w in range(1, weeks.weeks_in_year(y) + 1)]
    return pd.DataFrame({"iso_year": [p[0] for p in pairs], "iso_week": [p[1] for p in pairs],
                         "holiday_days": [(w * 7) % 5 == 0 for _, w in pairs], "month_end": [w % 4 == 0 for _, w in pairs]})


def timed(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=104, help="base weeks per series (default 104)")
    parser.add_argument("--series", type=int, default=5, help="base number of series (default 5)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--per-origin", action="store_true", help="also the plain per-origin backtest (slow)")
    args = parser.parse_args()
    methods = {**backtest.METHODS, "calendar": calendar_effects.backtest_method(calendar())}
    steps = {
        "backtest": lambda s: backtest.backtest(s, methods=methods),
        "sensitivity": lambda s: window_sensitivity.sensitivity_table(s),
        "scores": lambda s: backtest.score_backtest(backtest.backtest(s, methods=methods)),
    }
    if args.per_origin:
        steps["backtest_per_origin"] = lambda s: backtest.backtest_per_origin(s, methods=methods)
        steps["sensitivity_per_length"] = lambda s: [  # one statsmodels fit per window length, as before
            window_sensitivity.window_sensitivity(s, name, lengths=window_sensitivity.window_lengths(s, name))
            for name in sorted(set(s["series"]))]
    steps["backtest"](synthetic(20, 1))  # imports (scipy, statsmodels) out of the timings
    for axis in ("weeks", "series"):
        sizes = [(args.weeks * f, args.series) if axis == "weeks" else (args.weeks, args.series * f) for f in (1, 2, 4)]
        print(f"\ngrowing {axis}: " + ", ".join(f"{w} weeks x {s} series" for w, s in sizes))
        print(f"{'step':<22}" + "".join(f"{f'{f}x':>16}" for f in (1, 2, 4)) + "   ratios (linear: 1, 2, 4)")
        frames = [synthetic(w, s) for w, s in sizes]
        for name, step in steps.items():
            took = [timed(lambda frame=frame: step(frame), args.repeat) for frame in frames]
            ratios = ", ".join(f"{t / took[0]:.2f}" for t in took)
            print(f"{name:<22}" + "".join(f"{t:>14.3f} s" for t in took) + f"   {ratios}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
