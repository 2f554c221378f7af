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


# --------------------------------------------------------------------------- the figures' titles


def test_no_method_is_said_to_beat_naive_unless_the_test_says_so():
    from helpers.narrative.backtest import scores_heads, scores_titles
    from tests.figures.test_backtest import MASE, N, SCALE, scores_table

    scores = scores_table(MASE, N, SCALE)
    su7 = MASE["xiaomi_su7"]
    assert min(su7, key=su7.get) == "window_mean" and su7["window_mean"] < 1 < su7["naive"]  # lowest, below 1: no test
    titles = scores_titles(scores, "xiaomi_su7")
    assert titles["en"] == (f"No method forecasts SU7 better than the latest week's figure (test at 5%): "
                            f"{N['xiaomi_su7']} forecasts of {N['xiaomi_su7'] // 2} target weeks")
    assert "beats" not in titles["en"]
    assert scores_heads(scores)["en"]["xiaomi_all"] == (
        "No method forecasts Xiaomi (all models) better than the latest week's figure (test at 5%): "
        f"{N['xiaomi_all']} forecasts of {N['xiaomi_all'] // 2} target weeks")
    assert "最近一周的数字" in titles["zh"]
    # without the headline series, the first series by name
    assert scores_titles(scores, "no_such_series") == {lang: heads["xiaomi_all"]
                                                      for lang, heads in scores_heads(scores).items()}


def test_a_method_the_test_calls_better_is_named_in_the_title():
    from helpers.narrative.backtest import scores_titles
    from tests.figures.test_backtest import scores_table

    mase = {"xiaomi_su7": {"trend": 0.61, "naive": 1.25, "window_mean": 0.88}}
    verdicts = {("xiaomi_su7", "trend"): ("better", 0.0104), ("xiaomi_su7", "window_mean"): ("cannot tell", 0.2)}
    titles = scores_titles(scores_table(mase, {"xiaomi_su7": 6}, {"xiaomi_su7": 1000.0}, verdicts), "xiaomi_su7")
    assert titles["en"] == "The trend line beats the naive forecast for SU7: MASE 0.61 vs 1.25 (p = 0.010, 6 forecasts)"


def test_a_worse_method_does_not_make_another_one_better():
    from helpers.narrative.backtest import scores_titles
    from tests.figures.test_backtest import scores_table

    mase = {"xiaomi_su7": {"trend": 2.5, "naive": 1.25, "window_mean": 0.88}}
    verdicts = {("xiaomi_su7", "trend"): ("worse", 0.004)}
    titles = scores_titles(scores_table(mase, {"xiaomi_su7": 12}, {"xiaomi_su7": 1000.0}, verdicts), "xiaomi_su7")
    assert titles["en"].startswith("No method forecasts SU7 better than")


def test_each_method_against_naive_is_one_sentence_per_series_with_its_verdict_and_p_value():
    from helpers.narrative.backtest import scores_verdicts
    from tests.figures.test_backtest import scores_table

    mase = {"xiaomi_su7": {"trend": 0.61, "naive": 1.25, "calendar": 3.1, "window_mean": 0.88},
            "no_naive": {"trend": 1.1, "window_mean": 0.9}}
    tested = {("xiaomi_su7", "trend"): ("better", 0.0104), ("xiaomi_su7", "calendar"): ("worse", 0.0004),
              ("xiaomi_su7", "window_mean"): ("cannot tell", None)}
    verdicts = scores_verdicts(scores_table(mase, {"xiaomi_su7": 6, "no_naive": 6},
                                            {"xiaomi_su7": 1000.0, "no_naive": 1000.0}, tested))
    assert verdicts["en"] == {"xiaomi_su7": "SU7 against the naive forecast: the trend line: better (p = 0.010), the "
                                            "calendar model: worse (p < 0.001), the window mean: cannot tell (too few "
                                            "forecasts to test)."}
    assert verdicts["zh"]["xiaomi_su7"].startswith("小米SU7各方法对朴素预测:")
    assert "no_naive" not in verdicts["zh"]  # nothing to test against: no sentence, in any language


def test_sensitivity_title_counts_signs_over_distinct_windows():
    from helpers.narrative.backtest import sensitivity_heads, sensitivity_titles
    from tests.figures.test_backtest import LEFT_OUT, LENGTHS, sensitivity_table

    table = sensitivity_table("xiaomi_su7", LENGTHS, LEFT_OUT)
    distinct = {(first, n): b for _, first, n, b, _, _ in LENGTHS}  # lengths 7 and 8 hold the same weeks
    neg_l, pos_l = sum(b < 0 for b in distinct.values()), sum(b > 0 for b in distinct.values())
    neg_o, pos_o = sum(b < 0 for _, b, _, _ in LEFT_OUT), sum(b > 0 for _, b, _, _ in LEFT_OUT)
    zero = sum(lo <= 0 <= hi for (first, n), (_, _, _, _, lo, hi) in
               {(r[1], r[2]): r for r in LENGTHS}.items()) + sum(lo <= 0 <= hi for _, _, lo, hi in LEFT_OUT)
    total = len(distinct) + len(LEFT_OUT)
    assert (neg_l, pos_l, neg_o, pos_o, zero, total) == (3, 2, 2, 2, 8, 9)
    # the finding, the intervals, then the counts (the figure moves the counts to its subtitle)
    titles = sensitivity_titles(table, "xiaomi_su7")
    assert titles["en"] == (f"The sign of the SU7 trend depends on the window; {zero} of {total} 95% intervals include "
                            f"zero; {neg_l} of {len(distinct)} window lengths give a negative slope and {pos_l} a "
                            f"positive one, {neg_o} of {len(LEFT_OUT)} leave-one-out fits a negative and {pos_o} "
                            "a positive one")
    assert "取决于窗口" in titles["zh"]
    assert sensitivity_heads(table) == {lang: {"xiaomi_su7": text} for lang, text in titles.items()}


def test_one_sign_everywhere_is_said_so():
    from helpers.narrative.backtest import sensitivity_titles
    from tests.figures.test_backtest import sensitivity_table

    table = sensitivity_table("xiaomi_su7", [(5, "2025-W19", 3, -40.0, -90.0, -1.0), (6, "2025-W18", 4, -34.0, -80.0, 5.0)],
                              [("2025-W19", -20.0, -30.0, -10.0)])
    assert sensitivity_titles(table, "xiaomi_su7")["en"] == (
        "Every window gives the SU7 a falling trend; 1 of 3 95% intervals include zero; "
        "2 of 2 window lengths give a negative slope and 0 a positive one, "
        "1 of 1 leave-one-out fits a negative and 0 a positive one")
