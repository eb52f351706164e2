"""Shared drives (``drives.*``): creation by request id, membership, restrictions, hiding.

A drive is kept as its top folder, a file doc with ``isDriveRoot`` whose id is the drive id
and whose permissions are the members; ``drive`` holds what only drives have (restrictions,
who hid it, the request id it was made with, the domain it belongs to).
"""

from __future__ import annotations

import secrets
from typing import Any

from tst_sheets.emulator.accounts import is_service_account
from tst_sheets.emulator.drive import access
from tst_sheets.emulator.drive.access import ORGANIZER, is_drive_root
from tst_sheets.emulator.drive.models import FILE, FOLDER_MIME, DriveBackend, insufficient
from tst_sheets.emulator.drive.sharing import user_permission
from tst_sheets.emulator.errors import ApiError, drive_error
from tst_sheets.emulator.store import Doc, Transaction

RESTRICTIONS = (
    "adminManagedRestrictions",
    "copyRequiresWriterPermission",
    "domainUsersOnly",
    "driveMembersOnly",
    "sharingFoldersRequiresOrganizerPermission",
)
WRITABLE = {"name", "colorRgb", "themeId", "restrictions", "backgroundImageFile"}
REQUEST = "drive_request"  # (creator, requestId) → drive id, for idempotent drives.create


def drive_not_found(drive_id: str) -> ApiError:
    return drive_error(404, f"Shared drive not found: {drive_id}", "notFound", "driveId")


def no_admin(drive_id: str) -> ApiError:
    """There are no domain administrators here, so ``useDomainAdminAccess`` never applies."""
    return drive_error(
        403,
        "The requesting user does not have the administrator privileges required to access "
        f"shared drive {drive_id}.",
        "insufficientAdministratorPrivileges",
    )


class SharedDrives:
    def __init__(self, files: DriveBackend) -> None:
        self.files = files

    def create(self, txn: Transaction, user: str, request_id: str | None, body: Doc) -> Doc:
        if not request_id:
            raise drive_error(400, "Required parameter: requestId", "required", "requestId")
        if is_service_account(user):  # not a Workspace user in an organisational unit
            raise drive_error(
                403, "The user cannot create shared drives.", "userCannotCreateTeamDrives"
            )
        key = f"{user}|{request_id}"
        if txn.get(REQUEST, key) is not None:
            raise drive_error(
                409, "A shared drive with this request ID already exists.", "teamDriveAlreadyExists"
            )
        if body.get("restrictions"):
            raise drive_error(
                400,
                "Restrictions can't be set when creating a shared drive; use drives.update.",
                "badRequest",
            )
        name = str(body.get("name") or "").strip()
        if not name:
            raise drive_error(400, "Required: name", "required", "name")
        stamp = self.files.clock.stamp()
        drive_id = "0A" + secrets.token_urlsafe(9)[:11] + "Uk9PVA"  # 19 characters, as on Google
        root: Doc = {
            "kind": "drive#file",
            "id": drive_id,
            "name": name,
            "mimeType": FOLDER_MIME,
            "parents": [],
            "driveId": drive_id,
            "isDriveRoot": True,
            "trashed": False,
            "createdTime": stamp,
            "modifiedTime": stamp,
            "version": 1,
            "lastModifyingUser": user,
            "ownerEmail": None,
            "permissions": [user_permission(user, "organizer")],
            "drive": {
                "domain": access.domain_of(user),
                "restrictions": dict.fromkeys(RESTRICTIONS, False),
                "hiddenFor": [],
                "colorRgb": body.get("colorRgb"),
                "themeId": body.get("themeId"),
            },
        }
        txn.put(FILE, drive_id, root)
        txn.put(REQUEST, key, {"driveId": drive_id})
        return root

    def get(self, txn: Transaction, user: str, drive_id: str, *, admin: bool = False) -> Doc:
        """The drive, for its members (anyone else: "Shared drive not found")."""
        root = self.files.find(txn, drive_id)
        if root is None or not is_drive_root(root):
            raise drive_not_found(drive_id)
        if admin:
            raise no_admin(drive_id)
        if access.member_role(root, user) == 0:
            raise drive_not_found(drive_id)
        return root

    def list(self, txn: Transaction, user: str) -> list[Doc]:
        roots = [doc for _, doc in txn.all(FILE) if is_drive_root(doc)]
        mine = [r for r in roots if access.member_role(r, user) > 0]
        return sorted(mine, key=lambda r: str(r["createdTime"]))

    def update(
        self, txn: Transaction, user: str, drive_id: str, body: Doc, *, admin: bool = False
    ) -> Doc:
        root = self._organizer(txn, user, drive_id, admin)
        unknown = set(body) - WRITABLE - {"kind", "id"}
        if unknown:
            raise drive_error(
                403,
                "The resource body includes fields which are not directly writable.",
                "fieldNotWritable",
            )
        if "name" in body:
            name = str(body["name"] or "").strip()
            if not name:
                raise drive_error(400, "Required: name", "required", "name")
            root["name"] = name
        for key in ("colorRgb", "themeId"):
            if key in body:
                root["drive"][key] = body[key]
        self._set_restrictions(root, body.get("restrictions") or {})
        root["modifiedTime"] = self.files.clock.stamp()
        txn.put(FILE, drive_id, root)
        return root

    def delete(
        self,
        txn: Transaction,
        user: str,
        drive_id: str,
        *,
        admin: bool = False,
        allow_item_deletion: bool = False,
    ) -> None:
        """An organizer deletes a drive that holds no untrashed items (trashed ones go too)."""
        if allow_item_deletion and not admin:
            raise drive_error(
                403,
                "allowItemDeletion is only supported with useDomainAdminAccess.",
                "forbidden",
                "allowItemDeletion",
            )
        self._organizer(txn, user, drive_id, admin)
        items = [d for d in self.files.all_files(txn) if d.get("driveId") == drive_id]
        if any(not d.get("trashed") for d in items):
            raise drive_error(
                403,
                "The shared drive cannot be deleted because it contains one or more items.",
                "cannotDeleteResourceWithChildren",
            )
        for item in items:
            if self.files.find(txn, item["id"]) is not None:
                self.files.delete_file(txn, item["id"])
        self.files.delete_file(txn, drive_id)

    def hide(self, txn: Transaction, user: str, drive_id: str, hidden: bool) -> Doc:
        """Hiding is the caller's own view of the drive."""
        root = self.get(txn, user, drive_id)
        hidden_for = [u for u in root["drive"].get("hiddenFor", []) if u != user]
        root["drive"]["hiddenFor"] = [*hidden_for, user] if hidden else hidden_for
        txn.put(FILE, drive_id, root)
        return root

    # -- internals -----------------------------------------------------------------------

    def _organizer(self, txn: Transaction, user: str, drive_id: str, admin: bool) -> Doc:
        root = self.get(txn, user, drive_id, admin=admin)
        if access.member_role(root, user) < ORGANIZER:
            raise insufficient()
        return root

    @staticmethod
    def _set_restrictions(root: Doc, wanted: dict[str, Any]) -> None:
        """Organizers change restrictions, unless ``adminManagedRestrictions`` hands them
        to domain administrators (who do not exist here)."""
        current = root["drive"]["restrictions"]
        changes = {k: bool(v) for k, v in wanted.items() if k in RESTRICTIONS}
        changes = {k: v for k, v in changes.items() if current.get(k) != v}
        if changes and current.get("adminManagedRestrictions"):
            raise no_admin(str(root["id"]))
        current.update(changes)
