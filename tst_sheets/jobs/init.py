"""The init job: find the program's roster by its Drive labels, or create it pre-filled and
shared with the Staff Emails (from then on provision keeps its sharing in step with them).

A new roster holds the school year's events from ``sheet_templates/school_year.yaml``; the
caller may pass a whole program instead (the demo's sample program on the local emulator).
A roster found whose create was never followed by its layout (a run died in between) is laid
out then, as provision lays out such a workbook: 1 Sheets read when the roster is found.
"""

from __future__ import annotations

from pydantic import Field

from tst_sheets.calendar.school_year import first_year_of, load_year_pattern
from tst_sheets.jobs import files as drive_files
from tst_sheets.jobs.files import latest
from tst_sheets.jobs.roster import roster_template
from tst_sheets.model import AutoCamel, Program, spreadsheet_url, today
from tst_sheets.model.files import labels, of_program
from tst_sheets.model.findings import ROSTER
from tst_sheets.provision.grants import granted_changes
from tst_sheets.provision.roster import render_roster
from tst_sheets.provision.sharing import plan_sharing, roster_people
from tst_sheets.provision.welcome import roster_message
from tst_sheets.templates.create import layout_requests
from tst_sheets.workspace import Workspace


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
    if found:
        roster_id = latest(found).id
        finish_layout(ws, roster_id, program or _new_program(ws, name))
    else:
        roster_id = create_roster(ws, program or _new_program(ws, name))
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


def _labels(ws: Workspace, program: Program) -> dict[str, str]:
    template = roster_template(ws)
    return labels("roster", program.name, template.name, template.version, year=program.year)


def finish_layout(ws: Workspace, roster_id: str, program: Program) -> bool:
    """Lay out a roster that holds none of the template's tabs, only the empty one Drive made
    (its create's run died before the layout); True when it had to."""
    body = render_roster(roster_template(ws), program, _labels(ws, program))
    titles = [str(s["properties"]["title"]) for s in body["sheets"]]
    have = ws.sheets.get(roster_id, "sheets.properties(sheetId,title)").get("sheets", [])
    if any(s["properties"]["title"] in titles for s in have):
        return False
    drafts = [int(s["properties"]["sheetId"]) for s in have]
    drive_files.lay_out(ws, roster_id, layout_requests(body, drop=drafts), titles)
    return True


def create_roster(ws: Workspace, program: Program) -> str:
    """Shared with Staff Emails (not those the shared drive already lets in), whom it records
    as granted by the service, so provision keeps the roster's sharing in step with them.
    Labelled with its school year, so jobs find this year's roster and not last year's."""
    props = _labels(ws, program)
    inherited = drive_files.inherited_permissions(ws)
    plan = plan_sharing(ROSTER, roster_people(program), set(), inherited, program, ws.identity)
    record = {k: v for k, v in granted_changes({}, plan.granted).items() if v}
    body = render_roster(roster_template(ws), program, props)
    roster_id = drive_files.create_labelled(ws, body, {**props, **record})
    for grant in plan.create:
        message = roster_message(program)
        ws.sharing.create_permission(roster_id, grant.email, "writer", notify=True, message=message)
    return roster_id
