"""``messages.list``'s ``q``: the part of Gmail's search syntax the emulator answers.

Supported, ANDed together, each negatable with a leading ``-``: ``from:``, ``to:`` (To, Cc
and Bcc), ``cc:``, ``bcc:``, ``deliveredto:``, ``subject:``, ``rfc822msgid:``, ``after:``/
``newer:``, ``before:``/``older:`` (``YYYY/MM/DD`` as midnight Pacific time, or epoch
seconds), ``newer_than:``/``older_than:`` (``Nd``, ``Nm``, ``Ny``), ``is:``/``in:``/
``label:`` on labels, bare words and "quoted phrases" (searched in the headers and text).
Anything else of Gmail's syntax (``OR``, ``{ }``, ``( )``, ``AROUND``, ``has:``, ``size:``,
``filename:``, ``category:``, ``list:``…) is refused with a 400 naming it, never answered
with a wrong list. Values match case-insensitively as substrings (Gmail matches words).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tst_sheets.emulator.errors import ApiError, gmail_error

PACIFIC = ZoneInfo("America/Los_Angeles")  # "midnight on that date in the PST timezone"
DAY_MS = 86_400_000
_SPANS = {"d": DAY_MS, "m": 30 * DAY_MS, "y": 365 * DAY_MS}
_DATE = re.compile(r"^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$")
_RELATIVE = re.compile(r"^(\d+)([dmy])$")
ADDRESS_FIELDS = {
    "from": ("from",),
    "to": ("to", "cc", "bcc"),
    "cc": ("cc",),
    "bcc": ("bcc",),
    "deliveredto": ("delivered-to",),
}
_IS = {"unread": "UNREAD", "starred": "STARRED", "important": "IMPORTANT"}
_IN = {
    "inbox": "INBOX",
    "sent": "SENT",
    "spam": "SPAM",
    "trash": "TRASH",
    "draft": "DRAFT",
    "drafts": "DRAFT",
    "starred": "STARRED",
    "important": "IMPORTANT",
}
_UNSUPPORTED = {
    "has",
    "list",
    "filename",
    "size",
    "larger",
    "smaller",
    "category",
    "around",
    "label_id",
}


@dataclass(frozen=True)
class Term:
    op: str  # an address field, "subject", "rfc822msgid", "after", "before", "label", "text"
    value: Any
    negated: bool = False


@dataclass
class Facts:
    """What terms are matched against: header texts (lowercase names), the internal date,
    the labels, and the searchable text (computed only when a word is searched)."""

    headers: dict[str, str]
    internal_ms: int
    labels: set[str]
    text: Callable[[], str]


class Query:
    def __init__(self, q: str | None, now_ms: int) -> None:
        self.terms = _parse(q or "", now_ms)

    @property
    def wants_spam_trash(self) -> bool:
        """``in:spam``, ``in:trash`` or ``in:anywhere`` reach past ``includeSpamTrash``."""
        return any(
            t.op in ("label", "anywhere") and t.value in ("SPAM", "TRASH", "*") for t in self.terms
        )

    def matches(self, facts: Facts) -> bool:
        return all(_holds(term, facts) != term.negated for term in self.terms)


def unsupported(what: str) -> ApiError:
    return gmail_error(
        400,
        f"The emulator does not support {what} in q (Gmail's search syntax).",
        "invalidArgument",
    )


def _holds(term: Term, facts: Facts) -> bool:
    if term.op in ADDRESS_FIELDS:
        return any(term.value in facts.headers.get(f, "") for f in ADDRESS_FIELDS[term.op])
    if term.op == "subject":
        return bool(term.value in facts.headers.get("subject", ""))
    if term.op == "rfc822msgid":
        return bool(facts.headers.get("message-id", "").strip("<>") == term.value)
    if term.op == "after":
        return bool(facts.internal_ms >= term.value)
    if term.op == "before":
        return bool(facts.internal_ms < term.value)
    if term.op == "label":
        return term.value in facts.labels
    if term.op == "anywhere":
        return True
    return bool(term.value in facts.text())


# -- parsing ---------------------------------------------------------------------------------


def _parse(q: str, now_ms: int) -> list[Term]:
    terms = []
    for negated, token in _tokens(q):
        terms.append(_term(token, negated, now_ms))
    return terms


def _tokens(q: str) -> list[tuple[bool, str]]:
    """(negated, token) pairs; a token keeps its quotes so ``subject:"a b"`` stays one."""
    out: list[tuple[bool, str]] = []
    pos = 0
    while pos < len(q):
        char = q[pos]
        if char.isspace():
            pos += 1
            continue
        if char in "(){}":
            raise unsupported("grouping with ( ) or { }")
        negated = char == "-" and pos + 1 < len(q) and not q[pos + 1].isspace()
        start = pos + 1 if negated else pos
        pos = start
        while pos < len(q) and not q[pos].isspace():
            if q[pos] == '"':
                end = q.find('"', pos + 1)
                if end < 0:
                    raise unsupported("an unclosed quote")
                pos = end + 1
                continue
            if q[pos] in "(){}":
                raise unsupported("grouping with ( ) or { }")
            pos += 1
        token = q[start:pos]
        if token in ("OR", "AROUND") or token.startswith("+"):
            raise unsupported(f"the operator {token[:1] if token.startswith('+') else token}")
        if token != "AND":
            out.append((negated, token))
    return out


def _term(token: str, negated: bool, now_ms: int) -> Term:
    op, colon, value = token.partition(":")
    op = op.lower()
    if not colon or (op not in _KNOWN and op not in _UNSUPPORTED):
        return Term("text", _unquote(token).lower(), negated)
    if op in _UNSUPPORTED:
        raise unsupported(f"the operator {op}:")
    value = _unquote(value)
    if not value:
        raise unsupported(f"an empty {op}:")
    return _KNOWN[op](value, negated, now_ms)


def _unquote(text: str) -> str:
    return text.replace('"', "").strip()


def _address(op: str) -> Callable[[str, bool, int], Term]:
    return lambda value, negated, now: Term(op, value.lower(), negated)


def _date(op: str) -> Callable[[str, bool, int], Term]:
    def build(value: str, negated: bool, now: int) -> Term:
        if value.isdigit():
            return Term(op, int(value) * 1000, negated)
        found = _DATE.match(value)
        if not found:
            raise unsupported(f"the date {value!r} (use YYYY/MM/DD or epoch seconds)")
        try:
            year, month, day = (int(g) for g in found.groups())
            moment = datetime(year, month, day, tzinfo=PACIFIC)
        except ValueError as exc:
            raise unsupported(f"the date {value!r}") from exc
        return Term(op, int(moment.timestamp() * 1000), negated)

    return build


def _relative(op: str) -> Callable[[str, bool, int], Term]:
    def build(value: str, negated: bool, now: int) -> Term:
        found = _RELATIVE.match(value.lower())
        if not found:
            raise unsupported(f"the period {value!r} (use Nd, Nm or Ny)")
        return Term(op, now - int(found.group(1)) * _SPANS[found.group(2)], negated)

    return build


def _labels(table: dict[str, str], op: str) -> Callable[[str, bool, int], Term]:
    def build(value: str, negated: bool, now: int) -> Term:
        key = value.lower()
        if op == "in" and key == "anywhere":
            return Term("anywhere", "*", negated)
        if op == "is" and key == "read":
            return Term("label", "UNREAD", not negated)
        if op == "label":
            return Term("label", value.upper().replace("-", "_"), negated)
        if key not in table:
            raise unsupported(f"{op}:{value}")
        return Term("label", table[key], negated)

    return build


_KNOWN: dict[str, Callable[[str, bool, int], Term]] = {
    **{op: _address(op) for op in ADDRESS_FIELDS},
    "subject": lambda value, negated, now: Term("subject", value.lower(), negated),
    "rfc822msgid": lambda value, negated, now: Term("rfc822msgid", value.strip("<>"), negated),
    "after": _date("after"),
    "newer": _date("after"),
    "before": _date("before"),
    "older": _date("before"),
    "newer_than": _relative("after"),
    "older_than": _relative("before"),
    "is": _labels(_IS, "is"),
    "in": _labels(_IN, "in"),
    "label": _labels({}, "label"),
}
