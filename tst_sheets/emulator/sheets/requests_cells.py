"""batchUpdate kinds that change cells: content, formats, merges, sorting, copy and paste."""

from __future__ import annotations

import copy
import functools
import random
import re
from typing import Any

from tst_sheets.emulator import formula_refs as refs
from tst_sheets.emulator import formulas as fx
from tst_sheets.emulator.fields import Mask
from tst_sheets.emulator.sheets import cells, grid
from tst_sheets.emulator.sheets.batch import Batch, kind
from tst_sheets.emulator.sheets.calc import Calc
from tst_sheets.emulator.sheets.grid import Box, Cell, Doc, RequestError
from tst_sheets.emulator.sheets.values_api import guard
from tst_sheets.emulator.values import Scalar, extended_value, parse_input

MERGE_SELECTION = "You must select all cells in a merged range to merge or unmerge them."


def _guard(batch: Batch, box: Box) -> None:
    guard(batch.backend, batch.txn, batch.doc, batch.user, box)


@kind("updateCells")
def update_cells(batch: Batch, body: Doc) -> None:
    mask = cells.mask_of(body.get("fields"), "updateCells")
    rows = body.get("rows") or []
    if body.get("range") is not None:
        box = batch.box(body["range"])
    else:
        start = body.get("start") or {}
        sheet = batch.sheet(start.get("sheetId", 0))
        height = len(rows)
        width = max((len(r.get("values") or []) for r in rows), default=0)
        r0, c0 = int(start.get("rowIndex") or 0), int(start.get("columnIndex") or 0)
        box = grid.box_of(
            sheet,
            {
                "startRowIndex": r0,
                "endRowIndex": r0 + height,
                "startColumnIndex": c0,
                "endColumnIndex": c0 + width,
            },
        )
    _guard(batch, box)
    covered = set()
    for i, row in enumerate(rows[: box.height]):
        for j, data in enumerate((row.get("values") or [])[: box.width]):
            cells.update_cell(box.sheet, box.r0 + i, box.c0 + j, data or {}, mask)
            covered.add((box.r0 + i, box.c0 + j))
    if body.get("range") is not None:  # the rest of the range is cleared per ``fields``
        for r, c, _ in list(grid.cells(box.sheet, box.r0, box.r1, box.c0, box.c1)):
            if (r, c) not in covered:
                cells.update_cell(box.sheet, r, c, {}, mask)
    grid.compact(box.sheet)


@kind("repeatCell")
def repeat_cell(batch: Batch, body: Doc) -> None:
    mask = cells.mask_of(body.get("fields"), "repeatCell")
    box = batch.box(body.get("range"))
    _guard(batch, box)
    source = body.get("cell") or {}
    for r in range(box.r0, box.r1):
        for c in range(box.c0, box.c1):
            cells.update_cell(box.sheet, r, c, source, mask)
    grid.compact(box.sheet)


@kind("appendCells")
def append_cells(batch: Batch, body: Doc) -> None:
    sheet = batch.sheet(body.get("sheetId", 0))
    mask = cells.mask_of(body.get("fields"), "appendCells")
    rows = body.get("rows") or []
    start = grid.extent(sheet)[0]
    width = max((len(r.get("values") or []) for r in rows), default=0)
    grid.grow_to(sheet, start + len(rows), width)
    for i, row in enumerate(rows):
        for j, data in enumerate(row.get("values") or []):
            cells.update_cell(sheet, start + i, j, data or {}, mask)
    grid.compact(sheet)


@kind("updateBorders")
def update_borders(batch: Batch, body: Doc) -> None:
    box = batch.box(body.get("range"))
    for r in range(box.r0, box.r1):
        for c in range(box.c0, box.c1):
            sides = {
                "top": body.get("top") if r == box.r0 else body.get("innerHorizontal"),
                "bottom": body.get("bottom") if r == box.r1 - 1 else body.get("innerHorizontal"),
                "left": body.get("left") if c == box.c0 else body.get("innerVertical"),
                "right": body.get("right") if c == box.c1 - 1 else body.get("innerVertical"),
            }
            _set_borders(box.sheet, r, c, sides)


def _set_borders(sheet: Doc, row: int, col: int, sides: dict[str, Any]) -> None:
    if not any(side is not None for side in sides.values()):
        return
    cell = grid.writable(sheet, row, col)
    borders = cell.setdefault("userEnteredFormat", {}).setdefault("borders", {})
    for name, side in sides.items():
        if side is None:
            continue
        if side.get("style") == "NONE":
            borders.pop(name, None)
        else:
            borders[name] = copy.deepcopy(side)
    cells.normalise_format(cell["userEnteredFormat"])
    if not borders:
        del cell["userEnteredFormat"]["borders"]


@kind("setDataValidation")
def set_data_validation(batch: Batch, body: Doc) -> None:
    box = batch.box(body.get("range"))
    rule = body.get("rule")
    for r in range(box.r0, box.r1):
        for c in range(box.c0, box.c1):
            if rule:
                grid.writable(box.sheet, r, c)["dataValidation"] = copy.deepcopy(rule)
            elif isinstance(grid.raw(box.sheet, r, c), dict):
                grid.writable(box.sheet, r, c).pop("dataValidation", None)
                grid.tidy(box.sheet, r, c)
    grid.compact(box.sheet)


# -- merges ---------------------------------------------------------------------------------------


@kind("mergeCells")
def merge_cells(batch: Batch, body: Doc) -> None:
    box = batch.box(body.get("range"))
    merge_type = body.get("mergeType") or "MERGE_ALL"
    new = [m for m in _merge_parts(box, merge_type) if _cells_in(m) > 1]
    existing = box.sheet.get("merges") or []
    kept = []
    for merge in existing:
        if grid.contains(grid.box_range(box), merge):
            continue
        if grid.overlaps(merge, grid.box_range(box)):
            raise RequestError(MERGE_SELECTION)
        kept.append(merge)
    for merge in new:
        _clear_all_but_anchor(box.sheet, merge)
    box.sheet["merges"] = kept + new


def _merge_parts(box: Box, merge_type: str) -> list[Doc]:
    sid = grid.sheet_id(box.sheet)

    def part(r0: int, r1: int, c0: int, c1: int) -> Doc:
        return {
            "sheetId": sid,
            "startRowIndex": r0,
            "endRowIndex": r1,
            "startColumnIndex": c0,
            "endColumnIndex": c1,
        }

    if merge_type == "MERGE_COLUMNS":
        return [part(box.r0, box.r1, c, c + 1) for c in range(box.c0, box.c1)]
    if merge_type == "MERGE_ROWS":
        return [part(r, r + 1, box.c0, box.c1) for r in range(box.r0, box.r1)]
    return [part(box.r0, box.r1, box.c0, box.c1)]


def _cells_in(merge: Doc) -> int:
    return int(
        (merge["endRowIndex"] - merge["startRowIndex"])
        * (merge["endColumnIndex"] - merge["startColumnIndex"])
    )


def _clear_all_but_anchor(sheet: Doc, merge: Doc) -> None:
    """Merging keeps only the top-left value, as on Google."""
    anchor = (merge["startRowIndex"], merge["startColumnIndex"])
    for r, c, _ in list(
        grid.cells(
            sheet,
            merge["startRowIndex"],
            merge["endRowIndex"],
            merge["startColumnIndex"],
            merge["endColumnIndex"],
        )
    ):
        if (r, c) != anchor:
            cells.clear_value(sheet, r, c)
    grid.compact(sheet)


@kind("unmergeCells")
def unmerge_cells(batch: Batch, body: Doc) -> None:
    box = batch.box(body.get("range"))
    area = grid.box_range(box)
    kept = []
    for merge in box.sheet.get("merges") or []:
        if grid.contains(area, merge):
            continue
        if grid.overlaps(merge, area):
            raise RequestError(MERGE_SELECTION)
        kept.append(merge)
    if kept:
        box.sheet["merges"] = kept
    else:
        box.sheet.pop("merges", None)


# -- sorting and moving cells ---------------------------------------------------------------------


@kind("sortRange")
def sort_range(batch: Batch, body: Doc) -> None:
    box = batch.box(body.get("range"))
    _guard(batch, box)
    calc = batch.backend.calc(batch.doc)
    specs = body.get("sortSpecs") or [{"dimensionIndex": box.c0}]
    lines: list[tuple[list[Scalar], list[Cell | None]]] = [
        (
            [calc.value(box.sheet, r, int(s.get("dimensionIndex") or 0)) for s in specs],
            [grid.get(box.sheet, r, c) for c in range(box.c0, box.c1)],
        )
        for r in range(box.r0, box.r1)
    ]
    orders = [s.get("sortOrder") == "DESCENDING" for s in specs]

    def by_keys(a: tuple[list[Scalar], Any], b: tuple[list[Scalar], Any]) -> int:
        return _compare_lines(a[0], b[0], orders)

    lines.sort(key=functools.cmp_to_key(by_keys))
    for i, (_, line) in enumerate(lines):
        for j, cell in enumerate(line):
            grid.put(box.sheet, box.r0 + i, box.c0 + j, cell)
    grid.compact(box.sheet)


def _compare_lines(a: list[Scalar], b: list[Scalar], descending: list[bool]) -> int:
    """Blanks sort last either way; numbers before text before booleans."""
    for x, y, desc in zip(a, b, descending, strict=True):
        x_blank, y_blank = x is None or x == "", y is None or y == ""
        if x_blank or y_blank:
            if x_blank != y_blank:
                return 1 if x_blank else -1
            continue
        kx, ky = fx.rank(x), fx.rank(y)
        if kx != ky:
            result = -1 if kx < ky else 1
            return -result if desc else result
    return 0


@kind("randomizeRange")
def randomize_range(batch: Batch, body: Doc) -> None:
    box = batch.box(body.get("range"))
    block = grid.take_block(box.sheet, box)
    random.shuffle(block)
    _paste_block(box.sheet, box.r0, box.c0, block)


def _paste_block(sheet: Doc, r0: int, c0: int, block: list[list[Cell | None]]) -> None:
    for i, line in enumerate(block):
        for j, cell in enumerate(line):
            grid.put(sheet, r0 + i, c0 + j, cell)
    grid.compact(sheet)


@kind("copyPaste")
def copy_paste(batch: Batch, body: Doc) -> None:
    source = batch.box(body.get("source"))
    target = batch.box(body.get("destination"))
    block = grid.take_block(source.sheet, source)
    values = _values(batch.backend.calc(batch.doc), source)
    if body.get("pasteOrientation") == "TRANSPOSE":
        block = [list(col) for col in zip(*block, strict=True)]
        values = [list(col) for col in zip(*values, strict=True)]
    height, width = len(block), len(block[0]) if block else 0
    rows = max(height, target.height // height * height) if height else 0
    cols = max(width, target.width // width * width) if width else 0
    grid.grow_to(target.sheet, target.r0 + rows, target.c0 + cols)
    _guard(batch, Box(target.sheet, target.r0, target.r0 + rows, target.c0, target.c0 + cols))
    paste_type = body.get("pasteType") or "PASTE_NORMAL"
    for i in range(rows):
        for j in range(cols):
            src = block[i % height][j % width]
            offset = (target.r0 + i - source.r0 - i % height, target.c0 + j - source.c0 - j % width)
            _paste(
                target.sheet,
                target.r0 + i,
                target.c0 + j,
                src,
                values[i % height][j % width],
                paste_type,
                offset,
            )
    grid.compact(target.sheet)


def _values(calc: Calc, box: Box) -> list[list[Scalar]]:
    return [
        [calc.value(box.sheet, r, c) for c in range(box.c0, box.c1)] for r in range(box.r0, box.r1)
    ]


_PASTE_FIELDS: dict[str, tuple[str, ...]] = {
    "PASTE_NORMAL": cells.STORED,
    "PASTE_NO_BORDERS": cells.STORED,
    "PASTE_FORMAT": ("userEnteredFormat",),
    "PASTE_FORMULA": ("userEnteredValue",),
    "PASTE_DATA_VALIDATION": ("dataValidation",),
    "PASTE_VALUES": ("userEnteredValue",),
    "PASTE_CONDITIONAL_FORMATTING": (),
}


def _paste(
    sheet: Doc,
    r: int,
    c: int,
    src: Cell | None,
    value: Scalar,
    paste_type: str,
    offset: tuple[int, int],
) -> None:
    fields = _PASTE_FIELDS.get(paste_type, cells.STORED)
    source = copy.deepcopy(src or {})
    if paste_type == "PASTE_VALUES":
        source = {"userEnteredValue": extended_value(value)} if value is not None else {}
    elif "formulaValue" in (source.get("userEnteredValue") or {}):
        source["userEnteredValue"]["formulaValue"] = refs.offset(
            source["userEnteredValue"]["formulaValue"], *offset
        )
    if paste_type == "PASTE_NO_BORDERS":
        (source.get("userEnteredFormat") or {}).pop("borders", None)
    mask: Mask = dict.fromkeys(fields)
    cells.update_cell(sheet, r, c, source, mask)


@kind("cutPaste")
def cut_paste(batch: Batch, body: Doc) -> None:
    source = batch.box(body.get("source"))
    destination = body.get("destination") or {}
    sheet = batch.sheet(destination.get("sheetId", 0))
    r0, c0 = int(destination.get("rowIndex") or 0), int(destination.get("columnIndex") or 0)
    _guard(batch, source)
    block = grid.take_block(source.sheet, source)
    values = _values(batch.backend.calc(batch.doc), source)
    for r in range(source.r0, source.r1):
        for c in range(source.c0, source.c1):
            grid.put(source.sheet, r, c, None)
    grid.grow_to(sheet, r0 + source.height, c0 + source.width)
    paste_type = body.get("pasteType") or "PASTE_NORMAL"
    for i, line in enumerate(block):
        for j, cell in enumerate(line):
            _paste(sheet, r0 + i, c0 + j, cell, values[i][j], paste_type, (0, 0))
    grid.compact(source.sheet)
    grid.compact(sheet)


# -- text operations ---------------------------------------------------------------------------


def _scope(batch: Batch, body: Doc) -> list[Box]:
    if body.get("range") is not None:
        return [batch.box(body["range"])]
    if body.get("sheetId") is not None:
        sheet = batch.sheet(body["sheetId"])
        rows, cols = grid.size(sheet)
        return [Box(sheet, 0, rows, 0, cols)]
    if body.get("allSheets"):
        return [Box(s, 0, grid.size(s)[0], 0, grid.size(s)[1]) for s in batch.doc["sheets"]]
    raise RequestError("A range, sheetId or allSheets must be set.")


@kind("findReplace")
def find_replace(batch: Batch, body: Doc) -> Doc:
    find = str(body.get("find") or "")
    if not find:
        raise RequestError("find must not be empty.")
    pattern = _find_pattern(find, body)
    replacement = str(body.get("replacement") or "")
    counts = {"valuesChanged": 0, "formulasChanged": 0, "occurrencesChanged": 0}
    rows, sheets = set(), set()
    for box in _scope(batch, body):
        for r, c, _ in list(grid.cells(box.sheet, box.r0, box.r1, box.c0, box.c1)):
            cell = grid.writable(box.sheet, r, c)
            changed = _replace_in(
                cell, pattern, replacement, bool(body.get("includeFormulas")), counts
            )
            grid.tidy(box.sheet, r, c)
            if changed:
                rows.add((grid.sheet_id(box.sheet), r))
                sheets.add(grid.sheet_id(box.sheet))
    reply = {**counts, "rowsChanged": len(rows), "sheetsChanged": len(sheets)}
    return {k: v for k, v in reply.items() if v}


def _find_pattern(find: str, body: Doc) -> re.Pattern[str]:
    text = find if body.get("searchByRegex") else re.escape(find)
    if body.get("matchEntireCell"):
        text = f"^(?:{text})$"
    try:
        return re.compile(text, 0 if body.get("matchCase") else re.IGNORECASE)
    except re.error as failure:
        raise RequestError(f"Invalid regular expression: {failure}") from None


def _replace_in(
    cell: Cell, pattern: re.Pattern[str], replacement: str, formulas: bool, counts: dict[str, int]
) -> bool:
    entered = cell.get("userEnteredValue") or {}
    key = "formulaValue" if "formulaValue" in entered else "stringValue"
    if key not in entered or (key == "formulaValue" and not formulas):
        return False
    new, found = pattern.subn(replacement.replace("\\", "\\\\"), str(entered[key]))
    if not found:
        return False
    entered[key] = new
    counts["formulasChanged" if key == "formulaValue" else "valuesChanged"] += 1
    counts["occurrencesChanged"] += found
    return True


@kind("trimWhitespace")
def trim_whitespace(batch: Batch, body: Doc) -> Doc:
    box = batch.box(body.get("range"))
    changed = 0
    for r, c, cell in list(grid.cells(box.sheet, box.r0, box.r1, box.c0, box.c1)):
        text = (cell.get("userEnteredValue") or {}).get("stringValue")
        if isinstance(text, str) and " ".join(text.split()) != text:
            grid.writable(box.sheet, r, c)["userEnteredValue"] = {
                "stringValue": " ".join(text.split())
            }
            grid.tidy(box.sheet, r, c)
            changed += 1
    return {"cellsChangedCount": changed} if changed else {}


@kind("deleteDuplicates")
def delete_duplicates(batch: Batch, body: Doc) -> Doc:
    box = batch.box(body.get("range"))
    calc = batch.backend.calc(batch.doc)
    columns = [int(c.get("startIndex", box.c0)) for c in body.get("comparisonColumns") or []]
    columns = columns or list(range(box.c0, box.c1))
    seen, kept = set(), []
    for r in range(box.r0, box.r1):
        key = tuple(fx.rank(calc.value(box.sheet, r, c)) for c in columns)
        if key not in seen:
            seen.add(key)
            kept.append([grid.get(box.sheet, r, c) for c in range(box.c0, box.c1)])
    removed = box.height - len(kept)
    kept += [[None] * box.width for _ in range(removed)]
    _paste_block(box.sheet, box.r0, box.c0, kept)
    return {"duplicatesRemovedCount": removed} if removed else {}


@kind("pasteData")
def paste_data(batch: Batch, body: Doc) -> None:
    start = body.get("coordinate") or {}
    sheet = batch.sheet(start.get("sheetId", 0))
    r0, c0 = int(start.get("rowIndex") or 0), int(start.get("columnIndex") or 0)
    delimiter = body.get("delimiter") or ","
    lines = [line.split(delimiter) for line in str(body.get("data") or "").split("\n")]
    grid.grow_to(sheet, r0 + len(lines), c0 + max((len(line) for line in lines), default=0))
    for i, line in enumerate(lines):
        for j, text in enumerate(line):
            cells.write_entered(sheet, r0 + i, c0 + j, parse_input(text, "USER_ENTERED"))
    grid.compact(sheet)


# -- inserting and deleting cells (not whole rows or columns) ---------------------------------


@kind("insertRange")
def insert_range(batch: Batch, body: Doc) -> None:
    box = batch.box(body.get("range"))
    rows_down = body.get("shiftDimension") == "ROWS"
    rows, cols = grid.size(box.sheet)
    if rows_down:
        grid.grow_to(box.sheet, rows + box.height, cols)
        tail = Box(box.sheet, box.r0, grid.extent(box.sheet)[0], box.c0, box.c1)
    else:
        grid.grow_to(box.sheet, rows, cols + box.width)
        tail = Box(box.sheet, box.r0, box.r1, box.c0, grid.extent(box.sheet)[1])
    _shift_block(tail, box.height if rows_down else 0, 0 if rows_down else box.width)


@kind("deleteRange")
def delete_range(batch: Batch, body: Doc) -> None:
    box = batch.box(body.get("range"))
    rows_up = body.get("shiftDimension") == "ROWS"
    for r, c, _ in list(grid.cells(box.sheet, box.r0, box.r1, box.c0, box.c1)):
        grid.put(box.sheet, r, c, None)
    if rows_up:
        tail = Box(box.sheet, box.r1, max(grid.extent(box.sheet)[0], box.r1), box.c0, box.c1)
        _shift_block(tail, -box.height, 0)
    else:
        tail = Box(box.sheet, box.r0, box.r1, box.c1, max(grid.extent(box.sheet)[1], box.c1))
        _shift_block(tail, 0, -box.width)


def _shift_block(box: Box, rows: int, cols: int) -> None:
    """Move the cells of ``box`` by (rows, cols), leaving the vacated cells empty."""
    block = grid.take_block(box.sheet, box)
    for r in range(box.r0, box.r1):
        for c in range(box.c0, box.c1):
            grid.put(box.sheet, r, c, None)
    _paste_block(box.sheet, box.r0 + rows, box.c0 + cols, block)
