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

Limits: no array literals ``{1,2}``, no spilling (a formula yielding a range shows its
top-left value), no iterative calculation (a cycle is ``#REF!``), no R1C1 notation,
volatile functions are computed when read.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

from tst_sheets.emulator import a1
from tst_sheets.emulator.values import CellError, Scalar, general, to_serial

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
_ERROR_TYPES = {
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
            return ("err", CellError(_ERROR_TYPES[token.text], "Error literal."))
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
class _Eval:
    ctx: Context
    hyperlink: str | None = None
    number_format: dict[str, str] | None = field(default=None)


class _Raise(Exception):
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
    state = _Eval(ctx)
    try:
        value = _scalar(_eval(node, state))
    except _Raise as failure:
        value = failure.error
    except RecursionError:
        value = CellError("REF", "Circular dependency detected.")
    if isinstance(value, float) and not math.isfinite(value):
        value = CellError("NUM", "Result is not a finite number.")
    return Result(value, state.hyperlink, state.number_format)


def _scalar(value: Value) -> Scalar:
    return value.first() if isinstance(value, Area) else value


def _eval(node: Node, state: _Eval) -> Value:
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
        return -_number(_eval(node[1], state), "UMINUS", 1)
    if kind == "pct":
        return _number(_eval(node[1], state), "UNARY_PERCENT", 1) / 100
    if kind == "bin":
        return _binary(node[1], _eval(node[2], state), _eval(node[3], state))
    if kind == "call":
        return _call(node[1], node[2], node[3], state)
    raise _Raise(CellError("ERROR", "Formula parse error."))


def _reference(node: Node, ctx: Context) -> Value:
    _, sheet, r0, r1, c0, c1, single = node
    if single:
        return ctx.cell(sheet, r0, c0)
    return Area(ctx.area(sheet, r0, r1, c0, c1))


def _named(name: str, ctx: Context) -> Value:
    found = ctx.named(name)
    if found is None:
        raise _Raise(CellError("NAME", f"Unknown range name: '{name}'."))
    sheet, r0, r1, c0, c1 = found
    return Area(ctx.area(sheet, r0, r1, c0, c1))


# -- coercions ----------------------------------------------------------------------------


Plain = float | str | bool | None  # a scalar that is not an error


def _check(value: Value) -> Plain:
    scalar = _scalar(value)
    if isinstance(scalar, CellError):
        raise _Raise(scalar)
    return scalar


def _number(value: Value, function: str, index: int) -> float:
    scalar = _check(value)
    if scalar is None:
        return 0.0
    if isinstance(scalar, bool):
        return 1.0 if scalar else 0.0
    if isinstance(scalar, float | int):
        return float(scalar)
    try:
        return float(scalar.replace(",", ""))
    except ValueError:
        raise _Raise(
            CellError(
                "VALUE",
                f"Function {function} parameter {index} expects number values. "
                f"But '{scalar}' is a text and cannot be coerced to a number.",
            )
        ) from None


def _text(value: Value) -> str:
    scalar = _check(value)
    if scalar is None:
        return ""
    if isinstance(scalar, bool):
        return "TRUE" if scalar else "FALSE"
    if isinstance(scalar, float | int):
        return general(float(scalar))
    return scalar


def _truthy(value: Value, function: str) -> bool:
    scalar = _check(value)
    if isinstance(scalar, str):
        if scalar.upper() in ("TRUE", "FALSE"):
            return scalar.upper() == "TRUE"
        raise _Raise(
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
        return _text(left) + _text(right)
    if op in ("=", "<>", "<", ">", "<=", ">="):
        return _compare(op, _check(left), _check(right))
    if op == "/":
        divisor = _number(right, "DIVIDE", 2)
        dividend = _number(left, "DIVIDE", 1)
        if divisor == 0:
            raise _Raise(CellError("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero."))
        return dividend / divisor
    name, apply = _ARITH[op]
    a, b = _number(left, name, 1), _number(right, name, 2)
    try:
        return apply(a, b)
    except (OverflowError, ZeroDivisionError, ValueError):
        raise _Raise(CellError("NUM", f"Function {name} result is not a number.")) from None


def _rank(value: Scalar) -> tuple[int, Any]:
    """Sheets orders numbers < text < booleans; text compares without case."""
    if value is None:
        return (0, 0.0)
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, float | int):
        return (0, float(value))
    return (1, str(value).lower())


def _compare(op: str, left: Scalar, right: Scalar) -> bool:
    if left is None and isinstance(right, str):
        left = ""
    if right is None and isinstance(left, str):
        right = ""
    a, b = _rank(left), _rank(right)
    return {
        "=": a == b,
        "<>": a != b,
        "<": a < b,
        ">": a > b,
        "<=": a <= b,
        ">=": a >= b,
    }[op]


# -- functions ------------------------------------------------------------------------------


def _call(name: str, args: tuple[Node, ...], typed: str, state: _Eval) -> Value:
    lazy = _LAZY.get(name)
    if lazy is not None:
        return lazy(args, state)
    values = [_eval(arg, state) for arg in args]
    native = _NATIVE.get(name)
    if native is not None:
        return native(values, state)
    return _library(name, typed, values)


def _numbers(values: list[Value], function: str) -> list[float]:
    """Numbers of ranges (text and blanks skipped) and of direct arguments (coerced)."""
    out: list[float] = []
    for index, value in enumerate(values, start=1):
        if isinstance(value, Area):
            for item in value.values():
                if isinstance(item, CellError):
                    raise _Raise(item)
                if isinstance(item, float | int) and not isinstance(item, bool):
                    out.append(float(item))
        elif value is not None:
            out.append(_number(value, function, index))
    return out


def _all_values(values: list[Value]) -> list[Scalar]:
    out: list[Scalar] = []
    for value in values:
        out.extend(value.values() if isinstance(value, Area) else [value])
    return out


def _average(values: list[Value], _: _Eval) -> Value:
    numbers = _numbers(values, "AVERAGE")
    if not numbers:
        raise _Raise(
            CellError(
                "DIVIDE_BY_ZERO", "Evaluation of function AVERAGE caused a divide by zero error."
            )
        )
    return sum(numbers) / len(numbers)


def _criterion(criterion: Scalar) -> Callable[[Scalar], bool]:
    """COUNTIF/SUMIF criteria: ``5``, ``">3"``, ``"<>x"``, ``"a*"`` (wildcards)."""
    if not isinstance(criterion, str):
        return lambda v: _compare("=", v, criterion)
    found = re.match(r"^(<>|<=|>=|=|<|>)?(.*)$", criterion, re.S)
    op = (found.group(1) if found else None) or "="
    operand_text = found.group(2) if found else criterion
    operand: Scalar = operand_text
    with contextlib.suppress(ValueError):
        operand = float(operand_text)
    if isinstance(operand, str) and op in ("=", "<>") and any(c in operand for c in "*?"):
        pattern = re.compile(
            "^" + re.escape(operand).replace(r"\*", ".*").replace(r"\?", ".") + "$", re.I | re.S
        )
        matches: Callable[[Scalar], bool] = lambda v: bool(pattern.match(_plain(v)))  # noqa: E731
        return matches if op == "=" else (lambda v: not matches(v))
    if operand == "" and op == "=":
        return lambda v: v is None or v == ""
    return lambda v: v is not None and _compare(op, v, operand)


def _plain(value: Scalar) -> str:
    return "" if value is None else general(value) if isinstance(value, float) else str(value)


def _countif(values: list[Value], _: _Eval) -> Value:
    test = _criterion(_check(values[1]) if len(values) > 1 else None)
    return float(sum(1 for v in _all_values(values[:1]) if test(v)))


def _sumif(values: list[Value], _: _Eval) -> Value:
    test = _criterion(_check(values[1]) if len(values) > 1 else None)
    checked = _all_values(values[:1])
    summed = _all_values(values[2:3]) if len(values) > 2 else checked
    total = 0.0
    for candidate, item in zip(checked, summed, strict=False):
        if test(candidate) and isinstance(item, float | int) and not isinstance(item, bool):
            total += float(item)
    return total


def _hyperlink(values: list[Value], state: _Eval) -> Value:
    url = _text(values[0]) if values else ""
    state.hyperlink = url
    return _text(values[1]) if len(values) > 1 else url


def _round(values: list[Value], _: _Eval) -> Value:
    number = _number(values[0], "ROUND", 1)
    places = int(_number(values[1], "ROUND", 2)) if len(values) > 1 else 0
    scale = 10.0**places
    return math.floor(abs(number) * scale + 0.5) / scale * (1 if number >= 0 else -1)


def _date(values: list[Value], state: _Eval) -> Value:
    year, month, day = (int(_number(v, "DATE", i + 1)) for i, v in enumerate(values[:3]))
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    state.number_format = {"type": "DATE", "pattern": "M/d/yyyy"}
    return to_serial(datetime(year, month, 1)) + day - 1


def _today(_: list[Value], state: _Eval) -> Value:
    state.number_format = {"type": "DATE", "pattern": "M/d/yyyy"}
    return float(math.floor(to_serial(state.ctx.now())))


def _now(_: list[Value], state: _Eval) -> Value:
    state.number_format = {"type": "DATE_TIME", "pattern": "M/d/yyyy H:mm:ss"}
    return to_serial(state.ctx.now())


def _if(args: tuple[Node, ...], state: _Eval) -> Value:
    condition = _truthy(_eval(args[0], state), "IF") if args else False
    if condition:
        return _eval(args[1], state) if len(args) > 1 else True
    return _eval(args[2], state) if len(args) > 2 else False


def _iferror(args: tuple[Node, ...], state: _Eval) -> Value:
    try:
        value = _eval(args[0], state)
        _check(value)
        return value
    except _Raise:
        return _eval(args[1], state) if len(args) > 1 else ""


_LAZY: dict[str, Callable[[tuple[Node, ...], _Eval], Value]] = {"IF": _if, "IFERROR": _iferror}

_NATIVE: dict[str, Callable[[list[Value], _Eval], Value]] = {
    "SUM": lambda v, _: sum(_numbers(v, "SUM")),
    "COUNT": lambda v, _: float(
        sum(1 for x in _all_values(v) if isinstance(x, float | int) and not isinstance(x, bool))
    ),
    "COUNTA": lambda v, _: float(sum(1 for x in _all_values(v) if x is not None and x != "")),
    "COUNTBLANK": lambda v, _: float(sum(1 for x in _all_values(v) if x is None or x == "")),
    "COUNTIF": _countif,
    "SUMIF": _sumif,
    "AVERAGE": _average,
    "MIN": lambda v, _: min(_numbers(v, "MIN"), default=0.0),
    "MAX": lambda v, _: max(_numbers(v, "MAX"), default=0.0),
    "AND": lambda v, _: all(_truthy(x, "AND") for x in _all_values(v) if x is not None),
    "OR": lambda v, _: any(_truthy(x, "OR") for x in _all_values(v) if x is not None),
    "NOT": lambda v, _: not _truthy(v[0], "NOT"),
    "HYPERLINK": _hyperlink,
    "CONCATENATE": lambda v, _: "".join(_text(x) for x in _all_values(v)),
    "CONCAT": lambda v, _: "".join(_text(x) for x in v[:2]),
    "LEN": lambda v, _: float(len(_text(v[0]))),
    "UPPER": lambda v, _: _text(v[0]).upper(),
    "LOWER": lambda v, _: _text(v[0]).lower(),
    "TRIM": lambda v, _: " ".join(_text(v[0]).split()),
    "ROUND": _round,
    "ABS": lambda v, _: abs(_number(v[0], "ABS", 1)),
    "ISBLANK": lambda v, _: _scalar(v[0]) is None if v else True,
    "DATE": _date,
    "TODAY": _today,
    "NOW": _now,
}


# -- the ``formulas`` package as a fallback library ------------------------------------------


@lru_cache(maxsize=1)
def _excel_library() -> dict[str, Callable[..., Any]]:
    from formulas.functions import get_functions  # lazy: the first import takes ~1 s

    return dict(get_functions())


def _library(name: str, typed: str, values: list[Value]) -> Value:
    function = _excel_library().get(name)
    if function is None:
        raise _Raise(CellError("NAME", f"Unknown function: '{typed}'."))
    try:
        result = function(*(_to_excel(v) for v in values))
    except Exception:  # the library raises freely on odd inputs; Sheets shows #VALUE!
        raise _Raise(CellError("VALUE", f"Function {name} could not be evaluated.")) from None
    return _from_excel(result)


def _to_excel(value: Value) -> Any:
    import numpy as np

    if isinstance(value, Area):
        return np.array([[_excel_scalar(v) for v in row] for row in value.rows], dtype=object)
    return _excel_scalar(_check(value))


def _excel_scalar(value: Scalar) -> Any:
    if value is None:
        import schedula

        return schedula.EMPTY
    return value


def _from_excel(result: Any) -> Value:
    import numpy as np

    item = np.asarray(result, dtype=object)
    scalar = item.ravel()[0] if item.size else None
    if scalar is None or type(scalar).__name__ == "Token" or str(scalar) == "empty":
        return None
    text = str(scalar)
    if text in _ERROR_TYPES and not isinstance(scalar, bool | int | float | np.number):
        raise _Raise(CellError(_ERROR_TYPES[text], f"Function returned {text}."))
    if isinstance(scalar, bool | np.bool_):
        return bool(scalar)
    if isinstance(scalar, int | float | np.number):
        return float(scalar)
    return text


def format_source(formula: str) -> tuple[str | None, int, int] | None:
    """The cell whose number format a formula's result takes on in Sheets: a bare
    reference, or the left-most reference of a ``+``/``-`` chain (``=A1+14``)."""
    try:
        node = parse(formula)
    except (FormulaSyntaxError, a1.A1Error):
        return None
    while node[0] == "bin" and node[1] in ("+", "-"):
        node = node[2] if node[2][0] in ("ref", "bin") else node[3]
    if node[0] == "ref" and node[6]:
        return node[1], node[2], node[4]
    return None


# -- reference shifting (insert/delete rows and columns, copy/paste) -------------------------


def shift(formula: str, edit: Callable[[str | None, Node], Node | None]) -> str:
    """Rewrite every reference: ``edit(sheet, ref_node)`` returns the moved node, the same
    node, or None for a reference that no longer exists (written ``#REF!``)."""
    try:
        tokens = tokenize(formula[1:])
    except FormulaSyntaxError:
        return formula
    out, pos = ["="], 0
    body = formula[1:]
    for token in tokens:
        if token.kind != "ref":
            continue
        out.append(body[pos : token.start])
        out.append(_rewrite(token.text, edit))
        pos = token.end
    out.append(body[pos:])
    return "".join(out)


def _rewrite(text: str, edit: Callable[[str | None, Node], Node | None]) -> str:
    sheet, box_text = a1.split_sheet(text)
    node = reference_node(text)
    moved = edit(sheet, node)
    if moved is None:
        return "#REF!"
    if moved == node:
        return text
    prefix = text[: len(text) - len(box_text)]
    return prefix + _box_with_anchors(box_text, moved)


def _box_with_anchors(original: str, node: Node) -> str:
    """Write the moved box keeping the original's ``$`` anchors and its shape."""
    _, _, r0, r1, c0, c1, single = node
    parts = original.split(":")
    start = _endpoint_text(parts[0], c0, r0)
    if single:
        return start
    end = _endpoint_text(parts[1], None if c1 is None else c1 - 1, None if r1 is None else r1 - 1)
    return f"{start}:{end}"


def _endpoint_text(original: str, col: int | None, row: int | None) -> str:
    found = re.match(r"^(\$?)([A-Za-z]*)(\$?)([0-9]*)$", original)
    if not found:
        return original
    col_anchor, letters, row_anchor, digits = found.groups()
    text = ""
    if letters and col is not None:
        text += col_anchor + a1.column_letters(col)
    if digits and row is not None:
        text += row_anchor + str(row + 1)
    return text or original


_ENDPOINT_TEXT = re.compile(r"^(\$?)([A-Za-z]{0,3})(\$?)([0-9]*)$")


def offset(formula: str, rows: int, cols: int) -> str:
    """Move a pasted formula's relative references by (rows, cols); ``$`` parts stay."""
    try:
        tokens = tokenize(formula[1:])
    except FormulaSyntaxError:
        return formula
    body, out, pos = formula[1:], ["="], 0
    for token in tokens:
        if token.kind != "ref":
            continue
        _, box_text = a1.split_sheet(token.text)
        prefix = token.text[: len(token.text) - len(box_text)]
        moved = [_offset_endpoint(part, rows, cols) for part in box_text.split(":")]
        out.append(body[pos : token.start])
        out.append("#REF!" if None in moved else prefix + ":".join(m or "" for m in moved))
        pos = token.end
    out.append(body[pos:])
    return "".join(out)


def _offset_endpoint(text: str, rows: int, cols: int) -> str | None:
    found = _ENDPOINT_TEXT.match(text)
    if not found:
        return text
    col_anchor, letters, row_anchor, digits = found.groups()
    out = ""
    if letters:
        index = a1.column_index(letters) + (0 if col_anchor else cols)
        if index < 0:
            return None
        out += col_anchor + a1.column_letters(index)
    if digits:
        number = int(digits) + (0 if row_anchor else rows)
        if number < 1:
            return None
        out += row_anchor + str(number)
    return out
