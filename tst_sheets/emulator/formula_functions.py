"""The spreadsheet functions formulas can call (see ``formulas`` for what is supported).

Functions Google Sheets users rely on are implemented natively, with Sheets' semantics and
error messages; any other name is looked up in the ``formulas`` package's Excel library,
imported on first use because loading it takes about a second.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from tst_sheets.emulator.formulas import (
    ERROR_TYPES,
    Area,
    EvalState,
    Node,
    Raise,
    Value,
    check,
    compare,
    eval_node,
    first_value,
    to_bool,
    to_number,
    to_text,
)
from tst_sheets.emulator.values import CellError, Scalar, general, to_serial


def _numbers(values: list[Value], function: str) -> list[float]:
    """Numbers of ranges (text and blanks skipped) and of direct arguments (coerced)."""
    out: list[float] = []
    for index, value in enumerate(values, start=1):
        if isinstance(value, Area):
            for item in value.values():
                if isinstance(item, CellError):
                    raise Raise(item)
                if isinstance(item, float | int) and not isinstance(item, bool):
                    out.append(float(item))
        elif value is not None:
            out.append(to_number(value, function, index))
    return out


def _all_values(values: list[Value]) -> list[Scalar]:
    out: list[Scalar] = []
    for value in values:
        out.extend(value.values() if isinstance(value, Area) else [value])
    return out


def _average(values: list[Value], _: EvalState) -> Value:
    numbers = _numbers(values, "AVERAGE")
    if not numbers:
        raise Raise(
            CellError(
                "DIVIDE_BY_ZERO", "Evaluation of function AVERAGE caused a divide by zero error."
            )
        )
    return sum(numbers) / len(numbers)


def _criterion(criterion: Scalar) -> Callable[[Scalar], bool]:
    """COUNTIF/SUMIF criteria: ``5``, ``">3"``, ``"<>x"``, ``"a*"`` (wildcards)."""
    if not isinstance(criterion, str):
        return lambda v: compare("=", v, criterion)
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
    return lambda v: v is not None and compare(op, v, operand)


def _plain(value: Scalar) -> str:
    return "" if value is None else general(value) if isinstance(value, float) else str(value)


def _countif(values: list[Value], _: EvalState) -> Value:
    test = _criterion(check(values[1]) if len(values) > 1 else None)
    return float(sum(1 for v in _all_values(values[:1]) if test(v)))


def _sumif(values: list[Value], _: EvalState) -> Value:
    test = _criterion(check(values[1]) if len(values) > 1 else None)
    checked = _all_values(values[:1])
    summed = _all_values(values[2:3]) if len(values) > 2 else checked
    total = 0.0
    for candidate, item in zip(checked, summed, strict=False):
        if test(candidate) and isinstance(item, float | int) and not isinstance(item, bool):
            total += float(item)
    return total


def _hyperlink(values: list[Value], state: EvalState) -> Value:
    url = to_text(values[0]) if values else ""
    state.hyperlink = url
    return to_text(values[1]) if len(values) > 1 else url


def _round(values: list[Value], _: EvalState) -> Value:
    number = to_number(values[0], "ROUND", 1)
    places = int(to_number(values[1], "ROUND", 2)) if len(values) > 1 else 0
    scale = 10.0**places
    return math.floor(abs(number) * scale + 0.5) / scale * (1 if number >= 0 else -1)


def _date(values: list[Value], state: EvalState) -> Value:
    year, month, day = (int(to_number(v, "DATE", i + 1)) for i, v in enumerate(values[:3]))
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    state.number_format = {"type": "DATE", "pattern": "M/d/yyyy"}
    return to_serial(datetime(year, month, 1)) + day - 1


def _today(_: list[Value], state: EvalState) -> Value:
    state.number_format = {"type": "DATE", "pattern": "M/d/yyyy"}
    return float(math.floor(to_serial(state.ctx.now())))


def _now(_: list[Value], state: EvalState) -> Value:
    state.number_format = {"type": "DATE_TIME", "pattern": "M/d/yyyy H:mm:ss"}
    return to_serial(state.ctx.now())


def _if(args: tuple[Node, ...], state: EvalState) -> Value:
    condition = to_bool(eval_node(args[0], state), "IF") if args else False
    if condition:
        return eval_node(args[1], state) if len(args) > 1 else True
    return eval_node(args[2], state) if len(args) > 2 else False


def _iferror(args: tuple[Node, ...], state: EvalState) -> Value:
    try:
        value = eval_node(args[0], state)
        check(value)
        return value
    except Raise:
        return eval_node(args[1], state) if len(args) > 1 else ""


LAZY: dict[str, Callable[[tuple[Node, ...], EvalState], Value]] = {"IF": _if, "IFERROR": _iferror}

NATIVE: dict[str, Callable[[list[Value], EvalState], Value]] = {
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
    "AND": lambda v, _: all(to_bool(x, "AND") for x in _all_values(v) if x is not None),
    "OR": lambda v, _: any(to_bool(x, "OR") for x in _all_values(v) if x is not None),
    "NOT": lambda v, _: not to_bool(v[0], "NOT"),
    "HYPERLINK": _hyperlink,
    "CONCATENATE": lambda v, _: "".join(to_text(x) for x in _all_values(v)),
    "CONCAT": lambda v, _: "".join(to_text(x) for x in v[:2]),
    "LEN": lambda v, _: float(len(to_text(v[0]))),
    "UPPER": lambda v, _: to_text(v[0]).upper(),
    "LOWER": lambda v, _: to_text(v[0]).lower(),
    "TRIM": lambda v, _: " ".join(to_text(v[0]).split()),
    "ROUND": _round,
    "ABS": lambda v, _: abs(to_number(v[0], "ABS", 1)),
    "ISBLANK": lambda v, _: first_value(v[0]) is None if v else True,
    "DATE": _date,
    "TODAY": _today,
    "NOW": _now,
}


# -- the ``formulas`` package as a fallback library ------------------------------------------


@lru_cache(maxsize=1)
def _excel_library() -> dict[str, Callable[..., Any]]:
    from formulas.functions import get_functions  # lazy: the first import takes ~1 s

    return dict(get_functions())


def library(name: str, typed: str, values: list[Value]) -> Value:
    function = _excel_library().get(name)
    if function is None:
        raise Raise(CellError("NAME", f"Unknown function: '{typed}'."))
    try:
        result = function(*(_to_excel(v) for v in values))
    except Exception:  # the library raises freely on odd inputs; Sheets shows #VALUE!
        raise Raise(CellError("VALUE", f"Function {name} could not be evaluated.")) from None
    return _from_excel(result)


def _to_excel(value: Value) -> Any:
    import numpy as np

    if isinstance(value, Area):
        return np.array([[_excel_scalar(v) for v in row] for row in value.rows], dtype=object)
    return _excel_scalar(check(value))


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
    if text in ERROR_TYPES and not isinstance(scalar, bool | int | float | np.number):
        raise Raise(CellError(ERROR_TYPES[text], f"Function returned {text}."))
    if isinstance(scalar, bool | np.bool_):
        return bool(scalar)
    if isinstance(scalar, int | float | np.number):
        return float(scalar)
    return text
