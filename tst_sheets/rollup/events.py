"""The Events tab: upcoming program events first, then past ones with who attended."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tst_sheets.commitments.attendance import AttendanceRule
from tst_sheets.model import EventSpec
from tst_sheets.model.program import MODE_LABELS
from tst_sheets.rollup.grid import Grid, Row, new_grid
from tst_sheets.rollup.inputs import RollupInput
from tst_sheets.rollup.template import RollupTemplate


def events_grid(inp: RollupInput, tpl: RollupTemplate) -> Grid:
    """Upcoming events first (soonest on top), then past ones (latest on top), with attendance."""
    grid = new_grid(tpl, "events")
    events = inp.program.events
    upcoming = sorted((e for e in events if e.date >= inp.as_of), key=_event_order)
    past = sorted((e for e in events if e.date < inp.as_of), key=_event_order, reverse=True)
    rules = [c.rule for c in inp.commitments.commitments if isinstance(c.rule, AttendanceRule)]
    for i, event in enumerate(upcoming):
        grid.rows.append(event_row(inp, event, "Next" if i == 0 else "Upcoming", rules))
    grid.rows += [event_row(inp, e, "Past", rules) for e in past]
    return grid


def _event_order(event: EventSpec) -> tuple[date, str, str]:
    return event.date, event.start.isoformat() if event.start else "", event.key


def event_row(
    inp: RollupInput, event: EventSpec, when: str, rules: Sequence[AttendanceRule]
) -> Row:
    time = ""
    if event.start:
        time = event.start.strftime("%H:%M") + (f"–{event.end:%H:%M}" if event.end else "")
    row: Row = {
        "when": when,
        "date": event.date,
        "time": time,
        "event": event.title,
        "mode": MODE_LABELS[event.mode] if event.start else "",  # a deadline has no mode
        "location": event.location,
    }
    rule = next((r for r in rules if r.event_kind == event.kind), None)
    if rule is None:
        return row
    expected = _expected_people(inp, rule)
    if when != "Past":
        return {**row, "expected": len(expected)}
    return {**row, **_attendance_cells(inp, event, rule, expected)}


def _expected_people(inp: RollupInput, rule: AttendanceRule) -> dict[str, str]:
    """email → team id of who the commitment expects at this kind of event."""
    out: dict[str, str] = {}
    for view in inp.teams:
        email = view.team.tl_email if rule.who == "tl" else view.team.principal_email
        if email:
            out[email.lower()] = view.team.team_id
    return out


def _attendance_cells(
    inp: RollupInput, event: EventSpec, rule: AttendanceRule, expected: dict[str, str]
) -> Row:
    attendance = inp.program.attendance
    records = {a.email.lower(): a.attended for a in attendance if a.event_key == event.key}
    went_elsewhere: set[str] = set()
    if rule.mode == "any":  # one session of several is enough: others are not "missing"
        keys = {e.key for e in inp.program.events if e.kind == event.kind and e.date < inp.as_of}
        went_elsewhere = {a.email.lower() for a in attendance if a.event_key in keys and a.attended}
    attended = [e for e in expected if records.get(e) is True]
    absent = [e for e in expected if records.get(e) is False]
    unknown = [e for e in expected if e not in records]
    missing = [f"{expected[e]} (absent)" for e in absent if e not in went_elsewhere]
    missing += [f"{expected[e]} (not recorded)" for e in unknown if e not in went_elsewhere]
    return {
        "expected": len(expected),
        "attended": len(attended),
        "absent": len(absent),
        "not_recorded": len(unknown),
        "missing": ", ".join(sorted(missing)),
    }
