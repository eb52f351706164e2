"""Which files ``files.list`` searches: the ``corpora``, ``driveId`` and
``includeItemsFromAllDrives`` parameters, validated the way Drive validates them.

- ``user`` (the default): My Drive files the caller can find, and with
  ``includeItemsFromAllDrives`` the shared-drive items they created or were given directly
  (membership alone does not put a drive's items here);
- ``drive``: the items of the shared drive ``driveId`` (which needs ``corpora=drive``);
- ``allDrives``: ``user`` plus every shared drive the caller is a member of;
- ``domain``: files shared with the caller's domain and findable (``allowFileDiscovery``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tst_sheets.emulator.drive import access
from tst_sheets.emulator.drive.access import in_shared_drive
from tst_sheets.emulator.drive.models import DriveBackend
from tst_sheets.emulator.drive.shared_drives import drive_not_found
from tst_sheets.emulator.drive.sharing import applies, is_discoverable
from tst_sheets.emulator.errors import drive_error
from tst_sheets.emulator.store import Doc, Transaction

CORPORA = ("user", "domain", "drive", "allDrives")


@dataclass(frozen=True)
class Scope:
    corpora: str
    drive_id: str | None
    include_all_drives: bool


def parse_scope(corpora: str | None, drive_id: str | None, include: bool) -> Scope:
    """The search scope, or Drive's 400/403 for a combination it refuses."""
    corpora = corpora or "user"
    if corpora not in CORPORA:
        raise drive_error(400, "Invalid Value", "invalid", "corpora")
    if bool(drive_id) != (corpora == "drive"):
        raise drive_error(
            400,
            "The driveId parameter must be specified if and only if corpora is set to drive.",
            "teamDriveIdRequiresTeamDriveCorpora",
        )
    if corpora in ("drive", "allDrives") and not include:
        raise drive_error(
            403,
            "The includeItemsFromAllDrives parameter must be set to true when driveId is "
            "specified or corpora contains drive or allDrives.",
            "forbidden",
        )
    return Scope(corpora, drive_id or None, include)


def searchable(backend: DriveBackend, txn: Transaction, user: str, scope: Scope) -> list[Doc]:
    """The files ``scope`` covers that the caller can see."""
    find = backend.finder(txn)
    if scope.drive_id is not None:
        root = find(scope.drive_id)
        if root is None or not access.is_drive_root(root) or not access.member_role(root, user):
            raise drive_not_found(scope.drive_id)
    keep = _corpus(scope, user, find)
    return [
        doc
        for doc in backend.all_files(txn)
        if keep(doc) and access.effective_role(doc, user, find, discoverable=True) > 0
    ]


def _corpus(scope: Scope, user: str, find: access.Find) -> Callable[[Doc], bool]:
    domain = access.domain_of(user)

    def mine(doc: Doc) -> bool:
        """Created by the caller, or reached by a grant that is not membership."""
        if doc.get("createdBy") == user:
            return True
        return any(
            not g.member and applies(g.perm, user, domain) and is_discoverable(g.perm)
            for g in access.grants(doc, find)
        )

    def user_corpus(doc: Doc) -> bool:
        if not in_shared_drive(doc):
            return True
        return scope.include_all_drives and mine(doc)

    def member(doc: Doc) -> bool:
        root = access.root_of(doc, find)
        return root is not None and access.member_role(root, user) > 0

    def shared_with_domain(doc: Doc) -> bool:
        if in_shared_drive(doc) and not scope.include_all_drives:
            return False
        return any(
            g.perm.get("type") == "domain"
            and str(g.perm.get("domain", "")).lower() == domain
            and is_discoverable(g.perm)
            for g in access.grants(doc, find)
        )

    if scope.corpora == "drive":
        return lambda doc: doc.get("driveId") == scope.drive_id
    if scope.corpora == "allDrives":
        return lambda doc: user_corpus(doc) or (in_shared_drive(doc) and member(doc))
    if scope.corpora == "domain":
        return shared_with_domain
    return user_corpus
