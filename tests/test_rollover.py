"""The school year ends and the next begins: ``rollover`` makes next year's roster, archives
last year's files read-only, freezes last year's roll-up, and provisions the continuing teams,
through the emulator and the real client libraries; a second run, or one after a killed run,
changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from typer.testing import CliRunner

from tst_sheets.cli import app
from tst_sheets.config import Settings
from tst_sheets.demo.sample import sample_program
from tst_sheets.demo.write import fill_team_tabs
from tst_sheets.errors import GoogleError
from tst_sheets.jobs.calendar import sync_calendar
from tst_sheets.jobs.common import roster_id_of
from tst_sheets.jobs.files import list_program_files
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.rollover import RolloverResult, rollover
from tst_sheets.jobs.rollup import rollup
from tst_sheets.jobs.roster import read_roster
from tst_sheets.model import DriveFile, Program
from tst_sheets.model.files import all_of_program, of_program
from tst_sheets.workspace import Workspace, connect

OFFICE = "program.office@tst.example.org"  # staff with a per-file grant (not a drive member)
YEAR_END = date(2027, 6, 10)


@dataclass
class LastYear:
    roster_id: str
    program: Program
    books: dict[str, str]  # team id → last year's workbook


def year_one(ws: Workspace, connect_as: Callable[[str], Workspace]) -> LastYear:
    """Three of the demo's teams at the end of 2026-27: T01 and T02 going on to a second
    year, T03 finishing; their Team tabs filled, a roll-up written, the calendar synced."""
    full = sample_program()
    teams = [
        t.model_copy(update={"continuing": t.team_id in ("T01", "T02")})
        for t in full.active_teams()[:3]
    ]
    roster_id = init_roster(ws, program=full.model_copy(update={"teams": teams}))
    books = {
        r.team_id: r.spreadsheet_id for r in provision(ws, roster_id.roster_spreadsheet_id).created
    }
    fill_team_tabs(connect_as, books)
    provision(ws, roster_id.roster_spreadsheet_id)  # shares with the members listed
    rollup(ws, roster_id.roster_spreadsheet_id, YEAR_END, write=True)
    sync_calendar(ws, roster_id.roster_spreadsheet_id)
    read = read_roster(ws, roster_id.roster_spreadsheet_id)
    return LastYear(roster_id.roster_spreadsheet_id, read.program, books)


@pytest.fixture
def last_year(workspace: Workspace, connect_as: Callable[[str], Workspace]) -> LastYear:
    return year_one(workspace, connect_as)


def labels_of(ws: Workspace, file_id: str) -> DriveFile:
    return ws.drive.get_file(file_id, "id,name,parents,appProperties")


def writes(result: RolloverResult) -> int:
    return sum(c["write"] for c in result.calls.values())


def test_rollover_dry_run_json_lists_what_it_would_do_and_writes_nothing(
    last_year: LastYear, workspace: Workspace, service_env: Settings
) -> None:
    before = {f.id: (f.name, f.app_properties, f.parents) for f in list_program_files(workspace)}
    out = CliRunner().invoke(app, ["rollover", "--to", "2027-28", "--dry-run", "--json"])
    assert out.exit_code == 0, out.output
    plan = json.loads(out.output)
    assert (plan["fromYear"], plan["toYear"], plan["dryRun"], plan["changed"]) == (
        "2026-27",
        "2027-28",
        True,
        True,
    )
    assert plan["roster"]["created"] is True and plan["events"] > 10
    assert [(t["teamId"], t["programYear"]) for t in plan["continuing"]] == [("T01", 2), ("T02", 2)]
    assert plan["continuing"][0]["previousSheet"].endswith(f"/d/{last_year.books['T01']}/edit")
    assert plan["finishing"] == ["T03"] and plan["applicationsCarried"] == 2
    # next year's accepted application is a team from day one, under an unused Team ID
    assert plan["admitted"] == [
        {
            "teamId": "T04",
            "school": "Lorraine Hansberry High School",
            "programYear": 1,
            "previousSheet": "",
        }
    ]
    archived = {a["teamId"] or a["kind"]: a for a in plan["archived"]}
    assert set(archived) == {"T01", "T02", "T03", "roster"}
    t01 = last_year.program.teams[0]
    lowered = {d["email"]: (d["role"], d["to"]) for d in archived["T01"]["downgraded"]}
    assert lowered[t01.tl_email] == ("writer", "reader")
    assert {t01.principal_email, t01.coach_email} <= set(lowered)
    assert OFFICE not in lowered  # staff keep edit access
    assert [f["title"] for f in plan["frozen"]] == ["TST 2026-27 roll-up (final)"]
    assert sum(c["write"] for c in plan["calls"].values()) == 0
    shown = CliRunner().invoke(app, ["rollover", "--to", "2027-28", "--dry-run"])
    assert shown.exit_code == 0, shown.output
    assert "Rollover 2026-27 → 2027-28 (dry run: nothing written)" in shown.output
    assert "New roster would be created" in shown.output and "T04" in shown.output
    after = {f.id: (f.name, f.app_properties, f.parents) for f in list_program_files(workspace)}
    assert after == before


def test_rollover_makes_next_years_roster_archives_last_year_read_only_and_a_second_run_changes_nothing(  # noqa: E501
    last_year: LastYear, workspace: Workspace, connect_as: Callable[[str], Workspace]
) -> None:
    result = rollover(workspace, "2027-28")
    assert result.changed and result.roster.created and result.findings == []
    # jobs now find next year's roster, its events re-dated by the program's pattern
    assert roster_id_of(workspace) == result.roster.id
    new = read_roster(workspace, result.roster.id).program
    assert (new.year, new.school_year_start) == ("2027-28", date(2027, 8, 17))
    fall = next(e for e in new.events if e.kind == "fall_training")
    assert fall.date == date(2027, 8, 17) and fall.key == "fall-training-2027"
    assert new.calendar_id == last_year.program.calendar_id
    by_id = {t.team_id: t for t in new.teams}
    assert set(by_id) == {"T01", "T02", "T04"}  # T04: next year's accepted application
    assert (by_id["T01"].program_year, by_id["T04"].program_year) == (2, 1)
    assert by_id["T01"].previous_sheet_url.endswith(f"/d/{last_year.books['T01']}/edit")
    assert by_id["T04"].school == "Lorraine Hansberry High School"
    # the continuing teams' new workbooks, their Team tabs starting with last year's members
    made = {r.team_id: r.spreadsheet_id for r in result.provisioned}
    assert set(made) == {"T01", "T02", "T04"} and made["T01"] != last_year.books["T01"]
    assert by_id["T01"].sheet_url.endswith(f"/d/{made['T01']}/edit")
    team_tab = workspace.sheets.values_get(made["T01"], "Team!A1:G20")
    assert "brian.oneal@schools.example.edu" in [r[1] for r in team_tab if len(r) > 1]
    assert any("On the team in 2026-27" in r for r in team_tab)

    # last year's workbooks: archived, labels kept, read-only for the TL, staff still edit
    old = last_year.books["T01"]
    file = labels_of(workspace, old)
    assert file.app_properties["tstTeamId"] == "T01" and file.app_properties["tstKind"] == "team"
    assert (file.year, file.archived) == ("2026-27", True)
    assert file.parents == [result.archive_folder]
    tl = connect_as(last_year.program.teams[0].tl_email)
    assert tl.sheets.values_get(old, "Team!A1")  # still theirs to read
    with pytest.raises(GoogleError) as refused:
        tl.sheets.values_update(old, "Meetings!A5", [["2027-06-20"]])
    assert refused.value.status == 403
    connect_as(OFFICE).sheets.values_update(old, "Meetings!H20", [["archived by staff"]])
    # last year's roll-up frozen, found by no job as the roll-up any more
    (final,) = result.frozen
    frozen = labels_of(workspace, final.id)
    assert frozen.name == "TST 2026-27 roll-up (final)"
    assert frozen.app_properties["tstKind"] == "rollup_final"
    assert of_program(list_program_files(workspace), "TST", "rollup") == []
    old_roster = labels_of(workspace, last_year.roster_id)
    assert old_roster.archived and old_roster.parents == [result.archive_folder]
    files = list_program_files(workspace)
    assert len(all_of_program(files, "TST", "roster")) == 2
    assert {f.team_id for f in of_program(files, "TST", "team")} == {"T01", "T02", "T04"}

    # the program calendar keeps last year's events beside next year's
    synced = sync_calendar(workspace)
    assert synced.cancelled == [] and not synced.stopped and synced.created
    keys = {e.key for e in synced.created}
    assert "fall-training-2027" in keys
    listed = workspace.calendar.list_events(new.calendar_id)
    live = {
        e["extendedProperties"]["private"]["tstEventKey"]
        for e in listed
        if e.get("status") != "cancelled"
    }
    assert {"fall-training-2026", "fall-training-2027"} <= live

    # the next roll-up is next year's own; last year's final one stays as it was
    fresh = rollup(workspace, as_of=date(2027, 9, 1), write=True)
    assert fresh.rollup_spreadsheet_id != final.id and fresh.teams == 3
    assert labels_of(workspace, fresh.rollup_spreadsheet_id).year == "2027-28"
    assert labels_of(workspace, final.id).name == "TST 2026-27 roll-up (final)"

    # the calendar and the roll-up moved provision's records past their own writes: the
    # weekly provision reads the roster and no Team tab, and writes nothing
    noted = provision(workspace, roster_id_of(workspace))
    assert noted.calls["sheets"] == {"read": 1, "write": 0}
    assert noted.calls["drive"]["write"] == 0
    again = rollover(workspace, "2027-28")
    assert not again.changed and writes(again) == 0
    assert again.roster.id == result.roster.id and again.archived == [] and again.frozen == []


def test_a_killed_rollover_converges_to_the_same_end(
    last_year: LastYear, settings: Settings, knobs: Callable[..., None]
) -> None:
    """Requests fail half way (some after Google applied them) and are not retried: run
    after run finishes what the last left, and nothing is made twice."""
    service = connect(settings)
    fragile = connect(settings.model_copy(update={"max_attempts": 1}))
    knobs(fault_rate=0.15, lost_answer_rate=0.1, seed=5)
    died = 0
    for _ in range(6):
        try:
            rollover(fragile, "2027-28")
        except GoogleError:
            died += 1
    knobs(fault_rate=0.0, lost_answer_rate=0.0)
    assert died > 0
    rollover(service, "2027-28")  # finishes whatever is left
    settled = rollover(service, "2027-28")
    assert not settled.changed and writes(settled) == 0
    files = list_program_files(service)
    rosters = all_of_program(files, "TST", "roster")
    assert sorted(r.year for r in rosters) == ["2026-27", "2027-28"]
    assert [r.archived for r in sorted(rosters, key=lambda r: r.year)] == [True, False]
    assert sorted(f.team_id for f in of_program(files, "TST", "team")) == ["T01", "T02", "T04"]
    archived = [f for f in all_of_program(files, "TST", "team") if f.archived]
    assert sorted(f.team_id for f in archived) == ["T01", "T02", "T03"]
    assert len(all_of_program(files, "TST", "rollup_final")) == 1
    folders = service.drive.list_files(
        "appProperties has { key='tstKind' and value='archive' } and trashed = false",
        drive_id=settings.drive_folder,
    )
    assert len(folders) == 1
    tl = connect(settings, identity=last_year.program.teams[0].tl_email)
    with pytest.raises(GoogleError):
        tl.sheets.values_update(last_year.books["T01"], "Meetings!A5", [["x"]])


def test_a_rollover_to_a_year_already_left_behind_changes_nothing(
    last_year: LastYear, workspace: Workspace, service_env: Settings
) -> None:
    rollover(workspace, "2027-28")
    before = {f.id: f.app_properties for f in list_program_files(workspace)}
    out = CliRunner().invoke(app, ["rollover", "--to", "2026-27"])
    assert out.exit_code == 2
    assert "has a 2027-28 roster already" in out.output
    assert {f.id: f.app_properties for f in list_program_files(workspace)} == before
