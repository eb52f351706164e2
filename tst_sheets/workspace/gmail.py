"""Gmail v1 through googleapiclient, as the sender (``TST_SENDER``): one method per REST call,
plain data back.

A message goes as ``users.messages.send`` with the RFC 2822 bytes in ``raw`` (base64url), never
a media upload. The transport never resends a ``send`` after an ambiguous answer
(``retry.applies_once``): the caller looks in the Sent mail first (``workspace.once``).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from tst_sheets.workspace.calls import execute, google_call

Message = dict[str, Any]


class Gmail:
    """The Gmail API of the sender's own mailbox (a googleapiclient ``Resource``)."""

    def __init__(self, resource: Any, sender: str) -> None:
        self.resource = resource
        self.sender = sender

    @google_call("gmail")
    def send(self, raw: bytes) -> Message:
        """``users.messages.send``: the sender's copy, ``{"id", "threadId", "labelIds"}``."""
        body = {"raw": base64.urlsafe_b64encode(raw).decode("ascii")}
        reply: Message = execute(self.resource.users().messages().send(userId="me", body=body))
        return reply

    @google_call("gmail")
    def list_messages(
        self, label_ids: Sequence[str] = (), page_token: str | None = None, page_size: int = 100
    ) -> dict[str, Any]:
        """``users.messages.list``: ONE page, newest first (``messages`` of ids,
        ``nextPageToken``). No ``q``: ``gmail.metadata`` may not search."""
        messages = self.resource.users().messages()
        request = messages.list(
            userId="me", labelIds=list(label_ids), pageToken=page_token, maxResults=page_size
        )
        reply: dict[str, Any] = execute(request)
        return reply

    @google_call("gmail")
    def get_headers(self, message_id: str, names: Sequence[str]) -> Message:
        """``users.messages.get`` in ``metadata`` format: ids, labels, ``internalDate`` and
        only the headers ``names``."""
        messages = self.resource.users().messages()
        request = messages.get(
            userId="me", id=message_id, format="metadata", metadataHeaders=list(names)
        )
        reply: Message = execute(request)
        return reply

    @google_call("gmail")
    def profile(self) -> dict[str, Any]:
        """``users.getProfile``: the mailbox's address and its message count."""
        reply: dict[str, Any] = execute(self.resource.users().getProfile(userId="me"))
        return reply
