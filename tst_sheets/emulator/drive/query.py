"""The ``q`` grammar of ``files.list``: parsed into a predicate over stored file docs.

    expr   := term ('or' term)*
    term   := factor ('and' factor)*
    factor := 'not' factor | '(' expr ')' | clause
    clause := FIELD OP VALUE | VALUE 'in' FIELD | FIELD 'has' '{' key = V and value = V '}'

Strings take single or double quotes with backslash escapes (``'Bob\\'s'``). Anything
that does not parse is Google's 400 "Invalid Value" on parameter ``q``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from tst_sheets.emulator.clock import parse_rfc3339
from tst_sheets.emulator.errors import ApiError, drive_error
from tst_sheets.emulator.store import Doc

Predicate = Callable[[Doc], bool]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op><=|>=|!=|=|<|>)
      | (?P<punct>[(){}])
      | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)
_TIME_FIELDS = {"modifiedTime", "createdTime", "viewedByMeTime", "sharedWithMeTime"}
_BOOL_FIELDS = {"trashed", "starred", "sharedWithMe"}
_TEXT_FIELDS = {"name", "mimeType", "fullText", "visibility"}
_MEMBER_FIELDS = {"parents", "owners", "writers", "readers"}
_ORDER: dict[str, Callable[[int], bool]] = {
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    "=": lambda c: c == 0,
    "!=": lambda c: c != 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
}


def invalid_query() -> ApiError:
    return drive_error(400, "Invalid Value", "invalid", "q")


@dataclass(frozen=True)
class Token:
    kind: str  # string, op, punct, word
    text: str


@dataclass(frozen=True)
class QueryContext:
    """Who asks: ``'me' in owners`` and ``'root' in parents`` resolve against this."""

    user: str
    root_id: str


def tokenize(q: str) -> list[Token]:
    tokens, pos = [], 0
    while pos < len(q.rstrip()):
        found = _TOKEN.match(q, pos)
        if found is None or found.end() == pos:
            raise invalid_query()
        kind = found.lastgroup or ""
        text = found.group(kind)
        if kind == "string":
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        tokens.append(Token(kind, text))
        pos = found.end()
    return tokens


def compile_query(q: str, ctx: QueryContext) -> Predicate:
    """A predicate for ``q``; an empty query matches every file."""
    if not q.strip():
        return lambda doc: True
    parser = Parser(tokenize(q), ctx)
    predicate = parser.expr()
    if parser.peek() is not None:
        raise invalid_query()
    return predicate


class Parser:
    def __init__(self, tokens: list[Token], ctx: QueryContext) -> None:
        self.tokens = tokens
        self.pos = 0
        self.ctx = ctx

    # -- token helpers -------------------------------------------------------------------

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self) -> Token:
        token = self.peek()
        if token is None:
            raise invalid_query()
        self.pos += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "word" and token.text.lower() == word:
            self.pos += 1
            return True
        return False

    def expect(self, kind: str, text: str | None = None) -> Token:
        token = self.next()
        if token.kind != kind or (text is not None and token.text.lower() != text):
            raise invalid_query()
        return token

    # -- grammar -------------------------------------------------------------------------

    def expr(self) -> Predicate:
        parts = [self.term()]
        while self.keyword("or"):
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else lambda doc: any(p(doc) for p in parts)

    def term(self) -> Predicate:
        parts = [self.factor()]
        while self.keyword("and"):
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else lambda doc: all(p(doc) for p in parts)

    def factor(self) -> Predicate:
        if self.keyword("not"):
            inner = self.factor()
            return lambda doc: not inner(doc)
        token = self.peek()
        if token is not None and token.kind == "punct" and token.text == "(":
            self.next()
            inner = self.expr()
            self.expect("punct", ")")
            return inner
        return self.clause()

    def clause(self) -> Predicate:
        first = self.next()
        if first.kind == "string":
            self.expect("word", "in")
            field = self.expect("word").text
            return self.membership(first.text, field)
        if first.kind != "word":
            raise invalid_query()
        field = first.text
        if field in ("appProperties", "properties"):
            self.expect("word", "has")
            return self.has_property(field)
        op = self.next()
        if op.kind == "word" and op.text.lower() == "contains":
            return self.contains(field, self.expect("string").text)
        if op.kind != "op":
            raise invalid_query()
        return self.compare(field, op.text, self.next())

    # -- clauses -------------------------------------------------------------------------

    def membership(self, value: str, field: str) -> Predicate:
        if field not in _MEMBER_FIELDS:
            raise invalid_query()
        if field == "parents":
            parent = self.ctx.root_id if value == "root" else value
            return lambda doc: parent in doc.get("parents", [])
        email = self.ctx.user if value == "me" else value.lower()
        roles = {"owners": ("owner",), "writers": ("writer",), "readers": ("reader", "commenter")}
        wanted = roles[field]
        return lambda doc: _has_grant(doc, email, wanted)

    def has_property(self, field: str) -> Predicate:
        self.expect("punct", "{")
        self.expect("word", "key")
        self.expect("op", "=")
        key = self.expect("string").text
        self.expect("word", "and")
        self.expect("word", "value")
        self.expect("op", "=")
        value = self.expect("string").text
        self.expect("punct", "}")
        return lambda doc: (doc.get(field) or {}).get(key) == value

    def contains(self, field: str, value: str) -> Predicate:
        needle = value.lower()
        if field == "name":
            return lambda doc: _prefix_of_token(str(doc.get("name", "")).lower(), needle)
        if field == "fullText":
            return lambda doc: needle in _full_text(doc)
        if field == "mimeType":
            return lambda doc: needle in str(doc.get("mimeType", "")).lower()
        raise invalid_query()

    def compare(self, field: str, op: str, value: Token) -> Predicate:
        if field in _TIME_FIELDS and value.kind == "string":
            moment = _parse_time(value.text)
            key = "modifiedTime" if field != "createdTime" else "createdTime"
            test = _ORDER[op]
            return lambda doc: test(_cmp(parse_rfc3339(str(doc[key])), moment))
        if op not in ("=", "!="):
            raise invalid_query()
        equal = op == "="
        if field in _BOOL_FIELDS and value.kind == "word":
            wanted = _parse_bool(value.text)
            getter = self._bool_getter(field)
            return lambda doc: (getter(doc) == wanted) == equal
        if field in _TEXT_FIELDS and value.kind == "string" and field != "fullText":
            text = value.text
            if field == "visibility":
                return lambda doc: (_visibility(doc) == text) == equal
            return lambda doc: (doc.get(field) == text) == equal
        raise invalid_query()

    def _bool_getter(self, field: str) -> Callable[[Doc], bool]:
        if field == "sharedWithMe":
            user = self.ctx.user
            return lambda doc: (
                doc.get("ownerEmail") != user
                and _has_grant(doc, user, ("reader", "commenter", "writer"))
            )
        return lambda doc: bool(doc.get(field))


# -- evaluation helpers ---------------------------------------------------------------------


def _has_grant(doc: Doc, email: str, roles: tuple[str, ...]) -> bool:
    for perm in doc.get("permissions", []):
        if perm.get("role") in roles and str(perm.get("emailAddress", "")).lower() == email:
            return True
    return False


def _prefix_of_token(name: str, needle: str) -> bool:
    """Google matches ``name contains`` only at the start of a word of the name."""
    start = 0
    while True:
        at = name.find(needle, start)
        if at < 0:
            return False
        if at == 0 or not name[at - 1].isalnum():
            return True
        start = at + 1


def _full_text(doc: Doc) -> str:
    return f"{doc.get('name', '')} {doc.get('description') or ''}".lower()


def _visibility(doc: Doc) -> str:
    kinds = {(p.get("type"), bool(p.get("allowFileDiscovery"))) for p in doc["permissions"]}
    for label, kind, found in (
        ("anyoneCanFind", "anyone", True),
        ("anyoneWithLink", "anyone", False),
        ("domainCanFind", "domain", True),
        ("domainWithLink", "domain", False),
    ):
        if (kind, found) in kinds:
            return label
    return "limited"


def _parse_time(text: str) -> datetime:
    try:
        moment = parse_rfc3339(text)
    except ValueError as exc:
        raise invalid_query() from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parse_bool(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise invalid_query()
    return text.lower() == "true"


def _cmp(left: datetime, right: datetime) -> int:
    return (left > right) - (left < right)
