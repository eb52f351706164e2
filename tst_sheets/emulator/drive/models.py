"""Drive's state: file metadata and permissions, and who may do what.

Every spreadsheet is also a Drive file; the Sheets backend asks this model for access
and reports content changes (``touch``) so ``modifiedTime`` moves as on Google.
"""

from __future__ import annotations

from typing import Any, Literal

from tst_sheets.emulator import ids
from tst_sheets.emulator.clock import Clock
from tst_sheets.emulator.errors import drive_error
from tst_sheets.emulator.store import Doc, Transaction

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
CALENDAR_MIME = "application/vnd.google-apps.calendar"  # never a Drive file; listed for clarity

Role = Literal["reader", "commenter", "writer", "owner"]
ROLE_RANK: dict[str, int] = {"reader": 1, "commenter": 2, "writer": 3, "fileOrganizer": 3, "organizer": 4, "owner": 4}
FILE = "file"


class DriveBackend:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    # -- creation and lookup -------------------------------------------------------------

    def create_file(
        self, txn: Transaction, owner: str, metadata: dict[str, Any], file_id: str | None = None
    ) -> Doc:
        """A new file owned by ``owner``; ``metadata`` is a Drive ``File`` resource body."""
        stamp = self.clock.stamp()
        doc: Doc = {
            "kind": "drive#file",
            "id": file_id or ids.file_id(),
            "name": metadata.get("name") or "Untitled",
            "mimeType": metadata.get("mimeType") or "application/octet-stream",
            "parents": list(metadata.get("parents") or []),
            "appProperties": _clean_properties(metadata.get("appProperties")),
            "properties": _clean_properties(metadata.get("properties")),
            "description": metadata.get("description"),
            "starred": bool(metadata.get("starred", False)),
            "trashed": False,
            "createdTime": stamp,
            "modifiedTime": stamp,
            "version": 1,
            "ownerEmail": owner,
            "permissions": [
                {
                    "kind": "drive#permission",
                    "id": ids.permission_id(),
                    "type": "user",
                    "role": "owner",
                    "emailAddress": owner,
                    "displayName": owner.split("@")[0],
                }
            ],
        }
        txn.put(FILE, doc["id"], doc)
        return doc

    def find(self, txn: Transaction, file_id: str) -> Doc | None:
        return txn.get(FILE, file_id)

    def role_of(self, doc: Doc, user: str) -> int:
        """The caller's highest role rank on a file (0 = no access)."""
        domain = user.split("@")[-1]
        best = 0
        for perm in doc.get("permissions", []):
            kind = perm.get("type")
            applies = (
                (kind in ("user", "group") and perm.get("emailAddress", "").lower() == user)
                or (kind == "domain" and perm.get("domain", "").lower() == domain)
                or kind == "anyone"
            )
            if applies:
                best = max(best, ROLE_RANK.get(perm.get("role", ""), 0))
        return best

    def require(
        self, txn: Transaction, file_id: str, user: str, need: Role = "reader"
    ) -> Doc:
        """The file, if the caller may ``need`` it; Drive's own 404/403 otherwise."""
        doc = txn.get(FILE, file_id)
        if doc is None or self.role_of(doc, user) == 0:
            raise drive_error(404, f"File not found: {file_id}.", "notFound", "fileId")
        if self.role_of(doc, user) < ROLE_RANK[need]:
            raise drive_error(
                403,
                "The user does not have sufficient permissions for this file.",
                "insufficientFilePermissions",
            )
        return doc

    def touch(self, txn: Transaction, file_id: str) -> None:
        """Record a content change: ``modifiedTime`` and ``version`` move on."""
        doc = txn.get(FILE, file_id)
        if doc is None:
            return
        doc["modifiedTime"] = self.clock.stamp()
        doc["version"] = int(doc.get("version", 1)) + 1
        txn.put(FILE, file_id, doc)

    def delete_file(self, txn: Transaction, file_id: str) -> None:
        txn.delete(FILE, file_id)


def _clean_properties(props: Any) -> dict[str, str]:
    if not isinstance(props, dict):
        return {}
    return {str(k): str(v) for k, v in props.items() if v is not None}
