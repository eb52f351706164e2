"""Drive v3 through googleapiclient: one method per REST call, pydantic models back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tst_sheets.model.files import DriveFile, Permission
from tst_sheets.workspace.calls import all_pages, execute, google_call

PERMISSION_FIELDS = "id,type,role,emailAddress,domain"
FILE_FIELDS = f"id,name,createdTime,modifiedTime,appProperties,permissions({PERMISSION_FIELDS})"
PAGE_SIZE = 1000


class Drive:
    """The Drive API of one identity (a googleapiclient ``Resource``)."""

    def __init__(self, resource: Any) -> None:
        self.resource = resource

    @google_call("drive")
    def list_files(self, q: str, fields: str = FILE_FIELDS) -> list[DriveFile]:
        """``files.list`` of every file matching ``q``, all pages."""

        def page(token: str | None) -> dict[str, Any]:
            request = self.resource.files().list(
                q=q, pageSize=PAGE_SIZE, pageToken=token, fields=f"nextPageToken,files({fields})"
            )
            reply: dict[str, Any] = execute(request)
            return reply

        return [DriveFile.model_validate(item) for item in all_pages(page, "files")]

    @google_call("drive")
    def update_file(self, file_id: str, body: Mapping[str, Any], fields: str = "id") -> None:
        """``files.update`` of metadata (appProperties: a None value removes the key)."""
        execute(self.resource.files().update(fileId=file_id, body=dict(body), fields=fields))

    @google_call("drive")
    def list_permissions(self, file_id: str) -> list[Permission]:
        """``permissions.list``, all pages."""

        def page(token: str | None) -> dict[str, Any]:
            fields = f"nextPageToken,permissions({PERMISSION_FIELDS})"
            request = self.resource.permissions().list(
                fileId=file_id, pageToken=token, fields=fields
            )
            reply: dict[str, Any] = execute(request)
            return reply

        return [Permission.model_validate(p) for p in all_pages(page, "permissions")]

    @google_call("drive")
    def create_permission(self, file_id: str, email: str, role: str, *, notify: bool) -> str:
        """``permissions.create`` for one person; Google emails them only with ``notify``."""
        body = {"type": "user", "role": role, "emailAddress": email}
        request = self.resource.permissions().create(
            fileId=file_id, body=body, sendNotificationEmail=notify, fields="id"
        )
        reply: dict[str, Any] = execute(request)
        return str(reply.get("id", ""))

    @google_call("drive")
    def delete_permission(self, file_id: str, permission_id: str) -> None:
        """``permissions.delete``."""
        execute(self.resource.permissions().delete(fileId=file_id, permissionId=permission_id))
