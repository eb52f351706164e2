"""Mailboxes and messages: who may use which mailbox, sending, delivery, threads, history.

Every address has a mailbox, made on first delivery (reading an unused one shows it empty
and writes nothing). A message is stored once per mailbox it lands in, under that
mailbox's own id, as Gmail does: the sender's copy is ``SENT``, each recipient's
``UNREAD``/``INBOX``. Service accounts have no mailbox.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from email.message import Message
from email.utils import format_datetime
from typing import Any

from tst_sheets.emulator.clock import Clock
from tst_sheets.emulator.errors import ApiError, gmail_error
from tst_sheets.emulator.gmail import mime
from tst_sheets.emulator.gmail.query import Facts, Query
from tst_sheets.emulator.store import Doc, Transaction

MAILBOX = "gmail_mailbox"
MESSAGE = "gmail_message"
FIRST_HISTORY_ID = 1000
SPAM_TRASH = {"SPAM", "TRASH"}
SEARCHED = ("from", "to", "cc", "bcc", "subject", "delivered-to", "message-id")
_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg)\s*:\s*)+", re.IGNORECASE)
_ID = re.compile(r"^[0-9a-fA-F]{1,16}$")


def is_service_account(email: str) -> bool:
    """Google's service-account addresses (``…@…gserviceaccount.com``)."""
    return email.lower().rpartition("@")[2].endswith("gserviceaccount.com")


def delegation_denied(caller: str) -> ApiError:
    return gmail_error(403, f"Delegation denied for {caller}", "forbidden")


def not_found() -> ApiError:
    return gmail_error(404, "Requested entity was not found.", "notFound")


def invalid(message: str) -> ApiError:
    return gmail_error(400, message, "invalidArgument")


def no_mailbox() -> ApiError:
    """What Gmail answers a service account acting as itself (no domain-wide delegation)."""
    return gmail_error(
        400, "Precondition check failed.", "failedPrecondition", status="FAILED_PRECONDITION"
    )


class Mailboxes:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    # -- whose mailbox -------------------------------------------------------------------

    @staticmethod
    def owner(caller: str, user_id: str) -> str:
        """The mailbox ``userId`` names: ``me`` or the caller's own address, nobody else's."""
        if user_id != "me" and user_id.lower() != caller:
            raise delegation_denied(caller)
        if is_service_account(caller):
            raise no_mailbox()
        return caller

    def mailbox(self, txn: Transaction, email: str) -> Doc:
        """The mailbox doc; an unused address's is fresh and not stored until it changes."""
        return txn.get(MAILBOX, email) or {
            "email": email,
            "historyId": FIRST_HISTORY_ID,
            "messageIds": [],
        }

    @staticmethod
    def all(txn: Transaction) -> list[Doc]:
        """Every stored mailbox, for the viewer."""
        return [doc for _, doc in txn.all(MAILBOX)]

    # -- sending ---------------------------------------------------------------------------

    def send(self, txn: Transaction, sender: str, raw: bytes, thread_id: str | None) -> Doc:
        """Complete the headers Gmail completes, keep the sender's copy, deliver the rest."""
        parsed = mime.parse(raw)
        recipients: list[str] = []
        for name in ("To", "Cc", "Bcc"):
            found = mime.addresses(parsed, name)
            if found is None:
                raise invalid(f"Invalid {name} header")
            recipients += [address.lower() for _, address in found]
        recipients = list(dict.fromkeys(recipients))
        if not recipients:
            raise invalid("Recipient address required")
        now = self.clock.now()
        ms = int(now.timestamp() * 1000)
        message = self._completed(mime.RawMessage(raw), parsed, sender, now)
        own = sender in recipients
        labels = ["UNREAD", "SENT", "INBOX"] if own else ["SENT"]
        sent = self._insert(txn, sender, message.to_bytes(), labels, ms, thread_id or "")
        delivered = message.without("Bcc")
        for recipient in recipients:
            if recipient == sender or is_service_account(recipient):
                continue
            copy = delivered.with_first("Delivered-To", recipient)
            self._insert(txn, recipient, copy.to_bytes(), ["UNREAD", "INBOX"], ms, None)
        return sent

    @staticmethod
    def _completed(
        raw: mime.RawMessage, parsed: Message, sender: str, now: datetime
    ) -> mime.RawMessage:
        """``From`` is always the sender (another address is replaced, its name kept);
        ``Date`` and ``Message-ID`` are added when missing."""
        found = mime.addresses(parsed, "From")
        if found is None:
            raise invalid("Invalid From header")
        display = found[0][0] if found else ""
        if not found or len(found) > 1 or found[0][1].lower() != sender:
            raw = (
                raw.replaced("From", mime.format_address(display, sender))
                if raw.has("From")
                else raw.with_first("From", mime.format_address(display, sender))
            )
        if not raw.has("Date"):
            raw = raw.with_first("Date", format_datetime(now))
        if not raw.has("Message-ID"):
            raw = raw.with_first("Message-ID", f"<{secrets.token_hex(16)}@mail.gmail.com>")
        return raw

    def _insert(
        self,
        txn: Transaction,
        owner: str,
        raw: bytes,
        labels: list[str],
        ms: int,
        requested_thread: str | None,
    ) -> Doc:
        """Store one copy; ``requested_thread`` is the sender's ``threadId`` ("" for none),
        None for received mail."""
        box = self.mailbox(txn, owner)
        parsed = mime.parse(raw)
        summary = {name: mime.header_value(parsed, name).lower() for name in SEARCHED}
        message_id = self._new_id(txn, owner, ms)
        box["historyId"] = int(box["historyId"]) + 1
        doc: Doc = {
            "id": message_id,
            "threadId": self._thread(txn, box, parsed, requested_thread) or message_id,
            "owner": owner,
            "labelIds": labels,
            "internalDate": ms,
            "historyId": box["historyId"],
            "raw": base64.b64encode(raw).decode("ascii"),
            "headers": summary,
            "references": _references(parsed),
        }
        box["messageIds"] = [*box["messageIds"], message_id]
        txn.put(MESSAGE, _key(owner, message_id), doc)
        txn.put(MAILBOX, owner, box)
        return doc

    @staticmethod
    def _new_id(txn: Transaction, owner: str, ms: int) -> str:
        """Gmail's ids: the internal date in milliseconds, shifted 20 bits, as 16 hex digits
        (``18f5dc3c6c373405`` for ``internalDate`` 1715265050000)."""
        while True:
            candidate = f"{(ms << 20) | secrets.randbelow(1 << 20):016x}"
            if txn.get(MESSAGE, _key(owner, candidate)) is None:
                return candidate

    @staticmethod
    def _thread(txn: Transaction, box: Doc, parsed: Message, requested: str | None) -> str | None:
        """The thread a message joins: one whose message it replies to (``In-Reply-To`` or
        ``References``) with the same subject. A sent message joins only the thread its
        ``threadId`` names, when those hold; received mail is threaded by Gmail itself."""
        refs = set(_references(parsed))
        if not refs or requested == "":
            return None
        subject = _base_subject(mime.header_value(parsed, "Subject"))
        for message_id in reversed(box["messageIds"]):
            doc = txn.get(MESSAGE, _key(box["email"], message_id))
            if doc is None or doc["headers"]["message-id"].strip("<>") not in refs:
                continue
            same = _base_subject(doc["headers"]["subject"]) == subject
            if same and requested in (None, doc["threadId"]):
                return str(doc["threadId"])
        return None

    # -- reading ---------------------------------------------------------------------------

    def messages(self, txn: Transaction, owner: str) -> list[Doc]:
        """The mailbox's messages, newest first (Gmail lists by internal date, descending)."""
        box = self.mailbox(txn, owner)
        docs = [txn.get(MESSAGE, _key(owner, mid)) for mid in box["messageIds"]]
        found = [d for d in docs if d is not None]
        return sorted(found, key=lambda d: (d["internalDate"], d["id"]), reverse=True)

    def search(
        self,
        txn: Transaction,
        owner: str,
        query: Query,
        label_ids: Iterable[str],
        include_spam_trash: bool,
    ) -> list[Doc]:
        wanted = set(label_ids)
        spam_trash = include_spam_trash or query.wants_spam_trash or bool(wanted & SPAM_TRASH)
        out = []
        for doc in self.messages(txn, owner):
            labels = set(doc["labelIds"])
            if not wanted <= labels or (labels & SPAM_TRASH and not spam_trash):
                continue
            if query.matches(facts(doc)):
                out.append(doc)
        return out

    def find(self, txn: Transaction, owner: str, message_id: str) -> Doc:
        if not _ID.match(message_id):
            raise invalid("Invalid id value")
        doc = txn.get(MESSAGE, _key(owner, message_id.lower()))
        if doc is None:
            raise not_found()
        return doc

    def profile(self, txn: Transaction, owner: str) -> dict[str, Any]:
        box = self.mailbox(txn, owner)
        docs = self.messages(txn, owner)
        return {
            "emailAddress": owner,
            "messagesTotal": len(docs),
            "threadsTotal": len({d["threadId"] for d in docs}),
            "historyId": str(box["historyId"]),
        }


def raw_bytes(doc: Doc) -> bytes:
    return base64.b64decode(doc["raw"])


def facts(doc: Doc) -> Facts:
    def text() -> str:
        parsed = mime.parse(raw_bytes(doc))
        heads = " ".join(doc["headers"].get(n, "") for n in ("subject", "from", "to", "cc"))
        return f"{heads} {mime.body_text(parsed)}".lower()

    return Facts(dict(doc["headers"]), int(doc["internalDate"]), set(doc["labelIds"]), text)


def _key(owner: str, message_id: str) -> str:
    return f"{owner}/{message_id}"


def _references(parsed: Message) -> list[str]:
    text = " ".join(mime.header_value(parsed, name) for name in ("In-Reply-To", "References"))
    return [ref.strip("<>").lower() for ref in re.findall(r"<[^<>\s]+>", text)]


def _base_subject(subject: str) -> str:
    return _REPLY_PREFIX.sub("", subject).strip().lower()
