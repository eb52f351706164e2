"""The roster's Attendance tab made easy to record (pure): after each event, one row per person
the commitments expect there, "Attended" left blank for staff, and each person's calendar RSVP
beside it.

Who is expected comes from the attendance commitments (``commitments.yaml``): each TL at Fall
Training and every roundtable; for sessions where one of several is enough (the principals'
July training), whoever accepted a session's invite, and, once the last session is past,
everyone who has no row at any session yet (on the last one). A row is never added twice (any
row for the same event and email counts, whoever typed it) and nothing staff typed is ever
changed: only the service's own columns (Person, Calendar RSVP) of existing rows are kept
current.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from tst_sheets.calendar.plan import event_key
from tst_sheets.commitments import CommitmentSet
from tst_sheets.commitments.attendance import AttendanceRule
from tst_sheets.model import EventSpec, Program, Team
from tst_sheets.reading.roster_read import AttendanceRow, TabLayout
from tst_sheets.templates import TabSpec
from tst_sheets.templates.cells import cell, header_cell

RSVP_WORDS = {
    "accepted": "accepted",
    "declined": "declined",
    "tentative": "tentative",
    "needsAction": "no reply",
}
SERVICE_COLUMNS = ("person", "rsvp")  # the Attendance columns the service keeps
ROLE_WORDS = {"tl": "TL", "principal": "principal"}


class Expected(BaseModel):
    """One person expected at one event."""

    event_key: str
    email: str
    person: str
    rsvp: str = ""


class AttendancePlan(BaseModel):
    """What the write-back would do: rows to add, RSVP cells to bring up to date."""

    add: list[Expected] = Field(default_factory=list)
    rsvp: dict[int, str] = Field(default_factory=dict, description="1-based row → RSVP words")

    @property
    def empty(self) -> bool:
        return not self.add and not self.rsvp


def rsvps(events: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """event key → email → RSVP words, from the program calendar's events as listed."""
    out: dict[str, dict[str, str]] = {}
    for item in events:
        key = event_key(item)
        if key is None or item.get("status") == "cancelled":
            continue
        out[key] = {
            str(a["email"]).lower(): RSVP_WORDS.get(str(a.get("responseStatus")), "")
            for a in item.get("attendees") or []
            if a.get("email")
        }
    return out


def expected(
    program: Program,
    commitments: CommitmentSet,
    answers: Mapping[str, Mapping[str, str]],
    existing: Sequence[AttendanceRow],
    today: date,
) -> list[Expected]:
    """Everyone expected at each event that is over (the day after it)."""
    teams = program.active_teams()
    have = {(r.event_key.lower(), r.email.lower()) for r in existing}
    out: list[Expected] = []
    for c in commitments.commitments:
        if not isinstance(c.rule, AttendanceRule):
            continue
        events = sorted(
            (e for e in program.events if e.kind == c.rule.event_kind), key=lambda e: e.date
        )
        past = [e for e in events if e.date < today]
        if c.rule.mode == "each":
            out += [_person(c.rule, e, t, answers) for e in past for t in teams if c.rule.email(t)]
        else:
            out += _any_session(c.rule, events, past, teams, answers, have)
    unique: dict[tuple[str, str], Expected] = {}
    for item in out:
        unique.setdefault((item.event_key.lower(), item.email), item)
    return list(unique.values())


def _person(
    rule: AttendanceRule, event: EventSpec, team: Team, answers: Mapping[str, Mapping[str, str]]
) -> Expected:
    email = rule.email(team)
    name = team.tl_name if rule.who == "tl" else team.principal_name
    return Expected(
        event_key=event.key,
        email=email,
        person=f"{name or email} ({team.team_id} {ROLE_WORDS[rule.who]})",
        rsvp=answers.get(event.key, {}).get(email, ""),
    )


def _any_session(
    rule: AttendanceRule,
    events: Sequence[EventSpec],
    past: Sequence[EventSpec],
    teams: Sequence[Team],
    answers: Mapping[str, Mapping[str, str]],
    have: set[tuple[str, str]],
) -> list[Expected]:
    """Who accepted each session; after the last one, whoever has no row at any session."""
    people = [t for t in teams if rule.email(t)]
    out = [
        _person(rule, e, t, answers)
        for e in past
        for t in people
        if answers.get(e.key, {}).get(rule.email(t)) == RSVP_WORDS["accepted"]
    ]
    if past and len(past) == len(events):
        keys = {e.key.lower() for e in events}
        listed = {(x.event_key.lower(), x.email) for x in out} | have
        missing = [t for t in people if not any((k, rule.email(t)) in listed for k in keys)]
        out += [_person(rule, past[-1], t, answers) for t in missing]
    return out


def plan(
    program: Program,
    commitments: CommitmentSet,
    answers: Mapping[str, Mapping[str, str]],
    existing: Sequence[AttendanceRow],
    today: date,
) -> AttendancePlan:
    """The rows to add and the RSVP cells that changed; nothing when nothing did."""
    have = {(r.event_key.lower(), r.email.lower()): r for r in existing}
    out = AttendancePlan()
    for item in expected(program, commitments, answers, existing, today):
        row = have.get((item.event_key.lower(), item.email))
        if row is None:
            out.add.append(item)
        elif item.rsvp and item.rsvp != row.rsvp:
            out.rsvp[row.row] = item.rsvp
    return out


# -- the one write ----------------------------------------------------------------------------


def write_requests(
    planned: AttendancePlan, layout: TabLayout, tab: TabSpec, values: Sequence[Sequence[Any]]
) -> list[dict[str, Any]]:
    """ONE batchUpdate's requests: the service's columns' headers where a roster lacks them,
    the new rows below the last one (the grid grown to hold them), the RSVP cells that changed.
    Text goes in as text (``stringValue``): an email or a name is never a formula."""
    assert layout.header is not None
    sheet, header = layout.sheet_id, layout.header
    columns = dict(header.columns)
    width = max([len(values[header.row]) if header.row < len(values) else 0, *columns.values()])
    out: list[dict[str, Any]] = []
    added = [key for key in SERVICE_COLUMNS if key not in columns]
    for offset, key in enumerate(added):
        columns[key] = width + offset
    if added:
        out.append(_grow(sheet, "COLUMNS", len(added)))
        out += [
            _cells(sheet, header.row, columns[k], [[header_cell(tab.column(k))]]) for k in added
        ]
    if planned.add:
        out.append(_grow(sheet, "ROWS", len(planned.add)))
        span = max(columns.values()) + 1
        rows = [_row(item, columns, span) for item in planned.add]
        out.append(_cells(sheet, len(values), 0, rows))
    for row, text in sorted(planned.rsvp.items()):
        out.append(_cells(sheet, row - 1, columns["rsvp"], [[cell(text)]]))
    return out


def _row(item: Expected, columns: Mapping[str, int], span: int) -> list[dict[str, Any]]:
    values = {"event_key": item.event_key, "email": item.email, "person": item.person}
    values["rsvp"] = item.rsvp
    by_index = {columns[k]: v for k, v in values.items() if k in columns}
    return [cell(by_index[i]) if by_index.get(i) else {} for i in range(span)]


def _grow(sheet: int, dimension: str, length: int) -> dict[str, Any]:
    return {"appendDimension": {"sheetId": sheet, "dimension": dimension, "length": length}}


def _cells(sheet: int, row: int, column: int, rows: list[list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "updateCells": {
            "start": {"sheetId": sheet, "rowIndex": row, "columnIndex": column},
            "rows": [{"values": r} for r in rows],
            "fields": "userEnteredValue",
        }
    }
