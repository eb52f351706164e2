"""``spreadsheets.values.*``: reading, writing, appending and clearing values.

Inputs arrive validated by the handlers (options are Google's enum names); this module
does the state changes and shapes the replies as Google does (``updatedRange`` over the
written block, zero counts left out, trailing empty cells and rows trimmed).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tst_sheets.emulator import a1
from tst_sheets.emulator.errors import ApiError, sheets_error
from tst_sheets.emulator.sheets import cells, dims, grid, limits, locate
from tst_sheets.emulator.sheets.grid import Box, Doc
from tst_sheets.emulator.sheets.locate import Target
from tst_sheets.emulator.sheets.models import SheetsBackend, can_edit_protected
from tst_sheets.emulator.store import Transaction
from tst_sheets.emulator.values import parse_input

PROTECTED = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner "
    "to remove protection if you need to edit."
)


@dataclass(frozen=True)
class ReadOptions:
    render: str = "FORMATTED_VALUE"
    date_time: str = "SERIAL_NUMBER"
    major: str = "ROWS"


@dataclass
class Written:
    """What one write touched, for ``updated*`` counts and batch totals."""

    sheet_id: int
    rows: set[int] = field(default_factory=set)
    cols: set[int] = field(default_factory=set)
    cells: int = 0


@dataclass
class Session:
    """One request's view: backend, transaction, spreadsheet and caller."""

    backend: SheetsBackend
    txn: Transaction
    doc: Doc
    user: str

    @property
    def spreadsheet_id(self) -> str:
        return str(self.doc["spreadsheetId"])


# -- reading ---------------------------------------------------------------------------------


def value_range(session: Session, box: Box, options: ReadOptions) -> Doc:
    calc = session.backend.calc(session.doc)
    out: Doc = {"range": locate.box_text(box), "majorDimension": options.major}
    values = calc.values(box, options.render, options.date_time, options.major)
    if values:
        out["values"] = values
    return out


def get(session: Session, text: str, options: ReadOptions) -> Doc:
    return value_range(session, locate.resolve(session.doc, text).box(), options)


def batch_get(session: Session, texts: list[str], options: ReadOptions) -> Doc:
    out: Doc = {"spreadsheetId": session.spreadsheet_id}
    if texts:
        out["valueRanges"] = [get(session, text, options) for text in texts]
    return out


def get_json(session: Session, text: str, options: ReadOptions) -> str:
    """``get`` already encoded, cached with the revision like ``batch_get_json``."""
    calc = session.backend.calc(session.doc)
    return calc.encoded(
        ("valueRange", text, options), functools.partial(get, session, text, options)
    )


def batch_get_json(session: Session, texts: list[str], options: ReadOptions) -> str:
    """``batch_get`` already encoded: each range's JSON is cached with the revision, so
    re-reading an unchanged workbook costs no rendering and no encoding."""
    calc = session.backend.calc(session.doc)
    head = '{"spreadsheetId":' + json.dumps(session.spreadsheet_id)
    if not texts:
        return head + "}"
    parts = [
        calc.encoded(("valueRange", text, options), functools.partial(get, session, text, options))
        for text in texts
    ]
    return head + ',"valueRanges":[' + ",".join(parts) + "]}"


def batch_get_by_filter(session: Session, filters: list[Doc], options: ReadOptions) -> Doc:
    found = []
    for data_filter in filters:
        for target in locate.filter_targets(session.doc, data_filter):
            found.append(
                {
                    "valueRange": value_range(session, target.box(), options),
                    "dataFilters": [data_filter],
                }
            )
    out: Doc = {"spreadsheetId": session.spreadsheet_id}
    if found:
        out["valueRanges"] = found
    return out


# -- writing ---------------------------------------------------------------------------------


def matrix(values: Any, major: str, where: str = "data.values") -> list[list[Any]]:
    """The ``values`` of a ValueRange as rows; Google's 400 for anything but lists."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise _list_error(where, values)
    rows = []
    for index, row in enumerate(values):
        if not isinstance(row, list):
            raise _list_error(f"{where}[{index}]", row)
        rows.append(row)
    if major == "COLUMNS":
        height = max((len(col) for col in rows), default=0)
        rows = [[col[i] if i < len(col) else None for col in rows] for i in range(height)]
    return rows


def _list_error(where: str, value: Any) -> ApiError:
    import json

    message = (
        f"Invalid value at '{where}' (type.googleapis.com/google.protobuf.ListValue), "
        f"{json.dumps(value, ensure_ascii=False)}"
    )
    return ApiError(
        400,
        message,
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": where, "description": message}],
            }
        ],
    )


def write_block(
    session: Session,
    target: Target,
    rows: list[list[Any]],
    option: str,
    text: str,
    *,
    grow: bool = False,
) -> tuple[Box, Written]:
    """Write ``rows`` at the target and count the cells. Writing past the grid is Google's
    400, except for ``append`` (``grow``), which adds the rows and columns it needs."""
    sheet = target.sheet
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    _check_fits(target, height, width, text)
    if grow:
        grid.grow_to(sheet, target.r0 + height, target.c0 + width)
    box = Box(sheet, target.r0, target.r0 + max(height, 1), target.c0, target.c0 + max(width, 1))
    Target(sheet, box.r0, box.r1, box.c0, box.c1).box()  # raises past the grid
    guard(session.backend, session.txn, session.doc, session.user, box)
    written = Written(grid.sheet_id(sheet))
    for i, row in enumerate(rows):
        for j, raw in enumerate(row):
            if raw is None:
                continue
            limits.check_text(raw)
            cells.write_entered(sheet, target.r0 + i, target.c0 + j, parse_input(raw, option))
            written.rows.add(target.r0 + i)
            written.cols.add(target.c0 + j)
            written.cells += 1
    grid.compact(sheet)
    return box, written


def _limited(write: Callable[[], tuple[Box, Written]], where: str = "") -> tuple[Box, Written]:
    """Run a write; a cell over the length limit is Sheets' 400, naming ``where`` if any."""
    try:
        return write()
    except limits.TooLong as failure:
        prefix = f"Invalid {where}: " if where else ""
        raise sheets_error(400, f"{prefix}{failure}") from None


def _check_fits(target: Target, height: int, width: int, text: str) -> None:
    if target.single:
        return
    if target.r1 is not None and target.r0 + height > target.r1:
        raise sheets_error(
            400,
            f"Requested writing within range [{text}], but tried writing to row "
            f"[{target.r0 + height}]",
        )
    if target.c1 is not None and target.c0 + width > target.c1:
        raise sheets_error(
            400,
            f"Requested writing within range [{text}], but tried writing to column "
            f"[{a1.column_letters(target.c0 + width - 1)}]",
        )


def guard(backend: SheetsBackend, txn: Transaction, doc: Doc, user: str, box: Box) -> None:
    """Protected ranges stop everyone but their editors (and the owner)."""
    if not box.sheet.get("protectedRanges"):
        return
    owner = backend.owner(txn, str(doc["spreadsheetId"]))
    area = grid.box_range(box)
    for protected in box.sheet.get("protectedRanges") or []:
        span = protected.get("range")
        if span is None or can_edit_protected(protected, user, owner):
            continue
        if grid.overlaps(span, area):
            raise sheets_error(400, PROTECTED)


def update_reply(session: Session, box: Box, written: Written) -> Doc:
    out: Doc = {"spreadsheetId": session.spreadsheet_id, "updatedRange": locate.box_text(box)}
    for key, value in (
        ("updatedRows", len(written.rows)),
        ("updatedColumns", len(written.cols)),
        ("updatedCells", written.cells),
    ):
        if value:
            out[key] = value
    return out


def update(
    session: Session,
    text: str,
    body: Doc,
    option: str,
    respond: ReadOptions | None,
) -> Doc:
    major = body.get("majorDimension") or "ROWS"
    rows = matrix(body.get("values"), major)
    target = locate.resolve(session.doc, text)
    box, written = _limited(lambda: write_block(session, target, rows, option, text))
    session.backend.changed(session.txn, session.doc, session.user)
    reply = update_reply(session, box, written)
    if respond is not None:
        reply["updatedData"] = value_range(session, box, _as_major(respond, major))
    return reply


def _as_major(options: ReadOptions, major: str) -> ReadOptions:
    return ReadOptions(options.render, options.date_time, major)


def batch_update(
    session: Session, body: Doc, option: str, respond: ReadOptions | None, *, by_filter: bool
) -> Doc:
    responses, totals = [], []
    for index, item in enumerate(body.get("data") or []):
        major = item.get("majorDimension") or "ROWS"
        rows = matrix(item.get("values"), major, f"data[{index}].values")
        for target, text in _write_targets(session, item, by_filter):
            write = functools.partial(write_block, session, target, rows, option, text)
            box, written = _limited(write, f"data[{index}]")
            reply = update_reply(session, box, written)
            if by_filter:
                reply["dataFilter"] = item.get("dataFilter")
            totals.append(written)
            responses.append((reply, box, major))
    session.backend.changed(session.txn, session.doc, session.user)
    out: Doc = {"spreadsheetId": session.spreadsheet_id}
    out.update(_totals(totals))
    if responses:
        out["responses"] = []
        for reply, box, major in responses:
            if respond is not None:
                reply["updatedData"] = value_range(session, box, _as_major(respond, major))
            out["responses"].append(reply)
    return out


def _write_targets(session: Session, item: Doc, by_filter: bool) -> list[tuple[Target, str]]:
    if not by_filter:
        text = str(item.get("range") or "")
        return [(locate.resolve(session.doc, text), text)]
    data_filter = item.get("dataFilter") or {}
    return [(t, str(data_filter)) for t in locate.filter_targets(session.doc, data_filter)]


def _totals(written: list[Written]) -> Doc:
    rows = {(w.sheet_id, r) for w in written for r in w.rows}
    cols = {(w.sheet_id, c) for w in written for c in w.cols}
    sheets = {w.sheet_id for w in written if w.cells}
    out = {}
    for key, value in (
        ("totalUpdatedRows", len(rows)),
        ("totalUpdatedColumns", len(cols)),
        ("totalUpdatedCells", sum(w.cells for w in written)),
        ("totalUpdatedSheets", len(sheets)),
    ):
        if value:
            out[key] = value
    return out


# -- append ------------------------------------------------------------------------------------


def append(
    session: Session,
    text: str,
    body: Doc,
    option: str,
    insert_rows: bool,
    respond: ReadOptions | None,
) -> Doc:
    major = body.get("majorDimension") or "ROWS"
    rows = matrix(body.get("values"), major)
    target = locate.resolve(session.doc, text)
    box = target.box()
    table = find_table(box)
    row, col = (table.r1, table.c0) if table else (box.r0, box.c0)
    if insert_rows and rows:
        dims.insert(session.doc, box.sheet, "ROWS", min(row, grid.size(box.sheet)[0]), len(rows))
    anchor = Target(box.sheet, row, None, col, None, single=True)
    written_box, written = _limited(
        lambda: write_block(session, anchor, rows, option, text, grow=True)
    )
    session.backend.changed(session.txn, session.doc, session.user)
    out: Doc = {"spreadsheetId": session.spreadsheet_id}
    if table is not None:
        out["tableRange"] = locate.box_text(table)
    out["updates"] = update_reply(session, written_box, written)
    if respond is not None:
        out["updates"]["updatedData"] = value_range(session, written_box, _as_major(respond, major))
    return out


def find_table(box: Box) -> Box | None:
    """The "table" Google appends after: the data region around the range's anchor cell
    (a single-cell range) or around the last filled cell inside the range."""
    sheet = box.sheet
    if box.height == 1 and box.width == 1:
        if not grid.has_value(grid.get(sheet, box.r0, box.c0)):
            return None
        seed = (box.r0, box.c0)
        limits = Box(sheet, 0, grid.size(sheet)[0], 0, grid.size(sheet)[1])
    else:
        last = None
        for r, c, cell in grid.cells(sheet, box.r0, box.r1, box.c0, box.c1):
            if grid.has_value(cell):
                last = (r, c)
        if last is None:
            return None
        seed, limits = last, box
    return _region(sheet, seed, limits)


def _region(sheet: Doc, seed: tuple[int, int], limits: Box) -> Box:
    """Grow a box from ``seed`` while any neighbouring cell (diagonals too) holds a value."""
    r0, r1, c0, c1 = seed[0], seed[0] + 1, seed[1], seed[1] + 1
    grown = True
    while grown:
        grown = False
        if r0 > limits.r0 and _filled(sheet, r0 - 1, r0, c0 - 1, c1 + 1):
            r0, grown = r0 - 1, True
        if r1 < limits.r1 and _filled(sheet, r1, r1 + 1, c0 - 1, c1 + 1):
            r1, grown = r1 + 1, True
        if c0 > limits.c0 and _filled(sheet, r0 - 1, r1 + 1, c0 - 1, c0):
            c0, grown = c0 - 1, True
        if c1 < limits.c1 and _filled(sheet, r0 - 1, r1 + 1, c1, c1 + 1):
            c1, grown = c1 + 1, True
    return Box(sheet, r0, r1, c0, c1)


def _filled(sheet: Doc, r0: int, r1: int, c0: int, c1: int) -> bool:
    return any(
        grid.has_value(cell) for _, _, cell in grid.cells(sheet, max(r0, 0), r1, max(c0, 0), c1)
    )


# -- clearing ----------------------------------------------------------------------------------


def clear_box(session: Session, box: Box) -> None:
    guard(session.backend, session.txn, session.doc, session.user, box)
    for r, c, _ in list(grid.cells(box.sheet, box.r0, box.r1, box.c0, box.c1)):
        cells.clear_value(box.sheet, r, c)
    grid.compact(box.sheet)


def clear(session: Session, text: str) -> Doc:
    box = locate.resolve(session.doc, text).box()
    clear_box(session, box)
    session.backend.changed(session.txn, session.doc, session.user)
    return {"spreadsheetId": session.spreadsheet_id, "clearedRange": locate.box_text(box)}


def batch_clear(session: Session, texts: list[str]) -> Doc:
    cleared = []
    for index, text in enumerate(texts):
        try:
            box = locate.resolve(session.doc, text).box()
        except ApiError as failure:  # Google names which range: ``Invalid range[1]: …``
            raise sheets_error(400, f"Invalid range[{index}]: {failure.message}") from None
        clear_box(session, box)
        cleared.append(locate.box_text(box))
    session.backend.changed(session.txn, session.doc, session.user)
    out: Doc = {"spreadsheetId": session.spreadsheet_id}
    if cleared:
        out["clearedRanges"] = cleared
    return out


def batch_clear_by_filter(session: Session, filters: list[Doc]) -> Doc:
    cleared = []
    for data_filter in filters:
        for target in locate.filter_targets(session.doc, data_filter):
            box = target.box()
            clear_box(session, box)
            cleared.append(locate.box_text(box))
    session.backend.changed(session.txn, session.doc, session.user)
    out: Doc = {"spreadsheetId": session.spreadsheet_id}
    if cleared:
        out["clearedRanges"] = cleared
    return out
