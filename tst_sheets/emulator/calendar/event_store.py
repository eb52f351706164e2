"""Events: one stored doc per event on its organizer's calendar, seen by guests too.

An event with attendees shows in each attendee's primary calendar under the same id; a
guest may answer (their ``responseStatus``) but not edit. A changed or cancelled
instance of a recurring event is stored as its own doc (an *exception*) with
``recurringEventId``, as Google models it. Deleting only cancels, so sync can report it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from tst_sheets.emulator.accounts import is_service_account
from tst_sheets.emulator.calendar import events as ev
from tst_sheets.emulator.calendar.calendars import Calendars, need_writer, not_found
from tst_sheets.emulator.calendar.recurrence import build_ruleset
from tst_sheets.emulator.clock import Clock
from tst_sheets.emulator.errors import calendar_error
from tst_sheets.emulator.store import Doc, Transaction

# A service account acting as itself may make events but not invite anyone: Google wants
# domain-wide delegation (a Workspace user) for that (see README, "Calendar").
SERVICE_ACCOUNT_INVITES = calendar_error(
    403,
    "Service accounts cannot invite attendees without Domain-Wide Delegation of Authority.",
    "forbiddenForServiceAccounts",
    domain="calendar",
)

EVENT = "cal_event"
WRITABLE = {
    "summary",
    "description",
    "location",
    "start",
    "end",
    "recurrence",
    "attendees",
    "extendedProperties",
    "reminders",
    "colorId",
    "transparency",
    "visibility",
    "status",
    "guestsCanModify",
    "guestsCanInviteOthers",
    "guestsCanSeeOtherGuests",
    "anyoneCanAddSelf",
    "source",
    "attachments",
    "endTimeUnspecified",
    "eventType",
    "conferenceData",
}
GUEST_FIELDS = {"responseStatus", "comment", "additionalGuests"}  # what a guest may change
TIME_FIELDS = ("start", "end", "recurrence")  # changes that bump ``sequence``
_UNSET: Any = object()  # "the body did not mention conferenceData"


@dataclass
class EventView:
    """An event as seen on one calendar: the organizer's, or a guest's primary."""

    doc: Doc
    calendar: str
    cancelled: bool
    guest: bool


@dataclass
class ListQuery:
    time_min: datetime | None = None
    time_max: datetime | None = None
    updated_min: str | None = None
    single: bool = False
    show_deleted: bool = False
    order_by: str | None = None
    text: str | None = None
    ical_uid: str | None = None
    private: list[tuple[str, str]] = field(default_factory=list)
    shared: list[tuple[str, str]] = field(default_factory=list)
    changed_since: str | None = None  # from a sync token


def key(calendar_id: str, event_id: str) -> str:
    return f"{calendar_id}|{event_id}"


class Events:
    def __init__(self, clock: Clock, calendars: Calendars) -> None:
        self.clock = clock
        self.calendars = calendars

    # -- reads ---------------------------------------------------------------------------

    def find(self, txn: Transaction, user: str, calendar_id: str, event_id: str) -> EventView:
        """An event (or instance) on a calendar the caller can read; 404 otherwise."""
        cal = self.calendars.get(txn, user, calendar_id, "reader")
        view = self._lookup(txn, cal, event_id)
        if view is None:
            raise not_found()
        return view

    def zone_of(self, txn: Transaction, user: str, calendar_id: str) -> tzinfo:
        cal = self.calendars.get(txn, user, calendar_id, "freeBusyReader")
        return ev.zone(cal.get("timeZone"))

    def search(
        self, txn: Transaction, user: str, calendar_id: str, query: ListQuery
    ) -> list[EventView]:
        """events.list for a caller who may read the calendar."""
        cal = self.calendars.get(txn, user, calendar_id, "reader")
        return self.on_calendar(txn, cal, query)

    def on_calendar(self, txn: Transaction, cal: Doc, query: ListQuery) -> list[EventView]:
        """The events on a calendar doc matching ``query``, without an access check (viewer)."""
        tz = ev.zone(cal.get("timeZone"))
        every = self._views(txn, cal)
        views = [v for v in every if self._wanted(v, query)]
        if query.single:
            views = self._expand(views, query, _exception_ids(every))
        views = [v for v in views if self._in_window(v, query, tz)]
        return _ordered(views, query, tz)

    def instances(
        self, txn: Transaction, user: str, calendar_id: str, event_id: str, query: ListQuery
    ) -> list[EventView]:
        master = self.find(txn, user, calendar_id, event_id)
        if not ev.is_recurring(master.doc):
            raise calendar_error(400, "The event is not a recurring event.", "invalid")
        cal = self.calendars.get(txn, user, calendar_id, "reader")
        related = [
            v
            for v in self._views(txn, cal)
            if v.doc["id"] == event_id or v.doc.get("recurringEventId") == event_id
        ]
        query.single = True
        views = [v for v in related if self._wanted(v, query)]
        views = self._expand(views, query, _exception_ids(related))
        tz = ev.zone(cal.get("timeZone"))
        return _ordered([v for v in views if self._in_window(v, query, tz)], query, tz)

    # -- writes --------------------------------------------------------------------------

    def insert(
        self, txn: Transaction, user: str, calendar_id: str, body: dict[str, Any], meet: bool
    ) -> EventView:
        cal = self.calendars.get(txn, user, calendar_id, "writer")
        event_id = body.get("id") or ev.new_event_id()
        ev.check_event_id(event_id)
        if txn.get(EVENT, key(cal["id"], event_id)) is not None:
            raise calendar_error(409, "The requested identifier already exists.", "duplicate")
        stamp = self.clock.stamp()
        doc: Doc = {
            "_calendar": cal["id"],
            "_former": [],
            "_hidden": [],
            "id": event_id,
            "status": "confirmed",
            "created": stamp,
            "updated": stamp,
            "creator": {"email": user},
            "organizer": _organizer(cal),
            "iCalUID": body.get("iCalUID") or f"{event_id}@google.com",
            "sequence": int(body.get("sequence") or 0),
            "reminders": {"useDefault": True},
            "eventType": "default",
        }
        self._apply(doc, {k: v for k, v in body.items() if k in WRITABLE}, meet, False, new=True)
        _refuse_invites_by_service_account(user, doc)
        txn.put(EVENT, key(cal["id"], event_id), doc)
        return EventView(doc, cal["id"], False, False)

    def change(
        self,
        txn: Transaction,
        user: str,
        calendar_id: str,
        event_id: str,
        body: dict[str, Any],
        *,
        replace: bool,
        meet: bool,
    ) -> EventView:
        """events.patch (merge) or events.update (``replace``)."""
        view = self.find(txn, user, calendar_id, event_id)
        if view.guest:
            return self._guest_change(txn, view, body, replace)
        self.calendars.get(txn, user, calendar_id, "writer")
        doc = self._stored(txn, view)
        self._apply(doc, {k: v for k, v in body.items() if k in WRITABLE}, meet, replace)
        _refuse_invites_by_service_account(user, doc)
        txn.put(EVENT, key(doc["_calendar"], doc["id"]), doc)
        return EventView(doc, view.calendar, doc["status"] == "cancelled", False)

    def delete(self, txn: Transaction, user: str, calendar_id: str, event_id: str) -> None:
        view = self.find(txn, user, calendar_id, event_id)
        if view.cancelled:
            raise calendar_error(410, "Resource has been deleted", "deleted")
        if view.guest:  # a guest deleting an invitation only drops it from their calendar
            view.doc["_hidden"].append(view.calendar)
            self._save(txn, view.doc)
            return
        self.calendars.get(txn, user, calendar_id, "writer")
        doc = self._stored(txn, view)
        doc["status"] = "cancelled"
        self._save(txn, doc)
        if ev.is_recurring(doc):  # the whole series goes, changed instances included
            for _, other in txn.all(EVENT):
                same_series = other.get("recurringEventId") == doc["id"]
                if same_series and other["_calendar"] == doc["_calendar"]:
                    other["status"] = "cancelled"
                    self._save(txn, other)

    def clear(self, txn: Transaction, calendar_id: str) -> None:
        """Cancel every event the calendar organizes (calendars.clear / delete)."""
        for _, doc in txn.all(EVENT):
            if doc["_calendar"] == calendar_id and doc["status"] != "cancelled":
                doc["status"] = "cancelled"
                self._save(txn, doc)

    # -- views ---------------------------------------------------------------------------

    def _views(self, txn: Transaction, cal: Doc) -> list[EventView]:
        """Every stored event on ``cal``: its own, plus invitations on a primary calendar."""
        cid, views = cal["id"], []
        for _, doc in txn.all(EVENT):
            if doc["_calendar"] == cid:
                views.append(EventView(doc, cid, doc["status"] == "cancelled", False))
            elif cal.get("primary") and _is_guest(doc, cid):
                gone = doc["status"] == "cancelled" or cid in doc["_former"] + doc["_hidden"]
                views.append(EventView(doc, cid, gone, True))
        return views

    def _lookup(self, txn: Transaction, cal: Doc, event_id: str) -> EventView | None:
        for view in self._views(txn, cal):
            if view.doc["id"] == event_id:
                return view
        master_id, sep, _ = event_id.rpartition("_")
        if not sep:
            return None
        for view in self._views(txn, cal):
            if view.doc["id"] == master_id and ev.is_recurring(view.doc):
                inst = ev.make_instance(view.doc, event_id)
                if inst is not None:
                    return EventView(inst, view.calendar, view.cancelled, view.guest)
        return None

    def _wanted(self, view: EventView, query: ListQuery) -> bool:
        doc = view.doc
        if query.changed_since is not None:
            return bool(doc["updated"] > query.changed_since)
        if query.updated_min is not None and doc["updated"] < query.updated_min:
            return False
        if view.cancelled and not self._show_cancelled(view, query):
            return False
        if query.ical_uid and doc.get("iCalUID") != query.ical_uid:
            return False
        if query.text and not ev.matches_text(doc, query.text):
            return False
        if query.private and (
            view.guest or not ev.matches_properties(doc, "private", query.private)
        ):
            return False
        return not query.shared or ev.matches_properties(doc, "shared", query.shared)

    @staticmethod
    def _show_cancelled(view: EventView, query: ListQuery) -> bool:
        """Google's rules: cancelled instances show unless singleEvents hides them."""
        exception = bool(view.doc.get("recurringEventId"))
        if query.updated_min is not None:
            return True
        if query.single:
            return query.show_deleted and not ev.is_recurring(view.doc)
        return query.show_deleted or exception

    def _expand(
        self, views: list[EventView], query: ListQuery, exceptions: set[tuple[str, str]]
    ) -> list[EventView]:
        """singleEvents: masters become their instances; exceptions replace instances."""
        out = [v for v in views if not ev.is_recurring(v.doc)]
        syncing = query.changed_since is not None
        lo, hi = (None, None) if syncing else (query.time_min, query.time_max)
        for view in views:
            if not ev.is_recurring(view.doc) or view.cancelled:
                continue
            for inst in ev.expand(view.doc, lo, hi):
                if (view.calendar, inst["id"]) not in exceptions:
                    out.append(EventView(inst, view.calendar, False, view.guest))
        return out

    @staticmethod
    def _in_window(view: EventView, query: ListQuery, tz: tzinfo) -> bool:
        if query.changed_since is not None or (query.time_min is None and query.time_max is None):
            return True
        if ev.is_recurring(view.doc):
            return bool(ev.expand(view.doc, query.time_min, query.time_max)[:1])
        return ev.overlaps(view.doc, query.time_min, query.time_max, tz)

    # -- write helpers -------------------------------------------------------------------

    def _stored(self, txn: Transaction, view: EventView) -> Doc:
        """The doc to change: an unstored instance becomes an exception of its master."""
        if txn.get(EVENT, key(view.doc["_calendar"], view.doc["id"])) is not None:
            return view.doc
        inst = copy.deepcopy(view.doc)
        inst["created"] = self.clock.stamp()
        txn.put(EVENT, key(inst["_calendar"], inst["id"]), inst)
        return inst

    def _apply(
        self, doc: Doc, body: dict[str, Any], meet: bool, replace: bool, new: bool = False
    ) -> None:
        """Write a body onto a stored event, normalised and checked as Google checks it."""
        before = {k: copy.deepcopy(doc.get(k)) for k in TIME_FIELDS}
        old_guests = {a["email"] for a in doc.get("attendees") or []}
        conference = body.pop("conferenceData", None) if "conferenceData" in body else _UNSET
        if replace:
            for name in WRITABLE - {"conferenceData", "status"}:
                doc.pop(name, None)
            doc["reminders"] = {"useDefault": True}
        _merge(doc, body)
        self._conference(doc, conference, meet)
        self._normalise(doc)
        new_guests = {a["email"] for a in doc.get("attendees") or []}
        doc["_former"] = sorted((set(doc["_former"]) | (old_guests - new_guests)) - new_guests)
        if not new and any(doc.get(k) != before[k] for k in TIME_FIELDS):
            doc["sequence"] = int(doc.get("sequence", 0)) + 1
        doc["updated"] = self.clock.stamp()

    @staticmethod
    def _conference(doc: Doc, conference: Any, meet: bool) -> None:
        """conferenceData counts only with conferenceDataVersion=1, as on Google."""
        if not meet or conference is _UNSET:
            return
        if conference is None:
            doc.pop("conferenceData", None)
            doc.pop("hangoutLink", None)
            return
        request = conference.get("createRequest")
        existing = doc.get("conferenceData") or {}
        same = (existing.get("createRequest") or {}).get("requestId") == (request or {}).get(
            "requestId"
        )
        if request and not (existing and same):
            doc["conferenceData"] = ev.meet_conference(request)
            doc["hangoutLink"] = doc["conferenceData"]["entryPoints"][0]["uri"]
        elif not request:
            doc["conferenceData"] = conference

    @staticmethod
    def _normalise(doc: Doc) -> None:
        recurring = bool(doc.get("recurrence")) and not doc.get("recurringEventId")
        doc["start"] = ev.normalise_time(doc.get("start"), "start", recurring)
        doc["end"] = ev.normalise_time(doc.get("end"), "end", recurring)
        ev.check_range(doc["start"], doc["end"])
        if recurring:
            tz = ev.zone(doc["start"].get("timeZone"))
            start = ev.moment_of(doc["start"], tz).astimezone(tz)
            build_ruleset(
                list(doc["recurrence"]),
                start if "dateTime" in doc["start"] else start.replace(tzinfo=None),
            )
        elif "recurrence" in doc and not doc["recurrence"]:
            del doc["recurrence"]
        organizer = doc["organizer"]["email"]
        doc["attendees"] = ev.normalise_attendees(doc.get("attendees"), organizer)
        if not doc["attendees"]:
            del doc["attendees"]
        if doc.get("status") not in ("confirmed", "tentative", "cancelled"):
            doc["status"] = "confirmed"

    def _guest_change(
        self, txn: Transaction, view: EventView, body: dict[str, Any], replace: bool
    ) -> EventView:
        """A guest may change only their own answer unless guestsCanModify is set."""
        if view.doc.get("guestsCanModify") and not view.cancelled:
            doc = self._stored(txn, view)
            self._apply(doc, {k: v for k, v in body.items() if k in WRITABLE}, False, replace)
            self._save(txn, doc)
            return EventView(doc, view.calendar, False, True)
        answer = _own_answer(view, body, replace)
        doc = self._stored(txn, view)
        for person in doc.get("attendees", []):
            if person["email"] == view.calendar:
                person.update(answer)
        self._save(txn, doc)
        return EventView(doc, view.calendar, view.cancelled, True)

    def _save(self, txn: Transaction, doc: Doc) -> None:
        doc["updated"] = self.clock.stamp()
        txn.put(EVENT, key(doc["_calendar"], doc["id"]), doc)


# -- helpers --------------------------------------------------------------------------------


def _organizer(cal: Doc) -> dict[str, Any]:
    if cal.get("primary"):
        return {"email": cal["id"]}
    return {"email": cal["id"], "displayName": cal.get("summary", cal["id"])}


def _is_guest(doc: Doc, calendar_id: str) -> bool:
    emails = {a["email"] for a in doc.get("attendees") or []}
    return calendar_id in emails or calendar_id in doc["_former"]


def _merge(doc: Doc, patch: dict[str, Any]) -> None:
    """Patch semantics: objects merge key by key, lists and scalars replace, null clears."""
    for name, value in patch.items():
        if value is None:
            doc.pop(name, None)
        elif isinstance(value, dict) and isinstance(doc.get(name), dict):
            _merge(doc[name], value)
        else:
            doc[name] = copy.deepcopy(value)


def _own_answer(view: EventView, body: dict[str, Any], replace: bool) -> dict[str, Any]:
    """The guest's new answer, or 403 if the body changes anything else."""
    doc = view.doc
    candidate = copy.deepcopy({k: v for k, v in doc.items() if k in WRITABLE})
    if replace:
        candidate = {}
    _merge(candidate, {k: v for k, v in body.items() if k in WRITABLE})
    people = candidate.get("attendees") or []
    mine: dict[str, Any] = next((a for a in people if a.get("email") == view.calendar), {})
    answer = {k: mine[k] for k in GUEST_FIELDS if k in mine}
    if _without_answer(candidate, view.calendar) != _without_answer(doc, view.calendar):
        raise need_writer()
    return answer


def _without_answer(doc: Doc, guest: str) -> dict[str, Any]:
    """The writable part of an event minus the guest's own answer, comparable as stored."""
    body = {k: copy.deepcopy(v) for k, v in doc.items() if k in WRITABLE}
    for name in ("start", "end"):
        if isinstance(body.get(name), dict):
            body[name] = ev.normalise_time(body[name], name, False)
    people = []
    for person in body.get("attendees") or []:
        dropped = {"self", "organizer"} | (GUEST_FIELDS if person.get("email") == guest else set())
        people.append({k: v for k, v in person.items() if k not in dropped})
    body["attendees"] = sorted(people, key=lambda p: str(p.get("email")))
    return body


def _exception_ids(views: list[EventView]) -> set[tuple[str, str]]:
    return {(v.calendar, v.doc["id"]) for v in views if v.doc.get("recurringEventId")}


def _ordered(views: list[EventView], query: ListQuery, tz: tzinfo) -> list[EventView]:
    if query.order_by == "updated":
        return sorted(views, key=lambda v: (v.doc["updated"], v.doc["id"]))
    return sorted(views, key=lambda v: (ev.moment_of(v.doc["start"], tz), v.doc["id"]))


def _refuse_invites_by_service_account(user: str, doc: Doc) -> None:
    if is_service_account(user) and any(a["email"] != user for a in doc.get("attendees") or []):
        raise SERVICE_ACCOUNT_INVITES
