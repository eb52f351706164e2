"""Shared drives themselves: create by request id, get, list, update, hide, delete, members."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.emulator.drives_support import (
    ADMIN,
    FOLDER,
    ROBOT,
    TEACHER,
    add_member,
    create_drive,
)
from tests.emulator.support import Clients, api_error, reason


@pytest.fixture
def admin(connect_as: Callable[[str], Clients]) -> Clients:
    return connect_as(ADMIN)


def test_an_admin_creates_a_drive_once_per_request_id(admin: Clients) -> None:
    created = admin.drive.drives().create(requestId="r-1", body={"name": "TST Program"}).execute()
    assert set(created) == {"kind", "id", "name"} and created["kind"] == "drive#drive"
    assert len(created["id"]) == 19 and created["id"].startswith("0A")
    status, error = api_error(
        lambda: admin.drive.drives().create(requestId="r-1", body={"name": "TST Program"}).execute()
    )
    assert status == 409 and reason(error) == "teamDriveAlreadyExists"
    assert [d["id"] for d in admin.drive.drives().list().execute()["drives"]] == [created["id"]]


def test_the_creator_is_its_organizer(admin: Clients) -> None:
    drive_id = create_drive(admin)
    got = admin.drive.drives().get(driveId=drive_id, fields="*").execute()
    assert got["name"] == "TST Program" and got["hidden"] is False
    assert got["capabilities"]["canManageMembers"] is True
    assert got["restrictions"] == {
        "adminManagedRestrictions": False,
        "copyRequiresWriterPermission": False,
        "domainUsersOnly": False,
        "driveMembersOnly": False,
        "sharingFoldersRequiresOrganizerPermission": False,
    }
    members = (
        admin.drive.permissions()
        .list(fileId=drive_id, supportsAllDrives=True, fields="permissions(emailAddress,role)")
        .execute()
    )
    assert members == {"permissions": [{"emailAddress": ADMIN, "role": "organizer"}]}


def test_a_non_member_finds_no_drive(admin: Clients, connect_as: Callable[[str], Clients]) -> None:
    drive_id = create_drive(admin)
    stranger = connect_as(TEACHER)
    status, error = api_error(lambda: stranger.drive.drives().get(driveId=drive_id).execute())
    assert (status, error) == (
        404,
        {
            "code": 404,
            "message": f"Shared drive not found: {drive_id}",
            "errors": [
                {
                    "message": f"Shared drive not found: {drive_id}",
                    "domain": "global",
                    "reason": "notFound",
                    "location": "driveId",
                    "locationType": "parameter",
                }
            ],
        },
    )
    assert stranger.drive.drives().list().execute()["drives"] == []


def test_members_by_role_and_who_may_manage_them(
    admin: Clients, connect_as: Callable[[str], Clients]
) -> None:
    drive_id = create_drive(admin)
    added = add_member(admin, drive_id, ROBOT, "fileOrganizer")
    assert added["role"] == "fileOrganizer"
    robot = connect_as(ROBOT)
    seen = robot.drive.drives().get(driveId=drive_id, fields="capabilities").execute()
    assert seen["capabilities"]["canManageMembers"] is False
    assert seen["capabilities"]["canTrashChildren"] is True
    assert seen["capabilities"]["canDeleteChildren"] is False
    status, error = api_error(lambda: add_member(robot, drive_id, TEACHER, "reader"))
    assert status == 403 and reason(error) == "insufficientFilePermissions"
    promoted = (
        admin.drive.permissions()
        .update(
            fileId=drive_id,
            permissionId=added["id"],
            supportsAllDrives=True,
            body={"role": "organizer"},
        )
        .execute()
    )
    assert promoted["role"] == "organizer"
    add_member(robot, drive_id, TEACHER, "reader")
    admin.drive.permissions().delete(
        fileId=drive_id, permissionId=added["id"], supportsAllDrives=True
    ).execute()
    status, _ = api_error(lambda: robot.drive.drives().get(driveId=drive_id).execute())
    assert status == 404


def test_drive_members_need_supports_all_drives(admin: Clients) -> None:
    drive_id = create_drive(admin)
    status, error = api_error(lambda: admin.drive.permissions().list(fileId=drive_id).execute())
    assert status == 404 and error["message"] == f"File not found: {drive_id}."


def test_a_drive_cannot_be_shared_with_anyone_or_an_owner(admin: Clients) -> None:
    drive_id = create_drive(admin)
    status, error = api_error(
        lambda: (
            admin.drive.permissions()
            .create(
                fileId=drive_id, supportsAllDrives=True, body={"type": "anyone", "role": "reader"}
            )
            .execute()
        )
    )
    assert status == 403 and reason(error) == "cannotShareTeamDriveTopFolderWithAnyoneOrDomains"
    status, error = api_error(lambda: add_member(admin, drive_id, TEACHER, "owner"))
    assert status == 403 and reason(error) == "ownerOnTeamDriveItemNotSupported"


def test_update_renames_and_sets_restrictions_for_organizers_only(
    admin: Clients, connect_as: Callable[[str], Clients]
) -> None:
    drive_id = create_drive(admin)
    add_member(admin, drive_id, TEACHER, "writer")
    updated = (
        admin.drive.drives()
        .update(
            driveId=drive_id,
            body={"name": "TST 2027", "restrictions": {"driveMembersOnly": True}},
            fields="name,restrictions(driveMembersOnly)",
        )
        .execute()
    )
    assert updated == {"name": "TST 2027", "restrictions": {"driveMembersOnly": True}}
    writer = connect_as(TEACHER)
    status, error = api_error(
        lambda: writer.drive.drives().update(driveId=drive_id, body={"name": "Mine"}).execute()
    )
    assert status == 403 and reason(error) == "insufficientFilePermissions"
    status, error = api_error(
        lambda: (
            admin.drive.drives()
            .create(requestId="r-9", body={"name": "x", "restrictions": {"domainUsersOnly": True}})
            .execute()
        )
    )
    assert status == 400


def test_admin_managed_restrictions_lock_the_others(admin: Clients) -> None:
    drive_id = create_drive(admin)
    admin.drive.drives().update(
        driveId=drive_id, body={"restrictions": {"adminManagedRestrictions": True}}
    ).execute()
    got = admin.drive.drives().get(driveId=drive_id, fields="capabilities").execute()
    assert got["capabilities"]["canChangeDomainUsersOnlyRestriction"] is False
    status, error = api_error(
        lambda: (
            admin.drive.drives()
            .update(driveId=drive_id, body={"restrictions": {"domainUsersOnly": True}})
            .execute()
        )
    )
    assert status == 403 and reason(error) == "insufficientAdministratorPrivileges"


def test_hide_is_the_callers_own_view(admin: Clients, connect_as: Callable[[str], Clients]) -> None:
    drive_id = create_drive(admin)
    add_member(admin, drive_id, TEACHER, "reader")
    hidden = admin.drive.drives().hide(driveId=drive_id, fields="hidden").execute()
    assert hidden == {"hidden": True}
    assert admin.drive.drives().list(q="hidden = true").execute()["drives"][0]["id"] == drive_id
    teacher = connect_as(TEACHER).drive.drives().get(driveId=drive_id, fields="hidden").execute()
    assert teacher == {"hidden": False}
    assert admin.drive.drives().unhide(driveId=drive_id, fields="hidden").execute() == {
        "hidden": False
    }


def test_list_pages_and_filters_by_name(admin: Clients) -> None:
    ids = [create_drive(admin, f"Drive {n}", f"req-{n}") for n in range(3)]
    first = admin.drive.drives().list(pageSize=2).execute()
    second = admin.drive.drives().list(pageSize=2, pageToken=first["nextPageToken"]).execute()
    assert [d["id"] for d in first["drives"] + second["drives"]] == ids
    named = admin.drive.drives().list(q="name contains 'drive 1'").execute()["drives"]
    assert [d["name"] for d in named] == ["Drive 1"]
    status, _ = api_error(lambda: admin.drive.drives().list(q="memberCount > 2").execute())
    assert status == 400


def test_delete_only_an_empty_drive(admin: Clients) -> None:
    drive_id = create_drive(admin)
    folder = (
        admin.drive.files()
        .create(
            body={"name": "Teams", "mimeType": FOLDER, "parents": [drive_id]},
            supportsAllDrives=True,
        )
        .execute()
    )
    status, error = api_error(lambda: admin.drive.drives().delete(driveId=drive_id).execute())
    assert status == 403 and reason(error) == "cannotDeleteResourceWithChildren"
    admin.drive.files().update(
        fileId=folder["id"], body={"trashed": True}, supportsAllDrives=True
    ).execute()
    admin.drive.drives().delete(driveId=drive_id).execute()
    status, _ = api_error(lambda: admin.drive.drives().get(driveId=drive_id).execute())
    assert status == 404


def test_domain_admin_access_is_refused_without_admins(admin: Clients) -> None:
    drive_id = create_drive(admin)
    status, error = api_error(
        lambda: admin.drive.drives().get(driveId=drive_id, useDomainAdminAccess=True).execute()
    )
    assert status == 403 and reason(error) == "insufficientAdministratorPrivileges"


def test_a_service_account_cannot_create_a_drive(connect_as: Callable[[str], Clients]) -> None:
    robot = connect_as(ROBOT)
    status, error = api_error(
        lambda: robot.drive.drives().create(requestId="r", body={"name": "Mine"}).execute()
    )
    assert status == 403 and reason(error) == "userCannotCreateTeamDrives"
