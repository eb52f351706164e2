"""Attendance at the roster's events of a kind (Fall Training, roundtables, principal training),
from the roster's Attendance tab.

An event staff have not recorded yet is "not recorded": never On track, never the team's fault,
and no finding of the team's (the roll-up lists it for staff, once per event). Absences are one
finding, listing the events, linked to the first one's Attendance row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from tst_sheets.commitments.base import RuleBase, status
from tst_sheets.commitments.context import Context
from tst_sheets.model import Attendance, CommitmentStatus, EventSpec, Finding, Program, Team
from tst_sheets.model.program import EventKind

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment


class AttendanceRule(RuleBase):
    kind: Literal["attendance"]
    event_kind: EventKind
    who: Literal["tl", "principal"]
    mode: Literal["each", "any"]
    grace_days: int = 7

    def check(self, c: Commitment, ctx: Context) -> CommitmentStatus:
        return check_attendance(c, self, ctx)

    def email(self, team: Team) -> str:
        """Who this commitment expects at the events: the team's TL or its principal."""
        return (team.tl_email if self.who == "tl" else team.principal_email).lower()


def _when(event: EventSpec) -> str:
    return f"{event.title} ({event.date:%b %d, %Y})"


def check_attendance(c: Commitment, rule: AttendanceRule, ctx: Context) -> CommitmentStatus:
    events = sorted(
        (e for e in ctx.program.events if e.kind == rule.event_kind), key=lambda e: e.date
    )
    if not events:
        return status(c, "not_applicable", "no such events on the roster", [])
    email = rule.email(ctx.team)
    if not email:
        return status(c, "unknown", f"no {rule.who.upper()} email on the roster", [])
    records = {a.event_key: a for a in ctx.program.attendance if a.email.lower() == email}
    past = [e for e in events if e.date + timedelta(rule.grace_days) <= ctx.as_of]
    went = [e for e in past if (r := records.get(e.key)) is not None and r.attended]
    absent = [e for e in past if (r := records.get(e.key)) is not None and not r.attended]
    unrecorded = [e for e in past if e.key not in records]
    figures = {"attended": len(went), "past": len(past), "not_recorded": len(unrecorded)}
    summary = f"attended {len(went)} of {len(past)} so far"
    if unrecorded:
        summary += f"; not recorded yet: {', '.join(_when(e) for e in unrecorded)}"
    if rule.mode == "any":
        return _any(c, ctx, events, past, went, unrecorded, records, summary, figures)
    if absent:
        finding = _absent(c, ctx, absent, records)
        return status(c, "behind", summary, [finding], **figures)
    return status(c, "not_recorded" if unrecorded else "on_track", summary, [], **figures)


def _absent(
    c: Commitment, ctx: Context, absent: list[EventSpec], records: dict[str, Attendance]
) -> Finding:
    found = "absent from " + ", ".join(_when(e) for e in absent)
    expected = "attended" if len(absent) == 1 else "attended each"
    return ctx.roster_finding(
        c, c.severity, "attendance", found, expected, row=records[absent[0].key].row
    )


def _any(
    c: Commitment,
    ctx: Context,
    events: list[EventSpec],
    past: list[EventSpec],
    went: list[EventSpec],
    unrecorded: list[EventSpec],
    records: dict[str, Attendance],
    summary: str,
    figures: dict[str, int],
) -> CommitmentStatus:
    """One of several sessions (the July principal training) is enough."""
    if went:
        return status(c, "on_track", f"attended {_when(went[0])}", [], **figures)
    upcoming = [e for e in events if e not in past]
    if upcoming:
        if not past:
            return status(c, "on_track", f"first session {_when(upcoming[0])}", [], **figures)
        finding = ctx.roster_finding(
            c,
            "due_soon",
            "attendance",
            "not attended yet",
            f"one session; next {upcoming[0].date:%b %d, %Y}",
        )
        return status(c, "due_soon", summary, [finding], **figures)
    if unrecorded:
        return status(c, "not_recorded", summary, [], **figures)
    finding = ctx.roster_finding(
        c,
        c.severity,
        "attendance",
        "absent from every session",
        "one session attended",
        row=records[past[0].key].row,
    )
    return status(c, "behind", summary, [finding], **figures)


# -- for staff: who is expected where, and what is not recorded yet --------------------------


class Unrecorded(BaseModel):
    """One past event (or, for "any" sessions, their kind) with attendance still to record."""

    rule: AttendanceRule
    event: EventSpec
    teams: list[Team]
    expected: int


def unrecorded(
    rule: AttendanceRule, program: Program, teams: Sequence[Team], as_of: date
) -> list[Unrecorded]:
    """Past events of the rule's kind whose expected people have no record yet: each event once
    ("each"), or the kind once at its latest past session for whoever has none at all ("any")."""
    events = sorted((e for e in program.events if e.kind == rule.event_kind), key=lambda e: e.date)
    past = [e for e in events if e.date < as_of]
    expected = [t for t in teams if rule.email(t)]
    recorded = {(a.event_key, a.email.lower()) for a in program.attendance}
    if rule.mode == "any":
        keys = {e.key for e in past}
        missing = [t for t in expected if not any((k, rule.email(t)) in recorded for k in keys)]
        return (
            [Unrecorded(rule=rule, event=past[-1], teams=missing, expected=len(expected))]
            if past and missing
            else []
        )
    out = []
    for event in past:
        missing = [t for t in expected if (event.key, rule.email(t)) not in recorded]
        if missing:
            out.append(Unrecorded(rule=rule, event=event, teams=missing, expected=len(expected)))
    return out
