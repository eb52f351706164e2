"""The ``batchUpdate`` requests that bring an older workbook up to its template, in place.

Missing tabs are added, missing columns appended after the last used column, notes and
validation (re)applied. A request never names ``userEnteredValue`` for a cell a person typed,
so every typed cell keeps its place and content.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from tst_sheets.templates.cells import data_cell, header_cell
from tst_sheets.templates.create import column_width, sheet_body, sheet_requests
from tst_sheets.templates.headers import HeaderMatch, find_header
from tst_sheets.templates.schema import ColumnSpec, TabSpec, WorkbookTemplate


class FoundTab(BaseModel):
    """What an existing workbook tab looks like, as read before an upgrade."""

    sheet_id: int
    title: str
    row_count: int
    column_count: int
    key: str | None = None  # the template key the service marked the tab with (tstTab)
    values: list[list[object]] = []


def render_upgrade(
    template: WorkbookTemplate, found: Sequence[FoundTab], metadata: Mapping[str, str]
) -> list[dict[str, Any]]:
    """``batchUpdate`` requests bringing a workbook up to ``template``.

    Adds missing tabs, appends missing columns after the last used column, and (re)applies
    notes and validation to header and data cells. Requests only touch empty cells' values;
    every cell a person typed keeps its place and content.
    """
    requests: list[dict[str, Any]] = []
    by_tab = _assign_tabs(template, found)
    used_ids = {f.sheet_id for f in found}
    count = len(found)
    for index, tab in enumerate(template.tabs):
        existing = by_tab.get(tab.key)
        if existing is None:
            requests += _add_tab(tab, min(index, count), used_ids)
            count += 1
        elif tab.layout == "table":
            requests += _upgrade_table(tab, existing)
    requests += [_set_metadata(key, value) for key, value in metadata.items()]
    return requests


def _assign_tabs(template: WorkbookTemplate, found: Sequence[FoundTab]) -> dict[str, FoundTab]:
    """Each template tab's counterpart: the tab marked with its key (a TL may have renamed
    it), else one titled as the template says or an alias."""
    keys = {tab.key for tab in template.tabs}
    out: dict[str, FoundTab] = {t.key: t for t in found if t.key in keys}
    for tab in found:
        spec = template.find_tab(tab.title)
        if spec is not None and spec.key not in out and tab.key is None:
            out[spec.key] = tab
    return out


def outstanding(template: WorkbookTemplate, found: Sequence[FoundTab]) -> bool:
    """Whether the workbook still lacks a template tab or a table column (an upgrade whose
    answer was lost is applied when this is False)."""
    by_tab = _assign_tabs(template, found)
    for tab in template.tabs:
        existing = by_tab.get(tab.key)
        if existing is None:
            return True
        match = find_header(tab, existing.values) if tab.layout == "table" else None
        if tab.layout == "table" and (match is None or match.missing(tab)):
            return True
    return False


def _add_tab(tab: TabSpec, index: int, used_ids: set[int]) -> list[dict[str, Any]]:
    sheet_id = tab.sheet_id
    while sheet_id in used_ids:  # a TL's own tab may hold the id we would choose
        sheet_id = (sheet_id + 1) & 0x3FFFFFFF
    used_ids.add(sheet_id)
    return sheet_requests(sheet_body(tab, index, None), sheet_id)


def _upgrade_table(tab: TabSpec, found: FoundTab) -> list[dict[str, Any]]:
    match = find_header(tab, found.values) or HeaderMatch(row=0, columns={})
    requests: list[dict[str, Any]] = []
    last_used = max((len(_trim(row)) for row in found.values), default=0)
    missing = match.missing(tab)
    needed = last_used + len(missing)
    if needed > found.column_count:
        requests.append(
            {
                "appendDimension": {
                    "sheetId": found.sheet_id,
                    "dimension": "COLUMNS",
                    "length": needed - found.column_count,
                }
            }
        )
    placed = dict(match.columns)
    for offset, col in enumerate(missing):
        placed[col.key] = last_used + offset
    body_rows = max(found.row_count - match.row - 1, 0)  # validation stays inside the grid
    for col in tab.columns:
        requests += _column_requests(
            col, found.sheet_id, match.row, placed[col.key], new=col in missing, body_rows=body_rows
        )
    requests += [column_width(found.sheet_id, placed[c.key], c.width) for c in missing]
    return requests


def _trim(row: Sequence[object]) -> list[object]:
    out = list(row)
    while out and out[-1] in (None, ""):
        out.pop()
    return out


def _column_requests(
    col: ColumnSpec, sheet_id: int, header_row: int, index: int, *, new: bool, body_rows: int
) -> list[dict[str, Any]]:
    """A new column gets its header cell; every column gets its note, format and rule.

    ``fields`` never names ``userEnteredValue`` for an existing cell, so typed text stays.
    """
    head = header_cell(col)
    head_fields = "userEnteredValue,userEnteredFormat,note" if new else "note"
    if not new:
        head = {"note": head.get("note", "")}
    requests: list[dict[str, Any]] = [
        {
            "updateCells": {
                "rows": [{"values": [head]}],
                "start": _at(sheet_id, header_row, index),
                "fields": head_fields,
            }
        }
    ]
    if body_rows <= 0:
        return requests
    template_cell = data_cell(col)
    fmt = template_cell.get("userEnteredFormat", {}).get("numberFormat")
    if fmt and new:
        requests.append(
            {
                "repeatCell": {
                    "range": _span(sheet_id, header_row + 1, body_rows, index),
                    "cell": {"userEnteredFormat": {"numberFormat": fmt}},
                    "fields": "userEnteredFormat.numberFormat",
                }
            }
        )
    rule = template_cell.get("dataValidation")
    if rule:
        requests.append(
            {
                "setDataValidation": {
                    "range": _span(sheet_id, header_row + 1, body_rows, index),
                    "rule": rule,
                }
            }
        )
    return requests


def _at(sheet_id: int, row: int, column: int) -> dict[str, int]:
    return {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column}


def _span(sheet_id: int, start_row: int, rows: int, column: int) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": start_row,
        "endRowIndex": start_row + rows,
        "startColumnIndex": column,
        "endColumnIndex": column + 1,
    }


def _set_metadata(key: str, value: str) -> dict[str, Any]:
    """Replace a spreadsheet-level metadata value (found by key, wherever it was created)."""
    lookup = {"developerMetadataLookup": {"metadataKey": key}}
    return {
        "updateDeveloperMetadata": {
            "dataFilters": [lookup],
            "developerMetadata": {"metadataKey": key, "metadataValue": value},
            "fields": "metadataValue",
        }
    }
