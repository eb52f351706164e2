"""The chaos bench in small (``bench/chaos.py``): the whole program under faults of both kinds
and a squeezed quota ends exactly as a clean run of the same program does — and the
comparison is not blind: a row a TL typed that went missing, a leftover file and a second
email the same week are each caught."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from bench.chaos import Ran, compare, judge
from bench.chaos_loop import Faults, Run, one_run
from bench.cohort import ADMIN, bench_program
from tst_sheets.workspace import connect

TEAMS, SEED = 3, 1
SPREADSHEET = "application/vnd.google-apps.spreadsheet"


@pytest.fixture(scope="module")
def clean() -> Ran:
    """The program run once without faults: what the other runs must end as."""
    return one_run(bench_program(TEAMS), SEED, None)


def test_under_faults_and_a_squeezed_quota_every_artifact_ends_as_in_a_clean_run(
    clean: Ran,
) -> None:
    result = judge(TEAMS, SEED, clean, one_run(bench_program(TEAMS), SEED, Faults()))
    assert result.faulty.faulted > 0 and result.faulty.lost > 0, "faults were injected"
    assert result.differences == []
    assert result.duplicates == []
    assert result.faulty.unreadable == 0
    assert result.identical == result.artifacts > 10 * TEAMS


def damage(run: Run) -> None:
    """After the loop: T01's TL loses a meeting row, a stray spreadsheet appears in the drive,
    and the same weekly email goes a second time."""
    team = run.program.teams[0]
    tl = connect(run.settings, team.tl_email)
    tl.sheets.values_update(run.books[team.team_id], "'Meetings'!A3:E3", [[""] * 5])
    staff = connect(run.settings, ADMIN)
    staff.drive.create_file("Copy of T02", SPREADSHEET, [run.settings.drive_folder or ""], {})
    message = EmailMessage()
    message["To"] = team.tl_email
    message["Subject"] = "TST this week"
    message.set_content("again")
    staff.gmail.send(message.as_bytes())
    staff.gmail.send(message.as_bytes())


def test_the_comparison_catches_a_lost_row_a_leftover_file_and_a_second_email(
    clean: Ran,
) -> None:
    _, damaged = one_run(bench_program(TEAMS), SEED, None, after=damage)
    differing = {d.artifact for d in compare(clean[1], damaged)}
    assert "team:T01/Meetings" in differing
    assert "emails" in differing
    assert "orphan unlabelled:Copy of T02" in damaged.duplicates
    assert any(d.startswith("2 emails to ") for d in damaged.duplicates)
