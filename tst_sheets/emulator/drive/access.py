"""Who may do what in Drive: roles, service accounts, inheritance, shared-drive restrictions.

Roles rank ``reader < commenter < writer < fileOrganizer < organizer``; ``owner`` ranks with
``organizer``. A file's role for a caller is the highest grant on the file or on any folder
above it; in a shared drive the drive's own permissions (its members) sit on the top folder
and so reach every item: access there is "strictly expansive", a grant lower down can add
to membership but never take from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tst_sheets.emulator.drive.sharing import applies, is_discoverable
from tst_sheets.emulator.store import Doc

READER, COMMENTER, WRITER, FILE_ORGANIZER, ORGANIZER = 1, 2, 3, 4, 5
ROLE_RANK: dict[str, int] = {
    "reader": READER,
    "commenter": COMMENTER,
    "writer": WRITER,
    "fileOrganizer": FILE_ORGANIZER,
    "organizer": ORGANIZER,
    "owner": ORGANIZER,
}
RANK_ROLE = {rank: role for role, rank in ROLE_RANK.items() if role != "owner"}

Find = Callable[[str], Doc | None]


def domain_of(email: str) -> str:
    return email.lower().rpartition("@")[2]


def in_shared_drive(doc: Doc) -> bool:
    return bool(doc.get("driveId"))


def is_drive_root(doc: Doc) -> bool:
    return bool(doc.get("isDriveRoot"))


@dataclass(frozen=True)
class Grant:
    """One permission that reaches a file: where it sits, and whether it is membership."""

    perm: Doc
    holder: str  # id of the item (or shared drive) carrying it
    inherited: bool
    member: bool


def chain(doc: Doc, find: Find) -> Iterator[Doc]:
    """The item, then every folder above it (each once; My Drive items may have several)."""
    seen: set[str] = set()
    todo = [doc]
    while todo:
        current = todo.pop(0)
        if current["id"] in seen:
            continue
        seen.add(current["id"])
        yield current
        for parent_id in current.get("parents", []):
            parent = find(parent_id)
            if parent is not None:
                todo.append(parent)


def grants(doc: Doc, find: Find) -> list[Grant]:
    """Every permission reaching ``doc``: its own first, then inherited ones upwards."""
    found = []
    for item in chain(doc, find):
        member = is_drive_root(item)
        for perm in item.get("permissions", []):
            found.append(Grant(perm, item["id"], item is not doc, member))
    return found


def root_of(doc: Doc, find: Find) -> Doc | None:
    """The top folder (the drive itself) of a shared-drive item."""
    drive_id = doc.get("driveId")
    return find(str(drive_id)) if drive_id else None


def member_role(root: Doc, user: str) -> int:
    """The caller's membership role in a shared drive (0 when not a member)."""
    return _best(root.get("permissions", []), user, discoverable=False)


def effective_role(doc: Doc, user: str, find: Find, *, discoverable: bool = False) -> int:
    """The caller's role on ``doc``, with the drive's restrictions applied.

    ``discoverable`` drops link-only grants (domain or anyone without allowFileDiscovery):
    they open a file by id but never list it, as on Google.
    """
    best = 0
    for item in chain(doc, find):
        best = max(best, _best(item.get("permissions", []), user, discoverable))
    root = root_of(doc, find)
    if root is None or best == 0:
        return best
    restrictions = restrictions_of(root)
    if restrictions.get("domainUsersOnly") and domain_of(user) != root["drive"]["domain"]:
        return 0
    if restrictions.get("driveMembersOnly") and member_role(root, user) == 0:
        return 0
    return best


def _best(perms: list[Doc], user: str, discoverable: bool) -> int:
    domain = domain_of(user)
    best = 0
    for perm in perms:
        if discoverable and not is_discoverable(perm):
            continue
        if applies(perm, user, domain):
            best = max(best, ROLE_RANK.get(str(perm.get("role", "")), 0))
    return best


def restrictions_of(root: Doc) -> dict[str, bool]:
    return dict(root.get("drive", {}).get("restrictions", {}))


def copy_restricted(doc: Doc, find: Find) -> bool:
    """``copyRequiresWriterPermission`` of the file, or forced on by its shared drive."""
    root = root_of(doc, find)
    forced = root is not None and restrictions_of(root).get("copyRequiresWriterPermission")
    return bool(doc.get("copyRequiresWriterPermission") or forced)


def can_share(doc: Doc, role: int, find: Find) -> bool:
    """Shared drives: writers share files; folders need an organizer, or a file organizer
    unless ``sharingFoldersRequiresOrganizerPermission``. My Drive: writers, unless the
    owner turned ``writersCanShare`` off."""
    root = root_of(doc, find)
    if root is None:
        return role >= ORGANIZER or (role >= WRITER and doc.get("writersCanShare", True))
    if doc.get("mimeType") != "application/vnd.google-apps.folder":
        return role >= WRITER
    if restrictions_of(root).get("sharingFoldersRequiresOrganizerPermission"):
        return role >= ORGANIZER
    return role >= FILE_ORGANIZER
