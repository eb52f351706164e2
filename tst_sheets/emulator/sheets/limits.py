"""Google Sheets' size limits, with the words Sheets answers them in.

- 50,000 characters in one cell: ``Your input contains more than the maximum of 50000
  characters in a single cell.`` (values writes answer it bare, ``values.batchUpdate``
  prefixes ``Invalid data[i]:``, ``spreadsheets.create`` ``Invalid sheets[i].data[j]:`` and
  ``batchUpdate`` ``Invalid requests[i].<kind>:``);
- 10,000,000 cells in a spreadsheet (every sheet's rows times columns): ``This action would
  increase the number of cells in the workbook above the limit of 10000000 cells.``
"""

from __future__ import annotations

from typing import Any

from tst_sheets.emulator.sheets.grid import Doc, RequestError

MAX_CELL_CHARS = 50_000
MAX_CELLS = 10_000_000
CELL_TEXT = (
    f"Your input contains more than the maximum of {MAX_CELL_CHARS} characters in a single cell."
)
CELL_COUNT = (
    "This action would increase the number of cells in the workbook above the limit of "
    f"{MAX_CELLS} cells."
)


class TooLong(RequestError):
    """A cell's input over 50,000 characters; callers add where it was (``data[2]``)."""

    def __init__(self) -> None:
        super().__init__(CELL_TEXT)
        self.where = ""


def check_text(raw: Any) -> None:
    if type(raw) is str and len(raw) > MAX_CELL_CHARS:
        raise TooLong()


def check_entered(value: Any) -> None:
    """An ``ExtendedValue`` (``userEnteredValue``) of a cell."""
    if isinstance(value, dict):
        check_text(value.get("stringValue"))
        check_text(value.get("formulaValue"))


def check_cell_count(doc: Doc) -> None:
    total = 0
    for sheet in doc.get("sheets", []):
        grid = sheet["properties"].get("gridProperties") or {}
        total += int(grid.get("rowCount", 0)) * int(grid.get("columnCount", 0))
    if total > MAX_CELLS:
        raise RequestError(CELL_COUNT)
