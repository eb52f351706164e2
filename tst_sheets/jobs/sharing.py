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
        ws.drive.delete_permission(file.id, grant.permission_id)
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


def share_roster(ws: Workspace, program: Program, roster: DriveFile, dry_run: bool) -> SharingPlan:
    """The roster follows Staff Emails: staff who are drive members already have it; a person
    removed from Staff Emails loses the permission the service gave. An empty Staff Emails (or
    a Program tab that could not be read) removes nobody."""
    wanted = roster_people(program)
    plan = plan_sharing(
        ROSTER,
        wanted,
        decode_granted(roster.app_properties),
        permissions_of(ws, roster),
        program,
        ws.identity,
        members_known=bool(program.staff_emails),
        link=roster.url,
    )
    plan.findings = wanted.findings + plan.findings
    if not dry_run:
        apply_plan(ws, roster, plan, lambda grant: roster_message(program))
    return plan


def sweep_rollups(
    ws: Workspace, program: Program, rollups: Sequence[DriveFile], dry_run: bool
) -> SharingPlan:
    """Links and outsiders leave the roll-up at once (its coaches and staff are the rollup
    job's to keep)."""
    out = SharingPlan()
    for book in rollups:
        plan = remove_harmful(ROLLUP, permissions_of(ws, book), program, ws.identity, book.url)
        if not dry_run:
            apply_plan(ws, book, plan, lambda grant: "", record=False)
        out.remove += plan.remove
        out.findings += plan.findings
    return out
