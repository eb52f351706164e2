"""A read-only HTML viewer of what the emulator holds, at the emulator's ``/``.

- ``/`` lists spreadsheets and calendars; ``/?as=EMAIL`` only those that identity can see.
- ``/view/spreadsheets/ID?gid=G&range=A1`` renders a tab, the range highlighted.
- ``/view/calendars/ID`` shows a calendar as an agenda by month.
- ``/view/mail/EMAIL`` lists a mailbox; ``/view/mail/EMAIL/ID`` shows one message, its HTML
  part in a sandboxed iframe.

A local tool without auth: ``as`` picks whose view to show, it grants nothing. Nothing here
writes: every page reads inside one store transaction that puts nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

from tst_sheets.emulator.viewer import views
from tst_sheets.emulator.viewer.page import not_found

if TYPE_CHECKING:
    from tst_sheets.emulator.app import EmulatorApp

_SPREADSHEET = "/view/spreadsheets/"
_CALENDAR = "/view/calendars/"
_MAIL = "/view/mail/"


def handles(path: str) -> bool:
    return path == "/" or path.startswith("/view/")


def render(app: EmulatorApp, request: Request) -> Response:
    as_user = (request.args.get("as") or "").strip().lower() or None
    path = request.path
    with app.store.transaction() as txn:
        if path == "/":
            return views.index(app, txn, as_user)
        if path.startswith(_SPREADSHEET):
            spreadsheet_id = unquote(path[len(_SPREADSHEET) :])
            return views.spreadsheet(app, txn, spreadsheet_id, request.args, as_user)
        if path.startswith(_CALENDAR):
            calendar_id = unquote(path[len(_CALENDAR) :])
            return views.calendar(app, txn, calendar_id, as_user)
        if path.startswith(_MAIL):
            email, _, message_id = path[len(_MAIL) :].partition("/")
            email = unquote(email).strip().lower()
            if email and message_id:
                return views.mail_message(app, txn, email, unquote(message_id), as_user)
            if email:
                return views.mailbox(app, txn, email, as_user)
    return not_found(f"Nothing to view at {path}.", as_user)
