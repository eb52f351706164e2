"""Formula evaluation for what the project writes, and reference shifting.

Supported: numbers, strings, booleans, error literals; cell and range references (``A1``,
``$B$2``, ``A1:C3``, ``A:A``, ``2:2``), cross-sheet (``'Other tab'!B2``) and named ranges;
operators ``+ - * / ^ & = <> < > <= >=``, unary minus and ``%``; and these functions,
evaluated natively as Google Sheets does: SUM, COUNT, COUNTA, COUNTBLANK, COUNTIF, SUMIF,
AVERAGE, MIN, MAX, IF, IFERROR, AND, OR, NOT, HYPERLINK (its value is the label),
CONCATENATE, CONCAT, LEN, UPPER, LOWER, TRIM, ROUND, ABS, ISBLANK, TODAY, NOW, DATE.

Any other function is looked up in the ``formulas`` package's Excel library (imported
lazily, its first use costs about a second) and called with the evaluated arguments.
A function found nowhere evaluates to ``#NAME?`` with Google's "Unknown function" error.
The functions live in ``formula_functions``; rewriting references when rows, columns or
pasted formulas move lives in ``formula_refs``.

Limits: no array literals ``{1,2}``, no spilling (a formula yielding a range shows its
top-left value), no iterative calculation (a cycle is ``#REF!``), no R1C1 notation,
volatile functions are computed when read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

from tst_sheets.emulator import a1
from tst_sheets.emulator.values import CellError, Scalar, general

# -- tokens -----------------------------------------------------------------------------

_SHEET = r"(?:'(?:[^']|'')+'|[A-Za-z_\u00C0-\uFFFF][\w.\u00C0-\uFFFF]*)!"
_CELL = r"\$?[A-Za-z]{1,3}\$?[0-9]+"
_COL = r"\$?[A-Za-z]{1,3}"
_ROW = r"\$?[0-9]+"
_REF = re.compile(
    rf"(?P<sheet>{_SHEET})?(?P<box>{_CELL}(?::(?:{_CELL}|{_COL}|{_ROW}))?"
    rf"|{_COL}:{_COL}(?:[0-9]+)?|{_ROW}:{_ROW})(?![\w(!])"
)
_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_IDENT = re.compile(r"[A-Za-z_][\w.]*")
_ERROR_LITERAL = re.compile(r"#(?:REF!|N/A|NAME\?|DIV/0!|VALUE!|NUM!|NULL!|ERROR!)")
_OPERATORS = (
    "<>",
    "<=",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "^",
    "&",
    "=",
    "<",
    ">",
    "%",
    "(",
    ")",
    ",",
    ";",
)
ERROR_TYPES = {
    "#REF!": "REF",
    "#N/A": "N_A",
    "#NAME?": "NAME",
    "#DIV/0!": "DIVIDE_BY_ZERO",
    "#VALUE!": "VALUE",
    "#NUM!": "NUM",
    "#NULL!": "NULL_VALUE",
    "#ERROR!": "ERROR",
}


class FormulaSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Token:
    kind: str  # num str err ref name func op
    text: str
    start: int
    end: int


def tokenize(formula: str) -> list[Token]:
    """Tokens of a formula without its leading ``=``."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(formula):
        char = formula[pos]
        if char.isspace():
            pos += 1
            continue
        token = _next_token(formula, pos)
        tokens.append(token)
        pos = token.end
    return tokens


def _next_token(text: str, pos: int) -> Token:
    if text[pos] == '"':
        end = pos + 1
        while end < len(text):
            if text[end] == '"':
                if text[end + 1 : end + 2] == '"':
                    end += 2
                    continue
                return Token("str", text[pos : end + 1], pos, end + 1)
            end += 1
        raise FormulaSyntaxError("unterminated string")
    for kind, regex in (("err", _ERROR_LITERAL), ("ref", _REF), ("num", _NUMBER)):
        found = regex.match(text, pos)
        if found:
            return Token(kind, found.group(0), pos, found.end())
    found = _IDENT.match(text, pos)
    if found:
        rest = text[found.end() :].lstrip()
        kind = "func" if rest.startswith("(") else "name"
        return Token(kind, found.group(0), pos, found.end())
    for op in _OPERATORS:
        if text.startswith(op, pos):
            return Token("op", op, pos, pos + len(op))
    raise FormulaSyntaxError(f"unexpected {text[pos]!r}")


# -- syntax tree ----------------------------------------------------------------------------

Node = tuple[Any, ...]


@lru_cache(maxsize=4096)
def parse(formula: str) -> Node:
    """The syntax tree of ``=...``; raises FormulaSyntaxError."""
    parser = _Parser(tokenize(formula[1:] if formula.startswith("=") else formula))
    node = parser.expression(0)
    if parser.pos != len(parser.tokens):
        raise FormulaSyntaxError("trailing tokens")
    return node


_BINARY = {
    "=": 1,
    "<>": 1,
    "<": 1,
    ">": 1,
    "<=": 1,
    ">=": 1,
    "&": 2,
    "+": 3,
    "-": 3,
    "*": 4,
    "/": 4,
    "^": 5,
}


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise FormulaSyntaxError("unexpected end")
        self.pos += 1
        return token

    def expression(self, min_level: int) -> Node:
        """Precedence climbing; every operator is left-associative (``2^3^2`` is 64 in Sheets)."""
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token.kind != "op" or token.text not in _BINARY:
                return left
            level = _BINARY[token.text]
            if level < min_level:
                return left
            self.take()
            right = self.expression(level + 1)
            left = ("bin", token.text, left, right)

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token.kind == "op" and token.text in "+-":
            self.take()
            operand = self.unary()
            return ("neg", operand) if token.text == "-" else operand
        node = self.primary()
        while (nxt := self.peek()) is not None and nxt.kind == "op" and nxt.text == "%":
            self.take()
            node = ("pct", node)
        return node

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "num":
            return ("num", float(token.text))
        if token.kind == "str":
            return ("str", token.text[1:-1].replace('""', '"'))
        if token.kind == "err":
            return ("err", CellError(ERROR_TYPES[token.text], "Error literal."))
        if token.kind == "ref":
            return reference_node(token.text)
        if token.kind == "func":
            return self.call(token.text)
        if token.kind == "name":
            upper = token.text.upper()
            if upper in ("TRUE", "FALSE"):
                return ("bool", upper == "TRUE")
            return ("name", token.text)
        if token.text == "(":
            node = self.expression(0)
            if self.take().text != ")":
                raise FormulaSyntaxError("missing )")
            return node
        raise FormulaSyntaxError(f"unexpected {token.text!r}")

    def call(self, typed: str) -> Node:
        """``("call", NAME, args, name as typed)``."""
        name = typed.upper()
        self.take()  # "("
        args: list[Node] = []
        if (nxt := self.peek()) is not None and nxt.text == ")":
            self.take()
            return ("call", name, tuple(args), typed)
        while True:
            nxt = self.peek()
            if nxt is not None and nxt.text in (",", ";", ")"):
                args.append(("blank",))
            else:
                args.append(self.expression(0))
            sep = self.take()
            if sep.text == ")":
                return ("call", name, tuple(args), typed)
            if sep.text not in (",", ";"):
                raise FormulaSyntaxError("expected , or )")


def reference_node(text: str) -> Node:
    """``("ref", sheet, r0, r1, c0, c1, single)``; ``r1``/``c1`` None when unbounded."""
    sheet, box_text = a1.split_sheet(text)
    box = a1.parse_box(box_text.replace("$", ""))
    if box is None:
        raise FormulaSyntaxError(f"bad reference {text}")
    r0, r1, c0, c1 = box
    single = ":" not in box_text
    return ("ref", sheet, r0, r1, c0, c1, single)


# -- evaluation ---------------------------------------------------------------------------


class Context(Protocol):
    """What a formula can see of its spreadsheet."""

    def cell(self, sheet: str | None, row: int, col: int) -> Scalar: ...

    def area(
        self, sheet: str | None, r0: int, r1: int | None, c0: int, c1: int | None
    ) -> list[list[Scalar]]: ...

    def named(self, name: str) -> tuple[str, int, int | None, int, int | None] | None: ...

    def now(self) -> datetime: ...


@dataclass
class Area:
    rows: list[list[Scalar]]

    def values(self) -> list[Scalar]:
        return [v for row in self.rows for v in row]

    def first(self) -> Scalar:
        return self.rows[0][0] if self.rows and self.rows[0] else None


Value = Scalar | Area


@dataclass
class Result:
    value: Scalar
    hyperlink: str | None = None
    number_format: dict[str, str] | None = None


@dataclass
class EvalState:
    ctx: Context
    hyperlink: str | None = None
    number_format: dict[str, str] | None = field(default=None)


class Raise(Exception):
    """Short-circuits evaluation with a cell error."""

    def __init__(self, error: CellError) -> None:
        super().__init__(error.message)
        self.error = error


def evaluate(formula: str, ctx: Context) -> Result:
    """Evaluate ``=...`` against ``ctx``; errors become ``CellError`` values."""
    try:
        node = parse(formula)
    except (FormulaSyntaxError, a1.A1Error):
        return Result(CellError("ERROR", "Formula parse error."))
    state = EvalState(ctx)
    try:
        value = first_value(eval_node(node, state))
    except Raise as failure:
        value = failure.error
    except RecursionError:
        value = CellError("REF", "Circular dependency detected.")
    if isinstance(value, float) and not math.isfinite(value):
        value = CellError("NUM", "Result is not a finite number.")
    return Result(value, state.hyperlink, state.number_format)


def first_value(value: Value) -> Scalar:
    return value.first() if isinstance(value, Area) else value


def eval_node(node: Node, state: EvalState) -> Value:
    kind = node[0]
    if kind in ("num", "str", "bool", "err"):
        return node[1]  # type: ignore[no-any-return]
    if kind == "blank":
        return None
    if kind == "ref":
        return _reference(node, state.ctx)
    if kind == "name":
        return _named(node[1], state.ctx)
    if kind == "neg":
        return -to_number(eval_node(node[1], state), "UMINUS", 1)
    if kind == "pct":
        return to_number(eval_node(node[1], state), "UNARY_PERCENT", 1) / 100
    if kind == "bin":
        return _binary(node[1], eval_node(node[2], state), eval_node(node[3], state))
    if kind == "call":
        return _call(node[1], node[2], node[3], state)
    raise Raise(CellError("ERROR", "Formula parse error."))


def _reference(node: Node, ctx: Context) -> Value:
    _, sheet, r0, r1, c0, c1, single = node
    if single:
        return ctx.cell(sheet, r0, c0)
    return Area(ctx.area(sheet, r0, r1, c0, c1))


def _named(name: str, ctx: Context) -> Value:
    found = ctx.named(name)
    if found is None:
        raise Raise(CellError("NAME", f"Unknown range name: '{name}'."))
    sheet, r0, r1, c0, c1 = found
    return Area(ctx.area(sheet, r0, r1, c0, c1))


# -- coercions ----------------------------------------------------------------------------


Plain = float | str | bool | None  # a scalar that is not an error


def check(value: Value) -> Plain:
    scalar = first_value(value)
    if isinstance(scalar, CellError):
        raise Raise(scalar)
    return scalar


def to_number(value: Value, function: str, index: int) -> float:
    scalar = check(value)
    if scalar is None:
        return 0.0
    if isinstance(scalar, bool):
        return 1.0 if scalar else 0.0
    if isinstance(scalar, float | int):
        return float(scalar)
    try:
        return float(scalar.replace(",", ""))
    except ValueError:
        raise Raise(
            CellError(
                "VALUE",
                f"Function {function} parameter {index} expects number values. "
                f"But '{scalar}' is a text and cannot be coerced to a number.",
            )
        ) from None


def to_text(value: Value) -> str:
    scalar = check(value)
    if scalar is None:
        return ""
    if isinstance(scalar, bool):
        return "TRUE" if scalar else "FALSE"
    if isinstance(scalar, float | int):
        return general(float(scalar))
    return scalar


def to_bool(value: Value, function: str) -> bool:
    scalar = check(value)
    if isinstance(scalar, str):
        if scalar.upper() in ("TRUE", "FALSE"):
            return scalar.upper() == "TRUE"
        raise Raise(
            CellError(
                "VALUE",
                f"Function {function} parameter 1 expects boolean values. "
                f"But '{scalar}' is a text and cannot be coerced to a boolean.",
            )
        )
    return bool(scalar)


_ARITH: dict[str, tuple[str, Callable[[float, float], float]]] = {
    "+": ("ADD", lambda a, b: a + b),
    "-": ("MINUS", lambda a, b: a - b),
    "*": ("MULTIPLY", lambda a, b: a * b),
    "^": ("POW", lambda a, b: a**b),
}


def _binary(op: str, left: Value, right: Value) -> Value:
    if op == "&":
        return to_text(left) + to_text(right)
    if op in ("=", "<>", "<", ">", "<=", ">="):
        return compare(op, check(left), check(right))
    if op == "/":
        divisor = to_number(right, "DIVIDE", 2)
        dividend = to_number(left, "DIVIDE", 1)
        if divisor == 0:
            raise Raise(CellError("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero."))
        return dividend / divisor
    name, apply = _ARITH[op]
    a, b = to_number(left, name, 1), to_number(right, name, 2)
    try:
        return apply(a, b)
    except (OverflowError, ZeroDivisionError, ValueError):
        raise Raise(CellError("NUM", f"Function {name} result is not a number.")) from None


def rank(value: Scalar) -> tuple[int, Any]:
    """Sheets orders numbers < text < booleans; text compares without case."""
    if value is None:
        return (0, 0.0)
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, float | int):
        return (0, float(value))
    return (1, str(value).lower())


def compare(op: str, left: Scalar, right: Scalar) -> bool:
    if left is None and isinstance(right, str):
        left = ""
    if right is None and isinstance(left, str):
        right = ""
    a, b = rank(left), rank(right)
    return {
        "=": a == b,
        "<>": a != b,
        "<": a < b,
        ">": a > b,
        "<=": a <= b,
        ">=": a >= b,
    }[op]


# -- function calls ------------------------------------------------------------------------


def _call(name: str, args: tuple[Node, ...], typed: str, state: EvalState) -> Value:
    from tst_sheets.emulator import formula_functions as functions  # imports this module

    lazy = functions.LAZY.get(name)
    if lazy is not None:
        return lazy(args, state)
    values = [eval_node(arg, state) for arg in args]
    native = functions.NATIVE.get(name)
    if native is not None:
        return native(values, state)
    return functions.library(name, typed, values)
