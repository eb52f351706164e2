"""The Impact Report a program director sends the board: dated, read-only, staff only, found
again by its labels, through the emulator and the real client libraries."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from gspread.exceptions import APIError
from typer.testing import CliRunner

from tests.test_rollup_job import PLAN, STAFF, TYPED_IN_DATE, shown
from tst_sheets.cli import app
from tst_sheets.config import Settings
from tst_sheets.demo.sample import sample_program
from tst_sheets.demo.season import type_season
from tst_sheets.errors import GoogleError
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.report import report
from tst_sheets.jobs.roster import read_roster
from tst_sheets.model import Program
from tst_sheets.workspace import Workspace

MID_YEAR = date(2027, 2, 1)  # after the mid-year data are in


@pytest.fixture
def program(workspace: Workspace, connect_as: Callable[[str], Workspace]) -> tuple[str, Program]:
    """Three teams with a season typed up to mid-year."""
    full = sample_program()
    program = full.model_copy(update={"teams": full.active_teams()[:3]})
    roster_id = init_roster(workspace, program=program).roster_spreadsheet_id
    books = {r.team_id: r.spreadsheet_id for r in provision(workspace, roster_id).created}
    type_season(
        connect_as, books, MID_YEAR, plan=PLAN, program=program, typed_in_date=TYPED_IN_DATE
    )
    return roster_id, read_roster(workspace, roster_id).program


def labels(ws: Workspace, file_id: str) -> dict[str, str]:
    files = ws.drive.resource.files()
    found: dict[str, str] = files.get(
        fileId=file_id, fields="appProperties", supportsAllDrives=True
    ).execute()["appProperties"]
    return found


def test_the_report_shows_each_goal_against_its_target_and_the_commitments_kept(
    workspace: Workspace, program: tuple[str, Program]
) -> None:
    roster_id, _ = program
    result = report(workspace, roster_id, MID_YEAR)
    assert result.created and result.title == "TST Impact Report, 2027-02-01"
    assert labels(workspace, result.report_spreadsheet_id) == {
        "tstKind": "report",
        "tstProgram": "TST",
        "tstTemplate": "impact_report",
        "tstVersion": "1",
        "tstYear": "2026-27",
        "tstAsOf": "2027-02-01",
    }
    assert [t.team_id for t in result.teams] == ["T01", "T02", "T03"]
    t01 = result.teams[0].goal
    assert (t01.baseline, t01.mid_year, t01.target) == (40, 55, 70)
    assert t01.progress == 0.5 and t01.on_pace is True
    # T03 typed its goal without a target: nothing to measure it against
    assert (result.program.with_target, result.program.measured) == (2, 2)
    assert result.teams[2].goal.note == "the goal states no target"
    assert [c.commitment for c in result.program.completion] == [
        "team_meetings",
        "coaching",
        "principal_checkins",
    ]
    rows = shown(workspace, result.report_spreadsheet_id, "Impact")
    assert rows[0][0] == "The program as of 2027-02-01"
    team_rows = [r for r in rows if r and r[0] in ("T01", "T02", "T03")]
    assert [r[0] for r in team_rows] == ["T01", "T02", "T03"]  # plain: no links for funders
    assert not any(str(c).startswith("=HYPERLINK") for r in rows for c in r)
    about = shown(workspace, result.report_spreadsheet_id, "About")
    assert ["As of", "2027-02-01"] in about


def test_only_staff_can_open_it_and_only_to_read(
    workspace: Workspace, program: tuple[str, Program], connect_as: Callable[[str], Workspace]
) -> None:
    roster_id, prog = program
    book = report(workspace, roster_id, MID_YEAR).report_spreadsheet_id
    team = prog.teams[0]
    for outsider in (team.tl_email, team.principal_email, team.coach_email):
        with pytest.raises(APIError) as refused:
            connect_as(outsider).sheets.client.http_client.fetch_sheet_metadata(book)
        assert refused.value.response.status_code in (403, 404)
    # Staff outside the shared drive get it to read; the drive's own members keep their role.
    office = "program.office@tst.example.org"
    staff = connect_as(office)
    assert staff.sheets.client.http_client.values_get(book, "Impact!A1")["values"]
    with pytest.raises(GoogleError) as read_only:
        staff.sheets.values_update(book, "Impact!A1", [["edited"]])
    assert read_only.value.status == 403
    perms = (
        workspace.drive.resource.permissions()
        .list(
            fileId=book,
            fields="permissions(role,emailAddress,permissionDetails)",
            supportsAllDrives=True,
        )
        .execute()["permissions"]
    )
    direct = {
        p["emailAddress"]: p["role"]
        for p in perms
        if not any(d.get("inherited") for d in p.get("permissionDetails", []))
    }
    assert direct == {office: "reader"}
    assert office in STAFF


def test_one_report_per_date_found_again_by_its_labels(
    workspace: Workspace, program: tuple[str, Program]
) -> None:
    roster_id, _ = program
    first = report(workspace, roster_id, MID_YEAR)
    again = report(workspace, roster_id, MID_YEAR)
    assert again.report_spreadsheet_id == first.report_spreadsheet_id and not again.created
    assert again.calls["sheets"]["write"] == 1  # rewritten in place, one batchUpdate
    assert again.calls["drive"]["write"] == 0  # already shared as it should be
    later = report(workspace, roster_id, date(2027, 2, 15))
    assert later.created and later.report_spreadsheet_id != first.report_spreadsheet_id


def test_cli_report_json_and_summary(program: tuple[str, Program], service_env: Settings) -> None:
    roster_id, _ = program
    args = ["report", "--roster", roster_id, "--as-of", "2027-02-01"]
    out = CliRunner().invoke(app, [*args, "--json"])
    assert out.exit_code == 0, out.output
    data: dict[str, Any] = json.loads(out.output)
    assert {"reportSpreadsheetId", "url", "title", "asOf", "created", "program", "teams"} <= set(
        data
    )
    assert {"teamsOnTrack", "held", "expected", "completion"} <= set(
        data["program"]["completion"][0]
    )
    assert {"teamId", "school", "status", "goal"} == set(data["teams"][0])
    shown_ = CliRunner().invoke(app, args)
    assert shown_.exit_code == 0 and "TST Impact Report, 2027-02-01" in shown_.output
    assert "Commitments kept" in shown_.output
