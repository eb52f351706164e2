"""Expanding an event's ``recurrence`` lines (RRULE, EXRULE, RDATE, EXDATE) into start times.

Timed events recur in their own time zone's wall-clock time (so a weekly 10:00 meeting
stays at 10:00 across a DST change, as on Google); all-day events recur on dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule

from tst_sheets.emulator.errors import ApiError, calendar_error

MAX_INSTANCES = 2500  # Google's largest page; an endless rule stops here without timeMax


def invalid_recurrence() -> ApiError:
    return calendar_error(400, "Invalid recurrence rule.", "invalid")


def build_ruleset(lines: list[str], dtstart: datetime) -> rrule.rruleset:
    """An rruleset from Google's recurrence strings; ``dtstart`` naive for all-day events."""
    ruleset = rrule.rruleset()
    has_rule = False
    for line in lines:
        name, params, value = _split_line(line)
        try:
            if name in ("RRULE", "EXRULE"):
                rule = rrule.rrulestr(_fix_until(value, dtstart), dtstart=dtstart)
                if not isinstance(rule, rrule.rrule):
                    raise invalid_recurrence()
                (ruleset.rrule if name == "RRULE" else ruleset.exrule)(rule)
                has_rule = has_rule or name == "RRULE"
            elif name in ("RDATE", "EXDATE"):
                for moment in _dates(params, value, dtstart):
                    (ruleset.rdate if name == "RDATE" else ruleset.exdate)(moment)
            else:
                raise invalid_recurrence()
        except (ValueError, TypeError) as exc:
            raise invalid_recurrence() from exc
    if not has_rule:
        ruleset.rdate(dtstart)
    return ruleset


def occurrences(
    lines: list[str],
    dtstart: datetime,
    duration: timedelta,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
) -> Iterator[datetime]:
    """Start times whose occurrence overlaps ``[window_start, window_end)``, in order."""
    count = 0
    for start in build_ruleset(lines, dtstart):
        if window_end is not None and start >= window_end:
            return
        if window_start is not None and start + duration <= window_start:
            continue
        yield start
        count += 1
        if count >= MAX_INSTANCES:
            return


def instance_suffix(start: datetime, all_day: bool) -> str:
    """``20261130T150000Z`` (UTC) for timed instances, ``20261130`` for all-day ones."""
    if all_day:
        return start.strftime("%Y%m%d")
    return start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# -- parsing --------------------------------------------------------------------------------


def _split_line(line: str) -> tuple[str, dict[str, str], str]:
    head, sep, value = line.strip().partition(":")
    if not sep:
        raise invalid_recurrence()
    name, *raw_params = head.split(";")
    params = {}
    for param in raw_params:
        key, _, val = param.partition("=")
        params[key.upper()] = val
    return name.upper(), params, value


def _fix_until(value: str, dtstart: datetime) -> str:
    """dateutil wants UNTIL in UTC for zoned starts and floating for all-day starts."""
    found = re.search(r"UNTIL=([0-9TZ]+)", value, re.IGNORECASE)
    if found is None:
        return f"RRULE:{value}" if not value.upper().startswith("RRULE") else value
    until = _parse_moment(found.group(1).upper(), dtstart.tzinfo, end_of_day=True)
    if dtstart.tzinfo is None:
        text = until.replace(tzinfo=None).strftime("%Y%m%dT%H%M%S")
    else:
        text = until.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return "RRULE:" + value[: found.start(1)] + text + value[found.end(1) :]


def _dates(params: dict[str, str], value: str, dtstart: datetime) -> list[datetime]:
    zone: tzinfo | None = dtstart.tzinfo
    if "TZID" in params:
        zone = _zone(params["TZID"])
    moments = [_parse_moment(part.strip().upper(), zone) for part in value.split(",") if part]
    if dtstart.tzinfo is None:  # all-day: compare as floating dates
        return [m.replace(tzinfo=None) for m in moments]
    return [m if m.tzinfo else m.replace(tzinfo=dtstart.tzinfo) for m in moments]


def _parse_moment(text: str, zone: tzinfo | None, end_of_day: bool = False) -> datetime:
    if re.fullmatch(r"\d{8}", text):
        day = datetime.strptime(text, "%Y%m%d").date()
        moment = datetime.combine(day, time(23, 59, 59) if end_of_day else time())
        return moment.replace(tzinfo=zone) if zone else moment
    if text.endswith("Z"):
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    moment = datetime.strptime(text, "%Y%m%dT%H%M%S")
    return moment.replace(tzinfo=zone) if zone else moment


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise invalid_recurrence() from exc


def as_datetime(day: date) -> datetime:
    return datetime.combine(day, time())
