"""Gmail v1 over HTTP: request parsing and response shaping; state lives in the mailboxes."""

from __future__ import annotations

import json
import re
from typing import Any

from tst_sheets.emulator.errors import ApiError, gmail_error
from tst_sheets.emulator.fields import select
from tst_sheets.emulator.gmail import mime, resources
from tst_sheets.emulator.gmail.mailboxes import Mailboxes, invalid, raw_bytes
from tst_sheets.emulator.gmail.query import Query
from tst_sheets.emulator.http import Call, Handler, Kind, Route

_V1 = "/gmail/v1/users/(?P<userId>[^/]+)"
_MESSAGES = _V1 + "/messages"
_MESSAGE = _MESSAGES + "/(?P<id>[^/]+)"
_ATTACHMENT = _MESSAGES + "/(?P<messageId>[^/]+)/attachments/(?P<id>[^/]+)"
_ANY = r"(?:/resumable)?(?:/upload)?/gmail/v1(?:/.*)?"
MESSAGE_FIELDS = {
    "classificationLabelValues",
    "historyId",
    "id",
    "internalDate",
    "labelIds",
    "payload",
    "raw",
    "sizeEstimate",
    "snippet",
    "threadId",
}
MISSING_RAW = "'raw' RFC822 payload message string or uploading message via /upload/* URL required"
DEFAULT_PAGE, MAX_PAGE = 100, 500


def routes(mail: Mailboxes) -> list[Route]:
    api = GmailApi(mail)

    def route(method: str, pattern: str, name: str, kind: Kind, handler: Handler) -> Route:
        return Route(method, pattern, "gmail", name, kind, handler)

    return [
        route("GET", _V1 + "/profile", "users.getProfile", "read", api.profile),
        route("POST", _MESSAGES + "/send", "users.messages.send", "write", api.send),
        route("POST", "/upload" + _MESSAGES + "/send", "users.messages.send", "write", api.send),
        route("GET", _MESSAGES, "users.messages.list", "read", api.list_messages),
        route("GET", _ATTACHMENT, "users.messages.attachments.get", "read", api.attachment),
        route("GET", _MESSAGE, "users.messages.get", "read", api.get),
        *[
            route(
                method,
                _ANY,
                "unimplemented",
                "read" if method == "GET" else "write",
                api.unimplemented,
            )
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        ],
    ]


class GmailApi:
    def __init__(self, mail: Mailboxes) -> None:
        self.mail = mail

    def profile(self, call: Call) -> dict[str, Any]:
        owner = self.mail.owner(call.user, call.params["userId"])
        return dict(select(self.mail.profile(call.txn, owner), call.arg("fields")))

    def send(self, call: Call) -> dict[str, Any]:
        owner = self.mail.owner(call.user, call.params["userId"])
        metadata, raw = _send_request(call)
        thread = metadata.get("threadId")
        doc = self.mail.send(call.txn, owner, raw, str(thread) if thread else None)
        return dict(select(resources.sent(doc), call.arg("fields")))

    def list_messages(self, call: Call) -> dict[str, Any]:
        owner = self.mail.owner(call.user, call.params["userId"])
        size = _uint(call, "maxResults", "max_results") or DEFAULT_PAGE
        offset = _page_offset(call.arg("pageToken"))
        now = int(self.mail.clock.now().timestamp() * 1000)
        found = self.mail.search(
            call.txn,
            owner,
            Query(call.arg("q"), now),
            call.query.getlist("labelIds"),
            _bool(call, "includeSpamTrash", "include_spam_trash"),
        )
        page = found[offset : offset + min(size, MAX_PAGE)]
        body: dict[str, Any] = {}
        if page:  # Gmail leaves ``messages`` out of an empty answer
            body["messages"] = [resources.reference(d) for d in page]
        if offset + len(page) < len(found):
            body["nextPageToken"] = f"{offset + len(page):020d}"
        body["resultSizeEstimate"] = len(found)
        return dict(select(body, call.arg("fields")))

    def get(self, call: Call) -> dict[str, Any]:
        owner = self.mail.owner(call.user, call.params["userId"])
        fmt = (call.arg("format") or "full").lower()
        if fmt not in resources.FORMATS:
            raise _bad_value(
                "format",
                "type.googleapis.com/google.apps.gmail.v1.Format",
                call.arg("format") or "",
            )
        doc = self.mail.find(call.txn, owner, call.params["id"])
        body = resources.render(doc, fmt, call.query.getlist("metadataHeaders"))
        return dict(select(body, call.arg("fields")))

    def attachment(self, call: Call) -> dict[str, Any]:
        owner = self.mail.owner(call.user, call.params["userId"])
        doc = self.mail.find(call.txn, owner, call.params["messageId"])
        part_id = resources.part_of(call.params["id"])
        parsed = mime.parse(raw_bytes(doc))
        part = mime.find_part(parsed, part_id) if part_id is not None else None
        if part is None or part.is_multipart():
            raise invalid("Invalid attachment token")
        data = mime.part_bytes(part)
        return dict(select({"size": len(data), "data": mime.b64url(data)}, call.arg("fields")))

    def unimplemented(self, call: Call) -> dict[str, Any]:
        """Gmail methods the emulator does not model: a clear refusal, never a success."""
        raise gmail_error(
            501,
            f"The emulator does not implement {call.request.method} {call.request.path}.",
            "notImplemented",
        )


# -- request parsing ---------------------------------------------------------------------------


def _send_request(call: Call) -> tuple[dict[str, Any], bytes]:
    """The ``Message`` metadata and the RFC 2822 bytes, from ``raw`` or an upload."""
    if call.request.path.startswith("/upload/"):
        upload = call.arg("uploadType") or "media"
        metadata: dict[str, Any] = {}
        if upload == "media":
            raw = call.request.get_data()
        elif upload == "multipart":
            metadata, raw = _multipart(call)
        else:
            raise gmail_error(400, f"Invalid upload type: {upload}", "badRequest")
        if not raw:
            raise invalid(MISSING_RAW)
        return metadata, raw
    body = call.json()
    _known_names(body)
    value = body.get("raw")
    if value is None or value == "":
        raise invalid(MISSING_RAW)
    if not isinstance(value, str):
        raise _bad_value("message.raw", "TYPE_BYTES", json.dumps(value))
    try:
        return body, mime.decode_b64(value)
    except ValueError as exc:
        why = "Base64 decoding failed for "
        raise _bad_value("message.raw", "TYPE_BYTES", f'"{value}"', why) from exc


def _known_names(body: dict[str, Any]) -> None:
    for name in body:
        if name not in MESSAGE_FIELDS:
            message = f'Invalid JSON payload received. Unknown name "{name}": Cannot find field.'
            raise _field_violation(message, None)


def _multipart(call: Call) -> tuple[dict[str, Any], bytes]:
    """``multipart/related``: a JSON ``Message`` part, then the ``message/rfc822`` bytes."""
    found = re.search(r'boundary="?([^";]+)"?', call.request.content_type or "")
    if not found:
        raise gmail_error(400, "Malformed multipart body.", "badContent")
    delimiter = b"--" + found.group(1).encode()
    parts = []
    for chunk in call.request.get_data().split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        _, sep, content = chunk.lstrip(b"\r\n").partition(b"\r\n\r\n")
        if not sep:
            _, sep, content = chunk.lstrip(b"\n").partition(b"\n\n")
        parts.append(content[:-2] if content.endswith(b"\r\n") else content.rstrip(b"\n"))
    if not parts:
        raise gmail_error(400, "Malformed multipart body.", "badContent")
    try:
        metadata = json.loads(parts[0] or b"{}")
    except ValueError as exc:
        raise gmail_error(400, "Malformed multipart body.", "badContent") from exc
    return (metadata if isinstance(metadata, dict) else {}), (parts[1] if len(parts) > 1 else b"")


def _uint(call: Call, name: str, proto_name: str) -> int:
    raw = call.arg(name)
    if raw is None or raw == "":
        return 0
    if not raw.isdigit():
        raise _bad_value(proto_name, "TYPE_UINT32", f'"{raw}"')
    return int(raw)


def _bool(call: Call, name: str, proto_name: str) -> bool:
    raw = call.arg(name)
    if raw is None or raw == "":
        return False
    if raw.lower() not in ("true", "false", "1", "0"):
        raise _bad_value(proto_name, "TYPE_BOOL", f'"{raw}"')
    return raw.lower() in ("true", "1")


def _page_offset(token: str | None) -> int:
    if not token:
        return 0
    if not token.isdigit():
        raise invalid("Invalid pageToken")
    return int(token)


def _bad_value(field: str, kind: str, shown: str, why: str = "") -> ApiError:
    """Google's front end refusing a value of the wrong type (``INVALID_ARGUMENT``)."""
    if not shown.startswith('"') and kind.startswith("type."):
        shown = f'"{shown}"'
    return _field_violation(f"Invalid value at '{field}' ({kind}), {why}{shown}", field)


def _field_violation(message: str, field: str | None) -> ApiError:
    violation = {"field": field, "description": message} if field else {"description": message}
    error = gmail_error(400, message, "invalid")
    error.details = [
        {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [violation]}
    ]
    return error
