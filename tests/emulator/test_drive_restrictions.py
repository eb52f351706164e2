"""A shared drive's restrictions and what they do to sharing, copying and access."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.emulator.drives_support import (
    ADMIN,
    ROBOT,
    TEACHER,
    Program,
    add_member,
    create_drive,
    program,
    share,
)
from tests.emulator.support import Clients, api_error, reason

COLLEAGUE = "lee.coach@tst.example.org"


@pytest.fixture
def prog(connect_as: Callable[[str], Clients]) -> Program:
    return program(connect_as(ADMIN), connect_as(ROBOT))


def restrict(prog: Program, **restrictions: bool) -> None:
    prog.admin.drive.drives().update(
        driveId=prog.drive_id, body={"restrictions": restrictions}
    ).execute()


def test_domain_users_only_keeps_out_a_service_account(
    connect_as: Callable[[str], Clients],
) -> None:
    admin = connect_as(ADMIN)
    drive_id = create_drive(admin)
    admin.drive.drives().update(
        driveId=drive_id, body={"restrictions": {"domainUsersOnly": True}}
    ).execute()
    status, error = api_error(lambda: add_member(admin, drive_id, ROBOT, "fileOrganizer"))
    assert status == 403 and reason(error) == "teamDriveDomainUsersOnlyRestriction"
    add_member(admin, drive_id, COLLEAGUE, "reader")  # same domain as the drive


def test_domain_users_only_blocks_sharing_outside_and_cuts_access(
    prog: Program, connect_as: Callable[[str], Clients]
) -> None:
    created = prog.make("Team Ortiz")
    share(prog.robot, created["id"], TEACHER, "writer")  # school.example.org, another domain
    restrict(prog, domainUsersOnly=True)
    with pytest.raises(PermissionError):
        connect_as(TEACHER).sheets.open_by_key(created["id"])
    status, error = api_error(
        lambda: share(prog.admin, created["id"], "x@other.example.org", "reader")
    )
    assert status == 403 and reason(error) == "teamDriveDomainUsersOnlyRestriction"


def test_drive_members_only_refuses_sharing_with_non_members(
    prog: Program, connect_as: Callable[[str], Clients]
) -> None:
    created = prog.make("Team Park")
    restrict(prog, driveMembersOnly=True)
    status, error = api_error(lambda: share(prog.robot, created["id"], TEACHER, "writer"))
    assert status == 403 and reason(error) == "teamDriveTeamMembersOnlyRestriction"
    add_member(prog.admin, prog.drive_id, TEACHER, "reader")
    share(prog.robot, created["id"], TEACHER, "writer")  # a member may be given more
    connect_as(TEACHER).sheets.open_by_key(created["id"]).sheet1.update([["ok"]], "A1")


def test_copy_requires_writer_permission_stops_readers_copying_and_exporting(
    prog: Program, connect_as: Callable[[str], Clients]
) -> None:
    created = prog.make("Team Quinn")
    add_member(prog.admin, prog.drive_id, TEACHER, "reader")
    restrict(prog, copyRequiresWriterPermission=True)
    reader = connect_as(TEACHER)
    got = (
        reader.drive.files()
        .get(
            fileId=created["id"],
            supportsAllDrives=True,
            fields="copyRequiresWriterPermission,capabilities(canCopy,canDownload)",
        )
        .execute()
    )
    assert got == {
        "copyRequiresWriterPermission": True,
        "capabilities": {"canCopy": False, "canDownload": False},
    }
    status, error = api_error(
        lambda: (
            reader.drive.files()
            .copy(fileId=created["id"], supportsAllDrives=True, body={})
            .execute()
        )
    )
    assert status == 403 and reason(error) == "cannotCopyFile"
    status, _ = api_error(
        lambda: (
            reader.drive.files()
            .export(fileId=created["id"], mimeType="text/csv")  # export takes no such flag
            .execute()
        )
    )
    assert status == 403
    assert reader.sheets.open_by_key(created["id"]).sheet1.title == "Sheet1"  # still reads
    copied = (
        prog.robot.drive.files()
        .copy(fileId=created["id"], supportsAllDrives=True, body={}, fields="driveId,name")
        .execute()
    )
    assert copied == {"driveId": prog.drive_id, "name": "Copy of Team Quinn"}


def test_sharing_folders_may_require_an_organizer(prog: Program) -> None:
    share(prog.robot, prog.folder_id, TEACHER, "reader")  # content managers share folders
    restrict(prog, sharingFoldersRequiresOrganizerPermission=True)
    status, error = api_error(lambda: share(prog.robot, prog.folder_id, COLLEAGUE, "reader"))
    assert status == 403 and reason(error) == "insufficientFilePermissions"
    share(prog.admin, prog.folder_id, COLLEAGUE, "reader")
    created = prog.make("Team Reed")
    share(prog.robot, created["id"], COLLEAGUE, "writer")  # files are still shared freely
