"""Drive v3 resources as Google writes them, seen by one caller (before any ``fields`` mask)."""

from __future__ import annotations

from typing import Any

from tst_sheets.emulator.drive import access
from tst_sheets.emulator.drive.access import (
    COMMENTER,
    FILE_ORGANIZER,
    ORGANIZER,
    READER,
    WRITER,
    Find,
)
from tst_sheets.emulator.drive.models import FOLDER_MIME, GOOGLE_APPS_PREFIX, SPREADSHEET_MIME
from tst_sheets.emulator.drive.sharing import principal_id
from tst_sheets.emulator.store import Doc

FILE_DEFAULT = "kind,id,name,mimeType"
LIST_DEFAULT = "kind,incompleteSearch,nextPageToken,files(kind,mimeType,id,name)"
PERMISSION_DEFAULT = "kind,id,type,role"
PERMISSION_LIST_DEFAULT = "kind,nextPageToken,permissions(kind,id,type,role)"
DRIVE_DEFAULT = "kind,id,name"
DRIVE_LIST_DEFAULT = "kind,nextPageToken,drives(kind,id,name)"

_SHEET_EXPORTS = {
    "application/x-vnd.oasis.opendocument.spreadsheet": "ods",
    "text/tab-separated-values": "tsv",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/csv": "csv",
    "application/zip": "zip",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def drive_user(email: str, me: bool) -> dict[str, Any]:
    return {
        "kind": "drive#user",
        "displayName": email,
        "photoLink": "https://lh3.googleusercontent.com/a/default-user=s64",
        "me": me,
        "permissionId": principal_id(email),
        "emailAddress": email,
    }


def web_view_link(doc: Doc) -> str:
    if doc["mimeType"] == SPREADSHEET_MIME:
        return f"https://docs.google.com/spreadsheets/d/{doc['id']}/edit?usp=drivesdk"
    if doc["mimeType"] == FOLDER_MIME:
        return f"https://drive.google.com/drive/folders/{doc['id']}"
    return f"https://drive.google.com/file/d/{doc['id']}/view?usp=drivesdk"


def export_links(doc: Doc) -> dict[str, str]:
    base = f"https://docs.google.com/spreadsheets/export?id={doc['id']}&exportFormat="
    return {mime: base + fmt for mime, fmt in _SHEET_EXPORTS.items()}


def render_file(doc: Doc, user: str, role: int, parents: list[str], find: Find) -> dict[str, Any]:
    """The full ``File`` resource for a caller with role rank ``role``.

    ``parents`` are the parents this caller may see; permissions only show to writers.
    """
    if access.in_shared_drive(doc):
        return render_drive_item(doc, user, role, parents, find)
    owner = str(doc["ownerEmail"])
    body: dict[str, Any] = {
        "kind": "drive#file",
        "id": doc["id"],
        "name": doc["name"],
        "mimeType": doc["mimeType"],
        "starred": bool(doc.get("starred")),
        "trashed": bool(doc.get("trashed")),
        "explicitlyTrashed": bool(doc.get("explicitlyTrashed")),
        "parents": parents,
        "spaces": ["drive"],
        "version": str(doc.get("version", 1)),
        "webViewLink": web_view_link(doc),
        "iconLink": f"https://drive-thirdparty.googleusercontent.com/16/type/{doc['mimeType']}",
        "hasThumbnail": False,
        "thumbnailVersion": "0",
        "viewedByMe": user == owner,
        "createdTime": doc["createdTime"],
        "modifiedTime": doc["modifiedTime"],
        "modifiedByMe": doc.get("lastModifyingUser") == user,
        "owners": [drive_user(owner, owner == user)],
        "lastModifyingUser": drive_user(
            str(doc.get("lastModifyingUser") or owner), doc.get("lastModifyingUser") == user
        ),
        "shared": len(doc.get("permissions", [])) > 1,
        "ownedByMe": owner == user,
        "capabilities": capabilities(doc, role, owner == user, find),
        "viewersCanCopyContent": True,
        "copyRequiresWriterPermission": bool(doc.get("copyRequiresWriterPermission")),
        "writersCanShare": doc.get("writersCanShare", True),
        "quotaBytesUsed": _quota_bytes(doc),
        "isAppAuthorized": owner == user,
    }
    _optional_fields(body, doc, role)
    if role >= WRITER:
        body["permissions"] = [render_permission(p) for p in doc.get("permissions", [])]
        body["permissionIds"] = [p["id"] for p in doc.get("permissions", [])]
    return body


def render_drive_item(
    doc: Doc, user: str, role: int, parents: list[str], find: Find
) -> dict[str, Any]:
    """A shared-drive item: ``driveId``, no owner, and the fields Drive leaves out there
    (``owners``, ``ownedByMe``, ``shared``, ``writersCanShare``, ``permissions``)."""
    creator = str(doc.get("createdBy") or "")
    grants = access.grants(doc, find)
    body: dict[str, Any] = {
        "kind": "drive#file",
        "id": doc["id"],
        "name": doc["name"],
        "mimeType": doc["mimeType"],
        "starred": bool(doc.get("starred")),
        "trashed": bool(doc.get("trashed")),
        "explicitlyTrashed": bool(doc.get("explicitlyTrashed")),
        "parents": parents,
        "spaces": ["drive"],
        "version": str(doc.get("version", 1)),
        "webViewLink": web_view_link(doc),
        "iconLink": f"https://drive-thirdparty.googleusercontent.com/16/type/{doc['mimeType']}",
        "hasThumbnail": False,
        "thumbnailVersion": "0",
        "viewedByMe": user == creator,
        "createdTime": doc["createdTime"],
        "modifiedTime": doc["modifiedTime"],
        "modifiedByMe": doc.get("lastModifyingUser") == user,
        "lastModifyingUser": drive_user(
            str(doc.get("lastModifyingUser") or creator), doc.get("lastModifyingUser") == user
        ),
        "capabilities": drive_item_capabilities(doc, role, find, user),
        "viewersCanCopyContent": not access.copy_restricted(doc, find),
        "copyRequiresWriterPermission": access.copy_restricted(doc, find),
        "quotaBytesUsed": _quota_bytes(doc),
        "isAppAuthorized": user == creator,
        "driveId": doc["driveId"],
        "teamDriveId": doc["driveId"],
        "hasAugmentedPermissions": bool(doc.get("permissions")),
        "permissionIds": list(dict.fromkeys(g.perm["id"] for g in grants)),
    }
    _optional_fields(body, doc, role)
    return body


def _quota_bytes(doc: Doc) -> str:
    return str(doc.get("size", "1024" if doc["mimeType"] == SPREADSHEET_MIME else "0"))


def _optional_fields(body: dict[str, Any], doc: Doc, role: int) -> None:
    """Keys Google leaves out when they have no value."""
    for key in ("description", "trashedTime", "size", "md5Checksum", "originalFilename"):
        if doc.get(key) is not None:
            body[key] = doc[key]
    for key in ("appProperties", "properties"):
        if doc.get(key):
            body[key] = dict(doc[key])
    if doc.get("trashingUser"):
        body["trashingUser"] = drive_user(str(doc["trashingUser"]), False)
    if doc["mimeType"] == SPREADSHEET_MIME:
        body["exportLinks"] = export_links(doc)


def capabilities(doc: Doc, role: int, owner: bool, find: Find) -> dict[str, bool]:
    """A My Drive file's capabilities: the owner trashes and deletes, writers edit and (unless
    ``writersCanShare`` is off) share, readers copy unless ``copyRequiresWriterPermission``."""
    google_type = doc["mimeType"].startswith(GOOGLE_APPS_PREFIX)
    folder = doc["mimeType"] == FOLDER_MIME
    copy_ok = role >= WRITER or not access.copy_restricted(doc, find)
    return {
        "canAddChildren": folder and role >= 3,
        "canChangeCopyRequiresWriterPermission": owner,
        "canComment": role >= 2,
        "canCopy": not folder and copy_ok,
        "canDelete": owner,
        "canDownload": copy_ok,
        "canEdit": role >= 3,
        "canListChildren": folder,
        "canModifyContent": role >= 3,
        "canReadRevisions": role >= 3,
        "canRemoveChildren": folder and role >= 3,
        "canRename": role >= 3,
        "canShare": access.can_share(doc, role, find),
        "canTrash": owner,
        "canUntrash": owner,
        "canModifyLabels": False,
        "canAcceptOwnership": False,
        "canMoveItemWithinDrive": role >= 3,
        "canChangeViewersCanCopyContent": owner and not google_type,
    }


def render_permission(perm: Doc, *, drive_item: bool = False) -> dict[str, Any]:
    """``pendingOwner`` only exists outside shared drives; ``permissionDetails`` inside."""
    body = {k: v for k, v in perm.items() if not k.startswith("_")}
    body.setdefault("kind", "drive#permission")
    if perm.get("type") in ("user", "group"):
        body["photoLink"] = "https://lh3.googleusercontent.com/a/default-user=s64"
        body["deleted"] = False
    if not drive_item:
        body["pendingOwner"] = False
    return body


def drive_item_capabilities(doc: Doc, role: int, find: Find, user: str) -> dict[str, bool]:
    """What a shared drive's role allows on one of its items (Google's access-level table)."""
    folder = doc["mimeType"] == FOLDER_MIME
    root = access.root_of(doc, find)
    member = root is not None and access.member_role(root, user) > 0
    copy_ok = role >= WRITER or not access.copy_restricted(doc, find)
    return {
        "canAddChildren": folder and role >= WRITER,
        "canAddFolderFromAnotherDrive": folder and role >= ORGANIZER,
        "canChangeCopyRequiresWriterPermission": role >= WRITER,
        "canComment": role >= COMMENTER,
        "canCopy": not folder and copy_ok,
        "canDelete": role >= ORGANIZER,
        "canDeleteChildren": folder and role >= ORGANIZER,
        "canDownload": copy_ok,
        "canEdit": role >= WRITER,
        "canListChildren": folder and role >= READER,
        "canModifyContent": role >= WRITER,
        "canModifyLabels": False,
        "canMoveChildrenOutOfDrive": folder and role >= ORGANIZER,
        "canMoveChildrenWithinDrive": folder and role >= FILE_ORGANIZER,
        "canMoveItemOutOfDrive": role >= ORGANIZER,
        "canMoveItemWithinDrive": role >= FILE_ORGANIZER,
        "canReadDrive": member and role >= READER,
        "canReadRevisions": role >= WRITER,
        "canRemoveChildren": folder and role >= FILE_ORGANIZER,
        "canRename": role >= WRITER,
        "canShare": access.can_share(doc, role, find),
        "canTrash": role >= FILE_ORGANIZER,
        "canTrashChildren": folder and role >= FILE_ORGANIZER,
        "canUntrash": role >= WRITER,
    }


def render_drive(root: Doc, user: str) -> dict[str, Any]:
    """The ``Drive`` resource of a shared drive, seen by one member."""
    role = access.member_role(root, user)
    drive = root["drive"]
    restrictions = dict(drive["restrictions"])
    body: dict[str, Any] = {
        "kind": "drive#drive",
        "id": root["id"],
        "name": root["name"],
        "createdTime": root["createdTime"],
        "hidden": user in drive.get("hiddenFor", []),
        "restrictions": restrictions,
        "capabilities": drive_capabilities(role, restrictions),
    }
    for key in ("colorRgb", "themeId"):
        if drive.get(key):
            body[key] = drive[key]
    return body


def drive_capabilities(role: int, restrictions: dict[str, bool]) -> dict[str, bool]:
    organizer = role >= ORGANIZER
    settable = organizer and not restrictions.get("adminManagedRestrictions")
    copy_ok = role >= WRITER or not restrictions.get("copyRequiresWriterPermission")
    return {
        "canAddChildren": role >= WRITER,
        "canChangeCopyRequiresWriterPermissionRestriction": settable,
        "canChangeDomainUsersOnlyRestriction": settable,
        "canChangeDriveBackground": organizer,
        "canChangeDriveMembersOnlyRestriction": settable,
        "canChangeSharingFoldersRequiresOrganizerPermissionRestriction": settable,
        "canComment": role >= COMMENTER,
        "canCopy": copy_ok,
        "canDeleteChildren": organizer,
        "canDeleteDrive": organizer,
        "canDownload": copy_ok,
        "canEdit": role >= WRITER,
        "canListChildren": role >= READER,
        "canManageMembers": organizer,
        "canReadRevisions": role >= WRITER,
        "canRename": role >= WRITER,
        "canRenameDrive": organizer,
        "canResetDriveRestrictions": settable,
        "canShare": role >= WRITER,
        "canTrashChildren": role >= FILE_ORGANIZER,
    }


def render_v2_file(doc: Doc, user: str, root_id: str) -> dict[str, Any]:
    """The Drive v2 ``File`` answer of the CSV-import upload (gspread's ``import_csv``)."""
    owner = drive_user(str(doc["ownerEmail"]), doc["ownerEmail"] == user)
    v2_user = {
        "displayName": owner["displayName"],
        "kind": "drive#user",
        "isAuthenticatedUser": owner["me"],
        "permissionId": owner["permissionId"],
        "emailAddress": owner["emailAddress"],
        "picture": {"url": owner["photoLink"]},
    }
    self_link = f"https://www.googleapis.com/drive/v2/files/{doc['id']}"
    role = "owner" if doc["ownerEmail"] == user else "writer"
    return {
        "kind": "drive#file",
        "userPermission": {
            "id": "me",
            "type": "user",
            "role": role,
            "kind": "drive#permission",
            "selfLink": f"{self_link}/permissions/me",
            "etag": _etag(doc, "p"),
            "pendingOwner": False,
        },
        "selfLink": self_link,
        "ownerNames": [doc["ownerEmail"]],
        "lastModifyingUserName": doc.get("lastModifyingUser") or doc["ownerEmail"],
        "editable": True,
        "writersCanShare": doc.get("writersCanShare", True),
        "mimeType": doc["mimeType"],
        "exportLinks": export_links(doc),
        "parents": [
            {
                "selfLink": f"{self_link}/parents/{root_id}",
                "id": root_id,
                "isRoot": True,
                "kind": "drive#parentReference",
                "parentLink": f"https://www.googleapis.com/drive/v2/files/{root_id}",
            }
        ],
        "thumbnailLink": f"https://docs.google.com/feeds/vt?gd=true&id={doc['id']}&v=1&sz=s220",
        "appDataContents": False,
        "iconLink": f"https://drive-thirdparty.googleusercontent.com/16/type/{doc['mimeType']}",
        "shared": len(doc.get("permissions", [])) > 1,
        "lastModifyingUser": v2_user,
        "owners": [v2_user],
        "copyable": True,
        "etag": _etag(doc, "f"),
        "alternateLink": f"https://docs.google.com/spreadsheets/d/{doc['id']}/edit?usp=drivesdk",
        "embedLink": f"https://docs.google.com/spreadsheets/d/{doc['id']}/htmlembed?ouid="
        + principal_id(str(doc["ownerEmail"]), "1")[:21],
        "fileSize": "1024",
        "copyRequiresWriterPermission": bool(doc.get("copyRequiresWriterPermission")),
        "spaces": ["drive"],
        "id": doc["id"],
        "title": doc["name"],
        "labels": {
            "viewed": True,
            "restricted": False,
            "starred": bool(doc.get("starred")),
            "hidden": False,
            "trashed": bool(doc.get("trashed")),
        },
        "explicitlyTrashed": bool(doc.get("explicitlyTrashed")),
        "createdDate": doc["createdTime"],
        "modifiedDate": doc["modifiedTime"],
        "modifiedByMeDate": doc["modifiedTime"],
        "lastViewedByMeDate": doc["modifiedTime"],
        "markedViewedByMeDate": "1970-01-01T00:00:00.000Z",
        "quotaBytesUsed": "1024",
        "version": str(doc.get("version", 1)),
        "capabilities": {"canEdit": True, "canCopy": True},
    }


def _etag(doc: Doc, salt: str) -> str:
    return f'"{salt}{doc["id"][:8]}{doc.get("version", 1)}"'
