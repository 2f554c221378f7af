"""Figure roles: every role names a figure that exists in data/raw, and no code names a figure_id itself."""

from __future__ import annotations

import re

from helpers.data.raw import read_tables
from helpers.data.roles import FIGURE, ROLES
from tests.conftest import ROOT


def test_every_role_names_a_figure_in_data_raw():
    tables = read_tables(ROOT / "data" / "raw")
    ids = {fid for frame in tables.values() if "figure_id" in frame.columns for fid in frame["figure_id"].astype(str)}
    assert sorted(set(ROLES.values()) - ids) == []
    assert len(set(ROLES.values())) == len(ROLES)  # one role per figure


def test_roles_read_as_attributes():
    assert FIGURE.design_capacity == ROLES["design_capacity"]


def test_no_module_types_a_role_figure_id():
    """A figure id written into code would be a second declaration of its role."""
    quoted = re.compile("|".join(re.escape(f'"{fid}"') for fid in ROLES.values()))
    offenders = []
    for path in sorted((ROOT / "src" / "helpers").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if quoted.search(line) and not line.lstrip().startswith((">>>", "...", "#")):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
