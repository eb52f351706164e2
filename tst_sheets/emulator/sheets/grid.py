"""A sheet's grid, kept compact, and the index arithmetic shared by every request kind.

A sheet document holds ``properties`` (Google's ``SheetProperties``), ``rows`` (a list of
rows, each a list of ``CellData`` dicts or None, only as long as the last set cell),
``rowMeta``/``colMeta`` (``DimensionProperties`` by index, only where set) and the
other ``Sheet`` members (``merges``, ``protectedRanges``, ``basicFilter`` …) as Google
shapes them. A cell stores only what a user can set: ``userEnteredValue``,
``userEnteredFormat``, ``note``, ``dataValidation``, ``textFormatRuns``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]
Cell = dict[str, Any]

DEFAULT_ROWS, DEFAULT_COLUMNS = 1000, 26
ROW_PIXELS, COLUMN_PIXELS = 21, 100


class RequestError(Exception):
    """A request Google rejects; batchUpdate prefixes ``Invalid requests[i].<kind>:``."""


@dataclass(frozen=True)
class Box:
    """A clamped rectangle of one sheet, ends exclusive."""

    sheet: Doc
    r0: int
    r1: int
    c0: int
    c1: int

    @property
    def height(self) -> int:
        return self.r1 - self.r0

    @property
    def width(self) -> int:
        return self.c1 - self.c0


# -- properties ---------------------------------------------------------------------------


def sheet_id(sheet: Doc) -> int:
    return int(sheet["properties"]["sheetId"])


def title(sheet: Doc) -> str:
    return str(sheet["properties"]["title"])


def size(sheet: Doc) -> tuple[int, int]:
    return size_of(sheet["properties"])


def size_of(properties: Doc) -> tuple[int, int]:
    """Rows and columns of ``SheetProperties``."""
    grid = properties.get("gridProperties", {})
    return int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0))


def set_size(sheet: Doc, rows: int, cols: int) -> None:
    """Resize the grid; cells and dimension properties beyond it are dropped."""
    grid = sheet["properties"].setdefault("gridProperties", {})
    grid["rowCount"], grid["columnCount"] = rows, cols
    del sheet["rows"][rows:]
    for row in sheet["rows"]:
        if row is not None:
            del row[cols:]
    for key, limit in (("rowMeta", rows), ("colMeta", cols)):
        meta = sheet.get(key) or {}
        sheet[key] = {k: v for k, v in meta.items() if int(k) < limit}
    compact(sheet)


def grow_to(sheet: Doc, rows: int, cols: int) -> None:
    """Extend the grid (never shrink) so writes up to ``rows`` × ``cols`` fit."""
    have_rows, have_cols = size(sheet)
    if rows > have_rows or cols > have_cols:
        grid = sheet["properties"].setdefault("gridProperties", {})
        grid["rowCount"], grid["columnCount"] = max(rows, have_rows), max(cols, have_cols)


def new_sheet(properties: Doc) -> Doc:
    return {"properties": properties, "rows": [], "rowMeta": {}, "colMeta": {}}


# -- cells --------------------------------------------------------------------------------
#
# A cell holding only a plain value is stored bare: a str (``stringValue``), an int or float
# (``numberValue``) or a bool (``boolValue``). That keeps documents small and fast to encode
# and render; anything else (formulas, formats, notes …) is a ``CellData``-shaped dict.
# ``get``/``cells`` hand out dicts (fresh ones for bare cells: read them, don't change
# them); to change a cell, use ``writable`` and then ``tidy``.

Stored = Cell | str | int | float | bool | None
_BARE_KEYS = ("stringValue", "numberValue", "boolValue")


def expand(stored: Stored) -> Cell | None:
    """The ``CellData``-shaped dict of a stored cell."""
    if stored is None or isinstance(stored, dict):
        return stored
    if isinstance(stored, str):
        return {"userEnteredValue": {"stringValue": stored}}
    if isinstance(stored, bool):
        return {"userEnteredValue": {"boolValue": stored}}
    return {"userEnteredValue": {"numberValue": stored}}


def shrink(cell: Cell | None) -> Stored:
    """The stored form of a cell: bare when it is nothing but a plain value."""
    if not cell:
        return None
    if len(cell) == 1:
        entered = cell.get("userEnteredValue")
        if isinstance(entered, dict) and len(entered) == 1:
            key, value = next(iter(entered.items()))
            if key in _BARE_KEYS and value is not None:
                return value  # type: ignore[no-any-return]
    return cell


def raw(sheet: Doc, row: int, col: int) -> Stored:
    rows = sheet["rows"]
    if row >= len(rows) or rows[row] is None:
        return None
    line: list[Stored] = rows[row]
    return line[col] if col < len(line) else None


def get(sheet: Doc, row: int, col: int) -> Cell | None:
    """The cell at (row, col) for reading (a fresh dict for a bare value)."""
    return expand(raw(sheet, row, col))


def writable(sheet: Doc, row: int, col: int) -> Cell:
    """The cell at (row, col) as a dict stored in place (created empty if absent)."""
    rows = sheet["rows"]
    if row >= len(rows):
        rows.extend([None] * (row + 1 - len(rows)))
    line = rows[row]
    if line is None:
        line = rows[row] = []
    if col >= len(line):
        line.extend([None] * (col + 1 - len(line)))
    cell = expand(line[col])
    if cell is None:
        cell = {}
    line[col] = cell
    return cell


def put(sheet: Doc, row: int, col: int, cell: Cell | None) -> None:
    """Replace the cell at (row, col); None or ``{}`` empties it."""
    stored = shrink(cell)
    if stored is not None:
        writable(sheet, row, col)
        sheet["rows"][row][col] = stored
        return
    rows = sheet["rows"]
    if row < len(rows) and rows[row] is not None and col < len(rows[row]):
        rows[row][col] = None


def put_line(sheet: Doc, row: int, col: int, line: list[Stored]) -> None:
    """Replace cells of one row from ``col`` on with stored-form cells (fast path for whole
    rows of input)."""
    rows = sheet["rows"]
    if row >= len(rows):
        rows.extend([None] * (row + 1 - len(rows)))
    if rows[row] is None and col == 0:
        rows[row] = line
        return
    for offset, stored in enumerate(line):
        put(sheet, row, col + offset, expand(stored))


def tidy(sheet: Doc, row: int, col: int) -> None:
    """Store a changed cell in its smallest form (None once it holds nothing)."""
    rows = sheet["rows"]
    if row < len(rows) and rows[row] is not None and col < len(rows[row]):
        line = rows[row]
        if isinstance(line[col], dict):
            line[col] = shrink(line[col])


def compact(sheet: Doc) -> None:
    """Trim empty cells and rows off the ends so storage stays proportional to content."""
    rows = sheet["rows"]
    for index, line in enumerate(rows):
        if line is None:
            continue
        while line and line[-1] is None:
            line.pop()
        if not line:
            rows[index] = None
    while rows and rows[-1] is None:
        rows.pop()


def cells(sheet: Doc, r0: int, r1: int, c0: int, c1: int) -> Iterator[tuple[int, int, Cell]]:
    """Existing cells inside the box, row by row, for reading."""
    rows = sheet["rows"]
    for r in range(r0, min(r1, len(rows))):
        line = rows[r]
        if line is None:
            continue
        for c in range(c0, min(c1, len(line))):
            stored = line[c]
            if stored is not None:
                yield r, c, expand(stored)  # type: ignore[misc]


def has_value(cell: Cell | None) -> bool:
    return cell is not None and bool(cell.get("userEnteredValue"))


def extent(sheet: Doc) -> tuple[int, int]:
    """Rows and columns up to the last stored cell."""
    rows = sheet["rows"]
    return len(rows), max((len(line) for line in rows if line), default=0)


def take_block(sheet: Doc, box: Box) -> list[list[Cell | None]]:
    """Copies of the cells in ``box`` (None where empty)."""
    return [
        [_copy_cell(get(sheet, r, c)) for c in range(box.c0, box.c1)] for r in range(box.r0, box.r1)
    ]


def _copy_cell(cell: Cell | None) -> Cell | None:
    import copy

    return copy.deepcopy(cell) if cell else None


# -- dimensions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """Rows or columns inserted (``count`` > 0) or deleted (``count`` < 0) at ``start``."""

    start: int
    count: int

    def index(self, i: int) -> int | None:
        """Where index ``i`` goes; None if it was deleted."""
        if self.count >= 0:
            return i + self.count if i >= self.start else i
        end = self.start - self.count
        if i < self.start:
            return i
        return None if i < end else i + self.count

    def span(self, s: int, e: int | None) -> tuple[int, int | None] | None:
        """Where the half-open span [s, e) goes; None if nothing of it is left."""
        if self.count >= 0:
            new_s = s + self.count if s >= self.start else s
            new_e = None if e is None else (e + self.count if e > self.start else e)
            return new_s, new_e
        end = self.start - self.count
        new_s = s if s < self.start else (self.start if s < end else s + self.count)
        if e is None:
            return new_s, None
        new_e = e if e <= self.start else (self.start if e <= end else e + self.count)
        return (new_s, new_e) if new_e > new_s else None


def edit_cells(sheet: Doc, dim: str, edit: Edit) -> None:
    """Insert or delete rows/columns of cells and of dimension properties."""
    if dim == "ROWS":
        _edit_list(sheet["rows"], edit, None)
    else:
        for line in sheet["rows"]:
            if line is not None:
                _edit_list(line, edit, None)
    key = "rowMeta" if dim == "ROWS" else "colMeta"
    moved: dict[str, Any] = {}
    for index, meta in (sheet.get(key) or {}).items():
        target = edit.index(int(index))
        if target is not None:
            moved[str(target)] = meta
    sheet[key] = moved
    compact(sheet)


def _edit_list(items: list[Any], edit: Edit, filler: Any) -> None:
    if edit.count >= 0:
        if edit.start < len(items):
            items[edit.start : edit.start] = [filler] * edit.count
        return
    del items[edit.start : edit.start - edit.count]


_AXES = {
    "ROWS": ("startRowIndex", "endRowIndex"),
    "COLUMNS": ("startColumnIndex", "endColumnIndex"),
}


def edit_grid_range(grid_range: Doc, dim: str, edit: Edit) -> bool:
    """Move a ``GridRange`` in place; False if the edit deleted all of it."""
    start_key, end_key = _AXES[dim]
    moved = edit.span(int(grid_range.get(start_key, 0)), grid_range.get(end_key))
    if moved is None:
        return False
    if start_key in grid_range or moved[0]:
        grid_range[start_key] = moved[0]
    if moved[1] is not None:
        grid_range[end_key] = moved[1]
    return True


def edit_dimension_range(dim_range: Doc, edit: Edit) -> bool:
    """Move a ``DimensionRange`` in place; False if it was deleted."""
    moved = edit.span(int(dim_range.get("startIndex", 0)), dim_range.get("endIndex"))
    if moved is None:
        return False
    dim_range["startIndex"] = moved[0]
    if moved[1] is not None:
        dim_range["endIndex"] = moved[1]
    return True


# -- ranges -------------------------------------------------------------------------------------


def clean_range(grid_range: Doc) -> Doc:
    """A ``GridRange`` as Google prints it: ``sheetId`` 0 left out."""
    out = {k: v for k, v in grid_range.items() if v is not None}
    if out.get("sheetId") == 0:
        del out["sheetId"]
    return out


def full_range(grid_range: Doc, sheet: Doc) -> Doc:
    """A ``GridRange`` with every bound written out (as ``basicFilter.range`` is stored)."""
    rows, cols = size(sheet)
    return {
        "sheetId": sheet_id(sheet),
        "startRowIndex": int(grid_range.get("startRowIndex", 0)),
        "endRowIndex": int(grid_range.get("endRowIndex", rows)),
        "startColumnIndex": int(grid_range.get("startColumnIndex", 0)),
        "endColumnIndex": int(grid_range.get("endColumnIndex", cols)),
    }


def box_of(sheet: Doc, grid_range: Doc) -> Box:
    """The box of a request's ``GridRange``, clamped to the grid. As on Google, a range
    starting past the grid is refused and one that starts inside and runs past is cut."""
    rows, cols = size(sheet)
    r0 = int(grid_range.get("startRowIndex") or 0)
    c0 = int(grid_range.get("startColumnIndex") or 0)
    r1 = grid_range.get("endRowIndex")
    c1 = grid_range.get("endColumnIndex")
    if min(r0, c0) < 0 or (r1 is not None and r1 < r0) or (c1 is not None and c1 < c0):
        raise RequestError("Invalid range: start index is after the end index.")
    if r0 >= rows or c0 >= cols:
        raise RequestError(limit_message(sheet, r0, r1, c0, c1))
    return Box(
        sheet,
        r0,
        min(rows, rows if r1 is None else int(r1)),
        c0,
        min(cols, cols if c1 is None else int(c1)),
    )


def limit_message(sheet: Doc, r0: int, r1: int | None, c0: int, c1: int | None) -> str:
    """Google's grid-limit error, naming the range as asked (open ends stay open, the
    title is quoted only where A1 needs it): ``Range (T!A1001:B) exceeds grid limits. …``."""
    from tst_sheets.emulator.a1 import box_text, cell_name, column_letters, quote_sheet

    if r1 is not None and c1 is not None:
        text = box_text(r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))
    elif r1 is None and c1 is not None:
        text = f"{cell_name(r0, c0)}:{column_letters(max(c1, c0 + 1) - 1)}"
    elif c1 is None and r1 is not None:
        text = f"{cell_name(r0, c0)}:{max(r1, r0 + 1)}"
    else:
        text = cell_name(r0, c0)
    rows, cols = size(sheet)
    return (
        f"Range ({quote_sheet(title(sheet))}!{text}) exceeds grid limits. "
        f"Max rows: {rows}, max columns: {cols}"
    )


def overlaps(a: Doc, b: Doc) -> bool:
    """Do two ``GridRange`` dicts of the same sheet intersect?"""
    big = 1 << 30
    return bool(
        a.get("startRowIndex", 0) < b.get("endRowIndex", big)
        and b.get("startRowIndex", 0) < a.get("endRowIndex", big)
        and a.get("startColumnIndex", 0) < b.get("endColumnIndex", big)
        and b.get("startColumnIndex", 0) < a.get("endColumnIndex", big)
    )


def contains(outer: Doc, inner: Doc) -> bool:
    big = 1 << 30
    return bool(
        outer.get("startRowIndex", 0) <= inner.get("startRowIndex", 0)
        and inner.get("endRowIndex", big) <= outer.get("endRowIndex", big)
        and outer.get("startColumnIndex", 0) <= inner.get("startColumnIndex", 0)
        and inner.get("endColumnIndex", big) <= outer.get("endColumnIndex", big)
    )


def box_range(box: Box) -> Doc:
    return {
        "sheetId": sheet_id(box.sheet),
        "startRowIndex": box.r0,
        "endRowIndex": box.r1,
        "startColumnIndex": box.c0,
        "endColumnIndex": box.c1,
    }
