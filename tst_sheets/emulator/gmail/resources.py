"""A stored message as Gmail's ``Message`` resource, in each ``format`` of ``messages.get``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tst_sheets.emulator.gmail import mime
from tst_sheets.emulator.gmail.mailboxes import raw_bytes
from tst_sheets.emulator.store import Doc

FORMATS = ("minimal", "full", "raw", "metadata")


def attachment_id(part_id: str) -> str:
    """An opaque id for a part's body; ``messages.attachments.get`` reads it back."""
    return mime.b64url(f"part:{part_id}".encode()).rstrip("=")


def part_of(attachment: str) -> str | None:
    try:
        text = mime.decode_b64(attachment).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return text[5:] if text.startswith("part:") else None


def render(doc: Doc, fmt: str = "full", metadata_headers: Iterable[str] = ()) -> dict[str, Any]:
    """``minimal``: ids, labels, snippet, size, history, date. ``metadata``: the same and
    the top-level headers (only ``metadata_headers`` when given). ``full``: the parsed
    ``payload``. ``raw``: the whole message, base64url."""
    raw = raw_bytes(doc)
    parsed = mime.parse(raw)
    body: dict[str, Any] = {
        "id": doc["id"],
        "threadId": doc["threadId"],
        "labelIds": list(doc["labelIds"]),
        "snippet": mime.snippet(parsed),
    }
    if fmt == "full":
        body["payload"] = mime.payload(parsed, attachment_id)
    elif fmt == "metadata":
        wanted = {h.lower() for h in metadata_headers}
        heads = mime.headers(parsed)
        if wanted:
            heads = [h for h in heads if h["name"].lower() in wanted]
        body["payload"] = {"mimeType": parsed.get_content_type(), "headers": heads}
    body["sizeEstimate"] = len(raw)
    if fmt == "raw":
        body["raw"] = mime.b64url(raw)
    body["historyId"] = str(doc["historyId"])
    body["internalDate"] = str(doc["internalDate"])
    return body


def reference(doc: Doc) -> dict[str, str]:
    """A message as ``messages.list`` names it."""
    return {"id": doc["id"], "threadId": doc["threadId"]}


def sent(doc: Doc) -> dict[str, Any]:
    """``messages.send``'s answer: the sender's copy."""
    return {"id": doc["id"], "threadId": doc["threadId"], "labelIds": list(doc["labelIds"])}
