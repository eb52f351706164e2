"""The calendar job: the roster's Events on the program calendar and in each team's workbook.

Calls, for a program of N active teams with workbooks:

- Sheets: the roster read (the roster module's budget) + 1 values.batchGet per team (its
  Program Events rows, and its Team tab only when an Audience names the team) + 1
  values.update per team whose Program Events rows changed.
- Calendar: 1 events.list per calendar page (2,500 events a page) + 1 write per event
  created, changed or cancelled. First run only: 1 calendarList.list to find a calendar a
  crashed run made but never recorded, 1 calendars.insert, and the roster module's
  record_calendar (1 Sheets read + 1 write) to record it in the roster's Program tab.

Nothing changed → 1 Calendar read, 0 Calendar writes, 0 Sheets writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from googleapiclient.errors import HttpError
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name
from pydantic import BaseModel, Field

from tst_sheets.calendar_sync import (
    EVENTS_TAB,
    PROGRAM_EVENTS_TAB,
    ROSTER,
    CalendarResult,
    DesiredEvent,
    desired_events,
    event_key,
    list_program_events,
    meet_link,
    program_event_rows,
    reconcile,
    teams_needing_members,
)
from tst_sheets.errors import http_status
from tst_sheets.model import Finding, Program, Team, cell_link
from tst_sheets.parsing import (
    CellValue,
    ParseError,
    as_text,
    parse_date,
    parse_email,
    serial_to_date,
)
from tst_sheets.workspace import Workspace

TEAM_TAB = "Team"
EVENT_COLUMNS = 5  # Date | Time | Event | Mode | Location / Link: the service-owned range A:E
_SHEET_ID = re.compile(r"/d/([A-Za-z0-9_-]{10,})")

RecordCalendar = Callable[[str], None]


class TeamTabs(BaseModel):
    """What one team workbook read told us."""

    team_id: str
    spreadsheet_id: str
    members: list[str] = Field(default_factory=list)
    program_events: list[list[str]] | None = None  # None: the tab could not be read
    findings: list[Finding] = Field(default_factory=list)


# -- the roster side ----------------------------------------------------------------------


def spreadsheet_id(team: Team) -> str | None:
    """The team workbook's id from the roster's Sheet column (a URL, or a bare id)."""
    text = team.sheet_url.strip()
    if match := _SHEET_ID.search(text):
        return match.group(1)
    return text if re.fullmatch(r"[A-Za-z0-9_-]{10,}", text) else None


# -- the teams' workbooks -------------------------------------------------------------------


def _column(header: Sequence[CellValue], *names: str) -> int | None:
    wanted = {re.sub(r"[^a-z]", "", n.lower()) for n in names}
    for index, cell in enumerate(header):
        if re.sub(r"[^a-z]", "", as_text(cell).lower()) in wanted:
            return index
    return None


def current_members(values: Sequence[Sequence[CellValue]], today: date) -> list[str]:
    """The emails on a Team tab whose Left date has not passed (header matched by text)."""
    if not values:
        return []
    email_at = _column(values[0], "Email", "Email Address")
    left_at = _column(values[0], "Left", "Left On", "Date Left")
    if email_at is None:
        return []
    members: list[str] = []
    for row in values[1:]:
        email = parse_email(row[email_at] if email_at < len(row) else None)
        if isinstance(email, ParseError):
            continue  # readback reports bad emails; the calendar just skips them
        left = parse_date(row[left_at]) if left_at is not None and left_at < len(row) else None
        if isinstance(left, date) and left <= today:
            continue
        members.append(email)
    return members


def _event_cell(index: int, value: CellValue) -> str:
    if index == 0 and isinstance(value, int | float) and not isinstance(value, bool):
        day = serial_to_date(value)  # a date cell (e.g. written at provisioning) reads as ISO
        return day.isoformat() if isinstance(day, date) else as_text(value)
    return as_text(value)


def event_rows(values: Sequence[Sequence[CellValue]]) -> list[list[str]]:
    """The Program Events rows under the header, as text, trailing blanks dropped."""
    rows = [[_event_cell(i, v) for i, v in enumerate(row[:EVENT_COLUMNS])] for row in values[1:]]
    rows = [row + [""] * (EVENT_COLUMNS - len(row)) for row in rows]
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _batch_get(ws: Workspace, book: str, tabs: Sequence[str]) -> dict[str, Any]:
    ranges = [absolute_range_name(tab) for tab in tabs]
    params: dict[str, Any] = {
        "valueRenderOption": "UNFORMATTED_VALUE",
        "dateTimeRenderOption": "SERIAL_NUMBER",
    }
    reply: dict[str, Any] = ws.sheets.http_client.values_batch_get(book, ranges, params=params)
    return reply


def _unreadable(team: Team, tab: str, error: Exception) -> Finding:
    return Finding(
        team=team.team_id,
        rule="calendar.tab_unreadable",
        severity="warning",
        tab=tab,
        found=str(error)[:200],
        expected=f"a {tab} tab the service can read",
    )


def read_team_tabs(
    ws: Workspace, team: Team, book: str, need_members: bool, today: date
) -> TeamTabs:
    """ONE values.batchGet: Program Events (+ Team when an Audience needs the members).

    A missing tab fails the whole batch; only then is each tab read on its own.
    """
    tabs = [PROGRAM_EVENTS_TAB, TEAM_TAB] if need_members else [PROGRAM_EVENTS_TAB]
    out = TeamTabs(team_id=team.team_id, spreadsheet_id=book)
    try:
        ranges = _batch_get(ws, book, tabs)["valueRanges"]
        values = {tab: r.get("values", []) for tab, r in zip(tabs, ranges, strict=True)}
    except APIError as error:
        if len(tabs) == 1:
            out.findings.append(_unreadable(team, tabs[0], error))
            return out
        values = {}
        for tab in tabs:
            try:
                values[tab] = _batch_get(ws, book, [tab])["valueRanges"][0].get("values", [])
            except APIError as single:
                out.findings.append(_unreadable(team, tab, single))
    if PROGRAM_EVENTS_TAB in values:
        out.program_events = event_rows(values[PROGRAM_EVENTS_TAB])
    out.members = current_members(values.get(TEAM_TAB, []), today)
    return out


def write_program_events(ws: Workspace, tabs: TeamTabs, rows: list[list[str]]) -> bool:
    """Rewrite the service-owned A2:E range when it differs (RAW: nothing typed is evaluated)."""
    current = tabs.program_events
    if current is None or current == rows:
        return False
    height = max(len(current), len(rows))
    padded = rows + [[""] * EVENT_COLUMNS] * (height - len(rows))
    target = absolute_range_name(PROGRAM_EVENTS_TAB, f"A2:E{height + 1}")
    ws.sheets.http_client.values_update(
        tabs.spreadsheet_id, target, params={"valueInputOption": "RAW"}, body={"values": padded}
    )
    return True


# -- the program calendar -------------------------------------------------------------------


def calendar_marker(program: Program) -> str:
    return f"[tstProgram={program.name}; tstRoster={program.roster_id}]"


def find_calendar(calendar: Any, program: Program) -> str | None:
    """A calendar this program made but never recorded (a crash between create and record)."""
    marker = calendar_marker(program)
    token: str | None = None
    while True:
        page = calendar.calendarList().list(pageToken=token, showHidden=True).execute()
        for entry in page.get("items", []):
            if marker in (entry.get("description") or ""):
                return str(entry["id"])
        token = page.get("nextPageToken")
        if not token:
            return None


def create_calendar(calendar: Any, program: Program) -> str:
    body = {
        "summary": f"{program.name} program events",
        "description": "Roundtables, trainings and deadlines of the program, kept in sync with "
        f"the program roster by TST Sheets. {calendar_marker(program)}",
        "timeZone": program.timezone,
    }
    created = calendar.calendars().insert(body=body).execute()
    return str(created["id"])


class CalendarTarget(BaseModel):
    calendar_id: str = ""
    existing: list[dict[str, Any]] | None = None  # None: not listed (dry run, new calendar)
    created: bool = False
    findings: list[Finding] = Field(default_factory=list)


def open_calendar(ws: Workspace, program: Program, dry_run: bool) -> CalendarTarget:
    """The recorded calendar and its events (the one list); found or made when missing."""
    target = CalendarTarget(calendar_id=program.calendar_id)
    if target.calendar_id:
        try:
            target.existing = list_program_events(ws.calendar, target.calendar_id, program.name)
            return target
        except HttpError as error:
            if http_status(error) not in (403, 404):
                raise
            target.findings.append(
                Finding(
                    team=ROSTER,
                    rule="calendar.missing",
                    severity="warning",
                    tab="Program",
                    found=f"Program Calendar {target.calendar_id}: HTTP {http_status(error)}",
                    expected="a calendar the service can write; a new one is made",
                )
            )
    found = find_calendar(ws.calendar, program)
    if found:
        target.calendar_id = found
        target.existing = list_program_events(ws.calendar, found, program.name)
        target.created = True  # made by an earlier run, recorded now
    elif not dry_run:
        target.calendar_id = create_calendar(ws.calendar, program)
        target.existing = []
        target.created = True
    else:
        target.existing = []
    return target


# -- the job --------------------------------------------------------------------------------


def _links(result: CalendarResult) -> dict[str, str]:
    return {key: link for key, item in result.events.items() if (link := meet_link(item))}


def refresh_team_tabs(
    ws: Workspace,
    desired: Sequence[DesiredEvent],
    reads: Mapping[str, TeamTabs],
    links: Mapping[str, str],
    dry_run: bool,
    findings: list[Finding],
) -> list[str]:
    """Rewrite each team's rows that differ; a failed write is a finding for that team only."""
    updated: list[str] = []
    for team_id, tabs in reads.items():
        rows = program_event_rows(desired, team_id, links)
        if tabs.program_events is None or tabs.program_events == rows:
            continue
        try:
            if dry_run or write_program_events(ws, tabs, rows):
                updated.append(team_id)
        except APIError as error:
            findings.append(
                Finding(
                    team=team_id,
                    rule="calendar.tab_not_written",
                    severity="warning",
                    tab=PROGRAM_EVENTS_TAB,
                    found=str(error)[:200],
                    expected=f"{len(rows)} event rows written (is the tab large enough?)",
                )
            )
    return updated


def _no_workbook(team: Team) -> Finding:
    return Finding(
        team=team.team_id,
        rule="calendar.no_workbook",
        severity="warning",
        tab="Teams",
        found="no Sheet for this team",
        expected="its workbook (run provision), so its members are invited",
    )


def read_teams(
    ws: Workspace, program: Program, today: date
) -> tuple[dict[str, TeamTabs], list[Finding]]:
    """One batchGet per active team with a workbook."""
    need = set(teams_needing_members(program))
    reads: dict[str, TeamTabs] = {}
    findings: list[Finding] = []
    for team in program.active_teams():
        book = spreadsheet_id(team)
        if book is None:
            if team.team_id in need:
                findings.append(_no_workbook(team))
            continue
        reads[team.team_id] = read_team_tabs(ws, team, book, team.team_id in need, today)
        findings += reads[team.team_id].findings
    return reads, findings


def sync_program(
    ws: Workspace,
    program: Program,
    *,
    dry_run: bool = False,
    today: date | None = None,
    record: RecordCalendar | None = None,
    team_tabs: bool = True,
) -> CalendarResult:
    """Reconcile the program calendar with ``program`` and refresh the teams' Program Events."""
    before = ws.calls()
    today = today or ws.settings.as_of or date.today()
    reads, findings = read_teams(ws, program, today) if team_tabs else ({}, [])
    members = {tid: tabs.members for tid, tabs in reads.items()}
    desired, row_findings = desired_events(program, members)
    target = open_calendar(ws, program, dry_run)
    if target.created and record is not None and not dry_run:
        record(target.calendar_id)  # at once: the marker covers a crash before this line
    result = reconcile(
        ws.calendar,
        target.calendar_id,
        program.name,
        desired,
        dry_run=dry_run or not target.calendar_id,
        existing=target.existing,
    )
    result.team_tabs_updated = refresh_team_tabs(
        ws, desired, reads, _links(result), dry_run, findings
    )
    result.findings = [*row_findings, *findings, *target.findings, *result.findings]
    result.dry_run = dry_run
    result.program = program
    result.calls = ws.counter.since(before)
    return result


def sync_calendar(ws: Workspace, roster_id: str, dry_run: bool = False) -> CalendarResult:
    """The job the CLI and the Cloud Function run: read the roster, sync, record the calendar.

    The roster's own findings about Events rows (no date, unparseable time…) come first.
    """
    from tst_sheets import roster  # the roster module owns the roster's layout

    before = ws.calls()
    read = roster.read_roster(ws, roster_id)
    result = sync_program(
        ws,
        read.program,
        dry_run=dry_run,
        record=lambda calendar_id: roster.record_calendar(ws, roster_id, calendar_id),
    )
    layout = read.tabs.get("events")
    events_tab = layout.title if layout else EVENTS_TAB
    for finding in result.findings:  # point the calendar's row findings at the Events tab too
        if finding.tab == EVENTS_TAB and layout is not None:
            finding.tab = layout.title
            finding.link = cell_link(roster_id, layout.sheet_id, finding.cell)
    result.findings = [*(f for f in read.findings if f.tab == events_tab), *result.findings]
    result.calls = ws.counter.since(before)
    return result


# -- ICS export -----------------------------------------------------------------------------


class IcsExport(BaseModel):
    data: bytes
    events: int
    findings: list[Finding] = Field(default_factory=list)
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)


def export_program_ics(ws: Workspace, program: Program, team: str | None = None) -> IcsExport:
    """The program's events as ICS; Meet links from the calendar when it exists (1 read)."""
    from tst_sheets.ics import to_ics

    before = ws.calls()
    desired, findings = desired_events(program)
    if team is not None:
        desired = [e for e in desired if team.lower() in (t.lower() for t in e.teams)]
    links: dict[str, str] = {}
    if program.calendar_id:
        try:
            items = list_program_events(ws.calendar, program.calendar_id, program.name)
            links = {k: link for i in items if (k := event_key(i)) and (link := meet_link(i))}
        except HttpError:
            pass  # the file is still useful without the links
    data = to_ics(program.name, desired, timezone=program.timezone, links=links)
    return IcsExport(
        data=data, events=len(desired), findings=findings, calls=ws.counter.since(before)
    )


def export_ics(ws: Workspace, roster_id: str, team: str | None = None) -> IcsExport:
    from tst_sheets import roster

    before = ws.calls()
    export = export_program_ics(ws, roster.read_program(ws, roster_id), team)
    export.calls = ws.counter.since(before)
    return export
