"""Atomic writes: a file is replaced whole or not at all."""

from __future__ import annotations

import os

import pytest

from helpers.atomic import staged_dir, write_bytes_atomic, write_text_atomic


def test_atomic_write_replaces_and_reports_change(tmp_path):
    target = tmp_path / "sub" / "out.csv"
    assert write_text_atomic(target, "a\n") is True
    assert write_text_atomic(target, "a\n") is False
    assert write_text_atomic(target, "b\n") is True
    assert target.read_text() == "b\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.csv"]


def test_failed_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_staged_dir_moves_nothing_on_error(tmp_path):
    target = tmp_path / "figures"
    target.mkdir()
    (target / "a.png").write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with staged_dir(target) as stage:
            (stage / "a.png").write_bytes(b"new")
            raise RuntimeError("figure failed")
    assert (target / "a.png").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures"]
