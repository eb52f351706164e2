"""Computed views of one spreadsheet revision: formula results, rendered values, GridData.

A ``Calc`` is built lazily per spreadsheet revision and cached by the backend, so a burst
of reads renders each sheet once; any write gives the document a new revision.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tst_sheets.emulator import a1
from tst_sheets.emulator import formula_refs as refs
from tst_sheets.emulator import formulas as fx
from tst_sheets.emulator.sheets import grid
from tst_sheets.emulator.sheets.grid import Cell, Doc
from tst_sheets.emulator.values import (
    CellError,
    Scalar,
    extended_value,
    format_value,
    general,
    render,
    scalar_of,
)

CIRCULAR = CellError(
    "REF",
    "Circular dependency detected. To resolve with iterative calculation, see File > Settings.",
)


@dataclass(frozen=True)
class Computed:
    value: Scalar
    number_format: dict[str, Any] | None = None
    hyperlink: str | None = None


_EMPTY = Computed(None)
_INHERITED = ("DATE", "TIME", "DATE_TIME", "CURRENCY", "PERCENT")


class Calc:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.by_title = {grid.title(s).lower(): s for s in doc["sheets"]}
        self._results: dict[tuple[int, int, int], Computed] = {}
        self._busy: set[tuple[int, int, int]] = set()
        self._rendered: dict[tuple[int, str, str], list[list[Any]]] = {}
        self._values: dict[tuple[Any, ...], list[list[Any]]] = {}
        self._encoded: dict[Any, str] = {}

    # -- values ------------------------------------------------------------------------------

    def computed(self, sheet: Doc, row: int, col: int) -> Computed:
        stored = grid.raw(sheet, row, col)
        if stored is None:
            return _EMPTY
        if not isinstance(stored, dict):
            return Computed(float(stored) if type(stored) is int else stored)
        cell = stored
        entered = cell.get("userEnteredValue")
        own_format = (cell.get("userEnteredFormat") or {}).get("numberFormat")
        if not entered or "formulaValue" not in entered:
            return Computed(scalar_of(entered), own_format)
        key = (grid.sheet_id(sheet), row, col)
        found = self._results.get(key)
        if found is None:
            found = self._evaluate(sheet, key, str(entered["formulaValue"]), own_format)
        return found

    def _evaluate(
        self, sheet: Doc, key: tuple[int, int, int], formula: str, own: dict[str, Any] | None
    ) -> Computed:
        if key in self._busy:
            return Computed(CIRCULAR)
        self._busy.add(key)
        try:
            result = fx.evaluate(formula, _Context(self, sheet))
            implied = result.number_format
            if implied is None and own is None and isinstance(result.value, float):
                implied = self._inherited_format(sheet, formula)
        finally:
            self._busy.discard(key)
        found = Computed(result.value, own or implied, result.hyperlink)
        self._results[key] = found
        return found

    def _inherited_format(self, sheet: Doc, formula: str) -> dict[str, Any] | None:
        """Sheets' automatic format: ``=A1`` or ``=A1+14`` shows a date when A1 holds one."""
        source = refs.format_source(formula)
        if source is None:
            return None
        title, row, col = source
        target = sheet if title is None else self.by_title.get(title.lower())
        if target is None:
            return None
        fmt = self.computed(target, row, col).number_format
        return fmt if fmt and fmt.get("type") in _INHERITED else None

    def value(self, sheet: Doc, row: int, col: int) -> Scalar:
        return self.computed(sheet, row, col).value

    def now(self) -> datetime:
        zone = self.doc["properties"].get("timeZone") or "Etc/GMT"
        try:
            return datetime.now(ZoneInfo(zone)).replace(tzinfo=None)
        except (ZoneInfoNotFoundError, ValueError):
            return datetime.utcnow()

    # -- values.get ----------------------------------------------------------------------------

    def rendered(self, sheet: Doc, option: str, dt_option: str) -> list[list[Any]]:
        """Every stored row rendered (``""`` for empty cells), cached per option."""
        key = (grid.sheet_id(sheet), option, dt_option)
        found = self._rendered.get(key)
        if found is None:
            found = [
                [self._render(sheet, r, c, cell, option, dt_option) for c, cell in enumerate(line)]
                if line
                else []
                for r, line in enumerate(sheet["rows"])
            ]
            self._rendered[key] = found
        return found

    def _render(
        self, sheet: Doc, row: int, col: int, cell: grid.Stored, option: str, dt_option: str
    ) -> Any:
        if cell is None:
            return ""
        if not isinstance(cell, dict):  # a bare value: the common case, kept fast
            if isinstance(cell, str):
                return cell
            if option != "FORMATTED_VALUE":
                return cell
            return ("TRUE" if cell else "FALSE") if isinstance(cell, bool) else general(float(cell))
        entered = cell.get("userEnteredValue")
        if not entered:
            return ""
        text = entered.get("stringValue")
        if text is not None:
            return text
        number = entered.get("numberValue")
        if number is not None and "numberFormat" not in cell.get("userEnteredFormat", ()):
            # the common case, without building a Computed
            return general(float(number)) if option == "FORMATTED_VALUE" else number
        if option == "FORMULA" and "formulaValue" in entered:
            return entered["formulaValue"]
        found = self.computed(sheet, row, col)
        return render(found.value, found.number_format, option, dt_option)

    def values(self, box: grid.Box, option: str, dt_option: str, major: str) -> list[list[Any]]:
        """The ``values`` of a ValueRange: trailing empty cells and rows trimmed (cached, so
        callers must not change the lists they get)."""
        key = (grid.sheet_id(box.sheet), box.r0, box.r1, box.c0, box.c1, option, dt_option, major)
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = self._slice(box, option, dt_option, major)
        return found

    def _slice(self, box: grid.Box, option: str, dt_option: str, major: str) -> list[list[Any]]:
        source = self.rendered(box.sheet, option, dt_option)
        rows = [line[box.c0 : box.c1] for line in source[box.r0 : box.r1]]
        if major == "COLUMNS":
            width = max((len(line) for line in rows), default=0)
            padded = [line + [""] * (width - len(line)) for line in rows]
            rows = [list(column) for column in zip(*padded, strict=True)] if padded else []
        return trim(rows)

    def encoded(self, key: Any, build: Callable[[], Any]) -> str:
        """``build()`` as compact JSON, cached for this revision under ``key``."""
        found = self._encoded.get(key)
        if found is None:
            found = json.dumps(build(), ensure_ascii=False, separators=(",", ":"))
            self._encoded[key] = found
        return found

    # -- GridData ------------------------------------------------------------------------------

    def grid_data(self, box: grid.Box, metadata: list[Doc]) -> Doc:
        sheet = box.sheet
        data: Doc = {}
        if box.r0:
            data["startRow"] = box.r0
        if box.c0:
            data["startColumn"] = box.c0
        row_data = [self._row_data(sheet, r, box.c0, box.c1) for r in range(box.r0, box.r1)]
        while row_data and not row_data[-1]:
            row_data.pop()
        if row_data:
            data["rowData"] = row_data
        data["rowMetadata"] = [
            _dimension(sheet, "ROWS", r, metadata) for r in range(box.r0, box.r1)
        ]
        data["columnMetadata"] = [
            _dimension(sheet, "COLUMNS", c, metadata) for c in range(box.c0, box.c1)
        ]
        return data

    def _row_data(self, sheet: Doc, row: int, c0: int, c1: int) -> Doc:
        line = sheet["rows"][row] if row < len(sheet["rows"]) else None
        if not line:
            return {}
        values = [
            self.cell_data(sheet, row, c, grid.expand(line[c])) if line[c] is not None else {}  # type: ignore[arg-type]
            for c in range(c0, min(c1, len(line)))
        ]
        while values and not values[-1]:
            values.pop()
        return {"values": values} if values else {}

    def cell_data(self, sheet: Doc, row: int, col: int, cell: Cell) -> Doc:
        out: Doc = {}
        entered = cell.get("userEnteredValue")
        found = self.computed(sheet, row, col) if entered else _EMPTY
        if entered:
            out["userEnteredValue"] = entered
            effective = extended_value(found.value)
            if effective is not None:
                out["effectiveValue"] = effective
                out["formattedValue"] = format_value(found.value, found.number_format)
        if "userEnteredFormat" in cell:
            out["userEnteredFormat"] = cell["userEnteredFormat"]
        if entered or "userEnteredFormat" in cell:
            out["effectiveFormat"] = self._effective_format(cell, found)
        for key in ("note", "dataValidation", "textFormatRuns", "pivotTable", "hyperlink"):
            if cell.get(key):
                out[key] = cell[key]
        if found.hyperlink:
            out["hyperlink"] = found.hyperlink
        return out

    def _effective_format(self, cell: Cell, found: Computed) -> Doc:
        fmt = copy.deepcopy(self.doc["properties"].get("defaultFormat") or {})
        _merge(fmt, cell.get("userEnteredFormat") or {})
        value = found.value
        if "horizontalAlignment" not in fmt and value is not None:
            fmt["horizontalAlignment"] = (
                "LEFT"
                if isinstance(value, str)
                else "CENTER"
                if isinstance(value, bool | CellError)
                else "RIGHT"
            )
        if found.number_format and "numberFormat" not in fmt:
            fmt["numberFormat"] = found.number_format
        fmt.setdefault("hyperlinkDisplayType", "LINKED" if found.hyperlink else "PLAIN_TEXT")
        return fmt


def trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Google drops trailing empty cells of each row and trailing empty rows."""
    out = []
    for line in rows:
        end = len(line)
        while end and line[end - 1] == "":
            end -= 1
        out.append(line[:end])
    while out and not out[-1]:
        out.pop()
    return out


def _merge(into: Doc, extra: Doc) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = copy.deepcopy(value)


def _dimension(sheet: Doc, dim: str, index: int, metadata: list[Doc]) -> Doc:
    key = "rowMeta" if dim == "ROWS" else "colMeta"
    out: Doc = {"pixelSize": grid.ROW_PIXELS if dim == "ROWS" else grid.COLUMN_PIXELS}
    out.update((sheet.get(key) or {}).get(str(index), {}))
    attached = [m for m in metadata if _locates(m, grid.sheet_id(sheet), dim, index)]
    if attached:
        out["developerMetadata"] = attached
    return out


def _locates(meta: Doc, sheet_id: int, dim: str, index: int) -> bool:
    span = (meta.get("location") or {}).get("dimensionRange")
    if not span or int(span.get("sheetId", 0)) != sheet_id or span.get("dimension") != dim:
        return False
    end = span.get("endIndex")
    return int(span.get("startIndex", 0)) <= index and (end is None or index < int(end))


class _Context:
    """What a formula in ``sheet`` sees: cells of its own and other sheets, named ranges."""

    def __init__(self, calc: Calc, sheet: Doc) -> None:
        self.calc = calc
        self.sheet = sheet

    def _sheet(self, title: str | None) -> Doc:
        if title is None:
            return self.sheet
        found: Doc | None = self.calc.by_title.get(title.lower())
        if found is None:
            raise _Unresolved(title)
        return found

    def cell(self, sheet: str | None, row: int, col: int) -> Scalar:
        try:
            return self.calc.value(self._sheet(sheet), row, col)
        except _Unresolved as missing:
            return CellError("REF", f"Unresolved sheet name '{missing.title}'.")

    def area(
        self, sheet: str | None, r0: int, r1: int | None, c0: int, c1: int | None
    ) -> list[list[Scalar]]:
        try:
            target = self._sheet(sheet)
        except _Unresolved as missing:
            return [[CellError("REF", f"Unresolved sheet name '{missing.title}'.")]]
        rows, cols = grid.size(target)
        stored_rows, stored_cols = grid.extent(target)
        # an open end (``A:A``) stops at the stored data; a written one is honoured
        end_row = min(rows, r1) if r1 is not None else min(rows, max(stored_rows, r0 + 1))
        end_col = min(cols, c1) if c1 is not None else min(cols, max(stored_cols, c0 + 1))
        return [
            [self.calc.value(target, r, c) for c in range(c0, end_col)] for r in range(r0, end_row)
        ]

    def named(self, name: str) -> tuple[str, int, int | None, int, int | None] | None:
        for named in self.calc.doc.get("namedRanges", []):
            if str(named.get("name", "")).lower() != name.lower():
                continue
            span = named.get("range") or {}
            target = next(
                (
                    s
                    for s in self.calc.doc["sheets"]
                    if grid.sheet_id(s) == int(span.get("sheetId", 0))
                ),
                None,
            )
            if target is None:
                return None
            return (
                grid.title(target),
                int(span.get("startRowIndex", 0)),
                span.get("endRowIndex"),
                int(span.get("startColumnIndex", 0)),
                span.get("endColumnIndex"),
            )
        return None

    def now(self) -> datetime:
        return self.calc.now()


class _Unresolved(Exception):
    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.title = title


def range_title(sheet: Doc, r0: int, r1: int, c0: int, c1: int) -> str:
    return a1.format_range(grid.title(sheet), r0, r1, c0, c1)
