"""The program calendar's I/O: find it (or make it), list its events, apply a reconcile plan.

One ``events.list`` per calendar page (2,500 events a page) and one write per event created,
changed or cancelled; a failed write becomes a finding, never a stop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field

from tst_sheets.calendar.events import EVENTS_TAB, DesiredEvent
from tst_sheets.calendar.plan import (
    CalendarPlan,
    EventChange,
    cancel_change,
    change,
    diff_event,
    event_key,
)
from tst_sheets.errors import GoogleError
from tst_sheets.model import Finding, Program
from tst_sheets.model.findings import ROSTER
from tst_sheets.workspace import Workspace, once

Event = dict[str, Any]


class CalendarTarget(BaseModel):
    calendar_id: str = ""
    existing: list[Event] | None = None  # None: not listed (dry run, new calendar)
    created: bool = False
    findings: list[Finding] = Field(default_factory=list)


class Applied(BaseModel):
    """What a plan did: each change, the calendar's events by key after it, the failures."""

    created: list[EventChange] = Field(default_factory=list)
    updated: list[EventChange] = Field(default_factory=list)
    cancelled: list[EventChange] = Field(default_factory=list)
    events: dict[str, Event] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)


def calendar_marker(program: Program) -> str:
    return f"[tstProgram={program.name}; tstRoster={program.roster_id}]"


def list_program_events(ws: Workspace, calendar_id: str, program: str) -> list[Event]:
    """Every event this program put on the calendar, cancelled ones too."""
    return ws.calendar.list_events(
        calendar_id, private_property=f"tstProgram={program}", show_deleted=True
    )


def find_calendar(ws: Workspace, program: Program) -> str | None:
    """A calendar this program made but never recorded (a crash between create and record)."""
    marker = calendar_marker(program)
    for entry in ws.calendar.list_calendars():
        if marker in (entry.get("description") or ""):
            return str(entry["id"])
    return None


def create_calendar(ws: Workspace, program: Program) -> str:
    """``calendars.insert`` once: after a lost answer, the calendar is found by its marker."""
    body = {
        "summary": f"{program.name} program events",
        "description": "Roundtables, trainings and deadlines of the program, kept in sync "
        f"with the program roster by TST Sheets. {calendar_marker(program)}",
        "timeZone": program.timezone,
    }
    return once(
        lambda: ws.calendar.insert_calendar(body),
        lambda: find_calendar(ws, program),
        ws.policy,
    )


def open_calendar(ws: Workspace, program: Program, dry_run: bool) -> CalendarTarget:
    """The recorded calendar and its events (the one list); found or made when missing."""
    target = CalendarTarget(calendar_id=program.calendar_id)
    if target.calendar_id:
        try:
            target.existing = list_program_events(ws, target.calendar_id, program.name)
            return target
        except GoogleError as error:
            if error.status not in (403, 404):
                raise
            target.findings.append(
                Finding(
                    team=ROSTER,
                    rule="calendar.missing",
                    severity="warning",
                    tab="Program",
                    found=f"Program Calendar {target.calendar_id}: HTTP {error.status}",
                    expected="a calendar the service can write; a new one is made",
                )
            )
    found = find_calendar(ws, program)
    if found:
        target.calendar_id = found
        target.existing = list_program_events(ws, found, program.name)
        target.created = True  # made by an earlier run, recorded now
    elif not dry_run:
        target.calendar_id = create_calendar(ws, program)
        target.existing = []
        target.created = True
    else:
        target.existing = []
    return target


def apply_plan(
    ws: Workspace,
    calendar_id: str,
    plan: CalendarPlan,
    existing: Sequence[Mapping[str, Any]],
    send_updates: str = "all",
) -> Applied:
    """Every write the plan needs; each failure a finding for that event only."""
    done = Applied(events=_live_by_key(existing))
    writer = EventWriter(ws, calendar_id, send_updates)
    for event in plan.create:
        try:
            done.events[event.key] = writer.insert(event)
            done.created.append(change(event))
        except GoogleError as error:
            done.findings.append(write_failed(event.key, "create", error))
    for event, patch in plan.patch:
        try:
            done.events[event.key] = writer.patch(event.id, patch)
            done.updated.append(change(event, patch))
        except GoogleError as error:
            done.findings.append(write_failed(event.key, "update", error))
    for item in plan.cancel:
        try:
            writer.cancel(str(item["id"]))
            done.events.pop(event_key(item) or "", None)
            done.cancelled.append(cancel_change(item))
        except GoogleError as error:
            key = event_key(item) or str(item.get("id"))
            done.findings.append(write_failed(key, "cancel", error))
    return done


def _live_by_key(items: Sequence[Mapping[str, Any]]) -> dict[str, Event]:
    return {k: dict(i) for i in items if (k := event_key(i)) and i.get("status") != "cancelled"}


class EventWriter:
    """The three writes of a plan on one calendar."""

    def __init__(self, ws: Workspace, calendar_id: str, send_updates: str) -> None:
        self.calendar = ws.calendar
        self.calendar_id = calendar_id
        self.send_updates = send_updates

    def insert(self, event: DesiredEvent) -> Event:
        """Create with the deterministic id; 409 means a crashed run already made it."""
        try:
            return self.calendar.insert_event(self.calendar_id, event.body, self.send_updates)
        except GoogleError as error:
            if error.status != 409:
                raise
        have = self.calendar.get_event(self.calendar_id, event.id)
        patch = diff_event(event.body, have)
        return self.patch(event.id, patch) if patch else have

    def patch(self, event_id: str, body: Mapping[str, Any]) -> Event:
        return self.calendar.patch_event(self.calendar_id, event_id, body, self.send_updates)

    def cancel(self, event_id: str) -> None:
        try:
            self.calendar.delete_event(self.calendar_id, event_id, self.send_updates)
        except GoogleError as error:
            if error.status not in (404, 410):  # already gone is what we wanted
                raise


def write_failed(key: str, action: str, error: GoogleError) -> Finding:
    return Finding(
        team=ROSTER,
        rule="calendar.write_failed",
        severity="error",
        tab=EVENTS_TAB,
        found=f"{action} {key}: HTTP {error.status} {error.message}",
        expected="the event written to the program calendar",
    )
