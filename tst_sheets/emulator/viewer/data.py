"""What the viewer reads, through the backends' own state models (never their HTTP layer).

The one module that knows the backends' Python API; the pages see plain data and Google's
JSON shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tst_sheets.emulator.calendar.calendars import CALENDAR, Calendars
from tst_sheets.emulator.calendar.event_store import EVENT, ListQuery
from tst_sheets.emulator.calendar.events import render as render_event
from tst_sheets.emulator.calendar.events import zone
from tst_sheets.emulator.drive.models import FILE, SPREADSHEET_MIME
from tst_sheets.emulator.errors import ApiError
from tst_sheets.emulator.gmail.resources import render as render_message
from tst_sheets.emulator.sheets import grid as sheet_grid
from tst_sheets.emulator.sheets.models import KIND as SHEETS_KIND
from tst_sheets.emulator.store import Doc, Transaction

if TYPE_CHECKING:
    from tst_sheets.emulator.app import EmulatorApp


# -- people and files --------------------------------------------------------------------------


def identities(app: EmulatorApp, txn: Transaction) -> list[str]:
    """Everyone who owns or was given a spreadsheet or a calendar, is in a shared drive, or
    has a mailbox."""
    people: set[str] = set()
    for doc in _spreadsheet_docs(app, txn):
        people.update(readers(doc))
    for _, doc in txn.all(FILE):
        if doc.get("isDriveRoot"):  # a shared drive: its members see its spreadsheets
            people.update(readers(doc))
    people.update(owner for owner, _ in _calendar_owners(app, txn))
    people.update(str(box["email"]) for box in app.gmail.mailboxes.all(txn))
    return sorted(people)


def readers(doc: Doc) -> list[str]:
    """The users a file is shared with by name, its owner first."""
    owner = str(doc.get("ownerEmail", ""))
    others = {
        str(p.get("emailAddress", "")).lower()
        for p in doc.get("permissions", [])
        if p.get("type") in ("user", "group") and p.get("emailAddress")
    } - {owner}
    return [owner, *sorted(others)] if owner else sorted(others)


def spreadsheets(app: EmulatorApp, txn: Transaction, as_user: str | None) -> list[Doc]:
    """Spreadsheets ``as_user`` can open (all of them without one), newest change first."""
    docs = [d for d in _spreadsheet_docs(app, txn) if _may_read(app, txn, d, as_user)]
    return sorted(docs, key=lambda d: str(d.get("modifiedTime", "")), reverse=True)


def exists(app: EmulatorApp, txn: Transaction, spreadsheet_id: str) -> bool:
    doc = app.drive.find(txn, spreadsheet_id)
    return doc is not None and doc.get("mimeType") == SPREADSHEET_MIME and not doc.get("trashed")


def can_read(app: EmulatorApp, txn: Transaction, spreadsheet_id: str, as_user: str | None) -> bool:
    doc = app.drive.find(txn, spreadsheet_id)
    if doc is None or not exists(app, txn, spreadsheet_id):
        return False
    return _may_read(app, txn, doc, as_user)


def _spreadsheet_docs(app: EmulatorApp, txn: Transaction) -> list[Doc]:
    return [
        d
        for d in app.drive.all_files(txn)
        if d.get("mimeType") == SPREADSHEET_MIME and not d.get("trashed")
    ]


def _may_read(app: EmulatorApp, txn: Transaction, doc: Doc, as_user: str | None) -> bool:
    return as_user is None or app.drive.effective_role(txn, doc, as_user) > 0


# -- spreadsheet content -----------------------------------------------------------------------


def spreadsheet_json(
    app: EmulatorApp, txn: Transaction, spreadsheet_id: str, gid: str | None, user: str | None
) -> tuple[dict[str, Any], int | None]:
    """The ``Spreadsheet`` resource, the tab ``gid`` (else the first shown) with its GridData,
    rendered by the Sheets backend exactly as ``spreadsheets.get?includeGridData`` renders
    it; and the chosen tab's sheetId (None when there are no tabs)."""
    doc = txn.get(SHEETS_KIND, spreadsheet_id)
    if doc is None:  # a Drive-made file the Sheets backend has not opened yet: no tabs
        return {"properties": {"title": _title(app, txn, spreadsheet_id)}, "sheets": []}, None
    viewer = user or app.sheets.owner(txn, spreadsheet_id)
    book: dict[str, Any] = app.sheets.to_json(txn, doc, viewer)
    chosen = _chosen_id(book.get("sheets") or [], gid)
    sheet = next((s for s in doc["sheets"] if sheet_grid.sheet_id(s) == chosen), None)
    if sheet is None:
        return book, None
    rows, cols = sheet_grid.extent(sheet)
    box = sheet_grid.Box(sheet, 0, rows, 0, cols)
    with_grid = app.sheets.to_json(txn, doc, viewer, [box], with_grid=True)["sheets"][0]
    book["sheets"] = [with_grid if _sid(s) == chosen else s for s in book["sheets"]]
    return book, chosen


def _chosen_id(sheets: list[dict[str, Any]], gid: str | None) -> int | None:
    """The tab a link asked for, else the first visible one."""
    for sheet in sheets:
        if gid is not None and str(_sid(sheet)) == gid.strip():
            return _sid(sheet)
    visible = [s for s in sheets if not s.get("properties", {}).get("hidden")]
    return _sid((visible or sheets)[0]) if sheets else None


def _sid(sheet: dict[str, Any]) -> int:
    return int(sheet.get("properties", {}).get("sheetId", 0))


def _title(app: EmulatorApp, txn: Transaction, file_id: str) -> str:
    return str((app.drive.find(txn, file_id) or {}).get("name") or "Untitled spreadsheet")


# -- calendars ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarInfo:
    id: str
    summary: str
    owner: str
    events: int


def calendars(app: EmulatorApp, txn: Transaction, as_user: str | None) -> list[CalendarInfo]:
    """Calendars ``as_user`` owns or was given, and their primary when they are invited."""
    docs = [doc for _, doc in txn.all(CALENDAR)]
    if as_user is not None:
        docs = [d for d in docs if Calendars.access_role(d, as_user, public=False) != "none"]
        if as_user not in {d["id"] for d in docs} and _invited(txn, as_user):
            docs.append({"id": as_user, "owner": as_user, "summary": as_user, "primary": True})
    out = []
    for doc in docs:
        found = calendar_events(app, txn, doc["id"], as_user)
        count = len([e for e in found[2] if e.get("status") != "cancelled"]) if found else 0
        out.append(
            CalendarInfo(
                doc["id"], str(doc.get("summary") or doc["id"]), str(doc.get("owner", "")), count
            )
        )
    return sorted(out, key=lambda c: (c.owner, c.summary))


def calendar_events(
    app: EmulatorApp, txn: Transaction, calendar_id: str, as_user: str | None
) -> tuple[str, str, list[dict[str, Any]]] | None:
    """(summary, time zone, events as ``events.list?singleEvents=true`` renders them), or
    None when the calendar does not exist or ``as_user`` cannot read it.

    Reading a user's primary calendar makes it if it was never used, as Google has one for
    every user; nothing else is written.
    """
    doc = txn.get(CALENDAR, calendar_id)
    viewer = as_user or (str(doc.get("owner")) if doc else calendar_id)
    if doc is None and not (viewer == calendar_id and _invited(txn, calendar_id)):
        return None
    try:
        views = app.calendar.events.search(txn, viewer, calendar_id, ListQuery(single=True))
        cal = app.calendar.calendars.get(txn, viewer, calendar_id, "reader")
    except ApiError:
        return None
    tz_name = str(cal.get("timeZone") or "UTC")
    tz = zone(tz_name)
    events = [render_event(v.doc, v.calendar, viewer, tz, v.cancelled) for v in views]
    return str(cal.get("summary") or calendar_id), tz_name, events


def _calendar_owners(app: EmulatorApp, txn: Transaction) -> list[tuple[str, str]]:
    """(person, calendar id) for every calendar owner, ACL grantee and invited guest."""
    pairs = []
    for _, doc in txn.all(CALENDAR):
        for rule in doc.get("acl", []):
            if rule["scope"]["type"] == "user" and rule["scope"].get("value"):
                pairs.append((str(rule["scope"]["value"]).lower(), doc["id"]))
    for _, event in txn.all(EVENT):
        pairs += [
            (str(a["email"]).lower(), event["_calendar"])
            for a in event.get("attendees") or []
            if a.get("email")
        ]
    return pairs


def _invited(txn: Transaction, email: str) -> bool:
    return any(
        email == str(a.get("email", "")).lower()
        for _, event in txn.all(EVENT)
        for a in event.get("attendees") or []
    )


# -- mailboxes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailboxInfo:
    email: str
    messages: int
    unread: int


def mailboxes(app: EmulatorApp, txn: Transaction, as_user: str | None) -> list[MailboxInfo]:
    """Every mailbox that received or sent mail (only ``as_user``'s own with one)."""
    out = []
    for box in app.gmail.mailboxes.all(txn):
        email = str(box["email"])
        if as_user is not None and email != as_user:
            continue
        docs = app.gmail.mailboxes.messages(txn, email)
        unread = sum(1 for d in docs if "UNREAD" in d["labelIds"])
        out.append(MailboxInfo(email, len(docs), unread))
    return sorted(out, key=lambda m: m.email)


def mailbox_messages(app: EmulatorApp, txn: Transaction, email: str) -> list[dict[str, Any]]:
    """The mailbox's messages, newest first, as ``messages.get?format=metadata`` answers."""
    return [render_message(d, "metadata") for d in app.gmail.mailboxes.messages(txn, email)]


def mail_message(
    app: EmulatorApp, txn: Transaction, email: str, message_id: str
) -> dict[str, Any] | None:
    """One message as ``messages.get`` (``format=full``) answers its owner; None if absent."""
    try:
        doc = app.gmail.mailboxes.find(txn, email, message_id)
    except ApiError:
        return None
    return render_message(doc, "full")
