"""Who an event invites: the roster's Audience column → attendees (allowed domains only).

Audience column (comma, semicolon or newline separated; case and spacing ignored):
``All TLs``, ``All Principals``, ``Coaches``, ``Staff``, ``All Teams`` (every active team's
TL, principal, coach and members), ``Everyone`` (TLs, principals, coaches, staff),
``Team:<id>`` (that team's TL, principal, coach and the members on its Team tab) and plain
email addresses. A blank Audience takes the kind's default (``DEFAULT_AUDIENCE``).

Principal training: a principal with an Attendance row for one of the ``principal_training``
sessions is invited (required) to that session only; a principal with none is invited to
every session as optional, so each can pick a date from their own calendar.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, Field

from tst_sheets.model import EventSpec, Program, Team
from tst_sheets.model.text import normalize

DEFAULT_AUDIENCE: dict[str, list[str]] = {
    "fall_training": ["All TLs", "Coaches", "Staff"],
    "roundtable": ["All TLs", "Coaches"],
    "principal_training": ["All Principals"],
    "data_deadline": ["All TLs"],
    "summer_planning": ["All TLs", "All Principals", "Coaches"],
}
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_GROUPS = {
    "alltls": "tls",
    "tls": "tls",
    "allteacherliaisons": "tls",
    "teacherliaisons": "tls",
    "allprincipals": "principals",
    "principals": "principals",
    "coaches": "coaches",
    "allcoaches": "coaches",
    "tstcoaches": "coaches",
    "staff": "staff",
    "programstaff": "staff",
    "allstaff": "staff",
    "allteams": "teams",
    "everyone": "everyone",
}


class Attendee(BaseModel):
    email: str
    optional: bool = False


class Audience(BaseModel):
    attendees: list[Attendee] = Field(default_factory=list)
    unknown: list[str] = Field(default_factory=list)
    refused: list[str] = Field(default_factory=list)


def audience_tokens(spec: EventSpec) -> list[str]:
    tokens = [t.strip() for item in spec.audience for t in re.split(r"[,;\n]", item)]
    return [t for t in tokens if t] or list(DEFAULT_AUDIENCE.get(spec.kind, []))


def team_token(token: str) -> str | None:
    """``Team:T01`` → ``T01``."""
    match = re.match(r"^\s*team\s*:\s*(.+?)\s*$", token, re.IGNORECASE)
    return match.group(1) if match else None


def find_team(program: Program, team_id: str) -> Team | None:
    wanted = team_id.strip().lower()
    return next((t for t in program.active_teams() if t.team_id.lower() == wanted), None)


def teams_needing_members(program: Program) -> list[str]:
    """Team ids whose Team tab an audience needs (so the job reads only those)."""
    ids: list[str] = []
    for spec in program.events:
        if spec.kind == "coaching_series":
            continue  # coach + TL only
        for token in audience_tokens(spec):
            group = _GROUPS.get(normalize(token))
            if group == "teams":
                ids += [t.team_id for t in program.active_teams()]
            elif (tid := team_token(token)) and (team := find_team(program, tid)):
                ids.append(team.team_id)
    return list(dict.fromkeys(ids))


def _team_people(team: Team, members: Mapping[str, Sequence[str]]) -> list[str]:
    people = [team.tl_email, team.principal_email, team.coach_email]
    return people + list(members.get(team.team_id, []))


def group_emails(group: str, program: Program, members: Mapping[str, Sequence[str]]) -> list[str]:
    teams = program.active_teams()
    if group == "tls":
        return [t.tl_email for t in teams]
    if group == "principals":
        return [t.principal_email for t in teams]
    if group == "coaches":
        return [c.email for c in program.coaches if c.active]
    if group == "staff":
        return list(program.staff_emails)
    if group == "teams":
        return [e for t in teams for e in _team_people(t, members)]
    parts = ("tls", "principals", "coaches", "staff")
    return [e for part in parts for e in group_emails(part, program, members)]


def token_emails(
    token: str, program: Program, members: Mapping[str, Sequence[str]]
) -> list[str] | None:
    """The emails one Audience entry names; None when it names nothing we know."""
    if group := _GROUPS.get(normalize(token)):
        return group_emails(group, program, members)
    if (tid := team_token(token)) is not None:
        team = find_team(program, tid)
        return _team_people(team, members) if team else None
    if _EMAIL.match(token):
        return [token]
    return None


def _invitable(program: Program, email: str) -> bool:
    # Same rule as sharing: only the roster's allowed domains (when the roster names any).
    return not program.allowed_domains or program.email_allowed(email)


def resolve(
    emails: Iterable[tuple[str, bool]], program: Program, unknown: list[str] | None = None
) -> Audience:
    """(email, optional) pairs → attendees, deduplicated; required wins over optional."""
    chosen: dict[str, bool] = {}
    refused: list[str] = []
    for email, optional in emails:
        address = email.strip().lower()
        if not address:
            continue
        if not _invitable(program, address):
            refused.append(address)
            continue
        chosen[address] = chosen.get(address, True) and optional
    attendees = [Attendee(email=e, optional=o) for e, o in sorted(chosen.items())]
    return Audience(attendees=attendees, unknown=unknown or [], refused=sorted(set(refused)))


def principal_sessions(program: Program) -> dict[str, str]:
    """Principal email → the principal_training session key recorded for them (Attendance)."""
    sessions = {e.key for e in program.events if e.kind == "principal_training"}
    principals = {t.principal_email.lower() for t in program.teams if t.principal_email}
    recorded: dict[str, str] = {}
    for row in program.attendance:
        email = row.email.strip().lower()
        if row.event_key in sessions and email in principals:
            recorded[email] = row.event_key
    return recorded


def event_audience(
    spec: EventSpec, program: Program, members: Mapping[str, Sequence[str]]
) -> Audience:
    pairs: list[tuple[str, bool]] = []
    unknown: list[str] = []
    principals = {t.principal_email.lower() for t in program.active_teams()}
    recorded = principal_sessions(program) if spec.kind == "principal_training" else {}
    for token in audience_tokens(spec):
        emails = token_emails(token, program, members)
        if emails is None:
            unknown.append(token)
            continue
        for email in emails:
            who = email.strip().lower()
            if spec.kind == "principal_training" and who in principals:
                session = recorded.get(who)
                if session is not None and session != spec.key:
                    continue  # recorded for another session
                pairs.append((who, session is None))
            else:
                pairs.append((who, False))
    return resolve(pairs, program, unknown)


def teams_of(
    attendees: Sequence[Attendee], program: Program, members: Mapping[str, Sequence[str]]
) -> list[str]:
    """Teams whose TL, principal or members are invited (their coach alone does not count)."""
    invited = {a.email for a in attendees}
    out: list[str] = []
    for team in program.active_teams():
        people = [team.tl_email, team.principal_email, *members.get(team.team_id, [])]
        if invited & {p.lower() for p in people if p}:
            out.append(team.team_id)
    return out
