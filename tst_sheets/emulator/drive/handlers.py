"""Drive v3 over HTTP: request parsing and response shaping; state lives in ``models``."""

from __future__ import annotations

import base64
import binascii
import email.parser
import email.policy
import functools
import json
from email.message import Message
from typing import Any

from werkzeug.wrappers import Response

from tst_sheets.emulator.accounts import is_service_account
from tst_sheets.emulator.drive import drives_handlers, listing, resources
from tst_sheets.emulator.drive.access import in_shared_drive
from tst_sheets.emulator.drive.models import FOLDER_MIME, GOOGLE_APPS_PREFIX, DriveBackend
from tst_sheets.emulator.drive.permissions import Permissions
from tst_sheets.emulator.drive.query import QueryContext, compile_query
from tst_sheets.emulator.errors import drive_error, sharing_rate_exceeded
from tst_sheets.emulator.fields import select
from tst_sheets.emulator.http import Call, Handler, Kind, Route, no_content
from tst_sheets.emulator.knobs import Gate
from tst_sheets.emulator.store import Doc

_V3 = "/drive/v3"
_FILE = r"/files/(?P<fileId>[^/]+)"
_PERM = _FILE + r"/permissions/(?P<permissionId>[^/]+)"
_ORDER_KEYS = {
    "createdTime",
    "folder",
    "modifiedByMeTime",
    "modifiedTime",
    "name",
    "name_natural",
    "quotaBytesUsed",
    "recency",
    "sharedWithMeTime",
    "starred",
    "viewedByMeTime",
}


def routes(backend: DriveBackend, gate: Gate | None = None) -> list[Route]:
    api = DriveApi(backend, gate)

    def route(method: str, pattern: str, name: str, kind: Kind, handler: Handler) -> Route:
        return Route(method, pattern, "drive", name, kind, handler)

    return [
        route("POST", _V3 + "/files", "files.create", "write", api.create),
        route("POST", "/upload" + _V3 + "/files", "files.create", "write", api.create),
        route("GET", _V3 + "/files", "files.list", "read", api.list_files),
        route("DELETE", _V3 + "/files/trash", "files.emptyTrash", "write", api.empty_trash),
        route("GET", _V3 + _FILE, "files.get", "read", api.get),
        route("PATCH", _V3 + _FILE, "files.update", "write", api.update),
        route("PATCH", "/upload" + _V3 + _FILE, "files.update", "write", api.update),
        route("DELETE", _V3 + _FILE, "files.delete", "write", api.delete),
        route("POST", _V3 + _FILE + "/copy", "files.copy", "write", api.copy),
        route("GET", _V3 + _FILE + "/export", "files.export", "read", api.export),
        route("GET", _V3 + _FILE + "/comments", "comments.list", "read", api.comments),
        route("POST", _V3 + _FILE + "/permissions", "permissions.create", "write", api.share),
        route("GET", _V3 + _FILE + "/permissions", "permissions.list", "read", api.permissions),
        route("GET", _V3 + _PERM, "permissions.get", "read", api.permission),
        route("PATCH", _V3 + _PERM, "permissions.update", "write", api.update_permission),
        route("DELETE", _V3 + _PERM, "permissions.delete", "write", api.unshare),
        route("GET", _V3 + "/about", "about.get", "read", api.about),
        route("PUT", "/upload/drive/v2" + _FILE, "v2.files.update", "write", api.import_v2),
        *drives_handlers.routes(backend),
    ]


def all_drives(call: Call) -> bool:
    """Whether the caller says it supports shared drives (else their items are not found)."""
    return call.flag("supportsAllDrives") or call.flag("supportsTeamDrives")


class DriveApi:
    def __init__(self, backend: DriveBackend, gate: Gate | None) -> None:
        self.backend = backend
        self.gate = gate
        self.permission_model = Permissions(backend)

    # -- files ---------------------------------------------------------------------------

    def create(self, call: Call) -> dict[str, Any]:
        metadata, data = _metadata_and_media(call)
        doc = self.backend.create(call.txn, call.user, metadata, data, all_drives=all_drives(call))
        return self._file_view(call, doc, resources.FILE_DEFAULT)

    def get(self, call: Call) -> Response | dict[str, Any]:
        doc = self.backend.require(
            call.txn, call.params["fileId"], call.user, all_drives=all_drives(call)
        )
        if call.arg("alt") == "media":
            return self._download(call, doc)
        return self._file_view(call, doc, resources.FILE_DEFAULT)

    def list_files(self, call: Call) -> dict[str, Any]:
        size = _page_size(call.arg("pageSize"), default=100, limit=1000)
        offset = _decode_page_token(call.arg("pageToken"))
        root = self.backend.root_id(call.txn, call.user)
        scope = listing.parse_scope(
            call.arg("corpora"),
            call.arg("driveId") or call.arg("teamDriveId"),
            call.flag("includeItemsFromAllDrives") or call.flag("includeTeamDriveItems"),
        )
        matches = compile_query(call.arg("q") or "", QueryContext(call.user, root))
        searched = listing.searchable(self.backend, call.txn, call.user, scope)
        found = [d for d in searched if matches(d)]
        _sort(found, call.arg("orderBy") or "modifiedTime desc")
        page = found[offset : offset + size]
        body: dict[str, Any] = {
            "kind": "drive#fileList",
            "incompleteSearch": False,
            "files": [self._render(call, doc) for doc in page],
        }
        if offset + size < len(found):
            body["nextPageToken"] = _encode_page_token(offset + size)
        return dict(select(body, call.arg("fields") or resources.LIST_DEFAULT))

    def update(self, call: Call) -> dict[str, Any]:
        metadata, data = _metadata_and_media(call)
        file_id = call.params["fileId"]
        doc = self.backend.update(
            call.txn,
            call.user,
            file_id,
            metadata,
            _id_list(call.arg("addParents")),
            _id_list(call.arg("removeParents")),
            all_drives=all_drives(call),
        )
        if data is not None and not doc["mimeType"].startswith(GOOGLE_APPS_PREFIX):
            self.backend.replace_content(call.txn, call.user, doc, data)
        return self._file_view(call, doc, resources.FILE_DEFAULT)

    def copy(self, call: Call) -> dict[str, Any]:
        doc = self.backend.copy(
            call.txn, call.user, call.params["fileId"], call.json(), all_drives=all_drives(call)
        )
        return self._file_view(call, doc, resources.FILE_DEFAULT)

    def delete(self, call: Call) -> Response:
        self.backend.delete(call.txn, call.user, call.params["fileId"], all_drives=all_drives(call))
        return no_content()

    def empty_trash(self, call: Call) -> Response:
        self.backend.empty_trash(call.txn, call.user, call.arg("driveId") or None)
        return no_content()

    def export(self, call: Call) -> Response:
        mime = call.arg("mimeType")
        if not mime:
            raise drive_error(400, "Required parameter: mimeType", "required", "mimeType")
        # files.export takes no supportsAllDrives: shared-drive items export without it
        data = self.backend.export(
            call.txn, call.user, call.params["fileId"], mime, all_drives=True
        )
        return Response(data, status=200, content_type=mime)

    def comments(self, call: Call) -> dict[str, Any]:
        """Comments are not modelled: every file has none (no supportsAllDrives here)."""
        self.backend.require(call.txn, call.params["fileId"], call.user, all_drives=True)
        body = {"kind": "drive#commentList", "comments": []}
        return dict(select(body, call.arg("fields") or "kind,comments,nextPageToken"))

    def import_v2(self, call: Call) -> dict[str, Any]:
        """gspread's ``import_csv``: Drive v2 media upload with ``convert=true``."""
        text = call.request.get_data().decode("utf-8")
        doc = self.backend.import_csv(call.txn, call.user, call.params["fileId"], text)
        root = self.backend.root_id(call.txn, str(doc["ownerEmail"]))
        return resources.render_v2_file(doc, call.user, root)

    def about(self, call: Call) -> dict[str, Any]:
        """A service account has no storage of its own: its quota limit is 0 bytes."""
        limit = "0" if is_service_account(call.user) else "16106127360"
        body = {
            "kind": "drive#about",
            "user": resources.drive_user(call.user, True),
            "storageQuota": {
                "limit": limit,
                "usage": "0",
                "usageInDrive": "0",
                "usageInDriveTrash": "0",
            },
            "rootFolderId": self.backend.root_id(call.txn, call.user),
        }
        fields = call.arg("fields")
        if not fields:
            raise drive_error(
                400, "The 'fields' parameter is required for this method.", "required", "fields"
            )
        return dict(select(body, fields))

    # -- permissions ---------------------------------------------------------------------

    def share(self, call: Call) -> dict[str, Any]:
        file_id, every = call.params["fileId"], all_drives(call)
        doc = self.backend.require(call.txn, file_id, call.user, all_drives=every)
        if self.gate is not None and not self.gate.admit_share(call.user):
            raise sharing_rate_exceeded(str(doc["name"]))
        perm = self.permission_model.share(
            call.txn,
            call.user,
            file_id,
            call.json(),
            transfer=call.flag("transferOwnership"),
            all_drives=every,
        )
        return _permission_view(call, perm, in_shared_drive(doc))

    def permissions(self, call: Call) -> dict[str, Any]:
        file_id, every = call.params["fileId"], all_drives(call)
        perms = self.permission_model.list(call.txn, call.user, file_id, every)
        shared = in_shared_drive(
            self.backend.require(call.txn, file_id, call.user, all_drives=every)
        )
        size = _page_size(call.arg("pageSize"), default=100, limit=100)
        offset = _decode_page_token(call.arg("pageToken"))
        page = perms[offset : offset + size]
        body: dict[str, Any] = {
            "kind": "drive#permissionList",
            "permissions": [resources.render_permission(p, drive_item=shared) for p in page],
        }
        if offset + size < len(perms):
            body["nextPageToken"] = _encode_page_token(offset + size)
        return dict(select(body, call.arg("fields") or resources.PERMISSION_LIST_DEFAULT))

    def permission(self, call: Call) -> dict[str, Any]:
        file_id, every = call.params["fileId"], all_drives(call)
        perm = self.permission_model.get(
            call.txn, call.user, file_id, call.params["permissionId"], every
        )
        doc = self.backend.require(call.txn, file_id, call.user, all_drives=every)
        return _permission_view(call, perm, in_shared_drive(doc))

    def update_permission(self, call: Call) -> dict[str, Any]:
        file_id, every = call.params["fileId"], all_drives(call)
        perm = self.permission_model.update(
            call.txn,
            call.user,
            file_id,
            call.params["permissionId"],
            str(call.json().get("role") or ""),
            transfer=call.flag("transferOwnership"),
            all_drives=every,
        )
        doc = self.backend.require(call.txn, file_id, call.user, all_drives=every)
        return _permission_view(call, perm, in_shared_drive(doc))

    def unshare(self, call: Call) -> Response:
        self.permission_model.delete(
            call.txn,
            call.user,
            call.params["fileId"],
            call.params["permissionId"],
            all_drives(call),
        )
        return no_content()

    # -- views ---------------------------------------------------------------------------

    def _render(self, call: Call, doc: Doc) -> dict[str, Any]:
        backend, txn = self.backend, call.txn
        root = backend.root_id(txn, call.user)
        parents = []
        for parent_id in doc.get("parents", []):
            parent = backend.find(txn, parent_id)
            if parent_id == root or (
                parent is not None and backend.effective_role(txn, parent, call.user) > 0
            ):
                parents.append(parent_id)
        role = backend.effective_role(txn, doc, call.user)
        return resources.render_file(doc, call.user, role, parents, backend.finder(txn))

    def _file_view(self, call: Call, doc: Doc, default: str) -> dict[str, Any]:
        return dict(select(self._render(call, doc), call.arg("fields") or default))

    def _download(self, call: Call, doc: Doc) -> Response:
        self.backend.check_download(call.txn, doc, call.user)
        if doc["mimeType"].startswith(GOOGLE_APPS_PREFIX):
            raise drive_error(
                403,
                "Only files with binary content can be downloaded. Use Export with Docs "
                "Editors files.",
                "fileNotDownloadable",
                "alt",
            )
        data = self.backend.content(call.txn, doc["id"])
        return Response(data, status=200, content_type=doc["mimeType"])


# -- parsing helpers ------------------------------------------------------------------------


def _permission_view(call: Call, perm: Doc, drive_item: bool = False) -> dict[str, Any]:
    body = resources.render_permission(perm, drive_item=drive_item)
    return dict(select(body, call.arg("fields") or resources.PERMISSION_DEFAULT))


def _metadata_and_media(call: Call) -> tuple[dict[str, Any], bytes | None]:
    """The ``File`` body and, for ``/upload`` paths, the media bytes."""
    if not call.request.path.startswith("/upload/"):
        return call.json(), None
    upload_type = call.arg("uploadType") or "media"
    if upload_type == "multipart":
        return _multipart(call)
    if upload_type == "media":
        return {}, call.request.get_data()
    raise drive_error(400, f"Invalid upload type: {upload_type}", "badRequest", "uploadType")


def _multipart(call: Call) -> tuple[dict[str, Any], bytes | None]:
    head = f"Content-Type: {call.request.content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
        head + call.request.get_data()
    )
    parts = [p for p in message.get_payload() if isinstance(p, Message)]
    if not message.is_multipart() or not parts:
        raise drive_error(400, "Malformed multipart body.", "badContent")
    try:
        metadata = json.loads(_part_bytes(parts[0]) or b"{}")
    except ValueError as exc:
        raise drive_error(400, "Malformed multipart body.", "badContent") from exc
    if len(parts) < 2:
        return metadata, None
    metadata.setdefault("mimeType", parts[1].get_content_type())
    return metadata, _part_bytes(parts[1])


def _part_bytes(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _page_size(raw: str | None, default: int, limit: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        size = int(raw)
    except ValueError:
        size = -1
    if size < 1 or size > limit:
        raise drive_error(
            400,
            f"Invalid value '{raw}'. Values must be within the range: [1, {limit}]",
            "invalid",
            "pageSize",
        )
    return size


def _encode_page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _decode_page_token(token: str | None) -> int:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        if text.startswith("o:"):
            return max(0, int(text[2:]))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        pass
    raise drive_error(400, "Invalid Value", "invalid", "pageToken")


def _id_list(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _sort(docs: list[Doc], order_by: str) -> None:
    """Sort in place by Drive's ``orderBy`` (``folder,modifiedTime desc,name``)."""
    keys = [part.split() for part in order_by.split(",") if part.strip()]
    for words in reversed(keys):
        if words[0] not in _ORDER_KEYS or len(words) > 2 or words[1:] not in ([], ["desc"]):
            raise drive_error(400, "Invalid Value", "invalid", "orderBy")
        docs.sort(key=functools.partial(_sort_key, key=words[0]), reverse=words[1:] == ["desc"])


def _sort_key(doc: Doc, key: str) -> Any:
    if key == "folder":
        return 0 if doc["mimeType"] == FOLDER_MIME else 1
    if key in ("name", "name_natural"):
        return str(doc["name"]).lower()
    if key == "starred":
        return 0 if doc.get("starred") else 1
    if key == "quotaBytesUsed":
        return int(doc.get("size") or 0)
    if key == "createdTime":
        return doc["createdTime"]
    return doc["modifiedTime"]  # modifiedTime, recency and the per-user times
