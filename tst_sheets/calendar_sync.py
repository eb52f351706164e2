"""Program events → Calendar v3 events, reconciled by stable keys.

Pure core: ``desired_events(program, members)`` turns the roster's Events rows into Calendar
event bodies with deterministic ids; ``plan_changes(desired, existing)`` says what to create,
patch (only the fields that changed) and cancel. Imperative shell: ``reconcile(calendar, …)``
makes ONE events.list per calendar and only the writes the plan needs, so a run with nothing
changed costs 1 read and 0 writes.

Audience column (comma, semicolon or newline separated; case and spacing ignored):
``All TLs``, ``All Principals``, ``Coaches``, ``Staff``, ``All Teams`` (every active team's
TL, principal, coach and members), ``Everyone`` (TLs, principals, coaches, staff),
``Team:<id>`` (that team's TL, principal, coach and the members on its Team tab) and plain
email addresses. A blank Audience takes the kind's default (``DEFAULT_AUDIENCE``).

Principal training: a principal with an Attendance row for one of the ``principal_training``
sessions is invited (required) to that session only; a principal with none is invited to
every session as optional, so each can pick a date from their own calendar.

Coaching series: one ``coaching_series`` row becomes, per team (the ``Team:<id>`` entries of
its Audience, or every active team), ONE recurring 30-minute event every two weeks from the
row's date until ``until`` (default: the school year's end), with the team's coach and TL,
skipping the program's breaks (EXDATE).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import WEEKLY, rrule
from googleapiclient.errors import HttpError
from pydantic import BaseModel, Field

from tst_sheets.errors import http_status
from tst_sheets.model import EventSpec, Finding, Program, Team, cell_link

ROSTER = "roster"  # Finding.team for problems in the roster itself
EVENTS_TAB = "Events"
# Where each field sits on the template's Events tab, for rows that carry no cells of their own.
EVENT_COLUMNS: dict[str, str] = {
    "key": "A",
    "title": "B",
    "kind": "C",
    "date": "D",
    "start": "E",
    "end": "F",
    "mode": "G",
    "location": "H",
    "audience": "I",
    "notes": "J",
}
DEFAULT_MINUTES: dict[str, int] = {
    "fall_training": 180,
    "roundtable": 90,
    "principal_training": 90,
    "coaching_series": 30,
    "summer_planning": 120,
    "other": 60,
}
DEFAULT_AUDIENCE: dict[str, list[str]] = {
    "fall_training": ["All TLs", "Coaches", "Staff"],
    "roundtable": ["All TLs", "Coaches"],
    "principal_training": ["All Principals"],
    "data_deadline": ["All TLs"],
    "summer_planning": ["All TLs", "All Principals", "Coaches"],
}
MANAGED_BY = (
    "Managed by TST Sheets from the program roster (Events: {key}). "
    "Edit the roster, not this event."
)
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


# -- the domain of this module ------------------------------------------------------------


class Attendee(BaseModel):
    email: str
    optional: bool = False


class DesiredEvent(BaseModel):
    """One event as the roster wants it on the program calendar."""

    key: str
    id: str = Field(description="Deterministic Calendar event id (base32hex).")
    title: str
    teams: list[str] = Field(
        default_factory=list, description="Teams whose people are invited (Program Events tab)."
    )
    body: dict[str, Any] = Field(description="Calendar v3 Event resource to insert.")


class EventChange(BaseModel):
    key: str
    id: str
    title: str = ""
    fields: list[str] = Field(default_factory=list)


class CalendarPlan(BaseModel):
    """What reconciling would do; ``patches`` hold only the fields that changed."""

    create: list[DesiredEvent] = Field(default_factory=list)
    patch: list[tuple[DesiredEvent, dict[str, Any]]] = Field(default_factory=list)
    cancel: list[dict[str, Any]] = Field(default_factory=list)
    unchanged: list[DesiredEvent] = Field(default_factory=list)


class CalendarResult(BaseModel):
    """``model_dump()`` is the ``--json`` output; the excluded fields serve the job and CLI."""

    created: list[EventChange] = Field(default_factory=list)
    updated: list[EventChange] = Field(default_factory=list)
    cancelled: list[EventChange] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)
    calendar_id: str = Field(default="", exclude=True)
    dry_run: bool = Field(default=False, exclude=True)
    events: dict[str, dict[str, Any]] = Field(
        default_factory=dict, exclude=True, description="Final Calendar event by key."
    )
    team_tabs_updated: list[str] = Field(default_factory=list, exclude=True)
    program: Program | None = Field(default=None, exclude=True, description="As synced.")


# -- ids -----------------------------------------------------------------------------------


def event_id(program: str, key: str) -> str:
    """Google's rule: base32hex characters (a-v, 0-9), 5–1024 long. Same inputs, same id."""
    digest = hashlib.sha256(f"{program}\x00{key}".encode()).digest()[:20]
    return base64.b32hexencode(digest).decode().lower().rstrip("=")


def conference_request_id(program: str, key: str) -> str:
    # Derived from the key so a retried create asks Google for the same conference.
    return "tst-" + hashlib.sha256(f"meet\x00{program}\x00{key}".encode()).hexdigest()[:24]


def program_timezone(program: Program, fallback: str = "America/Chicago") -> ZoneInfo:
    try:
        return ZoneInfo(program.timezone or fallback)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


# -- findings ------------------------------------------------------------------------------


def event_cell(spec: EventSpec, field: str) -> str | None:
    if field in spec.cells:
        return spec.cells[field]
    if spec.row is None:
        return None
    return f"{EVENT_COLUMNS.get(field, 'A')}{spec.row}"


def row_finding(
    program: Program,
    spec: EventSpec,
    field: str,
    rule: str,
    found: str,
    expected: str,
    severity: Literal["error", "warning", "info"] = "error",
) -> Finding:
    return Finding(
        team=ROSTER,
        rule=f"calendar.{rule}",
        severity=severity,
        tab=EVENTS_TAB,
        cell=event_cell(spec, field),
        found=found,
        expected=expected,
        link=cell_link(program.roster_id) if program.roster_id else None,
    )


def validate(program: Program, spec: EventSpec) -> list[Finding]:
    """Problems that make a row unusable (the event is skipped)."""
    if spec.kind == "coaching_series" and spec.start is None:
        return [
            row_finding(
                program,
                spec,
                "start",
                "bad_time",
                "no start time",
                "the time of day the coaching calls start",
            )
        ]
    if spec.start is None and spec.end is not None:
        return [
            row_finding(
                program,
                spec,
                "start",
                "bad_time",
                f"end {spec.end:%H:%M}, no start",
                "a start time, or neither (an all-day event)",
            )
        ]
    if spec.start is not None and spec.end is not None and spec.end <= spec.start:
        found = f"{spec.start:%H:%M}–{spec.end:%H:%M}"
        return [row_finding(program, spec, "end", "end_before_start", found, "end after start")]
    return []


# -- audiences -----------------------------------------------------------------------------


def audience_tokens(spec: EventSpec) -> list[str]:
    tokens = [t.strip() for item in spec.audience for t in re.split(r"[,;\n]", item)]
    return [t for t in tokens if t] or list(DEFAULT_AUDIENCE.get(spec.kind, []))


def _norm(token: str) -> str:
    return re.sub(r"[^a-z0-9]", "", token.lower())


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
            group = _GROUPS.get(_norm(token))
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
    if group := _GROUPS.get(_norm(token)):
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


class Audience(BaseModel):
    attendees: list[Attendee] = Field(default_factory=list)
    unknown: list[str] = Field(default_factory=list)
    refused: list[str] = Field(default_factory=list)


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


# -- event bodies --------------------------------------------------------------------------


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def _when(spec: EventSpec, tz: ZoneInfo) -> tuple[dict[str, str], dict[str, str]]:
    if spec.start is None:
        end_day = spec.date + timedelta(days=1)  # all-day end is exclusive
        return {"date": spec.date.isoformat()}, {"date": end_day.isoformat()}
    start = _local(spec.date, spec.start, tz)
    if spec.end is not None:
        end = _local(spec.date, spec.end, tz)
    else:
        end = start + timedelta(minutes=DEFAULT_MINUTES.get(spec.kind, 60))
    zone = tz.key
    return (
        {"dateTime": start.isoformat(), "timeZone": zone},
        {"dateTime": end.isoformat(), "timeZone": zone},
    )


def coaching_recurrence(spec: EventSpec, program: Program, tz: ZoneInfo) -> list[str]:
    """``RRULE`` every two weeks until the last day (UTC, as RFC 5545 wants), + break EXDATEs."""
    until_day = spec.until or program.school_year_end
    until = datetime.combine(until_day, time(23, 59, 59), tzinfo=tz).astimezone(UTC)
    rule = f"RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL={until:%Y%m%dT%H%M%SZ}"
    start = datetime.combine(spec.date, spec.start or time(0))
    occurrences = rrule(
        WEEKLY, interval=2, dtstart=start, until=until.astimezone(tz).replace(tzinfo=None)
    )
    skipped = [o for o in occurrences if any(b.contains(o.date()) for b in program.breaks)]
    if not skipped:
        return [rule]
    stamps = ",".join(f"{o:%Y%m%dT%H%M%S}" for o in skipped)
    return [rule, f"EXDATE;TZID={tz.key}:{stamps}"]


def _description(spec: EventSpec, key: str) -> str:
    footer = MANAGED_BY.format(key=key)
    return f"{spec.notes.strip()}\n\n{footer}" if spec.notes.strip() else footer


def event_body(
    spec: EventSpec,
    program: Program,
    key: str,
    attendees: Sequence[Attendee],
    recurrence: Sequence[str] = (),
) -> dict[str, Any]:
    """The Calendar v3 Event resource; every field here is one ``diff_event`` compares."""
    tz = program_timezone(program)
    start, end = _when(spec, tz)
    body: dict[str, Any] = {
        "id": event_id(program.name, key),
        "summary": spec.title,
        "description": _description(spec, key),
        "start": start,
        "end": end,
        "location": spec.location.strip() if spec.mode == "in_person" else "",
        "attendees": [a.model_dump(exclude_defaults=True) for a in attendees],
        "extendedProperties": {"private": {"tstEventKey": key, "tstProgram": program.name}},
        "transparency": "transparent" if spec.start is None else "opaque",
        "recurrence": list(recurrence),
        "guestsCanModify": False,
    }
    if spec.mode == "virtual":
        body["conferenceData"] = {
            "createRequest": {
                "requestId": conference_request_id(program.name, key),
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
            }
        }
        if spec.location.strip():  # e.g. a dial-in note; the Meet link comes from Google
            body["location"] = spec.location.strip()
    return body


def _teams_of(
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


def _audience_findings(program: Program, spec: EventSpec, audience: Audience) -> list[Finding]:
    out = [
        row_finding(
            program,
            spec,
            "audience",
            "unknown_audience",
            token,
            "All TLs, All Principals, Coaches, Staff, All Teams, Everyone, "
            "Team:<Team ID> or an email address",
            severity="warning",
        )
        for token in audience.unknown
    ]
    out += [
        row_finding(
            program,
            spec,
            "audience",
            "not_invited_outside_domain",
            email,
            f"an address in {', '.join(program.allowed_domains)}",
            severity="warning",
        )
        for email in audience.refused
    ]
    return out


def coaching_events(spec: EventSpec, program: Program) -> tuple[list[DesiredEvent], list[Finding]]:
    """One recurring event per selected team, with the team's coach and TL."""
    tz = program_timezone(program)
    wanted = [t for tok in audience_tokens(spec) if (t := team_token(tok))]
    found = {tid: find_team(program, tid) for tid in wanted}
    teams = [t for t in found.values() if t] if wanted else program.active_teams()
    events: list[DesiredEvent] = []
    findings = [
        row_finding(program, spec, "audience", "unknown_audience", f"Team:{tid}",
                    "the Team ID of an active team", severity="warning")
        for tid, team in found.items()
        if team is None
    ]  # fmt: skip
    recurrence = coaching_recurrence(spec, program, tz)
    for team in teams:
        key = f"{spec.key}:{team.team_id}"
        if not team.coach_email:
            findings.append(
                row_finding(
                    program,
                    spec,
                    "audience",
                    "no_coach",
                    team.team_id,
                    "a Coach Email on the Teams tab",
                    severity="warning",
                )
            )
        audience = resolve([(team.coach_email, False), (team.tl_email, False)], program)
        findings += _audience_findings(program, spec, audience)
        title = f"{spec.title} · {team.school or team.team_id}"
        body = event_body(
            spec.model_copy(update={"title": title}), program, key, audience.attendees, recurrence
        )
        events.append(
            DesiredEvent(key=key, id=body["id"], title=title, teams=[team.team_id], body=body)
        )
    return events, findings


def synthesized_deadlines(program: Program) -> list[EventSpec]:
    """The Program tab's data-due dates as events, when no Events row is a data deadline."""
    if any(e.kind == "data_deadline" for e in program.events):
        return []
    dues = [
        ("data-mid-year", "Mid-year data due", program.mid_year_data_due),
        ("data-end-of-year", "End-of-year data due", program.end_of_year_data_due),
    ]
    return [
        EventSpec(key=key, title=title, kind="data_deadline", date=day, audience=["All TLs"])
        for key, title, day in dues
        if day is not None
    ]


def desired_events(
    program: Program, members: Mapping[str, Sequence[str]] | None = None
) -> tuple[list[DesiredEvent], list[Finding]]:
    """Every event the roster asks for, and the findings about its rows."""
    members = {k: [e.lower() for e in v] for k, v in (members or {}).items()}
    events: list[DesiredEvent] = []
    findings: list[Finding] = []
    seen: dict[str, EventSpec] = {}
    for spec in [*program.events, *synthesized_deadlines(program)]:
        if spec.key in seen:
            findings.append(
                row_finding(
                    program,
                    spec,
                    "key",
                    "duplicate_key",
                    spec.key,
                    f"a key used once (also row {seen[spec.key].row})",
                )
            )
            continue
        seen[spec.key] = spec
        problems = validate(program, spec)
        findings += problems
        if problems:
            continue
        if spec.kind == "coaching_series":
            series, series_findings = coaching_events(spec, program)
            events += series
            findings += series_findings
            continue
        audience = event_audience(spec, program, members)
        findings += _audience_findings(program, spec, audience)
        body = event_body(spec, program, spec.key, audience.attendees)
        teams = _teams_of(audience.attendees, program, members)
        events.append(
            DesiredEvent(key=spec.key, id=body["id"], title=spec.title, teams=teams, body=body)
        )
    return events, findings


# -- diff ----------------------------------------------------------------------------------


def _instant(value: Mapping[str, Any]) -> tuple[str, Any]:
    if value.get("date"):
        return ("date", str(value["date"]))
    stamp = str(value.get("dateTime", "")).replace("Z", "+00:00")
    try:
        return ("dateTime", datetime.fromisoformat(stamp).astimezone(UTC))
    except ValueError:
        return ("dateTime", stamp)


def _same_time(want: Mapping[str, Any], have: Mapping[str, Any] | None) -> bool:
    have = have or {}
    if _instant(want) != _instant(have):
        return False
    return "date" in want or want.get("timeZone") == have.get("timeZone")


def time_patch(want: Mapping[str, Any], have: Mapping[str, Any]) -> dict[str, Any]:
    """Patch merges objects key by key: clear ``date`` when going timed, and vice versa."""
    cleared = {k: None for k in ("date", "dateTime", "timeZone") if k in have and k not in want}
    return {**cleared, **want}


def _attendee_map(items: Iterable[Mapping[str, Any]] | None) -> dict[str, bool]:
    return {
        str(a["email"]).lower(): bool(a.get("optional", False))
        for a in items or []
        if a.get("email") and not a.get("resource")
    }


def merged_attendees(
    want: Sequence[Mapping[str, Any]], have: Sequence[Mapping[str, Any]] | None
) -> list[dict[str, Any]]:
    """The desired list, keeping each remaining guest's responseStatus (patch replaces the list)."""
    known = {str(a.get("email", "")).lower(): a for a in have or []}
    out: list[dict[str, Any]] = []
    for item in want:
        entry = dict(item)
        status = known.get(str(item["email"]), {}).get("responseStatus")
        if status:
            entry["responseStatus"] = status
        out.append(entry)
    return out


_SIMPLE = ("summary", "description", "location", "guestsCanModify")


def diff_event(want: Mapping[str, Any], have: Mapping[str, Any]) -> dict[str, Any]:
    """The patch body that brings ``have`` to ``want``: only the fields that differ."""
    patch: dict[str, Any] = {}
    for name in _SIMPLE:
        default: Any = False if name == "guestsCanModify" else ""
        if want.get(name, default) != have.get(name, default):
            patch[name] = want.get(name, default)
    for name in ("start", "end"):
        if not _same_time(want[name], have.get(name)):
            patch[name] = time_patch(want[name], have.get(name) or {})
    if want.get("transparency", "opaque") != have.get("transparency", "opaque"):
        patch["transparency"] = want.get("transparency", "opaque")
    if list(want.get("recurrence", [])) != list(have.get("recurrence", [])):
        patch["recurrence"] = list(want.get("recurrence", []))
    if _attendee_map(want.get("attendees")) != _attendee_map(have.get("attendees")):
        patch["attendees"] = merged_attendees(want.get("attendees", []), have.get("attendees"))
    if bool(want.get("conferenceData")) != bool(have.get("conferenceData")):
        patch["conferenceData"] = want.get("conferenceData")  # None removes the Meet
    private = (have.get("extendedProperties") or {}).get("private") or {}
    wanted_private = want["extendedProperties"]["private"]
    if any(private.get(k) != v for k, v in wanted_private.items()):
        patch["extendedProperties"] = {"private": {**private, **wanted_private}}
    if have.get("status") == "cancelled":
        patch["status"] = "confirmed"  # the row came back: revive the same id
    return patch


def event_key(item: Mapping[str, Any]) -> str | None:
    private = (item.get("extendedProperties") or {}).get("private") or {}
    key = private.get("tstEventKey")
    return str(key) if key else None


def plan_changes(
    desired: Sequence[DesiredEvent], existing: Sequence[Mapping[str, Any]]
) -> CalendarPlan:
    """Match by deterministic id, diff, and cancel what the roster dropped.

    An event carrying a key but another id (made by hand, or before a program rename) is
    cancelled and recreated under the deterministic id, so later runs match by id alone.
    """
    by_id = {str(item.get("id")): item for item in existing}
    plan = CalendarPlan()
    matched: set[str] = set()
    for event in desired:
        have = by_id.get(event.id)
        if have is None:
            plan.create.append(event)
            continue
        matched.add(event.id)
        patch = diff_event(event.body, have)
        if patch:
            plan.patch.append((event, patch))
        else:
            plan.unchanged.append(event)
    for item in existing:
        if str(item.get("id")) not in matched and item.get("status") != "cancelled":
            plan.cancel.append(dict(item))
    return plan


# -- the imperative shell: Calendar v3 through googleapiclient ----------------------------


def list_program_events(calendar: Any, calendar_id: str, program: str) -> list[dict[str, Any]]:
    """Every event this program put on the calendar, cancelled ones too: one call per page."""
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = (
            calendar.events()
            .list(
                calendarId=calendar_id,
                privateExtendedProperty=f"tstProgram={program}",
                showDeleted=True,
                maxResults=2500,
                pageToken=token,
            )
            .execute()
        )
        items += page.get("items", [])
        token = page.get("nextPageToken")
        if not token:
            return items


def _change(event: DesiredEvent, fields: Iterable[str] = ()) -> EventChange:
    return EventChange(key=event.key, id=event.id, title=event.title, fields=sorted(fields))


def write_failed(event_key_: str, action: str, error: HttpError) -> Finding:
    return Finding(
        team=ROSTER,
        rule="calendar.write_failed",
        severity="error",
        tab=EVENTS_TAB,
        found=f"{action} {event_key_}: HTTP {http_status(error)} {error.reason}",
        expected="the event written to the program calendar",
    )


class Reconciler:
    """Applies a plan to one calendar; a failed write becomes a finding, never a stop."""

    def __init__(self, calendar: Any, calendar_id: str, send_updates: str = "all") -> None:
        self.calendar = calendar
        self.calendar_id = calendar_id
        self.send_updates = send_updates

    def insert(self, event: DesiredEvent) -> dict[str, Any]:
        """Create with the deterministic id; 409 means a crashed run already made it."""
        try:
            created: dict[str, Any] = (
                self.calendar.events()
                .insert(
                    calendarId=self.calendar_id,
                    body=event.body,
                    conferenceDataVersion=1,
                    sendUpdates=self.send_updates,
                )
                .execute()
            )
            return created
        except HttpError as error:
            if http_status(error) != 409:
                raise
        have: dict[str, Any] = (
            self.calendar.events().get(calendarId=self.calendar_id, eventId=event.id).execute()
        )
        patch = diff_event(event.body, have)
        return self.patch(event, patch) if patch else have

    def patch(self, event: DesiredEvent, body: Mapping[str, Any]) -> dict[str, Any]:
        patched: dict[str, Any] = (
            self.calendar.events()
            .patch(
                calendarId=self.calendar_id,
                eventId=event.id,
                body=dict(body),
                conferenceDataVersion=1,
                sendUpdates=self.send_updates,
            )
            .execute()
        )
        return patched

    def cancel(self, item: Mapping[str, Any]) -> None:
        try:
            self.calendar.events().delete(
                calendarId=self.calendar_id, eventId=item["id"], sendUpdates=self.send_updates
            ).execute()
        except HttpError as error:
            if http_status(error) not in (404, 410):  # already gone is what we wanted
                raise


def reconcile(
    calendar: Any,
    calendar_id: str,
    program: str,
    desired: Sequence[DesiredEvent],
    *,
    dry_run: bool = False,
    existing: Sequence[Mapping[str, Any]] | None = None,
    send_updates: str = "all",
) -> CalendarResult:
    """ONE events.list (unless ``existing`` is given), then only the writes the plan needs."""
    items = (
        list(existing)
        if existing is not None
        else list_program_events(calendar, calendar_id, program)
    )
    plan = plan_changes(desired, items)
    result = CalendarResult(calendar_id=calendar_id, dry_run=dry_run)
    result.events = {
        k: dict(i) for i in items if (k := event_key(i)) and i.get("status") != "cancelled"
    }
    result.unchanged = [e.key for e in plan.unchanged]
    if dry_run:
        result.created = [_change(e) for e in plan.create]
        result.updated = [_change(e, p) for e, p in plan.patch]
        result.cancelled = [_cancel_change(i) for i in plan.cancel]
        return result
    apply_plan(Reconciler(calendar, calendar_id, send_updates), plan, result)
    return result


def _cancel_change(item: Mapping[str, Any]) -> EventChange:
    key = event_key(item) or ""
    return EventChange(key=key, id=str(item.get("id")), title=str(item.get("summary", "")))


def apply_plan(writer: Reconciler, plan: CalendarPlan, result: CalendarResult) -> None:
    for event in plan.create:
        try:
            result.events[event.key] = writer.insert(event)
            result.created.append(_change(event))
        except HttpError as error:
            result.findings.append(write_failed(event.key, "create", error))
    for event, patch in plan.patch:
        try:
            result.events[event.key] = writer.patch(event, patch)
            result.updated.append(_change(event, patch))
        except HttpError as error:
            result.findings.append(write_failed(event.key, "update", error))
    for item in plan.cancel:
        try:
            writer.cancel(item)
            result.events.pop(event_key(item) or "", None)
            result.cancelled.append(_cancel_change(item))
        except HttpError as error:
            result.findings.append(
                write_failed(event_key(item) or str(item.get("id")), "cancel", error)
            )


# -- the teams' Program Events tab -------------------------------------------------------------

PROGRAM_EVENTS_TAB = "Program Events"
PROGRAM_EVENTS_HEADER = ["Date", "Time", "Event", "Mode", "Location / Link"]
MEET_PLACEHOLDER = "Google Meet (link in the invitation)"


def _clock(moment: datetime) -> str:
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def local_moment(value: Mapping[str, Any]) -> datetime:
    moment = datetime.fromisoformat(str(value["dateTime"]).replace("Z", "+00:00"))
    zone = value.get("timeZone")
    return moment.astimezone(ZoneInfo(zone)) if zone else moment


def _day_and_time(body: Mapping[str, Any]) -> tuple[str, str]:
    if body["start"].get("date"):
        return str(body["start"]["date"]), "All day"
    start, end = local_moment(body["start"]), local_moment(body["end"])
    when = f"{_clock(start)} – {_clock(end)}"
    if body.get("recurrence"):
        when = f"Every 2 weeks, {when}"
    return start.date().isoformat(), when


def program_event_row(event: DesiredEvent, link: str | None = None) -> list[str]:
    """Date | Time | Event | Mode | Location / Link, as RAW text for the team's tab."""
    body = event.body
    day, when = _day_and_time(body)
    if body.get("conferenceData"):
        mode, where = "Virtual", link or body.get("location") or MEET_PLACEHOLDER
    elif body["start"].get("date"):
        mode, where = "", body.get("location", "")
    else:
        mode, where = "In person", body.get("location", "")
    return [day, when, event.title, mode, where]


def program_event_rows(
    desired: Sequence[DesiredEvent], team_id: str, links: Mapping[str, str] | None = None
) -> list[list[str]]:
    """The rows of one team's Program Events tab: the events its people are invited to."""
    links = links or {}
    rows = [program_event_row(e, links.get(e.key)) for e in desired if team_id in e.teams]
    return sorted(rows, key=lambda row: (row[0], row[1], row[2]))


def meet_link(item: Mapping[str, Any]) -> str | None:
    """The Meet URL Calendar attached to an event, if any."""
    if item.get("hangoutLink"):
        return str(item["hangoutLink"])
    for point in (item.get("conferenceData") or {}).get("entryPoints", []):
        if point.get("entryPointType") == "video" and point.get("uri"):
            return str(point["uri"])
    return None
