"""The provision job: one workbook per Active team, shared with the right people.

Calls, for a program of N active teams:

- a run: 1 roster values.batchGet + 1 Drive files.list (every workbook with its labels and
  modifiedTime; its permissions too in a My Drive, else 1 permissions.list each, on Drive's
  far larger quota) + 1 values.batchGet per workbook changed since provision last read its Team
  tab (or whose member's Left date has come; see ``provision.look``), then 1 files.update
  recording what it says + the writes below.
- a new workbook: 1 Drive files.create (labels and the record of whom the service shares
  with) + 1 batchUpdate (every tab, header, note, rule, format, protection, the Start Here
  facts and the Program Events rows) + 1 files.get and 1 files.update (its modifiedTime after
  that write, and what its Team tab says) + 1 permissions.create per person.
- an older template version: 1 metadata read + 1 values.batchGet + 1 batchUpdate + 1
  files.get + 1 files.update.
- the roster: 1 values.batchUpdate writing the Sheet URLs that changed.
- the program's own files (see ``jobs.sharing``): 1 permissions.list each of the roster and
  the roll-up (in a shared drive; a My Drive lists them with the files); the roster's sharing
  follows Staff Emails, and links for anyone or a domain, and people outside the Allowed
  Domains, are removed from them as from every workbook (each removal a finding).

Creating and upgrading workbooks only adds; changes to the sharing of existing files are
planned first and applied last, after the mass-change guard: a plan that would take access
away from more than a quarter of the people who have it is reported and not applied, unless
allowed.

Nothing changed: 1 Sheets read (the roster) and 0 writes on every API, whatever N.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from tst_sheets.calendar.events import DesiredEvent, desired_events
from tst_sheets.errors import GoogleError
from tst_sheets.jobs import files as drive_files
from tst_sheets.jobs import sharing
from tst_sheets.jobs.applications import admit_applications
from tst_sheets.jobs.common import as_of_date, roster_id_of, team_template
from tst_sheets.jobs.found_tabs import found_tabs, team_tab_of
from tst_sheets.jobs.guard import Removal, stop_reason
from tst_sheets.jobs.reader import Progress, read_team
from tst_sheets.jobs.roster import read_roster, write_cells
from tst_sheets.jobs.starting_members import first_members
from tst_sheets.jobs.team_look import recorded_members, remember, remember_read, stamped
from tst_sheets.model import (
    AutoCamel,
    DriveFile,
    Finding,
    Team,
    TeamRecord,
    cell_link,
    spreadsheet_url,
)
from tst_sheets.model.files import labels, of_program
from tst_sheets.model.findings import ROSTER
from tst_sheets.provision.grants import decode_granted, granted_changes
from tst_sheets.provision.look import look_changes, look_of, nobody
from tst_sheets.provision.sharing import Grant, SharingPlan, plan_sharing, wanted_people
from tst_sheets.provision.welcome import welcome_message
from tst_sheets.provision.workbook import render_workbook
from tst_sheets.reading.roster import RosterRead
from tst_sheets.reading.workbook import match_titles
from tst_sheets.templates import outstanding, render_upgrade
from tst_sheets.templates.create import layout_requests
from tst_sheets.workspace import Workspace, once


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
    stopped: str = Field(default="", description="Why no sharing was changed (mass change).")
    dry_run: bool = Field(default=False, exclude=True)
    roster_url: str = Field(default="", exclude=True)


class _Run:
    """One provision run: what it read, and what it did so far."""

    def __init__(self, ws: Workspace, roster: RosterRead, dry_run: bool) -> None:
        self.ws = ws
        self.roster = roster
        self.program = roster.program
        self.dry_run = dry_run
        self.template = team_template(ws)
        self.today = as_of_date(ws, self.program)
        self.result = ProvisionResult(
            dry_run=dry_run,
            findings=list(roster.findings),
            roster_url=cell_link(self.program.roster_id),
        )
        self.urls: dict[str, str] = {}  # roster Sheet cell -> URL, only the changed ones
        self.pending: list[tuple[str, sharing.Pending]] = []  # (scope, plan) applied last
        self._events: list[DesiredEvent] | None = None

    def events(self) -> list[DesiredEvent]:
        """The program's events, worked out once a run (a new workbook lists its team's)."""
        if self._events is None:
            self._events = desired_events(self.program)[0]
        return self._events

    def labels(self, team: Team) -> dict[str, str]:
        tpl = self.template
        return labels(
            "team", self.program.name, tpl.name, tpl.version, team.team_id, self.program.year
        )


def provision(
    ws: Workspace,
    roster_id: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    allow_mass_change: bool = False,
) -> ProvisionResult:
    """Create, upgrade and share every Active team's workbook; write their URLs to the roster."""
    before = ws.calls()
    drive_files.program_home(ws)  # a service account with nowhere to create stops here
    roster = read_roster(ws, roster_id_of(ws, roster_id), ("program", "teams"), "provision")
    roster = admit_applications(ws, roster, dry_run)  # accepted applications become teams
    run = _Run(ws, roster, dry_run)
    files = drive_files.list_program_files(ws)
    books = _team_books(run, files)
    _share_program_files(run, files)
    teams = [t for t in run.program.teams if t.status != "Paused"]
    for done, team in enumerate(teams):
        if progress:
            progress(done, len(teams), team.team_id)
        book = books.get(team.team_id.lower())
        try:
            _one_team(run, team, book)
        except GoogleError as error:  # one team's trouble never stops the run
            run.result.findings.append(_failed(team, book, error))
    if progress:
        progress(len(teams), len(teams), "")
    if run.urls and not dry_run:
        write_cells(ws, run.program.roster_id, run.urls)
    _apply_sharing(run, allow_mass_change)
    run.result.calls = ws.counter.since(before)
    return run.result


def _apply_sharing(run: _Run, allowed: bool) -> None:
    """The planned sharing changes, unless they remove too much; each file's own failure is
    a finding for that file."""
    # Weighed by person: one staff member leaving loses every file, and that is one person.
    losing = set().union(*(p.losing for _, p in run.pending))
    holding = set().union(*(p.holders for _, p in run.pending))
    found = [Removal(what="people's access", removed=len(losing), existing=len(holding))]
    run.result.stopped = stop_reason("provision", found, allowed=allowed)
    if run.dry_run or run.result.stopped:
        return
    for scope, pending in run.pending:
        try:
            pending.apply(run.ws)
        except GoogleError as error:
            run.result.findings.append(_unshareable(scope, pending.file.url, error))


def _failed(team: Team, book: DriveFile | None, error: GoogleError) -> Finding:
    return Finding(
        team=team.team_id,
        rule="provision.failed",
        severity="error",
        found=str(error)[:300],
        expected="the workbook created, upgraded and shared (retried on the next run)",
        link=book.url if book else None,
    )


def _team_books(run: _Run, files: Sequence[DriveFile]) -> dict[str, DriveFile]:
    """Each team's workbook by lower-cased team id; duplicates (a retried create) resolved."""
    books = of_program(list(files), run.program.name, "team")
    by_team: dict[str, list[DriveFile]] = {}
    for book in books:
        by_team.setdefault(book.team_id.lower(), []).append(book)
    out: dict[str, DriveFile] = {}
    for team_id, found in by_team.items():
        recorded = {t.sheet_url for t in run.program.teams if t.team_id.lower() == team_id}
        found.sort(key=lambda f: (f.url not in recorded, f.created_time, f.id))
        out[team_id] = found[0]
        for extra in found[1:]:
            _duplicate(run, team_id, found[0], extra)
    return out


def _duplicate(run: _Run, team_id: str, kept: DriveFile, extra: DriveFile) -> None:
    """A second workbook for one team: trashed if nobody but the service ever had it."""
    only_owner = all(p.role == "owner" for p in extra.permissions or [])
    if only_owner and extra.permissions is not None and not run.dry_run:
        drive_files.trash(run.ws, extra.id)
        return
    run.result.findings.append(
        Finding(
            team=team_id,
            rule="provision.duplicate_workbook",
            severity="warning",
            found=f"a second workbook {extra.url} (shared, so kept)",
            expected=f"one workbook per team: {kept.url}",
            link=extra.url,
        )
    )


def _one_team(run: _Run, team: Team, book: DriveFile | None) -> None:
    if team.status == "Withdrawn":
        if book is not None:
            _share(run, team, book, None, members_known=True)
        return
    if book is None:
        book = _create(run, team)
        if not run.dry_run:
            _record_url(run, team, book)
        return
    ref = WorkbookRef(
        team_id=team.team_id, spreadsheet_id=book.id, url=book.url, version=book.version
    )
    if book.version < run.template.version:
        record = _upgrade(run, team, book)
        run.result.upgraded.append(ref.model_copy(update={"version": run.template.version}))
    else:
        record = _members(run, team, book)
        run.result.existing.append(ref)
    _record_url(run, team, book)
    _share(run, team, book, record, members_known=_members_known(record))


def _record_url(run: _Run, team: Team, book: DriveFile) -> None:
    if team.sheet_url.strip() == book.url or team.row is None:
        return
    cell = run.roster.cell("teams", team.row, "sheet")
    if cell is None:
        run.result.findings.append(
            Finding(
                team=team.team_id,
                rule="roster.column_missing",
                severity="warning",
                tab="Teams",
                found="no Sheet column",
                expected="a Sheet column for the workbook's URL",
                link=cell_link(run.program.roster_id),
            )
        )
        return
    run.urls[cell] = book.url


# --- create ------------------------------------------------------------------------------------


def _create(run: _Run, team: Team) -> DriveFile:
    """ONE Drive create (labels and the sharing record in it), ONE batchUpdate laying out every
    tab, then one permission per person."""
    props = run.labels(team)
    members, record = first_members(run.ws, run.program, team, run.template)
    wanted = wanted_people(run.program, team, record, run.today)
    inherited = drive_files.inherited_permissions(run.ws)
    plan = plan_sharing(team.team_id, wanted, set(), inherited, run.program, run.ws.identity)
    if run.dry_run:
        run.result.findings += wanted.findings
        ref = WorkbookRef(
            team_id=team.team_id, spreadsheet_id="", url="(new)", version=run.template.version
        )
        run.result.created.append(ref)
        run.result.shared += plan.create
        return DriveFile(id="", app_properties=props)
    body = render_workbook(run.template, run.program, team, props, members, run.events())
    granted = {k: v for k, v in granted_changes({}, plan.granted).items() if v}
    all_props = {**props, **granted}
    book_id = drive_files.create_labelled(run.ws, body, all_props)
    book = DriveFile(id=book_id, app_properties=all_props)
    run.result.findings += [_in_book(f, book_id) for f in wanted.findings]
    look = look_of(record, run.program, run.today) if record else nobody(run.program)
    remember(run.ws, book, stamped(run.ws, look, book_id))  # before the grants: no edit yet
    run.result.created.append(
        WorkbookRef(
            team_id=team.team_id,
            spreadsheet_id=book_id,
            url=book.url,
            version=run.template.version,
        )
    )
    for grant in plan.create:
        _grant(run, team, book_id, grant)
        run.result.shared.append(grant)
    return book


def _in_book(finding: Finding, book_id: str) -> Finding:
    """A finding on a member written into a workbook made after it: linked to that workbook."""
    unborn = spreadsheet_url("")
    if not finding.link or not finding.link.startswith(unborn):
        return finding
    return finding.model_copy(
        update={"link": spreadsheet_url(book_id) + finding.link[len(unborn) :]}
    )


# --- existing workbooks ------------------------------------------------------------------------


def _members(run: _Run, team: Team, book: DriveFile) -> TeamRecord | None:
    """The Team tab's members: as recorded when the workbook has not changed since provision
    last read it (no read), else read, and recorded for the next run."""
    title = run.template.tab("team").title
    known = recorded_members(book, team.team_id, run.program, run.today, title)
    if known is not None:
        return known
    record = _read_members(run, team, book)
    if not run.dry_run:
        remember_read(run.ws, book, record, run.program, run.today)
    return record


def _read_members(run: _Run, team: Team, book: DriveFile) -> TeamRecord | None:
    """The Team tab (1 read; a renamed tab is looked up by alias, 1 more read)."""
    read = read_team(run.ws, team, run.program, run.template, spreadsheet_id=book.id, keys=["team"])
    if read.failure is not None:
        raise GoogleError(0, read.failure)
    if read.fallback and not match_titles(run.template, list(read.sheet_ids), read.tab_keys):
        _lay_out(run, team, book, list(read.sheet_ids.values()))
        return None  # just laid out: its Team tab holds the TL only
    return _team_tab(run, team, book, read.record)


def _lay_out(run: _Run, team: Team, book: DriveFile, drafts: list[int]) -> None:
    """A workbook whose create was never followed by its layout (a run died in between): lay
    it out now, dropping the empty tab Drive made."""
    run.result.findings.append(
        Finding(
            team=team.team_id,
            rule="provision.laid_out",
            severity="info",
            found="a workbook created but never laid out (an interrupted run)",
            expected="every tab of the template: laid out now",
            link=book.url,
        )
    )
    if not run.dry_run:
        body = render_workbook(
            run.template, run.program, team, run.labels(team), events=run.events()
        )
        titles = [str(s["properties"]["title"]) for s in body["sheets"]]
        drive_files.lay_out(run.ws, book.id, layout_requests(body, drop=drafts), titles)


def _team_tab(
    run: _Run, team: Team, book: DriveFile, record: TeamRecord | None
) -> TeamRecord | None:
    """What the Team tab said; a tab the service cannot read is a finding, never a removal."""
    if record is not None:
        run.result.findings += record.findings
    if not _members_known(record):
        run.result.findings.append(
            Finding(
                team=team.team_id,
                rule="sharing.team_tab_unreadable",
                severity="warning",
                tab=run.template.tab("team").title,
                found="no Team tab with an Email column",
                expected="a Team tab listing the members (nobody's access was removed)",
                link=book.url,
            )
        )
    return record


def _members_known(record: TeamRecord | None) -> bool:
    team_tab = record.tabs.get("team") if record else None
    return team_tab is not None and "email" in team_tab.columns


def _upgrade(run: _Run, team: Team, book: DriveFile) -> TeamRecord | None:
    """Bring an older workbook up to the template: 2 reads, 1 batchUpdate, 1 Drive read (its
    modifiedTime after the write), 1 files.update (the version and what the Team tab said)."""
    found = found_tabs(run.ws, book.id)
    version = run.labels(team)["tstVersion"]
    requests = render_upgrade(run.template, found, {"tstVersion": version})
    record = team_tab_of(found, team.team_id, book.id, run.template, run.program.school_year)
    if not run.dry_run:

        def applied() -> dict[str, object] | None:  # after a lost answer: is anything missing?
            return None if outstanding(run.template, found_tabs(run.ws, book.id)) else {}

        once(lambda: run.ws.sheets.batch_update(book.id, requests), applied, run.ws.policy)
        look = stamped(run.ws, look_of(record, run.program, run.today), book.id)
        labels = {"tstVersion": version, "tstTemplate": run.template.name}
        drive_files.set_labels(
            run.ws, book.id, {**labels, **look_changes(book.app_properties, look)}
        )
    book.app_properties.update({"tstVersion": version})
    return _team_tab(run, team, book, record)


# --- sharing -----------------------------------------------------------------------------------


def _share(
    run: _Run, team: Team, book: DriveFile, record: TeamRecord | None, *, members_known: bool
) -> None:
    wanted = wanted_people(run.program, team, record, run.today)
    perms = sharing.permissions_of(run.ws, book)
    plan = plan_sharing(
        team.team_id,
        wanted,
        decode_granted(book.app_properties),
        perms,
        run.program,
        run.ws.identity,
        members_known=members_known,
        link=book.url,
    )
    run.result.findings += wanted.findings
    _report(run, plan)

    def message(grant: Grant) -> str:
        return welcome_message(run.program, team, grant.reason)

    pending = sharing.Pending(book, plan, message, sharing.holders(perms))
    run.pending.append((team.team_id, pending))


def _report(run: _Run, plan: SharingPlan) -> None:
    run.result.findings += plan.findings
    run.result.shared += plan.create
    run.result.unshared += plan.remove


def _share_program_files(run: _Run, files: Sequence[DriveFile]) -> None:
    """The roster's sharing follows Staff Emails; links and outsiders leave the roll-up. A
    file that cannot be shared is a finding; the teams go on."""
    roster = next((f for f in files if f.id == run.program.roster_id), None)
    roster = roster or DriveFile(id=run.program.roster_id)  # named by id, not by its labels
    rollups = of_program(list(files), run.program.name, "rollup")
    try:
        pending = sharing.plan_roster(run.ws, run.program, roster)
        _report(run, pending.plan)
        run.pending.append((ROSTER, pending))
    except GoogleError as error:
        run.result.findings.append(_unshareable(ROSTER, roster.url, error))
    try:
        for pending in sharing.plan_rollups(run.ws, run.program, rollups):
            _report(run, pending.plan)
            run.pending.append((sharing.ROLLUP, pending))
    except GoogleError as error:
        run.result.findings.append(_unshareable(sharing.ROLLUP, None, error))


def _unshareable(scope: str, link: str | None, error: GoogleError) -> Finding:
    return Finding(
        team=scope,
        rule="sharing.failed",
        severity="error",
        found=str(error)[:300],
        expected="the file's sharing in step with the roster (tried again next run)",
        link=link,
    )


def _grant(run: _Run, team: Team, book_id: str, grant: Grant) -> None:
    """Writer for one person, with a welcome written for them in Google's sharing email."""
    message = welcome_message(run.program, team, grant.reason)
    run.ws.sharing.create_permission(book_id, grant.email, "writer", notify=True, message=message)
