"""What reconciling the program calendar would do: match by deterministic id, patch only the
fields that changed, cancel what the roster dropped (pure). Events of an earlier school year
(before the roster's year begins, e.g. after a rollover) are the calendar's history: kept."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, Field

from tst_sheets.calendar.events import DesiredEvent


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
    # What the mass-change guard weighs: live events and their guests before the run, and the
    # guests the plan takes off (all of a cancelled event's, those dropped from a patched list).
    live: int = 0
    guests: int = 0
    guests_removed: int = 0


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
    desired: Sequence[DesiredEvent],
    existing: Sequence[Mapping[str, Any]],
    held: Collection[str] = (),
    since: date | None = None,
) -> CalendarPlan:
    """Match by deterministic id, diff, and cancel what the roster dropped (but not the
    ``held`` keys, whose rows could not be read this time: those stay as they are).

    An event carrying a key but another id (made by hand, or before a program rename) is
    cancelled and recreated under the deterministic id, so later runs match by id alone.
    An event starting before ``since`` that the roster does not name is an earlier year's:
    neither cancelled nor weighed by the mass-change guard.
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
            dropped = (
                _attendee_map(have.get("attendees")).keys()
                - _attendee_map(event.body.get("attendees")).keys()
            )
            plan.guests_removed += len(dropped) if have.get("status") != "cancelled" else 0
        else:
            plan.unchanged.append(event)
    for item in existing:
        if item.get("status") == "cancelled":
            continue
        if since and str(item.get("id")) not in matched and _starts_before(item, since):
            continue
        plan.live += 1
        plan.guests += len(_attendee_map(item.get("attendees")))
        if str(item.get("id")) not in matched and event_key(item) not in held:
            plan.cancel.append(dict(item))
            plan.guests_removed += len(_attendee_map(item.get("attendees")))
    return plan


def _starts_before(item: Mapping[str, Any], day: date) -> bool:
    start = item.get("start") or {}
    text = str(start.get("date") or start.get("dateTime") or "")[:10]
    try:
        return date.fromisoformat(text) < day
    except ValueError:
        return False


def change(event: DesiredEvent, fields: Iterable[str] = ()) -> EventChange:
    return EventChange(key=event.key, id=event.id, title=event.title, fields=sorted(fields))


def cancel_change(item: Mapping[str, Any]) -> EventChange:
    key = event_key(item) or ""
    return EventChange(key=key, id=str(item.get("id")), title=str(item.get("summary", "")))
