"""Drive's state: files in My Drive and in shared drives, and who may do what with them.

A My Drive file has an owner (``ownerEmail``) whose permission is one of its
``permissions``. A shared-drive file has none: it belongs to the drive (``driveId``), whose
top folder is itself a file doc (``isDriveRoot``) carrying the members as permissions, so
membership reaches every item the way a folder's sharing does (see ``access``). Service
accounts own nothing: they may create files only inside shared drives.

Every spreadsheet is also a Drive file; the Sheets backend asks this model for access and
reports content changes (``touch``). Drive calls the ``on_*_spreadsheet`` hooks so a
spreadsheet made, copied, renamed or deleted through Drive gets (or loses) Sheets content.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from tst_sheets.emulator import ids
from tst_sheets.emulator.accounts import is_service_account
from tst_sheets.emulator.clock import Clock
from tst_sheets.emulator.drive import access, updates
from tst_sheets.emulator.drive.access import (
    FILE_ORGANIZER,
    ORGANIZER,
    ROLE_RANK,
    WRITER,
    Find,
    in_shared_drive,
    is_drive_root,
)
from tst_sheets.emulator.drive.refusals import (
    cannot_copy,
    insufficient,
    not_found,
    sharing_restriction_refused,
    storage_quota_exceeded,
)
from tst_sheets.emulator.drive.sharing import user_permission
from tst_sheets.emulator.errors import drive_error
from tst_sheets.emulator.store import Doc, Transaction

__all__ = ["FOLDER_MIME", "ROLE_RANK", "SPREADSHEET_MIME", "DriveBackend", "insufficient"]

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
GOOGLE_APPS_PREFIX = "application/vnd.google-apps."
FILE = "file"
CONTENT = "file_content"
USER = "drive_user"

# Hooks the Sheets backend registers (the app wires them); None means "no Sheets content".
CreateHook = Callable[[Transaction, Doc, str], None]  # (txn, new file doc, creator)
CopyHook = Callable[[Transaction, Doc, Doc, str], None]  # (txn, source doc, copy doc, caller)
DocHook = Callable[[Transaction, Doc], None]  # (txn, file doc): delete / rename
ExportHook = Callable[[Transaction, Doc, str], bytes]  # (txn, file doc, mimeType) -> body
ImportHook = Callable[[Transaction, Doc, str], None]  # (txn, file doc, CSV text)


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
        self,
        txn: Transaction,
        owner: str,
        metadata: dict[str, Any],
        file_id: str | None = None,
        drive_id: str | None = None,
    ) -> Doc:
        """A new file; ``metadata`` is a Drive ``File`` body. With ``drive_id`` it belongs to
        that shared drive (no owner); otherwise ``owner`` owns it.

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
            "appProperties": updates.clean_properties(metadata.get("appProperties")),
            "properties": updates.clean_properties(metadata.get("properties")),
            "description": metadata.get("description"),
            "starred": bool(metadata.get("starred", False)),
            "trashed": False,
            "createdTime": stamp,
            "modifiedTime": stamp,
            "version": 1,
            "lastModifyingUser": owner,
            "createdBy": owner,
        }
        if metadata.get("copyRequiresWriterPermission"):
            doc["copyRequiresWriterPermission"] = True
        if drive_id:
            doc.update(driveId=drive_id, ownerEmail=None, permissions=[])
        else:
            doc.update(ownerEmail=owner, permissions=[user_permission(owner, "owner")])
            if metadata.get("writersCanShare") is False:
                doc["writersCanShare"] = False
        updates.check_properties(doc)
        txn.put(FILE, doc["id"], doc)
        return doc

    def find(self, txn: Transaction, file_id: str) -> Doc | None:
        return txn.get(FILE, file_id)

    def finder(self, txn: Transaction) -> Find:
        return lambda file_id: txn.get(FILE, file_id)

    def all_files(self, txn: Transaction) -> list[Doc]:
        """Every file, shared drives' top folders excluded (those are drives, not items)."""
        return [doc for _, doc in txn.all(FILE) if not is_drive_root(doc)]

    # -- access --------------------------------------------------------------------------

    def effective_role(
        self, txn: Transaction, doc: Doc, user: str, *, discoverable: bool = False
    ) -> int:
        """The caller's role rank on ``doc`` (0: no access), inherited grants included."""
        return access.effective_role(doc, user, self.finder(txn), discoverable=discoverable)

    def require(
        self,
        txn: Transaction,
        file_id: str,
        user: str,
        need: str = "reader",
        *,
        all_drives: bool = False,
    ) -> Doc:
        """The file, if the caller may ``need`` it; Drive's own 404/403 otherwise.

        A shared-drive item is "File not found" unless the request says
        ``supportsAllDrives=true``, as on Google.
        """
        doc = txn.get(FILE, file_id)
        if doc is None or (in_shared_drive(doc) and not all_drives):
            raise not_found(file_id)
        role = self.effective_role(txn, doc, user)
        if role == 0:
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
        self,
        txn: Transaction,
        user: str,
        metadata: dict[str, Any],
        data: bytes | None = None,
        *,
        all_drives: bool = False,
    ) -> Doc:
        """``files.create``: the file, its media, and Sheets content for a spreadsheet."""
        drive_id = self._destination(txn, user, metadata.get("parents") or [], all_drives)
        if drive_id and metadata.get("writersCanShare") is not None:
            raise sharing_restriction_refused()
        doc = self.create_file(txn, user, metadata, drive_id=drive_id)
        if data is not None and not doc["mimeType"].startswith(GOOGLE_APPS_PREFIX):
            self.set_content(txn, doc, data)
        if doc["mimeType"] == SPREADSHEET_MIME and self.on_create_spreadsheet is not None:
            self.on_create_spreadsheet(txn, doc, user)
        return doc

    def copy(
        self,
        txn: Transaction,
        user: str,
        file_id: str,
        metadata: dict[str, Any],
        *,
        all_drives: bool = False,
    ) -> Doc:
        """``files.copy``: beside the source where the caller may write, else in their root."""
        source = self.require(txn, file_id, user, "reader", all_drives=all_drives)
        if source["mimeType"] == FOLDER_MIME:
            raise cannot_copy()
        if self.effective_role(txn, source, user) < WRITER and access.copy_restricted(
            source, self.finder(txn)
        ):
            raise cannot_copy()
        wanted = {k: v for k, v in metadata.items() if v is not None}
        parents = wanted.get("parents") or self._copy_parents(txn, source, user)
        drive_id = self._destination(txn, user, parents, all_drives)
        body = {
            "name": f"Copy of {source['name']}",
            "description": source.get("description"),
            "appProperties": dict(source.get("appProperties") or {}),
            "properties": dict(source.get("properties") or {}),
            **wanted,
            "mimeType": source["mimeType"],
            "parents": parents,
        }
        if drive_id and body.get("writersCanShare") is not None:
            raise sharing_restriction_refused()
        copy = self.create_file(txn, user, body, drive_id=drive_id)
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
        *,
        all_drives: bool = False,
    ) -> Doc:
        """``files.update`` (metadata): the caller needs the role the change asks for."""
        need = updates.role_needed(patch, add_parents or remove_parents)
        doc = self.require(txn, file_id, user, need, all_drives=all_drives)
        if "trashed" in patch and patch["trashed"] != doc.get("trashed"):
            self._check_trash(txn, doc, user, bool(patch["trashed"]))
        if in_shared_drive(doc) and "writersCanShare" in patch:
            raise sharing_restriction_refused()
        renamed = "name" in patch and patch["name"] != doc["name"]
        changed = updates.apply_patch(doc, patch, user, self.clock.stamp())
        changed |= self._move(txn, user, doc, add_parents, remove_parents, all_drives)
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

    def delete(self, txn: Transaction, user: str, file_id: str, *, all_drives: bool) -> None:
        """``files.delete``: the owner, or in a shared drive an organizer; a folder takes
        along what is inside it (the caller's files, or the whole subtree in a drive)."""
        doc = self.require(txn, file_id, user, "reader", all_drives=all_drives)
        if is_drive_root(doc):
            raise drive_error(
                403, "Use drives.delete to delete a shared drive.", "insufficientFilePermissions"
            )
        if in_shared_drive(doc):
            if self.effective_role(txn, doc, user) < ORGANIZER:
                raise insufficient()
        elif doc.get("ownerEmail") != user:
            raise insufficient()
        self._purge(txn, doc, user)

    def empty_trash(self, txn: Transaction, user: str, drive_id: str | None = None) -> None:
        """The caller's own trashed files, or with ``driveId`` a shared drive's trash (its
        organizers only)."""
        if drive_id:
            root = txn.get(FILE, drive_id)
            if root is None or not is_drive_root(root) or access.member_role(root, user) == 0:
                raise drive_error(404, f"Shared drive not found: {drive_id}", "notFound", "driveId")
            if access.member_role(root, user) < ORGANIZER:
                raise insufficient()
        for doc in self.all_files(txn):
            if not doc.get("trashed") or self.find(txn, doc["id"]) is None:
                continue
            mine = drive_id is None and doc.get("ownerEmail") == user
            if mine or (drive_id and doc.get("driveId") == drive_id):
                self._purge(txn, doc, user)

    def export(
        self, txn: Transaction, user: str, file_id: str, mime: str, *, all_drives: bool
    ) -> bytes:
        doc = self.require(txn, file_id, user, "reader", all_drives=all_drives)
        self.check_download(txn, doc, user)
        if doc["mimeType"] != SPREADSHEET_MIME or self.export_spreadsheet is None:
            raise drive_error(403, "Export only supports Docs Editors files.", "fileNotExportable")
        return self.export_spreadsheet(txn, doc, mime)

    def check_download(self, txn: Transaction, doc: Doc, user: str) -> None:
        """Readers and commenters may not download or export a copy-restricted file."""
        restricted = access.copy_restricted(doc, self.finder(txn))
        if restricted and self.effective_role(txn, doc, user) < WRITER:
            raise insufficient()

    def import_csv(self, txn: Transaction, user: str, file_id: str, text: str) -> Doc:
        """Drive v2's ``convert=true`` media upload of CSV onto a spreadsheet."""
        doc = self.require(txn, file_id, user, "writer")
        if doc["mimeType"] != SPREADSHEET_MIME or self.import_spreadsheet_csv is None:
            raise drive_error(400, "Conversion of this file is not supported.", "badRequest")
        self.import_spreadsheet_csv(txn, doc, text)
        self.touch(txn, file_id, user)
        return doc

    # -- internals -----------------------------------------------------------------------

    def _destination(
        self, txn: Transaction, user: str, parents: list[str], all_drives: bool
    ) -> str | None:
        """Check the parents of a new file; the shared drive it lands in (None: My Drive).

        A service account owns nothing, so outside a shared drive it gets Drive's 403.
        """
        if len(parents) > 1:
            raise drive_error(
                403,
                "Increasing the number of parents is not allowed.",
                "cannotAddParent",
            )
        drive_id = None
        for parent_id in parents:
            folder = self._require_folder(
                txn, self.resolve_parent(txn, user, parent_id), user, all_drives
            )
            drive_id = folder.get("driveId") if folder else None
        if drive_id is None and is_service_account(user):
            raise storage_quota_exceeded()
        return str(drive_id) if drive_id else None

    def _require_folder(
        self, txn: Transaction, folder_id: str, user: str, all_drives: bool
    ) -> Doc | None:
        """A new parent must be a folder the caller can write (None for their own root)."""
        if folder_id == self.root_id(txn, user):
            return None
        folder = self.require(txn, folder_id, user, "writer", all_drives=all_drives)
        if folder["mimeType"] != FOLDER_MIME:
            raise drive_error(400, "The specified parent is not a folder.", "teamDrivesParentLimit")
        return folder

    def _copy_parents(self, txn: Transaction, source: Doc, user: str) -> list[str]:
        """A copy stays beside its source where the caller may write, else lands in root."""
        own_root = self.root_id(txn, user)
        kept = []
        for parent_id in source.get("parents", []):
            parent = txn.get(FILE, parent_id)
            if parent_id == own_root or (
                parent is not None and self.effective_role(txn, parent, user) >= WRITER
            ):
                kept.append(parent_id)
        return kept[:1] or [own_root]

    def _check_trash(self, txn: Transaction, doc: Doc, user: str, trash: bool) -> None:
        """My Drive: only the owner trashes or restores. Shared drives: file organizers and
        organizers trash; writers may restore."""
        if not in_shared_drive(doc):
            if doc.get("ownerEmail") != user:
                raise insufficient()
            return
        need = FILE_ORGANIZER if trash else WRITER
        if self.effective_role(txn, doc, user) < need:
            raise insufficient()

    def _move(
        self,
        txn: Transaction,
        user: str,
        doc: Doc,
        add: list[str],
        remove: list[str],
        all_drives: bool,
    ) -> bool:
        parents: list[str] = list(doc.get("parents", []))
        targets = []
        for parent_id in (self.resolve_parent(txn, user, p) for p in add):
            targets.append(self._require_folder(txn, parent_id, user, all_drives))
            if parent_id not in parents:
                parents.append(parent_id)
        for parent_id in (self.resolve_parent(txn, user, p) for p in remove):
            if parent_id in parents:
                parents.remove(parent_id)
        if parents == doc.get("parents"):
            return False
        self._check_move(txn, user, doc, parents, targets)
        doc["parents"] = parents
        return True

    def _check_move(
        self, txn: Transaction, user: str, doc: Doc, parents: list[str], targets: list[Doc | None]
    ) -> None:
        """Every item has one parent; shared-drive items move within their drive only for
        file organizers and organizers. Moves into or out of shared drives are not modelled."""
        drive_id = doc.get("driveId")
        landing = {t.get("driveId") if t else None for t in targets}
        if drive_id is None:
            if any(landing):
                raise drive_error(
                    403,
                    "Moving items into a shared drive is not supported by this emulator.",
                    "teamDrivesFolderMoveInNotSupported",
                )
            if len(parents) > 1:
                raise drive_error(
                    403, "Increasing the number of parents is not allowed.", "cannotAddParent"
                )
            return
        if len(parents) != 1:
            raise drive_error(
                403, "A shared drive item must have exactly one parent.", "teamDrivesParentLimit"
            )
        if landing - {drive_id}:
            raise drive_error(
                403,
                "Moving items out of a shared drive is not supported by this emulator.",
                "teamDrivesParentLimit",
            )
        if self.effective_role(txn, doc, user) < FILE_ORGANIZER:
            raise insufficient()

    def _purge(self, txn: Transaction, doc: Doc, user: str) -> None:
        if doc["mimeType"] == FOLDER_MIME:
            drive_id = doc.get("driveId")
            for child in self.all_files(txn):
                if doc["id"] not in child.get("parents", []):
                    continue
                if (drive_id and child.get("driveId") == drive_id) or child.get(
                    "ownerEmail"
                ) == user:
                    self._purge(txn, child, user)
        if doc["mimeType"] == SPREADSHEET_MIME and self.on_delete_spreadsheet is not None:
            self.on_delete_spreadsheet(txn, doc)
        self.delete_file(txn, doc["id"])
