"""A staff admin's shared drive with the service account as a member, as the product runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.emulator.support import Clients

ADMIN = "maya.thompson@tst.example.org"
ROBOT = "tst-service@tst-project.iam.gserviceaccount.com"
TEACHER = "ana.teacher@school.example.org"
FOLDER = "application/vnd.google-apps.folder"
SHEET = "application/vnd.google-apps.spreadsheet"


@dataclass
class Program:
    admin: Clients
    robot: Clients
    drive_id: str
    folder_id: str

    def make(self, name: str, mime: str = SHEET, **body: Any) -> dict[str, Any]:
        """The service account creates a file in the program folder."""
        created: dict[str, Any] = (
            self.robot.drive.files()
            .create(
                body={"name": name, "mimeType": mime, "parents": [self.folder_id], **body},
                supportsAllDrives=True,
            )
            .execute()
        )
        return created


def create_drive(admin: Clients, name: str = "TST Program", request_id: str = "req-1") -> str:
    drive: dict[str, Any] = (
        admin.drive.drives().create(requestId=request_id, body={"name": name}).execute()
    )
    return str(drive["id"])


def add_member(owner: Clients, drive_id: str, email: str, role: str) -> dict[str, Any]:
    perm: dict[str, Any] = (
        owner.drive.permissions()
        .create(
            fileId=drive_id,
            supportsAllDrives=True,
            sendNotificationEmail=False,
            body={"type": "user", "role": role, "emailAddress": email},
        )
        .execute()
    )
    return perm


def share(who: Clients, file_id: str, email: str, role: str, **params: Any) -> dict[str, Any]:
    perm: dict[str, Any] = (
        who.drive.permissions()
        .create(
            fileId=file_id,
            supportsAllDrives=True,
            sendNotificationEmail=False,
            body={"type": "user", "role": role, "emailAddress": email},
            **params,
        )
        .execute()
    )
    return perm


def program(admin: Clients, robot: Clients, robot_role: str = "fileOrganizer") -> Program:
    """Admin makes the drive and adds the service account; it makes the program folder."""
    drive_id = create_drive(admin)
    add_member(admin, drive_id, robot.identity, robot_role)
    folder = (
        robot.drive.files()
        .create(
            body={"name": "Teams", "mimeType": FOLDER, "parents": [drive_id]},
            supportsAllDrives=True,
        )
        .execute()
    )
    return Program(admin, robot, drive_id, str(folder["id"]))
