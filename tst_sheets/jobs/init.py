"""The init job: find the program's roster by its Drive labels, or create it pre-filled.

A new roster holds the school year's events from ``sheet_templates/school_year.yaml``; the
caller may pass a whole program instead (the demo's sample program on the local emulator).
"""

from __future__ import annotations

from pydantic import Field

from tst_sheets.calendar.school_year import first_year_of, load_year_pattern
from tst_sheets.jobs import files as drive_files
from tst_sheets.jobs.roster import roster_template
from tst_sheets.model import AutoCamel, Program, spreadsheet_url, today
from tst_sheets.model.files import labels, of_program
from tst_sheets.provision.roster import render_roster
from tst_sheets.workspace import Workspace

ROSTER_WELCOME = (
    "This is the {program} program roster: the one spreadsheet staff keep. List the coaches, "
    "the teams and the program's events here; the service provisions each team's workbook "
    "and keeps the calendars from it."
)


class InitResult(AutoCamel):
    """``--json``: ``{"rosterSpreadsheetId", "url", "calls"}``."""

    roster_spreadsheet_id: str
    url: str
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)
    created: bool = Field(default=False, exclude=True)


def init_roster(
    ws: Workspace, program_name: str | None = None, program: Program | None = None
) -> InitResult:
    """Find the program's roster (by appProperties) or create it, pre-filled."""
    before = ws.calls()
    name = program_name or (program.name if program else ws.settings.program)
    files = drive_files.list_program_files(ws)
    found = of_program(files, name, "roster")
    roster_id = found[0].id if found else _create_roster(ws, program or _new_program(ws, name))
    return InitResult(
        roster_spreadsheet_id=roster_id,
        url=spreadsheet_url(roster_id),
        calls=ws.counter.since(before),
        created=not found,
    )


def _new_program(ws: Workspace, name: str) -> Program:
    """The current school year's dates and events, from the year pattern."""
    day = ws.settings.as_of or today(ws.settings.timezone)
    return load_year_pattern(ws.settings.templates_dir).program(name, first_year_of(day))


def _create_roster(ws: Workspace, program: Program) -> str:
    template = roster_template(ws)
    props = labels("roster", program.name, template.name, template.version)
    roster_id = drive_files.create_labelled(ws, render_roster(template, program, props), props)
    for email in program.staff_emails:
        if program.email_allowed(email):
            message = ROSTER_WELCOME.format(program=program.name)
            ws.sharing.create_permission(roster_id, email, "writer", notify=True, message=message)
    return roster_id
