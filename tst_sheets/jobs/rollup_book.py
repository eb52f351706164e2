"""The coach roll-up spreadsheet's I/O: find it (or create it), read its hidden state, write what
changed in ``batchUpdate`` requests of at most 2 MB each, record it in the roster, share it with
coaches and staff only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tst_sheets.errors import GoogleError
from tst_sheets.jobs import files as drive_files
from tst_sheets.jobs.common import resend_if_lost
from tst_sheets.jobs.roster import record_setting
from tst_sheets.model import DriveFile, Program
from tst_sheets.model.a1 import absolute_range_name
from tst_sheets.model.files import labels, of_program
from tst_sheets.provision.sharing import rollup_people
from tst_sheets.provision.welcome import rollup_message
from tst_sheets.reading.roster import RosterRead
from tst_sheets.rollup.grid import Grid
from tst_sheets.rollup.state import SheetLayout
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.rollup.write_plan import MAX_REQUEST_BYTES, plan
from tst_sheets.templates import render_create
from tst_sheets.workspace import Workspace

KIND = "rollup"
STATE_RANGE = "A1:A"
LAYOUT_FIELDS = (
    "sheets(properties(sheetId,title),conditionalFormats,filterViews(filterViewId),charts(chartId),"
    "merges)"
)


def find(program: Program, files: Sequence[DriveFile]) -> str:
    """The program's roll-up by its label (the one the roster names first); "" if none."""
    mine = of_program(list(files), program.name, KIND)
    mine.sort(key=lambda f: (f.id != program.rollup_spreadsheet_id, f.created_time, f.id))
    return mine[0].id if mine else ""


def find_or_create(
    ws: Workspace, program: Program, tpl: RollupTemplate, files: Sequence[DriveFile]
) -> tuple[str, bool]:
    """The program's roll-up (by label; the one the roster names first), or a new one."""
    mine = of_program(list(files), program.name, KIND)
    if mine:
        return find(program, mine), False
    props = labels(KIND, program.name, tpl.workbook.name, tpl.workbook.version, year=program.year)
    title = tpl.workbook.title.format(program=program.name)
    body = render_create(tpl.workbook, title, {}, props, time_zone=program.timezone)
    return drive_files.create_labelled(ws, body, props), True


def read_state_column(ws: Workspace, book_id: str, title: str) -> list[str]:
    """Column A of the hidden state tab (1 Sheets read); nothing if it is gone."""
    try:
        a1 = absolute_range_name(title, STATE_RANGE)
        values = ws.sheets.values_get(book_id, a1, columns=True)
    except GoogleError as error:
        if error.status in (400, 404):
            return []
        raise
    return [str(v) for v in values[0]] if values else []


def read_layout(ws: Workspace, book_id: str) -> dict[int, SheetLayout]:
    """What the roll-up really holds (1 Sheets read): only after a write was refused."""
    out: dict[int, SheetLayout] = {}
    for sheet in ws.sheets.get(book_id, LAYOUT_FIELDS).get("sheets", []):
        props = sheet.get("properties", {})
        out[int(props.get("sheetId", 0))] = SheetLayout(
            title=str(props.get("title", "")),
            rules=len(sheet.get("conditionalFormats", [])),
            filter_views=[int(v["filterViewId"]) for v in sheet.get("filterViews", [])],
            charts=[int(c["chartId"]) for c in sheet.get("charts", [])],
            merges=len(sheet.get("merges", [])),
        )
    return out


def write(
    ws: Workspace,
    book_id: str,
    grids: list[Grid],
    current: Mapping[int, SheetLayout],
    tpl: RollupTemplate,
    limit: int = MAX_REQUEST_BYTES,
) -> None:
    """What changed since ``current``, in order, the state last (usually ONE batchUpdate). If
    refused (a tab edited or deleted by hand) or an answer was lost, read what the book holds
    now and rewrite it whole: each tab's write first takes away what is there, so sending
    again never adds anything twice."""
    try:
        for batch in plan(grids, dict(current), tpl, limit):
            ws.sheets.batch_update(book_id, batch)
    except GoogleError as error:
        if error.status != 400 and not error.ambiguous:
            raise
        for batch in plan(grids, read_layout(ws, book_id), tpl, limit):
            resend_if_lost(ws, book_id, batch)


def record_in_roster(ws: Workspace, roster: RosterRead, book_id: str) -> None:
    """The roll-up's id in the roster's service-owned setting (only when it differs)."""
    if roster.program.rollup_spreadsheet_id != book_id:
        record_setting(ws, roster, "rollup_spreadsheet", book_id)


def share(
    ws: Workspace,
    program: Program,
    book_id: str,
    files: Sequence[DriveFile],
    created: bool,
    people: Mapping[str, str] | None = None,
) -> None:
    """Coaches (reader) and staff (writer) only: never TLs, principals or members (``people``:
    email → role instead, e.g. the Impact Report's staff readers)."""
    listed = next((f for f in files if f.id == book_id), None)
    perms = (
        drive_files.inherited_permissions(ws) if created or listed is None else listed.permissions
    )
    if perms is None:  # the listing did not carry them (a shared drive's): ask (1 Drive read)
        perms = ws.drive.list_permissions(book_id)
    wanted = dict(people) if people is not None else rollup_people(program)
    for perm in perms:
        if perm.role == "owner" or perm.inherited:  # drive members keep the drive's access
            continue
        if perm.type != "user" or wanted.get(perm.email) != perm.role:
            drive_files.remove_permission(ws, book_id, perm.id)
    for email, role in sorted(wanted.items()):
        if not any(p.email == email and p.at_least(role) for p in perms):
            message = rollup_message(program, role)
            ws.sharing.create_permission(book_id, email, role, notify=True, message=message)
