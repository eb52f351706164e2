"""A template as the ONE ``spreadsheets.create`` body (or ``addSheet`` + cells) that lays it out.

Every tab gets its header (with notes), its typed and validated body rows, widths, the frozen
header, and warning-only protection of what the service owns. Pure: no HTTP here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from tst_sheets.templates.cells import data_cell, header_cell, text_cell
from tst_sheets.templates.schema import CellInput, ColumnSpec, TabSpec, WorkbookTemplate

SPARE_COLUMNS = 4  # room for a TL's own columns without resizing the grid
DEFAULT_SHEET_ID = 0  # the "Sheet1" Google puts in every spreadsheet Drive creates
TAB_KEY = "tstTab"  # sheet-level developer metadata: which template tab a tab is
SERVICE_TAB_COLOR = {"red": 0.12, "green": 0.31, "blue": 0.47}
PROTECTION_NOTE = "Filled by the TST service: your edits here may be replaced."

Rows = Sequence[Sequence[CellInput]]


def table_rows(tab: TabSpec, rows: Rows | None = None) -> list[dict[str, Any]]:
    """Header, then the given rows (or the example rows), then formatted empty rows."""
    body: list[Sequence[CellInput]] = list(rows if rows is not None else _examples(tab))
    out = [{"values": [header_cell(c) for c in tab.columns]}]
    for index in range(max(tab.rows, len(body))):
        values = body[index] if index < len(body) else []
        cells = [
            data_cell(col, values[i] if i < len(values) else None)
            for i, col in enumerate(tab.columns)
        ]
        out.append({"values": cells})
    return out


def _examples(tab: TabSpec) -> list[list[CellInput]]:
    return [[row.get(c.key, "") for c in tab.columns] for row in tab.example_rows]


def settings_rows(tab: TabSpec, values: Mapping[str, CellInput]) -> list[dict[str, Any]]:
    """Setting | Value rows: the label carries the note; values default to the template's."""
    header = [header_cell(c) for c in tab.columns]
    out = [{"values": header}]
    value_col = (
        tab.columns[1]
        if len(tab.columns) > 1
        else ColumnSpec(key="value", header="Value", width=300)
    )
    for item in tab.settings:
        label = {
            "userEnteredValue": {"stringValue": item.label},
            "userEnteredFormat": {"textFormat": {"bold": True}},
        }
        if item.note:
            label["note"] = item.note
        raw = values.get(item.key, item.default)
        kind_col = value_col.model_copy(update={"type": item.type, "allowed": []})
        cell = data_cell(kind_col, raw)
        cell.pop("dataValidation", None)
        out.append({"values": [label, cell]})
    return out


def facts_rows(tab: TabSpec, facts: Rows) -> list[dict[str, Any]]:
    """A service-written facts tab: given rows, then the template's fixed text."""
    out = []
    for row in [*facts, *tab.text]:
        cells = [
            text_cell(
                "" if v is None else str(v) if not isinstance(v, date) else v.isoformat(),
                bold=(i == 0),
            )
            for i, v in enumerate(row)
        ]
        out.append({"values": cells})
    return out


def sheet_body(
    tab: TabSpec, index: int, content: Rows | Mapping[str, CellInput] | None
) -> dict[str, Any]:
    """One ``Sheet`` of a create body: properties, cells, widths, protection."""
    if tab.layout == "facts":
        row_data = facts_rows(tab, content if isinstance(content, Sequence) else [])
    elif tab.layout == "settings":
        row_data = settings_rows(tab, content if isinstance(content, Mapping) else {})
    else:
        row_data = table_rows(tab, content if isinstance(content, Sequence) else None)
    frozen = 0 if tab.layout == "facts" else 1
    properties: dict[str, Any] = {
        "sheetId": tab.sheet_id,
        "title": tab.title,
        "index": index,
        "gridProperties": {
            "rowCount": max(len(row_data) + 1, 2),
            "columnCount": len(tab.columns) + SPARE_COLUMNS,
            "frozenRowCount": frozen,
        },
    }
    if tab.owner == "service":
        properties["tabColor"] = SERVICE_TAB_COLOR
    return {
        "properties": properties,
        "data": [
            {
                "startRow": 0,
                "startColumn": 0,
                "rowData": row_data,
                "columnMetadata": [{"pixelSize": c.width} for c in tab.columns],
            }
        ],
        "protectedRanges": protections(tab),
        "developerMetadata": [tab_metadata(tab.key, tab.sheet_id)],
    }


def tab_metadata(key: str, sheet_id: int) -> dict[str, Any]:
    """Marks a tab as the template's ``key``, so it is found again whatever its title."""
    return {
        "metadataKey": TAB_KEY,
        "metadataValue": key,
        "location": {"sheetId": sheet_id},
        "visibility": "DOCUMENT",
    }


def protections(tab: TabSpec) -> list[dict[str, Any]]:
    """Warning-only protection of a service tab, or of a team tab's service-owned columns."""
    if tab.owner == "service":
        return [
            {
                "range": {"sheetId": tab.sheet_id},
                "warningOnly": True,
                "description": PROTECTION_NOTE,
            }
        ]
    out = []
    for index, col in enumerate(tab.columns):
        if col.owner == "service":
            rng = {"sheetId": tab.sheet_id, "startColumnIndex": index, "endColumnIndex": index + 1}
            out.append(
                {
                    "range": rng,
                    "warningOnly": True,
                    "description": f"{col.header}: {PROTECTION_NOTE}",
                }
            )
    return out


def developer_metadata(values: Mapping[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "metadataKey": key,
            "metadataValue": value,
            "location": {"spreadsheet": True},
            "visibility": "DOCUMENT",
        }
        for key, value in values.items()
    ]


def render_create(
    template: WorkbookTemplate,
    title: str,
    content: Mapping[str, Rows | Mapping[str, CellInput]],
    metadata: Mapping[str, str],
    *,
    time_zone: str = "America/Chicago",
    locale: str = "en_US",
) -> dict[str, Any]:
    """The whole ``spreadsheets.create`` body: every tab, header, note, rule, width, protection.

    ``content`` maps a tab key to its rows (table and facts tabs) or its values (settings
    tabs); a table tab without content gets the template's example rows.
    """
    return {
        "properties": {"title": title, "timeZone": time_zone, "locale": locale},
        "sheets": [sheet_body(tab, i, content.get(tab.key)) for i, tab in enumerate(template.tabs)],
        "developerMetadata": developer_metadata(metadata),
    }


def sheet_requests(sheet: Mapping[str, Any], sheet_id: int | None = None) -> list[dict[str, Any]]:
    """One ``Sheet`` of a create body as ``batchUpdate`` requests (under ``sheet_id``, when its
    own id is taken): add it, fill it, size its columns, protect and mark it."""
    sid = sheet["properties"]["sheetId"] if sheet_id is None else sheet_id
    grid = sheet["data"][0]
    start = {"sheetId": sid, "rowIndex": 0, "columnIndex": 0}
    requests: list[dict[str, Any]] = [
        {"addSheet": {"properties": {**sheet["properties"], "sheetId": sid}}},
        {"updateCells": {"rows": grid["rowData"], "start": start, "fields": "*"}},
    ]
    for index, column in enumerate(grid["columnMetadata"]):
        requests.append(column_width(sid, index, int(column["pixelSize"])))
    for protected in sheet["protectedRanges"]:
        rng = {**protected, "range": {**protected["range"], "sheetId": sid}}
        requests.append({"addProtectedRange": {"protectedRange": rng}})
    for meta in sheet.get("developerMetadata", []):
        located = {**meta, "location": {"sheetId": sid}}
        requests.append({"createDeveloperMetadata": {"developerMetadata": located}})
    return requests


def column_width(sheet_id: int, column: int, pixels: int) -> dict[str, Any]:
    rng = {
        "sheetId": sheet_id,
        "dimension": "COLUMNS",
        "startIndex": column,
        "endIndex": column + 1,
    }
    return {
        "updateDimensionProperties": {
            "range": rng,
            "properties": {"pixelSize": pixels},
            "fields": "pixelSize",
        }
    }


def layout_requests(
    body: Mapping[str, Any], drop: Sequence[int] = (DEFAULT_SHEET_ID,)
) -> list[dict[str, Any]]:
    """A ``spreadsheets.create`` body as the ONE ``batchUpdate`` that lays it out in a
    spreadsheet Drive has just made: its settings, every tab, the labels; the empty tabs
    Drive made (``drop``) go last, once there is another tab to keep."""
    props = body["properties"]
    settings = {k: props[k] for k in ("timeZone", "locale") if k in props}
    requests: list[dict[str, Any]] = [
        {
            "updateSpreadsheetProperties": {
                "properties": settings,
                "fields": ",".join(settings),
            }
        }
    ]
    for sheet in body["sheets"]:
        requests += sheet_requests(sheet)
    for meta in body.get("developerMetadata", []):
        requests.append({"createDeveloperMetadata": {"developerMetadata": meta}})
    requests += [{"deleteSheet": {"sheetId": sheet_id}} for sheet_id in drop]
    return requests
