"""Sharing I/O that provision and audit share: a file's permissions (listed with it, or asked
for), a sharing plan applied, and the roster's and the roll-up's sweep.

Where Google allows it only the service shares a program file: in a My Drive (``TST_OWNER``)
the service owns the files and sets ``writersCanShare=false``. A shared drive has no such
setting for files (Drive leaves ``writersCanShare`` unpopulated there, "Sharing can't be
restricted by role in shared drives", and setting it answers 403
``teamDrivesSharingRestrictionNotAllowed``): any writer can share, so this sweep (each
``provision``) and ``audit --fix`` are the control.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tst_sheets.jobs import files as drive_files
from tst_sheets.model import DriveFile, Permission, Program
from tst_sheets.model.findings import ROSTER
from tst_sheets.provision.grants import decode_granted, granted_changes
from tst_sheets.provision.sharing import (
    Grant,
    SharingPlan,
    plan_sharing,
    remove_harmful,
    roster_people,
)
from tst_sheets.provision.welcome import roster_message
from tst_sheets.workspace import Workspace

ROLLUP = "rollup"  # Finding.team of the roll-up's sharing findings
Message = Callable[[Grant], str]


def permissions_of(ws: Workspace, file: DriveFile) -> list[Permission]:
    """As listed with the file (a My Drive), else 1 ``permissions.list`` (a shared drive)."""
    if file.permissions is not None:
        return file.permissions
    return ws.drive.list_permissions(file.id)


def sharing_unlocked(ws: Workspace, file: DriveFile) -> bool:
    """A My Drive file its writers can share (as listed), which the service can lock."""
    return file.writers_can_share is True and drive_files.owner_shares_only(ws)


def apply_plan(
    ws: Workspace, file: DriveFile, plan: SharingPlan, message: Message, *, record: bool = True
) -> None:
    """Removals first (a crash then leaves a stale record, never access), then ONE
    ``files.update`` (the grant record; sharing locked where it can be), then the creates.
    ``record`` False: a file whose grant record this plan does not keep."""
    for grant in plan.remove:
        drive_files.remove_permission(ws, file.id, grant.permission_id)
    body: dict[str, Any] = {}
    changes = granted_changes(file.app_properties, plan.granted) if record else {}
    if changes:
        body["appProperties"] = changes
    if sharing_unlocked(ws, file):
        body["writersCanShare"] = False
    if body:
        ws.drive.update_file(file.id, body)
    for grant in plan.create:
        ws.sharing.create_permission(
            file.id, grant.email, grant.role, notify=True, message=message(grant)
        )


@dataclass
class Pending:
    """One file's sharing plan, waiting for the mass-change guard; ``holders`` are who holds
    a direct permission on it (inherited drive members and the owner aside)."""

    file: DriveFile
    plan: SharingPlan
    message: Message
    holders: set[str]
    record: bool = True

    @property
    def losing(self) -> set[str]:
        return {g.email or g.permission_id for g in self.plan.remove}

    def apply(self, ws: Workspace) -> None:
        apply_plan(ws, self.file, self.plan, self.message, record=self.record)


def holders(perms: Sequence[Permission]) -> set[str]:
    """Who holds a direct permission (a link counts as its own holder)."""
    return {p.email or p.id for p in perms if not p.inherited and p.role != "owner"}


def plan_roster(ws: Workspace, program: Program, roster: DriveFile) -> Pending:
    """The roster follows Staff Emails: staff who are drive members already have it; a person
    removed from Staff Emails loses the permission the service gave. An empty Staff Emails (or
    a Program tab that could not be read) removes nobody."""
    wanted = roster_people(program)
    perms = permissions_of(ws, roster)
    plan = plan_sharing(
        ROSTER,
        wanted,
        decode_granted(roster.app_properties),
        perms,
        program,
        ws.identity,
        members_known=bool(program.staff_emails),
        link=roster.url,
    )
    plan.findings = wanted.findings + plan.findings

    def message(grant: Grant) -> str:
        return roster_message(program)

    return Pending(file=roster, plan=plan, message=message, holders=holders(perms))


def plan_rollups(ws: Workspace, program: Program, rollups: Sequence[DriveFile]) -> list[Pending]:
    """Links and outsiders leave the roll-up (its coaches and staff are the rollup job's)."""
    out = []
    for book in rollups:
        perms = permissions_of(ws, book)
        plan = remove_harmful(ROLLUP, perms, program, ws.identity, book.url)
        out.append(
            Pending(file=book, plan=plan, message=_quiet, holders=holders(perms), record=False)
        )
    return out


def _quiet(grant: Grant) -> str:
    return ""  # only removals: nobody is sent anything
