"""The calendar job: the roster's Events on the program calendar and in each team's workbook.

Calls, for a program of N active teams with workbooks:

- Sheets: the roster read + 1 values.batchGet per team an Audience names (its Team tab, for
  its members, and its Program Events rows) + 1 values.batchGet per other team whose Program
  Events rows changed (see ``jobs.program_events``: a digest on the workbook says so) + 1
  values.update per team whose rows changed.
- Drive: 1 files.list (every workbook's digest) + 1 files.update per team whose digest moved;
  for each tab written, 1 files.get before it and, when provision's record of the Team tab
  held then, 1 files.get and 1 files.update after it (``team_look.restamp``).
- Calendar: 1 events.list per calendar page (2,500 events a page) + 1 write per event
  created, changed or cancelled. First run only: 1 calendarList.list to find a calendar a
  crashed run made but never recorded, 1 calendars.insert, and 1 roster write to record it.

After each event, the roster's Attendance tab gets a row per person the commitments expect
there ("Attended" blank for staff) and each person's RSVP beside it, from the events already
listed: 1 Sheets write when something changed (see ``jobs.attendance``).

Nothing changed → 1 Sheets read (the roster; + 1 per team an Audience names), 1 Drive read,
1 Calendar read, and no writes, whatever N.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from tst_sheets.calendar.audience import teams_needing_members
from tst_sheets.calendar.events import EVENTS_TAB, desired_events
from tst_sheets.calendar.plan import (
    CalendarPlan,
    EventChange,
    cancel_change,
    change,
    plan_changes,
)
from tst_sheets.calendar.team_tab import meet_link
from tst_sheets.jobs.attendance import AttendanceSync, sync_attendance
from tst_sheets.jobs.calendar_writes import apply_plan, open_calendar
from tst_sheets.jobs.common import as_of_date, roster_id_of
from tst_sheets.jobs.guard import Removal, stop_reason
from tst_sheets.jobs.program_events import TabsRun, read_members, refresh_team_tabs
from tst_sheets.jobs.roster import read_roster, record_setting
from tst_sheets.model import Finding, Program, cell_link
from tst_sheets.model.a1 import id_from_url
from tst_sheets.model.years import first_year_of, window_start
from tst_sheets.workspace import Workspace

RecordCalendar = Callable[[str], None]


class CalendarResult(BaseModel):
    """``model_dump(by_alias=True)`` is the ``--json`` output (``attendance``: the roster rows
    added after past events, see ``jobs.attendance``); the excluded fields serve the job and
    CLI."""

    created: list[EventChange] = Field(default_factory=list)
    updated: list[EventChange] = Field(default_factory=list)
    cancelled: list[EventChange] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)
    stopped: str = Field(default="", description="Why the run wrote nothing (mass change).")
    calendar_id: str = Field(default="", exclude=True)
    dry_run: bool = Field(default=False, exclude=True)
    events: dict[str, dict[str, Any]] = Field(
        default_factory=dict, exclude=True, description="Final Calendar event by key."
    )
    attendance: AttendanceSync = Field(default_factory=AttendanceSync)
    team_tabs_updated: list[str] = Field(default_factory=list, exclude=True)
    program: Program | None = Field(default=None, exclude=True, description="As synced.")
    listed: list[dict[str, Any]] = Field(
        default_factory=list, exclude=True, description="The calendar's events as listed."
    )


# -- the teams' workbooks -------------------------------------------------------------------


def _no_workbooks(program: Program) -> list[Finding]:
    """Teams an Audience names that have no workbook yet: their members cannot be invited."""
    need = set(teams_needing_members(program))
    return [
        Finding(
            team=team.team_id,
            rule="calendar.no_workbook",
            severity="warning",
            tab="Teams",
            found="no Sheet for this team",
            expected="its workbook (run provision), so its members are invited",
        )
        for team in program.active_teams()
        if team.team_id in need and not id_from_url(team.sheet_url)
    ]


# -- the job --------------------------------------------------------------------------------


def _removals(plan: CalendarPlan) -> list[Removal]:
    return [
        Removal(what="events", removed=len(plan.cancel), existing=plan.live),
        Removal(what="guests", removed=plan.guests_removed, existing=plan.guests),
    ]


def sync_program(
    ws: Workspace,
    program: Program,
    *,
    dry_run: bool = False,
    today: date | None = None,
    record: RecordCalendar | None = None,
    team_tabs: bool = True,
    allow_mass_change: bool = False,
) -> CalendarResult:
    """Reconcile the program calendar with ``program`` and refresh the teams' Program Events.

    A plan that would cancel more than a quarter of the events, or take more than a quarter
    of the guests off them, is reported as a dry run with ``stopped`` set, unless allowed."""
    before = ws.calls()
    today = as_of_date(ws, program, today)
    reads = read_members(ws, program, today) if team_tabs else {}
    findings = [*_no_workbooks(program), *(f for tabs in reads.values() for f in tabs.findings)]
    desired, row_findings = desired_events(program, {t: r.members for t, r in reads.items()})
    target = open_calendar(ws, program, dry_run)
    if target.created and record is not None and not dry_run:
        record(target.calendar_id)  # at once: the marker covers a crash before this line
    existing = target.existing or []
    since = window_start(first_year_of(program.school_year_start))  # last year's stay
    plan = plan_changes(desired, existing, program.held_events, since)
    result = CalendarResult(
        calendar_id=target.calendar_id, dry_run=dry_run, program=program, listed=existing
    )
    result.stopped = stop_reason("calendar", _removals(plan), allowed=allow_mass_change)
    result.dry_run = dry_run = dry_run or bool(result.stopped)
    result.unchanged = [e.key for e in plan.unchanged]
    if dry_run or not target.calendar_id:
        result.created = [change(e) for e in plan.create]
        result.updated = [change(e, p) for e, p in plan.patch]
        result.cancelled = [cancel_change(i) for i in plan.cancel]
        applied_findings: list[Finding] = []
    else:
        applied = apply_plan(ws, target.calendar_id, plan, existing)
        result.created, result.updated = applied.created, applied.updated
        result.cancelled, result.events = applied.cancelled, applied.events
        applied_findings = applied.findings
    links = {key: link for key, item in result.events.items() if (link := meet_link(item))}
    if team_tabs:
        titles = {str(item.get("summary", "")) for item in existing}
        run = TabsRun(desired=desired, links=links, titles=titles, today=today, dry_run=dry_run)
        result.team_tabs_updated = refresh_team_tabs(ws, program, run, reads, findings)
    result.findings = [*row_findings, *findings, *target.findings, *applied_findings]
    result.calls = ws.counter.since(before)
    return result


def sync_calendar(
    ws: Workspace,
    roster_id: str | None = None,
    dry_run: bool = False,
    allow_mass_change: bool = False,
) -> CalendarResult:
    """The job the CLI and the Cloud Function run: read the roster, sync, record the calendar.

    The roster's own findings about Events rows (no date, unparseable time…) come first.
    """
    before = ws.calls()
    roster_id = roster_id_of(ws, roster_id)
    read = read_roster(ws, roster_id, ("program", "teams", "coaches", "events"), "calendar")
    result = sync_program(
        ws,
        read.program,
        dry_run=dry_run,
        record=lambda calendar_id: record_setting(ws, read, "program_calendar", calendar_id),
        allow_mass_change=allow_mass_change,
    )
    today = as_of_date(ws, read.program)
    events = [*result.listed, *result.events.values()]  # as listed, then as written now
    result.attendance = sync_attendance(ws, read, events, today, dry_run, result.findings)
    layout = read.tabs.get("events")
    events_tab = layout.title if layout else EVENTS_TAB
    for finding in result.findings:  # point the calendar's row findings at the Events tab too
        if finding.tab == EVENTS_TAB and layout is not None:
            finding.tab = layout.title
            finding.link = cell_link(roster_id, layout.sheet_id, finding.cell)
    result.findings = [*(f for f in read.findings if f.tab == events_tab), *result.findings]
    result.calls = ws.counter.since(before)
    return result
