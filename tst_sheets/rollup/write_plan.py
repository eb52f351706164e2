"""The roll-up's content as ONE ``spreadsheets.batchUpdate`` request list (pure).

Each tab is rewritten whole: what the service put there last time (conditional rules, filter
views, charts; remembered in the state, see ``SheetLayout``) is removed, the grid is resized to
the data, every cell is replaced (``updateCells`` over the whole sheet clears stale rows), then
widths, filter, colours, filter views and charts are added back. Same content, same requests.
"""

from __future__ import annotations

from typing import Any

from tst_sheets.model.text import clip
from tst_sheets.rollup.grid import Grid
from tst_sheets.rollup.state import SheetLayout
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.templates.cells import Cell, cell, rgb

WRAP_FROM_WIDTH = 200  # wide text columns wrap; narrow ones stay on one line
Request = dict[str, Any]


def layout_of(grids: list[Grid]) -> dict[int, SheetLayout]:
    """The layout these grids leave behind once written."""
    return {
        g.sheet_id: SheetLayout(
            title=g.title,
            rules=len(conditional_rules(g)),
            filter_views=[int(v["filterViewId"]) for v in g.filter_views],
            charts=[int(c["chartId"]) for c in g.charts],
            merges=len(g.merged_rows),
        )
        for g in grids
    }


def render(grids: list[Grid], before: dict[int, SheetLayout], tpl: RollupTemplate) -> list[Request]:
    """Every request, tab by tab, in tab order."""
    requests: list[Request] = []
    for index, grid in enumerate(grids):
        requests += grid_requests(grid, index, before.get(grid.sheet_id), tpl)
    return requests


def grid_requests(
    grid: Grid, index: int, before: SheetLayout | None, tpl: RollupTemplate
) -> list[Request]:
    rows = grid.all_rows()
    sheet = grid.sheet_id
    out: list[Request] = [*_clear(grid, index, before), _properties(grid, index)]
    out.append(
        {
            "updateCells": {
                "range": {"sheetId": sheet},
                "fields": "*",
                "rows": [{"values": vs} for vs in _cells(grid)],
            }
        }
    )
    out += _formats(grid, tpl)
    first_body = 1 if grid.header else 0
    out += [
        {
            "mergeCells": {
                "range": _span(sheet, first_body + r, first_body + r + 1, 0, len(grid.columns)),
                "mergeType": "MERGE_ALL",
            }
        }
        for r in grid.merged_rows
    ]
    out += [_width(sheet, i, c.width) for i, c in enumerate(grid.columns)]
    if grid.header:
        out.append(
            {
                "setBasicFilter": {
                    "filter": {"range": _span(sheet, 0, len(rows), 0, len(grid.columns))}
                }
            }
        )
    out += [
        {"addConditionalFormatRule": {"rule": r, "index": i}}
        for i, r in enumerate(conditional_rules(grid))
    ]
    out += [{"addFilterView": {"filter": view}} for view in grid.filter_views]
    out += [{"addChart": {"chart": chart}} for chart in grid.charts]
    return out


def _clear(grid: Grid, index: int, before: SheetLayout | None) -> list[Request]:
    """Take away what the last run added (or add the tab back if someone deleted it)."""
    if before is None:
        return [
            {
                "addSheet": {
                    "properties": {"sheetId": grid.sheet_id, "title": grid.title, "index": index}
                }
            }
        ]
    sheet = grid.sheet_id
    out: list[Request] = [
        {"deleteConditionalFormatRule": {"sheetId": sheet, "index": 0}} for _ in range(before.rules)
    ]
    out += [{"deleteFilterView": {"filterId": fid}} for fid in before.filter_views]
    out += [{"deleteEmbeddedObject": {"objectId": cid}} for cid in before.charts]
    if before.merges:
        out.append({"unmergeCells": {"range": {"sheetId": sheet}}})
    return out


def _properties(grid: Grid, index: int) -> Request:
    rows = len(grid.all_rows()) + 1  # a spare row: a sheet cannot freeze every row it has
    columns = len(grid.columns) + (1 if grid.charts else 0)  # the chart's anchor column
    props = {
        "sheetId": grid.sheet_id,
        "title": grid.title,
        "index": index,
        "hidden": grid.hidden,
        "gridProperties": {
            "rowCount": rows,
            "columnCount": columns,
            "frozenRowCount": 1 if grid.header else 0,
            "frozenColumnCount": grid.frozen_columns,
        },
    }
    fields = (
        "title,index,hidden,gridProperties.rowCount,gridProperties.columnCount,"
        "gridProperties.frozenRowCount,gridProperties.frozenColumnCount"
    )
    return {"updateSheetProperties": {"properties": props, "fields": fields}}


def _cells(grid: Grid) -> list[list[Cell]]:
    """Values, number formats and colours; the rest of the look comes from ``repeatCell`` requests.

    Colours are set on the cells themselves (not only as conditional rules), so any viewer
    shows them; the tabs are rewritten whole, so a colour never outlives its value.
    """
    out = [[cell(c.header) for c in grid.columns]] if grid.header else []
    for r, row in enumerate(grid.rows):
        cells = []
        for c, value in enumerate(grid.cells(row)):
            if isinstance(value, str) and grid.text_limit:  # a person's essay, quoted
                value = clip(value, grid.text_limit)
            color = grid.background(r, c)
            cells.append(cell(value, {"backgroundColor": rgb(color)} if color else None))
        out.append(cells)
    return out


def _formats(grid: Grid, tpl: RollupTemplate) -> list[Request]:
    """Header style, top-aligned body, wrapping in wide columns, a bold label column."""
    sheet, rows, width = grid.sheet_id, len(grid.all_rows()) + 1, len(grid.columns)
    first_body = 1 if grid.header else 0
    out: list[Request] = []
    if grid.header:
        header = {
            "backgroundColor": rgb(tpl.header_color),
            "wrapStrategy": "WRAP",
            "verticalAlignment": "MIDDLE",
            "textFormat": {"bold": True, "foregroundColor": rgb("#ffffff")},
        }
        out.append(
            _repeat(
                _span(sheet, 0, 1, 0, width),
                header,
                "backgroundColor,wrapStrategy,verticalAlignment,textFormat",
            )
        )
    out.append(
        _repeat(
            _span(sheet, first_body, rows, 0, width),
            {"verticalAlignment": "TOP"},
            "verticalAlignment",
        )
    )
    for i, column in enumerate(grid.columns):
        if column.width >= WRAP_FROM_WIDTH:
            out.append(
                _repeat(
                    _span(sheet, first_body, rows, i, i + 1),
                    {"wrapStrategy": "WRAP"},
                    "wrapStrategy",
                )
            )
    for row in grid.bold_rows:  # a section's title or headers
        out.append(
            _repeat(
                _span(sheet, first_body + row, first_body + row + 1, 0, width),
                {"textFormat": {"bold": True}},
                "textFormat.bold",
            )
        )
    if not grid.header:  # a facts tab: bold labels, values (dates too) read left to right
        out.append(
            _repeat(_span(sheet, 0, rows, 0, 1), {"textFormat": {"bold": True}}, "textFormat.bold")
        )
        if width > 1:
            out.append(
                _repeat(
                    _span(sheet, 0, rows, 1, width),
                    {"horizontalAlignment": "LEFT"},
                    "horizontalAlignment",
                )
            )
    return out


def _repeat(rng: dict[str, int], fmt: dict[str, Any], fields: str) -> Request:
    mask = ",".join(f"userEnteredFormat.{f}" for f in fields.split(","))
    return {"repeatCell": {"range": rng, "cell": {"userEnteredFormat": fmt}, "fields": mask}}


def conditional_rules(grid: Grid) -> list[Request]:
    """The grid's formula rules (Trends: each month against the commitment)."""
    return list(grid.rules)


def _span(sheet: int, r0: int, r1: int, c0: int, c1: int) -> dict[str, int]:
    return {
        "sheetId": sheet,
        "startRowIndex": r0,
        "endRowIndex": r1,
        "startColumnIndex": c0,
        "endColumnIndex": c1,
    }


def _width(sheet: int, column: int, pixels: int) -> Request:
    return {
        "updateDimensionProperties": {
            "range": {
                "sheetId": sheet,
                "dimension": "COLUMNS",
                "startIndex": column,
                "endIndex": column + 1,
            },
            "properties": {"pixelSize": pixels},
            "fields": "pixelSize",
        }
    }
