"""``files.update`` bodies: which fields may be written, and how each one changes a file.

Custom properties follow Google's limits ("Add custom file properties"): at most 30
``appProperties`` and 30 ``properties`` per file, 100 in all, and each key plus value at most
124 bytes in UTF-8.
"""

from __future__ import annotations

from typing import Any

from tst_sheets.emulator.clock import parse_rfc3339, rfc3339
from tst_sheets.emulator.errors import drive_error
from tst_sheets.emulator.store import Doc

PROPERTY_BYTES, PROPERTIES_PER_KIND, PROPERTIES_PER_FILE = 124, 30, 100

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


def role_needed(patch: dict[str, Any], moves: list[str]) -> str:
    """Starring or marking viewed is open to readers; everything else needs writer."""
    if moves or set(patch) - {"starred", "viewedByMeTime"}:
        return "writer"
    return "reader"


def apply_patch(doc: Doc, patch: dict[str, Any], user: str, stamp: str) -> bool:
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
            check_properties(doc)
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


def clean_properties(props: Any) -> dict[str, str]:
    if not isinstance(props, dict):
        return {}
    return {str(k): str(v) for k, v in props.items() if v is not None}


def check_properties(doc: Doc) -> None:
    """Google's limits on custom properties (the error wording is the emulator's own)."""
    total = 0
    for key in ("appProperties", "properties"):
        props = doc.get(key) or {}
        total += len(props)
        if len(props) > PROPERTIES_PER_KIND:
            raise drive_error(
                400, f"A file can have at most {PROPERTIES_PER_KIND} {key}.", "badRequest"
            )
        for name, value in props.items():
            if len(f"{name}{value}".encode()) > PROPERTY_BYTES:
                raise drive_error(
                    400,
                    f"The property '{name}' is too large: a key and its value may take at most "
                    f"{PROPERTY_BYTES} bytes.",
                    "badRequest",
                )
    if total > PROPERTIES_PER_FILE:
        raise drive_error(
            400, f"A file can have at most {PROPERTIES_PER_FILE} properties.", "badRequest"
        )
