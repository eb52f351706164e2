"""The provision job (and ``init``): one workbook per Active team, shared with the right people.

Calls, for a program of N active teams:

- a run: 1 roster values.batchGet + 1 Drive files.list (every workbook with its labels and
  permissions) + 1 values.batchGet per existing workbook (its Team tab) + the writes below.
- a new workbook: 1 spreadsheets.create (every tab, header, note, rule, format, protection,
  the Start Here facts and the Program Events rows) + 1 Drive files.update (labels and the
  record of whom the service shares with) + 1 permissions.create per person.
- an older template version: 1 metadata read + 1 values.batchGet + 1 batchUpdate + 1 files.update.
- the roster: 1 values.batchUpdate writing the Sheet URLs that changed.

Nothing changed: 0 writes on every API.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from googleapiclient.errors import HttpError
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name
from pydantic import Field
from requests import RequestException

from tst_sheets import roster as roster_sheet
from tst_sheets import workbooks
from tst_sheets.camel import AutoCamel
from tst_sheets.model import Finding, Program, Team, cell_link
from tst_sheets.provision import (
    TEMPLATE,
    Grant,
    MemberRow,
    SharingPlan,
    Wanted,
    decode_granted,
    granted_changes,
    plan_sharing,
    read_members,
    render_workbook,
    wanted_people,
)
from tst_sheets.templates import FoundTab, WorkbookTemplate, load_template, render_upgrade
from tst_sheets.workbooks import DriveFile, Permission
from tst_sheets.workspace import Workspace

Progress = Callable[[int, int, str], None]  # (done, total, team id)
FAILURES = (HttpError, APIError, RequestException)


class WorkbookRef(AutoCamel):
    team_id: str
    spreadsheet_id: str
    url: str
    version: int = 0


class ProvisionResult(AutoCamel):
    """``--json``: ``{"created", "existing", "upgraded", "shared", "unshared", "findings",
    "calls"}``."""

    created: list[WorkbookRef] = Field(default_factory=list)
    existing: list[WorkbookRef] = Field(default_factory=list)
    upgraded: list[WorkbookRef] = Field(default_factory=list)
    shared: list[Grant] = Field(default_factory=list)
    unshared: list[Grant] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)
    dry_run: bool = Field(default=False, exclude=True)
    roster_url: str = Field(default="", exclude=True)


class InitResult(AutoCamel):
    """``--json``: ``{"rosterSpreadsheetId", "url", "calls"}``."""

    roster_spreadsheet_id: str
    url: str
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)
    created: bool = Field(default=False, exclude=True)


# --- init ----------------------------------------------------------------------------------


def init_roster(ws: Workspace, program_name: str | None = None,
                program: Program | None = None) -> InitResult:
    """Find the program's roster (by appProperties) or create it, pre-filled.

    A new roster holds the seed school year's events; on the local emulator it also holds the
    sample program's coaches and teams, so ``provision`` has something to do.
    """
    before = ws.calls()
    name = program_name or (program.name if program else ws.settings.program)
    template = load_template(roster_sheet.TEMPLATE, ws.settings.templates_dir)
    files = workbooks.list_spreadsheets(ws)
    found = workbooks.of_program(files, name, "roster")
    if not found:
        found = [f for f in workbooks.recover(ws, files, name, dry_run=False) if f.kind == "roster"]
    created = not found
    roster_id = found[0].id if found else _create_roster(ws, template, program or
                                                         _new_program(ws, name))
    return InitResult(roster_spreadsheet_id=roster_id, url=workbooks.spreadsheet_url(roster_id),
                      calls=ws.counter.since(before), created=created)


def _new_program(ws: Workspace, name: str) -> Program:
    today = ws.settings.as_of or date.today()
    first_year = today.year if today.month >= 7 else today.year - 1
    if ws.settings.target == "local":
        from tst_sheets.sample import sample_program

        return sample_program(name)
    return roster_sheet.seed_program(name, first_year)


def _create_roster(ws: Workspace, template: WorkbookTemplate, program: Program) -> str:
    labels = workbooks.labels("roster", program.name, template)
    roster_id = workbooks.create_spreadsheet(ws, roster_sheet.render_roster(template, program,
                                                                            labels))
    workbooks.set_app_properties(ws, roster_id, labels)
    for email in program.staff_emails:
        if program.email_allowed(email):
            _create_permission(ws, roster_id, email)
    return roster_id


# --- provision -----------------------------------------------------------------------------


class _Run:
    """One provision run: what it read, and what it did so far."""

    def __init__(self, ws: Workspace, roster_id: str, dry_run: bool) -> None:
        self.ws = ws
        self.roster_id = roster_id
        self.dry_run = dry_run
        self.template = load_template(TEMPLATE, ws.settings.templates_dir)
        self.today = ws.settings.as_of or date.today()
        self.result = ProvisionResult(dry_run=dry_run,
                                      roster_url=workbooks.spreadsheet_url(roster_id))
        self.urls: dict[str, str] = {}  # roster Sheet cell -> URL, only the changed ones


def provision(ws: Workspace, roster_id: str | None = None, dry_run: bool = False,
              progress: Progress | None = None) -> ProvisionResult:
    """Create, upgrade and share every Active team's workbook; write their URLs to the roster."""
    before = ws.calls()
    roster_id = roster_id or ws.settings.roster_id or _find_roster(ws)
    run = _Run(ws, roster_id, dry_run)
    read = roster_sheet.read_roster(ws, roster_id)
    program = read.program
    run.result.findings += read.findings
    books = _team_books(run, program)
    teams = [t for t in program.teams if t.status != "Paused"]
    for done, team in enumerate(teams):
        if progress:
            progress(done, len(teams), team.team_id)
        book = books.get(team.team_id.lower())
        try:
            _one_team(run, program, read, team, book)
        except FAILURES as error:  # one team's trouble never stops the run
            run.result.findings.append(_failed(team, book, error))
    if progress:
        progress(len(teams), len(teams), "")
    if run.urls and not dry_run:
        roster_sheet.write_cells(ws, roster_id, run.urls)
    run.result.calls = ws.counter.since(before)
    return run.result


def _find_roster(ws: Workspace) -> str:
    files = workbooks.of_program(workbooks.list_spreadsheets(ws), ws.settings.program, "roster")
    if not files:
        raise LookupError(f"No roster for program {ws.settings.program!r}: run `tst-sheets init` "
                          "or pass --roster / TST_ROSTER_ID.")
    return files[0].id


def _failed(team: Team, book: DriveFile | None, error: Exception) -> Finding:
    return Finding(
        team=team.team_id, rule="provision.failed", severity="error",
        found=f"{type(error).__name__}: {str(error)[:300]}",
        expected="the workbook created, upgraded and shared (retried on the next run)",
        link=book.url if book else None,
    )


def _team_books(run: _Run, program: Program) -> dict[str, DriveFile]:
    """Each team's workbook by lower-cased team id; duplicates (a retried create) resolved."""
    files = workbooks.list_spreadsheets(run.ws)
    books = workbooks.of_program(files, program.name, "team")
    books += [f for f in workbooks.recover(run.ws, files, program.name, dry_run=run.dry_run)
              if f.kind == "team"]
    by_team: dict[str, list[DriveFile]] = {}
    for book in books:
        by_team.setdefault(book.team_id.lower(), []).append(book)
    out: dict[str, DriveFile] = {}
    for team_id, found in by_team.items():
        recorded = {t.sheet_url for t in program.teams if t.team_id.lower() == team_id}
        found.sort(key=lambda f: (f.url not in recorded, f.created_time, f.id))
        out[team_id] = found[0]
        for extra in found[1:]:
            _duplicate(run, team_id, found[0], extra)
    return out


def _duplicate(run: _Run, team_id: str, kept: DriveFile, extra: DriveFile) -> None:
    """A second workbook for one team: trashed if nobody but the service ever had it."""
    only_owner = all(p.role == "owner" for p in extra.permissions or [])
    if only_owner and extra.permissions is not None and not run.dry_run:
        workbooks.trash(run.ws, extra.id)
        return
    run.result.findings.append(Finding(
        team=team_id, rule="provision.duplicate_workbook", severity="warning",
        found=f"a second workbook {extra.url} (shared, so kept)",
        expected=f"one workbook per team: {kept.url}", link=extra.url,
    ))


def _one_team(run: _Run, program: Program, read: roster_sheet.RosterRead, team: Team,
              book: DriveFile | None) -> None:
    if team.status == "Withdrawn":
        if book is not None:
            _share(run, program, team, book, None, members_known=True)
        return
    if book is None:
        book = _create(run, program, team)
        if not run.dry_run:
            _record_url(run, read, team, book)
        return
    ref = WorkbookRef(team_id=team.team_id, spreadsheet_id=book.id, url=book.url,
                      version=book.version)
    members: list[MemberRow] | None
    if book.version < run.template.version:
        members = _upgrade(run, program, team, book)
        run.result.upgraded.append(ref.model_copy(update={"version": run.template.version}))
    else:
        members = _read_members(run, program, team, book)
        run.result.existing.append(ref)
    _record_url(run, read, team, book)
    _share(run, program, team, book, members, members_known=members is not None)


def _record_url(run: _Run, read: roster_sheet.RosterRead, team: Team, book: DriveFile) -> None:
    if team.sheet_url.strip() == book.url or team.row is None:
        return
    cell = read.cell("teams", team.row, "sheet")
    if cell is None:
        run.result.findings.append(Finding(
            team=team.team_id, rule="roster.column_missing", severity="warning", tab="Teams",
            found="no Sheet column", expected="a Sheet column for the workbook's URL",
            link=cell_link(run.roster_id),
        ))
        return
    run.urls[cell] = book.url


# --- create ------------------------------------------------------------------------------------


def _create(run: _Run, program: Program, team: Team) -> DriveFile:
    """ONE spreadsheets.create, ONE files.update (labels + sharing record), then sharing."""
    labels = workbooks.labels("team", program.name, run.template, team.team_id)
    wanted = wanted_people(program, team, [], run.today)
    plan = plan_sharing(team, wanted, set(), [], run.ws.identity)
    run.result.findings += wanted.findings
    if run.dry_run:
        ref = WorkbookRef(team_id=team.team_id, spreadsheet_id="", url="(new)",
                          version=run.template.version)
        run.result.created.append(ref)
        run.result.shared += plan.create
        return DriveFile(id="", app_properties=labels)
    body = render_workbook(run.template, program, team, labels)
    book_id = workbooks.create_spreadsheet(run.ws, body)
    props: dict[str, str | None] = {**labels, **granted_changes({}, plan.granted)}
    workbooks.set_app_properties(run.ws, book_id, props)
    book = DriveFile(id=book_id, app_properties={k: v for k, v in props.items() if v})
    run.result.created.append(WorkbookRef(team_id=team.team_id, spreadsheet_id=book_id,
                                          url=book.url, version=run.template.version))
    for grant in plan.create:
        _create_permission(run.ws, book_id, grant.email)
        run.result.shared.append(grant)
    return book


# --- existing workbooks ------------------------------------------------------------------------


def _batch_get(ws: Workspace, book_id: str, titles: Sequence[str]) -> list[list[list[Any]]]:
    params: dict[str, Any] = {"valueRenderOption": "UNFORMATTED_VALUE",
                              "dateTimeRenderOption": "SERIAL_NUMBER"}
    reply = ws.sheets.http_client.values_batch_get(
        book_id, [absolute_range_name(t) for t in titles], params=params)
    return [r.get("values", []) for r in reply.get("valueRanges", [])]


def _read_members(run: _Run, program: Program, team: Team, book: DriveFile
                  ) -> list[MemberRow] | None:
    """The Team tab (1 read); a renamed tab is looked up by alias (1 more read)."""
    tab = run.template.tab("team")
    try:
        values = _batch_get(run.ws, book.id, [tab.title])[0]
        return _members(run, program, team, book, tab.title, tab.sheet_id, values)
    except APIError as error:
        if error.response.status_code != 400:
            raise
    found = _tabs(run.ws, book.id)
    match = next((f for f in found if run.template.find_tab(f.title) == tab), None)
    if match is None:
        run.result.findings.append(Finding(
            team=team.team_id, rule="sharing.team_tab_unreadable", severity="warning",
            tab=tab.title, found="no Team tab", link=book.url,
            expected="a Team tab listing the members (nobody's access was removed)",
        ))
        return None
    values = _batch_get(run.ws, book.id, [match.title])[0]
    return _members(run, program, team, book, match.title, match.sheet_id, values)


def _members(run: _Run, program: Program, team: Team, book: DriveFile, title: str,
             sheet_id: int, values: list[list[Any]]) -> list[MemberRow] | None:
    members, findings = read_members(team, book.id, title, sheet_id, values, run.template,
                                     program)
    run.result.findings += findings
    header_missing = any(f.rule == "sharing.team_tab_unreadable" for f in findings)
    return None if header_missing else members


def _tabs(ws: Workspace, book_id: str) -> list[FoundTab]:
    fields = "sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))"
    meta = ws.sheets.http_client.fetch_sheet_metadata(book_id, params={"fields": fields})
    out = []
    for sheet in meta.get("sheets", []):
        props = sheet.get("properties", {})
        grid = props.get("gridProperties", {})
        out.append(FoundTab(sheet_id=int(props.get("sheetId", 0)), title=str(props["title"]),
                            row_count=int(grid.get("rowCount", 0)),
                            column_count=int(grid.get("columnCount", 0))))
    return out


def _upgrade(run: _Run, program: Program, team: Team, book: DriveFile
             ) -> list[MemberRow] | None:
    """Bring an older workbook up to the template: 2 reads, 1 batchUpdate, 1 files.update."""
    found = _tabs(run.ws, book.id)
    grids = _batch_get(run.ws, book.id, [f.title for f in found]) if found else []
    found = [f.model_copy(update={"values": g}) for f, g in zip(found, grids, strict=True)]
    labels = workbooks.labels("team", program.name, run.template, team.team_id)
    requests = render_upgrade(run.template, found, {"tstVersion": labels["tstVersion"]})
    if not run.dry_run:
        run.ws.sheets.http_client.batch_update(book.id, {"requests": requests})
        workbooks.set_app_properties(run.ws, book.id, {"tstVersion": labels["tstVersion"],
                                                       "tstTemplate": labels["tstTemplate"]})
    book.app_properties.update({"tstVersion": labels["tstVersion"]})
    team_tab = run.template.tab("team")
    match = next((f for f in found if run.template.find_tab(f.title) == team_tab), None)
    if match is None:  # the upgrade just added an empty Team tab: members unknown, keep access
        return None
    return _members(run, program, team, book, match.title, match.sheet_id, match.values)


# --- sharing -----------------------------------------------------------------------------------


def _share(run: _Run, program: Program, team: Team, book: DriveFile,
           members: list[MemberRow] | None, *, members_known: bool) -> None:
    wanted: Wanted = wanted_people(program, team, members, run.today)
    perms: list[Permission] = (book.permissions if book.permissions is not None
                               else workbooks.list_permissions(run.ws, book.id))
    granted = decode_granted(book.app_properties)
    plan: SharingPlan = plan_sharing(team, wanted, granted, perms, run.ws.identity,
                                     members_known=members_known)
    run.result.findings += wanted.findings + plan.findings
    run.result.shared += plan.create
    run.result.unshared += plan.remove
    if run.dry_run:
        return
    for grant in plan.remove:  # removed first: a crash then leaves a stale record, not access
        run.ws.drive.permissions().delete(fileId=book.id, permissionId=grant.permission_id
                                          ).execute()
    changes = granted_changes(book.app_properties, plan.granted)
    if changes:
        workbooks.set_app_properties(run.ws, book.id, changes)
    for grant in plan.create:
        _create_permission(run.ws, book.id, grant.email)


def _create_permission(ws: Workspace, file_id: str, email: str) -> None:
    """Writer for one person; Google emails them only on the real target."""
    body = {"type": "user", "role": "writer", "emailAddress": email}
    notify = ws.settings.target == "google"
    ws.drive.permissions().create(fileId=file_id, body=body, sendNotificationEmail=notify,
                                  fields="id").execute()
