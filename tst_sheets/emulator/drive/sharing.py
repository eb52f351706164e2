"""Drive permissions as values: grantee ids, validation of a ``Permission`` body, matching."""

from __future__ import annotations

import hashlib
from typing import Any

from tst_sheets.emulator.errors import ApiError, drive_error
from tst_sheets.emulator.store import Doc


def principal_id(email: str, suffix: str = "") -> str:
    """Google's permission ids name the grantee, so they are the same on every file."""
    digest = hashlib.sha256(email.lower().encode()).digest()
    return str(int.from_bytes(digest[:8], "big")).zfill(20)[:20] + suffix


PERMISSION_TYPES = ("user", "group", "domain", "anyone")
ROLES = ("reader", "commenter", "writer", "fileOrganizer", "organizer", "owner")


def user_permission(email: str, role: str, kind: str = "user") -> Doc:
    return {
        "kind": "drive#permission",
        "id": principal_id(email),
        "type": kind,
        "role": role,
        "emailAddress": email,
        "displayName": email,
    }


def new_permission(grant: dict[str, Any]) -> Doc:
    """Validate a ``Permission`` body and give it the grantee's stable id."""
    kind, role = grant.get("type"), grant.get("role")
    if kind not in PERMISSION_TYPES:
        raise drive_error(
            400, "The permission type field is required.", "required", "permission.type"
        )
    check_role(role)
    if kind in ("user", "group"):
        email = str(grant.get("emailAddress") or "").strip().lower()
        check_email(email)
        return user_permission(email, str(role), str(kind))
    if kind == "domain":
        domain = str(grant.get("domain") or "").strip().lower()
        if "." not in domain:
            raise drive_error(
                400, "The permission domain field is required.", "required", "permission.domain"
            )
        perm = {
            "kind": "drive#permission",
            "id": principal_id(domain, "k"),
            "type": "domain",
            "role": role,
            "domain": domain,
            "displayName": domain,
        }
    else:
        perm = {"kind": "drive#permission", "id": "anyoneWithLink", "type": "anyone", "role": role}
    perm["allowFileDiscovery"] = bool(grant.get("allowFileDiscovery", False))
    return perm


def check_role(role: Any) -> None:
    if role not in ROLES:
        raise drive_error(
            400, "The permission role field is required.", "required", "permission.role"
        )


def check_email(email: str) -> None:
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or email.count("@") != 1:
        raise drive_error(
            400,
            'Bad Request. User message: "Sorry, the items were not shared because '
            f'"{email}" is not a valid email address."',
            "invalidSharingRequest",
        )


def find_permission(doc: Doc, perm_id: str) -> Doc | None:
    return next((p for p in doc.get("permissions", []) if p["id"] == perm_id), None)


def permission_not_found(perm_id: str) -> ApiError:
    return drive_error(404, f"Permission not found: {perm_id}.", "notFound", "permissionId")


def applies(perm: Doc, user: str, domain: str) -> bool:
    kind = perm.get("type")
    if kind in ("user", "group"):
        return str(perm.get("emailAddress", "")).lower() == user
    if kind == "domain":
        return str(perm.get("domain", "")).lower() == domain
    return kind == "anyone"


def is_discoverable(perm: Doc) -> bool:
    return perm.get("type") in ("user", "group") or bool(perm.get("allowFileDiscovery"))


def role_refused(reason: str, message: str) -> ApiError:
    """A role the item's kind does not take (Google's reasons; the wording is ours)."""
    return drive_error(403, message, reason)


def check_role_for(perm: Doc, *, drive_item: bool, drive_root: bool, folder: bool) -> None:
    """Which roles each kind of item takes: ``organizer``/``fileOrganizer`` belong to shared
    drives (a member's role, or a folder's); ``owner`` never does."""
    role = perm["role"]
    if drive_item or drive_root:
        if role == "owner":
            raise role_refused(
                "ownerOnTeamDriveItemNotSupported",
                "Items in shared drives cannot have an owner.",
            )
        if drive_root:
            return
        if role == "organizer" and not folder:
            raise role_refused(
                "organizerOnNonTeamDriveItemNotSupported",
                "The organizer role can only be granted on shared drives and their folders.",
            )
        if role == "fileOrganizer" and not folder:
            raise role_refused(
                "fileOrganizerOnFoldersInSharedDriveOnly",
                "The fileOrganizer role can only be granted on shared drives and their folders.",
            )
        return
    if role == "organizer":
        raise role_refused(
            "organizerOnNonTeamDriveNotSupported",
            "The organizer role can only be granted on shared drives.",
        )
    if role == "fileOrganizer":
        raise role_refused(
            "fileOrganizerOnNonTeamDriveNotSupported",
            "The fileOrganizer role can only be granted on shared drives.",
        )
