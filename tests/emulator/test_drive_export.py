"""Drive ``files.export`` of a spreadsheet, through googleapiclient and gspread, as Google
exports it: every sheet as .xlsx, the first sheet only as CSV, Google's errors otherwise."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import gspread
import pytest
from gspread.utils import ExportFormat, ValueInputOption
from openpyxl import load_workbook

from bench.export import export_ranges
from tests.emulator.support import Clients, api_error, reason

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def book(workspace: Clients) -> gspread.Spreadsheet:
    """Two tabs: typed values on the first, a hidden second one."""
    book = workspace.sheets.create("Team Ortiz")
    first = book.sheet1
    first.update_title("Meetings")
    first.update(
        [["Date", "Minutes", "Held", "Note"], ["9/14/2026", "45", "TRUE", "=SUM(B2, 5)"]],
        "A1",
        value_input_option=ValueInputOption.user_entered,
    )
    first.update([["=not a formula"]], "D3", value_input_option=ValueInputOption.raw)
    notes = book.add_worksheet("Notes", rows=5, cols=2)
    notes.update([["hidden", "#N/A"]], "A1", value_input_option=ValueInputOption.raw)
    book.batch_update(
        {
            "requests": [
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": notes.id, "hidden": True},
                        "fields": "hidden",
                    }
                }
            ]
        }
    )
    return book


def export(workspace: Clients, file_id: str, mime: str) -> bytes:
    data: bytes = workspace.drive.files().export(fileId=file_id, mimeType=mime).execute()
    return data


def test_xlsx_holds_every_sheet_with_its_values_and_formats(
    workspace: Clients, book: gspread.Spreadsheet
) -> None:
    xlsx = load_workbook(io.BytesIO(export(workspace, book.id, XLSX)), data_only=True)
    assert xlsx.sheetnames == ["Meetings", "Notes"]
    meetings, notes = xlsx["Meetings"], xlsx["Notes"]
    assert [c.value for c in meetings[1]] == ["Date", "Minutes", "Held", "Note"]
    # a date stays a date, numbers and booleans their kind, a formula its result
    assert [c.value for c in meetings[2]] == [datetime(2026, 9, 14), 45, True, 50]
    assert meetings["D3"].value == "=not a formula"  # text typed RAW stays text
    assert notes.sheet_state == "hidden" and meetings.sheet_state == "visible"
    assert [c.value for c in notes[1]] == ["hidden", "#N/A"]


def test_the_xlsx_reads_back_as_the_values_api_answers(
    workspace: Clients, book: gspread.Spreadsheet
) -> None:
    """What bench.export compares with the service's reader: the same cells, the same kinds."""
    ranges = export_ranges(export(workspace, book.id, XLSX))
    params: dict[str, Any] = {
        "valueRenderOption": "UNFORMATTED_VALUE",
        "dateTimeRenderOption": "SERIAL_NUMBER",
    }
    answered = book.values_batch_get(["'Meetings'", "'Notes'"], params=params)["valueRanges"]
    assert [r["values"] for r in ranges] == [r["values"] for r in answered]
    assert ranges[0]["values"][1] == [46279, 45, True, 50]


def test_gspread_export_is_the_same_file(workspace: Clients, book: gspread.Spreadsheet) -> None:
    assert book.export(ExportFormat.CSV) == export(workspace, book.id, "text/csv")
    assert load_workbook(io.BytesIO(book.export(ExportFormat.EXCEL))).sheetnames == [
        "Meetings",
        "Notes",
    ]


def test_csv_and_tsv_hold_the_first_sheet_only_as_displayed(
    workspace: Clients, book: gspread.Spreadsheet
) -> None:
    assert export(workspace, book.id, "text/csv").decode().splitlines() == [
        "Date,Minutes,Held,Note",
        "9/14/2026,45,TRUE,50",
        ",,,=not a formula",
    ]
    tsv = export(workspace, book.id, "text/tab-separated-values").decode()
    assert tsv.splitlines()[0] == "Date\tMinutes\tHeld\tNote"


def test_a_format_google_does_not_export_to_is_googles_400(
    workspace: Clients, book: gspread.Spreadsheet
) -> None:
    status, error = api_error(lambda: export(workspace, book.id, "image/png"))
    assert status == 400 and reason(error) == "badRequest"
    assert error["message"] == "The requested conversion is not supported."


def test_a_format_not_modelled_is_refused_never_faked(
    workspace: Clients, book: gspread.Spreadsheet
) -> None:
    status, error = api_error(lambda: export(workspace, book.id, "application/pdf"))
    assert status == 501 and reason(error) == "notImplemented"
