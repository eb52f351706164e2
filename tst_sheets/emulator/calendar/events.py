"""Calendar's event rules: ids, times, attendees, Meet conferences, instances and rendering.

Stored events keep times in UTC (``{"dateTime": "...Z", "timeZone": zone}``) or as dates;
rendering writes them in the viewing calendar's zone, as Google does.
"""

from __future__ import annotations

import base64
import re
import secrets
import string
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tst_sheets.emulator.calendar import recurrence
from tst_sheets.emulator.clock import parse_rfc3339
from tst_sheets.emulator.errors import ApiError, calendar_error
from tst_sheets.emulator.store import Doc

_ID = re.compile(r"[a-v0-9]{5,1024}")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MEET_ICON = (
    "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/"
    "logo_meet_2020q4_color_2x_web_512dp.png"
)


def bad_request(message: str, reason: str = "badRequest") -> ApiError:
    return calendar_error(400, message, reason)


# -- ids ------------------------------------------------------------------------------------


def new_event_id() -> str:
    """26 characters of lowercase base32hex, like Google's generated ids."""
    return "".join(secrets.choice("0123456789abcdefghijklmnopqrstuv") for _ in range(26))


def check_event_id(event_id: str) -> None:
    """Client-chosen ids: base32hex characters (a-v, 0-9), 5 to 1024 of them."""
    if not _ID.fullmatch(event_id):
        raise bad_request("Invalid resource id value.", "invalid")


def html_link(event_id: str, calendar_id: str) -> str:
    eid = base64.urlsafe_b64encode(f"{event_id} {calendar_id}".encode()).decode().rstrip("=")
    return f"https://www.google.com/calendar/event?eid={eid}"


def etag(updated: str) -> str:
    millis = int(parse_rfc3339(updated).timestamp() * 1000)
    return f'"{millis}000"'


# -- times ----------------------------------------------------------------------------------


def zone(name: str | None) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise bad_request(f"Invalid time zone definition: {name}", "timeRangeEmpty") from exc


def normalise_time(value: Any, which: str, recurring: bool) -> dict[str, Any]:
    """An EventDateTime body in stored form, or Google's 400 for a bad one."""
    if not isinstance(value, dict) or not (value.get("date") or value.get("dateTime")):
        raise bad_request(f"Missing {which} time.", "required")
    if value.get("date"):
        try:
            day = date.fromisoformat(str(value["date"]))
        except ValueError as exc:
            raise bad_request(f"Invalid {which} time.", "invalid") from exc
        return {"date": day.isoformat()}
    tz_name = value.get("timeZone")
    if recurring and not tz_name:
        raise bad_request(f"Missing time zone definition for {which} time.")
    try:
        moment = parse_rfc3339(str(value["dateTime"]))
    except ValueError as exc:
        raise bad_request(f"Invalid {which} time.", "invalid") from exc
    if moment.tzinfo is None:
        if not tz_name:
            raise bad_request(f"Missing time zone definition for {which} time.")
        moment = moment.replace(tzinfo=zone(tz_name))
    stored: dict[str, Any] = {"dateTime": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if tz_name:
        zone(tz_name)
        stored["timeZone"] = tz_name
    return stored


def check_range(start: dict[str, Any], end: dict[str, Any]) -> None:
    if ("date" in start) != ("date" in end):
        raise bad_request("Start and end times must either both be date or both be dateTime.")
    if moment_of(end, UTC) < moment_of(start, UTC):
        raise bad_request("The specified time range is empty.", "timeRangeEmpty")


def moment_of(stored: dict[str, Any], tz: tzinfo) -> datetime:
    """An aware instant; an all-day date starts at midnight in ``tz``."""
    if "date" in stored:
        return datetime.combine(date.fromisoformat(stored["date"]), datetime.min.time(), tz)
    return parse_rfc3339(stored["dateTime"])


def render_time(stored: dict[str, Any], tz: tzinfo) -> dict[str, Any]:
    if "date" in stored:
        return {"date": stored["date"]}
    local = parse_rfc3339(stored["dateTime"]).astimezone(tz)
    text = local.isoformat(timespec="seconds")
    body = {"dateTime": text[:-6] + "Z" if local.utcoffset() == timedelta(0) else text}
    if stored.get("timeZone"):
        body["timeZone"] = stored["timeZone"]
    return body


# -- attendees and conferences -------------------------------------------------------------


def normalise_attendees(attendees: Any, organizer: str) -> list[dict[str, Any]]:
    if attendees is None:
        return []
    if not isinstance(attendees, list):
        raise bad_request("Invalid attendees.", "invalid")
    seen, result = set(), []
    for raw in attendees:
        email = str((raw or {}).get("email") or "").strip().lower()
        if not _EMAIL.match(email):
            raise bad_request("Invalid attendee email.", "invalid")
        if email in seen:
            continue
        seen.add(email)
        person = {k: v for k, v in raw.items() if k not in ("self", "organizer", "id")}
        person["email"] = email
        default = "accepted" if email == organizer else "needsAction"
        person["responseStatus"] = raw.get("responseStatus") or default
        result.append(person)
    return result


def meet_conference(request: dict[str, Any]) -> dict[str, Any]:
    """What Google answers to ``conferenceData.createRequest`` for a Meet link."""
    key = (request.get("conferenceSolutionKey") or {}).get("type", "hangoutsMeet")
    if key != "hangoutsMeet":
        raise bad_request("Invalid conference type value.", "invalid")
    if not request.get("requestId"):
        raise bad_request("Missing conference request id.", "required")
    letters = string.ascii_lowercase
    code = "-".join("".join(secrets.choice(letters) for _ in range(n)) for n in (3, 4, 3))
    uri = f"https://meet.google.com/{code}"
    return {
        "createRequest": {
            "requestId": request["requestId"],
            "conferenceSolutionKey": {"type": "hangoutsMeet"},
            "status": {"statusCode": "success"},
        },
        "entryPoints": [{"entryPointType": "video", "uri": uri, "label": uri[8:]}],
        "conferenceSolution": {
            "key": {"type": "hangoutsMeet"},
            "name": "Google Meet",
            "iconUri": MEET_ICON,
        },
        "conferenceId": code,
    }


# -- instances ------------------------------------------------------------------------------


def is_recurring(doc: Doc) -> bool:
    return bool(doc.get("recurrence")) and not doc.get("recurringEventId")


def expand(master: Doc, window_start: datetime | None, window_end: datetime | None) -> list[Doc]:
    """The instances of a recurring master overlapping the window, as stored-form events."""
    all_day = "date" in master["start"]
    tz = zone(master["start"].get("timeZone"))
    start = moment_of(master["start"], tz).astimezone(tz)
    duration = moment_of(master["end"], tz) - moment_of(master["start"], tz)
    dtstart = start.replace(tzinfo=None) if all_day else start
    lo, hi = window_start, window_end
    if all_day:  # floating dates compare as naive midnights
        lo = lo.astimezone(tz).replace(tzinfo=None) if lo else None
        hi = hi.astimezone(tz).replace(tzinfo=None) if hi else None
    found = recurrence.occurrences(master["recurrence"], dtstart, duration, lo, hi)
    return [_instance(master, when, duration, all_day) for when in found]


def _instance(master: Doc, when: datetime, duration: timedelta, all_day: bool) -> Doc:
    inst = {k: v for k, v in master.items() if k != "recurrence"}
    inst["id"] = f"{master['id']}_{recurrence.instance_suffix(when, all_day)}"
    inst["recurringEventId"] = master["id"]
    inst["start"] = _stored(when, master["start"], all_day)
    inst["end"] = _stored(when + duration, master["end"], all_day)
    inst["originalStartTime"] = dict(inst["start"])
    return inst


def _stored(when: datetime, like: dict[str, Any], all_day: bool) -> dict[str, Any]:
    if all_day:
        return {"date": when.date().isoformat()}
    stored = {"dateTime": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if like.get("timeZone"):
        stored["timeZone"] = like["timeZone"]
    return stored


def make_instance(master: Doc, instance_id: str) -> Doc | None:
    """Instance ``<master>_<suffix>`` if the master's rule produces it, else None."""
    suffix = instance_id[len(master["id"]) + 1 :]
    pattern = "%Y%m%d" if "date" in master["start"] else "%Y%m%dT%H%M%SZ"
    try:
        when = datetime.strptime(suffix, pattern).replace(tzinfo=UTC)
    except ValueError:
        return None
    for inst in expand(master, when - timedelta(days=2), when + timedelta(days=2)):
        if inst["id"] == instance_id:
            return inst
    return None


# -- rendering ------------------------------------------------------------------------------


def render(doc: Doc, view_calendar: str, viewer: str, tz: tzinfo, cancelled: bool) -> Doc:
    """The ``Event`` resource as it shows on ``view_calendar`` (the organizer's or a guest's)."""
    body: dict[str, Any] = {k: v for k, v in doc.items() if not k.startswith("_")}
    body["kind"] = "calendar#event"
    body["etag"] = etag(doc["updated"])
    body["htmlLink"] = html_link(doc["id"], view_calendar)
    body["start"] = render_time(doc["start"], tz)
    body["end"] = render_time(doc["end"], tz)
    if "originalStartTime" in doc:
        body["originalStartTime"] = render_time(doc["originalStartTime"], tz)
    organizer_calendar = doc["_calendar"]
    body["organizer"] = _flag_self(doc["organizer"], organizer_calendar == view_calendar)
    body["creator"] = _flag_self(doc["creator"], doc["creator"]["email"] == viewer)
    if doc.get("attendees"):
        body["attendees"] = [_attendee(a, doc, view_calendar) for a in doc["attendees"]]
    else:
        body.pop("attendees", None)
    if organizer_calendar != view_calendar:
        _guest_copy(body)
    if cancelled:
        body["status"] = "cancelled"
    return body


def _flag_self(person: dict[str, Any], is_self: bool) -> dict[str, Any]:
    return {**person, "self": True} if is_self else dict(person)


def _attendee(person: dict[str, Any], doc: Doc, view_calendar: str) -> dict[str, Any]:
    shown = dict(person)
    if person["email"] == doc["organizer"]["email"]:
        shown["organizer"] = True
    if person["email"] == view_calendar:
        shown["self"] = True
    return shown


def _guest_copy(body: dict[str, Any]) -> None:
    """A guest's copy hides the organizer calendar's private extended properties."""
    props = body.get("extendedProperties")
    if props and "private" in props:
        body["extendedProperties"] = {k: v for k, v in props.items() if k != "private"}
        if not body["extendedProperties"]:
            del body["extendedProperties"]


# -- filters --------------------------------------------------------------------------------


def matches_text(doc: Doc, query: str) -> bool:
    """``q``: every word appears in the summary, description, location or a guest."""
    people = [*(doc.get("attendees") or []), doc.get("organizer") or {}, doc.get("creator") or {}]
    haystack = " ".join(
        [str(doc.get(k) or "") for k in ("summary", "description", "location")]
        + [f"{p.get('email', '')} {p.get('displayName', '')}" for p in people]
    ).lower()
    return all(word in haystack for word in query.lower().split())


def matches_properties(doc: Doc, scope: str, wanted: list[tuple[str, str]]) -> bool:
    props = (doc.get("extendedProperties") or {}).get(scope) or {}
    return all(props.get(key) == value for key, value in wanted)


def overlaps(doc: Doc, lo: datetime | None, hi: datetime | None, tz: tzinfo) -> bool:
    start, end = moment_of(doc["start"], tz), moment_of(doc["end"], tz)
    if end == start:
        end = start + timedelta(seconds=1)  # zero-length events still count at their instant
    return (lo is None or end > lo) and (hi is None or start < hi)
