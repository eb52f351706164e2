"""The roll-up's content as ``spreadsheets.batchUpdate`` requests (pure): only what changed.

The state remembers, per tab, a short digest of each row written and of the tab's look (see
``SheetLayout``), so a run tells what changed without reading the roll-up back (reads are the
scarcer quota). Each tab is then one of:

- unchanged: only its ``updateSheetProperties``, a no-op that Google refuses (400) if someone
  deleted the tab, which sends the caller to look and rewrite (see ``rollup_book.write``);
- rows changed in place: ``updateCells`` over each run of changed rows, then the tab-wide
  formats again, because ``updateCells`` with ``fields: *`` resets the rewritten rows' formats;
- rows added, removed or moved (a team added mid-tab), or its look changed: what the last run
  added (rules, filter views, charts, merges) is taken away, rows are inserted and deleted so
  the rows kept line up (``align``), the new and changed rows are written, the tab dressed again;
- nothing known (a new roll-up, an old state, after a refused write): all of that, every row.

Same content, same requests. The requests keep their order and are packed into batches of at
most ``MAX_REQUEST_BYTES``; the hidden state tab comes last, so a run stopped between batches
leaves the old state, marked as being written (``STATE_WRITING``), and the next run rewrites
every tab.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher
from typing import Any

from tst_sheets.model.text import clip
from tst_sheets.rollup.grid import Grid
from tst_sheets.rollup.state import STATE_WRITING, SheetLayout, digest
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.templates.cells import Cell, cell, rgb

WRAP_FROM_WIDTH = 200  # wide text columns wrap; narrow ones stay on one line
# "To speed up requests, we recommend a 2 MB maximum payload" (Sheets API usage limits,
# https://developers.google.com/workspace/sheets/api/limits): a bound on each request's body.
MAX_REQUEST_BYTES = 2_000_000
MARKER_ROOM = 1_024  # kept free in each batch for the state's "being written" marker
DIGEST_CHARS = 8  # per row: about 100 KB of the state at 2,000 teams (11,000 rows)
STATE_KEY = "state"  # the hidden state tab: rewritten whole, last
Request = dict[str, Any]
Row = dict[str, Any]


def layout_of(grids: list[Grid], tpl: RollupTemplate) -> dict[int, SheetLayout]:
    """What these grids leave behind once written (in this tab order): what the service added,
    and the digests the next run compares with."""
    out = {}
    for index, g in enumerate(grids):
        out[g.sheet_id] = SheetLayout(
            title=g.title,
            rules=len(conditional_rules(g)),
            filter_views=[int(v["filterViewId"]) for v in g.filter_views],
            charts=[int(c["chartId"]) for c in g.charts],
            merges=len(g.merged_rows),
            rows=None if g.key == STATE_KEY else row_digests(g),
            look=_look(g, index, tpl),
        )
    return out


def render(
    grids: list[Grid],
    before: dict[int, SheetLayout],
    tpl: RollupTemplate,
    limit: int = MAX_REQUEST_BYTES,
) -> list[Request]:
    """Every request, tab by tab, in tab order: only what differs from ``before``."""
    return list(_requests(grids, before, tpl, limit))


def _requests(
    grids: list[Grid], before: dict[int, SheetLayout], tpl: RollupTemplate, limit: int
) -> Iterator[Request]:
    for index, grid in enumerate(grids):
        yield from grid_requests(grid, index, before.get(grid.sheet_id), tpl, limit)


def plan(
    grids: list[Grid],
    before: dict[int, SheetLayout],
    tpl: RollupTemplate,
    limit: int = MAX_REQUEST_BYTES,
) -> Iterator[list[Request]]:
    """The requests in batches of at most ``limit`` bytes of JSON, in order, each made when
    asked for (2,000 teams' roll-up is about 100 MB as request objects, one batch 15 MB).
    With more than one batch, the first marks the state as being written: a stop half way
    then costs a whole rewrite, never a roll-up that disagrees with its state."""
    room = limit - MARKER_ROOM
    batches = pack(_requests(grids, before, tpl, room), room)
    first, second = next(batches, None), next(batches, None)
    if first is None:
        return
    state = next((g for g in grids if g.key == STATE_KEY), None)
    if second is not None and state is not None and state.sheet_id in before:
        first.insert(0, _being_written(state.sheet_id))
    yield first
    if second is not None:
        yield second
        yield from batches


def grid_requests(
    grid: Grid,
    index: int,
    before: SheetLayout | None,
    tpl: RollupTemplate,
    limit: int = MAX_REQUEST_BYTES,
) -> Iterator[Request]:
    """One tab's requests: from none at all (a no-op) to a whole rewrite (see the module)."""
    rendered = RowCells(grid)
    props, formats, extras = _properties(grid, index), _formats(grid, tpl), _extras(grid)
    new = row_digests(grid)
    known = _known(before)
    if known is None:  # every row, and the spare row below them, replaced
        yield from [*_clear(grid, index, before), props]
        yield from _updates(grid.sheet_id, rendered, list(range(len(new) + 1)), limit)
        yield from [*formats, *extras]
        return
    moves, changed = align(grid.sheet_id, known, new)
    # rows moved: Google moves merges, rules and filter ranges with them; redo them all
    same_look = not moves and before is not None and before.look == _look_of(props, formats, extras)
    if same_look and not changed:
        yield props  # a no-op, refused if the tab is gone
        return
    if not same_look:
        yield from [*_clear(grid, index, before), *moves]
    yield props
    yield from _updates(grid.sheet_id, rendered, changed, limit)
    yield from formats if same_look else [*formats, *extras]


def _known(before: SheetLayout | None) -> list[str] | None:
    """The row digests last written, when they can be trusted."""
    if before is None or before.look is None:
        return None
    return before.rows


def row_digests(grid: Grid) -> list[str]:
    """A short digest of each row as written ("" for a volatile row: always rewritten); one row
    rendered at a time, never a whole tab's cells at once (tens of MB at 2,000 teams)."""
    first = 1 if grid.header else 0
    volatile = {first + r for r in grid.volatile_rows}
    bold = {first + r for r in grid.bold_rows}
    rendered = RowCells(grid)
    return [
        "" if i in volatile else digest([rendered[i], i in bold])[:DIGEST_CHARS]
        for i in range(len(rendered))
    ]


def align(sheet: int, old: list[str], new: list[str]) -> tuple[list[Request], list[int]]:
    """Rows inserted and deleted so that the rows kept line up with their new places (a team
    added mid-tab moves the rows below it, it does not rewrite them), and the rows to write."""
    moves: list[Request] = []
    changed: set[int] = {j for j, d in enumerate(new) if not d}  # volatile: always written
    offset = 0  # new index - old index, at the current point
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        grow = (j2 - j1) - (i2 - i1)
        at = i1 + offset + min(i2 - i1, j2 - j1)  # below the rows replaced in place
        if grow:
            kind = "insertDimension" if grow > 0 else "deleteDimension"
            moves.append({kind: {"range": _rows(sheet, at, at + abs(grow))}})
        offset += grow
        changed.update(range(j1, j2))
    return moves, sorted(changed)


def _rows(sheet: int, start: int, end: int) -> dict[str, Any]:
    return {"sheetId": sheet, "dimension": "ROWS", "startIndex": start, "endIndex": end}


def _look(grid: Grid, index: int, tpl: RollupTemplate) -> str:
    return _look_of(_properties(grid, index), _formats(grid, tpl), _extras(grid))


def _look_of(props: Request, formats: list[Request], extras: list[Request]) -> str:
    """Everything on a tab but its cells: size, formats, merges, widths, rules, views, charts."""
    return digest([props, formats, extras])[:DIGEST_CHARS]


def _extras(grid: Grid) -> list[Request]:
    """Merges, widths, the filter, and what the next run must take away (rules, views, charts)."""
    sheet = grid.sheet_id
    first_body = 1 if grid.header else 0
    out: list[Request] = [
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
        rows = len(grid.all_rows())
        out.append(
            {"setBasicFilter": {"filter": {"range": _span(sheet, 0, rows, 0, len(grid.columns))}}}
        )
    out += [
        {"addConditionalFormatRule": {"rule": r, "index": i}}
        for i, r in enumerate(conditional_rules(grid))
    ]
    out += [{"addFilterView": {"filter": view}} for view in grid.filter_views]
    out += [{"addChart": {"chart": chart}} for chart in grid.charts]
    return out


def _updates(sheet: int, rendered: RowCells, changed: list[int], limit: int) -> Iterator[Request]:
    """``updateCells`` over each run of changed rows; a row past the data is cleared."""
    for start, stop in _runs(changed):
        rows = ({"values": rendered[i]} if i < len(rendered) else {} for i in range(start, stop))
        yield from _chunks(sheet, start, rows, limit)


def _chunks(sheet: int, start: int, rows: Iterable[Row], limit: int) -> Iterator[Request]:
    """Consecutive rows as ``updateCells`` requests of at most about ``limit`` bytes each."""
    chunk: list[Row] = []
    size = 0
    for row in rows:
        row_size = len(json.dumps(row)) + 2
        if chunk and size + row_size > limit - 256:  # 256: the request around the rows
            yield _update_rows(sheet, start, chunk)
            start, chunk, size = start + len(chunk), [], 0
        chunk.append(row)
        size += row_size
    if chunk:
        yield _update_rows(sheet, start, chunk)


def _update_rows(sheet: int, start: int, rows: list[Row]) -> Request:
    """Every column of these rows, replaced (``fields: *``: values, formats, notes)."""
    rng = {"sheetId": sheet, "startRowIndex": start, "endRowIndex": start + len(rows)}
    return {"updateCells": {"range": rng, "fields": "*", "rows": rows}}


def _runs(indices: list[int]) -> Iterator[tuple[int, int]]:
    """Sorted indices as [start, stop) runs of consecutive ones."""
    start = prev = -2
    for i in indices:
        if i != prev + 1:
            if start >= 0:
                yield start, prev + 1
            start = i
        prev = i
    if start >= 0:
        yield start, prev + 1


def pack(requests: Iterable[Request], limit: int = MAX_REQUEST_BYTES) -> Iterator[list[Request]]:
    """Requests in order, in batches whose JSON body (as sent) stays within ``limit`` bytes."""
    batch: list[Request] = []
    size = len('{"requests": []}')
    for request in requests:
        grows = len(json.dumps(request)) + 2
        if batch and size + grows > limit:
            yield batch
            batch, size = [], len('{"requests": []}')
        batch.append(request)
        size += grows
    if batch:
        yield batch


def body_bytes(batch: list[Request]) -> int:
    """The size of a batch's body as the client sends it."""
    return len(json.dumps({"requests": batch}))


def _being_written(sheet: int) -> Request:
    """The state tab's marker cell says a write is under way (the next run trusts no digest)."""
    return {
        "updateCells": {
            "range": _span(sheet, 0, 1, 0, 1),
            "rows": [{"values": [cell(STATE_WRITING)]}],
            "fields": "userEnteredValue",
        }
    }


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


class RowCells:
    """A tab's rows as the cells written: values, number formats and colours (the rest of the
    look comes from ``repeatCell`` requests), each row rendered when asked for.

    Colours are set on the cells themselves (not only as conditional rules), so any viewer
    shows them; a row is rewritten whole (``fields: *``), so a colour never outlives its value.
    """

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.first = 1 if grid.header else 0

    def __len__(self) -> int:
        return self.first + len(self.grid.rows)

    def __getitem__(self, index: int) -> list[Cell]:
        grid = self.grid
        if index < self.first:
            return [cell(c.header) for c in grid.columns]
        r = index - self.first
        cells = []
        for c, value in enumerate(grid.cells(grid.rows[r])):
            if isinstance(value, str) and grid.text_limit:  # a person's essay, quoted
                value = clip(value, grid.text_limit)
            color = grid.background(r, c)
            cells.append(cell(value, {"backgroundColor": rgb(color)} if color else None))
        return cells


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
