"""The roster: parsing (pure), the seed school year, and init through the emulator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import pytest

from tst_sheets.calendar.school_year import load_year_pattern
from tst_sheets.config import DEFAULT_TEMPLATES
from tst_sheets.demo.sample import OUTSIDE_MEMBER, sample_program, sample_teams
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.roster import read_roster
from tst_sheets.provision.roster import render_roster
from tst_sheets.reading.dates import parse_time
from tst_sheets.reading.roster import TEMPLATE, parse_roster
from tst_sheets.reading.values import CellValue
from tst_sheets.templates import WorkbookTemplate, load_template
from tst_sheets.workspace import Workspace

Grid = list[list[CellValue]]


@pytest.fixture(scope="module")
def template() -> WorkbookTemplate:
    return load_template(TEMPLATE, DEFAULT_TEMPLATES)


def program_tab() -> Grid:
    return [
        ["Setting", "Value"],
        ["Program Name", "TST"],
        ["School Year Start", 46251],  # a date cell: 2026-08-17
        ["school year end", "2027-06-10"],
        ["Allowed Domains", "schools.example.edu, @tst.example.org"],
        ["Staff Emails", "maya.thompson@tst.example.org; not an email"],
        ["Breaks", "Winter Break 2026-12-21 to 2027-01-01; sometime in spring"],
    ]


def test_settings_by_label_with_bad_cells_as_findings(template: WorkbookTemplate) -> None:
    read = parse_roster("R1", {"program": program_tab()}, template)
    program = read.program
    assert program.school_year_start == date(2026, 8, 17)
    assert program.school_year_end == date(2027, 6, 10)
    assert program.allowed_domains == ["schools.example.edu", "tst.example.org"]
    assert program.staff_emails == ["maya.thompson@tst.example.org"]
    assert [b.label for b in program.breaks] == ["Winter Break"]
    assert program.timezone == "America/Chicago"
    bad = {(f.tab, f.cell) for f in read.findings if f.rule == "roster.bad_value"}
    assert ("Program", "B6") in bad and ("Program", "B7") in bad
    assert all(f.team == "roster" for f in read.findings)


def test_reordered_columns_blank_rows_and_bad_rows(template: WorkbookTemplate) -> None:
    teams: Grid = [
        ["Status", "Team ID", "School", "TL Email", "TL Name", "My column", "Coach Email", "Sheet"],
        [
            "Active",
            "T01",
            "Tubman",
            "alicia.gomez@schools.example.edu",
            "Alicia",
            "x",
            "dana@tst.example.org",
            "",
        ],
        [],
        ["paused", "T02", "Clemente", "derek@schools.example.edu", "Derek"],
        ["Sleeping", "T03", "Addams", "not-an-email", "Monique"],
        ["Active", "", "Nowhere", "a@schools.example.edu"],
        ["Active", "t01", "Dup", "b@schools.example.edu"],
    ]
    read = parse_roster("R1", {"program": program_tab(), "teams": teams}, template)
    by_id = {t.team_id: t for t in read.program.teams}
    assert list(by_id) == ["T01", "T02", "T03"]
    assert by_id["T01"].coach_email == "dana@tst.example.org" and by_id["T01"].row == 2
    assert by_id["T02"].status == "Paused"
    assert by_id["T03"].status == "Paused" and by_id["T03"].tl_email == ""
    cells = {(f.cell, f.rule) for f in read.findings if f.tab == "Teams"}
    assert ("A5", "roster.bad_value") in cells  # the unknown status
    assert ("D5", "roster.bad_value") in cells  # the bad email
    assert ("B6", "roster.bad_value") in cells  # no team id
    assert ("A7", "roster.duplicate_team") in cells
    assert read.cell("teams", 2, "sheet") == "'Teams'!H2"


def test_events_rows_parse_kinds_modes_times_and_cells(template: WorkbookTemplate) -> None:
    events: Grid = [
        ["Event Key", "Title", "Kind", "Date", "Start", "End", "Mode", "Location", "Audience"],
        [
            "rt-1",
            "Roundtable",
            "roundtable",
            "2026-09-08",
            "5:00 pm",
            0.770833,
            "virtual",
            "",
            "All TLs, Team:T01",
        ],
        ["ft", "Fall", "Fall Training", 46251, "17:30", "8:30pm", "In Person", "Center"],
        ["bad", "Bad", "Party", "someday"],
    ]
    read = parse_roster("R1", {"program": program_tab(), "events": events}, template)
    first, second = read.program.events
    assert first.kind == "roundtable" and first.mode == "virtual"
    assert (first.start, first.end) == (time(17), time(18, 30))
    assert first.audience == ["All TLs", "Team:T01"]
    assert first.cells["date"] == "D2" and first.row == 2
    assert second.kind == "fall_training" and second.mode == "in_person"
    assert second.date == date(2026, 8, 17) and second.end == time(20, 30)
    assert {f.cell for f in read.findings if f.tab == "Events"} == {"C4", "D4"}


def test_missing_tabs_are_findings_not_exceptions(template: WorkbookTemplate) -> None:
    read = parse_roster("R1", {}, template)
    assert {f.rule for f in read.findings} >= {"roster.tab_missing", "roster.setting_missing"}
    assert read.program.teams == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17:30", time(17, 30)),
        ("5:30 pm", time(17, 30)),
        ("5pm", time(17)),
        ("12:15 am", time(0, 15)),
        (0.5, time(12)),
        ("25:00", None),
        ("soon", None),
    ],
)
def test_parse_time(text: CellValue, expected: time | None) -> None:
    assert parse_time(text) == expected


def test_the_seed_year_follows_seed_000() -> None:
    events = load_year_pattern().events_for(2026)
    kinds = [e.kind for e in events]
    fall = next(e for e in events if e.kind == "fall_training")
    assert (fall.date, fall.start, fall.end, fall.mode) == (
        date(2026, 8, 17),
        time(17, 30),
        time(20, 30),
        "in_person",
    )
    roundtables = [e for e in events if e.kind == "roundtable"]
    assert len(roundtables) == 10
    assert [e.date.month for e in roundtables] == [9, 10, 11, 12, 1, 2, 3, 4, 5, 6]
    assert all(e.date.weekday() < 5 and e.start and e.start >= time(17) for e in roundtables)
    assert {e.mode for e in roundtables[::2]} == {"virtual"}
    assert {e.mode for e in roundtables[1::2]} == {"in_person"}
    for e in roundtables + [x for x in events if x.kind == "principal_training"]:
        assert e.start and e.end
        minutes = (e.end.hour * 60 + e.end.minute) - (e.start.hour * 60 + e.start.minute)
        assert minutes == 90
    principal = [e for e in events if e.kind == "principal_training"]
    assert len(principal) >= 2 and all(e.date.month == 7 and e.mode == "virtual" for e in principal)
    assert kinds.count("data_deadline") == 2 and "summer_planning" in kinds
    assert len({e.key for e in events}) == len(events)


def test_the_rendered_roster_reads_back_as_the_program(template: WorkbookTemplate) -> None:
    """Round trip without HTTP: render the create body, take its cells, parse them."""
    program = sample_program()
    body = render_roster(template, program, {"tstKind": "roster"})
    grids = {}
    for sheet, tab in zip(body["sheets"], template.tabs, strict=True):
        grids[tab.key] = [
            [_entered(c) for c in row.get("values", [])] for row in sheet["data"][0]["rowData"]
        ]
    read = parse_roster("R1", grids, template)
    assert read.findings == []
    ignored = {"roster_id", "teams", "events", "roster_tabs", "applications"}
    assert read.program.model_dump(exclude=ignored) == program.model_dump(exclude=ignored)
    assert [a.model_dump(exclude={"row", "cells"}) for a in read.program.applications] == [
        a.model_dump(exclude={"row", "cells"}) for a in program.applications
    ]
    assert read.program.roster_tabs["attendance"] == template.tab("attendance").sheet_id
    assert [t.team_id for t in read.program.teams] == [t.team_id for t in program.teams]
    assert [e.model_dump(exclude={"row", "cells"}) for e in read.program.events] == [
        e.model_dump(exclude={"row", "cells"}) for e in program.events
    ]


def _entered(cell: dict[str, object]) -> CellValue:
    value = cell.get("userEnteredValue") or {}
    assert isinstance(value, dict)
    return next(iter(value.values()), None)


def test_the_sample_program_is_what_the_demo_needs() -> None:
    program = sample_program()
    active = program.active_teams()
    assert len(active) == 12
    assert len({t.coach_email for t in active}) >= 2
    assert all(t.principal_email and t.tl_email for t in active)
    teams = sample_teams()
    assert all(4 <= len(t.members) <= 6 for t in teams)
    emails = [m.address() for t in teams for m in t.members]
    assert OUTSIDE_MEMBER in emails and not program.email_allowed(OUTSIDE_MEMBER)
    assert sum(not program.email_allowed(e) for e in emails) == 1
    assert len(set(emails)) == len(emails)


# --- through the emulator -------------------------------------------------------------------


def test_init_creates_the_roster_once_and_finds_it_by_labels(
    workspace: Workspace, connect_as: Callable[[str], Workspace]
) -> None:
    first = init_roster(workspace, "TST", sample_program())
    assert first.created
    assert first.calls["sheets"]["write"] == 1 and first.calls["drive"]["write"] >= 1
    again = init_roster(connect_as(workspace.identity), "TST")
    assert not again.created and again.roster_spreadsheet_id == first.roster_spreadsheet_id
    assert sum(c["write"] for c in again.calls.values()) == 0
    dumped = again.model_dump(by_alias=True)
    assert set(dumped) == {"rosterSpreadsheetId", "url", "calls"}
    other = init_roster(workspace, "Another Program")
    assert other.roster_spreadsheet_id != first.roster_spreadsheet_id

    read = read_roster(workspace, first.roster_spreadsheet_id)
    assert len(read.program.active_teams()) == 12  # the local target gets the sample program
    assert len([e for e in read.program.events if e.kind == "roundtable"]) == 10
    assert [f for f in read.findings if f.severity == "error"] == []


def test_init_of_a_new_program_on_google_is_the_seed_year_only() -> None:
    program = load_year_pattern().program("TST", 2026)
    assert program.teams == [] and program.coaches == []
    assert program.school_year_start == date(2026, 8, 17)
    assert len(program.events) == len(load_year_pattern().events_for(2026))
