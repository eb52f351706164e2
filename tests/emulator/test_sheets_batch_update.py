"""spreadsheets.batchUpdate through googleapiclient: atomicity, replies and request kinds."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.sheets_support import batch, new_spreadsheet, put, sheets_client, values
from tests.emulator.support import api_error
from tst_sheets.emulator import RunningEmulator

OWNER = "owner@tst.example.org"


@pytest.fixture
def api(emulator: RunningEmulator) -> Any:
    return sheets_client(emulator, OWNER)


@pytest.fixture
def sid(api: Any) -> str:
    return str(new_spreadsheet(api)["spreadsheetId"])


def box(r0: int, r1: int, c0: int, c1: int, sheet_id: int = 0) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": r0,
        "endRowIndex": r1,
        "startColumnIndex": c0,
        "endColumnIndex": c1,
    }


def sheet_of(api: Any, sid: str, index: int = 0) -> dict[str, Any]:
    return dict(api.spreadsheets().get(spreadsheetId=sid).execute()["sheets"][index])


def test_a_failing_request_leaves_nothing_changed(api: Any, sid: str) -> None:
    put(api, sid, "A1", [["before"]])
    status, error = api_error(
        lambda: batch(
            api,
            sid,
            {"addSheet": {"properties": {"title": "Added"}}},
            {
                "updateCells": {
                    "range": box(0, 1, 0, 1),
                    "fields": "userEnteredValue",
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": "after"}}]}],
                }
            },
            {"deleteSheet": {"sheetId": 999}},
        )
    )
    assert status == 400
    assert error["message"] == "Invalid requests[2].deleteSheet: No grid with id: 999"
    book = api.spreadsheets().get(spreadsheetId=sid).execute()
    assert [s["properties"]["title"] for s in book["sheets"]] == ["Sheet1"]
    assert values(api, sid, "A1") == [["before"]]


def test_unknown_request_kind_is_a_json_payload_error(api: Any, sid: str) -> None:
    status, error = api_error(lambda: batch(api, sid, {"fooBar": {}}))
    assert status == 400
    assert error["message"] == (
        "Invalid JSON payload received. Unknown name \"fooBar\" at 'requests[0]': "
        "Cannot find field."
    )


def test_replies_have_googles_shape(api: Any, sid: str) -> None:
    reply = batch(
        api,
        sid,
        {
            "addSheet": {
                "properties": {"title": "Two", "gridProperties": {"rowCount": 5, "columnCount": 3}}
            }
        },
        {"updateSpreadsheetProperties": {"properties": {"title": "New name"}, "fields": "title"}},
        {"addNamedRange": {"namedRange": {"name": "Top", "range": box(0, 2, 0, 2)}}},
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": box(0, 1, 0, 1),
                    "editors": {"users": ["a@tst.example.org"]},
                }
            }
        },
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": "k",
                    "metadataValue": "v",
                    "visibility": "DOCUMENT",
                    "location": {
                        "dimensionRange": {
                            "sheetId": 0,
                            "dimension": "ROWS",
                            "startIndex": 0,
                            "endIndex": 1,
                        }
                    },
                }
            }
        },
        includeSpreadsheetInResponse=True,
    )
    added, renamed, named, protected, meta = reply["replies"]
    assert added["addSheet"]["properties"]["title"] == "Two"
    assert added["addSheet"]["properties"]["index"] == 1
    assert renamed == {}
    assert named["addNamedRange"]["namedRange"]["range"] == {
        "startRowIndex": 0,
        "endRowIndex": 2,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    assert protected["addProtectedRange"]["protectedRange"]["editors"] == {
        "users": ["a@tst.example.org"]
    }
    assert meta["createDeveloperMetadata"]["developerMetadata"]["location"]["locationType"] == "ROW"
    assert reply["updatedSpreadsheet"]["properties"]["title"] == "New name"
    editors = reply["updatedSpreadsheet"]["sheets"][0]["protectedRanges"][0]["editors"]
    assert editors == {"users": [OWNER, "a@tst.example.org"]}


def test_sheet_properties_index_hidden_and_tab_color(api: Any, sid: str) -> None:
    reply = batch(
        api,
        sid,
        {"addSheet": {"properties": {"title": "B"}}},
        {"addSheet": {"properties": {"title": "C"}}},
    )
    c_id = reply["replies"][1]["addSheet"]["properties"]["sheetId"]
    batch(
        api,
        sid,
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": c_id,
                    "index": 0,
                    "hidden": True,
                    "tabColorStyle": {"rgbColor": {"red": 1, "blue": 0.5}},
                },
                "fields": "index,hidden,tabColorStyle",
            }
        },
    )
    first = sheet_of(api, sid, 0)["properties"]
    assert first["title"] == "C" and first["hidden"] is True
    assert first["tabColorStyle"] == {"rgbColor": {"red": 1, "blue": 0.49803922}}
    _, error = api_error(
        lambda: batch(
            api,
            sid,
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": 0, "title": "B"},
                    "fields": "title",
                }
            },
        )
    )
    assert error["message"] == (
        "Invalid requests[0].updateSheetProperties: A sheet with the "
        'name "B" already exists. Please enter another name.'
    )


def test_insert_delete_dimension_moves_cells_and_formulas(api: Any, sid: str) -> None:
    put(api, sid, "A1:A3", [["1"], ["2"], ["=A1+A2"]])
    batch(
        api,
        sid,
        {
            "insertDimension": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 3}
            }
        },
    )
    assert values(api, sid, "A1:A5", valueRenderOption="FORMULA") == [[1], [], [], [2], ["=A1+A4"]]
    assert values(api, sid, "A5") == [["3"]]
    batch(
        api,
        sid,
        {
            "deleteDimension": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
            }
        },
    )
    assert values(api, sid, "A4", valueRenderOption="FORMULA") == [["=#REF!+A3"]]
    assert sheet_of(api, sid)["properties"]["gridProperties"]["rowCount"] == 1001


def test_merge_sort_copy_and_cut(api: Any, sid: str) -> None:
    put(api, sid, "A1:B3", [["c", "3"], ["a", "1"], ["b", "2"]])
    batch(
        api,
        sid,
        {
            "sortRange": {
                "range": box(0, 3, 0, 2),
                "sortSpecs": [{"dimensionIndex": 1, "sortOrder": "DESCENDING"}],
            }
        },
    )
    assert values(api, sid, "A1:B3") == [["c", "3"], ["b", "2"], ["a", "1"]]
    batch(
        api,
        sid,
        {
            "copyPaste": {
                "source": box(0, 3, 1, 2),
                "destination": box(0, 3, 2, 3),
                "pasteType": "PASTE_VALUES",
            }
        },
        {
            "cutPaste": {
                "source": box(0, 1, 0, 1),
                "destination": {"sheetId": 0, "rowIndex": 5, "columnIndex": 0},
            }
        },
    )
    assert values(api, sid, "A1:C6") == [
        ["", "3", "3"],
        ["b", "2", "2"],
        ["a", "1", "1"],
        [],
        [],
        ["c"],
    ]
    batch(api, sid, {"mergeCells": {"range": box(0, 2, 1, 3), "mergeType": "MERGE_ALL"}})
    assert sheet_of(api, sid)["merges"] == [
        {"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 1, "endColumnIndex": 3}
    ]
    assert values(api, sid, "B1:C2") == [["3"]]


def test_formats_validation_filters_and_banding(api: Any, sid: str) -> None:
    rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "y"}]}}
    reply = batch(
        api,
        sid,
        {
            "repeatCell": {
                "range": box(0, 1, 0, 2),
                "fields": "userEnteredFormat.textFormat.bold",
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
            }
        },
        {"setDataValidation": {"range": box(1, 3, 0, 1), "rule": rule}},
        {"setBasicFilter": {"filter": {"range": {"sheetId": 0}}}},
        {"addFilterView": {"filter": {"title": "Mine", "range": box(0, 10, 0, 3)}}},
        {
            "addBanding": {
                "bandedRange": {
                    "range": box(0, 10, 0, 3),
                    "rowProperties": {"firstBandColor": {"red": 1}},
                }
            }
        },
        {
            "addConditionalFormatRule": {
                "rule": {
                    "ranges": [box(0, 5, 0, 1)],
                    "booleanRule": {
                        "condition": {
                            "type": "NUMBER_GREATER",
                            "values": [{"userEnteredValue": "3"}],
                        },
                        "format": {"textFormat": {"italic": True}},
                    },
                },
                "index": 0,
            }
        },
        {
            "addDimensionGroup": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 4}
            }
        },
        {
            "updateDimensionProperties": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                "properties": {"pixelSize": 240},
                "fields": "pixelSize",
            }
        },
    )
    assert reply["replies"][3]["addFilterView"]["filter"]["title"] == "Mine"
    assert reply["replies"][6] == {
        "addDimensionGroup": {
            "dimensionGroups": [
                {"range": {"dimension": "ROWS", "startIndex": 1, "endIndex": 4}, "depth": 1}
            ]
        }
    }
    sheet = sheet_of(api, sid)
    assert sheet["basicFilter"]["range"] == {
        "startRowIndex": 0,
        "endRowIndex": 1000,
        "startColumnIndex": 0,
        "endColumnIndex": 26,
    }
    assert sheet["filterViews"][0]["range"]["endRowIndex"] == 10
    assert sheet["bandedRanges"][0]["rowProperties"]["firstBandColor"] == {"red": 1}
    assert sheet["conditionalFormats"][0]["booleanRule"]["format"]["textFormat"] == {"italic": True}
    grid = (
        api.spreadsheets()
        .get(spreadsheetId=sid, ranges=["A1:A2"], includeGridData=True)
        .execute()["sheets"][0]["data"][0]
    )
    assert grid["rowData"][0]["values"][0]["userEnteredFormat"] == {"textFormat": {"bold": True}}
    assert grid["rowData"][1]["values"][0]["dataValidation"] == rule
    assert grid["columnMetadata"] == [{"pixelSize": 240}]


def test_find_replace_and_delete_developer_metadata(api: Any, sid: str) -> None:
    put(api, sid, "A1:B2", [["cat", "dog"], ["catalog", '="cat"']])
    reply = batch(
        api,
        sid,
        {"findReplace": {"find": "cat", "replacement": "cow", "allSheets": True}},
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": "team",
                    "metadataValue": "1",
                    "visibility": "DOCUMENT",
                    "location": {"sheetId": 0},
                }
            }
        },
        {
            "deleteDeveloperMetadata": {
                "dataFilter": {"developerMetadataLookup": {"metadataKey": "team"}}
            }
        },
    )
    assert reply["replies"][0] == {
        "findReplace": {
            "valuesChanged": 2,
            "occurrencesChanged": 2,
            "rowsChanged": 2,
            "sheetsChanged": 1,
        }
    }
    deleted = reply["replies"][2]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]
    assert [m["metadataKey"] for m in deleted] == ["team"]
    assert values(api, sid, "A1:B2") == [["cow", "dog"], ["cowalog", "cat"]]


def test_duplicate_sheet_copies_content(api: Any, sid: str) -> None:
    put(api, sid, "A1", [["=1+1"]])
    reply = batch(api, sid, {"duplicateSheet": {"sourceSheetId": 0, "insertSheetIndex": 1}})
    props = reply["replies"][0]["duplicateSheet"]["properties"]
    assert props["title"] == "Copy of Sheet1" and props["index"] == 1
    assert values(api, sid, "'Copy of Sheet1'!A1") == [["2"]]


def test_insert_and_delete_range_shift_cells(api: Any, sid: str) -> None:
    put(api, sid, "A1:B3", [["a1", "b1"], ["a2", "b2"], ["a3", "b3"]])
    batch(api, sid, {"insertRange": {"range": box(0, 1, 0, 1), "shiftDimension": "ROWS"}})
    assert values(api, sid, "A1:B4") == [["", "b1"], ["a1", "b2"], ["a2", "b3"], ["a3"]]
    batch(api, sid, {"deleteRange": {"range": box(0, 1, 0, 1), "shiftDimension": "COLUMNS"}})
    assert values(api, sid, "A1:B4") == [["b1"], ["a1", "b2"], ["a2", "b3"], ["a3"]]


def test_formula_results_take_the_format_of_their_date(api: Any, sid: str) -> None:
    put(api, sid, "A1:C1", [["9/14/2026", "=A1+14", "=COUNT(A1)"]])
    assert values(api, sid, "A1:C1") == [["9/14/2026", "9/28/2026", "1"]]
