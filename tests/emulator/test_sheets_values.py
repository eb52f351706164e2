"""spreadsheets.values.* through googleapiclient and gspread: input parsing, rendering,
A1 notation, append, clear and Google's errors."""

from __future__ import annotations

from typing import Any

import pytest
from gspread.utils import ValueInputOption, ValueRenderOption

from tests.emulator.sheets_support import batch, new_spreadsheet, put, sheets_client, values
from tests.emulator.support import Clients, api_error
from tst_sheets.emulator import RunningEmulator

OWNER = "owner@tst.example.org"


@pytest.fixture
def api(emulator: RunningEmulator) -> Any:
    return sheets_client(emulator, OWNER)


@pytest.fixture
def sid(api: Any) -> str:
    return str(new_spreadsheet(api)["spreadsheetId"])


def cell(api: Any, sid: str, a1: str) -> dict[str, Any]:
    got = api.spreadsheets().get(spreadsheetId=sid, ranges=[a1], includeGridData=True).execute()
    return dict(got["sheets"][0]["data"][0]["rowData"][0]["values"][0])


def test_user_entered_parses_like_the_sheets_ui(api: Any, sid: str) -> None:
    put(api, sid, "A1:F1", [["42", "TRUE", "12.5%", "9/14/2026", "=SUM(A1:A2)", "'=x"]])
    put(api, sid, "A2", [[8]])
    unformatted = values(api, sid, "A1:F1", valueRenderOption="UNFORMATTED_VALUE")
    assert unformatted == [[42, True, 0.125, 46279, 50, "=x"]]
    formatted = values(api, sid, "A1:F1")
    assert formatted == [["42", "TRUE", "12.50%", "9/14/2026", "50", "=x"]]
    formulas = values(api, sid, "A1:F1", valueRenderOption="FORMULA")
    assert formulas == [[42, True, 0.125, 46279, "=SUM(A1:A2)", "=x"]]
    date = cell(api, sid, "D1")
    assert date["userEnteredValue"] == {"numberValue": 46279}
    assert date["userEnteredFormat"]["numberFormat"] == {"type": "DATE", "pattern": "M/d/yyyy"}
    assert cell(api, sid, "F1")["userEnteredValue"] == {"stringValue": "=x"}


def test_raw_keeps_strings_as_typed(api: Any, sid: str) -> None:
    put(api, sid, "A1:D1", [["42", "TRUE", "=1+1", 7]], raw=True)
    assert values(api, sid, "A1:D1", valueRenderOption="UNFORMATTED_VALUE") == [
        ["42", "TRUE", "=1+1", 7]
    ]
    assert cell(api, sid, "C1")["userEnteredValue"] == {"stringValue": "=1+1"}


def test_date_time_render_options(api: Any, sid: str) -> None:
    put(api, sid, "A1:C1", [["2020-01-01", "9/14/2026 14:30:00", "=4/2"]])
    assert values(api, sid, "A1:C1") == [["2020-01-01", "9/14/2026 14:30:00", "2"]]
    serial = values(
        api,
        sid,
        "A1:C1",
        valueRenderOption="UNFORMATTED_VALUE",
        dateTimeRenderOption="SERIAL_NUMBER",
    )
    assert serial == [[43831, 46279.604166666664, 2]]
    strings = values(
        api,
        sid,
        "A1:C1",
        valueRenderOption="UNFORMATTED_VALUE",
        dateTimeRenderOption="FORMATTED_STRING",
    )
    assert strings == [["2020-01-01", "9/14/2026 14:30:00", 2]]


def test_formulas_cross_sheet_hyperlink_and_unknown_function(api: Any, sid: str) -> None:
    batch(api, sid, {"addSheet": {"properties": {"title": "Other tab"}}})
    put(api, sid, "'Other tab'!B2", [["5"]])
    put(
        api,
        sid,
        "A1:E1",
        [
            [
                "='Other tab'!B2*3",
                '=HYPERLINK("https://x.test","Open")',
                '="a"&"b"',
                "=NOPE(1)",
                "=1/0",
            ]
        ],
    )
    assert values(api, sid, "A1:E1") == [["15", "Open", "ab", "#NAME?", "#DIV/0!"]]
    link = cell(api, sid, "B1")
    assert link["hyperlink"] == "https://x.test"
    unknown = cell(api, sid, "D1")
    assert unknown["effectiveValue"] == {
        "errorValue": {"type": "NAME", "message": "Unknown function: 'NOPE'."}
    }


def test_a1_with_quoted_titles_and_apostrophes(api: Any, sid: str) -> None:
    batch(
        api,
        sid,
        {"addSheet": {"properties": {"title": "O'Brien's data"}}},
        {"addSheet": {"properties": {"title": "D3"}}},
    )
    reply = put(api, sid, "'O''Brien''s data'!A1:B2", [["a", "b"], ["c", "d"]])
    assert reply["updatedRange"] == "'O''Brien''s data'!A1:B2"
    assert values(api, sid, "'O''Brien''s data'!B:B") == [["b"], ["d"]]
    assert put(api, sid, "'D3'!A1", [["x"]])["updatedRange"] == "'D3'!A1"
    whole = api.spreadsheets().values().get(spreadsheetId=sid, range="'D3'").execute()
    assert whole["range"] == "'D3'!A1:Z1000"
    rows = api.spreadsheets().values().get(spreadsheetId=sid, range="Sheet1!2:3").execute()
    assert rows == {"range": "Sheet1!A2:Z3", "majorDimension": "ROWS"}


def test_trimming_and_major_dimension(api: Any, sid: str) -> None:
    put(
        api,
        sid,
        "A1:D4",
        [["a", "", "", "d"], ["", "b", "", ""], ["", "", "", ""], ["x", "", "", ""]],
    )
    assert values(api, sid, "A1:D4") == [["a", "", "", "d"], ["", "b"], [], ["x"]]
    assert values(api, sid, "A1:B2", majorDimension="COLUMNS") == [["a"], ["", "b"]]


def test_update_reply_counts_and_include_values(api: Any, sid: str) -> None:
    reply = (
        api.spreadsheets()
        .values()
        .update(
            spreadsheetId=sid,
            range="Sheet1!B2",
            valueInputOption="USER_ENTERED",
            includeValuesInResponse=True,
            body={"values": [["1", None], ["", "=B2+1"]]},
        )
        .execute()
    )
    assert reply["updatedRange"] == "Sheet1!B2:C3"
    assert (reply["updatedRows"], reply["updatedColumns"], reply["updatedCells"]) == (2, 2, 3)
    assert reply["updatedData"] == {
        "range": "Sheet1!B2:C3",
        "majorDimension": "ROWS",
        "values": [["1"], ["", "2"]],
    }


def test_append_finds_the_table_and_inserts_rows(api: Any, sid: str) -> None:
    first = (
        api.spreadsheets()
        .values()
        .append(
            spreadsheetId=sid,
            range="Sheet1",
            valueInputOption="RAW",
            body={"values": [["h1", "h2"]]},
        )
        .execute()
    )
    assert "tableRange" not in first and first["updates"]["updatedRange"] == "Sheet1!A1:B1"
    second = (
        api.spreadsheets()
        .values()
        .append(
            spreadsheetId=sid,
            range="Sheet1!A1",
            valueInputOption="RAW",
            body={"values": [["r1", "r1b"]]},
        )
        .execute()
    )
    assert second["tableRange"] == "Sheet1!A1:B1"
    assert second["updates"]["updatedRange"] == "Sheet1!A2:B2"
    put(api, sid, "A4", [["below"]])
    api.spreadsheets().values().append(
        spreadsheetId=sid,
        range="Sheet1!A1:B2",
        valueInputOption="RAW",
        insertDataOption="INSERT_ROWS",
        body={"values": [["new", "row"]]},
    ).execute()
    assert values(api, sid, "A1:B5") == [["h1", "h2"], ["r1", "r1b"], ["new", "row"], [], ["below"]]


def test_clear_and_batch_clear_keep_formats(api: Any, sid: str) -> None:
    put(api, sid, "A1:C2", [["a", "b", "c"], ["d", "e", "f"]])
    batch(
        api,
        sid,
        {
            "repeatCell": {
                "range": {
                    "sheetId": 0,
                    "startRowIndex": 0,
                    "endRowIndex": 1,
                    "startColumnIndex": 0,
                    "endColumnIndex": 1,
                },
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "userEnteredFormat.textFormat.bold",
            }
        },
    )
    cleared = (
        api.spreadsheets()
        .values()
        .clear(spreadsheetId=sid, range="Sheet1!A1:A2", body={})
        .execute()
    )
    assert cleared == {"spreadsheetId": sid, "clearedRange": "Sheet1!A1:A2"}
    many = (
        api.spreadsheets()
        .values()
        .batchClear(spreadsheetId=sid, body={"ranges": ["B1", "Sheet1!C2"]})
        .execute()
    )
    assert many["clearedRanges"] == ["Sheet1!B1", "Sheet1!C2"]
    assert values(api, sid, "Sheet1") == [["", "", "c"], ["", "e"]]
    assert cell(api, sid, "A1")["userEnteredFormat"]["textFormat"] == {"bold": True}


def test_batch_get_and_batch_update(api: Any, sid: str) -> None:
    reply = (
        api.spreadsheets()
        .values()
        .batchUpdate(
            spreadsheetId=sid,
            body={
                "valueInputOption": "RAW",
                "data": [
                    {"range": "A1:B1", "values": [["a", "b"]]},
                    {"range": "A3", "majorDimension": "COLUMNS", "values": [["c", "d"]]},
                ],
            },
        )
        .execute()
    )
    assert (
        reply["totalUpdatedRows"],
        reply["totalUpdatedColumns"],
        reply["totalUpdatedCells"],
        reply["totalUpdatedSheets"],
    ) == (3, 2, 4, 1)
    got = (
        api.spreadsheets()
        .values()
        .batchGet(spreadsheetId=sid, ranges=["A1:B1", "Sheet1!A3:A4"])
        .execute()
    )
    assert [r["values"] for r in got["valueRanges"]] == [[["a", "b"]], [["c"], ["d"]]]


def test_value_errors_are_googles(api: Any, sid: str) -> None:
    values_api = api.spreadsheets().values()
    status, error = api_error(lambda: values_api.get(spreadsheetId=sid, range="Nope!A1").execute())
    assert (status, error["message"]) == (400, "Unable to parse range: Nope!A1")
    status, error = api_error(
        lambda: values_api.get(spreadsheetId=sid, range="Sheet1!A1:Z2000").execute()
    )
    assert error["message"] == (
        "Range (Sheet1!A1:Z2000) exceeds grid limits. Max rows: 1000, max columns: 26"
    )
    status, error = api_error(
        lambda: values_api.update(spreadsheetId=sid, range="A1", body={"values": [["x"]]}).execute()
    )
    assert (status, error["message"]) == (400, "'valueInputOption' is required but not specified")
    status, error = api_error(
        lambda: values_api.update(
            spreadsheetId=sid, range="A1", valueInputOption="RAW", body={"values": "X"}
        ).execute()
    )
    assert error["message"].startswith("Invalid value at 'data.values'")


def test_writes_past_the_grid_fail_but_append_grows_it(api: Any, sid: str) -> None:
    status, error = api_error(lambda: put(api, sid, "Z1000", [["a", "b"], ["c", "d"]]))
    assert (status, error["message"]) == (
        400,
        "Range (Sheet1!Z1000:AA1001) exceeds grid limits. Max rows: 1000, max columns: 26",
    )
    put(api, sid, "A1000", [["last"]])
    api.spreadsheets().values().append(
        spreadsheetId=sid,
        range="Sheet1!A1000",
        valueInputOption="RAW",
        body={"values": [["x", "y"], ["z"]]},
    ).execute()
    sheet = api.spreadsheets().get(spreadsheetId=sid).execute()["sheets"][0]
    assert sheet["properties"]["gridProperties"] == {"rowCount": 1002, "columnCount": 26}
    assert values(api, sid, "A1000:B1002") == [["last"], ["x", "y"], ["z"]]


def test_gspread_reads_and_writes(workspace: Clients) -> None:
    book = workspace.sheets.create("gspread values")
    tab = book.sheet1
    tab.update(
        [["Name", "Score"], ["Ana", "=2*3"]], "A1", value_input_option=ValueInputOption.user_entered
    )
    tab.append_row(["Bo", 7])
    assert tab.get_all_records() == [{"Name": "Ana", "Score": 6}, {"Name": "Bo", "Score": 7}]
    assert tab.acell("B2", value_render_option=ValueRenderOption.formula).value == "=2*3"
    tab.batch_clear(["A3:B3"])
    assert tab.get_all_values() == [["Name", "Score"], ["Ana", "6"]]
