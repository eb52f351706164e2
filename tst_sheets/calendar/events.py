"""Program events → Calendar v3 event bodies with deterministic ids (pure).

Coaching series: one ``coaching_series`` row becomes, per team (the ``Team:<id>`` entries of
its Audience, or every active team), ONE recurring 30-minute event every two weeks from the
row's date until ``until`` (default: the school year's end), with the team's coach and TL,
skipping the program's breaks (EXDATE).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule
from pydantic import BaseModel, Field

from tst_sheets.calendar.audience import (
    Attendee,
    Audience,
    audience_tokens,
    event_audience,
    find_team,
    resolve,
    team_token,
    teams_of,
)
from tst_sheets.calendar.ids import conference_request_id, event_id
from tst_sheets.model import EventSpec, Finding, Program, cell_link
from tst_sheets.model.findings import ROSTER
from tst_sheets.model.program import zone

EVENTS_TAB = "Events"
DEFAULT_MINUTES: dict[str, int] = {
    "fall_training": 180,
    "roundtable": 90,
    "principal_training": 90,
    "coaching_series": 30,
    "summer_planning": 120,
    "other": 60,
}
MANAGED_BY = (
    "Managed by TST Sheets from the program roster (Events: {key}). "
    "Edit the roster, not this event."
)


class DesiredEvent(BaseModel):
    """One event as the roster wants it on the program calendar."""

    key: str
    id: str = Field(description="Deterministic Calendar event id (base32hex).")
    title: str
    teams: list[str] = Field(
        default_factory=list, description="Teams whose people are invited (Program Events tab)."
    )
    body: dict[str, Any] = Field(description="Calendar v3 Event resource to insert.")


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
        cell=spec.cells.get(field),
        found=found,
        expected=expected,
        link=cell_link(program.roster_id) if program.roster_id else None,
    )


def validate(program: Program, spec: EventSpec) -> list[Finding]:
    """Problems that make a row unusable (the event is skipped)."""
    problem = _time_problem(spec)
    return [row_finding(program, spec, *problem)] if problem else []


def _time_problem(spec: EventSpec) -> tuple[str, str, str, str] | None:
    """(field, rule, found, expected) of a row whose times cannot make an event."""
    if spec.kind == "coaching_series" and spec.start is None:
        return "start", "bad_time", "no start time", "the time of day the coaching calls start"
    if spec.start is None and spec.end is not None:
        expected = "a start time, or neither (an all-day event)"
        return "start", "bad_time", f"end {spec.end:%H:%M}, no start", expected
    if spec.start is not None and spec.end is not None and spec.end <= spec.start:
        return "end", "end_before_start", f"{spec.start:%H:%M}–{spec.end:%H:%M}", "end after start"
    return None


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
    tz = zone(program.timezone)
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
    tz = zone(program.timezone)
    wanted = [t for tok in audience_tokens(spec) if (t := team_token(tok))]
    found = {tid: find_team(program, tid) for tid in wanted}
    teams = [t for t in found.values() if t] if wanted else program.active_teams()
    events: list[DesiredEvent] = []
    findings = [
        row_finding(
            program,
            spec,
            "audience",
            "unknown_audience",
            f"Team:{tid}",
            "the Team ID of an active team",
            severity="warning",
        )
        for tid, team in found.items()
        if team is None
    ]
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
                    "event_key",
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
        teams = teams_of(audience.attendees, program, members)
        events.append(
            DesiredEvent(key=spec.key, id=body["id"], title=spec.title, teams=teams, body=body)
        )
    return events, findings
