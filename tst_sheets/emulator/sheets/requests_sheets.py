"""batchUpdate kinds that change the spreadsheet, its sheets and their rows and columns."""

from __future__ import annotations

import copy
from typing import Any

from tst_sheets.emulator.sheets import build, cells, dims, grid, locate
from tst_sheets.emulator.sheets.batch import Batch, kind
from tst_sheets.emulator.sheets.grid import Doc, Edit, RequestError
from tst_sheets.emulator.sheets.models import prune

_SPREADSHEET_KEYS = (
    "title",
    "locale",
    "autoRecalc",
    "timeZone",
    "defaultFormat",
    "iterativeCalculationSettings",
    "spreadsheetTheme",
    "importFunctionsExternalUrlAccessAllowed",
)


@kind("updateSpreadsheetProperties")
def update_spreadsheet_properties(batch: Batch, body: Doc) -> None:
    mask = cells.mask_of(body.get("fields"), "updateSpreadsheetProperties")
    props = batch.doc["properties"]
    updated = copy.deepcopy(props)
    cells.apply_mask(updated, body.get("properties") or {}, mask)
    if not updated.get("title"):
        raise RequestError("The spreadsheet title must not be empty.")
    for key in _SPREADSHEET_KEYS:
        if key in updated:
            props[key] = updated[key]
    # the title is the Drive file's name: rename the file too (a no-op when unchanged)
    batch.backend.drive.rename(batch.txn, batch.doc["spreadsheetId"], props["title"], batch.user)


@kind("addSheet")
def add_sheet(batch: Batch, body: Doc) -> Doc:
    props = copy.deepcopy(body.get("properties") or {})
    sheet = build.add_sheet(batch.doc, {"properties": props}, props.get("index"), batch.user)
    return {"properties": prune(copy.deepcopy(sheet["properties"]))}


@kind("deleteSheet")
def delete_sheet(batch: Batch, body: Doc) -> None:
    sheet = batch.sheet(body.get("sheetId"))
    if len(batch.doc["sheets"]) == 1:
        raise RequestError("You can't remove all the sheets in a document.")
    sid = grid.sheet_id(sheet)
    batch.doc["sheets"] = [s for s in batch.doc["sheets"] if s is not sheet]
    batch.doc["namedRanges"] = [
        n
        for n in batch.doc.get("namedRanges", [])
        if int((n.get("range") or {}).get("sheetId", 0)) != sid
    ]
    batch.doc["developerMetadata"] = [
        m for m in batch.doc.get("developerMetadata", []) if not _located_on(m, sid)
    ]
    build.reindex(batch.doc)
    if not any(not s["properties"].get("hidden") for s in batch.doc["sheets"]):
        batch.doc["sheets"][0]["properties"].pop("hidden", None)


def _located_on(meta: Doc, sheet_id: int) -> bool:
    location = meta.get("location") or {}
    span = location.get("dimensionRange") or {}
    return location.get("sheetId") == sheet_id or (
        bool(span) and int(span.get("sheetId", 0)) == sheet_id
    )


@kind("duplicateSheet")
def duplicate_sheet(batch: Batch, body: Doc) -> Doc:
    source = batch.sheet(body.get("sourceSheetId"))
    title = body.get("newSheetName") or f"Copy of {grid.title(source)}"
    props = copy.deepcopy(source["properties"])
    props.update(title=title, sheetId=body.get("newSheetId"))
    props.pop("index", None)
    given = {"properties": props}
    sheet = build.add_sheet(batch.doc, given, body.get("insertSheetIndex"), batch.user)
    sheet["rows"] = copy.deepcopy(source["rows"])
    for key in (
        "rowMeta",
        "colMeta",
        "merges",
        "conditionalFormats",
        "basicFilter",
        "rowGroups",
        "columnGroups",
    ):
        if source.get(key):
            sheet[key] = _retarget(copy.deepcopy(source[key]), grid.sheet_id(sheet))
    _duplicate_objects(batch, source, sheet)
    return {"properties": prune(copy.deepcopy(sheet["properties"]))}


def _duplicate_objects(batch: Batch, source: Doc, sheet: Doc) -> None:
    sid = grid.sheet_id(sheet)
    for protected in source.get("protectedRanges") or []:
        clone = _retarget(copy.deepcopy(protected), sid)
        clone.pop("protectedRangeId", None)
        build.add_protected(batch.doc, clone, batch.user)
    for view in source.get("filterViews") or []:
        build.add_filter_view(
            batch.doc, _without(_retarget(copy.deepcopy(view), sid), "filterViewId")
        )
    for banded in source.get("bandedRanges") or []:
        build.add_banding(
            batch.doc, _without(_retarget(copy.deepcopy(banded), sid), "bandedRangeId")
        )


def _without(item: Doc, key: str) -> Doc:
    item.pop(key, None)
    return item


def _retarget(value: Any, sheet_id: int) -> Any:
    """Point every ``sheetId`` inside a copied member at the new sheet."""
    if isinstance(value, dict):
        return {
            k: (sheet_id if k == "sheetId" else _retarget(v, sheet_id)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_retarget(v, sheet_id) for v in value]
    return value


@kind("updateSheetProperties")
def update_sheet_properties(batch: Batch, body: Doc) -> None:
    given = body.get("properties") or {}
    sheet = batch.sheet(given.get("sheetId", 0))
    mask = cells.mask_of(body.get("fields"), "updateSheetProperties")
    old = sheet["properties"]
    new = copy.deepcopy(old)
    cells.apply_mask(new, given, mask)
    new["sheetId"] = old["sheetId"]
    touched = set(mask or {"*": None})
    if touched & {"tabColor", "tabColorStyle", "*"}:
        build.set_tab_color(
            new, "tabColorStyle" if "tabColorStyle" in touched or "*" in touched else "tabColor"
        )
    _check_title(batch, sheet, new)
    _check_hidden(batch, sheet, new)
    rows, cols = _grid_size(new)
    new.setdefault("gridProperties", {})
    sheet["properties"] = new
    if (rows, cols) != grid.size_of(old):
        grid.set_size(sheet, rows, cols)
    if "index" in touched or "*" in touched:
        _move_sheet(batch.doc, sheet, int(given.get("index") or 0), int(old.get("index", 0)))


def _check_title(batch: Batch, sheet: Doc, new: Doc) -> None:
    title = str(new.get("title") or "")
    if not title:
        raise RequestError("The sheet title must not be empty.")
    other = locate.sheet_by_title(batch.doc, title)
    if other is not None and other is not sheet:
        raise RequestError(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )


def _check_hidden(batch: Batch, sheet: Doc, new: Doc) -> None:
    if not new.get("hidden"):
        return
    visible = [
        s for s in batch.doc["sheets"] if s is not sheet and not s["properties"].get("hidden")
    ]
    if not visible:
        raise RequestError("You can't hide all the sheets in a document.")


def _grid_size(props: Doc) -> tuple[int, int]:
    size = props.get("gridProperties") or {}
    rows, cols = int(size.get("rowCount") or 0), int(size.get("columnCount") or 0)
    if rows < 1 or cols < 1:
        raise RequestError("A sheet must have at least one row and one column.")
    return rows, cols


def _move_sheet(doc: Doc, sheet: Doc, index: int, old_index: int) -> None:
    """Google counts the new index before the sheet is taken out ("before the move")."""
    ordered = sorted(doc["sheets"], key=lambda s: s["properties"].get("index", 0))
    ordered.remove(sheet)
    target = index - 1 if index > old_index else index
    ordered.insert(max(0, min(target, len(ordered))), sheet)
    doc["sheets"] = ordered
    build.reindex(doc)


# -- rows and columns -------------------------------------------------------------------------


def _dimension_range(batch: Batch, span: Doc) -> tuple[Doc, str, int, int]:
    sheet = batch.sheet(span.get("sheetId", 0))
    dim = span.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        raise RequestError("The dimension must be ROWS or COLUMNS.")
    rows, cols = grid.size(sheet)
    limit = rows if dim == "ROWS" else cols
    start = int(span.get("startIndex") or 0)
    end = int(span["endIndex"]) if span.get("endIndex") is not None else limit
    if start < 0 or end < start:
        raise RequestError("Invalid dimension range: start index is after the end index.")
    return sheet, dim, start, end


@kind("insertDimension")
def insert_dimension(batch: Batch, body: Doc) -> None:
    sheet, dim, start, end = _dimension_range(batch, body.get("range") or {})
    if end > start:
        dims.insert(batch.doc, sheet, dim, start, end - start)


@kind("deleteDimension")
def delete_dimension(batch: Batch, body: Doc) -> None:
    sheet, dim, start, end = _dimension_range(batch, body.get("range") or {})
    dims.delete(batch.doc, sheet, dim, start, end)


@kind("appendDimension")
def append_dimension(batch: Batch, body: Doc) -> None:
    sheet = batch.sheet(body.get("sheetId", 0))
    length = int(body.get("length") or 0)
    if length < 1:
        raise RequestError("length must be greater than zero.")
    rows, cols = grid.size(sheet)
    if body.get("dimension") == "ROWS":
        grid.grow_to(sheet, rows + length, cols)
    else:
        grid.grow_to(sheet, rows, cols + length)


@kind("moveDimension")
def move_dimension(batch: Batch, body: Doc) -> None:
    sheet, dim, start, end = _dimension_range(batch, body.get("source") or {})
    destination = int(body.get("destinationIndex") or 0)
    count = end - start
    if count <= 0 or start <= destination <= end:
        return
    block = _take_lines(sheet, dim, start, end)
    grid.edit_cells(sheet, dim, Edit(start, -count))
    at = destination - count if destination > end else destination
    grid.edit_cells(sheet, dim, Edit(at, count))
    _put_lines(sheet, dim, at, block)


def _take_lines(sheet: Doc, dim: str, start: int, end: int) -> list[list[Doc | None]]:
    rows, cols = grid.size(sheet)
    if dim == "ROWS":
        return grid.take_block(sheet, grid.Box(sheet, start, end, 0, cols))
    return grid.take_block(sheet, grid.Box(sheet, 0, rows, start, end))


def _put_lines(sheet: Doc, dim: str, at: int, block: list[list[Doc | None]]) -> None:
    for i, line in enumerate(block):
        for j, cell in enumerate(line):
            r, c = (at + i, j) if dim == "ROWS" else (i, at + j)
            grid.put(sheet, r, c, cell)
    grid.compact(sheet)


@kind("updateDimensionProperties")
def update_dimension_properties(batch: Batch, body: Doc) -> None:
    sheet, dim, start, end = _dimension_range(batch, body.get("range") or {})
    mask = cells.mask_of(body.get("fields"), "updateDimensionProperties")
    given = {k: v for k, v in (body.get("properties") or {}).items() if k != "developerMetadata"}
    key = "rowMeta" if dim == "ROWS" else "colMeta"
    meta = sheet.setdefault(key, {})
    for index in range(start, end):
        current = dict(meta.get(str(index), {}))
        cells.apply_mask(current, given, mask)
        if current:
            meta[str(index)] = current
        else:
            meta.pop(str(index), None)


# Arial advance widths (units of 1/2048 em) for the characters people type most.
_WIDTHS = dict.fromkeys("ijl'|!.,:;", 455) | dict.fromkeys("ft/ ", 569) | {"r": 682}
_WIDTHS |= dict.fromkeys("ckvxyzsJ", 1024) | dict.fromkeys("mM", 1706) | {"w": 1479, "W": 1933}
_WIDTHS |= dict.fromkeys("ABEKPSVXY", 1366) | dict.fromkeys("CDHNRUw", 1479)
_WIDTHS |= dict.fromkeys("GOQ", 1593) | dict.fromkeys("FTZL", 1251) | {"I": 569}
_FONT_PIXELS, _PADDING = 12.6955, 20  # fitted to Google's 8691 px for 1,024 "A"s


def text_pixels(text: str) -> int:
    """How wide Sheets draws ``text`` in 10pt Arial, plus the cell's padding."""
    widest = max(
        (sum(_WIDTHS.get(ch, 1139) for ch in line) for line in text.split("\n")), default=0
    )
    return round(widest * _FONT_PIXELS / 2048) + _PADDING


@kind("autoResizeDimensions")
def auto_resize_dimensions(batch: Batch, body: Doc) -> None:
    span = body.get("dimensions") or body.get("dataSourceSheetDimensions") or {}
    sheet, dim, start, end = _dimension_range(batch, span)
    calc = batch.backend.calc(batch.doc)
    rendered = calc.rendered(sheet, "FORMATTED_VALUE", "SERIAL_NUMBER")
    key = "rowMeta" if dim == "ROWS" else "colMeta"
    meta = sheet.setdefault(key, {})
    for index in range(start, end):
        if dim == "COLUMNS":
            texts = [
                str(line[index]) for line in rendered if index < len(line) and line[index] != ""
            ]
            if texts:
                meta.setdefault(str(index), {})["pixelSize"] = max(map(text_pixels, texts))
        else:
            line = rendered[index] if index < len(rendered) else []
            lines = max((str(v).count("\n") + 1 for v in line if v != ""), default=1)
            meta.setdefault(str(index), {})["pixelSize"] = grid.ROW_PIXELS + 16 * (lines - 1)
