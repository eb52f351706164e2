"""Attendance at the roster's events of a kind (Fall Training, roundtables, principal training),
from the roster's Attendance tab."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from tst_sheets.commitments.base import RuleBase, state_from, status
from tst_sheets.commitments.context import Context
from tst_sheets.model import CommitmentStatus, Finding, Severity

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment

from datetime import date, timedelta
from typing import Any

from tst_sheets.model.program import EventKind


class AttendanceRule(RuleBase):
    kind: Literal["attendance"]
    event_kind: EventKind
    who: Literal["tl", "principal"]
    mode: Literal["each", "any"]
    grace_days: int = 7
    unrecorded_severity: Severity = "info"

    def check(self, c: Commitment, ctx: Context) -> CommitmentStatus:
        return check_attendance(c, self, ctx)


def check_attendance(c: Commitment, rule: AttendanceRule, ctx: Context) -> CommitmentStatus:
    events = sorted(
        (e for e in ctx.program.events if e.kind == rule.event_kind), key=lambda e: e.date
    )
    email = (ctx.team.tl_email if rule.who == "tl" else ctx.team.principal_email).lower()
    if not events:
        return status(c, "not_applicable", "no such events on the roster", [])
    attended = {a.event_key: a.attended for a in ctx.program.attendance if a.email.lower() == email}
    past = [e for e in events if e.date + timedelta(rule.grace_days) <= ctx.as_of]
    if rule.mode == "any":
        findings = _attendance_any(c, rule, ctx, events, past, attended)
    else:
        findings = [
            f
            for e in past
            if (f := _attendance_each(c, rule, ctx, e.title, e.date, attended.get(e.key)))
        ]
    went = sum(1 for e in past if attended.get(e.key))
    summary = f"attended {went} of {len(past)} so far"
    return status(c, state_from(findings, c), summary, findings, attended=went, past=len(past))


def _attendance_each(
    c: Commitment, rule: AttendanceRule, ctx: Context, title: str, day: date, went: bool | None
) -> Finding | None:
    if went:
        return None
    found = f"{title} on {day:%b %d, %Y}: " + ("absent" if went is False else "not recorded")
    severity = c.severity if went is False else rule.unrecorded_severity
    return ctx.roster_finding(c, severity, "Attendance", found, "attended")


def _attendance_any(
    c: Commitment,
    rule: AttendanceRule,
    ctx: Context,
    events: list[Any],
    past: list[Any],
    attended: dict[str, bool],
) -> list[Finding]:
    """One of several sessions (the July principal training) is enough."""
    if any(attended.get(e.key) for e in past):
        return []
    upcoming = [e for e in events if e not in past]
    if upcoming:
        return (
            [
                ctx.roster_finding(
                    c,
                    "due_soon",
                    "Attendance",
                    "not attended yet",
                    f"one session; next {upcoming[0].date:%b %d, %Y}",
                )
            ]
            if past
            else []
        )
    recorded = all(e.key in attended for e in past)
    severity = c.severity if recorded else rule.unrecorded_severity
    found = "absent from every session" if recorded else "attendance not recorded"
    return [ctx.roster_finding(c, severity, "Attendance", found, "one session attended")]
