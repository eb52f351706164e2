"""The roll-up job: every team's status in one spreadsheet for coaches, within the API budget.

Calls, for N active teams of which k changed since the last run:

- always: 1 roster values.batchGet + 1 Drive files.list (every workbook's modifiedTime, labels
  and permissions) + 1 values.get of the roll-up's hidden state tab (absent on the first run);
- k values.batchGet, one per changed team (``--full``: all N);
- at most 1 spreadsheets.batchUpdate for the whole roll-up, only when it changed (2 on the
  first run: the spreadsheets.create, then the content; 2 if the roll-up was edited by hand
  and the first write is refused: 1 metadata read, then the write again);
- 1 spreadsheets.batchUpdate per team whose own status changed (its Start Here), with 2 Drive
  files.list around them so the service's own edit is not taken for a TL's next time.

Nothing changed: 2 Sheets reads (roster, state), 0 writes anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from gspread.exceptions import APIError
from gspread.utils import absolute_range_name
from pydantic import Field
from requests import RequestException

from tst_sheets import roster as roster_sheet
from tst_sheets import start_here, workbooks
from tst_sheets.camel import Camel
from tst_sheets.commitments import CommitmentSet, load_commitments
from tst_sheets.errors import http_status
from tst_sheets.jobs import collect
from tst_sheets.model import Finding, Program, Team, TeamStatus
from tst_sheets.rollup import (
    Grid,
    RollupInput,
    RollupTemplate,
    RunFacts,
    TeamView,
    about_grid,
    build,
    load_rollup_template,
    state_grid,
)
from tst_sheets.rollup_requests import layout_of, render
from tst_sheets.rollup_state import (
    RollupState,
    SheetLayout,
    TeamEntry,
    decode_state,
    encode_state,
)
from tst_sheets.templates import WorkbookTemplate, load_template, render_create
from tst_sheets.workbooks import DriveFile
from tst_sheets.workspace import Workspace, add_calls

Progress = Callable[[int, int, str], None]  # (done, total, team id)
KIND = "rollup"
TEAM_TEMPLATE = "team_workbook"
READER_VERSION = 1  # bump when readback's output changes: kept records are then read afresh
READERS = 8  # team workbooks read at once: one slow workbook never holds up the others
STATE_RANGE = "A1:A"
FILE_FIELDS = f"{workbooks.FILE_FIELDS},modifiedTime"


class RollupResult(Camel):
    """``--json``: ``{"rollupSpreadsheetId", "url", "teams", "read", "reused", "unreadable",
    "findings", "calls"}``."""

    rollup_spreadsheet_id: str = Field(alias="rollupSpreadsheetId")
    url: str
    teams: int = 0
    read: int = 0
    reused: int = 0
    unreadable: list[collect.Unreadable] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)
    # for the human summary and the demo (not in the JSON)
    by_status: dict[str, int] = Field(default_factory=dict, exclude=True)
    written: bool = Field(default=False, exclude=True)
    start_here_written: list[str] = Field(default_factory=list, exclude=True)
    problems: list[str] = Field(default_factory=list, exclude=True)

    def summary(self, top: int = 5) -> dict[str, Any]:
        """What the demo prints: the roll-up's URL, teams by status, the top findings."""
        worst = [f.model_dump(include={"team", "severity", "tab", "cell", "found"})
                 for f in self.findings[:top]]
        return {"rollupUrl": self.url, "byStatus": self.by_status, "topFindings": worst,
                "read": self.read, "reused": self.reused, "calls": self.calls}


class ListedFile(DriveFile):
    modified_time: str = Field(default="", alias="modifiedTime")


# --- the job -----------------------------------------------------------------------------------


def rollup(ws: Workspace, roster_id: str | None = None, as_of: date | None = None,
           full: bool = False, progress: Progress | None = None) -> RollupResult:
    """Read what changed, evaluate every team, write the roll-up and changed Start Here tabs."""
    before = ws.calls()
    run = _Run(ws, roster_id or ws.settings.roster_id or collect.find_roster(ws))
    as_of = as_of or ws.settings.as_of or collect.today(run.program)
    files = list_files(ws)
    book_id, created = run.find_or_create(files)
    column = [] if created else read_state_column(ws, book_id, run.tpl.tab("state").title)
    state = decode_state(column)
    if state.reader != run.reader():  # records read by another reader version: read afresh
        state = state.model_copy(update={"teams": {}})
    active = run.program.active_teams()
    entries = run.refresh(active, team_books(files, run.program), state, full, progress)
    views = [run.view(team, entries[team.team_id], as_of) for team in active]
    inp = RollupInput(program=run.program, as_of=as_of, teams=views, commitments=run.commitments,
                      first_seen=state.first_seen, versions=run.versions())
    content = build(inp, run.tpl, RunFacts(generated_at=_now(run.program)))
    written_here = run.update_start_here(views, entries, as_of)
    new_state = RollupState(content_digest=content.digest(), first_seen=content.first_seen,
                            teams=entries, reader=run.reader(),
                            layout=layout_of([*content.tabs, run.state_tab([])]))
    new_column = encode_state(new_state)
    written = new_column != column  # same content and same state: nothing to write anywhere
    if written:
        current = _initial_layout(run.tpl) if created else state.layout
        facts = RunFacts(generated_at=_now(run.program), read=run.read_count,
                         reused=len(active) - run.read_count,
                         calls=add_calls(ws.counter.since(before), {"sheets": {"write": 1}}))
        content.tabs = [about_grid(inp, run.tpl, facts) if t.key == "about" else t
                        for t in content.tabs]
        run.write(book_id, [*content.tabs, run.state_tab(new_column)], current)
    run.record_rollup(book_id)
    run.share(book_id, files, created)
    return run.result(book_id, views, written, written_here, ws.counter.since(before))


class _Run:
    """What one run shares: the clients, the program, the templates, the counts."""

    def __init__(self, ws: Workspace, roster_id: str) -> None:
        self.ws = ws
        self.roster_id = roster_id
        self.roster = roster_sheet.read_roster(ws, roster_id)
        self.program = self.roster.program
        directory = ws.settings.templates_dir
        self.tpl: RollupTemplate = load_rollup_template(directory)
        self.team_tpl: WorkbookTemplate = load_template(TEAM_TEMPLATE, directory)
        self.commitments: CommitmentSet = load_commitments(directory / "commitments.yaml")
        self.read_count = 0
        self.problems: list[str] = []

    def reader(self) -> str:
        """What a kept record depends on besides the workbook: the template it was read by."""
        return f"{READER_VERSION}:{self.team_tpl.name}:{self.team_tpl.version}"

    def versions(self) -> dict[str, int]:
        return {self.tpl.workbook.name: self.tpl.workbook.version,
                self.team_tpl.name: self.team_tpl.version,
                self.commitments.name: self.commitments.version}

    def state_tab(self, column: Sequence[str]) -> Grid:
        return state_grid(self.tpl, column)

    # -- the roll-up workbook ------------------------------------------------------------

    def find_or_create(self, files: list[ListedFile]) -> tuple[str, bool]:
        """The program's roll-up (by label; the one the roster names first), or a new one."""
        mine = [f for f in files if f.kind == KIND and f.label("tstProgram") == self.program.name]
        if not mine and any(not f.kind for f in files):
            recovered = workbooks.recover(self.ws, list(files), self.program.name, dry_run=False)
            mine = [ListedFile.model_validate(f.model_dump(by_alias=True)) for f in recovered
                    if f.kind == KIND]
        if mine:
            mine.sort(key=lambda f: (f.id != self.program.rollup_spreadsheet_id,
                                     f.created_time, f.id))
            return mine[0].id, False
        labels = workbooks.labels(KIND, self.program.name, self.tpl.workbook)
        title = self.tpl.workbook.title.format(program=self.program.name)
        body = render_create(self.tpl.workbook, title, {}, labels,
                             time_zone=self.program.timezone)
        book_id = workbooks.create_spreadsheet(self.ws, body)
        workbooks.set_app_properties(self.ws, book_id, labels)
        return book_id, True

    def write(self, book_id: str, grids: list[Grid], current: Mapping[int, SheetLayout]) -> None:
        """ONE batchUpdate; if refused (a tab edited or deleted by hand), look, then once more."""
        body = {"requests": render(grids, dict(current), self.tpl)}
        try:
            self.ws.sheets.http_client.batch_update(book_id, body)
        except APIError as error:
            if http_status(error) != 400:
                raise
            actual = read_layout(self.ws, book_id)
            body = {"requests": render(grids, actual, self.tpl)}
            self.ws.sheets.http_client.batch_update(book_id, body)

    def record_rollup(self, book_id: str) -> None:
        """The roll-up's id in the roster's service-owned setting (only when it differs)."""
        if self.program.rollup_spreadsheet_id == book_id:
            return
        value_a1, label_a1 = roster_sheet.setting_cell(self.roster, "rollup_spreadsheet")
        cells = {value_a1: book_id}
        if label_a1:
            template = load_template(roster_sheet.TEMPLATE, self.ws.settings.templates_dir)
            cells[label_a1] = template.tab("program").setting("rollup_spreadsheet").label
        roster_sheet.write_cells(self.ws, self.roster_id, cells)

    def share(self, book_id: str, files: list[ListedFile], created: bool) -> None:
        """Coaches (reader) and staff (writer) only: never TLs, principals or members."""
        listed = next((f for f in files if f.id == book_id), None)
        perms = [] if created or listed is None else listed.permissions
        if perms is None:  # the listing did not carry them: ask (1 Drive read)
            perms = workbooks.list_permissions(self.ws, book_id)
        wanted = rollup_people(self.program)
        for perm in perms:
            if perm.role == "owner":
                continue
            if perm.type != "user" or wanted.get(perm.email) != perm.role:
                self.ws.drive.permissions().delete(fileId=book_id,
                                                   permissionId=perm.id).execute()
        have = {p.email: p.role for p in perms if p.type == "user"}
        for email, role in sorted(wanted.items()):
            if have.get(email) != role:
                body = {"type": "user", "role": role, "emailAddress": email}
                self.ws.drive.permissions().create(
                    fileId=book_id, body=body, fields="id",
                    sendNotificationEmail=self.ws.settings.target == "google").execute()

    # -- team workbooks ------------------------------------------------------------------

    def refresh(self, teams: Sequence[Team], books: Mapping[str, ListedFile],
                state: RollupState, full: bool, progress: Progress | None
                ) -> dict[str, TeamEntry]:
        """Each team's entry: reused when its workbook did not change, read otherwise."""
        entries: dict[str, TeamEntry] = {}
        to_read: list[tuple[Team, str, str | None]] = []
        for team in teams:
            book = books.get(team.team_id.lower())
            book_id = book.id if book else collect.sheet_id_of(team.sheet_url)
            modified = book.modified_time if book else None
            old = state.teams.get(team.team_id)
            if not full and old is not None and old.reusable(book_id, modified):
                entries[team.team_id] = old
            else:
                to_read.append((team, book_id, modified))
        for team_id, entry in self.read_teams(to_read, progress).items():
            old = state.teams.get(team_id)
            entries[team_id] = entry.model_copy(
                update={"start_here": old.start_here if old else ""})
        return {t.team_id: entries[t.team_id] for t in teams}

    def read_teams(self, jobs: Sequence[tuple[Team, str, str | None]], progress: Progress | None
                   ) -> dict[str, TeamEntry]:
        """The changed workbooks, a few at a time; a failure is that team's finding only."""
        self.read_count = len(jobs)
        out: dict[str, TeamEntry] = {}
        if progress:
            progress(0, len(jobs), "")
        if not jobs:
            return out
        with ThreadPoolExecutor(max_workers=min(READERS, len(jobs))) as pool:
            futures = {pool.submit(read_team, self.ws, self.team_tpl, self.program, team,
                                   book_id, modified): team for team, book_id, modified in jobs}
            for future in as_completed(futures):
                team = futures[future]
                out[team.team_id] = future.result()
                if progress:
                    progress(len(out), len(jobs), team.team_id)
        return out

    def view(self, team: Team, entry: TeamEntry, as_of: date) -> TeamView:
        read = collect.TeamRead(team_id=team.team_id, spreadsheet_id=entry.spreadsheet_id,
                                record=entry.record, failure=entry.failure)
        status = collect.team_status(read, team, self.program, as_of, self.commitments)
        record = entry.record if status.overall != "Unreadable" else None
        return TeamView(team=team, status=status, record=record)

    def update_start_here(self, views: Sequence[TeamView], entries: dict[str, TeamEntry],
                          as_of: date) -> list[str]:
        """Each team whose own status changed gets its Start Here rewritten (1 write each)."""
        words = self.tpl.rule_words
        due: list[tuple[TeamView, str]] = []
        for view in views:
            entry = entries[view.team.team_id]
            if entry.record is None or entry.start_layout is None:
                continue
            new = start_here.block_digest(view.status, words)
            if new != entry.start_here:
                due.append((view, new))
        if not due:
            return []
        seen = {f.id: f.modified_time for f in list_files(self.ws)}  # a TL edit since the read?
        with ThreadPoolExecutor(max_workers=min(READERS, len(due))) as pool:
            failures = list(pool.map(lambda item: self._write_start_here(
                entries[item[0].team.team_id], item[0].status, as_of), due))
        written = [(view, new) for (view, new), failure in zip(due, failures, strict=True)
                   if failure is None]
        self.problems += [f for f in failures if f]
        after = {f.id: f.modified_time for f in list_files(self.ws)}
        for view, new in written:
            entry = entries[view.team.team_id]
            update: dict[str, Any] = {"start_here": new}
            # Our own write is not a change the next run must read; a TL's edit in between is.
            if seen.get(entry.spreadsheet_id) == entry.modified_time:
                update["modified_time"] = after.get(entry.spreadsheet_id, entry.modified_time)
            entries[view.team.team_id] = entry.model_copy(update=update)
        return [view.team.team_id for view, _ in written]

    def _write_start_here(self, entry: TeamEntry, status: TeamStatus, as_of: date
                          ) -> str | None:
        """One batchUpdate on the team's Start Here; the problem in words if it failed."""
        assert entry.start_layout is not None
        reqs = start_here.requests(entry.start_layout, status, as_of, self.tpl.rule_words,
                                   self._status_colors())
        try:
            self.ws.sheets.http_client.batch_update(entry.spreadsheet_id, {"requests": reqs})
        except (APIError, RequestException) as error:
            return f"{entry.team_id}: Start Here not updated ({error})"
        return None

    def _status_colors(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for column in ("summary:status", "findings:severity", "trends:status"):
            tab, key = column.split(":")
            out.update(self.tpl.colors(tab, key))
        return out

    def result(self, book_id: str, views: Sequence[TeamView], written: bool,
               written_here: list[str], calls: dict[str, dict[str, int]]) -> RollupResult:
        by_status: dict[str, int] = {s: 0 for s in self.tpl.status_order}
        for view in views:
            by_status[view.status.overall] = by_status.get(view.status.overall, 0) + 1
        unreadable = [collect.Unreadable(team=v.team.team_id, reason=v.status.findings[0].found,
                                         spreadsheetId=v.status.spreadsheet_id)
                      for v in views if v.status.overall == "Unreadable" and v.status.findings]
        findings = sorted((f for v in views for f in v.status.findings), key=Finding.sort_key)
        return RollupResult(
            rollup_spreadsheet_id=book_id, url=workbooks.spreadsheet_url(book_id),
            teams=len(views), read=self.read_count, reused=len(views) - self.read_count,
            unreadable=unreadable, findings=findings, calls=calls, by_status=by_status,
            written=written, start_here_written=written_here, problems=self.problems,
        )


# --- reading -----------------------------------------------------------------------------------


def list_files(ws: Workspace) -> list[ListedFile]:
    """Every spreadsheet the service owns, with modifiedTime, labels and permissions."""
    files: list[ListedFile] = []
    token: str | None = None
    while True:
        page = ws.drive.files().list(
            q=workbooks.OWNED_SPREADSHEETS, pageSize=1000, pageToken=token,
            fields=f"nextPageToken,files({FILE_FIELDS})",
        ).execute()
        files += [ListedFile.model_validate(item) for item in page.get("files", [])]
        token = page.get("nextPageToken")
        if not token:
            return files


def team_books(files: Sequence[ListedFile], program: Program) -> dict[str, ListedFile]:
    """Each team's workbook by lower-cased team id (the roster's recorded one first)."""
    out: dict[str, ListedFile] = {}
    recorded = {collect.sheet_id_of(t.sheet_url) for t in program.teams}
    books = [f for f in files if f.kind == "team" and f.label("tstProgram") == program.name]
    books.sort(key=lambda f: (f.id not in recorded, f.created_time, f.id))
    for book in books:
        out.setdefault(book.team_id.lower(), book)
    return out


def read_state_column(ws: Workspace, book_id: str, title: str) -> list[str]:
    """Column A of the hidden state tab (1 Sheets read); nothing if it is gone."""
    try:
        reply = ws.sheets.http_client.values_get(
            book_id, absolute_range_name(title, STATE_RANGE),
            params={"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "COLUMNS"})
    except APIError as error:
        if http_status(error) in (400, 404):
            return []
        raise
    values = reply.get("values", [])
    return [str(v) for v in values[0]] if values else []


def read_layout(ws: Workspace, book_id: str) -> dict[int, SheetLayout]:
    """What the roll-up really holds (1 Sheets read): only after a write was refused."""
    meta = ws.sheets.http_client.fetch_sheet_metadata(book_id, params={
        "fields": "sheets(properties(sheetId,title),conditionalFormats,filterViews(filterViewId),"
                  "charts(chartId))"})
    out: dict[int, SheetLayout] = {}
    for sheet in meta.get("sheets", []):
        props = sheet.get("properties", {})
        out[int(props.get("sheetId", 0))] = SheetLayout(
            title=str(props.get("title", "")),
            rules=len(sheet.get("conditionalFormats", [])),
            filter_views=[int(v["filterViewId"]) for v in sheet.get("filterViews", [])],
            charts=[int(c["chartId"]) for c in sheet.get("charts", [])],
        )
    return out


def read_team(ws: Workspace, template: WorkbookTemplate, program: Program, team: Team,
              book_id: str, modified: str | None) -> TeamEntry:
    """collect's ONE values.batchGet of every data tab, Start Here included; never raises."""
    read = collect.read_team(ws, team, program, spreadsheet_id=book_id, template=template,
                             extra={"start_here": ""})  # "": the whole tab
    entry = TeamEntry(team_id=team.team_id, spreadsheet_id=book_id, modified_time=modified,
                      record=read.record, failure=read.failure, permanent=read.permanent)
    values = read.values("start_here") if read.record is not None else None
    if values is not None:
        title = read.titles["start_here"]
        sheet_id = read.sheet_ids.get(title, template.tab("start_here").sheet_id)
        entry.start_layout = start_here.locate(values, sheet_id, title)
    return entry


# --- small helpers -----------------------------------------------------------------------------


def rollup_people(program: Program) -> dict[str, str]:
    """email → role: active coaches read it, program staff may edit it; nobody else."""
    out: dict[str, str] = {}
    for coach in program.coaches:
        if coach.active and coach.email:
            out[coach.email.lower()] = "reader"
    for email in program.staff_emails:
        out[email.lower()] = "writer"
    allowed = program.allowed_domains
    return {e: r for e, r in out.items() if not allowed or program.email_allowed(e)}


def _initial_layout(tpl: RollupTemplate) -> dict[int, SheetLayout]:
    """A roll-up just created from the template: its tabs, nothing added to them yet."""
    return {t.sheet_id: SheetLayout(title=t.title) for t in tpl.workbook.tabs}


def _now(program: Program) -> datetime:
    return datetime.now(ZoneInfo(program.timezone)).replace(tzinfo=None, microsecond=0)
