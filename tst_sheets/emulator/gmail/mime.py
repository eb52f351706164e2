"""RFC 2822 messages as Gmail sees them: base64url, header edits, and ``MessagePart`` JSON.

Pure functions over bytes and the standard library's ``email`` package; nothing here
touches the store. Header edits work on the raw header block so the body's bytes stay
exactly as the sender wrote them (re-serialising a parsed message would re-fold and
re-encode it).
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import email.utils
import html
import re
from collections.abc import Callable
from email.message import Message
from typing import Any

Part = dict[str, Any]

_B64 = re.compile(r"[A-Za-z0-9+/_-]*={0,2}")
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_FIELD = re.compile(rb"^([!-9;-~]+)[ \t]*:")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_TAGS = re.compile(r"<[^>]*>")
_HIDDEN = re.compile(r"<(script|style|head|title)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
SNIPPET_LENGTH = 200


# -- base64url ---------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    """Gmail's ``format: byte`` fields: URL-safe alphabet, padded."""
    return base64.urlsafe_b64encode(data).decode("ascii")


def decode_b64(text: str) -> bytes:
    """Either alphabet, padding optional (a proto ``bytes`` field in JSON). ValueError if not
    base64."""
    if not _B64.fullmatch(text) or len(text.rstrip("=")) % 4 == 1:
        raise ValueError("not base64")
    try:
        return base64.urlsafe_b64decode(
            text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4)
        )
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc


# -- the raw header block ------------------------------------------------------------------


class RawMessage:
    """A message's header fields (each with its folded lines) and the untouched rest."""

    def __init__(self, raw: bytes) -> None:
        found = _BLANK_LINE.search(raw)
        end = raw.index(b"\n", found.start()) + 1 if found else len(raw)
        head, self.rest = raw[:end], raw[end:]  # the rest starts with the blank line
        self.newline = b"\r\n" if b"\r\n" in head or b"\r\n" in raw[:2000] else b"\n"
        self.fields: list[bytes] = []
        for line in head.splitlines(keepends=True):
            if self.fields and line[:1] in (b" ", b"\t"):
                self.fields[-1] += line
            else:
                self.fields.append(line)
        if self.fields and not self.fields[-1].endswith(b"\n"):
            self.fields[-1] += self.newline
        if not found:
            self.rest = self.newline if self.fields else b""

    @staticmethod
    def name(field: bytes) -> str:
        found = _FIELD.match(field)
        return found.group(1).decode("ascii").lower() if found else ""

    def has(self, name: str) -> bool:
        return any(self.name(f) == name.lower() for f in self.fields)

    def without(self, *names: str) -> RawMessage:
        copy = self._copy()
        drop = {n.lower() for n in names}
        copy.fields = [f for f in self.fields if self.name(f) not in drop]
        return copy

    def with_first(self, name: str, value: str) -> RawMessage:
        """Prepend ``name: value``, as a delivering server does."""
        copy = self._copy()
        copy.fields = [f"{name}: {value}".encode() + self.newline, *self.fields]
        return copy

    def replaced(self, name: str, value: str) -> RawMessage:
        """Every ``name`` field replaced by one ``name: value`` where the first one was."""
        copy = self._copy()
        line = f"{name}: {value}".encode() + self.newline
        out: list[bytes] = []
        for field in self.fields:
            if self.name(field) != name.lower():
                out.append(field)
            elif line not in out:
                out.append(line)
        copy.fields = out
        return copy

    def to_bytes(self) -> bytes:
        return b"".join(self.fields) + self.rest

    def _copy(self) -> RawMessage:
        copy = RawMessage.__new__(RawMessage)
        copy.fields, copy.rest, copy.newline = list(self.fields), self.rest, self.newline
        return copy


def parse(raw: bytes) -> Message:
    return email.message_from_bytes(raw, policy=email.policy.default)


def header_value(message: Message, name: str) -> str:
    """A header as Gmail shows it: encoded words decoded, folding removed; "" if absent."""
    values = [_text(message, name, v) for v in message.get_all(name) or []]
    return ", ".join(v for v in values if v)


def addresses(message: Message, name: str) -> list[tuple[str, str]] | None:
    """(display name, address) pairs of an address header; None when it does not parse or
    an address is not ``local@domain.tld``."""
    raw_values = [_text(message, name, v) for v in message.get_all(name) or []]
    pairs = email.utils.getaddresses(raw_values)
    out = []
    for display, address in pairs:
        if not address and not display:
            continue
        if not _ADDRESS.match(address):
            return None
        out.append((display, address))
    if raw_values and not out and any(v.strip() for v in raw_values):
        return None
    return out


def format_address(display: str, address: str) -> str:
    """``"Name" <a@b>`` with a non-ASCII name as an RFC 2047 encoded word."""
    return email.utils.formataddr((display, address), charset="utf-8")


def _text(message: Message, name: str, value: Any) -> str:
    try:
        return " ".join(str(value).split()) if value is not None else ""
    except (ValueError, TypeError, LookupError):  # a header the parser could not decode
        found = [v for k, v in message.raw_items() if k.lower() == name.lower()]
        return " ".join(str(found[0]).split()) if found else ""


# -- Message resources -------------------------------------------------------------------------

AttachmentId = Callable[[str], str]


def headers(part: Message) -> list[dict[str, str]]:
    return [{"name": name, "value": _text(part, name, value)} for name, value in part.items()]


def payload(message: Message, attachment_id: AttachmentId, part_id: str = "") -> Part:
    """The ``MessagePart`` tree of ``format=full``: parts, headers, base64url bodies."""
    out: Part = {
        "partId": part_id,
        "mimeType": message.get_content_type(),
        "filename": message.get_filename() or "",
        "headers": headers(message),
    }
    if message.is_multipart():
        children = [p for p in message.get_payload() or [] if isinstance(p, Message)]
        out["body"] = {"size": 0}
        out["parts"] = [
            payload(child, attachment_id, f"{part_id}.{i}" if part_id else str(i))
            for i, child in enumerate(children)
        ]
        return out
    data = part_bytes(message)
    if out["filename"]:
        out["body"] = {"attachmentId": attachment_id(part_id), "size": len(data)}
    elif data:
        out["body"] = {"size": len(data), "data": b64url(data)}
    else:
        out["body"] = {"size": 0}
    return out


def part_bytes(part: Message) -> bytes:
    """A leaf part's content with its transfer encoding undone (not its charset)."""
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    inner = part.get_payload()
    if isinstance(inner, list) and inner and isinstance(inner[0], Message):
        return inner[0].as_bytes()  # message/rfc822: the enclosed message
    return str(inner or "").encode("utf-8", "replace")


def find_part(message: Message, part_id: str) -> Message | None:
    """The part ``0.1`` names, walking ``parts`` as ``payload`` numbers them."""
    node = message
    for step in part_id.split(".") if part_id else []:
        inner = node.get_payload() if node.is_multipart() else []
        children = [p for p in inner or [] if isinstance(p, Message)]
        if not step.isdigit() or int(step) >= len(children):
            return None
        node = children[int(step)]
    return node


def body_text(message: Message) -> str:
    """The message's text: its first plain-text part, else its first HTML part's text."""
    html_text = None
    for part in message.walk():
        if part.is_multipart() or part.get_filename():
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            return _decoded(part)
        if kind == "text/html" and html_text is None:
            html_text = html.unescape(_TAGS.sub(" ", _HIDDEN.sub(" ", _decoded(part))))
    return html_text or ""


def snippet(message: Message) -> str:
    """ "A short part of the message text": whitespace collapsed, HTML-escaped as Gmail's are."""
    text = " ".join(body_text(message).split())[:SNIPPET_LENGTH]
    return html.escape(text, quote=True).replace("&#x27;", "&#39;")


def _decoded(part: Message) -> str:
    data = part_bytes(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")
