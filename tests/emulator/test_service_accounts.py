"""Service accounts own nothing: outside a shared drive they cannot create files."""

from __future__ import annotations

from collections.abc import Callable

import gspread
import pytest

from tests.emulator.sheets_support import new_spreadsheet, sheets_client
from tests.emulator.support import Clients, api_error
from tst_sheets.emulator import RunningEmulator

ROBOT = "tst-service@tst-project.iam.gserviceaccount.com"
QUOTA = {
    "code": 403,
    "message": "The user's Drive storage quota has been exceeded.",
    "errors": [
        {
            "message": "The user's Drive storage quota has been exceeded.",
            "domain": "usageLimits",
            "reason": "storageQuotaExceeded",
        }
    ],
}


def test_gspread_create_by_a_service_account_gets_the_storage_quota_error(
    connect_as: Callable[[str], Clients],
) -> None:
    robot = connect_as(ROBOT)
    with pytest.raises(gspread.exceptions.APIError) as failure:
        robot.sheets.create("Team workbook")  # gspread creates through Drive files.create
    assert failure.value.response.status_code == 403
    assert failure.value.response.json()["error"] == QUOTA


def test_a_service_account_cannot_create_a_spreadsheet_outside_a_shared_drive(
    emulator: RunningEmulator,
) -> None:
    status, error = api_error(lambda: new_spreadsheet(sheets_client(emulator, ROBOT), "Mine"))
    assert (status, error) == (
        403,
        {
            "code": 403,
            "message": "The caller does not have permission",
            "status": "PERMISSION_DENIED",
        },
    )


def test_a_service_account_cannot_create_files_or_folders_in_my_drive(
    connect_as: Callable[[str], Clients],
) -> None:
    robot = connect_as(ROBOT)
    for body in (
        {"name": "Notes", "mimeType": "text/plain"},
        {"name": "Program", "mimeType": "application/vnd.google-apps.folder"},
    ):
        status, error = api_error(
            lambda b=body: robot.drive.files().create(body=b, supportsAllDrives=True).execute()  # type: ignore[misc]
        )
        assert (status, error) == (403, QUOTA)


def test_a_service_account_cannot_create_in_a_my_drive_folder_shared_with_it(
    workspace: Clients, connect_as: Callable[[str], Clients]
) -> None:
    folder = (
        workspace.drive.files()
        .create(body={"name": "Shared", "mimeType": "application/vnd.google-apps.folder"})
        .execute()
    )
    workspace.drive.permissions().create(
        fileId=folder["id"], body={"type": "user", "role": "writer", "emailAddress": ROBOT}
    ).execute()
    robot = connect_as(ROBOT)
    with pytest.raises(gspread.exceptions.APIError) as failure:
        robot.sheets.create("Team workbook", folder_id=folder["id"])
    assert failure.value.response.json()["error"] == QUOTA


def test_a_service_account_cannot_copy_into_my_drive_but_edits_what_is_shared_with_it(
    workspace: Clients, connect_as: Callable[[str], Clients]
) -> None:
    book = workspace.sheets.create("Roster")
    book.share(ROBOT, perm_type="user", role="writer", notify=False)
    robot = connect_as(ROBOT)
    opened = robot.sheets.open_by_key(book.id)
    opened.sheet1.update([["written by the service"]], "A1")
    assert book.sheet1.acell("A1").value == "written by the service"
    status, error = api_error(lambda: robot.drive.files().copy(fileId=book.id, body={}).execute())
    assert (status, error) == (403, QUOTA)


def test_about_reports_no_storage_for_a_service_account(
    workspace: Clients, connect_as: Callable[[str], Clients]
) -> None:
    robot = connect_as(ROBOT).drive.about().get(fields="storageQuota,user").execute()
    assert robot["storageQuota"] == {
        "limit": "0",
        "usage": "0",
        "usageInDrive": "0",
        "usageInDriveTrash": "0",
    }
    assert robot["user"]["emailAddress"] == ROBOT
    person = workspace.drive.about().get(fields="storageQuota(limit)").execute()
    assert int(person["storageQuota"]["limit"]) > 0


def test_app_engine_and_compute_default_accounts_are_service_accounts_too(
    connect_as: Callable[[str], Clients],
) -> None:
    for email in (
        "tst-project@appspot.gserviceaccount.com",
        "123-compute@developer.gserviceaccount.com",
    ):
        status, error = api_error(
            lambda e=email: connect_as(e).drive.files().create(body={"name": "x"}).execute()  # type: ignore[misc]
        )
        assert status == 403 and error["errors"][0]["reason"] == "storageQuotaExceeded"


def test_a_service_account_cannot_invite_attendees_without_delegation(
    connect_as: Callable[[str], Clients],
) -> None:
    robot = connect_as(ROBOT)
    calendar = robot.calendar.calendars().insert(body={"summary": "Program"}).execute()
    event = {
        "summary": "Roundtable",
        "start": {"dateTime": "2026-10-13T17:00:00-05:00"},
        "end": {"dateTime": "2026-10-13T18:30:00-05:00"},
    }
    alone = robot.calendar.events().insert(calendarId=calendar["id"], body=event).execute()
    assert "attendees" not in alone
    invite = {**event, "attendees": [{"email": "tl@schools.example.edu"}]}
    status, error = api_error(
        lambda: robot.calendar.events().insert(calendarId=calendar["id"], body=invite).execute()
    )
    assert status == 403
    assert error["errors"][0]["reason"] == "forbiddenForServiceAccounts"
    assert error["message"] == (
        "Service accounts cannot invite attendees without Domain-Wide Delegation of Authority."
    )
    staff = connect_as("maya.thompson@tst.example.org")  # delegation: a Workspace user acts
    own = staff.calendar.calendars().insert(body={"summary": "Program"}).execute()
    made = staff.calendar.events().insert(calendarId=own["id"], body=invite).execute()
    assert [a["email"] for a in made["attendees"]] == ["tl@schools.example.edu"]
