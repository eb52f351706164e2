"""The export-ics job: the program's events as an iCalendar file for people outside Workspace."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tst_sheets.calendar.events import desired_events
from tst_sheets.calendar.ics import to_ics
from tst_sheets.calendar.plan import event_key
from tst_sheets.calendar.team_tab import meet_link
from tst_sheets.errors import GoogleError
from tst_sheets.jobs.calendar_writes import list_program_events
from tst_sheets.jobs.roster import read_roster
from tst_sheets.model import Finding, Program
from tst_sheets.workspace import Workspace


class IcsExport(BaseModel):
    data: bytes
    events: int
    findings: list[Finding] = Field(default_factory=list)
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)


def export_program_ics(ws: Workspace, program: Program, team: str | None = None) -> IcsExport:
    """The program's events as ICS; Meet links from the calendar when it exists (1 read)."""
    before = ws.calls()
    desired, findings = desired_events(program)
    if team is not None:
        desired = [e for e in desired if team.lower() in (t.lower() for t in e.teams)]
    links: dict[str, str] = {}
    if program.calendar_id:
        try:
            items = list_program_events(ws, program.calendar_id, program.name)
            links = {k: link for i in items if (k := event_key(i)) and (link := meet_link(i))}
        except GoogleError:
            pass  # the file is still useful without the links
    data = to_ics(program.name, desired, timezone=program.timezone, links=links)
    return IcsExport(
        data=data, events=len(desired), findings=findings, calls=ws.counter.since(before)
    )


def export_ics(ws: Workspace, roster_id: str, team: str | None = None) -> IcsExport:
    before = ws.calls()
    export = export_program_ics(
        ws, read_roster(ws, roster_id, ("program", "teams", "events"), "export-ics").program, team
    )
    export.calls = ws.counter.since(before)
    return export
