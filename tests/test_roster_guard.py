"""What staff see when the roster is broken or a run would remove too much: the job stops before
it writes, says where, and the calendars, workbooks and roll-up stay as they were."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import gspread
import pytest
from gspread.utils import ValueInputOption
from typer.testing import CliRunner

from tests.conftest import ADMIN
from tst_sheets.cli import app
from tst_sheets.config import Settings
from tst_sheets.demo.sample import sample_program
from tst_sheets.jobs.calendar import sync_calendar
from tst_sheets.jobs.files import list_program_files
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.rollup import rollup
from tst_sheets.workspace import Workspace

AS_OF = "2026-11-23"


CALENDARS: dict[str, str] = {}  # roster id -> its program calendar


@pytest.fixture
def live_program(service_env: Settings, workspace: Workspace) -> str:
    """The sample program provisioned and its calendar synced."""
    roster_id = init_roster(workspace, program=sample_program()).roster_spreadsheet_id
    provision(workspace, roster_id)
    CALENDARS[roster_id] = sync_calendar(workspace, roster_id).calendar_id
    return roster_id


@pytest.fixture
def staff_roster(live_program: str, connect_as: Callable[[str], Workspace]) -> gspread.Spreadsheet:
    """The roster as a staff member opens it (a drive member editing by hand)."""
    return connect_as(ADMIN).sheets.client.open_by_key(live_program)


def live_events(ws: Workspace, roster_id: str) -> list[dict[str, Any]]:
    """The program calendar's events that are not cancelled, with their guests."""
    events = ws.calendar.list_events(CALENDARS[roster_id])
    return [e for e in events if e.get("status") != "cancelled"]


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_a_renamed_events_tab_cancels_no_event(
    staff_roster: gspread.Spreadsheet, workspace: Workspace, live_program: str
) -> None:
    before = live_events(workspace, live_program)
    staff_roster.worksheet("Events").update_title("Old stuff")
    out = run("calendar")
    assert out.exit_code == 2, out.output
    (line,) = [x for x in out.output.splitlines() if x.strip()]
    assert line.startswith("The roster's Events cannot be read whole")
    assert "calendar changed nothing" in line
    assert live_events(workspace, live_program) == before


def test_an_events_tab_without_its_header_row_cancels_no_event(
    staff_roster: gspread.Spreadsheet, workspace: Workspace, live_program: str
) -> None:
    before = live_events(workspace, live_program)
    staff_roster.worksheet("Events").delete_rows(1)
    out = run("calendar")
    assert out.exit_code == 2 and "Events!A1" in out.output and "no header row" in out.output
    assert live_events(workspace, live_program) == before


def test_a_renamed_teams_tab_leaves_the_rollup_as_it_was(
    staff_roster: gspread.Spreadsheet, workspace: Workspace, live_program: str
) -> None:
    written = rollup(workspace, live_program, as_of=None)
    book = workspace.sheets.client.open_by_key(written.rollup_spreadsheet_id)
    before = [tab.get_all_values() for tab in book.worksheets()]
    staff_roster.worksheet("Teams").update_title("Teams (old)")
    for command in ("rollup", "collect", "provision", "calendar", "export-ics"):
        out = run(command, *(["--as-of", AS_OF] if command in ("rollup", "collect") else []))
        assert out.exit_code == 2, (command, out.output)
        assert "Teams cannot be read whole" in out.output and "Traceback" not in out.output
    assert [tab.get_all_values() for tab in book.worksheets()] == before


def test_a_missing_required_column_stops_provision(
    staff_roster: gspread.Spreadsheet, live_program: str
) -> None:
    teams = staff_roster.worksheet("Teams")
    header = teams.row_values(1)
    teams.update_cell(1, header.index("Team ID") + 1, "")
    out = run("provision")
    assert out.exit_code == 2 and "no Team ID column" in out.output


def _delete_event_rows(roster: gspread.Spreadsheet, share: float) -> int:
    """Delete the first ``share`` of the Events rows; how many went."""
    events = roster.worksheet("Events")
    rows = [i for i, row in enumerate(events.get_all_values()[1:], start=2) if any(row)]
    gone = rows[: max(1, round(len(rows) * share))]
    for row in reversed(gone):
        events.delete_rows(row)
    return len(gone)


def test_deleting_a_third_of_the_events_needs_allow_mass_change(
    staff_roster: gspread.Spreadsheet, workspace: Workspace, live_program: str
) -> None:
    before = live_events(workspace, live_program)
    gone = _delete_event_rows(staff_roster, 0.35)
    out = run("calendar", "--json")
    assert out.exit_code == 1
    plan = json.loads(out.stdout)
    assert len(plan["cancelled"]) == gone
    assert (
        "--allow-mass-change" in plan["stopped"]
        and f"{gone} of {len(before)} events" in (plan["stopped"])
    )
    assert live_events(workspace, live_program) == before, "nothing was cancelled"
    out = run("calendar", "--allow-mass-change")
    assert out.exit_code == 0, out.output
    assert len(live_events(workspace, live_program)) == len(before) - gone


def test_deleting_one_event_goes_through(
    staff_roster: gspread.Spreadsheet, workspace: Workspace, live_program: str
) -> None:
    before = live_events(workspace, live_program)
    assert _delete_event_rows(staff_roster, 0.01) == 1
    assert run("calendar").exit_code == 0
    assert len(live_events(workspace, live_program)) == len(before) - 1


def test_a_typo_in_allowed_domains_takes_nobodys_access_away(
    staff_roster: gspread.Spreadsheet, workspace: Workspace, live_program: str
) -> None:
    """Every school address would read as an outsider: provision stops, shows the plan, and
    only --allow-mass-change applies it."""
    program_tab = staff_roster.worksheet("Program")
    cell = program_tab.find("Allowed Domains")
    assert cell is not None
    program_tab.update_cell(cell.row, cell.col + 1, "schools.exmaple.edu, tst.example.org")
    book = sample_program().active_teams()[0]
    tl = book.tl_email
    out = run("provision", "--json")
    assert out.exit_code == 1
    plan = json.loads(out.stdout)
    assert "people's access" in plan["stopped"] and "--allow-mass-change" in plan["stopped"]
    assert tl in {g["email"] for g in plan["unshared"]}
    workbooks = {r["teamId"]: r["spreadsheetId"] for r in plan["existing"]}
    holders = {p.email for p in workspace.drive.list_permissions(workbooks[book.team_id])}
    assert tl in holders, "nothing was removed"
    assert run("provision", "--allow-mass-change").exit_code == 0
    holders = {p.email for p in workspace.drive.list_permissions(workbooks[book.team_id])}
    assert tl not in holders


def test_pausing_most_teams_by_mistake_leaves_the_rollup_as_it_was(
    staff_roster: gspread.Spreadsheet, workspace: Workspace, live_program: str
) -> None:
    written = rollup(workspace, live_program, as_of=None)
    book = workspace.sheets.client.open_by_key(written.rollup_spreadsheet_id)
    summary = book.worksheet("Summary").get_all_values()
    teams = staff_roster.worksheet("Teams")
    status_col = teams.row_values(1).index("Status") + 1
    for row in range(2, 7):  # 5 of the 12 teams
        teams.update_cell(row, status_col, "Paused")
    out = run("rollup", "--json")
    assert out.exit_code == 1
    assert "5 of 12 teams" in json.loads(out.stdout)["stopped"]
    assert book.worksheet("Summary").get_all_values() == summary
    assert run("rollup", "--allow-mass-change").exit_code == 0
    assert len(book.worksheet("Summary").get_all_values()) < len(summary)


def test_an_event_at_25_00_is_a_finding_and_its_invitation_stays_as_it_was(
    staff_roster: gspread.Spreadsheet, workspace: Workspace, live_program: str
) -> None:
    before = {e["id"]: e for e in live_events(workspace, live_program)}
    events = staff_roster.worksheet("Events")
    header = events.row_values(1)
    start_col = header.index("Start") + 1
    row = next(i for i, r in enumerate(events.get_all_values()[1:], start=2) if r[start_col - 1])
    key = events.cell(row, header.index("Event Key") + 1).value
    events.update_cell(row, start_col, "25:00")
    out = run("calendar", "--json")
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    (finding,) = [f for f in result["findings"] if f["found"] == "'25:00'"]
    assert finding["severity"] == "error" and finding["tab"] == "Events"
    assert "left off the calendar" in finding["expected"]
    assert key not in {
        c["key"] for c in result["created"] + result["updated"] + result["cancelled"]
    }
    assert {e["id"]: e for e in live_events(workspace, live_program)} == before


def test_a_tls_own_rows_under_program_events_are_kept(
    staff_roster: gspread.Spreadsheet,
    workspace: Workspace,
    live_program: str,
    connect_as: Callable[[str], Workspace],
) -> None:
    from tst_sheets.calendar.team_tab import OWN_ROWS

    team = sample_program().active_teams()[0]
    book_id = next(
        f.id for f in list_program_files(workspace) if f.label("tstTeamId") == team.team_id
    )
    tab = connect_as(team.tl_email).sheets.client.open_by_key(book_id).worksheet("Program Events")
    rows = tab.get_all_values()
    marker = next(i for i, row in enumerate(rows, start=1) if row[0] == OWN_ROWS)
    own = ["2026-12-10", "3:30 PM", "Our book club", "In person", "Library"]
    tab.update([own], f"A{marker + 2}", value_input_option=ValueInputOption.raw)
    _delete_event_rows(staff_roster, 0.01)  # the program's rows shrink by one
    assert run("calendar").exit_code == 0
    after = tab.get_all_values()
    assert own in after, "the TL's row is still there"
    assert after.index(own) > next(i for i, row in enumerate(after) if row[0] == OWN_ROWS)
    assert len([r for r in after if any(r)]) == len(
        [r for r in rows if any(r)]
    )  # one less, one more
