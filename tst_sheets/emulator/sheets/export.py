"""Drive ``files.export`` of a spreadsheet, in the formats Google lists for Sheets.

- ``text/csv`` and ``text/tab-separated-values``: the first sheet only, as displayed;
- the ``.xlsx`` format: every sheet, in order, with its title and hidden state, each cell's
  value as computed (numbers, text, booleans, error codes) and its number format, so a date
  reads back as a date. A formula is exported as its result (openpyxl cannot store both).

The other formats Google exports (ODS, PDF, zipped HTML) are not modelled: they answer 501,
never a file that is not what Google would send. A format Google does not export a
spreadsheet to answers Google's 400; a result over 10 MB, Google's 403.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from tst_sheets.emulator.errors import drive_error
from tst_sheets.emulator.sheets import grid, locate
from tst_sheets.emulator.sheets.calc import Calc
from tst_sheets.emulator.sheets.grid import Box, Doc

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_SHEET_ONLY = {"text/csv": ",", "text/tab-separated-values": "\t"}
NOT_MODELLED = {
    "application/x-vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/pdf",
    "application/zip",
}
EXPORT_LIMIT_BYTES = 10 * 1024 * 1024  # "the exported content is limited to 10 MB"
DEFAULT_PATTERNS = {"DATE": "yyyy-mm-dd", "TIME": "h:mm:ss", "DATE_TIME": "yyyy-mm-dd h:mm:ss"}


def export(doc: Doc, calc: Calc, mime: str) -> bytes:
    """The file Drive would send for ``mimeType=mime``, or Google's refusal."""
    if mime in FIRST_SHEET_ONLY:
        data = _delimited(calc, locate.first_sheet(doc), FIRST_SHEET_ONLY[mime])
    elif mime == XLSX:
        data = _xlsx(doc, calc)
    elif mime in NOT_MODELLED:
        raise drive_error(
            501, f"The emulator does not export a spreadsheet as {mime}.", "notImplemented"
        )
    else:
        raise drive_error(400, "The requested conversion is not supported.", "badRequest")
    if len(data) > EXPORT_LIMIT_BYTES:
        raise drive_error(403, "This file is too large to be exported.", "exportSizeLimitExceeded")
    return data


def _delimited(calc: Calc, sheet: Doc, delimiter: str) -> bytes:
    rows, cols = grid.extent(sheet)
    values = calc.values(
        Box(sheet, 0, rows, 0, cols), "FORMATTED_VALUE", "FORMATTED_STRING", "ROWS"
    )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for line in values:
        writer.writerow(line + [""] * (cols - len(line)) if line else [""] * cols)
    return out.getvalue().rstrip("\n").encode()


def _xlsx(doc: Doc, calc: Calc) -> bytes:
    book = Workbook(write_only=True)
    for sheet in sorted(doc["sheets"], key=lambda s: s["properties"].get("index", 0)):
        props = sheet["properties"]
        page = book.create_sheet(title=str(props.get("title", "")))
        if props.get("hidden"):
            page.sheet_state = "hidden"
        values = calc.rendered(sheet, "UNFORMATTED_VALUE", "SERIAL_NUMBER")
        for r, line in enumerate(values):
            page.append([_cell(page, calc, sheet, r, c, v) for c, v in enumerate(line)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(page: WriteOnlyWorksheet, calc: Calc, sheet: Doc, r: int, c: int, value: Any) -> Any:
    if value == "" or value is None:
        return None
    cell = WriteOnlyCell(page, value=value)
    if isinstance(value, str):
        cell.data_type = "e" if value in ERROR_CODES else "s"  # text starting "=" stays text
        return cell
    if isinstance(value, bool):
        return cell
    stored = sheet["rows"][r][c]
    if isinstance(stored, dict):  # only a cell with more than a bare value has a format
        fmt = calc.computed(sheet, r, c).number_format or {}
        pattern = fmt.get("pattern") or DEFAULT_PATTERNS.get(str(fmt.get("type")))
        if pattern:
            cell.number_format = pattern
    return cell


ERROR_CODES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#ERROR!"}
