"""Notebook 09's sentences: a method beats the naive forecast only when the test says so; otherwise the
words say the methods cannot be ranked and what would tell; backtests sharing forecasts are one result."""

from __future__ import annotations

from helpers.narrative.backtest import describe_backtest, describe_overlap, p_text


def method(mase, p, verdict, n=10, weeks=5, needed=None, weeks_needed=None):
    return {"n": n, "mase": mase, "n_forecasts": n, "n_target_weeks": weeks, "dm_p_value": p, "vs_naive": verdict,
            "forecasts_needed": needed, "target_weeks_needed": weeks_needed}


NAIVE = method(1.30, None, "benchmark")


def test_a_mase_below_one_is_not_called_beating_naive_without_the_test():
    text = describe_backtest({"naive": NAIVE, "window_mean": method(0.97, 0.2, "cannot tell", needed=40,
                                                                     weeks_needed=20)}, "xiaomi_su7")
    assert "below 1" in text and "beats it" not in text
    assert "the window mean (p = 0.20) cannot be ranked against it on this evidence" in text
    assert "would need the window mean: about 40 forecasts (30 more) of 20 target weeks (15 more)" in text
    assert "more origins" in text and "of only 5 target weeks" in text


def test_the_test_verdicts_are_said_as_they_are():
    text = describe_backtest({"naive": NAIVE, "trend": method(0.6, 0.01, "better"),
                              "calendar": method(3.0, 0.0004, "worse")}, "s")
    assert "the trend line beats it (MASE 0.60 against 1.30, p = 0.010)" in text
    assert "the calendar model does worse (p < 0.001)" in text
    assert "What would tell" not in text


def test_too_few_forecasts_for_the_test_is_cannot_tell_and_says_how_many():
    text = describe_backtest({"naive": method(1.3, None, "benchmark", n=3, weeks=3),
                              "trend": method(0.8, None, "cannot tell", n=3, weeks=3)}, "s")
    assert "the trend line (no p-value) cannot be ranked" in text
    assert "at least 5 forecasts before the test can be run" in text


def test_shared_forecasts_are_one_result_not_two():
    overlap = [{"series": "xiaomi_all", "other_series": "xiaomi_su7", "n_shared": 10, "n_forecasts": 17,
                "n_other_forecasts": 10}]
    text = describe_overlap(overlap)
    assert "share 10 forecasts" in text and "all 10 of SU7's" in text and "only 7 forecasts" in text
    assert "not a confirmation" in text
    assert describe_overlap([]) == ""
    su7 = describe_backtest({"naive": NAIVE, "trend": method(2.0, 0.4, "cannot tell")}, "xiaomi_su7", overlap)
    assert su7.endswith("All 10 of these forecasts are also Xiaomi (all models)'s (of its 17): the same weeks and "
                        "figures, so they are not separate evidence.")


def test_p_values_for_people():
    assert [p_text(p) for p in (0.0754, 0.459, 0.0002, None)] == ["p = 0.075", "p = 0.46", "p < 0.001", "no p-value"]


def test_the_plain_names_are_the_figures_names():
    from helpers.figures import style
    from helpers.narrative.backtest import method_name, series_name

    for method in ("trend", "trend_log", "naive", "window_mean", "calendar"):
        assert method_name(method) == style.label(f"bt_method_{method}", "en")
    assert [series_name(s) for s in ("xiaomi_su7", "xiaomi_all")] == ["SU7", "Xiaomi (all models)"]
    assert method_name("no_such_method") == "no_such_method"
