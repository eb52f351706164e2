"""The program's events as an iCalendar (RFC 5545) file, for participants outside Workspace.

Built from the same ``DesiredEvent`` bodies the calendar sync writes, so the file and the
Google calendars never disagree. UIDs are ``<event key>@<program>`` and stay the same from one
export to the next, so a re-import updates events instead of duplicating them. Times carry
``TZID`` and the file its ``VTIMEZONE``; the coaching series keeps its ``RRULE``/``EXDATE``.
Attendee addresses are left out on purpose: the file may travel outside the program.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from tst_sheets.calendar.events import DesiredEvent
from tst_sheets.calendar.team_tab import MEET_PLACEHOLDER, local_moment

PRODID = "-//TST Sheets//Program Events//EN"


def program_slug(program: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", program.lower()).strip("-") or "program"


def event_uid(program: str, key: str) -> str:
    return f"{key}@{program_slug(program)}"


def _when(value: Mapping[str, Any]) -> date | datetime:
    if value.get("date"):
        return date.fromisoformat(str(value["date"]))
    return local_moment(value)  # aware, in the event's own zone → DTSTART;TZID=…


def _exdates(line: str) -> list[datetime]:
    """``EXDATE;TZID=America/Chicago:20261229T160000,…`` → aware datetimes."""
    params, _, stamps = line.partition(":")
    zone = re.search(r"TZID=([^;:]+)", params)
    tz = ZoneInfo(zone.group(1)) if zone else UTC
    return [datetime.strptime(s, "%Y%m%dT%H%M%S").replace(tzinfo=tz) for s in stamps.split(",")]


def vevent(program: str, event: DesiredEvent, stamp: datetime, link: str | None) -> Event:
    body = event.body
    item = Event()
    item.add("uid", event_uid(program, event.key))
    item.add("dtstamp", stamp)
    item.add("summary", event.title)
    item.add("dtstart", _when(body["start"]))
    item.add("dtend", _when(body["end"]))
    if body.get("description"):
        item.add("description", body["description"])
    where = body.get("location") or ""
    if body.get("conferenceData"):
        where = where or link or MEET_PLACEHOLDER
        if link:
            item.add("url", link)
    if where:
        item.add("location", where)
    if body.get("transparency") == "transparent":
        item.add("transp", "TRANSPARENT")
    item.add("status", "CONFIRMED")
    for line in body.get("recurrence", []):
        if line.startswith("RRULE:"):
            item.add("rrule", vRecur.from_ical(line.removeprefix("RRULE:")))
        elif line.startswith("EXDATE"):
            item.add("exdate", _exdates(line))
    return item


def to_ics(
    program: str,
    events: Sequence[DesiredEvent],
    *,
    timezone: str = "America/Chicago",
    links: Mapping[str, str] | None = None,
    stamp: datetime | None = None,
) -> bytes:
    """One VCALENDAR with a VEVENT per event and the VTIMEZONEs they use."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{program} program events")
    cal.add("x-wr-timezone", timezone)
    stamp = stamp or datetime.now(UTC).replace(microsecond=0)
    for event in sorted(events, key=lambda e: e.key):
        cal.add_component(vevent(program, event, stamp, (links or {}).get(event.key)))
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
