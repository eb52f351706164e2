"""The workspace edge against the emulator: retries, call counting, error bodies, identity."""

from __future__ import annotations

from collections.abc import Callable

import gspread
import pytest
import requests
from googleapiclient.errors import HttpError
from gspread.utils import ValueInputOption

from tst_sheets.config import Settings
from tst_sheets.emulator import RunningEmulator
from tst_sheets.workspace import Workspace, connect
from tst_sheets.workspace.counting import classify

SHEETS = "https://sheets.googleapis.com"


def stats(emulator: RunningEmulator) -> dict[str, object]:
    body: dict[str, object] = requests.get(f"{emulator.url}/_emulator/stats", timeout=5).json()
    return body


def test_create_write_read_through_gspread(workspace: Workspace) -> None:
    book = workspace.sheets.client.create("Hello", folder_id=workspace.settings.drive_folder)
    book.sheet1.update(
        [["Name", "Minutes"], ["Ana", "30"]], "A1", value_input_option=ValueInputOption.raw
    )
    assert book.sheet1.get_all_values() == [["Name", "Minutes"], ["Ana", "30"]]
    assert workspace.calls()["sheets"]["write"] >= 1
    assert workspace.calls()["drive"]["write"] == 1  # gspread creates through Drive


def test_quota_429_is_retried_until_it_succeeds(
    workspace: Workspace, knobs: Callable[..., None], emulator: RunningEmulator
) -> None:
    book = workspace.sheets.client.create("Quota", folder_id=workspace.settings.drive_folder)
    book.sheet1.update([["x"]], "A1")
    knobs(quota_read_per_user=2, quota_window_s=0.5)
    before = workspace.calls()["sheets"]["read"]
    for _ in range(5):
        assert book.sheet1.get_all_values() == [["x"]]
    attempts = workspace.calls()["sheets"]["read"] - before
    assert attempts > 5, "some reads must have been answered 429 and retried"
    seen = stats(emulator)["byKind"]["sheets"]["read"]  # type: ignore[index]
    assert seen == workspace.calls()["sheets"]["read"], "every attempt is counted on both sides"


def test_faults_are_retried(workspace: Workspace, knobs: Callable[..., None]) -> None:
    book = workspace.sheets.client.create("Faults", folder_id=workspace.settings.drive_folder)
    knobs(fault_rate=0.4, seed=7)
    for _ in range(10):
        book.sheet1.get_all_values()
    assert workspace.calls()["sheets"]["read"] > 10


def test_retries_are_bounded(settings: Settings, knobs: Callable[..., None]) -> None:
    ws = connect(settings.model_copy(update={"max_attempts": 3}))
    knobs(fault_rate=1.0, seed=1)
    with pytest.raises(HttpError) as failure:
        ws.drive.resource.files().list().execute()
    assert failure.value.resp.status in (500, 503)
    assert ws.calls()["drive"]["read"] == 3


def test_unknown_spreadsheet_gives_googles_error(workspace: Workspace) -> None:
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        workspace.sheets.client.open_by_key("doesNotExist1234567890")


def test_missing_credentials_are_unauthenticated(emulator: RunningEmulator) -> None:
    answer = requests.get(f"{emulator.url}/v4/spreadsheets/abc", timeout=5)
    assert answer.status_code == 401
    assert answer.json()["error"]["status"] == "UNAUTHENTICATED"
    assert answer.json()["error"]["code"] == 401


def test_second_identity_needs_permission(
    workspace: Workspace, connect_as: Callable[[str], Workspace]
) -> None:
    book = workspace.sheets.client.create("Private", folder_id=workspace.settings.drive_folder)
    book.sheet1.update([["secret"]], "A1")
    other = connect_as("tl.b@school.example.org")
    # Google answers 403 PERMISSION_DENIED; gspread turns that into PermissionError.
    with pytest.raises(PermissionError):
        other.sheets.client.open_by_key(book.id)
    with pytest.raises(HttpError) as hidden:
        other.drive.resource.files().get(fileId=book.id, supportsAllDrives=True).execute()
    assert hidden.value.resp.status == 404
    workspace.drive.create_permission(book.id, "tl.b@school.example.org", "reader", notify=False)
    assert other.sheets.client.open_by_key(book.id).sheet1.get_all_values() == [["secret"]]
    with pytest.raises(gspread.exceptions.APIError):
        other.sheets.client.open_by_key(book.id).sheet1.update([["overwrite"]], "A1")


@pytest.mark.parametrize(
    ("method", "url", "expected"),
    [
        ("GET", f"{SHEETS}/v4/spreadsheets/x/values:batchGet", ("sheets", "read")),
        ("POST", f"{SHEETS}/v4/spreadsheets/x:batchUpdate", ("sheets", "write")),
        ("POST", f"{SHEETS}/v4/spreadsheets/x/values:batchGetByDataFilter", ("sheets", "read")),
        ("GET", "http://127.0.0.1:1/drive/v3/files?alt=json", ("drive", "read")),
        ("POST", "http://127.0.0.1:1/drive/v3/files/x/permissions", ("drive", "write")),
        ("PATCH", "http://127.0.0.1:1/calendar/v3/calendars/c/events/e", ("calendar", "write")),
        (
            "POST",
            "https://gmail.googleapis.com/gmail/v1/users/me/messages/send",
            ("gmail", "write"),
        ),
        ("GET", "http://127.0.0.1:1/gmail/v1/users/me/messages?labelIds=SENT", ("gmail", "read")),
    ],
)
def test_requests_are_classified_per_api_and_kind(
    method: str, url: str, expected: tuple[str, str]
) -> None:
    assert classify(method, url) == expected
