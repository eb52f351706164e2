"""The calendar job through the emulator, googleapiclient and gspread, as production runs it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from gspread.utils import ValueInputOption
from icalendar import Calendar

from tests.test_calendar_sync import program as seed_program
from tst_sheets.calendar.events import desired_events
from tst_sheets.calendar.ids import event_id
from tst_sheets.demo.sample import sample_program
from tst_sheets.jobs.calendar import CalendarResult, sync_program
from tst_sheets.jobs.calendar_writes import EventWriter
from tst_sheets.jobs.ics import export_program_ics
from tst_sheets.model import EventSpec, Program
from tst_sheets.workspace import Workspace

CHI = ZoneInfo("America/Chicago")
TODAY = date(2026, 11, 23)
TEAM_HEADER = ["Name", "Email", "Role", "Subject / Grade", "Joined", "Left", "Notes"]
EVENTS_HEADER = ["Date", "Time", "Event", "Mode", "Location / Link"]


def make_workbook(ws: Workspace, team_id: str, members: list[list[str]]) -> str:
    """A team workbook with the two tabs the job reads (provisioning makes the real ones)."""
    book = ws.sheets.client.create(f"Impact Team {team_id}", folder_id=ws.settings.drive_folder)
    team_tab = book.sheet1
    team_tab.update_title("Team")
    team_tab.update([TEAM_HEADER, *members], "A1", value_input_option=ValueInputOption.raw)
    events_tab = book.add_worksheet("Program Events", rows=40, cols=5)
    events_tab.update([EVENTS_HEADER], "A1", value_input_option=ValueInputOption.raw)
    return str(book.url)


def team_event(key: str = "site-visit") -> EventSpec:
    return EventSpec(
        key=key,
        title="TST observation visit",
        date=date(2026, 12, 3),
        start=time(15, 30),
        end=time(16, 30),
        location="Room 204",
        audience=["Team:T01"],
        row=30,
    )


@pytest.fixture
def program(workspace: Workspace) -> Program:
    ana = ["Ana Ruiz", "ana@cps.example.edu", "Member", "Grade 3", "2026-08-20", "", ""]
    gone = ["Bo Li", "bo@cps.example.edu", "Member", "Grade 4", "2026-08-20", "2026-10-01", ""]
    urls = {
        "T01": make_workbook(workspace, "T01", [ana, gone]),
        "T02": make_workbook(workspace, "T02", []),
    }
    base = seed_program()
    teams = [t.model_copy(update={"sheet_url": urls[t.team_id]}) for t in base.teams]
    return base.model_copy(update={"teams": teams, "events": [*base.events, team_event()]})


Sync = Callable[..., CalendarResult]


@pytest.fixture
def sync(workspace: Workspace) -> Sync:
    """Run the job, recording the program calendar the way the roster would."""
    recorded: list[str] = []

    def run(prog: Program, **kwargs: Any) -> CalendarResult:
        prog = prog.model_copy(update={"calendar_id": recorded[-1] if recorded else ""})
        return sync_program(workspace, prog, today=TODAY, record=recorded.append, **kwargs)

    return run


def primary(connect_as: Callable[[str], Workspace], email: str) -> list[dict[str, Any]]:
    """What a person sees on their own calendar."""
    reply = (
        connect_as(email)
        .calendar.resource.events()
        .list(calendarId="primary", singleEvents=True, orderBy="startTime", maxResults=2500)
        .execute()
    )
    items: list[dict[str, Any]] = reply.get("items", [])
    return items


def local(value: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(value["dateTime"].replace("Z", "+00:00")).astimezone(CHI)


def test_a_tl_sees_the_program_on_their_own_calendar(
    program: Program, sync: Sync, connect_as: Callable[[str], Workspace]
) -> None:
    result = sync(program)
    assert result.findings == []
    assert len(result.created) == len(desired_events(program, {"T01": ["ana@cps.example.edu"]})[0])
    mine = primary(connect_as, "tl1@cps.example.edu")
    fall = [e for e in mine if e["summary"] == "TST Fall Training"]
    assert len(fall) == 1
    assert (local(fall[0]["start"]), local(fall[0]["end"])) == (
        datetime(2026, 8, 17, 17, 30, tzinfo=CHI),
        datetime(2026, 8, 17, 20, 30, tzinfo=CHI),
    )
    assert fall[0]["start"]["timeZone"] == "America/Chicago"
    roundtables = [e for e in mine if e["summary"] == "Cohort Roundtable"]
    assert len(roundtables) == 10
    for month, event in enumerate(roundtables):
        if month % 2 == 0:
            assert event["hangoutLink"].startswith("https://meet.google.com/")
            video = [
                p for p in event["conferenceData"]["entryPoints"] if p["entryPointType"] == "video"
            ]
            assert video and video[0]["uri"] == event["hangoutLink"]
        else:
            assert event["location"] == "TST office, 33 W Monroe" and "hangoutLink" not in event
    months = [local(e["start"]).month for e in roundtables]
    assert months == [9, 10, 11, 12, 1, 2, 3, 4, 5, 6]
    deadlines = [e for e in mine if "data due" in e["summary"]]
    assert [d["start"] for d in deadlines] == [{"date": "2027-01-22"}, {"date": "2027-05-28"}]
    coaching = [e for e in mine if e["summary"].startswith("Coaching")]
    assert len(coaching) > 15 and all(e.get("recurringEventId") for e in coaching)
    assert "TST observation visit" in {e["summary"] for e in mine}
    me = [a for a in fall[0]["attendees"] if a.get("self")]
    assert me and me[0]["responseStatus"] == "needsAction"


def test_a_principal_sees_the_july_sessions(
    program: Program, sync: Sync, connect_as: Callable[[str], Workspace]
) -> None:
    sync(program)
    sessions = [
        e
        for e in primary(connect_as, "principal2@cps.example.edu")
        if e["summary"] == "Principal Training"
    ]
    assert [local(e["start"]).date() for e in sessions] == [
        date(2027, 7, 8),
        date(2027, 7, 14),
        date(2027, 7, 22),
    ]
    assert all(local(e["start"]).time() == time(10, 0) for e in sessions)
    assert all(e["hangoutLink"] for e in sessions)
    assert all(next(a for a in e["attendees"] if a.get("self"))["optional"] for e in sessions)


def test_second_run_writes_nothing(program: Program, sync: Sync) -> None:
    first = sync(program)
    second = sync(program)
    assert first.calls["calendar"]["write"] == len(first.created) + 1  # + the calendar
    assert second.calls["calendar"] == {"read": 1, "write": 0}
    assert second.calls["sheets"]["write"] == 0 and second.calls["drive"]["write"] == 0
    assert (second.created, second.updated, second.cancelled) == ([], [], [])
    assert len(second.unchanged) == len(first.created)


def test_one_new_start_time_is_one_patch(
    program: Program, sync: Sync, connect_as: Callable[[str], Workspace]
) -> None:
    sync(program)
    events = [
        e.model_copy(update={"start": time(17, 0)}) if e.key == "fall-training" else e
        for e in program.events
    ]
    result = sync(program.model_copy(update={"events": events}))
    assert result.calls["calendar"] == {"read": 1, "write": 1}
    assert [(c.key, c.fields) for c in result.updated] == [("fall-training", ["start"])]
    fall = next(
        e for e in primary(connect_as, "tl2@cps.example.edu") if e["summary"] == "TST Fall Training"
    )
    assert local(fall["start"]).time() == time(17, 0)


def test_a_removed_row_is_cancelled(
    program: Program, sync: Sync, connect_as: Callable[[str], Workspace]
) -> None:
    sync(program)
    events = [e for e in program.events if e.key != "roundtable-2026-10"]
    result = sync(program.model_copy(update={"events": events}))
    assert [c.key for c in result.cancelled] == ["roundtable-2026-10"]
    assert result.calls["calendar"] == {"read": 1, "write": 1}
    mine = primary(connect_as, "tl1@cps.example.edu")
    assert len([e for e in mine if e["summary"] == "Cohort Roundtable"]) == 9
    back = sync(program)  # the row comes back: the same event revives
    assert [c.key for c in back.updated] == ["roundtable-2026-10"] and back.created == []


def test_a_new_member_is_invited_to_the_team_events(
    workspace: Workspace, program: Program, sync: Sync, connect_as: Callable[[str], Workspace]
) -> None:
    sync(program)
    assert not primary(connect_as, "cy@cps.example.edu")
    visit = [e for e in primary(connect_as, "ana@cps.example.edu")]
    assert [e["summary"] for e in visit] == ["TST observation visit"]
    assert not primary(connect_as, "bo@cps.example.edu")  # left in October
    book = workspace.sheets.client.open_by_url(program.teams[0].sheet_url)
    book.worksheet("Team").append_row(
        ["Cy Ng", "cy@cps.example.edu", "Member", "Grade 5", "2026-11-20", "", ""],
        value_input_option=ValueInputOption.raw,
    )
    result = sync(program)
    assert [(c.key, c.fields) for c in result.updated] == [("site-visit", ["attendees"])]
    assert [e["summary"] for e in primary(connect_as, "cy@cps.example.edu")] == [
        "TST observation visit"
    ]


def test_team_program_events_tab(workspace: Workspace, program: Program, sync: Sync) -> None:
    first = sync(program)
    assert sorted(first.team_tabs_updated) == ["T01", "T02"]
    tab = workspace.sheets.client.open_by_url(program.teams[0].sheet_url).worksheet(
        "Program Events"
    )
    rows = tab.get_all_values()
    assert rows[0] == EVENTS_HEADER
    assert [
        "2026-08-17",
        "5:30 PM – 8:30 PM",
        "TST Fall Training",
        "In person",
        "Malcolm X College, 1900 W Jackson",
    ] in rows
    virtual = [r for r in rows if r[2] == "Cohort Roundtable" and r[3] == "Virtual"]
    assert len(virtual) == 5 and all(r[4].startswith("https://meet.google.com/") for r in virtual)
    assert any(r[2] == "TST observation visit" for r in rows)
    t2 = workspace.sheets.client.open_by_url(program.teams[1].sheet_url).worksheet("Program Events")
    assert not any(r[2] == "TST observation visit" for r in t2.get_all_values())
    assert sync(program).team_tabs_updated == []
    events = [e for e in program.events if e.key != "roundtable-2027-06"]
    third = sync(program.model_copy(update={"events": events}))
    assert sorted(third.team_tabs_updated) == ["T01", "T02"]
    shorter = tab.get_all_values()
    assert len(shorter) == len(rows) - 1  # the freed last row is blank, not stale


def test_dry_run_writes_nothing(program: Program, sync: Sync, workspace: Workspace) -> None:
    plan = sync(program, dry_run=True)
    assert plan.calls["calendar"]["write"] == 0 and plan.calls["sheets"]["write"] == 0
    assert len(plan.created) == len(desired_events(program)[0]) and plan.calendar_id == ""
    sync(program)
    events = [e for e in program.events if e.key != "fall-training"]
    plan = sync(program.model_copy(update={"events": events}), dry_run=True)
    assert [c.key for c in plan.cancelled] == ["fall-training"]
    assert plan.calls["calendar"] == {"read": 1, "write": 0}


def test_a_retried_create_does_not_duplicate(
    program: Program, sync: Sync, workspace: Workspace
) -> None:
    result = sync(program)
    desired = desired_events(program)[0]
    fall = next(e for e in desired if e.key == "fall-training")
    again = EventWriter(workspace, result.calendar_id, "all").insert(fall)  # answered 409
    assert again["id"] == event_id("TST", "fall-training")
    listed = (
        workspace.calendar.resource.events().list(calendarId=result.calendar_id, q=None).execute()
    )
    assert len([e for e in listed["items"] if e["id"] == fall.id]) == 1


def test_an_unrecorded_calendar_is_found_again(program: Program, workspace: Workspace) -> None:
    first = sync_program(workspace, program, today=TODAY)  # died before recording the calendar
    second = sync_program(workspace, program, today=TODAY)
    assert second.calendar_id == first.calendar_id
    assert second.calls["calendar"]["write"] == 0 and second.created == []


def test_ics_export_carries_the_meet_links(
    program: Program, sync: Sync, workspace: Workspace
) -> None:
    result = sync(program)
    recorded = program.model_copy(update={"calendar_id": result.calendar_id})
    export = export_program_ics(workspace, recorded, team="T01")
    assert export.calls["calendar"] == {"read": 1, "write": 0}
    events = {str(e["UID"]): e for e in Calendar.from_ical(export.data).walk("VEVENT")}
    assert str(events["roundtable-2026-09@tst"]["URL"]).startswith("https://meet.google.com/")
    assert "coaching:T01@tst" in events and "coaching:T02@tst" not in events


def test_cli_calendar_json_and_export_ics(
    workspace: Workspace, service_env: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from typer.testing import CliRunner

    from tst_sheets.cli import app
    from tst_sheets.jobs.init import init_roster

    roster_id = init_roster(workspace, program=sample_program()).roster_spreadsheet_id
    monkeypatch.setenv("TST_ROSTER_ID", roster_id)
    runner = CliRunner()
    first = runner.invoke(app, ["calendar", "--json"])
    assert first.exit_code == 0, first.output
    body = json.loads(first.output)
    assert set(body) == {
        "created",
        "updated",
        "cancelled",
        "unchanged",
        "findings",
        "attendance",
        "calls",
        "stopped",
    }
    assert set(body["attendance"]) == {"rowsAdded", "rsvpsUpdated", "written"}
    assert any(c["key"].startswith("fall-training") for c in body["created"])
    second = json.loads(runner.invoke(app, ["calendar", "--json"]).output)
    assert second["calls"]["calendar"] == {"read": 1, "write": 0}
    assert second["created"] == [] and len(second["unchanged"]) == len(body["created"])
    table = runner.invoke(app, ["calendar", "--dry-run"])
    assert table.exit_code == 0 and "unchanged" in table.output
    out = tmp_path / "program.ics"
    exported = runner.invoke(app, ["export-ics", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert len(events) == len(body["created"])
    assert all(str(e["UID"]).endswith("@tst") for e in events)


def test_bad_roster_rows_become_findings_with_cells(workspace: Workspace) -> None:
    from tst_sheets.jobs.calendar import sync_calendar
    from tst_sheets.jobs.init import init_roster

    roster_id = init_roster(workspace, program=sample_program()).roster_spreadsheet_id
    events = workspace.sheets.client.open_by_key(roster_id).worksheet("Events")
    first_free = len(events.get_all_values()) + 1
    bad = [
        ["no-date", "No date", "Other", "", "17:00", "18:00", "In person", "", "All TLs", ""],
        ["bad-time", "Bad time", "Other", "2026-12-01", "half past", "18:00", "In person", "",
         "All TLs", ""],
        ["backwards", "Backwards", "Other", "2026-12-02", "18:00", "17:00", "Virtual", "",
         "All TLs", ""],
        ["who", "Who", "Other", "2026-12-03", "18:00", "19:00", "Virtual", "", "Janitors", ""],
    ]  # fmt: skip
    events.update(bad, f"A{first_free}", value_input_option=ValueInputOption.raw)
    result = sync_calendar(workspace, roster_id)
    got = {(f.tab, f.cell) for f in result.findings}
    row = first_free
    assert ("Events", f"D{row}") in got  # no date
    assert ("Events", f"E{row + 1}") in got  # unparseable time
    assert ("Events", f"F{row + 2}") in got  # end before start
    assert ("Events", f"I{row + 3}") in got  # unknown audience
    assert all(f.link and "#gid=" in f.link for f in result.findings)
    keys = {c.key for c in result.created}
    assert "who" in keys and not {"no-date", "bad-time", "backwards"} & keys


def test_a_vanished_calendar_is_replaced_and_reported(
    program: Program, workspace: Workspace
) -> None:
    recorded: list[str] = []
    gone = program.model_copy(update={"calendar_id": "gone123@group.calendar.google.com"})
    result = sync_program(workspace, gone, today=TODAY, record=recorded.append)
    assert recorded == [result.calendar_id] and result.calendar_id != gone.calendar_id
    assert [f.rule for f in result.findings] == ["calendar.missing"]
    assert len(result.created) == len(desired_events(program)[0])


def test_demo_step_shows_a_tl_and_a_principal_their_calendars(
    workspace: Workspace, connect_as: Callable[[str], Workspace]
) -> None:
    from types import SimpleNamespace

    from tst_sheets.demo.agenda import demo_calendar_step
    from tst_sheets.jobs.init import init_roster

    roster_id = init_roster(workspace, program=sample_program()).roster_spreadsheet_id
    ctx = SimpleNamespace(ws=workspace, state={"roster_id": roster_id}, connect_as=connect_as)
    detail = demo_calendar_step(ctx)  # type: ignore[arg-type]
    assert detail["created"] > 10 and detail["calls"]["calendar"]["write"] == detail["created"] + 1
    tl_rows, principal_rows = detail["agendas"].values()
    assert any(r["event"] == "TST Fall Training" and "17:30–20:30" in r["when"] for r in tl_rows)
    assert any(r["event"].startswith("Principal Training") for r in principal_rows)
    assert ctx.state["calendar_id"]
