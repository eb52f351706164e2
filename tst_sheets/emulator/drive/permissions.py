"""``permissions.*`` on files, folders and shared drives.

My Drive files list their own permissions, the owner's first. Shared-drive items (and the
drives themselves) answer one permission per grantee with ``permissionDetails``: the grant on
the item (``file``), grants inherited from folders above it, and membership (``member``,
inherited from the drive). Its ``role`` is the highest of them: a grant can add to what
membership gives, never take from it, and inherited grants are changed where they sit.
"""

from __future__ import annotations

from typing import Any

from tst_sheets.emulator.drive import access
from tst_sheets.emulator.drive.access import ORGANIZER, ROLE_RANK, WRITER, in_shared_drive
from tst_sheets.emulator.drive.models import FILE, FOLDER_MIME, DriveBackend, insufficient
from tst_sheets.emulator.drive.sharing import (
    check_role,
    check_role_for,
    find_permission,
    new_permission,
    permission_not_found,
)
from tst_sheets.emulator.errors import ApiError, drive_error
from tst_sheets.emulator.store import Doc, Transaction


def inherited_refused() -> ApiError:
    return drive_error(
        403,
        "Cannot update or delete an inherited permission on a shared drive item.",
        "cannotModifyInheritedTeamDrivePermission",
    )


class Permissions:
    def __init__(self, files: DriveBackend) -> None:
        self.files = files

    # -- reading -------------------------------------------------------------------------

    def list(self, txn: Transaction, user: str, file_id: str, all_drives: bool) -> list[Doc]:
        doc = self.files.require(txn, file_id, user, "writer", all_drives=all_drives)
        if not in_shared_drive(doc):
            return list(doc["permissions"])
        return combined(doc, self.files.finder(txn))

    def get(self, txn: Transaction, user: str, file_id: str, perm_id: str, all_drives: bool) -> Doc:
        doc = self.files.require(txn, file_id, user, "reader", all_drives=all_drives)
        found = (
            next((p for p in combined(doc, self.files.finder(txn)) if p["id"] == perm_id), None)
            if in_shared_drive(doc)
            else find_permission(doc, perm_id)
        )
        if found is None:
            raise permission_not_found(perm_id)
        return found

    # -- changing ------------------------------------------------------------------------

    def share(
        self,
        txn: Transaction,
        user: str,
        file_id: str,
        grant: dict[str, Any],
        *,
        transfer: bool,
        all_drives: bool,
    ) -> Doc:
        """``permissions.create``; sharing again with the same grantee changes its role."""
        doc = self.files.require(txn, file_id, user, "reader", all_drives=all_drives)
        self._check_sharer(txn, doc, user)
        perm = new_permission(grant)
        check_role_for(
            perm,
            drive_item=in_shared_drive(doc) and not access.is_drive_root(doc),
            drive_root=access.is_drive_root(doc),
            folder=doc["mimeType"] == FOLDER_MIME,
        )
        if in_shared_drive(doc):
            self._check_grantee(txn, doc, perm)
        elif perm["role"] == "owner":
            self._check_transfer(doc, user, perm, transfer)
            return self._transfer(txn, doc, perm)
        existing = find_permission(doc, perm["id"])
        if existing is not None and existing["role"] == "owner":
            return existing
        if existing is not None:
            existing.update({k: v for k, v in perm.items() if k != "id"})
        else:
            doc["permissions"].append(perm)
        txn.put(FILE, file_id, doc)
        return self._view(txn, doc, perm["id"])

    def update(
        self,
        txn: Transaction,
        user: str,
        file_id: str,
        perm_id: str,
        role: str,
        *,
        transfer: bool,
        all_drives: bool,
    ) -> Doc:
        doc = self.files.require(txn, file_id, user, "reader", all_drives=all_drives)
        self._check_sharer(txn, doc, user)
        perm = self._own_grant(txn, doc, perm_id)
        check_role(role)
        if in_shared_drive(doc):
            check_role_for(
                {**perm, "role": role},
                drive_item=not access.is_drive_root(doc),
                drive_root=access.is_drive_root(doc),
                folder=doc["mimeType"] == FOLDER_MIME,
            )
            if ROLE_RANK[role] < self._inherited_rank(txn, doc, perm_id):
                raise inherited_refused()  # strictly expansive: membership is never lowered
        elif role == "owner":
            self._check_transfer(doc, user, perm, transfer)
            return self._transfer(txn, doc, {**perm, "role": "owner"})
        elif perm["role"] == "owner":
            raise drive_error(403, "The owner of a file cannot be downgraded.", "forbidden")
        perm["role"] = role
        txn.put(FILE, file_id, doc)
        return self._view(txn, doc, perm_id)

    def delete(
        self, txn: Transaction, user: str, file_id: str, perm_id: str, all_drives: bool
    ) -> None:
        doc = self.files.require(txn, file_id, user, "reader", all_drives=all_drives)
        self._check_sharer(txn, doc, user)
        perm = self._own_grant(txn, doc, perm_id)
        if perm["role"] == "owner":
            raise drive_error(403, "The owner of a file cannot be removed.", "cannotRemoveOwner")
        doc["permissions"].remove(perm)
        txn.put(FILE, file_id, doc)

    # -- checks --------------------------------------------------------------------------

    def _check_sharer(self, txn: Transaction, doc: Doc, user: str) -> None:
        """Members are managed by organizers; items by whoever ``access.can_share``."""
        role = self.files.effective_role(txn, doc, user)
        if access.is_drive_root(doc):
            allowed = role >= ORGANIZER
        else:
            allowed = access.can_share(doc, role, self.files.finder(txn))
        if not allowed:
            raise insufficient()

    def _check_grantee(self, txn: Transaction, doc: Doc, perm: Doc) -> None:
        """The drive's ``domainUsersOnly`` and ``driveMembersOnly`` restrictions."""
        root = access.root_of(doc, self.files.finder(txn))
        if root is None:
            return
        restrictions = access.restrictions_of(root)
        kind = perm["type"]
        if access.is_drive_root(doc) and kind in ("anyone", "domain"):
            raise drive_error(
                403,
                "A shared drive cannot be shared with anyone or with a whole domain.",
                "cannotShareTeamDriveTopFolderWithAnyoneOrDomains",
            )
        grantee_domain = (
            access.domain_of(str(perm.get("emailAddress", "")))
            if kind in ("user", "group")
            else str(perm.get("domain", ""))
        )
        if restrictions.get("domainUsersOnly") and grantee_domain != root["drive"]["domain"]:
            raise drive_error(
                403,
                "This shared drive only allows sharing with users of its own domain.",
                "teamDriveDomainUsersOnlyRestriction",
            )
        if access.is_drive_root(doc) or not restrictions.get("driveMembersOnly"):
            return
        email = str(perm.get("emailAddress", ""))
        if kind not in ("user", "group") or access.member_role(root, email) == 0:
            raise drive_error(
                403,
                "This shared drive only allows sharing its items with its members.",
                "teamDriveTeamMembersOnlyRestriction",
            )

    def _own_grant(self, txn: Transaction, doc: Doc, perm_id: str) -> Doc:
        """The permission set on this very item; an inherited one is Drive's 403."""
        perm = find_permission(doc, perm_id)
        if perm is not None:
            return perm
        if in_shared_drive(doc) and self._inherited_rank(txn, doc, perm_id):
            raise inherited_refused()
        raise permission_not_found(perm_id)

    def _inherited_rank(self, txn: Transaction, doc: Doc, perm_id: str) -> int:
        ranks = [
            ROLE_RANK.get(str(g.perm.get("role")), 0)
            for g in access.grants(doc, self.files.finder(txn))
            if g.inherited and g.perm["id"] == perm_id
        ]
        return max(ranks, default=0)

    def _view(self, txn: Transaction, doc: Doc, perm_id: str) -> Doc:
        if not in_shared_drive(doc):
            return next(p for p in doc["permissions"] if p["id"] == perm_id)
        return next(p for p in combined(doc, self.files.finder(txn)) if p["id"] == perm_id)

    @staticmethod
    def _check_transfer(doc: Doc, user: str, perm: Doc, transfer: bool) -> None:
        if not transfer:
            raise drive_error(
                403,
                "The transferOwnership parameter must be enabled when the permission role "
                "is 'owner'.",
                "forbidden",
                "transferOwnership",
            )
        if doc.get("ownerEmail") != user:
            raise insufficient()
        if perm.get("type") != "user":
            raise drive_error(
                400,
                'Bad Request. User message: "You can\'t change the owner of this item."',
                "invalidSharingRequest",
            )

    @staticmethod
    def _transfer(txn: Transaction, doc: Doc, perm: Doc) -> Doc:
        """The new owner takes over; the old owner stays on as a writer."""
        for existing in doc["permissions"]:
            if existing["role"] == "owner":
                existing["role"] = "writer"
        doc["permissions"] = [p for p in doc["permissions"] if p["id"] != perm["id"]]
        new_owner = {**perm, "role": "owner"}
        doc["permissions"].insert(0, new_owner)
        doc["ownerEmail"] = new_owner["emailAddress"]
        txn.put(FILE, doc["id"], doc)
        return new_owner


def combined(doc: Doc, find: access.Find) -> list[Doc]:
    """One permission per grantee reaching a shared-drive item, with ``permissionDetails``
    (its own grants first, then inherited ones upwards) and the highest role."""
    entries: dict[str, Doc] = {}
    for grant in access.grants(doc, find):
        detail: Doc = {
            "permissionType": "member" if grant.member else "file",
            "role": grant.perm["role"],
            "inherited": grant.inherited,
        }
        if grant.inherited:
            detail["inheritedFrom"] = grant.holder
        entry = entries.get(grant.perm["id"])
        if entry is None:
            entry = {**grant.perm, "permissionDetails": []}
            entries[grant.perm["id"]] = entry
        entry["permissionDetails"].append(detail)
        if ROLE_RANK.get(grant.perm["role"], 0) > ROLE_RANK.get(entry["role"], 0):
            entry["role"] = grant.perm["role"]
    return list(entries.values())


__all__ = ["WRITER", "Permissions", "combined"]
