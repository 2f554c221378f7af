"""The forecast log keeps one set of rows per vintage and scores them against actuals."""

from __future__ import annotations

import pandas as pd

from helpers.models.scorecard import record_forecasts, score_forecasts, update_forecast_log


def forecasts(as_of: str, weeks_and_means: dict[str, float], model: str = "linear") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series": "s",
            "model": model,
            "as_of_week": as_of,
            "week": list(weeks_and_means),
            "mean": list(weeks_and_means.values()),
            "pi95_low": [m - 100 for m in weeks_and_means.values()],
            "pi95_high": [m + 100 for m in weeks_and_means.values()],
        }
    )


def test_rerunning_a_vintage_replaces_its_rows(tmp_path):
    path = tmp_path / "forecast_log.csv"
    record_forecasts(forecasts("2025-W19", {"2025-W20": 1000, "2025-W21": 900}), path)
    record_forecasts(forecasts("2025-W19", {"2025-W20": 1000, "2025-W21": 900}), path)
    first = path.read_bytes()
    log = record_forecasts(forecasts("2025-W19", {"2025-W20": 1000, "2025-W21": 900}), path)
    assert len(log) == 2
    assert path.read_bytes() == first


def test_a_new_vintage_or_model_adds_rows_and_keeps_the_old():
    log = update_forecast_log(None, _rows("2025-W19", "linear"))
    log = update_forecast_log(log, _rows("2025-W20", "linear"))
    log = update_forecast_log(log, _rows("2025-W20", "log"))
    assert sorted(set(zip(log["as_of_week"], log["model"]))) == [("2025-W19", "linear"), ("2025-W20", "linear"), ("2025-W20", "log")]
    shorter = update_forecast_log(log, _rows("2025-W20", "linear").iloc[:1])
    assert len(shorter) == len(log) - 1  # the vintage's old rows are all replaced, not merged


def _rows(as_of: str, model: str) -> pd.DataFrame:
    from helpers.models.scorecard import log_rows

    return log_rows(forecasts(as_of, {"2025-W25": 500, "2025-W26": 400}, model))


def test_scores_inside_outside_and_pending():
    from helpers.models.scorecard import log_rows

    log = log_rows(forecasts("2025-W19", {"2025-W20": 1000, "2025-W21": 900, "2025-W22": 800}))
    actuals = pd.DataFrame({"series": ["s", "s"], "week": ["2025-W20", "2025-W21"], "units": [1099, 1001]})
    scored = score_forecasts(log, actuals).set_index("week")
    assert scored.loc["2025-W20", "outcome"] == "inside"
    assert scored.loc["2025-W21", "outcome"] == "outside"
    assert scored.loc["2025-W22", "outcome"] == "no actual"
    assert scored.loc["2025-W21", "error"] == 101
    assert scored.loc["2025-W21", "weeks_ahead"] == 2
