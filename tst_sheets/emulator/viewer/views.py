"""The viewer's pages: the index, a spreadsheet's tab, a calendar's agenda, a mailbox, a
message."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from werkzeug.wrappers import Response

from tst_sheets.emulator.store import Transaction
from tst_sheets.emulator.viewer import agenda, data, mail
from tst_sheets.emulator.viewer.grid import parse_a1, render_sheet
from tst_sheets.emulator.viewer.links import rewriter, spreadsheet_url
from tst_sheets.emulator.viewer.page import link, not_found, page, with_as

if TYPE_CHECKING:
    from tst_sheets.emulator.app import EmulatorApp


# -- the index ---------------------------------------------------------------------------------


def index(app: EmulatorApp, txn: Transaction, as_user: str | None) -> Response:
    body = [
        "<main>",
        _picker(data.identities(app, txn), as_user),
        "<h2>Spreadsheets</h2>",
        _files_table(app, txn, as_user),
        "<h2>Calendars</h2>",
        _calendars_list(app, txn, as_user),
        "<h2>Mailboxes</h2>",
        _mailboxes_list(app, txn, as_user),
        "</main>",
    ]
    return page("Emulator contents", "".join(body), as_user=as_user)


def _picker(identities: list[str], as_user: str | None) -> str:
    options = ['<option value="">everyone (all files)</option>']
    for email in identities:
        chosen = " selected" if email == as_user else ""
        value = escape(email, quote=True)
        options.append(f'<option value="{value}"{chosen}>{escape(email)}</option>')
    return (
        '<form class="picker" method="get" action="/"><label for="as">View as</label>'
        f'<select id="as" name="as" onchange="this.form.submit()">{"".join(options)}</select>'
        "<noscript><button>Show</button></noscript></form>"
    )


def _files_table(app: EmulatorApp, txn: Transaction, as_user: str | None) -> str:
    files = data.spreadsheets(app, txn, as_user)
    if not files:
        return '<p class="muted">No spreadsheets.</p>'
    rows = [
        '<table class="list"><tr><th>Name</th><th>Owner</th><th>Shared with</th>'
        "<th>Modified</th></tr>"
    ]
    for doc in files:
        href = spreadsheet_url(doc["id"], as_user=as_user)
        shared = len(data.readers(doc)) - 1
        modified = str(doc.get("modifiedTime", ""))[:16].replace("T", " ")
        rows.append(
            f"<tr><td>{link(href, str(doc.get('name') or 'Untitled'))}</td>"
            f"<td>{escape(str(doc.get('ownerEmail', '')))}</td>"
            f"<td>{shared} {'person' if shared == 1 else 'people'}</td>"
            f'<td class="muted">{escape(modified)}</td></tr>'
        )
    rows.append("</table>")
    return "".join(rows)


def _calendars_list(app: EmulatorApp, txn: Transaction, as_user: str | None) -> str:
    calendars = data.calendars(app, txn, as_user)
    if not calendars:
        return '<p class="muted">No calendars.</p>'
    items = [
        f"<li>{link(calendar_url(c.id, as_user), c.summary)}"
        f' <span class="muted">{escape(c.owner)} · {c.events} event{"" if c.events == 1 else "s"}'
        "</span></li>"
        for c in calendars
    ]
    return f"<ul>{''.join(items)}</ul>"


def _mailboxes_list(app: EmulatorApp, txn: Transaction, as_user: str | None) -> str:
    boxes = data.mailboxes(app, txn, as_user)
    if not boxes:
        return '<p class="muted">No mail.</p>'
    items = [
        f"<li>{link(mail.mailbox_url(b.email, as_user), b.email)}"
        f' <span class="muted">{b.messages} message{"" if b.messages == 1 else "s"}, '
        f"{b.unread} unread</span></li>"
        for b in boxes
    ]
    return f"<ul>{''.join(items)}</ul>"


def calendar_url(calendar_id: str, as_user: str | None) -> str:
    return f"/view/calendars/{quote(calendar_id, safe='')}" + with_as({}, as_user)


# -- a spreadsheet -----------------------------------------------------------------------------


def spreadsheet(
    app: EmulatorApp,
    txn: Transaction,
    spreadsheet_id: str,
    args: Mapping[str, str],
    as_user: str | None,
) -> Response:
    if not data.can_read(app, txn, spreadsheet_id, as_user):
        whom = f" with {as_user}" if as_user else ""
        return not_found(f"No spreadsheet {spreadsheet_id} is shared{whom}.", as_user)
    book, chosen = data.spreadsheet_json(app, txn, spreadsheet_id, args.get("gid"), as_user)
    title = str(book.get("properties", {}).get("title") or "Untitled spreadsheet")
    sheets: list[dict[str, Any]] = book.get("sheets") or []
    current = next((s for s in sheets if "data" in s), None)
    if chosen is None or current is None:
        return page(
            title,
            '<main><p class="muted">This spreadsheet has no tabs.</p></main>',
            as_user=as_user,
        )
    cells = args.get("range")
    target = parse_a1(cells) if cells else None
    rewrite = rewriter(lambda sid: data.exists(app, txn, sid), as_user)
    default_format = book.get("properties", {}).get("defaultFormat") or {}
    body = (
        _tab_strip(spreadsheet_id, sheets, str(chosen), as_user)
        + f'<div class="sheet" data-gid="{chosen}">'
        + render_sheet(current, rewrite, target, default_format)
        + "</div>"
    )
    return page(title, body, as_user=as_user)


def _tab_strip(
    spreadsheet_id: str, sheets: list[dict[str, Any]], gid: str, as_user: str | None
) -> str:
    tabs = []
    for sheet in sheets:
        props = sheet.get("properties", {})
        if props.get("hidden"):
            continue
        sheet_gid = str(int(props.get("sheetId", 0)))
        active = ' class="active"' if sheet_gid == gid else ""
        href = spreadsheet_url(spreadsheet_id, gid=sheet_gid, as_user=as_user)
        tabs.append(
            f'<a{active} href="{escape(href, quote=True)}" data-gid="{sheet_gid}">'
            f"{escape(str(props.get('title', '')))}</a>"
        )
    return f'<nav class="tabs">{"".join(tabs)}</nav>'


# -- a calendar --------------------------------------------------------------------------------


def calendar(app: EmulatorApp, txn: Transaction, calendar_id: str, as_user: str | None) -> Response:
    found = data.calendar_events(app, txn, calendar_id, as_user)
    if found is None:
        whom = f" for {as_user}" if as_user else ""
        return not_found(f"No calendar {calendar_id}{whom}.", as_user)
    summary, time_zone, events = found
    return page(summary, "<main>" + agenda.render(events, time_zone) + "</main>", as_user=as_user)


# -- mail --------------------------------------------------------------------------------------


def mailbox(app: EmulatorApp, txn: Transaction, email: str, as_user: str | None) -> Response:
    """A person's mailbox: only theirs when viewing as someone."""
    if as_user is not None and as_user != email:
        return not_found(f"{as_user} cannot open the mailbox of {email}.", as_user)
    messages = data.mailbox_messages(app, txn, email)
    body = f"<main>{mail.inbox(email, messages, as_user)}</main>"
    return page(f"Mail of {email}", body, as_user=as_user)


def mail_message(
    app: EmulatorApp, txn: Transaction, email: str, message_id: str, as_user: str | None
) -> Response:
    found = data.mail_message(app, txn, email, message_id)
    if found is None or (as_user is not None and as_user != email):
        return not_found(f"No message {message_id} in the mailbox of {email}.", as_user)
    rewrite = rewriter(lambda sid: data.exists(app, txn, sid), as_user)
    subject = mail.header(found, "Subject") or "(no subject)"
    back = link(mail.mailbox_url(email, as_user), f"← {email}")
    return page(
        subject, f"<main><p>{back}</p>{mail.message(found, rewrite)}</main>", as_user=as_user
    )
