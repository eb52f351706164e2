"""The audit job: every permission on every program file against what the roster explains.

It looks at the roster, the roll-up, every team workbook (its Team tab read for the members
its TL listed), the shared drive's members and the program calendar's ACL. Each permission is
explained (with the reason) or unexplained (with why; see ``access.explain``). ``fix`` removes
what the service may remove — never its own access, an inherited one or the drive's members —
turns writers' sharing off where Google allows it (a My Drive), then looks again. A file that
cannot be read is a finding; the others are audited all the same.

Calls, for N team workbooks: 1 roster values.batchGet + 1 Drive files.list + 1
permissions.list per file (the roster, the roll-up, each workbook; a My Drive lists them with
the files) + 1 values.batchGet per workbook (its Team tab) + 1 permissions.list of the drive
+ 1 Calendar acl.list. Writes: none; with ``fix``, 1 per removal, then the same reads again
but the roster and the Team tabs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress

from pydantic import BaseModel, Field

from tst_sheets.access.explain import Context, judge_all
from tst_sheets.access.models import Access, FileKind, Grantee, ProgramFile
from tst_sheets.errors import GoogleError
from tst_sheets.jobs import files as drive_files
from tst_sheets.jobs.common import as_of_date, roster_id_of, team_template
from tst_sheets.jobs.reader import Progress, read_teams
from tst_sheets.jobs.roster import read_roster
from tst_sheets.jobs.sharing import permissions_of, sharing_unlocked
from tst_sheets.model import AutoCamel, DriveFile, Finding, Program, TeamRecord
from tst_sheets.model.files import of_program
from tst_sheets.provision.grants import decode_granted
from tst_sheets.workspace import Workspace

BLOCKING = ("error", "warning")  # findings that leave the audit not ok
FOLDERS = "https://drive.google.com/drive/folders/"
CALENDARS = "https://calendar.google.com/calendar/embed?src="
Fetch = Callable[[], list[Grantee]]


class FileAudit(AutoCamel):
    """One file (or the drive, or the calendar) and the verdict on each permission."""

    kind: FileKind
    id: str
    name: str
    url: str = ""
    team_id: str = ""
    explained: int = 0
    unexplained: int = 0
    access: list[Access] = Field(default_factory=list)
    error: str | None = None


class AuditResult(AutoCamel):
    """``--json``: ``{"ok", "files", "unexplained", "removed", "notRemoved", "findings",
    "calls"}``; ``ok`` is false when anything is unexplained or a file could not be read."""

    ok: bool
    files: list[FileAudit] = Field(default_factory=list)
    unexplained: list[Access] = Field(default_factory=list)
    removed: list[Access] = Field(default_factory=list)
    not_removed: list[Access] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)
    fixed: bool = Field(default=False, exclude=True)


class _Seen(BaseModel):
    """One look at everything: the files judged, the Team tabs read, what went wrong."""

    files: list[FileAudit] = Field(default_factory=list)
    records: dict[str, TeamRecord | None] = Field(default_factory=dict)
    team_findings: list[Finding] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    unlocked: list[DriveFile] = Field(default_factory=list)  # files writers can share


def audit(
    ws: Workspace,
    roster_id: str | None = None,
    fix: bool = False,
    progress: Progress | None = None,
) -> AuditResult:
    """Judge every permission; with ``fix``, remove what the service may, then judge again."""
    before = ws.calls()
    drive_files.program_home(ws)  # a service account with nowhere to look stops here
    files = drive_files.list_program_files(ws)
    program = read_roster(ws, roster_id_of(ws, roster_id, files)).program
    seen = _look(ws, program, files, None, progress)
    removed: list[Access] = []
    kept: list[Access] = []
    if fix:
        removed, kept = _fix(ws, seen)
        seen = _look(ws, program, drive_files.list_program_files(ws), seen, None)
    unexplained = [a for f in seen.files for a in f.access if not a.explained]
    findings = seen.team_findings + seen.findings
    return AuditResult(
        ok=not unexplained and not any(f.severity in BLOCKING for f in findings),
        files=seen.files,
        unexplained=unexplained,
        removed=removed,
        not_removed=kept,
        findings=findings,
        calls=ws.counter.since(before),
        fixed=fix,
    )


# --- one look --------------------------------------------------------------------------------


def _look(
    ws: Workspace,
    program: Program,
    files: Sequence[DriveFile],
    earlier: _Seen | None,
    progress: Progress | None,
) -> _Seen:
    """Read the Team tabs (once a run) and judge every permission on every file."""
    seen = _Seen()
    if earlier is None:
        seen.records, seen.team_findings = _team_tabs(ws, program, files, progress)
    else:
        seen.records, seen.team_findings = earlier.records, earlier.team_findings
    ctx = Context(
        program=program,
        service=_service(ws),
        records=seen.records,
        today=as_of_date(ws, program),
    )
    for pf, file in _targets(program, files, seen.records):
        seen.files.append(_judge(pf, ctx, seen, _drive_fetch(ws, file)))
        if sharing_unlocked(ws, file):
            seen.unlocked.append(file)
            seen.findings.append(_unlocked(pf))
    home = drive_files.program_home(ws)
    if home.drive_id and home.folder_id:
        drive = ProgramFile(kind="drive", id=home.folder_id, url=FOLDERS + home.folder_id)
        seen.files.append(_judge(drive, ctx, seen, _drive_fetch(ws, DriveFile(id=drive.id))))
    if program.calendar_id:
        calendar = ProgramFile(
            kind="calendar", id=program.calendar_id, url=CALENDARS + program.calendar_id
        )
        seen.files.append(_judge(calendar, ctx, seen, _calendar_fetch(ws, calendar.id)))
    return seen


def _service(ws: Workspace) -> dict[str, str]:
    """The service's own identities: the one it owns or edits files as, and the staff user it
    shares and keeps the calendar as (TST_SUBJECT)."""
    out = {ws.sharer.lower(): "the staff user the service acts as (TST_SUBJECT)"}
    out[ws.identity.lower()] = "the service"
    return {email: what for email, what in out.items() if email}


def _drive_fetch(ws: Workspace, file: DriveFile) -> Fetch:
    return lambda: [Grantee.of_permission(p) for p in permissions_of(ws, file)]


def _calendar_fetch(ws: Workspace, calendar_id: str) -> Fetch:
    return lambda: [Grantee.of_rule(r) for r in ws.calendar.list_acl(calendar_id)]


def _targets(
    program: Program, files: Sequence[DriveFile], records: dict[str, TeamRecord | None]
) -> list[tuple[ProgramFile, DriveFile]]:
    """The roster (by its id), every roll-up and every team workbook the program labelled."""
    listed = list(files)
    roster = next((f for f in listed if f.id == program.roster_id), None)
    roster = roster or DriveFile(id=program.roster_id)  # named by id, not by its labels
    rollups = of_program(listed, program.name, "rollup")
    books = sorted(of_program(listed, program.name, "team"), key=lambda f: (f.team_id, f.id))
    return [
        (_program_file("roster", roster, records), roster),
        *((_program_file("rollup", f, records), f) for f in rollups),
        *((_program_file("team", f, records), f) for f in books),
    ]


def _program_file(
    kind: FileKind, file: DriveFile, records: dict[str, TeamRecord | None]
) -> ProgramFile:
    team_id = file.team_id if kind == "team" else ""
    return ProgramFile(
        kind=kind,
        id=file.id,
        name=file.name,
        url=file.url,
        team_id=team_id,
        granted=decode_granted(file.app_properties),
        members_known=not team_id or records.get(_key(records, team_id), True) is not None,
    )


def _key(records: dict[str, TeamRecord | None], team_id: str) -> str:
    """The roster's spelling of a team id a workbook's label carries."""
    return next((k for k in records if k.lower() == team_id.lower()), team_id)


def _judge(pf: ProgramFile, ctx: Context, seen: _Seen, fetch: Fetch) -> FileAudit:
    """One file's permissions judged; a file that cannot be read is a finding, not a stop."""
    out = FileAudit(kind=pf.kind, id=pf.id, name=pf.label, url=pf.url, team_id=pf.team_id)
    try:
        out.access = judge_all(pf, fetch(), ctx)
    except GoogleError as error:
        out.error = str(error)[:300]
        seen.findings.append(
            Finding(
                team=pf.team_id or pf.kind,
                rule="audit.unreadable",
                severity="error",
                found=f"{pf.label}: its access could not be read ({out.error})",
                expected="every program file readable by the service",
                link=pf.url or None,
            )
        )
    out.explained = sum(a.explained for a in out.access)
    out.unexplained = len(out.access) - out.explained
    return out


def _unlocked(pf: ProgramFile) -> Finding:
    return Finding(
        team=pf.team_id or pf.kind,
        rule="audit.writers_can_share",
        severity="warning",
        found=f"{pf.label}: its editors can share it",
        expected="only the service shares it (writersCanShare off: provision or audit --fix)",
        link=pf.url or None,
    )


def _team_tabs(
    ws: Workspace, program: Program, files: Sequence[DriveFile], progress: Progress | None
) -> tuple[dict[str, TeamRecord | None], list[Finding]]:
    """Each team's Team tab (1 read each): whom its TL listed. Unreadable: None, a finding."""
    books = drive_files.team_books(files, program)
    teams = [t for t in program.teams if t.status != "Withdrawn" and t.team_id.lower() in books]
    ids = {t.team_id: books[t.team_id.lower()].id for t in teams}
    reads = read_teams(ws, teams, program, ids, team_template(ws), keys=["team"], progress=progress)
    records: dict[str, TeamRecord | None] = {}
    findings: list[Finding] = []
    for team_id, read in sorted(reads.items()):
        tab = read.record.tabs.get("team") if read.record else None
        if read.record is not None and tab is not None and "email" in tab.columns:
            records[team_id] = read.record
            continue
        records[team_id] = None
        findings.append(
            Finding(
                team=team_id,
                rule="audit.team_tab_unreadable",
                severity="warning",
                found=read.failure or "no Team tab with an Email column",
                expected="a Team tab listing the members (their access was not removed)",
                link=books[team_id.lower()].url,
            )
        )
    return records, findings


# --- the fix ---------------------------------------------------------------------------------


def _fix(ws: Workspace, seen: _Seen) -> tuple[list[Access], list[Access]]:
    """Remove every unexplained permission the service may remove; say why the rest stay."""
    removed: list[Access] = []
    kept: list[Access] = []
    for access in (a for f in seen.files for a in f.access if not a.explained):
        if not access.removable:
            kept.append(access)
            continue
        try:
            if access.kind == "calendar":
                ws.calendar.delete_acl(access.file_id, access.permission_id)
            else:
                drive_files.remove_permission(ws, access.file_id, access.permission_id)
            removed.append(access)
        except GoogleError as error:
            kept.append(access.model_copy(update={"kept_because": f"removal failed: {error}"}))
    for file in seen.unlocked:
        with suppress(GoogleError):  # still unlocked: the re-audit says so
            ws.drive.update_file(file.id, {"writersCanShare": False})
    return removed, kept
