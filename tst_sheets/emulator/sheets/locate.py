"""Turning A1 text, ``GridRange`` and ``DataFilter`` into boxes of a spreadsheet's sheets.

Errors are Google's: an unknown sheet or bad text is ``Unable to parse range: …`` and a
read past the grid is ``Range (Sheet1!A1:Z2000) exceeds grid limits. …``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tst_sheets.emulator import a1
from tst_sheets.emulator.errors import ApiError, sheets_error
from tst_sheets.emulator.sheets import grid
from tst_sheets.emulator.sheets.grid import Box, Doc


@dataclass(frozen=True)
class Target:
    """A resolved range before clamping: ends may be None (unbounded)."""

    sheet: Doc
    r0: int
    r1: int | None
    c0: int
    c1: int | None
    single: bool = False  # written as one cell: an anchor for writes

    def box(self) -> Box:
        """Open ends stop at the grid; a range reaching past it is Google's 400."""
        rows, cols = grid.size(self.sheet)
        r1 = rows if self.r1 is None else self.r1
        c1 = cols if self.c1 is None else self.c1
        if r1 > rows or c1 > cols or self.r0 >= max(rows, 1) or self.c0 >= max(cols, 1):
            message = grid.limit_message(self.sheet, self.r0, self.r1, self.c0, self.c1)
            raise sheets_error(400, message)
        return Box(self.sheet, self.r0, r1, self.c0, c1)


def parse_error(text: str) -> ApiError:
    return sheets_error(400, f"Unable to parse range: {text}")


def sheet_by_title(doc: Doc, title: str) -> Doc | None:
    sheet: Doc
    for sheet in doc["sheets"]:
        if grid.title(sheet) == title:
            return sheet
    folded = title.casefold()
    return next((s for s in doc["sheets"] if grid.title(s).casefold() == folded), None)


def sheet_by_id(doc: Doc, sheet_id: Any) -> Doc | None:
    try:
        wanted = int(sheet_id or 0)
    except (TypeError, ValueError):
        return None
    return next((s for s in doc["sheets"] if grid.sheet_id(s) == wanted), None)


def first_sheet(doc: Doc) -> Doc:
    return min(doc["sheets"], key=lambda s: s["properties"].get("index", 0))


def named_range(doc: Doc, name: str) -> Doc | None:
    folded = name.casefold()
    return next(
        (n for n in doc.get("namedRanges", []) if str(n.get("name", "")).casefold() == folded),
        None,
    )


def resolve(doc: Doc, text: str) -> Target:
    """A1 text → target; sheet titles win over named ranges, as on Google."""
    try:
        parsed = a1.parse(text)
    except a1.A1Error:
        raise parse_error(text) from None
    if parsed.whole_sheet:
        sheet = sheet_by_title(doc, parsed.sheet or "")
        if sheet is not None:
            return Target(sheet, 0, None, 0, None)
        return _named_target(doc, parsed.named, text)
    if parsed.named is not None:
        return _named_target(doc, parsed.named, text)
    sheet = first_sheet(doc) if parsed.sheet is None else sheet_by_title(doc, parsed.sheet)
    if sheet is None:
        raise parse_error(text)
    single = parsed.end_row == parsed.start_row + 1 and parsed.end_col == parsed.start_col + 1
    return Target(sheet, parsed.start_row, parsed.end_row, parsed.start_col, parsed.end_col, single)


def _named_target(doc: Doc, name: str | None, text: str) -> Target:
    found = named_range(doc, name or "")
    if found is None:
        raise parse_error(text)
    return grid_target(doc, found.get("range") or {}, text)


def grid_target(doc: Doc, grid_range: Doc, text: str = "") -> Target:
    sheet = sheet_by_id(doc, grid_range.get("sheetId", 0))
    if sheet is None:
        raise parse_error(text or str(grid_range))
    return Target(
        sheet,
        int(grid_range.get("startRowIndex") or 0),
        grid_range.get("endRowIndex"),
        int(grid_range.get("startColumnIndex") or 0),
        grid_range.get("endColumnIndex"),
    )


def box_text(box: Box) -> str:
    """``Sheet1!A1:C3`` for a reply's ``range``."""
    return a1.format_range(grid.title(box.sheet), box.r0, box.r1, box.c0, box.c1)


# -- data filters ----------------------------------------------------------------------------


def filter_targets(doc: Doc, data_filter: Doc) -> list[Target]:
    """The ranges a ``DataFilter`` selects (A1, grid range or developer metadata)."""
    if data_filter.get("a1Range"):
        return [resolve(doc, str(data_filter["a1Range"]))]
    if data_filter.get("gridRange") is not None:
        return [grid_target(doc, data_filter["gridRange"])]
    lookup = data_filter.get("developerMetadataLookup")
    if lookup is not None:
        return [t for meta in matching_metadata(doc, lookup) for t in _metadata_targets(doc, meta)]
    raise sheets_error(400, "Invalid dataFilter: a filter must be set.")


def matching_metadata(doc: Doc, lookup: Doc) -> list[Doc]:
    return [m for m in doc.get("developerMetadata", []) if _matches(m, lookup)]


def _matches(meta: Doc, lookup: Doc) -> bool:
    for key in ("metadataId", "metadataKey", "metadataValue", "visibility"):
        if lookup.get(key) is not None and meta.get(key) != lookup[key]:
            return False
    location = meta.get("location") or {}
    if lookup.get("locationType") and location.get("locationType") != lookup["locationType"]:
        return False
    wanted = lookup.get("metadataLocation")
    if wanted:
        if wanted.get("spreadsheet") and not location.get("spreadsheet"):
            return False
        if wanted.get("sheetId") is not None and location.get("sheetId") != wanted["sheetId"]:
            return False
        span = wanted.get("dimensionRange")
        if span and not _same_span(span, location.get("dimensionRange") or {}, lookup):
            return False
    return True


def _same_span(wanted: Doc, have: Doc, lookup: Doc) -> bool:
    if int(wanted.get("sheetId", 0)) != int(have.get("sheetId", 0)):
        return False
    if wanted.get("dimension") != have.get("dimension"):
        return False
    if lookup.get("locationMatchingStrategy") == "INTERSECTING_LOCATION":
        return int(wanted.get("startIndex", 0)) < int(have.get("endIndex", 1 << 30)) and int(
            have.get("startIndex", 0)
        ) < int(wanted.get("endIndex", 1 << 30))
    return wanted.get("startIndex") == have.get("startIndex") and wanted.get(
        "endIndex"
    ) == have.get("endIndex")


def _metadata_targets(doc: Doc, meta: Doc) -> list[Target]:
    location = meta.get("location") or {}
    if location.get("spreadsheet"):
        return [Target(s, 0, None, 0, None) for s in doc["sheets"]]
    if location.get("sheetId") is not None:
        sheet = sheet_by_id(doc, location["sheetId"])
        return [Target(sheet, 0, None, 0, None)] if sheet else []
    span = location.get("dimensionRange") or {}
    sheet = sheet_by_id(doc, span.get("sheetId", 0))
    if sheet is None:
        return []
    start, end = int(span.get("startIndex", 0)), span.get("endIndex")
    if span.get("dimension") == "ROWS":
        return [Target(sheet, start, end, 0, None)]
    return [Target(sheet, 0, None, start, end)]
