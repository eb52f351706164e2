"""The program's files in Drive as the service sees them: labels, permissions, who owns what.

Every file the service makes carries a stable key in Drive ``appProperties`` (and the same
keys as spreadsheet developerMetadata): ``tstKind`` (roster, team, rollup, report; after a
rollover rollup_final, and archive for the archive folder), ``tstProgram``, ``tstTeamId``,
``tstTemplate``, ``tstVersion``, ``tstYear`` (the school year it serves, "2026-27"; files
made before there were years have none) and, for a dated file (the Impact Report),
``tstAsOf``. A rollover marks last year's roster and workbooks ``tstArchived``: no job
finds them as the program's own any more. Files are found by these, never by name.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from tst_sheets.model.a1 import spreadsheet_url

LABEL_KEYS = (
    "tstKind",
    "tstProgram",
    "tstTeamId",
    "tstTemplate",
    "tstVersion",
    "tstYear",
    "tstAsOf",
    "tstArchived",
)
ARCHIVED = "tstArchived"  # last year's: kept, read-only, found by no job as this year's
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"


# Drive's roles, weakest first: access through a shared drive's membership is "strictly
# expansive", so a role at least as strong as the one wanted already is what is wanted.
ROLE_RANK = {
    "reader": 0,
    "commenter": 1,
    "writer": 2,
    "fileOrganizer": 3,
    "organizer": 4,
    "owner": 5,
}


class PermissionDetail(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    permission_type: str = ""
    role: str = ""
    inherited: bool = False
    inherited_from: str = ""


class Permission(BaseModel):
    """One Drive permission (a person, a group, a domain or "anyone")."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    id: str
    type: str
    role: str
    email_address: str = ""
    domain: str = ""
    permission_details: list[PermissionDetail] = Field(default_factory=list)

    @property
    def email(self) -> str:
        return self.email_address.lower()

    @property
    def inherited(self) -> bool:
        """From a shared drive's membership only: nobody can remove it from the file."""
        return bool(self.permission_details) and all(d.inherited for d in self.permission_details)

    def at_least(self, role: str) -> bool:
        return ROLE_RANK.get(self.role, -1) >= ROLE_RANK.get(role, 99)


class Drive(BaseModel):
    """A shared drive (the organisation owns its files; people are its members)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    id: str
    name: str = ""
    restrictions: dict[str, bool] = Field(default_factory=dict)


class DriveFile(BaseModel):
    """A file as Drive lists it, with the fields the jobs ask for."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    id: str
    name: str = ""
    mime_type: str = ""
    drive_id: str = ""
    parents: list[str] = Field(default_factory=list)
    created_time: str = ""
    modified_time: str = ""
    app_properties: dict[str, str] = Field(default_factory=dict)
    capabilities: dict[str, bool] = Field(default_factory=dict)
    writers_can_share: bool | None = None  # None: not reported (a shared drive's file)
    permissions: list[Permission] | None = None  # None: not listed with the file

    def label(self, key: str) -> str:
        return self.app_properties.get(key, "")

    @property
    def kind(self) -> str:
        return self.label("tstKind")

    @property
    def team_id(self) -> str:
        return self.label("tstTeamId")

    @property
    def year(self) -> str:
        """The school year the file serves ("" : made before files had years)."""
        return self.label("tstYear")

    @property
    def archived(self) -> bool:
        return bool(self.label(ARCHIVED))

    @property
    def version(self) -> int:
        text = self.label("tstVersion")
        return int(text) if text.isdigit() else 0

    @property
    def url(self) -> str:
        return spreadsheet_url(self.id)


def labels(
    kind: str, program: str, template: str, version: int, team_id: str = "", year: str = ""
) -> dict[str, str]:
    """The stable key a file carries, as appProperties and as developerMetadata."""
    out = {
        "tstKind": kind,
        "tstProgram": program,
        "tstTemplate": template,
        "tstVersion": str(version),
    }
    if team_id:
        out["tstTeamId"] = team_id
    if year:
        out["tstYear"] = year
    return out


def of_program(files: list[DriveFile], program: str, kind: str) -> list[DriveFile]:
    """The program's live files of a kind: last year's (archived by a rollover) are not."""
    return [f for f in all_of_program(files, program, kind) if not f.archived]


def all_of_program(files: list[DriveFile], program: str, kind: str) -> list[DriveFile]:
    """Every file of the program of a kind, archived ones too."""
    return [f for f in files if f.kind == kind and f.label("tstProgram") == program]
