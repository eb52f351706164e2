"""Each team's Program Events tab: the events its people are invited to, as RAW text rows
(Date | Time | Event | Mode | Location / Link), then a marker row; what a TL types below the
marker is theirs and is kept, moved down when the program's rows grow."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tst_sheets.calendar.events import DesiredEvent
from tst_sheets.reading.dates import serial_to_date
from tst_sheets.reading.values import CellValue, as_text

PROGRAM_EVENTS_TAB = "Program Events"
PROGRAM_EVENTS_HEADER = ["Date", "Time", "Event", "Mode", "Location / Link"]
MEET_PLACEHOLDER = "Google Meet (link in the invitation)"
EVENT_COLUMNS = len(PROGRAM_EVENTS_HEADER)  # the service-owned range A:E
OWN_ROWS = "↓ Your own events go below this line: the service keeps them."
DIGEST_LABEL = "tstEvents"  # appProperty: the digest of the program's rows last made true


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
    """The program's rows of one team's Program Events tab: the events its people are
    invited to, by date."""
    links = links or {}
    rows = [program_event_row(e, links.get(e.key)) for e in desired if team_id in e.teams]
    return sorted(rows, key=lambda row: (row[0], row[1], row[2]))


def tab_rows(program_rows: Sequence[list[str]], own: Sequence[list[str]] = ()) -> list[list[str]]:
    """The whole tab under its header: the program's rows, the marker, the TL's own rows."""
    marker = [OWN_ROWS] + [""] * (EVENT_COLUMNS - 1)
    return [*program_rows, marker, *own]


def rows_digest(rows: Sequence[Sequence[str]]) -> str:
    """A short fingerprint of the rows the service writes (22 characters: it fits a Drive
    appProperty, whose key and value may take 124 bytes together)."""
    text = json.dumps([list(row) for row in rows], ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def own_rows(current: Sequence[list[str]], titles: Collection[str]) -> list[list[str]]:
    """What a TL typed: the rows below the marker. A tab from before the marker: the rows
    that name no program event (an event's title in column C)."""
    for index, row in enumerate(current):
        if row[0] == OWN_ROWS:
            return list(current[index + 1 :])
    return [row for row in current if any(row) and row[2] not in titles]


def meet_link(item: Mapping[str, Any]) -> str | None:
    """The Meet URL Calendar attached to an event, if any."""
    if item.get("hangoutLink"):
        return str(item["hangoutLink"])
    for point in (item.get("conferenceData") or {}).get("entryPoints", []):
        if point.get("entryPointType") == "video" and point.get("uri"):
            return str(point["uri"])
    return None


def _event_cell(index: int, value: CellValue) -> str:
    if index == 0 and isinstance(value, int | float) and not isinstance(value, bool):
        day = serial_to_date(value)  # a date cell (e.g. written at provisioning) reads as ISO
        return day.isoformat() if isinstance(day, date) else as_text(value)
    return as_text(value)


def event_rows(values: Sequence[Sequence[CellValue]]) -> list[list[str]]:
    """The Program Events rows under the header, as text, trailing blanks dropped."""
    rows = [[_event_cell(i, v) for i, v in enumerate(row[:EVENT_COLUMNS])] for row in values[1:]]
    rows = [row + [""] * (EVENT_COLUMNS - len(row)) for row in rows]
    while rows and not any(rows[-1]):
        rows.pop()
    return rows
