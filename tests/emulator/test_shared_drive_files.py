"""Files in a shared drive, the way the product uses them: a service account that is a drive
member creates folders and spreadsheets, shares single files with teachers who are not
members, moves files between folders and finds them by ``appProperties``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gspread
import pytest
import requests

from tests.emulator.drives_support import (
    ADMIN,
    FOLDER,
    ROBOT,
    SHEET,
    TEACHER,
    Program,
    add_member,
    program,
    share,
)
from tests.emulator.support import Clients, api_error, reason
from tst_sheets.emulator import RunningEmulator

PROGRAM_Q = "appProperties has { key='tstKind' and value='team' }"


@pytest.fixture
def prog(connect_as: Callable[[str], Clients]) -> Program:
    return program(connect_as(ADMIN), connect_as(ROBOT))


def test_a_member_service_account_creates_spreadsheets_in_the_drive(prog: Program) -> None:
    book = prog.robot.sheets.create("Team Lincoln", folder_id=prog.folder_id)
    assert [ws.title for ws in book.worksheets()] == ["Sheet1"]
    book.sheet1.update([["Goal", "Status"], ["Observe", "On track"]], "A1")
    got = (
        prog.robot.drive.files()
        .get(fileId=book.id, supportsAllDrives=True, fields="driveId,parents,owners,ownedByMe")
        .execute()
    )
    assert got == {"driveId": prog.drive_id, "parents": [prog.folder_id]}
    batch = {"requests": [{"addSheet": {"properties": {"title": "Check-ins"}}}]}
    prog.robot.sheets.http_client.batch_update(book.id, batch)
    admin_view = prog.admin.sheets.open_by_key(book.id)  # the drive's organizer, a member
    assert admin_view.sheet1.get_all_values()[1] == ["Observe", "On track"]


def test_drive_files_create_of_a_google_sheet_makes_a_real_spreadsheet(prog: Program) -> None:
    created = prog.make("Team Adams", appProperties={"tstKind": "team"})
    assert created["mimeType"] == SHEET
    book = prog.robot.sheets.open_by_key(created["id"])
    assert [ws.title for ws in book.worksheets()] == ["Sheet1"]
    assert book.sheet1.row_count == 1000 and book.sheet1.col_count == 26


def test_a_shared_drive_item_is_not_found_without_supports_all_drives(prog: Program) -> None:
    created = prog.make("Team Baker")
    status, error = api_error(lambda: prog.robot.drive.files().get(fileId=created["id"]).execute())
    assert status == 404 and error["message"] == f"File not found: {created['id']}."
    status, _ = api_error(
        lambda: (
            prog.robot.drive.files()
            .create(body={"name": "x", "parents": [prog.folder_id]})
            .execute()
        )
    )
    assert status == 404  # the parent folder cannot be seen without the flag either


def test_a_non_member_gets_sheets_403_until_the_file_is_shared_with_them(
    prog: Program, connect_as: Callable[[str], Clients]
) -> None:
    created = prog.make("Team Cole")
    teacher = connect_as(TEACHER)
    with pytest.raises(PermissionError):  # gspread's wrapping of Sheets' 403
        teacher.sheets.open_by_key(created["id"])
    perm = share(prog.robot, created["id"], TEACHER, "writer")
    assert perm["role"] == "writer"
    book = teacher.sheets.open_by_key(created["id"])
    book.sheet1.update([["typed by the teacher"]], "A1")
    listed = (
        teacher.drive.files()
        .list(includeItemsFromAllDrives=True, supportsAllDrives=True, fields="files(id)")
        .execute()
    )
    assert listed == {"files": [{"id": created["id"]}]}
    prog.robot.drive.permissions().delete(
        fileId=created["id"], permissionId=perm["id"], supportsAllDrives=True
    ).execute()
    with pytest.raises(PermissionError):
        teacher.sheets.open_by_key(created["id"])


def test_permissions_list_tells_direct_from_inherited(
    prog: Program, connect_as: Callable[[str], Clients]
) -> None:
    created = prog.make("Team Diaz")
    share(prog.robot, created["id"], TEACHER, "writer")
    listed = (
        prog.robot.drive.permissions()
        .list(
            fileId=created["id"],
            supportsAllDrives=True,
            fields="permissions(emailAddress,role,permissionDetails)",
        )
        .execute()["permissions"]
    )
    by_email = {p["emailAddress"]: p for p in listed}
    assert by_email[TEACHER] == {
        "emailAddress": TEACHER,
        "role": "writer",
        "permissionDetails": [{"permissionType": "file", "role": "writer", "inherited": False}],
    }
    assert by_email[ROBOT]["permissionDetails"] == [
        {
            "permissionType": "member",
            "role": "fileOrganizer",
            "inherited": True,
            "inheritedFrom": prog.drive_id,
        }
    ]
    assert by_email[ADMIN]["role"] == "organizer"
    got = (
        prog.robot.drive.files()
        .get(
            fileId=created["id"],
            supportsAllDrives=True,
            fields="permissions,permissionIds,hasAugmentedPermissions",
        )
        .execute()
    )
    assert "permissions" not in got  # not populated for shared-drive items
    assert got["hasAugmentedPermissions"] is True and len(got["permissionIds"]) == 3


def test_folder_sharing_is_inherited_by_the_files_inside(
    prog: Program, connect_as: Callable[[str], Clients]
) -> None:
    created = prog.make("Team Ellis")
    share(prog.admin, prog.folder_id, TEACHER, "reader")
    teacher = connect_as(TEACHER)
    assert teacher.sheets.open_by_key(created["id"]).title == "Team Ellis"
    details = (
        prog.robot.drive.permissions()
        .list(
            fileId=created["id"],
            supportsAllDrives=True,
            fields="permissions(emailAddress,permissionDetails)",
        )
        .execute()["permissions"]
    )
    (mine,) = [p for p in details if p["emailAddress"] == TEACHER]
    assert mine["permissionDetails"] == [
        {
            "permissionType": "file",
            "role": "reader",
            "inherited": True,
            "inheritedFrom": prog.folder_id,
        }
    ]


def test_membership_is_strictly_expansive(
    prog: Program, connect_as: Callable[[str], Clients]
) -> None:
    created = prog.make("Team Fox")
    member = add_member(prog.admin, prog.drive_id, TEACHER, "writer")
    status, error = api_error(
        lambda: (
            prog.robot.drive.permissions()
            .update(
                fileId=created["id"],
                permissionId=member["id"],
                supportsAllDrives=True,
                body={"role": "reader"},
            )
            .execute()
        )
    )
    assert (status, error["message"], reason(error)) == (
        403,
        "Cannot update or delete an inherited permission on a shared drive item.",
        "cannotModifyInheritedTeamDrivePermission",
    )
    status, error = api_error(
        lambda: (
            prog.robot.drive.permissions()
            .delete(fileId=created["id"], permissionId=member["id"], supportsAllDrives=True)
            .execute()
        )
    )
    assert status == 403 and reason(error) == "cannotModifyInheritedTeamDrivePermission"
    share(prog.robot, created["id"], TEACHER, "reader")  # a lower grant adds nothing
    teacher = connect_as(TEACHER)
    teacher.sheets.open_by_key(created["id"]).sheet1.update([["still a writer"]], "A1")


def test_roles_each_item_takes(prog: Program) -> None:
    created = prog.make("Team Gray")
    for role, why in (
        ("owner", "ownerOnTeamDriveItemNotSupported"),
        ("organizer", "organizerOnNonTeamDriveItemNotSupported"),
        ("fileOrganizer", "fileOrganizerOnFoldersInSharedDriveOnly"),
    ):
        status, error = api_error(lambda r=role: share(prog.robot, created["id"], TEACHER, r))  # type: ignore[misc]
        assert (status, reason(error)) == (403, why)
    folder_grant = share(prog.admin, prog.folder_id, TEACHER, "fileOrganizer")
    assert folder_grant["role"] == "fileOrganizer"


def test_lowering_a_direct_grant_and_making_someone_a_reader(
    prog: Program, connect_as: Callable[[str], Clients]
) -> None:
    created = prog.make("Team Hill")
    perm = share(prog.robot, created["id"], TEACHER, "writer")
    lowered = (
        prog.robot.drive.permissions()
        .update(
            fileId=created["id"],
            permissionId=perm["id"],
            supportsAllDrives=True,
            body={"role": "reader"},
            fields="role,permissionDetails",
        )
        .execute()
    )
    assert lowered == {
        "role": "reader",
        "permissionDetails": [{"permissionType": "file", "role": "reader", "inherited": False}],
    }
    teacher = connect_as(TEACHER).sheets.open_by_key(created["id"])
    with pytest.raises(gspread.exceptions.APIError) as failure:
        teacher.sheet1.update([["nope"]], "A1")
    assert failure.value.response.status_code == 403


def test_a_writer_on_one_file_may_share_it(
    prog: Program, connect_as: Callable[[str], Clients]
) -> None:
    created = prog.make("Team Ivy")
    share(prog.robot, created["id"], TEACHER, "writer")
    teacher = connect_as(TEACHER)
    caps = (
        teacher.drive.files()
        .get(fileId=created["id"], supportsAllDrives=True, fields="capabilities,writersCanShare")
        .execute()
    )
    assert "writersCanShare" not in caps  # not populated for shared-drive items
    assert caps["capabilities"]["canShare"] is True
    assert (
        caps["capabilities"]["canTrash"] is False and caps["capabilities"]["canReadDrive"] is False
    )
    share(teacher, created["id"], "coach@school.example.org", "reader")
    status, error = api_error(
        lambda: (
            prog.robot.drive.files()
            .update(fileId=created["id"], supportsAllDrives=True, body={"writersCanShare": False})
            .execute()
        )
    )
    assert status == 403 and reason(error) == "teamDrivesSharingRestrictionNotAllowed"


def test_moving_a_file_between_folders_of_the_drive(prog: Program) -> None:
    created = prog.make("Team Jones")
    archive = prog.make("Archive", FOLDER)
    moved = (
        prog.robot.drive.files()
        .update(
            fileId=created["id"],
            addParents=archive["id"],
            removeParents=prog.folder_id,
            supportsAllDrives=True,
            fields="parents",
        )
        .execute()
    )
    assert moved == {"parents": [archive["id"]]}
    status, error = api_error(
        lambda: (
            prog.robot.drive.files()
            .update(fileId=created["id"], addParents=prog.folder_id, supportsAllDrives=True)
            .execute()
        )
    )
    assert (status, error["message"]) == (403, "A shared drive item must have exactly one parent.")


def test_contributors_cannot_move_or_trash_and_only_organizers_delete(
    prog: Program, connect_as: Callable[[str], Clients]
) -> None:
    created = prog.make("Team King")
    add_member(prog.admin, prog.drive_id, TEACHER, "writer")
    contributor = connect_as(TEACHER)
    trash = {"trashed": True}
    status, error = api_error(
        lambda: (
            contributor.drive.files()
            .update(fileId=created["id"], body=trash, supportsAllDrives=True)
            .execute()
        )
    )
    assert status == 403 and reason(error) == "insufficientFilePermissions"
    status, _ = api_error(
        lambda: (
            contributor.drive.files()
            .update(
                fileId=created["id"],
                addParents=prog.drive_id,
                removeParents=prog.folder_id,
                supportsAllDrives=True,
            )
            .execute()
        )
    )
    assert status == 403
    prog.robot.drive.files().update(
        fileId=created["id"], body=trash, supportsAllDrives=True
    ).execute()
    status, _ = api_error(
        lambda: (
            prog.robot.drive.files().delete(fileId=created["id"], supportsAllDrives=True).execute()
        )
    )
    assert status == 403  # a file organizer trashes; only organizers delete for good
    contributor.drive.files().update(
        fileId=created["id"], body={"trashed": False}, supportsAllDrives=True
    ).execute()
    prog.admin.drive.files().delete(fileId=created["id"], supportsAllDrives=True).execute()
    status, _ = api_error(
        lambda: prog.admin.drive.files().get(fileId=created["id"], supportsAllDrives=True).execute()
    )
    assert status == 404


def test_empty_trash_of_a_drive_is_for_organizers(prog: Program) -> None:
    created = prog.make("Team Lane")
    prog.robot.drive.files().update(
        fileId=created["id"], body={"trashed": True}, supportsAllDrives=True
    ).execute()
    status, _ = api_error(
        lambda: prog.robot.drive.files().emptyTrash(driveId=prog.drive_id).execute()
    )
    assert status == 403
    prog.admin.drive.files().emptyTrash(driveId=prog.drive_id).execute()
    status, _ = api_error(
        lambda: prog.admin.drive.files().get(fileId=created["id"], supportsAllDrives=True).execute()
    )
    assert status == 404


def _names(who: Clients, **params: Any) -> list[str]:
    found = who.drive.files().list(fields="files(name)", supportsAllDrives=True, **params).execute()
    return sorted(f["name"] for f in found["files"])


def test_finding_files_by_app_properties_across_the_drive(prog: Program) -> None:
    prog.make("Team Moss", appProperties={"tstKind": "team"})
    prog.make("Roster", appProperties={"tstKind": "roster"})
    corpus = {"corpora": "drive", "driveId": prog.drive_id, "includeItemsFromAllDrives": True}
    assert _names(prog.robot, q=PROGRAM_Q, **corpus) == ["Team Moss"]
    assert _names(prog.admin, q=PROGRAM_Q, **corpus) == ["Team Moss"]  # created by another member
    assert _names(prog.admin, q=PROGRAM_Q) == []  # My Drive corpus: no shared-drive items
    assert _names(prog.admin, q=PROGRAM_Q, corpora="allDrives", includeItemsFromAllDrives=True) == [
        "Team Moss"
    ]
    assert _names(prog.robot, q=PROGRAM_Q, includeItemsFromAllDrives=True) == ["Team Moss"]


def test_files_list_validates_corpora_as_drive_does(prog: Program) -> None:
    files = prog.robot.drive.files()
    status, error = api_error(
        lambda: files.list(driveId=prog.drive_id, includeItemsFromAllDrives=True).execute()
    )
    assert (status, reason(error)) == (400, "teamDriveIdRequiresTeamDriveCorpora")
    assert error["message"] == (
        "The driveId parameter must be specified if and only if corpora is set to drive."
    )
    status, error = api_error(lambda: files.list(corpora="drive").execute())
    assert status == 400
    status, error = api_error(lambda: files.list(corpora="drive", driveId=prog.drive_id).execute())
    assert status == 403 and "includeItemsFromAllDrives" in error["message"]
    status, error = api_error(
        lambda: files.list(
            corpora="drive", driveId="0AnotAdrive12Uk9PVA", includeItemsFromAllDrives=True
        ).execute()
    )
    assert status == 404 and error["message"] == "Shared drive not found: 0AnotAdrive12Uk9PVA"


def test_app_properties_on_drive_items_keep_googles_limits(prog: Program) -> None:
    created = prog.make("Team Nash", appProperties={"tstKind": "team"})
    too_many = {f"k{n}": "v" for n in range(31)}
    status, _ = api_error(
        lambda: (
            prog.robot.drive.files()
            .update(fileId=created["id"], supportsAllDrives=True, body={"appProperties": too_many})
            .execute()
        )
    )
    assert status == 400
    status, _ = api_error(lambda: prog.make("Big", appProperties={"k": "v" * 124}))
    assert status == 400
    cleared = (
        prog.robot.drive.files()
        .update(
            fileId=created["id"],
            supportsAllDrives=True,
            body={"appProperties": {"tstKind": None, "team": "nash"}},
            fields="appProperties",
        )
        .execute()
    )
    assert cleared == {"appProperties": {"team": "nash"}}


def test_the_viewer_shows_drive_spreadsheets_to_members(
    prog: Program, emulator: RunningEmulator
) -> None:
    prog.make("Team Ortega")
    page = requests.get(f"{emulator.url}/", params={"as": ROBOT}, timeout=5).text
    assert "Team Ortega" in page and ROBOT in page
    stranger = requests.get(f"{emulator.url}/", params={"as": TEACHER}, timeout=5).text
    assert "Team Ortega" not in stranger
