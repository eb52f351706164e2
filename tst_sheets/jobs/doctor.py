"""The doctor: a preflight of the configured target, in the order things depend on each other.

Credentials load → who the service is → its scopes → Sheets, Drive and Calendar answer → the
drive folder exists and the service can create files there → the person who shares can share
there, with people who are not drive members → the roster can be read and
written → Calendar can invite people (domain-wide delegation) → Allowed Domains are set → the
weekly email's sender has a mailbox the service may send from. Each
check says what it found and, when it fails, the fix in one sentence. Probes leave no trace:
the calendar check makes a calendar, invites one person without notifying, and deletes it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from uuid import uuid4

from pydantic import Field

from tst_sheets.config import Settings
from tst_sheets.errors import GoogleError, TstError
from tst_sheets.jobs.common import roster_id_of
from tst_sheets.jobs.files import program_home
from tst_sheets.jobs.roster import read_roster
from tst_sheets.model import AutoCamel, Program
from tst_sheets.workspace import Workspace, connect
from tst_sheets.workspace.auth import ALL_SCOPES, CALENDAR_SCOPES, is_service_account

DWD_PATH = (
    "Admin console → Security → Access and data control → API controls → Domain-wide delegation"
)
ROLE_WORDS = {"organizer": "Manager", "fileOrganizer": "Content manager", "writer": "Contributor"}


class Check(AutoCamel):
    id: str
    ok: bool
    detail: str = ""
    fix: str = ""


class DoctorResult(AutoCamel):
    """``--json``: ``{"ok", "checks": [{"id", "ok", "detail", "fix"}]}``."""

    ok: bool = False
    checks: list[Check] = Field(default_factory=list)


def doctor(settings: Settings) -> DoctorResult:
    result = DoctorResult()
    try:
        ws = connect(settings)
    except TstError as error:
        result.checks.append(Check(id="credentials", ok=False, detail=str(error), fix=str(error)))
        return result
    result.checks.append(Check(id="credentials", ok=True, detail=_credentials(settings)))
    checks: dict[str, Callable[[Workspace], Check]] = {
        "identity": _identity,
        "scopes": _scopes,
        "sheets": _sheets,
        "drive": _drive,
        "calendar": _calendar,
        "drive_folder": _drive_folder,
        "sharing": _sharing,
    }
    for name, check in checks.items():
        result.checks.append(_run(name, partial(check, ws), _reach_fix(ws)))
    roster_check, program = _roster(ws)
    result.checks.append(roster_check)
    delegation = partial(_delegation, ws, program)
    result.checks.append(_run("calendar_delegation", delegation, _reach_fix(ws)))
    result.checks.append(_allowed_domains(program))
    result.checks.append(_run("sender", partial(_sender, ws), _reach_fix(ws)))
    result.ok = all(c.ok for c in result.checks)
    return result


def _run(name: str, check: Callable[[], Check], unreachable: str) -> Check:
    """A check that fails in a way nobody foresaw still answers, naming what went wrong."""
    try:
        return check()
    except GoogleError as error:
        fix = unreachable if error.status == 0 else f"Google answered {error}; see its message."
        return Check(id=name, ok=False, detail=str(error), fix=fix)
    except TstError as error:  # a setting: its message says what to set
        return Check(id=name, ok=False, detail="not configured", fix=str(error))


def _reach_fix(ws: Workspace) -> str:
    if ws.settings.target == "local":
        return (
            f"Nothing answers at {ws.settings.emulator_url}: start `tst-sheets emulator`, or "
            "set TST_EMULATOR_URL to where it runs."
        )
    return "Google cannot be reached from here: check the network and any proxy settings."


def _credentials(settings: Settings) -> str:
    if settings.target == "local":
        return f"the local emulator at {settings.emulator_url}"
    if settings.credentials == "key-file":
        return f"the key file {settings.key_file}"
    return "Application Default Credentials"


def _identity(ws: Workspace) -> Check:
    settings = ws.settings
    if settings.owner:
        detail = f"acting as {settings.owner} (TST_OWNER, domain-wide delegation)"
    elif ws.is_service_account:
        detail = f"the service account {ws.identity}"
    else:
        detail = f"the user {ws.identity}"
    calendar = settings.subject or settings.owner or ws.identity
    return Check(id="identity", ok=True, detail=f"{detail}; Calendar acts as {calendar}")


def _scopes(ws: Workspace) -> Check:
    granted = ws.granted_scopes()
    if granted is None:
        return Check(id="scopes", ok=True, detail="the emulator does not model OAuth scopes")
    wanted = {"files": set(ALL_SCOPES) - set(CALENDAR_SCOPES), "calendar": set(CALENDAR_SCOPES)}
    missing = sorted(s for role, scopes in wanted.items() for s in scopes - granted[role])
    if missing:
        return Check(
            id="scopes",
            ok=False,
            detail="missing: " + ", ".join(missing),
            fix=f"Add these scopes to the service account's client ID in {DWD_PATH}.",
        )
    return Check(id="scopes", ok=True, detail=", ".join(sorted(set(ALL_SCOPES))))


def _answers(api: str, call: Callable[[], object], fix: str) -> Check:
    try:
        call()
    except GoogleError as error:
        if error.status in (400, 404):  # an answer, so the API is reachable
            return Check(id=api, ok=True, detail=f"{api} answers")
        if error.status == 0:
            raise
        return Check(id=api, ok=False, detail=str(error), fix=fix)
    return Check(id=api, ok=True, detail=f"{api} answers")


def _sheets(ws: Workspace) -> Check:
    fix = "Enable the Google Sheets API in the Cloud project (APIs & Services → Library)."
    return _answers("sheets", lambda: ws.sheets.get("tst-doctor-probe", "spreadsheetId"), fix)


def _drive(ws: Workspace) -> Check:
    fix = "Enable the Google Drive API in the Cloud project (APIs & Services → Library)."
    return _answers("drive", lambda: ws.drive.about("user(emailAddress)"), fix)


def _calendar(ws: Workspace) -> Check:
    fix = "Enable the Google Calendar API in the Cloud project (APIs & Services → Library)."
    return _answers("calendar", ws.calendar.list_calendars, fix)


def _drive_folder(ws: Workspace) -> Check:
    home = program_home(ws)
    if home.folder_id is None:
        return Check(id="drive_folder", ok=True, detail=f"the My Drive of {ws.identity}")
    folder = ws.drive.get_file(home.folder_id, "id,name,driveId,capabilities(canAddChildren)")
    where = f"{folder.name!r} ({folder.id}) in shared drive {folder.drive_id}"
    if not folder.capabilities.get("canAddChildren"):
        return Check(
            id="drive_folder",
            ok=False,
            detail=f"{where}: {ws.identity} cannot add files there",
            fix=f"Make {ws.identity} a Content manager of the shared drive (Manage members).",
        )
    mine = [p for p in ws.drive.list_permissions(home.folder_id) if p.email == ws.identity.lower()]
    role = ROLE_WORDS.get(mine[0].role, mine[0].role) if mine else "a member"
    return Check(id="drive_folder", ok=True, detail=f"{where}; the service is {role}")


def _sharing(ws: Workspace) -> Check:
    """Shares come from TST_SUBJECT (a person, not a robot address) and reach TLs, who are
    never drive members: the sharer must be a member who can share, and the drive must let
    non-members have access."""
    sharer = ws.settings.calendar_subject()
    home = program_home(ws)
    if home.drive_id is None or home.folder_id is None:
        return Check(id="sharing", ok=True, detail=f"files are shared by {sharer}")
    restrictions = ws.drive.get_drive(home.drive_id).restrictions
    if restrictions.get("driveMembersOnly"):
        return Check(
            id="sharing",
            ok=False,
            detail="the shared drive lets only its members have access to its files",
            fix="In the shared drive's Sharing settings, allow people who aren't shared drive "
            "members to access files (TLs get access to their own workbook only).",
        )
    members = {p.email: p for p in ws.drive.list_permissions(home.folder_id)}
    member = members.get(sharer.lower())
    if member is None or not member.at_least("writer"):
        return Check(
            id="sharing",
            ok=False,
            detail=f"{sharer} is not a member of the shared drive who can share",
            fix=f"Add {sharer} to the shared drive as a Content manager (Manage members).",
        )
    where = "inside the organisation only" if restrictions.get("domainUsersOnly") else "anyone"
    detail = f"{sharer} shares each file, with {where} in Allowed Domains"
    return Check(id="sharing", ok=True, detail=detail)


def _roster(ws: Workspace) -> tuple[Check, Program | None]:
    try:
        roster_id = roster_id_of(ws)
        read = read_roster(ws, roster_id)
        editable = ws.drive.get_file(roster_id, "id,capabilities(canEdit)").capabilities
    except TstError as error:
        fix = (
            f"Set TST_ROSTER_ID to the roster and share it with {ws.identity} as an Editor "
            "(or run `tst-sheets init`)."
        )
        if isinstance(error, GoogleError) and error.status == 0:
            fix = _reach_fix(ws)
        return Check(id="roster", ok=False, detail=str(error), fix=fix), None
    if not editable.get("canEdit"):
        fix = f"Share the roster with {ws.identity} as an Editor."
        return Check(id="roster", ok=False, detail="readable, not writable", fix=fix), read.program
    errors = [f for f in read.findings if f.severity == "error"]
    detail = f"{read.program.name}: {len(read.program.teams)} teams, readable and writable"
    if errors:
        first = errors[0]
        detail += f"; {len(errors)} error(s), first {first.where}: {first.found}"
        fix = f"Fix the roster's {first.where}: expected {first.expected}."
        return Check(id="roster", ok=False, detail=detail, fix=fix), read.program
    return Check(id="roster", ok=True, detail=detail), read.program


def _delegation(ws: Workspace, program: Program | None) -> Check:
    """Calendar invites people only as a Workspace user: make a calendar, invite one person
    without notifying anyone, delete the calendar."""
    guest = (program.staff_emails[0] if program and program.staff_emails else "") or (
        f"tst-doctor@{program.allowed_domains[0]}" if program and program.allowed_domains else ""
    )
    guest = guest or "tst-doctor@example.org"
    fix = (
        "Set TST_SUBJECT to a staff user, and authorise the service account's client ID for "
        f"the Calendar scopes in {DWD_PATH}."
    )
    try:
        name = f"tst-sheets doctor {uuid4().hex[:8]}"
        calendar_id = ws.calendar.insert_calendar({"summary": name})
    except GoogleError as error:
        return Check(id="calendar_delegation", ok=False, detail=str(error), fix=fix)
    try:
        ws.calendar.insert_event(calendar_id, _probe_event(guest), send_updates="none")
    except GoogleError as error:
        return Check(id="calendar_delegation", ok=False, detail=str(error), fix=fix)
    finally:
        ws.calendar.delete_calendar(calendar_id)
    actor = ws.settings.subject or ws.settings.owner or ws.identity
    return Check(id="calendar_delegation", ok=True, detail=f"{actor} can invite attendees")


def _probe_event(guest: str) -> dict[str, object]:
    return {
        "summary": "tst-sheets doctor (deleted at once)",
        "start": {"date": "2000-01-01"},
        "end": {"date": "2000-01-02"},
        "attendees": [{"email": guest}],
    }


def _allowed_domains(program: Program | None) -> Check:
    if program is None:
        fix = "Fix the roster check first."
        return Check(id="allowed_domains", ok=False, detail="no roster to read them from", fix=fix)
    if not program.allowed_domains:
        return Check(
            id="allowed_domains",
            ok=False,
            detail="Allowed Domains is empty: workbooks cannot be shared with anyone",
            fix="Fill the roster's Program tab, Allowed Domains (e.g. schools.example.edu).",
        )
    outside = [e for e in program.staff_emails if not program.email_allowed(e)]
    detail = ", ".join(program.allowed_domains)
    if outside:
        return Check(
            id="allowed_domains",
            ok=False,
            detail=f"{detail}; staff outside them: {', '.join(outside)}",
            fix="Add the staff's domain to Allowed Domains, or correct the Staff Emails.",
        )
    return Check(id="allowed_domains", ok=True, detail=detail)


def _sender(ws: Workspace) -> Check:
    """The weekly email comes from the sender's own mailbox (TST_SENDER, else TST_SUBJECT),
    on Google through domain-wide delegation with gmail.send and gmail.metadata only:
    ``users.getProfile`` as the sender proves the token, the scopes and the mailbox."""
    fix = (
        f"Authorise the service account's client ID for gmail.send and gmail.metadata in "
        f"{DWD_PATH}, and set TST_SENDER to a staff user with a Gmail mailbox."
    )
    if not ws.sender:
        return Check(
            id="sender",
            ok=False,
            detail="no mailbox to send the weekly email from",
            fix="Set TST_SENDER (or TST_SUBJECT) to the staff user the weekly email comes from.",
        )
    if is_service_account(ws.sender):
        return Check(
            id="sender",
            ok=False,
            detail=f"{ws.sender} is a service account: it has no mailbox",
            fix="Set TST_SENDER to a staff user; the service sends as them.",
        )
    try:
        profile = ws.gmail.profile()
    except GoogleError as error:
        if error.status == 0:
            raise
        return Check(id="sender", ok=False, detail=f"{ws.sender}: {error}", fix=fix)
    sent = profile.get("messagesTotal", 0)
    detail = f"{ws.sender} can send the weekly email (its mailbox holds {sent} messages)"
    return Check(id="sender", ok=True, detail=detail)
