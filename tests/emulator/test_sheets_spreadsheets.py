"""spreadsheets.create / get / getByDataFilter through googleapiclient and gspread."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.sheets_support import new_spreadsheet, put, sheets_client, values
from tests.emulator.support import Clients, api_error
from tst_sheets.emulator import RunningEmulator

OWNER = "owner@tst.example.org"


@pytest.fixture
def api(emulator: RunningEmulator) -> Any:
    return sheets_client(emulator, OWNER)


def rich_body() -> dict[str, Any]:
    """A create body with tabs, data, validation, protection, metadata and more."""
    validation = {
        "condition": {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": "Yes"}, {"userEnteredValue": "No"}],
        },
        "strict": True,
        "showCustomUi": True,
    }
    return {
        "properties": {"title": "Roll-up 2026", "timeZone": "America/Chicago"},
        "sheets": [
            {
                "properties": {
                    "title": "Work Plan",
                    "gridProperties": {"rowCount": 50, "columnCount": 8, "frozenRowCount": 1},
                },
                "data": [
                    {
                        "rowData": [
                            {
                                "values": [
                                    {
                                        "userEnteredValue": {"stringValue": "Goal"},
                                        "userEnteredFormat": {
                                            "textFormat": {"bold": True},
                                            "backgroundColor": {"red": 0.5},
                                        },
                                    },
                                    {
                                        "userEnteredValue": {"stringValue": "Done?"},
                                        "note": "Yes or No",
                                    },
                                ]
                            },
                            {
                                "values": [
                                    {"userEnteredValue": {"numberValue": 3}},
                                    {
                                        "userEnteredValue": {"stringValue": "Yes"},
                                        "dataValidation": validation,
                                    },
                                ]
                            },
                            {"values": [{"userEnteredValue": {"formulaValue": "=A2*2"}}]},
                        ],
                    }
                ],
                "merges": [
                    {
                        "startRowIndex": 10,
                        "endRowIndex": 11,
                        "startColumnIndex": 0,
                        "endColumnIndex": 3,
                    }
                ],
                "protectedRanges": [
                    {
                        "range": {"startRowIndex": 0, "endRowIndex": 1},
                        "description": "Header",
                        "warningOnly": True,
                    }
                ],
                "developerMetadata": [
                    {"metadataKey": "tab", "metadataValue": "plan", "visibility": "DOCUMENT"}
                ],
            },
            {"properties": {"title": "O'Brien's notes"}},
        ],
        "namedRanges": [
            {
                "name": "Goals",
                "range": {
                    "sheetId": 0,
                    "startRowIndex": 1,
                    "endRowIndex": 3,
                    "startColumnIndex": 0,
                    "endColumnIndex": 1,
                },
            }
        ],
        "developerMetadata": [
            {
                "metadataKey": "program",
                "metadataValue": "tst",
                "location": {"spreadsheet": True},
                "visibility": "DOCUMENT",
            }
        ],
    }


def test_create_default_spreadsheet_matches_google(api: Any) -> None:
    book = new_spreadsheet(api, "Plain")
    assert book["properties"]["title"] == "Plain"
    assert book["properties"]["locale"] == "en_US"
    assert book["properties"]["timeZone"] == "Etc/GMT"
    assert book["properties"]["autoRecalc"] == "ON_CHANGE"
    assert book["properties"]["defaultFormat"]["textFormat"]["fontSize"] == 10
    assert book["sheets"] == [
        {
            "properties": {
                "sheetId": 0,
                "title": "Sheet1",
                "index": 0,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": 1000, "columnCount": 26},
            }
        }
    ]
    assert (
        book["spreadsheetUrl"]
        == f"https://docs.google.com/spreadsheets/d/{book['spreadsheetId']}/edit"
    )


def test_create_with_tabs_data_validation_protection_metadata(
    api: Any, emulator: RunningEmulator
) -> None:
    book = api.spreadsheets().create(body=rich_body()).execute()
    sid = book["spreadsheetId"]
    assert book["properties"]["timeZone"] == "America/Chicago"
    plan, notes = book["sheets"]
    assert plan["properties"]["sheetId"] == 0 and plan["properties"]["title"] == "Work Plan"
    assert plan["properties"]["gridProperties"] == {
        "rowCount": 50,
        "columnCount": 8,
        "frozenRowCount": 1,
    }
    assert notes["properties"]["index"] == 1 and notes["properties"]["sheetId"] != 0
    assert plan["merges"] == [
        {"startRowIndex": 10, "endRowIndex": 11, "startColumnIndex": 0, "endColumnIndex": 3}
    ]
    (protected,) = plan["protectedRanges"]
    assert protected["description"] == "Header" and protected["warningOnly"] is True
    assert protected["editors"] == {"users": [OWNER]}
    assert plan["developerMetadata"][0]["location"] == {"locationType": "SHEET", "sheetId": 0}
    assert book["developerMetadata"][0]["metadataKey"] == "program"
    assert book["namedRanges"][0]["name"] == "Goals"
    assert values(api, sid, "'Work Plan'!A1:B3") == [["Goal", "Done?"], ["3", "Yes"], ["6"]]
    assert values(api, sid, "Goals") == [["3"], ["6"]]


def test_create_makes_the_drive_file_owned_by_the_caller(
    emulator: RunningEmulator, connect_as: Any
) -> None:
    api = sheets_client(emulator, OWNER)
    book = new_spreadsheet(api, "Owned")
    drive = connect_as(OWNER).drive
    got = (
        drive.files()
        .get(fileId=book["spreadsheetId"], fields="name,mimeType,owners(emailAddress)")
        .execute()
    )
    assert got == {
        "name": "Owned",
        "mimeType": "application/vnd.google-apps.spreadsheet",
        "owners": [{"emailAddress": OWNER}],
    }


def test_get_with_fields_and_grid_data(api: Any) -> None:
    book = api.spreadsheets().create(body=rich_body()).execute()
    sid = book["spreadsheetId"]
    only = api.spreadsheets().get(spreadsheetId=sid, fields="sheets.properties.title").execute()
    assert only == {
        "sheets": [
            {"properties": {"title": "Work Plan"}},
            {"properties": {"title": "O'Brien's notes"}},
        ]
    }
    grid = (
        api.spreadsheets()
        .get(spreadsheetId=sid, ranges=["'Work Plan'!A1:B3"], includeGridData=True)
        .execute()
    )
    assert [s["properties"]["title"] for s in grid["sheets"]] == ["Work Plan"]
    (data,) = grid["sheets"][0]["data"]
    first, second, third = data["rowData"]
    goal = first["values"][0]
    assert goal["userEnteredValue"] == {"stringValue": "Goal"}
    assert goal["effectiveValue"] == {"stringValue": "Goal"}
    assert goal["formattedValue"] == "Goal"
    assert goal["userEnteredFormat"]["backgroundColor"] == {"red": 0.49803922}
    assert goal["userEnteredFormat"]["backgroundColorStyle"] == {"rgbColor": {"red": 0.49803922}}
    assert goal["effectiveFormat"]["textFormat"]["bold"] is True
    assert first["values"][1]["note"] == "Yes or No"
    assert second["values"][1]["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    assert third["values"][0]["userEnteredValue"] == {"formulaValue": "=A2*2"}
    assert third["values"][0]["effectiveValue"] == {"numberValue": 6}
    assert data["rowMetadata"] == [{"pixelSize": 21}] * 3
    assert data["columnMetadata"] == [{"pixelSize": 100}] * 2


def test_get_notes_with_a_fields_mask_as_gspread_asks(api: Any) -> None:
    sid = new_spreadsheet(api)["spreadsheetId"]
    put(api, sid, "Sheet1!A1:B2", [["x", "y"], ["z", ""]])
    api.spreadsheets().batchUpdate(
        spreadsheetId=sid,
        body={
            "requests": [
                {
                    "updateCells": {
                        "range": {
                            "sheetId": 0,
                            "startRowIndex": 1,
                            "endRowIndex": 2,
                            "startColumnIndex": 1,
                            "endColumnIndex": 2,
                        },
                        "rows": [{"values": [{"note": "hello"}]}],
                        "fields": "note",
                    }
                }
            ]
        },
    ).execute()
    got = (
        api.spreadsheets()
        .get(spreadsheetId=sid, ranges=["Sheet1"], fields="sheets.data.rowData.values.note")
        .execute()
    )
    assert got == {
        "sheets": [
            {"data": [{"rowData": [{"values": [{}, {}]}, {"values": [{}, {"note": "hello"}]}]}]}
        ]
    }


def test_get_by_data_filter(api: Any) -> None:
    sid = new_spreadsheet(api)["spreadsheetId"]
    put(api, sid, "A1", [["a"]])
    got = (
        api.spreadsheets()
        .getByDataFilter(
            spreadsheetId=sid,
            body={
                "dataFilters": [{"a1Range": "Sheet1!A1:A2"}],
                "includeGridData": True,
            },
        )
        .execute()
    )
    assert got["sheets"][0]["data"][0]["rowData"][0]["values"][0]["formattedValue"] == "a"


def test_unknown_spreadsheet_is_404_like_google(api: Any) -> None:
    status, error = api_error(lambda: api.spreadsheets().get(spreadsheetId="nope").execute())
    assert status == 404
    assert error == {
        "code": 404,
        "message": "Requested entity was not found.",
        "status": "NOT_FOUND",
    }


def test_gspread_round_trip(workspace: Clients) -> None:
    book = workspace.sheets.create("Through gspread")
    tab = book.add_worksheet("Team 'A'", rows=20, cols=5)
    tab.update([["Name", "Minutes"], ["Ana", 30]], "A1")
    assert tab.get_all_values()[:2] == [["Name", "Minutes"], ["Ana", "30"]]
    assert [w.title for w in book.worksheets()] == ["Sheet1", "Team 'A'"]
    book.update_title("Renamed")
    assert workspace.sheets.open_by_key(book.id).title == "Renamed"
