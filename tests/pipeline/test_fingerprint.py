"""What decides a rerun: everything a step's outputs depend on is in its fingerprint.

A step whose fingerprint is unchanged is skipped, so anything left out of it
(a font, an installed version, a setting read from the environment) would keep
stale outputs.  These tests change one such thing at a time and check that the
fingerprint, and the reason a run gives, change with it.
"""

from __future__ import annotations

import os
import time

import pytest

from helpers.pipeline import graph
from helpers.pipeline.graph import STEPS_BY_NAME, FileMemo, helper_closure, notebook_imports, read_notebook, step_inputs, why_rerun
from tests.conftest import ROOT

HELPERS = ROOT / "src" / "helpers"
FONTS = sorted((HELPERS / "figures" / "fonts").glob("*.otf"))


def _inputs(step: str, parameters=None) -> dict[str, str]:
    return step_inputs(STEPS_BY_NAME[step], ROOT, parameters or {})


def _closure(step: str) -> list:
    return helper_closure(notebook_imports(read_notebook(ROOT / STEPS_BY_NAME[step].notebook)), HELPERS)


def test_the_bundled_font_counts_for_the_steps_that_draw_and_not_for_those_that_do_not():
    assert len(FONTS) == 2, FONTS  # Regular and Bold
    for step in ("06_figures", "07_what_happened", "08_market_calendar", "09_backtest"):
        assert set(FONTS) <= set(_closure(step)), f"{step} draws figures but its fingerprint ignores the font"
    assert not set(FONTS) & set(_closure("01_ingest"))


def test_a_package_installed_or_upgraded_in_the_environment_reruns_every_step(monkeypatch):
    before = _inputs("06_figures")
    real = graph.installed_distributions()
    upgraded = [("matplotlib-9.9.9" if d.startswith("matplotlib-") else d) for d in real]
    assert upgraded != real
    monkeypatch.setattr(graph, "installed_distributions", lambda: upgraded)
    after = _inputs("06_figures")
    assert why_rerun({"inputs": before, "outputs": "o"}, after, "o") == "installed changed"


@pytest.mark.parametrize("variable, value", [("MPLBACKEND", "svg"), ("PYTHONHASHSEED", "1"), ("TZ", "Asia/Shanghai")])
def test_an_environment_variable_that_changes_outputs_reruns_the_steps(monkeypatch, variable, value):
    monkeypatch.delenv(variable, raising=False)
    before = _inputs("03_trend")
    monkeypatch.setenv(variable, value)
    assert why_rerun({"inputs": before, "outputs": "o"}, _inputs("03_trend"), "o") == "settings changed"


def test_a_user_matplotlibrc_reruns_the_steps(monkeypatch, tmp_path):
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path))
    monkeypatch.delenv("MATPLOTLIBRC", raising=False)
    before = _inputs("06_figures")
    (tmp_path / "matplotlibrc").write_text("lines.linewidth: 5\n", encoding="utf-8")
    first = _inputs("06_figures")
    assert why_rerun({"inputs": before, "outputs": "o"}, first, "o") == "settings changed"
    (tmp_path / "matplotlibrc").write_text("lines.linewidth: 6\n", encoding="utf-8")
    assert _inputs("06_figures")["settings"] != first["settings"], "an edit of the matplotlibrc went unnoticed"


def test_a_variable_nothing_reads_does_not_rerun_anything(monkeypatch):
    before = _inputs("03_trend")
    monkeypatch.setenv("SU7_SOMETHING_UNRELATED", "1")
    assert _inputs("03_trend") == before


def test_the_language_is_a_parameter_so_a_plain_run_after_a_chinese_one_redraws_english():
    english, chinese = _inputs("06_figures", {"lang": "en"}), _inputs("06_figures", {"lang": "zh"})
    assert why_rerun({"inputs": chinese, "outputs": "o"}, _inputs("06_figures"), "o") == "parameters changed"
    assert english != chinese


def test_the_file_memo_notices_an_edit_that_keeps_the_size(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,1\n")
    memo = FileMemo()
    first = memo.sha(path)
    time.sleep(0.01)
    path.write_bytes(b"a,2\n")
    assert memo.sha(path) != first
    os.utime(path, ns=(0, 0))
    assert FileMemo(memo.entries).sha(path) == memo.sha(path)  # re-read after the stamp changed, same bytes


def test_the_file_memo_survives_a_run_and_forgets_deleted_files(tmp_path):
    kept, gone = tmp_path / "kept.py", tmp_path / "gone.py"
    kept.write_text("from helpers.models import trend\n", encoding="utf-8")
    gone.write_text("x = 1\n", encoding="utf-8")
    memo = FileMemo()
    memo.helpers_imports(kept), memo.sha(gone)
    gone.unlink()
    memo.save(tmp_path / "files.json")
    loaded = FileMemo.load(tmp_path / "files.json")
    assert list(loaded.entries) == [str(kept)]
    assert loaded.helpers_imports(kept) == ["models", "models.trend"]
    assert FileMemo.load(tmp_path / "missing.json").entries == {}


def test_a_data_file_added_beside_a_helper_or_a_module_removed_changes_its_closure(tmp_path, monkeypatch):
    """The closure reads folder listings from the memo, by the folder's stat: adding or removing a file is seen."""
    from helpers.pipeline import graph

    monkeypatch.setattr(graph, "MEMO", FileMemo())
    helpers = tmp_path / "helpers"
    (helpers / "figures" / "fonts").mkdir(parents=True)
    (helpers / "__init__.py").write_text("", encoding="utf-8")
    (helpers / "figures" / "__init__.py").write_text("", encoding="utf-8")
    (helpers / "figures" / "style.py").write_text("from helpers.figures import palette\n", encoding="utf-8")
    (helpers / "figures" / "palette.py").write_text("", encoding="utf-8")
    names = lambda: sorted(p.relative_to(helpers).as_posix() for p in graph.helper_closure({"figures.style"}, helpers))
    first = names()
    assert first == ["__init__.py", "figures/__init__.py", "figures/palette.py", "figures/style.py"]
    (helpers / "figures" / "labels.toml").write_text("[en]\n", encoding="utf-8")
    (helpers / "figures" / "fonts" / "cjk.otf").write_bytes(b"OTTO")
    assert names() == sorted([*first, "figures/labels.toml", "figures/fonts/cjk.otf"])
    (helpers / "figures" / "palette.py").unlink()
    assert "figures/palette.py" not in names()
