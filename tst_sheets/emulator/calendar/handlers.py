"""Calendar v3 over HTTP: request parsing and response shaping; state lives in the models."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import datetime, tzinfo
from typing import Any

from werkzeug.wrappers import Response

from tst_sheets.emulator.calendar import events as ev
from tst_sheets.emulator.calendar.event_store import EventView, ListQuery
from tst_sheets.emulator.calendar.models import CalendarBackend
from tst_sheets.emulator.clock import parse_rfc3339, rfc3339
from tst_sheets.emulator.errors import ApiError, calendar_error
from tst_sheets.emulator.fields import select
from tst_sheets.emulator.http import Call, Handler, Kind, Route, no_content
from tst_sheets.emulator.store import Doc

_V3 = "/calendar/v3"
_CAL = _V3 + r"/calendars/(?P<calendarId>[^/]+)"
_EVENT = _CAL + r"/events/(?P<eventId>[^/]+)"
_RULE = _CAL + r"/acl/(?P<ruleId>[^/]+)"
_LIST = _V3 + r"/users/me/calendarList"
_LIST_ENTRY = _LIST + r"/(?P<calendarId>[^/]+)"
_SYNC_EXCLUSIVE = (
    "iCalUID",
    "orderBy",
    "privateExtendedProperty",
    "q",
    "sharedExtendedProperty",
    "timeMin",
    "timeMax",
    "updatedMin",
)
CONFERENCE = {"allowedConferenceSolutionTypes": ["hangoutsMeet"]}


def routes(backend: CalendarBackend) -> list[Route]:
    cal, ev_api = CalendarsApi(backend), EventsApi(backend)

    def route(method: str, pattern: str, name: str, kind: Kind, handler: Handler) -> Route:
        return Route(method, pattern, "calendar", name, kind, handler)

    return [
        route("POST", _V3 + "/calendars", "calendars.insert", "write", cal.insert),
        route("GET", _CAL, "calendars.get", "read", cal.get),
        route("PATCH", _CAL, "calendars.patch", "write", cal.patch),
        route("PUT", _CAL, "calendars.update", "write", cal.update),
        route("DELETE", _CAL, "calendars.delete", "write", cal.delete),
        route("POST", _CAL + "/clear", "calendars.clear", "write", cal.clear),
        route("GET", _LIST, "calendarList.list", "read", cal.list_entries),
        route("POST", _LIST, "calendarList.insert", "write", cal.add_entry),
        route("GET", _LIST_ENTRY, "calendarList.get", "read", cal.entry),
        route("PATCH", _LIST_ENTRY, "calendarList.patch", "write", cal.change_entry),
        route("PUT", _LIST_ENTRY, "calendarList.update", "write", cal.change_entry),
        route("DELETE", _LIST_ENTRY, "calendarList.delete", "write", cal.remove_entry),
        route("GET", _CAL + "/acl", "acl.list", "read", cal.rules),
        route("POST", _CAL + "/acl", "acl.insert", "write", cal.add_rule),
        route("GET", _RULE, "acl.get", "read", cal.rule),
        route("PATCH", _RULE, "acl.patch", "write", cal.change_rule),
        route("PUT", _RULE, "acl.update", "write", cal.change_rule),
        route("DELETE", _RULE, "acl.delete", "write", cal.delete_rule),
        route("GET", _CAL + "/events", "events.list", "read", ev_api.list_events),
        route("POST", _CAL + "/events", "events.insert", "write", ev_api.insert),
        route("GET", _EVENT, "events.get", "read", ev_api.get),
        route("PATCH", _EVENT, "events.patch", "write", ev_api.patch),
        route("PUT", _EVENT, "events.update", "write", ev_api.update),
        route("DELETE", _EVENT, "events.delete", "write", ev_api.delete),
        route("GET", _EVENT + "/instances", "events.instances", "read", ev_api.instances),
    ]


# -- calendars, calendar list and ACL ---------------------------------------------------------


class CalendarsApi:
    def __init__(self, backend: CalendarBackend) -> None:
        self.cals = backend.calendars
        self.events = backend.events

    def insert(self, call: Call) -> dict[str, Any]:
        return _calendar_view(call, self.cals.insert(call.txn, call.user, call.json()))

    def get(self, call: Call) -> dict[str, Any]:
        doc = self.cals.get(call.txn, call.user, call.params["calendarId"], "freeBusyReader")
        return _calendar_view(call, doc)

    def patch(self, call: Call) -> dict[str, Any]:
        doc = self.cals.change(call.txn, call.user, call.params["calendarId"], call.json(), False)
        return _calendar_view(call, doc)

    def update(self, call: Call) -> dict[str, Any]:
        doc = self.cals.change(call.txn, call.user, call.params["calendarId"], call.json(), True)
        return _calendar_view(call, doc)

    def delete(self, call: Call) -> Response:
        doc = self.cals.delete(call.txn, call.user, call.params["calendarId"])
        self.events.clear(call.txn, doc["id"])
        return no_content()

    def clear(self, call: Call) -> Response:
        doc = self.cals.get(call.txn, call.user, call.params["calendarId"], "owner")
        self.events.clear(call.txn, doc["id"])
        return no_content()

    def list_entries(self, call: Call) -> dict[str, Any]:
        floor = call.arg("minAccessRole") or "freeBusyReader"
        docs = [
            d
            for d in self.cals.listed(call.txn, call.user)
            if _rank(self.cals.access_role(d, call.user)) >= _rank(floor)
        ]
        entries = [self._entry(call, d) for d in docs]
        if not call.flag("showHidden"):
            entries = [e for e in entries if not e.get("hidden")]
        body: dict[str, Any] = {"kind": "calendar#calendarList", "etag": _etag_of(entries)}
        body.update(_page(call, entries, 100, 250))
        if "nextPageToken" not in body:
            body["nextSyncToken"] = _encode({"c": "calendarList", "t": call.user})
        return dict(select(body, call.arg("fields")))

    def entry(self, call: Call) -> dict[str, Any]:
        doc = self.cals.list_entry(call.txn, call.user, call.params["calendarId"])
        return dict(select(self._entry(call, doc), call.arg("fields")))

    def add_entry(self, call: Call) -> dict[str, Any]:
        body = call.json()
        if not body.get("id"):
            raise calendar_error(400, "Required", "required")
        doc = self.cals.add_to_list(call.txn, call.user, str(body["id"]), body)
        return dict(select(self._entry(call, doc), call.arg("fields")))

    def change_entry(self, call: Call) -> dict[str, Any]:
        doc = self.cals.change_list_entry(
            call.txn, call.user, call.params["calendarId"], call.json()
        )
        return dict(select(self._entry(call, doc), call.arg("fields")))

    def remove_entry(self, call: Call) -> Response:
        self.cals.remove_from_list(call.txn, call.user, call.params["calendarId"])
        return no_content()

    def rules(self, call: Call) -> dict[str, Any]:
        stored = self.cals.rules(call.txn, call.user, call.params["calendarId"])
        rules = [_rule_view(r) for r in stored]
        body: dict[str, Any] = {"kind": "calendar#acl", "etag": _etag_of(rules)}
        body.update(_page(call, rules, 100, 250))
        return dict(select(body, call.arg("fields")))

    def rule(self, call: Call) -> dict[str, Any]:
        rule = self.cals.rule(call.txn, call.user, call.params["calendarId"], call.params["ruleId"])
        return dict(select(_rule_view(rule), call.arg("fields")))

    def add_rule(self, call: Call) -> dict[str, Any]:
        rule = self.cals.put_rule(call.txn, call.user, call.params["calendarId"], call.json())
        return dict(select(_rule_view(rule), call.arg("fields")))

    def change_rule(self, call: Call) -> dict[str, Any]:
        rule = self.cals.change_rule(
            call.txn,
            call.user,
            call.params["calendarId"],
            call.params["ruleId"],
            call.json().get("role"),
        )
        return dict(select(_rule_view(rule), call.arg("fields")))

    def delete_rule(self, call: Call) -> Response:
        self.cals.delete_rule(call.txn, call.user, call.params["calendarId"], call.params["ruleId"])
        return no_content()

    def _entry(self, call: Call, doc: Doc) -> dict[str, Any]:
        """A CalendarListEntry: the calendar plus this user's settings for it."""
        role = self.cals.access_role(doc, call.user)
        entry: dict[str, Any] = {
            "kind": "calendar#calendarListEntry",
            "etag": ev.etag(doc["updated"]),
            "id": doc["id"],
            "summary": doc["summary"],
            "timeZone": doc["timeZone"],
            "colorId": "14",
            "backgroundColor": "#9fe1e7",
            "foregroundColor": "#000000",
            "selected": True,
            "accessRole": role,
            "defaultReminders": [],
            "conferenceProperties": CONFERENCE,
        }
        for key in ("description", "location"):
            if doc.get(key):
                entry[key] = doc[key]
        if doc.get("primary") and doc["id"] == call.user:
            entry["primary"] = True
            entry["defaultReminders"] = [{"method": "popup", "minutes": 10}]
        entry.update(self.cals.list_settings(call.txn, call.user, doc["id"]))
        return entry


# -- events ---------------------------------------------------------------------------------


class EventsApi:
    def __init__(self, backend: CalendarBackend) -> None:
        self.backend = backend
        self.events = backend.events
        self.clock = backend.clock

    def insert(self, call: Call) -> dict[str, Any]:
        view = self.events.insert(
            call.txn, call.user, call.params["calendarId"], call.json(), _meet(call)
        )
        return self._view(call, view)

    def get(self, call: Call) -> dict[str, Any]:
        view = self.events.find(
            call.txn, call.user, call.params["calendarId"], call.params["eventId"]
        )
        return self._view(call, view)

    def patch(self, call: Call) -> dict[str, Any]:
        return self._change(call, replace=False)

    def update(self, call: Call) -> dict[str, Any]:
        return self._change(call, replace=True)

    def delete(self, call: Call) -> Response:
        self.events.delete(call.txn, call.user, call.params["calendarId"], call.params["eventId"])
        return no_content()

    def list_events(self, call: Call) -> dict[str, Any]:
        cid = call.params["calendarId"]
        query, stamp = self._list_query(call)
        views = self.events.search(call.txn, call.user, cid, query)
        return self._listing(call, views, stamp)

    def instances(self, call: Call) -> dict[str, Any]:
        query = ListQuery(
            time_min=_time_param(call, "timeMin"),
            time_max=_time_param(call, "timeMax"),
            show_deleted=call.flag("showDeleted"),
        )
        views = self.events.instances(
            call.txn, call.user, call.params["calendarId"], call.params["eventId"], query
        )
        return self._listing(call, views, None)

    # -- helpers -------------------------------------------------------------------------

    def _change(self, call: Call, replace: bool) -> dict[str, Any]:
        view = self.events.change(
            call.txn,
            call.user,
            call.params["calendarId"],
            call.params["eventId"],
            call.json(),
            replace=replace,
            meet=_meet(call),
        )
        return self._view(call, view)

    def _list_query(self, call: Call) -> tuple[ListQuery, str]:
        """The filters of events.list; a sync token stands in for all of them."""
        token, page = call.arg("syncToken"), _decode_page(call.arg("pageToken"))
        stamp = str(page.get("s") or self.clock.stamp())
        single = call.flag("singleEvents")
        if token:
            if any(call.arg(name) for name in _SYNC_EXCLUSIVE):
                raise calendar_error(400, "Sync token cannot be used with other parameters.")
            return ListQuery(single=single, changed_since=self._sync_since(call, token)), stamp
        order = call.arg("orderBy")
        if order not in (None, "startTime", "updated") or (order == "startTime" and not single):
            raise calendar_error(
                400, "The requested ordering is not available for the particular query."
            )
        return ListQuery(
            time_min=_time_param(call, "timeMin"),
            time_max=_time_param(call, "timeMax"),
            updated_min=_stamp_param(call, "updatedMin"),
            single=single,
            show_deleted=call.flag("showDeleted"),
            order_by=order,
            text=call.arg("q"),
            ical_uid=call.arg("iCalUID"),
            private=_properties(call, "privateExtendedProperty"),
            shared=_properties(call, "sharedExtendedProperty"),
        ), stamp

    def _sync_since(self, call: Call, token: str) -> str:
        data = _decode(token)
        cid = self.backend.calendars.resolve(call.user, call.params["calendarId"])
        if data.get("c") != cid or not isinstance(data.get("t"), str):
            raise calendar_error(
                410, "Sync token is no longer valid, a full sync is required.", "fullSyncRequired"
            )
        return str(data["t"])

    def _listing(self, call: Call, views: list[EventView], stamp: str | None) -> dict[str, Any]:
        cal = self.backend.calendars.get(call.txn, call.user, call.params["calendarId"])
        tz = self._zone(call, cal)
        items = [ev.render(v.doc, v.calendar, call.user, tz, v.cancelled) for v in views]
        body: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": _etag_of(items),
            "summary": cal["summary"],
            "updated": max([cal["updated"], *(i["updated"] for i in items)]),
            "timeZone": cal["timeZone"],
            "accessRole": self.backend.calendars.access_role(cal, call.user),
            "defaultReminders": [],
        }
        if cal.get("description"):
            body["description"] = cal["description"]
        body.update(_page(call, items, 250, 2500, {"s": stamp} if stamp else {}))
        if stamp and "nextPageToken" not in body:
            body["nextSyncToken"] = _encode({"c": cal["id"], "t": stamp})
        return dict(select(body, call.arg("fields")))

    def _view(self, call: Call, view: EventView) -> dict[str, Any]:
        cal = self.backend.calendars.get(call.txn, call.user, call.params["calendarId"])
        body = ev.render(view.doc, view.calendar, call.user, self._zone(call, cal), view.cancelled)
        return dict(select(body, call.arg("fields")))

    @staticmethod
    def _zone(call: Call, cal: Doc) -> tzinfo:
        return ev.zone(call.arg("timeZone") or cal.get("timeZone"))


# -- parsing helpers ------------------------------------------------------------------------


def _meet(call: Call) -> bool:
    return (call.arg("conferenceDataVersion") or "0") == "1"


def _time_param(call: Call, name: str) -> datetime | None:
    raw = call.arg(name)
    if not raw:
        return None
    try:
        moment = parse_rfc3339(raw)
    except ValueError as exc:
        raise calendar_error(400, "Bad Request") from exc
    if moment.tzinfo is None:
        raise calendar_error(400, "Bad Request")
    return moment


def _stamp_param(call: Call, name: str) -> str | None:
    moment = _time_param(call, name)
    return None if moment is None else rfc3339(moment)


def _properties(call: Call, name: str) -> list[tuple[str, str]]:
    pairs = []
    for raw in call.query.getlist(name):
        prop, sep, value = raw.partition("=")
        if not sep or not prop:
            raise calendar_error(400, f"Invalid {name} value.", "invalid")
        pairs.append((prop, value))
    return pairs


def _page(
    call: Call,
    items: list[dict[str, Any]],
    default: int,
    limit: int,
    carry: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``items`` and ``nextPageToken`` for ``maxResults`` / ``pageToken``."""
    try:
        size = min(int(call.arg("maxResults") or default), limit)
    except ValueError as exc:
        raise calendar_error(400, "Invalid value for maxResults.", "invalid") from exc
    if size < 1:
        raise calendar_error(400, "Invalid value for maxResults.", "invalid")
    offset = int(_decode_page(call.arg("pageToken")).get("o", 0))
    body: dict[str, Any] = {"items": items[offset : offset + size]}
    if offset + size < len(items):
        body["nextPageToken"] = _encode({"o": offset + size, **(carry or {})})
    return body


def _encode(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _decode(token: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        data = None
    return data if isinstance(data, dict) else {}


def _decode_page(token: str | None) -> dict[str, Any]:
    if not token:
        return {}
    data = _decode(token)
    if not isinstance(data.get("o"), int):
        raise calendar_error(400, "Invalid page token value.", "invalid")
    return data


def _calendar_view(call: Call, doc: Doc) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "calendar#calendar",
        "etag": ev.etag(doc["updated"]),
        "id": doc["id"],
        "summary": doc["summary"],
        "timeZone": doc["timeZone"],
        "conferenceProperties": CONFERENCE,
    }
    for key in ("description", "location"):
        if doc.get(key):
            body[key] = doc[key]
    return dict(select(body, call.arg("fields")))


def _rule_view(rule: Doc) -> dict[str, Any]:
    body = {
        "kind": "calendar#aclRule",
        "id": rule["id"],
        "scope": dict(rule["scope"]),
        "role": rule["role"],
    }
    return {**body, "etag": _digest(json.dumps(body, sort_keys=True))}


def _etag_of(items: list[dict[str, Any]]) -> str:
    return _digest("".join(str(i.get("etag", "")) for i in items))


def _digest(text: str) -> str:
    """A stable etag: the same content answers the same tag across restarts."""
    return '"' + str(int(hashlib.sha1(text.encode()).hexdigest()[:12], 16)) + '"'


def _rank(role: str) -> int:
    order = ["none", "freeBusyReader", "reader", "writer", "owner"]
    if role not in order:
        raise ApiError(400, "Invalid minAccessRole value.")
    return order.index(role)
