"""The service's spreadsheets in Drive: found by appProperties (never by name), created with one
``spreadsheets.create``, labelled with one ``files.update``.

A run that dies between the create and the label leaves an unlabelled spreadsheet; the next
listing finds it by the developerMetadata the create carried and labels it, so a re-run never
makes a second workbook for the same team.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from tst_sheets.templates import WorkbookTemplate
from tst_sheets.workspace import Workspace

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
SHEETS_CREATE_URL = "https://sheets.googleapis.com/v4/spreadsheets"
SPREADSHEET_URL = "https://docs.google.com/spreadsheets/d/{id}/edit"
PERMISSION_FIELDS = "id,type,role,emailAddress,domain"
FILE_FIELDS = f"id,name,createdTime,appProperties,permissions({PERMISSION_FIELDS})"
OWNED_SPREADSHEETS = f"mimeType = '{SPREADSHEET_MIME}' and 'me' in owners and trashed = false"
LABEL_KEYS = ("tstKind", "tstProgram", "tstTeamId", "tstTemplate", "tstVersion")


class Permission(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    id: str
    type: str
    role: str
    email_address: str = ""
    domain: str = ""

    @property
    def email(self) -> str:
        return self.email_address.lower()


class DriveFile(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    id: str
    name: str = ""
    created_time: str = ""
    app_properties: dict[str, str] = Field(default_factory=dict)
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
    def version(self) -> int:
        text = self.label("tstVersion")
        return int(text) if text.isdigit() else 0

    @property
    def url(self) -> str:
        return spreadsheet_url(self.id)


def spreadsheet_url(spreadsheet_id: str) -> str:
    return SPREADSHEET_URL.format(id=spreadsheet_id)


def labels(kind: str, program: str, template: WorkbookTemplate, team_id: str = ""
           ) -> dict[str, str]:
    """The stable key every workbook carries, as appProperties and as developerMetadata."""
    out = {"tstKind": kind, "tstProgram": program, "tstTemplate": template.name,
           "tstVersion": str(template.version)}
    if team_id:
        out["tstTeamId"] = team_id
    return out


# --- listing -------------------------------------------------------------------------------


def list_spreadsheets(ws: Workspace) -> list[DriveFile]:
    """Every spreadsheet the service owns, with labels and permissions: one call a page."""
    files: list[DriveFile] = []
    token: str | None = None
    while True:
        page = ws.drive.files().list(
            q=OWNED_SPREADSHEETS, pageSize=1000, pageToken=token,
            fields=f"nextPageToken,files({FILE_FIELDS})",
        ).execute()
        files += [DriveFile.model_validate(item) for item in page.get("files", [])]
        token = page.get("nextPageToken")
        if not token:
            return files


def of_program(files: list[DriveFile], program: str, kind: str) -> list[DriveFile]:
    return [f for f in files if f.kind == kind and f.label("tstProgram") == program]


def unlabelled(files: list[DriveFile]) -> list[DriveFile]:
    return [f for f in files if not f.kind]


def read_metadata(ws: Workspace, spreadsheet_id: str) -> dict[str, str]:
    """The spreadsheet-level developerMetadata (1 Sheets read)."""
    reply = ws.sheets.http_client.request(
        "get", f"{SHEETS_CREATE_URL}/{spreadsheet_id}",
        params={"fields": "developerMetadata(metadataKey,metadataValue)"},
    ).json()
    return {m["metadataKey"]: m.get("metadataValue", "")
            for m in reply.get("developerMetadata", []) if "metadataKey" in m}


def recover(ws: Workspace, files: list[DriveFile], program: str, *, dry_run: bool
            ) -> list[DriveFile]:
    """Unlabelled spreadsheets of ``program`` (a run died before labelling), now labelled.

    Only files whose developerMetadata says they are ours; anything else is left alone.
    """
    found: list[DriveFile] = []
    for item in unlabelled(files):
        meta = read_metadata(ws, item.id)
        if meta.get("tstProgram") != program or not meta.get("tstKind"):
            continue
        props = {k: meta[k] for k in LABEL_KEYS if meta.get(k)}
        if not dry_run:
            set_app_properties(ws, item.id, props)
        found.append(item.model_copy(update={"app_properties": props}))
    return found


# --- writing -------------------------------------------------------------------------------


def create_spreadsheet(ws: Workspace, body: Mapping[str, Any]) -> str:
    """ONE ``spreadsheets.create`` carrying everything; returns the new id."""
    reply = ws.sheets.http_client.request(
        "post", SHEETS_CREATE_URL, json=body, params={"fields": "spreadsheetId"}
    ).json()
    return str(reply["spreadsheetId"])


def set_app_properties(ws: Workspace, file_id: str, props: Mapping[str, str | None]) -> None:
    """One Drive metadata write (a None value removes the key)."""
    ws.drive.files().update(fileId=file_id, body={"appProperties": dict(props)},
                            fields="id").execute()


def trash(ws: Workspace, file_id: str) -> None:
    ws.drive.files().update(fileId=file_id, body={"trashed": True}, fields="id").execute()


def list_permissions(ws: Workspace, file_id: str) -> list[Permission]:
    """Only when the files listing did not carry them."""
    perms: list[Permission] = []
    token: str | None = None
    while True:
        fields = f"nextPageToken,permissions({PERMISSION_FIELDS})"
        page = ws.drive.permissions().list(fileId=file_id, pageToken=token, fields=fields).execute()
        perms += [Permission.model_validate(p) for p in page.get("permissions", [])]
        token = page.get("nextPageToken")
        if not token:
            return perms
