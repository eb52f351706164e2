"""Sheets' size limits: 50,000 characters in a cell, 10 million cells in a spreadsheet."""

from __future__ import annotations

import gspread
import pytest

from tests.emulator.sheets_support import batch, new_spreadsheet, sheets_client, values
from tests.emulator.support import Clients, api_error
from tst_sheets.emulator import RunningEmulator

TOO_LONG = "Your input contains more than the maximum of 50000 characters in a single cell."
TOO_MANY = (
    "This action would increase the number of cells in the workbook above the limit of "
    "10000000 cells."
)
LONG = "x" * 50_001


def bad(message: str) -> dict[str, object]:
    return {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}


def test_a_50001_character_cell_written_with_gspread_gets_the_400(workspace: Clients) -> None:
    book = workspace.sheets.create("Notes")
    with pytest.raises(gspread.exceptions.APIError) as failure:
        book.sheet1.update([["ok", LONG]], "A1")
    assert failure.value.response.status_code == 400
    assert failure.value.response.json()["error"] == bad(TOO_LONG)
    assert book.sheet1.acell("A1").value is None  # the whole write was refused
    book.sheet1.update([["x" * 50_000]], "A1")  # exactly the maximum is fine
    assert len(book.sheet1.acell("A1").value or "") == 50_000


def test_the_limit_names_where_in_batch_and_create_bodies(emulator: RunningEmulator) -> None:
    api = sheets_client(emulator, "tst-service@tst.example.org")
    sid = new_spreadsheet(api)["spreadsheetId"]
    body = {
        "valueInputOption": "RAW",
        "data": [{"range": "A1", "values": [["fine"]]}, {"range": "B1", "values": [[LONG]]}],
    }
    status, error = api_error(
        lambda: api.spreadsheets().values().batchUpdate(spreadsheetId=sid, body=body).execute()
    )
    assert (status, error) == (400, bad(f"Invalid data[1]: {TOO_LONG}"))
    assert values(api, sid, "A1:B1") == []  # nothing of the request was applied
    cells = {"rows": [{"values": [{"userEnteredValue": {"stringValue": LONG}}]}]}
    update = {"updateCells": {**cells, "fields": "userEnteredValue", "start": {"sheetId": 0}}}
    status, error = api_error(lambda: batch(api, sid, update))
    assert (status, error) == (400, bad(f"Invalid requests[0].updateCells: {TOO_LONG}"))
    formula = {"userEnteredValue": {"formulaValue": "=" + LONG}}
    status, error = api_error(
        lambda: batch(
            api, sid, {"repeatCell": {"range": {"sheetId": 0}, "cell": formula, "fields": "*"}}
        )
    )
    assert status == 400 and error["message"].startswith("Invalid requests[0].repeatCell: Your")
    create = {
        "sheets": [{}, {"data": [{}, {"rowData": [{"values": [cells["rows"][0]["values"][0]]}]}]}]
    }
    status, error = api_error(lambda: new_spreadsheet(api, "Big", **create))
    assert (status, error) == (400, bad(f"Invalid sheets[1].data[1]: {TOO_LONG}"))


def test_a_spreadsheet_cannot_grow_past_ten_million_cells(emulator: RunningEmulator) -> None:
    api = sheets_client(emulator, "tst-service@tst.example.org")
    sid = new_spreadsheet(api)["spreadsheetId"]  # Sheet1: 1000 x 26
    grid = {"rowCount": 400_000, "columnCount": 26}
    add = {"addSheet": {"properties": {"title": "Big", "gridProperties": grid}}}
    status, error = api_error(lambda: batch(api, sid, add))
    assert (status, error) == (400, bad(f"Invalid requests[0].addSheet: {TOO_MANY}"))
    fits = {"rowCount": 380_000, "columnCount": 26}  # 9,906,000 cells in all
    batch(api, sid, {"addSheet": {"properties": {"title": "Big", "gridProperties": fits}}})
    status, error = api_error(
        lambda: (
            api.spreadsheets()
            .values()
            .append(
                spreadsheetId=sid,
                range="Sheet1!A1",
                valueInputOption="RAW",
                insertDataOption="INSERT_ROWS",
                body={"values": [["row"]] * 4000},
            )
            .execute()
        )
    )
    assert (status, error) == (400, bad(TOO_MANY))
    status, error = api_error(
        lambda: new_spreadsheet(
            api, "Huge", sheets=[{"properties": {"gridProperties": {"rowCount": 2_000_000}}}]
        )
    )
    assert (status, error) == (400, bad(TOO_MANY))
