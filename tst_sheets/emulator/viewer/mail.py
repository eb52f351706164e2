"""A mailbox as a list of messages, and one message, read from Gmail's own ``Message`` JSON
(``format=metadata`` for the list, ``format=full`` for a message), so the page shows what the
API answers. Every header and text goes through ``html.escape``; an HTML body is shown only
inside a sandboxed iframe (``mailhtml``); plain text is escaped with its web links kept
clickable, so text such as ``=HYPERLINK("javascript:…")`` stays text.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html import escape, unescape
from typing import Any
from urllib.parse import quote

from tst_sheets.emulator.viewer import mailhtml
from tst_sheets.emulator.viewer.grid import LinkRewriter
from tst_sheets.emulator.viewer.page import with_as

SHOWN_HEADERS = ("From", "To", "Cc", "Bcc", "Subject", "Date", "Reply-To", "List-Unsubscribe")
_URL = re.compile(r"(?:https?://|mailto:)[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
_CHARSET = re.compile(r'charset="?([^";\s]+)"?', re.IGNORECASE)

Message = dict[str, Any]


def mailbox_url(email: str, as_user: str | None) -> str:
    return f"/view/mail/{quote(email, safe='@')}" + with_as({}, as_user)


def message_url(email: str, message_id: str, as_user: str | None) -> str:
    return f"/view/mail/{quote(email, safe='@')}/{quote(message_id, safe='')}" + with_as(
        {}, as_user
    )


# -- the list --------------------------------------------------------------------------------


def inbox(email: str, messages: list[Message], as_user: str | None) -> str:
    if not messages:
        return '<p class="muted">No messages.</p>'
    rows = [
        '<table class="list mailbox"><tr><th>From</th><th>To</th><th>Subject</th>'
        "<th>Date</th><th>Labels</th></tr>"
    ]
    for msg in messages:
        unread = ' class="unread"' if "UNREAD" in msg.get("labelIds", []) else ""
        snippet = escape(unescape(str(msg.get("snippet", "")))[:80])
        subject = header(msg, "Subject") or "(no subject)"
        link = f'<a href="{escape(message_url(email, msg["id"], as_user), quote=True)}">'
        rows.append(
            f'<tr{unread} data-id="{escape(msg["id"], quote=True)}">'
            f"<td>{escape(header(msg, 'From') or '')}</td>"
            f"<td>{escape(header(msg, 'To') or '')}</td>"
            f"<td>{link}{escape(subject)}</a>"
            f' <span class="muted">{snippet}</span></td>'
            f'<td class="muted">{escape(when(msg))}</td>'
            f'<td class="muted">{escape(" ".join(msg.get("labelIds", [])))}</td></tr>'
        )
    rows.append("</table>")
    return "".join(rows)


# -- one message -------------------------------------------------------------------------------


def message(msg: Message, rewrite: LinkRewriter) -> str:
    """Headers, the HTML part in a sandboxed iframe (else the plain text), attachments."""
    payload = msg.get("payload") or {}
    html_part = _first(payload, "text/html")
    text_part = _first(payload, "text/plain")
    out = ['<table class="list headers">']
    for name in SHOWN_HEADERS:
        value = header(msg, name)
        if value:
            out.append(f"<tr><th>{escape(name)}</th><td>{escape(value)}</td></tr>")
    labels = " ".join(msg.get("labelIds", []))
    out.append(f'<tr><th>Labels</th><td class="muted">{escape(labels)}</td></tr></table>')
    if html_part is not None:
        out.append(mailhtml.iframe(_text(html_part), rewrite))
        if text_part is not None:
            out.append(
                "<details><summary>Plain-text part</summary>"
                f"{plain(_text(text_part), rewrite)}</details>"
            )
    elif text_part is not None:
        out.append(plain(_text(text_part), rewrite))
    else:
        out.append('<p class="muted">No text part.</p>')
    files = [p for p in _leaves(payload) if p.get("filename")]
    if files:
        items = "".join(
            f"<li>{escape(str(p['filename']))} "
            f'<span class="muted">{escape(str(p.get("mimeType", "")))} · '
            f"{int((p.get('body') or {}).get('size', 0))} bytes</span></li>"
            for p in files
        )
        out.append(f"<h2>Attachments</h2><ul>{items}</ul>")
    everything = "".join(
        f"<tr><th>{escape(str(h.get('name', '')))}</th><td>{escape(str(h.get('value', '')))}</td>"
        "</tr>"
        for h in payload.get("headers", [])
    )
    out.append(
        f'<details><summary>All headers</summary><table class="list">{everything}</table></details>'
    )
    return "".join(out)


def plain(text: str, rewrite: LinkRewriter) -> str:
    """Escaped text in a ``<pre>``; http, https and mailto URLs become links."""
    out, pos = [], 0
    for found in _URL.finditer(text):
        url = found.group(0).rstrip(".,;:!?")
        out.append(escape(text[pos : found.start()]))
        href = rewrite(url)
        if href is None:
            out.append(escape(url))
        else:
            out.append(
                f'<a href="{escape(href, quote=True)}" target="_blank" '
                f'rel="noopener noreferrer">{escape(url)}</a>'
            )
        pos = found.start() + len(url)
    out.append(escape(text[pos:]))
    return f'<pre class="mailtext">{"".join(out)}</pre>'


# -- reading the Message JSON ------------------------------------------------------------------


def header(msg: Message, name: str) -> str | None:
    for item in (msg.get("payload") or {}).get("headers", []):
        if str(item.get("name", "")).lower() == name.lower():
            return str(item.get("value", ""))
    return None


def when(msg: Message) -> str:
    try:
        moment = datetime.fromtimestamp(int(msg.get("internalDate", 0)) / 1000, UTC)
    except (TypeError, ValueError, OverflowError):
        return ""
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _leaves(part: dict[str, Any]) -> Iterator[dict[str, Any]]:
    children = part.get("parts")
    if children:
        for child in children:
            yield from _leaves(child)
    elif part:
        yield part


def _first(payload: dict[str, Any], mime_type: str) -> dict[str, Any] | None:
    for part in _leaves(payload):
        if part.get("mimeType") == mime_type and not part.get("filename"):
            return part
    return None


def _text(part: dict[str, Any]) -> str:
    try:
        data = base64.urlsafe_b64decode(str((part.get("body") or {}).get("data", "")))
    except (binascii.Error, ValueError):
        return ""
    content_type = next(
        (str(h.get("value", "")) for h in part.get("headers", []) if h.get("name", "").lower()
         == "content-type"),
        "",
    )  # fmt: skip
    found = _CHARSET.search(content_type)
    try:
        return data.decode(found.group(1) if found else "utf-8", "replace")
    except LookupError:
        return data.decode("utf-8", "replace")
