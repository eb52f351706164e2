"""Drive v3 through googleapiclient: one method per REST call, pydantic models back.

Every call says ``supportsAllDrives``: the program's files live in a shared drive, and Drive
answers "File not found" for a shared-drive item to a call that does not say it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tst_sheets.model.files import Drive as SharedDrive
from tst_sheets.model.files import DriveFile, Permission
from tst_sheets.workspace.calls import all_pages, execute, google_call

PERMISSION_FIELDS = "id,type,role,emailAddress,domain,permissionDetails"
FILE_FIELDS = (
    "id,name,mimeType,driveId,parents,createdTime,modifiedTime,appProperties,writersCanShare,"
    f"permissions({PERMISSION_FIELDS})"
)
PAGE_SIZE = 1000
ALL_DRIVES = {"supportsAllDrives": True}


class Drive:
    """The Drive API of one identity (a googleapiclient ``Resource``)."""

    def __init__(self, resource: Any) -> None:
        self.resource = resource

    # -- files --------------------------------------------------------------------------

    @google_call("drive")
    def list_files(
        self, q: str, fields: str = FILE_FIELDS, drive_id: str | None = None
    ) -> list[DriveFile]:
        """``files.list`` of every file matching ``q`` (in one shared drive), all pages."""
        scope: dict[str, Any] = {}
        if drive_id:
            scope = {"corpora": "drive", "driveId": drive_id, "includeItemsFromAllDrives": True}

        def page(token: str | None) -> dict[str, Any]:
            request = self.resource.files().list(
                q=q,
                pageSize=PAGE_SIZE,
                pageToken=token,
                fields=f"nextPageToken,files({fields})",
                **ALL_DRIVES,
                **scope,
            )
            reply: dict[str, Any] = execute(request)
            return reply

        return [DriveFile.model_validate(item) for item in all_pages(page, "files")]

    @google_call("drive")
    def get_file(self, file_id: str, fields: str = FILE_FIELDS) -> DriveFile:
        """``files.get`` of a file's metadata."""
        request = self.resource.files().get(fileId=file_id, fields=fields, **ALL_DRIVES)
        return DriveFile.model_validate(execute(request))

    @google_call("drive")
    def create_file(
        self,
        name: str,
        mime_type: str,
        parents: Sequence[str],
        app_properties: Mapping[str, str],
        fields: str = FILE_FIELDS,
        *,
        writers_can_share: bool | None = None,
    ) -> DriveFile:
        """``files.create`` of an empty Google file (a spreadsheet, a folder) in ``parents``;
        ``writers_can_share`` False: only the owner shares it (My Drive only)."""
        body: dict[str, Any] = {
            "name": name,
            "mimeType": mime_type,
            "appProperties": dict(app_properties),
        }
        if writers_can_share is not None:
            body["writersCanShare"] = writers_can_share
        if parents:
            body["parents"] = list(parents)
        request = self.resource.files().create(body=body, fields=fields, **ALL_DRIVES)
        return DriveFile.model_validate(execute(request))

    @google_call("drive")
    def export_file(self, file_id: str, mime_type: str) -> bytes:
        """``files.export`` of a Google file as ``mime_type`` (at most 10 MB; Drive's quota)."""
        data: bytes = execute(self.resource.files().export(fileId=file_id, mimeType=mime_type))
        return data

    @google_call("drive")
    def update_file(self, file_id: str, body: Mapping[str, Any], fields: str = "id") -> None:
        """``files.update`` of metadata (appProperties: a None value removes the key)."""
        request = self.resource.files().update(
            fileId=file_id, body=dict(body), fields=fields, **ALL_DRIVES
        )
        execute(request)

    @google_call("drive")
    def move_file(
        self,
        file_id: str,
        add_parents: Sequence[str],
        remove_parents: Sequence[str],
        body: Mapping[str, Any] | None = None,
    ) -> None:
        """``files.update`` with ``addParents``/``removeParents``: the file moves (within its
        shared drive), its metadata changed by ``body`` in the same call."""
        request = self.resource.files().update(
            fileId=file_id,
            body=dict(body or {}),
            addParents=",".join(add_parents),
            removeParents=",".join(remove_parents),
            fields="id",
            **ALL_DRIVES,
        )
        execute(request)

    @google_call("drive")
    def about(self, fields: str = "user(emailAddress),storageQuota") -> dict[str, Any]:
        """``about.get``: who the caller is, and its storage (a service account has none)."""
        reply: dict[str, Any] = execute(self.resource.about().get(fields=fields))
        return reply

    # -- permissions (of a file, or of a shared drive: its members) -----------------------

    @google_call("drive")
    def list_permissions(self, file_id: str) -> list[Permission]:
        """``permissions.list``, all pages; a shared-drive item's inherited ones too."""

        def page(token: str | None) -> dict[str, Any]:
            fields = f"nextPageToken,permissions({PERMISSION_FIELDS})"
            request = self.resource.permissions().list(
                fileId=file_id, pageToken=token, fields=fields, **ALL_DRIVES
            )
            reply: dict[str, Any] = execute(request)
            return reply

        return [Permission.model_validate(p) for p in all_pages(page, "permissions")]

    @google_call("drive")
    def create_permission(
        self, file_id: str, email: str, role: str, *, notify: bool, message: str = ""
    ) -> str:
        """``permissions.create`` for one person; with ``notify``, Google emails them
        ``message`` (a plain-text note in the sharing email)."""
        body = {"type": "user", "role": role, "emailAddress": email}
        extra: dict[str, Any] = {"emailMessage": message} if notify and message else {}
        request = self.resource.permissions().create(
            fileId=file_id,
            body=body,
            sendNotificationEmail=notify,
            fields="id",
            **ALL_DRIVES,
            **extra,
        )
        reply: dict[str, Any] = execute(request)
        return str(reply.get("id", ""))

    @google_call("drive")
    def update_permission(self, file_id: str, permission_id: str, role: str) -> None:
        """``permissions.update`` of one permission's role (e.g. writer → reader)."""
        request = self.resource.permissions().update(
            fileId=file_id, permissionId=permission_id, body={"role": role}, **ALL_DRIVES
        )
        execute(request)

    @google_call("drive")
    def delete_permission(self, file_id: str, permission_id: str) -> None:
        """``permissions.delete``."""
        request = self.resource.permissions().delete(
            fileId=file_id, permissionId=permission_id, **ALL_DRIVES
        )
        execute(request)

    # -- shared drives ------------------------------------------------------------------

    @google_call("drive")
    def create_drive(self, name: str, request_id: str) -> SharedDrive:
        """``drives.create``; the same ``request_id`` never makes a second drive."""
        reply = execute(self.resource.drives().create(requestId=request_id, body={"name": name}))
        return SharedDrive.model_validate(reply)

    @google_call("drive")
    def get_drive(self, drive_id: str, fields: str = "id,name,restrictions") -> SharedDrive:
        """``drives.get``: the drive's name and its sharing restrictions."""
        return SharedDrive.model_validate(
            execute(self.resource.drives().get(driveId=drive_id, fields=fields))
        )

    @google_call("drive")
    def list_drives(self) -> list[SharedDrive]:
        """``drives.list`` of the drives the caller is a member of, all pages."""

        def page(token: str | None) -> dict[str, Any]:
            reply: dict[str, Any] = execute(
                self.resource.drives().list(pageSize=100, pageToken=token)
            )
            return reply

        return [SharedDrive.model_validate(d) for d in all_pages(page, "drives")]
