"""The rollover job: the program from one school year to the next.

``rollover --to 2027-28``, in an order a killed run can finish from:

1. last year's roll-up frozen: moved to the year's archive folder (made once, found by its
   labels), renamed "<program> <year> roll-up (final)", its kind ``rollup_final`` (no job
   writes it again);
2. the new roster (found by its labels ``tstKind=roster`` + ``tstYear``, else made once):
   the year pattern's dates and events, the same settings, coaches and program calendar, the
   continuing teams in their next Program Year with last year's workbook linked, and the
   applications made for the new year (the accepted ones its Teams rows already, under Team
   IDs no earlier year used). From then on jobs find it, not last year's;
3. each of last year's workbooks made read-only for everyone but staff (each grant on the
   file stronger than reader downgraded), then moved to the archive and labelled
   ``tstArchived`` + ``tstYear`` in one ``files.update``;
4. last year's roster archived the same way;
5. ``provision`` of the new roster: the continuing teams' new workbooks, their Team tabs
   starting with last year's members.

The program calendar is the same calendar: last year's events stay on it. Every step looks
before it writes, so a second run changes nothing.

Calls, last year's N workbooks and C continuing teams: 1 Drive files.list; then (first run)
1 roster values.batchGet, 1 Drive read for the archive folder (+1 create), 1 files.update for
the roll-up; the new roster's create (1 Drive create + 1 batchUpdate + 1 permission per staff
member not in the drive); per workbook 1 permissions.list + 1 permissions.update per grant
downgraded + 1 files.update; 1 files.update for last year's roster; and provision's own calls
(C creates, each with 1 read of last year's Team tab). A second run: 1 files.list and
provision's no-change reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import Field

from tst_sheets.applications.rules import load_application_rules
from tst_sheets.calendar.school_year import load_year_pattern
from tst_sheets.errors import ConfigError
from tst_sheets.jobs import files as drive_files
from tst_sheets.jobs.init import create_roster
from tst_sheets.jobs.provision import WorkbookRef, provision
from tst_sheets.jobs.roster import read_roster
from tst_sheets.model import AutoCamel, DriveFile, Finding, Program, spreadsheet_url
from tst_sheets.model.files import all_of_program
from tst_sheets.model.years import parse_year, year_label
from tst_sheets.provision.sharing import Grant
from tst_sheets.workspace import Workspace
from tst_sheets.year.archive import (
    ARCHIVE_KIND,
    ArchivedFile,
    archive_folder_name,
    archive_labels,
    downgrades,
    final_labels,
    final_title,
)
from tst_sheets.year.next_year import CarriedTeam, NextYear, next_year

YEAR_KINDS = ("team", "rollup", "roster")  # a school year's own files (reports stay as dated)


class RosterRef(AutoCamel):
    id: str = ""
    url: str = ""
    created: bool = False


class RolloverResult(AutoCamel):
    """``--json``: ``{"fromYear", "toYear", "dryRun", "changed", "roster", "events",
    "continuing", "admitted", "finishing", "applicationsCarried", "archiveFolder", "archived",
    "frozen", "provisioned", "shared", "findings", "calls"}``."""

    from_year: str = ""
    to_year: str
    dry_run: bool = False
    changed: bool = False
    roster: RosterRef = Field(default_factory=RosterRef)
    events: int = 0
    continuing: list[CarriedTeam] = Field(default_factory=list)
    admitted: list[CarriedTeam] = Field(default_factory=list)
    finishing: list[str] = Field(default_factory=list)
    applications_carried: int = 0
    archive_folder: str = ""
    archived: list[ArchivedFile] = Field(default_factory=list)
    frozen: list[ArchivedFile] = Field(default_factory=list)
    provisioned: list[WorkbookRef] = Field(default_factory=list)
    shared: list[Grant] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)


class _Run:
    """One rollover: what it found, and what it did so far."""

    def __init__(self, ws: Workspace, to_year: str, dry_run: bool) -> None:
        self.ws = ws
        self.dry_run = dry_run
        self.result = RolloverResult(to_year=to_year, dry_run=dry_run)
        self.folder = ""

    @property
    def program_name(self) -> str:
        return self.ws.settings.program


def rollover(
    ws: Workspace, to: str, roster_id: str | None = None, dry_run: bool = False
) -> RolloverResult:
    """Start the school year ``to`` ("2027-28"); see the module's docstring."""
    before = ws.calls()
    first = parse_year(to)
    if first is None:
        raise ConfigError(f"--to {to!r} is not a school year: write it like 2027-28.")
    run = _Run(ws, year_label(first), dry_run)
    files = drive_files.list_program_files(ws)
    _not_behind(run, files)
    found = _new_roster(run, files)
    leftovers = _leftovers(run, files)
    if found is None or leftovers:
        _from_last_year(run, files, found, leftovers, first, roster_id)
    else:  # rolled over already: only what provision may still have to do
        run.result.roster = RosterRef(id=found.id, url=found.url)
        run.result.from_year = _earlier_year(run, files)
    _provision(run)
    calls = ws.counter.since(before)
    result = run.result
    planned = result.roster.created or result.archived or result.frozen or result.provisioned
    wrote = sum(c["write"] for c in calls.values()) > 0
    result.changed = bool(planned or result.shared) if dry_run else wrote
    result.calls = calls
    return result


def _not_behind(run: _Run, files: Sequence[DriveFile]) -> None:
    """A rollover to a year the program has already left behind would undo the next one."""
    rosters = all_of_program(list(files), run.program_name, "roster")
    later = sorted({r.year for r in rosters if r.year > run.result.to_year})
    if later:
        raise ConfigError(
            f"The program has a {later[-1]} roster already: a rollover to "
            f"{run.result.to_year} would archive it. Nothing was changed."
        )


def _new_roster(run: _Run, files: Sequence[DriveFile]) -> DriveFile | None:
    rosters = all_of_program(list(files), run.program_name, "roster")
    mine = [r for r in rosters if r.year == run.result.to_year and not r.archived]
    return min(mine, key=lambda f: (f.created_time, f.id)) if mine else None


def _leftovers(run: _Run, files: Sequence[DriveFile]) -> list[DriveFile]:
    """Last year's files not archived yet: the program's own of an earlier school year (no
    year: made before files had years)."""
    return [
        f
        for kind in YEAR_KINDS
        for f in all_of_program(list(files), run.program_name, kind)
        if not f.archived and f.year < run.result.to_year
    ]


def _from_last_year(
    run: _Run,
    files: Sequence[DriveFile],
    found: DriveFile | None,
    leftovers: Sequence[DriveFile],
    first: int,
    roster_id: str | None,
) -> None:
    old = _last_roster(run, files, roster_id)
    read = read_roster(run.ws, old, ("program", "teams", "coaches"), "rollover")
    program = read.program
    run.result.from_year = program.year
    if program.year >= run.result.to_year:
        raise ConfigError(
            f"The roster {old} is for {program.year}: roll over to a later school year."
        )
    plan = _plan(run, program, files, first)
    run.result.findings += read.findings + plan.findings
    for book in (f for f in leftovers if f.kind == "rollup"):
        _freeze(run, book, program)
    _roster(run, found, plan)
    for book in (f for f in leftovers if f.kind == "team"):
        _archive(run, book, program)
    for roster in (f for f in leftovers if f.kind == "roster"):
        _archive(run, roster, program)


def _earlier_year(run: _Run, files: Sequence[DriveFile]) -> str:
    rosters = all_of_program(list(files), run.program_name, "roster")
    years = [r.year for r in rosters if r.year and r.year < run.result.to_year]
    return max(years, default="")


def _last_roster(run: _Run, files: Sequence[DriveFile], roster_id: str | None) -> str:
    """Last year's roster: the one asked for, else the latest of an earlier year (archived
    or not: a stopped run may have archived it already)."""
    if roster_id:
        return roster_id
    rosters = all_of_program(list(files), run.program_name, "roster")
    earlier = [r for r in rosters if r.year < run.result.to_year]
    if not earlier:
        raise ConfigError(
            f"No roster of program {run.program_name!r} before {run.result.to_year} to roll "
            "over: run `tst-sheets init` first, or pass --roster."
        )
    return drive_files.latest(earlier).id


def _plan(run: _Run, program: Program, files: Sequence[DriveFile], first: int) -> NextYear:
    settings = run.ws.settings
    books = {k: v.id for k, v in drive_files.team_books(files, program).items()}
    used = [f.team_id for f in all_of_program(list(files), program.name, "team")]
    years = load_application_rules(settings.templates_dir).program_years
    pattern = load_year_pattern(settings.templates_dir)
    plan = next_year(program, pattern, first, years, books, used)
    result = run.result
    result.events = len(plan.program.events)
    result.continuing, result.finishing = plan.continuing, plan.finishing
    result.admitted = plan.admitted
    result.applications_carried = plan.applications
    return plan


def _roster(run: _Run, found: DriveFile | None, plan: NextYear) -> None:
    if found is not None:
        run.result.roster = RosterRef(id=found.id, url=found.url)
        return
    if run.dry_run:
        run.result.roster = RosterRef(created=True)
        return
    made = create_roster(run.ws, plan.program)
    run.result.roster = RosterRef(id=made, url=spreadsheet_url(made), created=True)


def _archive_folder(run: _Run, year: str) -> str:
    """The year's archive folder in the program's home (1 Drive read; made once)."""
    if run.folder or run.dry_run:
        return run.folder
    props = {"tstKind": ARCHIVE_KIND, "tstProgram": run.program_name, "tstYear": year}
    found = drive_files.find_labelled(run.ws, props)
    if found is not None:
        run.folder = found.id
    else:
        name = archive_folder_name(run.program_name, year)
        run.folder = drive_files.create_folder_labelled(run.ws, name, props)
    run.result.archive_folder = run.folder
    return run.folder


def _move(run: _Run, file: DriveFile, year: str, body: Mapping[str, object]) -> None:
    """ONE files.update: into the year's archive folder, with its new labels (and title)."""
    if run.dry_run:
        return
    folder = _archive_folder(run, year)
    leave = [p for p in file.parents if p != folder]
    add = [folder] if folder not in file.parents else []
    run.ws.drive.move_file(file.id, add, leave, body)


def _freeze(run: _Run, book: DriveFile, program: Program) -> None:
    year = book.year or program.year
    title = final_title(program.name, year)
    _move(run, book, year, {"name": title, "appProperties": final_labels(year)})
    run.result.frozen.append(
        ArchivedFile(kind="rollup", id=book.id, url=book.url, title=title, year=year)
    )


def _archive(run: _Run, file: DriveFile, program: Program) -> None:
    """Read-only for all but staff first (a stopped run then leaves it still findable, not
    half-open), then moved and labelled archived."""
    year = file.year or program.year
    perms = run.ws.drive.list_permissions(file.id)
    lowered = downgrades(perms, program.staff_emails)
    for grant in lowered if not run.dry_run else []:
        run.ws.drive.update_permission(file.id, grant.permission_id, grant.to)
    _move(run, file, year, {"appProperties": archive_labels(year)})
    run.result.archived.append(
        ArchivedFile(
            kind=file.kind,
            id=file.id,
            url=file.url,
            title=file.name,
            team_id=file.team_id,
            year=year,
            downgraded=lowered,
        )
    )


def _provision(run: _Run) -> None:
    """The new roster's teams get their workbooks (a dry run: when the roster exists)."""
    roster = run.result.roster
    if not roster.id:
        return  # a dry run: the continuing teams listed are what provision will make
    done = provision(run.ws, roster.id, dry_run=run.dry_run)
    run.result.provisioned = done.created
    run.result.shared = done.shared
    run.result.findings += [
        f for f in done.findings if f.severity != "info" or f.rule == "applications.admitted"
    ]
