"""The forecast log keeps every vintage as history (revisions beside the real-time rows) and scores them against actuals."""

from __future__ import annotations

import pandas as pd

from helpers.models.scorecard import record_forecasts, score_forecasts, update_forecast_log


def forecasts(as_of: str, weeks_and_means: dict[str, float], model: str = "linear", digest: str = "d1",
              first_week: str = "2025-W16", n_weeks: int = 4) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series": "s",
            "model": model,
            "as_of_week": as_of,
            "week": list(weeks_and_means),
            "mean": list(weeks_and_means.values()),
            "pi95_low": [m - 100 for m in weeks_and_means.values()],
            "pi95_high": [m + 100 for m in weeks_and_means.values()],
            "fit_first_week": first_week,
            "fit_last_week": as_of,
            "fit_n_weeks": n_weeks,
            "data_digest": digest,
        }
    )


def test_rerunning_a_vintage_on_the_same_data_replaces_nothing(tmp_path):
    path = tmp_path / "forecast_log.csv"
    record_forecasts(forecasts("2025-W19", {"2025-W20": 1000, "2025-W21": 900}), path)
    first = path.read_bytes()
    # same data (same digest), even if the code now computes other numbers: the first rows stand
    log = record_forecasts(forecasts("2025-W19", {"2025-W20": 1111, "2025-W21": 999}), path)
    assert len(log) == 2 and log["point_forecast"].tolist() == [1000, 900]
    assert path.read_bytes() == first


def test_a_revised_vintage_is_logged_beside_the_real_time_one(tmp_path):
    path = tmp_path / "forecast_log.csv"
    record_forecasts(forecasts("2025-W19", {"2025-W20": 1000}), path)
    # a figure for an earlier week arrived: the same vintage now sees 5 weeks, another digest
    log = record_forecasts(forecasts("2025-W19", {"2025-W20": 1050}, digest="d2", first_week="2025-W15", n_weeks=5), path)
    assert log[["revision", "data_digest", "fit_first_week", "fit_n_weeks", "point_forecast"]].values.tolist() == [
        [0, "d1", "2025-W16", 4, 1000], [1, "d2", "2025-W15", 5, 1050]]
    again = record_forecasts(forecasts("2025-W19", {"2025-W20": 1050}, digest="d2", first_week="2025-W15", n_weeks=5), path)
    assert len(again) == 2  # the revision is not logged twice
    third = record_forecasts(forecasts("2025-W19", {"2025-W20": 990}, digest="d3"), path)
    assert third["revision"].tolist() == [0, 1, 2]


def test_rows_written_before_the_log_kept_digests_are_replaced_by_the_next_run_of_their_vintage():
    legacy = pd.DataFrame({"as_of_week": ["2025-W19", "2025-W18"], "series": "s", "model": "linear",
                           "week": ["2025-W20", "2025-W19"], "weeks_ahead": 1, "point_forecast": [1.0, 2.0],
                           "pi95_low": 0.0, "pi95_high": 3.0})
    log = update_forecast_log(legacy, _rows("2025-W19", "linear"))
    assert log["as_of_week"].tolist() == ["2025-W18", "2025-W19", "2025-W19"]  # W18 kept as it was, W19 replaced
    assert log["data_digest"].isna().tolist() == [True, False, False] and log["point_forecast"].tolist() == [2.0, 500, 400]


def test_a_new_vintage_or_model_adds_rows_and_keeps_the_old():
    log = update_forecast_log(None, _rows("2025-W19", "linear"))
    log = update_forecast_log(log, _rows("2025-W20", "linear"))
    log = update_forecast_log(log, _rows("2025-W20", "log"))
    assert sorted(set(zip(log["as_of_week"], log["model"]))) == [("2025-W19", "linear"), ("2025-W20", "linear"), ("2025-W20", "log")]
    assert set(log["revision"]) == {0}


def test_the_log_models_point_forecast_is_named_a_median():
    log = update_forecast_log(None, _rows("2025-W19", "log"))
    assert set(log["point_statistic"]) == {"median"} and "mean" not in log.columns
    assert set(update_forecast_log(None, _rows("2025-W19", "linear"))["point_statistic"]) == {"mean"}


def _rows(as_of: str, model: str) -> pd.DataFrame:
    from helpers.models.scorecard import log_rows

    return log_rows(forecasts(as_of, {"2025-W25": 500, "2025-W26": 400}, model))


def test_scores_inside_outside_and_pending():
    from helpers.models.scorecard import log_rows

    log = log_rows(forecasts("2025-W19", {"2025-W20": 1000, "2025-W21": 900, "2025-W22": 800}))
    actuals = pd.DataFrame({"series": ["s", "s"], "week": ["2025-W20", "2025-W21"], "units": [1099, 1001]})
    scored = score_forecasts(log, actuals, point="point_forecast").set_index("week")
    assert scored.loc["2025-W20", "outcome"] == "inside"
    assert scored.loc["2025-W21", "outcome"] == "outside"
    assert scored.loc["2025-W22", "outcome"] == "no actual"
    assert scored.loc["2025-W21", "error"] == 101
    assert scored.loc["2025-W21", "weeks_ahead"] == 2
