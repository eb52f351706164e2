"""What archiving last year's files changes (pure): who keeps edit access (program staff),
whose per-file grant becomes reader, and the labels and title each file carries from then on.

A shared drive's members keep the role the drive gives them (inherited access is never
lowered on a file); by design they are program staff only. Labels are kept: the archived
files are found again by them (``tstArchived``, ``tstYear``), never by name.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from pydantic import Field

from tst_sheets.model import AutoCamel, Permission
from tst_sheets.model.files import ARCHIVED, ROLE_RANK

FINAL_KIND = "rollup_final"
ARCHIVE_KIND = "archive"  # the year's archive folder
READ_ONLY = "reader"


class Downgrade(AutoCamel):
    email: str
    role: str
    to: str = READ_ONLY
    permission_id: str = Field(default="", exclude=True)


class ArchivedFile(AutoCamel):
    """One of last year's files as the rollover leaves it."""

    kind: str
    id: str
    url: str
    title: str = ""
    team_id: str = ""
    year: str = ""
    downgraded: list[Downgrade] = Field(default_factory=list)


def downgrades(perms: Sequence[Permission], staff: Collection[str]) -> list[Downgrade]:
    """Every grant on the file itself stronger than reader, but staff's: read-only from now
    on. The owner's and the drive's inherited access are not the file's to change."""
    keep = {e.lower() for e in staff}
    out = []
    for perm in perms:
        if perm.role == "owner" or any(d.inherited for d in perm.permission_details):
            continue
        if perm.email in keep or ROLE_RANK.get(perm.role, 0) <= ROLE_RANK["commenter"]:
            continue
        who = perm.email or perm.domain or perm.type
        out.append(Downgrade(email=who, role=perm.role, permission_id=perm.id))
    return out


def archive_labels(year: str) -> dict[str, str | None]:
    """Last year's roster or workbook: still its kind, program and team, now archived."""
    return {"tstYear": year, ARCHIVED: "true"}


def final_labels(year: str) -> dict[str, str | None]:
    """Last year's roll-up: no longer the roll-up any job writes."""
    return {"tstKind": FINAL_KIND, "tstYear": year}


def final_title(program: str, year: str) -> str:
    return f"{program} {year} roll-up (final)"


def archive_folder_name(program: str, year: str) -> str:
    return f"{program} {year} archive"
