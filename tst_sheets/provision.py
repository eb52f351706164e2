"""Program + template -> one workbook per team: its content at creation, who may open it.

Pure: the create body of a team workbook (Start Here facts, Program Events rows, the TL's
Team row), the Team tab's members, and the sharing plan. The job that talks to Google is
``tst_sheets.jobs.provision``.

Sharing rules: the TL, principal, coach, program staff and the current members on the team's
own Team tab get writer, but only at the roster's Allowed Domains (anyone else is a finding,
never an error). The service records whom it granted (appProperties ``tstShared*``), so it
removes only what it granted, from people who left; access a person added by hand is
reported and left alone. It never makes ``anyone`` or ``domain`` permissions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

from gspread.utils import rowcol_to_a1
from pydantic import BaseModel, Field

from tst_sheets.camel import AutoCamel
from tst_sheets.model import DateRange, Finding, Program, Severity, Team, cell_link
from tst_sheets.parsing import CellValue, ParseError, is_blank, parse_date, parse_email
from tst_sheets.templates import (
    WorkbookTemplate,
    find_header,
    is_example_row,
    render_create,
)
from tst_sheets.workbooks import Permission

TEMPLATE = "team_workbook"
GRANT_PREFIX = "tstShared"
PROPERTY_BYTES = 124  # Drive's limit for one appProperty's key + value
STATUS_LABELS = ("Last checked", "Status")  # Start Here rows the roll-up keeps current
NOT_CHECKED = "Not checked yet"
WRITER_ROLES = {"writer", "owner", "organizer", "fileOrganizer"}
Reason = Literal["TL", "principal", "coach", "staff", "member"]


# --- the workbook's content at creation ------------------------------------------------------


def workbook_title(template: WorkbookTemplate, team: Team) -> str:
    return template.title.format(team_id=team.team_id, school=team.school)


def _person(name: str, email: str) -> str:
    return f"{name} <{email}>" if name and email else name or email


def start_here_rows(program: Program, team: Team, template: WorkbookTemplate) -> list[list[str]]:
    """The facts a team sees first; the fixed text (commitments) follows from the template."""
    coach = program.coach(team.coach_email)
    year = f"{program.school_year_start:%b %-d, %Y} – {program.school_year_end:%b %-d, %Y}"
    rows = [
        [f"{program.name} Impact Team {team.team_id}", team.school],
        ["Teacher Liaison", _person(team.tl_name, team.tl_email)],
        ["Principal", _person(team.principal_name, team.principal_email)],
        ["TST Coach", _person(coach.name if coach else "", team.coach_email)],
        ["Focus Area", team.focus_area],
        ["School Year", year],
        ["Program Events", "Fall Training, roundtables and deadlines: see the Program Events tab "
                           "(also on your Google Calendar)."],
    ]
    if program.calendar_id:
        url = f"https://calendar.google.com/calendar/embed?src={program.calendar_id}"
        rows.append(["Program Calendar", url])
    rows += [[STATUS_LABELS[0], NOT_CHECKED], [STATUS_LABELS[1], NOT_CHECKED], ["", ""]]
    how = [["How to fill each tab", ""]]
    how += [[tab.title, tab.help] for tab in template.tabs if tab.owner == "team"]
    return [*rows, *how, ["", ""]]


def program_event_rows(program: Program, team: Team) -> list[list[str]]:
    """The team's Program Events rows, exactly as the calendar job writes them."""
    from tst_sheets.calendar_sync import desired_events
    from tst_sheets.calendar_sync import program_event_rows as rows_for

    desired, _ = desired_events(program, {team.team_id: [team.tl_email]})
    return rows_for(desired, team.team_id)


def team_rows(template: WorkbookTemplate, team: Team) -> list[list[str]]:
    """The template's example row, then the TL (so the TL sees how to list the team)."""
    tab = template.tab("team")
    examples = [[row.get(c.key, "") for c in tab.columns] for row in tab.example_rows]
    tl = {"name": team.tl_name, "email": team.tl_email, "role": "Teacher Liaison"}
    return [*examples, [tl.get(c.key, "") for c in tab.columns]]


def render_workbook(template: WorkbookTemplate, program: Program, team: Team,
                    metadata: Mapping[str, str]) -> dict[str, Any]:
    """The team workbook's whole ``spreadsheets.create`` body."""
    content: dict[str, Any] = {
        "start_here": start_here_rows(program, team, template),
        "team": team_rows(template, team),
        "program_events": program_event_rows(program, team),
    }
    return render_create(template, workbook_title(template, team), content, metadata,
                         time_zone=program.timezone)


# --- the Team tab ----------------------------------------------------------------------------


class MemberRow(BaseModel):
    email: str
    left: date | None = None
    cell: str  # A1 of the email cell
    link: str | None = None  # to that cell


def read_members(team: Team, spreadsheet_id: str, title: str, sheet_id: int,
                 values: Sequence[Sequence[CellValue]], template: WorkbookTemplate,
                 program: Program) -> tuple[list[MemberRow], list[Finding]]:
    """The people on a Team tab (header found by text; example and blank rows skipped)."""
    tab = template.tab("team")
    header = find_header(tab, values)
    if header is None or "email" not in header.columns:
        finding = _finding(team, "sharing.team_tab_unreadable", "warning", title, "A1",
                           "no Email column", "a header row with an Email column",
                           spreadsheet_id, sheet_id)
        return [], [finding]
    email_at, left_at = header.columns["email"], header.columns.get("left")
    year = program_year(program)
    members: list[MemberRow] = []
    findings: list[Finding] = []
    for index in range(header.row + 1, len(values)):
        row = values[index]
        cell = rowcol_to_a1(index + 1, email_at + 1)
        raw = row[email_at] if email_at < len(row) else None
        if is_blank(raw) or is_example_row(row):
            continue
        email = parse_email(raw)
        if isinstance(email, ParseError):
            findings.append(_finding(team, "sharing.bad_email", "warning", title, cell,
                                     f"{email.found!r}: {email.reason}",
                                     "an email address (not shared)", spreadsheet_id, sheet_id))
            continue
        left_raw = row[left_at] if left_at is not None and left_at < len(row) else None
        left = None if is_blank(left_raw) else parse_date(left_raw, year)
        members.append(MemberRow(email=email, cell=cell, link=cell_link(spreadsheet_id, sheet_id,
                                                                         cell),
                                 left=left if isinstance(left, date) else None))
    return members, findings


def program_year(program: Program) -> DateRange:
    return DateRange(start=program.school_year_start, end=program.school_year_end)


def _finding(team: Team, rule: str, severity: Severity, tab: str | None, cell: str | None,
             found: str, expected: str, spreadsheet_id: str = "", sheet_id: int | None = None
             ) -> Finding:
    link = cell_link(spreadsheet_id, sheet_id, cell) if spreadsheet_id else None
    return Finding(team=team.team_id, rule=rule, severity=severity, tab=tab, cell=cell,
                   found=found, expected=expected, link=link)


# --- whom to share with ------------------------------------------------------------------------


class Wanted(BaseModel):
    """Who should have writer access, who left, and why some were not shared."""

    people: dict[str, Reason] = Field(default_factory=dict)  # email -> why
    departed: set[str] = Field(default_factory=set)
    findings: list[Finding] = Field(default_factory=list)


def wanted_people(program: Program, team: Team, members: Sequence[MemberRow] | None,
                  today: date) -> Wanted:
    """Everyone the rules give writer access to this team's workbook."""
    out = Wanted()
    none = MemberRow(email="", cell="")
    staff: list[tuple[str, Reason, MemberRow]] = [(e, "staff", none) for e in
                                                  program.staff_emails]
    coach: list[tuple[str, Reason, MemberRow]] = [(team.coach_email, "coach", none)]
    team_people: list[tuple[str, Reason, MemberRow]] = []
    if team.status == "Active":
        team_people = [(team.tl_email, "TL", none), (team.principal_email, "principal", none)]
        for member in members or []:
            if member.left is not None and member.left <= today:
                out.departed.add(member.email)
            else:
                team_people.append((member.email, "member", member))
    for email, reason, where in [*team_people, *coach, *staff]:
        _want(out, program, team, email.lower(), reason, where)
    out.departed -= set(out.people)  # left the Team tab, still TL/staff/...: keeps access
    return out


def _want(out: Wanted, program: Program, team: Team, email: str, reason: Reason,
          row: MemberRow) -> None:
    """``row``: where a member's email sits on the Team tab (roster people: the Teams tab)."""
    if not email or email in out.people:
        return
    if program.email_allowed(email):
        out.people[email] = reason
        return
    tab, cell = ("Team", row.cell) if reason == "member" else ("Teams", None)
    link = row.link if reason == "member" else (
        cell_link(program.roster_id) if program.roster_id else None)
    domains = ", ".join(program.allowed_domains) or "none set"
    out.findings.append(Finding(
        team=team.team_id, rule="sharing.outside_domain", severity="warning", tab=tab, cell=cell,
        found=f"not shared: outside allowed domains ({email}, {reason})",
        expected=f"an email at one of the Allowed Domains ({domains})", link=link,
    ))


# --- what to change ----------------------------------------------------------------------------


class Grant(AutoCamel):
    team_id: str
    email: str
    role: str = "writer"
    reason: str = ""
    permission_id: str = Field(default="", exclude=True)


class SharingPlan(BaseModel):
    create: list[Grant] = Field(default_factory=list)
    remove: list[Grant] = Field(default_factory=list)
    granted: set[str] = Field(default_factory=set)  # the record after this plan
    findings: list[Finding] = Field(default_factory=list)


def plan_sharing(team: Team, wanted: Wanted, granted: set[str], perms: Sequence[Permission],
                 service: str, *, members_known: bool = True) -> SharingPlan:
    """Creates for the missing, removals of what the service granted to people who left.

    ``members_known`` False (the Team tab could not be read): nobody is removed, since a
    member we cannot see is not a member who left.
    """
    plan = SharingPlan()
    by_email = {p.email: p for p in perms if p.type in ("user", "group") and p.email}
    for email, reason in sorted(wanted.people.items()):
        perm = by_email.get(email)
        if perm is None:
            plan.create.append(Grant(team_id=team.team_id, email=email, reason=reason))
        elif perm.role not in WRITER_ROLES:
            plan.findings.append(_hand_role(team, perm, reason))
    for email in sorted(granted - set(wanted.people)):
        perm = by_email.get(email)
        departed = email in wanted.departed or members_known or team.status != "Active"
        if perm is not None and departed and perm.role != "owner":
            plan.remove.append(Grant(team_id=team.team_id, email=email, role=perm.role,
                                     reason="left", permission_id=perm.id))
    removed = {g.email for g in plan.remove}
    kept = {e for e in granted if e in by_email and e not in removed}
    plan.granted = kept | {g.email for g in plan.create}
    plan.findings += _hand_added(team, perms, granted, wanted, service)
    return plan


def _hand_role(team: Team, perm: Permission, reason: str) -> Finding:
    return Finding(
        team=team.team_id, rule="sharing.role_by_hand", severity="info", tab=None,
        found=f"{perm.email} ({reason}) has {perm.role} access, set by hand",
        expected="writer; left as it is (the service does not change access it did not grant)",
    )


def _hand_added(team: Team, perms: Sequence[Permission], granted: set[str], wanted: Wanted,
                service: str) -> list[Finding]:
    """Permissions someone added by hand: reported, never touched."""
    out: list[Finding] = []
    for perm in perms:
        if perm.role == "owner" or perm.email == service.lower():
            continue
        if perm.type in ("anyone", "domain"):
            who = "anyone with the link" if perm.type == "anyone" else f"domain {perm.domain}"
            out.append(Finding(team=team.team_id, rule="sharing.public_by_hand",
                               severity="warning", found=f"shared with {who} ({perm.role})",
                               expected="shared only with named people; left as it is"))
        elif perm.email not in granted and perm.email not in wanted.people:
            out.append(Finding(team=team.team_id, rule="sharing.added_by_hand", severity="info",
                               found=f"{perm.email} has {perm.role} access, added by hand",
                               expected="left as it is; not on the roster or the Team tab"))
    return out


# --- the record of what the service granted ------------------------------------------------------


def decode_granted(props: Mapping[str, str]) -> set[str]:
    """``tstShared0..N`` -> emails (grouped by domain: ``dom:a,b;dom2:c``)."""
    keys = sorted((k for k in props if k.startswith(GRANT_PREFIX)),
                  key=lambda k: int(k[len(GRANT_PREFIX):] or 0))
    text = "".join(props[k] for k in keys)
    out: set[str] = set()
    for group in filter(None, text.split(";")):
        domain, _, users = group.partition(":")
        out |= {f"{user}@{domain}" for user in users.split(",") if user}
    return out


def encode_granted(emails: set[str]) -> dict[str, str]:
    by_domain: dict[str, list[str]] = {}
    for email in sorted(emails):
        user, _, domain = email.rpartition("@")
        by_domain.setdefault(domain, []).append(user)
    text = ";".join(f"{d}:{','.join(users)}" for d, users in sorted(by_domain.items()))
    out: dict[str, str] = {}
    while text:
        key = f"{GRANT_PREFIX}{len(out)}"
        room = PROPERTY_BYTES - len(key.encode())
        cut = room
        while len(text[:cut].encode()) > room:
            cut -= 1
        out[key], text = text[:cut], text[cut:]
    return out


def granted_changes(props: Mapping[str, str], emails: set[str]) -> dict[str, str | None]:
    """The appProperties to write so the record says ``emails`` ({} when it already does)."""
    if decode_granted(props) == emails:
        return {}
    new = encode_granted(emails)
    stale = {k: None for k in props if k.startswith(GRANT_PREFIX) and k not in new}
    changed = {k: v for k, v in new.items() if props.get(k) != v}
    return {**changed, **stale}
