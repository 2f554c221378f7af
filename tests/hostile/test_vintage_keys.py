"""A Dagster vintage partition key is a week of the week list, never a path.

Dagster does not check a partition key when a run is launched through its GraphQL
API (the UI's Launchpad with an edited ``dagster/partition`` tag) and the webserver
has no login.  The review launched a run with the key ``/some/dir``: the vintage op
deleted ``/some/dir/project`` and copied the project there.  Every key below is
refused before anything is made or removed, by the ``vintage`` asset itself and by
the functions that build the path.
"""

from __future__ import annotations

import pytest

import dagster as dg

from helpers.orchestration.resources import PROJECT, ProjectRoot
from helpers.orchestration.vintages import VINTAGE_DIR, copy_project, vintage_asset, vintage_folder, vintage_weeks
from tests.pipeline.support import fresh_copy

#: Keys an attacker could send, beside the review's absolute path (filled in with tmp_path).
NOT_WEEKS = ["..", "../..", "../../victim", "2025-W19/../../../..", "2025-W19/../../victim", "", ".", "2025-W19/",
             "2025-W19\\..\\..", "2025-W19\x00", "2099-W01", "2025-W1", "2025-w19", "2025-W19 ", " 2025-W19",
             "x" * 5000]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return fresh_copy(tmp_path_factory.mktemp("vintage-keys") / "project")


@pytest.fixture
def victim(tmp_path):
    """A folder outside the project holding ``project/keep.txt``: what the review's key deleted."""
    folder = tmp_path / "some" / "dir"
    (folder / "project").mkdir(parents=True)
    (folder / "project" / "keep.txt").write_text("still here", encoding="utf-8")
    return folder


def untouched(victim) -> bool:
    return (victim / "project" / "keep.txt").read_text(encoding="utf-8") == "still here" and sorted(
        p.name for p in (victim / "project").iterdir()) == ["keep.txt"]


def test_the_week_list_is_not_empty_so_the_keys_below_are_refused_for_what_they_are(project):
    weeks = vintage_weeks(project)
    assert weeks and all(len(w) == 8 and w[4:6] == "-W" for w in weeks)


@pytest.mark.parametrize("key", NOT_WEEKS, ids=repr)
def test_a_key_that_is_not_a_vintage_week_builds_no_path(project, key):
    with pytest.raises(ValueError, match="is not a vintage week") as raised:
        vintage_folder(project, key)
    assert len(str(raised.value)) < 300  # the key is shown cut short
    with pytest.raises(ValueError, match="is not a vintage week"):
        copy_project(project, key)
    assert not (project / VINTAGE_DIR).exists()


def test_an_absolute_path_as_key_deletes_and_copies_nothing(project, victim):
    for key in (str(victim), str(victim / "project"), str(victim) + "/"):
        with pytest.raises(ValueError, match="is not a vintage week"):
            copy_project(project, key)
    assert untouched(victim)
    assert not (project / VINTAGE_DIR).exists()


def test_a_listed_week_lands_inside_the_vintages_folder(project):
    week = vintage_weeks(project)[0]
    assert vintage_folder(project, week) == (project / VINTAGE_DIR / week / "project").resolve()


@pytest.mark.filterwarnings("ignore::dagster.BetaWarning")
def test_the_asset_refuses_a_launched_key_that_is_a_path_before_anything_is_made(project, victim):
    for key in (str(victim), "../../victim", "2099-W01"):  # a run tag, as the Launchpad sends an edited one
        result = dg.materialize([vintage_asset(project)], resources={PROJECT: ProjectRoot(root=str(project))},
                                tags={"dagster/partition": key}, raise_on_error=False,
                                instance=dg.DagsterInstance.ephemeral())
        (failure,) = [e for e in result.all_events if e.is_step_failure]
        assert "no vintage was run" in str(failure.event_specific_data.error) and "is not a vintage week" in str(
            failure.event_specific_data.error)
    assert untouched(victim)
    assert not (project / VINTAGE_DIR).exists()


def test_a_symlinked_week_folder_pointing_outside_is_refused(project, victim):
    week = vintage_weeks(project)[-1]
    link = project / VINTAGE_DIR / week
    link.parent.mkdir(parents=True)
    link.symlink_to(victim, target_is_directory=True)
    try:
        with pytest.raises(ValueError, match="is not inside"):
            copy_project(project, week)
        assert untouched(victim)
    finally:
        link.unlink()
        link.parent.rmdir()
