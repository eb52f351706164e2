"""Drive's state: file metadata and permissions, and who may do what.

Every spreadsheet is also a Drive file; the Sheets backend asks this model for access
and reports content changes (``touch``) so ``modifiedTime`` moves as on Google. Drive in
turn calls the optional ``on_*_spreadsheet`` hooks so a spreadsheet made, copied, renamed
or deleted through Drive gets (or loses) real Sheets content.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from typing import Any, Literal

from tst_sheets.emulator import ids
from tst_sheets.emulator.clock import Clock, parse_rfc3339, rfc3339
from tst_sheets.emulator.drive.sharing import (
    applies,
    check_role,
    find_permission,
    is_discoverable,
    new_permission,
    permission_not_found,
    user_permission,
)
from tst_sheets.emulator.errors import ApiError, drive_error
from tst_sheets.emulator.store import Doc, Transaction

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
CALENDAR_MIME = "application/vnd.google-apps.calendar"  # never a Drive file; listed for clarity
GOOGLE_APPS_PREFIX = "application/vnd.google-apps."

Role = Literal["reader", "commenter", "writer", "owner"]
ROLE_RANK: dict[str, int] = {
    "reader": 1,
    "commenter": 2,
    "writer": 3,
    "fileOrganizer": 3,
    "organizer": 4,
    "owner": 4,
}
FILE = "file"
CONTENT = "file_content"
USER = "drive_user"

# Hooks the Sheets backend registers (the app wires them); None means "no Sheets content".
CreateHook = Callable[[Transaction, Doc, str], None]  # (txn, new file doc, owner)
CopyHook = Callable[[Transaction, Doc, Doc, str], None]  # (txn, source doc, copy doc, caller)
DocHook = Callable[[Transaction, Doc], None]  # (txn, file doc): delete / rename
ExportHook = Callable[[Transaction, Doc, str], bytes]  # (txn, file doc, mimeType) -> body
ImportHook = Callable[[Transaction, Doc, str], None]  # (txn, file doc, CSV text)


def not_found(file_id: str) -> ApiError:
    return drive_error(404, f"File not found: {file_id}.", "notFound", "fileId")


def insufficient() -> ApiError:
    return drive_error(
        403,
        "The user does not have sufficient permissions for this file.",
        "insufficientFilePermissions",
    )


class DriveBackend:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.on_create_spreadsheet: CreateHook | None = None
        self.on_copy_spreadsheet: CopyHook | None = None
        self.on_delete_spreadsheet: DocHook | None = None
        self.on_rename_spreadsheet: DocHook | None = None
        self.export_spreadsheet: ExportHook | None = None
        self.import_spreadsheet_csv: ImportHook | None = None

    # -- users ---------------------------------------------------------------------------

    def root_id(self, txn: Transaction, user: str) -> str:
        """The id of the user's "My Drive" folder, made on first use (like ``0AGIJ...Uk9PVA``)."""
        doc = txn.get(USER, user)
        if doc is None:
            doc = {"email": user, "rootId": "0A" + secrets.token_urlsafe(8)[:11] + "Uk9PVA"}
            txn.put(USER, user, doc)
        return str(doc["rootId"])

    def resolve_parent(self, txn: Transaction, user: str, parent_id: str) -> str:
        return self.root_id(txn, user) if parent_id == "root" else parent_id

    # -- creation and lookup -------------------------------------------------------------

    def create_file(
        self, txn: Transaction, owner: str, metadata: dict[str, Any], file_id: str | None = None
    ) -> Doc:
        """A new file owned by ``owner``; ``metadata`` is a Drive ``File`` resource body.

        No hook runs here: the Sheets backend calls this for ``spreadsheets.create``.
        """
        stamp = self.clock.stamp()
        parents = [self.resolve_parent(txn, owner, p) for p in metadata.get("parents") or []]
        doc: Doc = {
            "kind": "drive#file",
            "id": file_id or ids.file_id(),
            "name": metadata.get("name") or "Untitled",
            "mimeType": metadata.get("mimeType") or "application/octet-stream",
            "parents": parents or [self.root_id(txn, owner)],
            "appProperties": _clean_properties(metadata.get("appProperties")),
            "properties": _clean_properties(metadata.get("properties")),
            "description": metadata.get("description"),
            "starred": bool(metadata.get("starred", False)),
            "trashed": False,
            "createdTime": stamp,
            "modifiedTime": stamp,
            "version": 1,
            "ownerEmail": owner,
            "lastModifyingUser": owner,
            "permissions": [user_permission(owner, "owner")],
        }
        txn.put(FILE, doc["id"], doc)
        return doc

    def find(self, txn: Transaction, file_id: str) -> Doc | None:
        return txn.get(FILE, file_id)

    def all_files(self, txn: Transaction) -> list[Doc]:
        return [doc for _, doc in txn.all(FILE)]

    # -- access --------------------------------------------------------------------------

    def role_of(self, doc: Doc, user: str, *, discoverable: bool = False) -> int:
        """The caller's highest role rank from the file's own permissions (0 = no access).

        ``discoverable`` drops link-only grants (domain/anyone without allowFileDiscovery),
        which open a file by id but never list it, as on Google.
        """
        domain = user.split("@")[-1]
        best = 0
        for perm in doc.get("permissions", []):
            if discoverable and not is_discoverable(perm):
                continue
            if applies(perm, user, domain):
                best = max(best, ROLE_RANK.get(perm.get("role", ""), 0))
        return best

    def effective_role(
        self, txn: Transaction, doc: Doc, user: str, *, discoverable: bool = False
    ) -> int:
        """The role from the file itself or inherited from any folder above it."""
        best, seen, todo = 0, set[str](), [doc]
        while todo:
            current = todo.pop()
            if current["id"] in seen:
                continue
            seen.add(current["id"])
            best = max(best, self.role_of(current, user, discoverable=discoverable))
            for parent_id in current.get("parents", []):
                parent = txn.get(FILE, parent_id)
                if parent is not None:
                    todo.append(parent)
        return best

    def require(self, txn: Transaction, file_id: str, user: str, need: Role = "reader") -> Doc:
        """The file, if the caller may ``need`` it; Drive's own 404/403 otherwise."""
        doc = txn.get(FILE, file_id)
        role = 0 if doc is None else self.effective_role(txn, doc, user)
        if doc is None or role == 0:
            raise not_found(file_id)
        if role < ROLE_RANK[need]:
            raise insufficient()
        return doc

    # -- content changes -----------------------------------------------------------------

    def touch(self, txn: Transaction, file_id: str, user: str | None = None) -> None:
        """Record a content change: ``modifiedTime`` and ``version`` move on."""
        doc = txn.get(FILE, file_id)
        if doc is None:
            return
        doc["modifiedTime"] = self.clock.stamp()
        doc["version"] = int(doc.get("version", 1)) + 1
        if user:
            doc["lastModifyingUser"] = user
        txn.put(FILE, file_id, doc)

    def rename(self, txn: Transaction, file_id: str, name: str, user: str | None = None) -> None:
        """Set the name without calling back into Sheets (for a spreadsheet title change)."""
        doc = txn.get(FILE, file_id)
        if doc is None or doc.get("name") == name:
            return
        doc["name"] = name
        self.touch(txn, file_id, user)

    def delete_file(self, txn: Transaction, file_id: str) -> None:
        txn.delete(FILE, file_id)
        txn.delete(CONTENT, file_id)

    def set_content(self, txn: Transaction, doc: Doc, data: bytes) -> None:
        """Store uploaded bytes of a non-Google file (size and md5 as Drive reports them)."""
        txn.put(CONTENT, doc["id"], {"data": base64.b64encode(data).decode()})
        doc["size"] = str(len(data))
        doc["md5Checksum"] = hashlib.md5(data).hexdigest()

    def content(self, txn: Transaction, file_id: str) -> bytes:
        stored = txn.get(CONTENT, file_id)
        return base64.b64decode(stored["data"]) if stored else b""

    # -- files.create / copy / update / delete ----------------------------------------------

    def create(
        self, txn: Transaction, user: str, metadata: dict[str, Any], data: bytes | None = None
    ) -> Doc:
        """``files.create``: the file, its media, and Sheets content for a spreadsheet."""
        for parent_id in metadata.get("parents") or []:
            self._require_folder(txn, self.resolve_parent(txn, user, parent_id), user)
        doc = self.create_file(txn, user, metadata)
        if data is not None and not doc["mimeType"].startswith(GOOGLE_APPS_PREFIX):
            self.set_content(txn, doc, data)
        if doc["mimeType"] == SPREADSHEET_MIME and self.on_create_spreadsheet is not None:
            self.on_create_spreadsheet(txn, doc, user)
        return doc

    def copy(self, txn: Transaction, user: str, file_id: str, metadata: dict[str, Any]) -> Doc:
        """``files.copy``: the caller owns the copy; Sheets content is copied through the hook."""
        source = self.require(txn, file_id, user, "reader")
        if source["mimeType"] == FOLDER_MIME:
            raise drive_error(403, "This file cannot be copied by the user.", "cannotCopyFile")
        wanted = {k: v for k, v in metadata.items() if v is not None}
        for parent_id in wanted.get("parents") or []:
            self._require_folder(txn, self.resolve_parent(txn, user, parent_id), user)
        parents = wanted.get("parents") or self._copy_parents(txn, source, user)
        body = {
            "name": f"Copy of {source['name']}",
            "description": source.get("description"),
            "appProperties": dict(source.get("appProperties") or {}),
            "properties": dict(source.get("properties") or {}),
            **wanted,
            "mimeType": source["mimeType"],
            "parents": parents,
        }
        copy = self.create_file(txn, user, body)
        if source["mimeType"] == SPREADSHEET_MIME and self.on_copy_spreadsheet is not None:
            self.on_copy_spreadsheet(txn, source, copy, user)
        elif txn.get(CONTENT, file_id) is not None:
            self.set_content(txn, copy, self.content(txn, file_id))
        return copy

    def update(
        self,
        txn: Transaction,
        user: str,
        file_id: str,
        patch: dict[str, Any],
        add_parents: list[str],
        remove_parents: list[str],
    ) -> Doc:
        """``files.update`` (metadata): the caller needs the role the change asks for."""
        doc = self.require(txn, file_id, user, _role_needed(patch, add_parents or remove_parents))
        if "trashed" in patch and patch["trashed"] != doc.get("trashed"):
            self._require_owner(doc, user)
        renamed = "name" in patch and patch["name"] != doc["name"]
        changed = _apply_patch(doc, patch, user, self.clock.stamp())
        changed |= self._move(txn, user, doc, add_parents, remove_parents)
        if changed and "modifiedTime" not in patch:
            doc["modifiedTime"] = self.clock.stamp()
            doc["version"] = int(doc.get("version", 1)) + 1
            doc["lastModifyingUser"] = user
        txn.put(FILE, file_id, doc)
        if renamed and doc["mimeType"] == SPREADSHEET_MIME and self.on_rename_spreadsheet:
            self.on_rename_spreadsheet(txn, doc)
        return doc

    def replace_content(self, txn: Transaction, user: str, doc: Doc, data: bytes) -> None:
        """Media upload onto an existing non-Google file."""
        self.set_content(txn, doc, data)
        self.touch(txn, doc["id"], user)

    def delete(self, txn: Transaction, user: str, file_id: str) -> None:
        """``files.delete``: owner only; a folder takes the caller's files inside it along."""
        doc = self.require(txn, file_id, user, "reader")
        self._require_owner(doc, user)
        self._purge(txn, doc, user)

    def empty_trash(self, txn: Transaction, user: str) -> None:
        for doc in self.all_files(txn):
            if doc.get("trashed") and doc.get("ownerEmail") == user and self.find(txn, doc["id"]):
                self._purge(txn, doc, user)

    def export(self, txn: Transaction, user: str, file_id: str, mime: str) -> bytes:
        doc = self.require(txn, file_id, user, "reader")
        if doc["mimeType"] != SPREADSHEET_MIME or self.export_spreadsheet is None:
            raise drive_error(403, "Export only supports Docs Editors files.", "fileNotExportable")
        return self.export_spreadsheet(txn, doc, mime)

    def import_csv(self, txn: Transaction, user: str, file_id: str, text: str) -> Doc:
        """Drive v2's ``convert=true`` media upload of CSV onto a spreadsheet."""
        doc = self.require(txn, file_id, user, "writer")
        if doc["mimeType"] != SPREADSHEET_MIME or self.import_spreadsheet_csv is None:
            raise drive_error(400, "Conversion of this file is not supported.", "badRequest")
        self.import_spreadsheet_csv(txn, doc, text)
        self.touch(txn, file_id, user)
        return doc

    # -- permissions ---------------------------------------------------------------------

    def share(
        self, txn: Transaction, user: str, file_id: str, grant: dict[str, Any], transfer: bool
    ) -> Doc:
        """``permissions.create``; re-sharing with the same grantee changes its role."""
        doc = self.require(txn, file_id, user, "writer")
        perm = new_permission(grant)
        if perm["role"] == "owner":
            self._check_transfer(doc, user, perm, transfer)
            return self._transfer(txn, doc, perm)
        existing = find_permission(doc, perm["id"])
        if existing is not None and existing["role"] == "owner":
            return existing
        if existing is not None:
            existing.update({k: v for k, v in perm.items() if k != "id"})
            perm = existing
        else:
            doc["permissions"].append(perm)
        txn.put(FILE, file_id, doc)
        return perm

    def permissions_of(self, txn: Transaction, user: str, file_id: str) -> list[Doc]:
        doc = self.require(txn, file_id, user, "writer")
        return list(doc["permissions"])

    def permission(self, txn: Transaction, user: str, file_id: str, perm_id: str) -> Doc:
        doc = self.require(txn, file_id, user, "reader")
        perm = find_permission(doc, perm_id)
        if perm is None:
            raise permission_not_found(perm_id)
        return perm

    def update_permission(
        self, txn: Transaction, user: str, file_id: str, perm_id: str, role: str, transfer: bool
    ) -> Doc:
        doc = self.require(txn, file_id, user, "writer")
        perm = find_permission(doc, perm_id)
        if perm is None:
            raise permission_not_found(perm_id)
        check_role(role)
        if role == "owner":
            self._check_transfer(doc, user, perm, transfer)
            return self._transfer(txn, doc, {**perm, "role": "owner"})
        if perm["role"] == "owner":
            raise drive_error(403, "The owner of a file cannot be downgraded.", "forbidden")
        perm["role"] = role
        txn.put(FILE, file_id, doc)
        return perm

    def unshare(self, txn: Transaction, user: str, file_id: str, perm_id: str) -> None:
        doc = self.require(txn, file_id, user, "writer")
        perm = find_permission(doc, perm_id)
        if perm is None:
            raise permission_not_found(perm_id)
        if perm["role"] == "owner":
            raise drive_error(403, "The owner of a file cannot be removed.", "cannotRemoveOwner")
        doc["permissions"].remove(perm)
        txn.put(FILE, file_id, doc)

    # -- internals -----------------------------------------------------------------------

    def _require_folder(self, txn: Transaction, folder_id: str, user: str) -> None:
        """A new parent must be a folder the caller can write (or their root)."""
        if folder_id == self.root_id(txn, user):
            return
        folder = self.require(txn, folder_id, user, "writer")
        if folder["mimeType"] != FOLDER_MIME:
            raise drive_error(400, "The specified parent is not a folder.", "teamDrivesParentLimit")

    def _copy_parents(self, txn: Transaction, source: Doc, user: str) -> list[str]:
        """A copy stays beside its source where the caller may write, else lands in root."""
        own_root = self.root_id(txn, user)
        kept = []
        for parent_id in source.get("parents", []):
            parent = txn.get(FILE, parent_id)
            if parent_id == own_root or (
                parent is not None and self.effective_role(txn, parent, user) >= 3
            ):
                kept.append(parent_id)
        return kept or [own_root]

    def _move(
        self, txn: Transaction, user: str, doc: Doc, add: list[str], remove: list[str]
    ) -> bool:
        parents: list[str] = list(doc.get("parents", []))
        for parent_id in (self.resolve_parent(txn, user, p) for p in add):
            self._require_folder(txn, parent_id, user)
            if parent_id not in parents:
                parents.append(parent_id)
        for parent_id in (self.resolve_parent(txn, user, p) for p in remove):
            if parent_id in parents:
                parents.remove(parent_id)
        changed = parents != doc.get("parents")
        doc["parents"] = parents
        return changed

    @staticmethod
    def _require_owner(doc: Doc, user: str) -> None:
        if doc.get("ownerEmail") != user:
            raise insufficient()

    def _purge(self, txn: Transaction, doc: Doc, user: str) -> None:
        if doc["mimeType"] == FOLDER_MIME:
            for child in self.all_files(txn):
                if doc["id"] in child.get("parents", []) and child.get("ownerEmail") == user:
                    self._purge(txn, child, user)
        if doc["mimeType"] == SPREADSHEET_MIME and self.on_delete_spreadsheet is not None:
            self.on_delete_spreadsheet(txn, doc)
        self.delete_file(txn, doc["id"])

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

    def _transfer(self, txn: Transaction, doc: Doc, perm: Doc) -> Doc:
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


# -- update helpers -------------------------------------------------------------------------

# Fields a files.update body may set; the rest are read-only or need other calls.
WRITABLE = {
    "name",
    "description",
    "starred",
    "trashed",
    "appProperties",
    "properties",
    "mimeType",
    "modifiedTime",
    "viewedByMeTime",
    "copyRequiresWriterPermission",
    "writersCanShare",
    "originalFilename",
    "contentHints",
    "folderColorRgb",
}
CONTENT_FIELDS = {"name", "description"}  # metadata whose change moves modifiedTime


def _role_needed(patch: dict[str, Any], moves: list[str]) -> Role:
    """Starring or marking viewed is open to readers; everything else needs writer."""
    if moves or set(patch) - {"starred", "viewedByMeTime"}:
        return "writer"
    return "reader"


def _apply_patch(doc: Doc, patch: dict[str, Any], user: str, stamp: str) -> bool:
    """Apply a files.update body; True when a change moves ``modifiedTime``."""
    if "parents" in patch:
        raise drive_error(
            403,
            "The parents field is not directly writable in update requests. Use the "
            "addParents and removeParents parameters instead.",
            "fieldNotWritable",
        )
    changed = False
    for key, value in patch.items():
        if key == "kind" or (key == "id" and value == doc["id"]):
            continue  # echoed back from a get: harmless
        if key not in WRITABLE:
            raise drive_error(
                403,
                "The resource body includes fields which are not directly writable.",
                "fieldNotWritable",
            )
        if key in ("appProperties", "properties"):
            doc[key] = _merge_properties(doc.get(key) or {}, value)
        elif key == "trashed":
            _set_trashed(doc, bool(value), user, stamp)
        elif key == "modifiedTime":
            doc[key] = _normalise_time(value)
        else:
            changed |= key in CONTENT_FIELDS and doc.get(key) != value
            doc[key] = value
    return changed


def _merge_properties(current: dict[str, str], patch: Any) -> dict[str, str]:
    """Drive merges property maps key by key; a null value removes the key."""
    merged = dict(current)
    for key, value in (patch or {}).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[str(key)] = str(value)
    return merged


def _set_trashed(doc: Doc, trashed: bool, user: str, stamp: str) -> None:
    doc["trashed"] = trashed
    if trashed:
        doc.update(explicitlyTrashed=True, trashedTime=stamp, trashingUser=user)
    else:
        for key in ("explicitlyTrashed", "trashedTime", "trashingUser"):
            doc.pop(key, None)


def _normalise_time(value: Any) -> str:
    try:
        return rfc3339(parse_rfc3339(str(value)))
    except ValueError as exc:
        raise drive_error(400, "Invalid value for modifiedTime.", "invalid") from exc


def _clean_properties(props: Any) -> dict[str, str]:
    if not isinstance(props, dict):
        return {}
    return {str(k): str(v) for k, v in props.items() if v is not None}
