"""The bundled Chinese font (``src/helpers/figures/fonts``): it covers what the project prints, and zh figures use it.

The characters the project can print are found by the rebuild script's own function
(``scripts/build_cjk_font.py``: ``printable_characters``), so the test and the build
read the same sources; the font's glyphs are read from the files with fontTools.
"""

from __future__ import annotations

import importlib.util
import json
import warnings
from pathlib import Path

from fontTools.ttLib import TTFont

from helpers.chinese import has_cjk
from helpers.figures import cjk_font, findings, frame, style
from tests.conftest import ROOT

FONTS = ROOT / "src" / "helpers" / "figures" / "fonts"
SCRIPT = ROOT / "scripts" / "build_cjk_font.py"


def build_script():
    spec = importlib.util.spec_from_file_location("build_cjk_font", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cmap(path: Path) -> set[int]:
    with TTFont(str(path), lazy=True) as font:
        return set(font.getBestCmap())


def manifest() -> dict:
    return json.loads((FONTS / "manifest.json").read_text(encoding="utf-8"))


def missing_from_the_font(root: Path) -> list[str]:
    """``'X' U+XXXX (first in FILE), missing from FONT`` for every printable character no bundled face has.

    Characters the source font itself lacks (the manifest's ``not_in_source``, drawn by matplotlib's
    fallback DejaVu Sans) are allowed.
    """
    printed = build_script().printable_characters(root)
    problems = []
    for weight, name in sorted(cjk_font.FILES.items()):
        have = cmap(FONTS / name)
        allowed = set(manifest()["faces"][weight]["not_in_source"])
        problems += [f"{c!r} U+{ord(c):04X} (first in {where}), missing from {name}"
                     for c, where in sorted(printed.items()) if ord(c) not in have and c not in allowed]
    return problems


def test_every_character_the_project_prints_is_in_the_bundled_font():
    problems = missing_from_the_font(ROOT)
    assert not problems, ("characters the figures or the report can print are not in the bundled font; rebuild it: "
                          "python scripts/build_cjk_font.py --source NotoSansCJK-Regular.ttc --source "
                          "NotoSansCJK-Bold.ttc (see src/helpers/figures/fonts/README.md)\n" + "\n".join(problems))


def test_a_new_character_in_the_data_is_reported(tmp_path):
    """The check above can fail: a raw file with a character outside the subset (not GB 2312 level 1) is named."""
    rare = "\N{CJK UNIFIED IDEOGRAPH-9F98}"  # 龘, far outside the common list
    assert all(ord(rare) not in cmap(FONTS / name) for name in cjk_font.FILES.values())
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "new.csv").write_text(f"figure_id,as_printed\nx,{rare}1万辆\n", encoding="utf-8")
    problems = missing_from_the_font(tmp_path)
    assert problems and all(p.startswith(f"'{rare}' U+9F98 (first in data/raw/new.csv)") for p in problems)
    assert len(problems) == len(cjk_font.FILES)


def test_the_common_characters_are_in_the_font():
    """GB 2312 level 1 (3,755 characters, from Python's codec here, not the script) and ASCII are all there."""
    level1 = [bytes([hi, lo]).decode("gb2312") for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF)
              if (hi, lo) < (0xD7, 0xFA)]
    assert len(level1) == 3755
    ascii_ = [chr(c) for c in range(0x20, 0x7F)]
    for name in cjk_font.FILES.values():
        have = cmap(FONTS / name)
        assert [c for c in level1 + ascii_ if ord(c) not in have] == [], name


def test_the_manifest_describes_the_committed_files():
    import hashlib

    faces = manifest()["faces"]
    assert sorted(faces) == sorted(cjk_font.FILES)
    for weight, face in faces.items():
        data = (FONTS / face["file"]).read_bytes()
        assert face["file"] == cjk_font.FILES[weight]
        assert hashlib.sha256(data).hexdigest() == face["sha256"], f"{face['file']} changed without a rebuild"
        assert len(data) == face["bytes"] and len(cmap(FONTS / face["file"])) == face["characters"]


def test_the_faces_have_their_own_family_name_and_the_licence():
    for weight, name in cjk_font.FILES.items():
        with TTFont(str(FONTS / name), lazy=True) as font:
            names = font["name"]
            assert names.getDebugName(1) == cjk_font.FAMILY
            assert names.getDebugName(2) == ("Bold" if weight == "bold" else "Regular")
            assert "Open Font License" in names.getDebugName(13)
            assert "Adobe" in names.getDebugName(0)
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONTS / "OFL.txt").read_text(encoding="utf-8")


def test_the_font_files_ship_in_the_package():
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["helpers"]
    package = ROOT / "src" / "helpers"
    shipped = {p for pattern in globs for p in package.glob(pattern)}
    wanted = {FONTS / name for name in cjk_font.FILES.values()} | {FONTS / "OFL.txt", FONTS / "README.md"}
    assert wanted <= shipped, sorted(str(p) for p in wanted - shipped)


def fonts_drawn_with(fig, monkeypatch) -> set[str]:
    """The font files matplotlib's Agg renderer asks for while drawing ``fig`` (the first of each fallback list)."""
    from matplotlib.backends import backend_agg

    used: set[str] = set()
    real = backend_agg.get_font

    def spy(filenames, *args, **kwargs):
        used.add(Path(filenames[0] if isinstance(filenames, (list, tuple)) else filenames).name)
        return real(filenames, *args, **kwargs)

    monkeypatch.setattr(backend_agg, "get_font", spy)
    frame.png_bytes(fig, dpi=50)
    return used


def quality_figure(figures, lang: str):
    """Notebook 06's quality figure with the title and ranks the narrative words (what the notebook passes)."""
    from helpers.narrative.figures import quality_titles, rank_words

    return findings.quality_figure(figures, lang=lang, titles=quality_titles(figures), ranks=rank_words(figures))


def test_a_zh_figure_is_drawn_with_the_bundled_font_and_no_warning(monkeypatch):
    tables = findings.read_figure_tables()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font", the fallback warning: any warning fails
        fig = quality_figure(tables["figures"], lang="zh")
        used = fonts_drawn_with(fig, monkeypatch)
    assert has_cjk(fig.get_suptitle())
    assert set(cjk_font.FILES.values()) <= used, used  # Regular for the text, Bold for the titles


def test_zh_figures_are_the_same_bytes_twice():
    tables = findings.read_figure_tables()
    first = frame.png_bytes(quality_figure(tables["figures"], lang="zh"), dpi=50)
    second = frame.png_bytes(quality_figure(tables["figures"], lang="zh"), dpi=50)
    assert first == second


def test_an_installed_font_of_the_same_name_cannot_take_over():
    """The bundled family is not called "Noto Sans CJK SC", so a machine with the full font still draws ours."""
    from matplotlib import font_manager

    assert style.find_cjk_font() == cjk_font.FAMILY != "Noto Sans CJK SC"
    found = font_manager.findfont(font_manager.FontProperties(family=cjk_font.FAMILY), fallback_to_default=False)
    assert Path(found).name == cjk_font.FILES["regular"]
