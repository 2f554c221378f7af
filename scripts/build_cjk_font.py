"""Rebuild the bundled Chinese font (src/helpers/figures/fonts/) from the full Noto Sans CJK.

The subset holds every character the figures and the report can print (the
non-ASCII characters of data/raw, the notebooks and src/helpers, .py and .toml,
labels.toml included) plus a common set (ASCII, CJK and general punctuation,
full-width forms, GB 2312 level 1), so a new source rarely needs a rebuild.
Deterministic: the same source and fontTools give the same bytes.

Example (Debian's package, not installed: only unpacked under /tmp):

    cd /tmp && apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb noto
    python scripts/build_cjk_font.py \\
        --source /tmp/noto/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \\
        --source /tmp/noto/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Iterable, Iterator

ROOT = Path(__file__).resolve().parents[1]
#: The face taken from the source collection (.ttc) or file (.otf).
SOURCE_FAMILY = "Noto Sans CJK SC"
#: Where the characters printed by the project come from (globs relative to the project root).
SOURCE_GLOBS = ("data/raw/**/*", "notebooks/*.ipynb", "src/helpers/**/*.py", "src/helpers/**/*.toml")
#: Written beside the fonts: what was built from what (the README says it in words).
MANIFEST = "manifest.json"


def gb2312_level1() -> str:
    """The 3,755 characters of GB 2312 level 1: Python's ``gb2312`` codec on bytes 0xB0A1-0xD7FE.

    >>> chars = gb2312_level1()
    >>> len(chars), chars[:4], "港" in chars
    (3755, '啊阿埃挨', True)
    """
    found = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                found.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:  # 0xD7FA-0xD7FE are unassigned
                continue
    return "".join(found)


def common_characters() -> str:
    """ASCII, general and CJK punctuation, full-width forms and GB 2312 level 1.

    >>> chars = common_characters()
    >>> all(c in chars for c in "A,。“”（）—…")
    True
    """
    ranges = [(0x20, 0x7E), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF)]
    return "".join(chr(c) for low, high in ranges for c in range(low, high + 1)) + gb2312_level1()


def _texts(root: Path) -> Iterator[tuple[str, str]]:
    for pattern in SOURCE_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                yield path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")


def printable_characters(root: Path = ROOT) -> dict[str, str]:
    """Every non-ASCII character the project can print, with the first file it appears in.

    Reads :data:`SOURCE_GLOBS` (notebooks whole: markdown, code and outputs).

    >>> found = printable_characters()
    >>> "港" in found, "A" in found
    (True, False)
    """
    found: dict[str, str] = {}
    for where, text in _texts(root):
        for char in text:
            if ord(char) > 0x7E and char.isprintable() and char not in found:
                found[char] = where
    return found


def wanted_characters(root: Path = ROOT) -> str:
    """What the subset is built for: :func:`printable_characters` and :func:`common_characters`, in code point order."""
    return "".join(sorted(set(printable_characters(root)) | set(common_characters())))


def _face(source: Path):
    """The :data:`SOURCE_FAMILY` face of ``source`` and its index in the collection (0 for a single font)."""
    from fontTools.ttLib import TTCollection, TTFont

    if source.suffix.lower() in (".ttc", ".otc"):
        collection = TTCollection(str(source), lazy=False, recalcTimestamp=False)
        for index, font in enumerate(collection.fonts):
            if font["name"].getDebugName(1) == SOURCE_FAMILY:
                return font, index
        raise SystemExit(f"{source}: no face named {SOURCE_FAMILY!r} in the collection")
    font = TTFont(str(source), recalcTimestamp=False)
    if font["name"].getDebugName(1) != SOURCE_FAMILY:
        raise SystemExit(f"{source}: the font is {font['name'].getDebugName(1)!r}, not {SOURCE_FAMILY!r}")
    return font, 0


def _rename(font, weight: str, family: str) -> None:
    """Give the subset its own family name (``family``), so it never shadows an installed full font."""
    style = "Bold" if weight == "bold" else "Regular"
    postscript = family.replace(" ", "") + "-" + style
    names = font["name"]
    version = names.getDebugName(5) or ""
    for record in list(names.names):
        if record.nameID in (16, 17):
            names.removeNames(nameID=record.nameID)
    for name_id, value in ((1, family), (2, style), (3, f"{postscript};su7-slump subset"),
                           (4, family if style == "Regular" else f"{family} {style}"),
                           (5, f"{version}; su7-slump subset"), (6, postscript)):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FullName = names.getDebugName(4)
        top.FamilyName = family


def build_face(source: Path, chars: str, printed: str, family: str) -> tuple[bytes, str, int, str]:
    """The subset of ``source``'s SC face for ``chars``: (bytes, weight, face index, characters of
    ``printed`` the face lacks)."""
    from fontTools import subset

    font, index = _face(source)
    weight = "bold" if font["OS/2"].usWeightClass >= 600 else "regular"
    cmap = font.getBestCmap()
    lacking = "".join(c for c in printed if ord(c) not in cmap)
    options = subset.Options()
    options.recalc_timestamp = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 11, 13, 14]  # copyright, trademark, licence (OFL)
    options.name_languages = [0x409, 0]
    options.notdef_outline = True
    options.hinting = False  # matplotlib autohints (text.hinting) and browsers mostly ignore CFF hints: ~10% smaller
    options.drop_tables += ["VORG", "vhea", "vmtx"]  # vertical writing: neither matplotlib nor the report uses it
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars if ord(c) in cmap])
    subsetter.subset(font)
    _rename(font, weight, family)
    import io

    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue(), weight, index, lacking


def build(sources: Iterable[Path], out_dir: Path, root: Path = ROOT) -> dict:
    """Write the subset of every source (one Regular, one Bold) and the manifest; return the manifest."""
    from fontTools import version as fonttools_version

    from helpers.figures import cjk_font

    printed = "".join(sorted(printable_characters(root)))
    chars = wanted_characters(root)
    manifest: dict = {"family": cjk_font.FAMILY, "characters_wanted": len(chars), "characters_printed": len(printed),
                      "fonttools": fonttools_version, "sources": globs_note(), "faces": {}}
    for source in sources:
        data, weight, index, lacking = build_face(Path(source), chars, printed, cjk_font.FAMILY)
        target = out_dir / cjk_font.FILES[weight]
        target.write_bytes(data)
        manifest["faces"][weight] = {
            "file": target.name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "source_file": Path(source).name, "source_sha256": hashlib.sha256(Path(source).read_bytes()).hexdigest(),
            "face_index": index, "not_in_source": lacking, "characters": _cmap_size(data),
        }
    missing = sorted(set(cjk_font.FILES) - set(manifest["faces"]))
    if missing:
        raise SystemExit(f"no source for the {', '.join(missing)} face: pass --source for each of Regular and Bold")
    (out_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                    encoding="utf-8")
    return manifest


def _cmap_size(data: bytes) -> int:
    import io

    from fontTools.ttLib import TTFont

    return len(TTFont(io.BytesIO(data), lazy=True).getBestCmap())


def globs_note() -> list[str]:
    return list(SOURCE_GLOBS) + ["ASCII 0x20-0x7E", "U+2000-206F", "U+3000-303F", "U+FF00-FFEF",
                                 "GB 2312 level 1 (gb2312 codec, 0xB0A1-0xD7FE)"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python scripts/build_cjk_font.py",
        description=__doc__.split("\n\n")[0] + " Writes the two .otf files and manifest.json.",
        epilog="Run it again whenever the font test (tests/figures/test_cjk_font.py) names missing characters.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--source", type=Path, action="append", required=True, metavar="PATH",
                        help="a full Noto Sans CJK font: NotoSansCJK-Regular.ttc / -Bold.ttc (the SC face is taken) "
                             "or NotoSansCJKsc-Regular.otf / -Bold.otf; give it once per weight")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "helpers" / "figures" / "fonts",
                        help="output folder (default: src/helpers/figures/fonts)")
    args = parser.parse_args(argv)
    for source in args.source:
        if not source.is_file():
            parser.error(f"--source {source}: no such file")
    manifest = build(args.source, args.out)
    print(f"{manifest['characters_wanted']} characters wanted, {manifest['characters_printed']} of them printed by "
          "the project")
    for weight, face in sorted(manifest["faces"].items()):
        lacking = f"; printed but not in the source: {face['not_in_source']!r}" if face["not_in_source"] else ""
        print(f"{face['file']}: {face['characters']} characters, {face['bytes']:,} bytes, "
              f"sha256 {face['sha256'][:16]}...{lacking}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
