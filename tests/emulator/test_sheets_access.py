"""Who may read and write a spreadsheet: Drive permissions give Sheets its 403/404s."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import gspread
import pytest

from tests.emulator.sheets_support import batch, new_spreadsheet, put, sheets_client, values
from tests.emulator.support import Clients, api_error
from tst_sheets.emulator import RunningEmulator

OWNER = "owner@tst.example.org"
READER = "reader@tst.example.org"
WRITER = "writer@tst.example.org"
STRANGER = "stranger@elsewhere.example.org"
DENIED = {
    "code": 403,
    "message": "The caller does not have permission",
    "status": "PERMISSION_DENIED",
}


@pytest.fixture
def book(emulator: RunningEmulator, connect_as: Callable[[str], Clients]) -> str:
    api = sheets_client(emulator, OWNER)
    sid = str(new_spreadsheet(api, "Private")["spreadsheetId"])
    put(api, sid, "A1", [["secret"]])
    drive = connect_as(OWNER).drive
    for email, role in ((READER, "reader"), (WRITER, "writer")):
        drive.permissions().create(
            fileId=sid,
            sendNotificationEmail=False,
            body={"type": "user", "role": role, "emailAddress": email},
        ).execute()
    return sid


def test_a_stranger_gets_permission_denied(emulator: RunningEmulator, book: str) -> None:
    api = sheets_client(emulator, STRANGER)
    status, error = api_error(lambda: api.spreadsheets().get(spreadsheetId=book).execute())
    assert (status, error) == (403, DENIED)
    status, error = api_error(
        lambda: api.spreadsheets().values().get(spreadsheetId=book, range="A1").execute()
    )
    assert (status, error) == (403, DENIED)


def test_a_stranger_through_gspread(connect_as: Callable[[str], Clients], book: str) -> None:
    with pytest.raises(PermissionError) as failure:  # gspread's wrapping of Google's 403
        connect_as(STRANGER).sheets.open_by_key(book)
    cause = failure.value.__cause__
    assert isinstance(cause, gspread.exceptions.APIError)
    assert cause.response.json()["error"] == DENIED


def test_a_reader_reads_but_cannot_write(emulator: RunningEmulator, book: str) -> None:
    api = sheets_client(emulator, READER)
    assert values(api, book, "A1") == [["secret"]]
    status, error = api_error(lambda: put(api, book, "A1", [["mine"]]))
    assert (status, error) == (403, DENIED)
    status, error = api_error(lambda: batch(api, book, {"addSheet": {}}))
    assert (status, error) == (403, DENIED)


def test_a_writer_writes_but_not_into_a_protected_range(
    emulator: RunningEmulator, book: str
) -> None:
    owner = sheets_client(emulator, OWNER)
    batch(
        owner,
        book,
        {
            "addProtectedRange": {
                "protectedRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}}
            }
        },
    )
    writer = sheets_client(emulator, WRITER)
    put(writer, book, "A2", [["ok"]])
    status, error = api_error(lambda: put(writer, book, "A1", [["nope"]]))
    assert status == 400 and "protected cell" in error["message"]
    put(owner, book, "A1", [["owner may"]])
    assert values(writer, book, "A1:A2") == [["owner may"], ["ok"]]
    got = writer.spreadsheets().get(spreadsheetId=book, fields="sheets.protectedRanges").execute()
    assert got["sheets"][0]["protectedRanges"][0]["requestingUserCanEdit"] is False


def test_writes_move_the_drive_modified_time(
    emulator: RunningEmulator, connect_as: Callable[[str], Clients], book: str
) -> None:
    drive = connect_as(OWNER).drive

    def modified() -> Any:
        return drive.files().get(fileId=book, fields="modifiedTime").execute()["modifiedTime"]

    before = modified()
    time.sleep(0.01)
    put(sheets_client(emulator, WRITER), book, "B1", [["change"]])
    assert modified() > before
