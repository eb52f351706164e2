"""The program events a digest mentions: the next ones a person is invited to (the roster's
Events and their Audience, as the calendar sync reads them), never the coaching series (each
team's own, on its calendar)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from tst_sheets.calendar.audience import event_audience
from tst_sheets.model import EventKind, EventSpec, Program
from tst_sheets.nudges.models import Upcoming

HORIZON_DAYS = 35  # about the next month: what a weekly email should bring to mind


def invitations(program: Program) -> dict[str, list[EventSpec]]:
    """Email → every event whose Audience names them (Team-tab members aside), by date; each
    event's audience resolved once."""
    out: dict[str, list[EventSpec]] = {}
    ordered = sorted(program.events, key=lambda e: (e.date, e.start or e.end or e.date, e.key))
    for spec in ordered:
        if spec.kind == "coaching_series":
            continue
        for attendee in event_audience(spec, program, {}).attendees:
            out.setdefault(attendee.email, []).append(spec)
    return out


def upcoming(
    specs: Iterable[EventSpec],
    as_of: date,
    *,
    days: int = HORIZON_DAYS,
    kinds: Iterable[EventKind] | None = None,
    limit: int = 3,
) -> list[Upcoming]:
    """The next ``limit`` events from ``as_of`` within ``days`` (of ``kinds``, if given)."""
    wanted = set(kinds) if kinds is not None else None
    last = as_of + timedelta(days=days)
    chosen = [s for s in specs if as_of <= s.date <= last and (wanted is None or s.kind in wanted)]
    return [as_upcoming(s) for s in chosen[:limit]]


def as_upcoming(spec: EventSpec) -> Upcoming:
    return Upcoming(
        title=spec.title,
        date=spec.date,
        start=spec.start,
        end=spec.end,
        location=spec.location,
        virtual=spec.mode == "virtual",
    )
