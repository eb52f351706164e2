"""The program's files in Drive: where they live, found by their labels (never by name), and
created labelled.

On Google a service account owns no files: the program lives in a shared drive
(``TST_DRIVE_FOLDER``: the drive or a folder in it, where the service is a Content manager),
or the service acts as a staff user who owns them (``TST_OWNER``). A file is created with ONE
Drive ``files.create`` in that folder, its labels in the same call, then ONE Sheets
``batchUpdate`` lays out every tab. Neither is ever sent twice blindly: after an answer lost
on the way back, the file is looked up by its labels and the layout by its tabs (``once``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from tst_sheets.errors import ConfigError, GoogleError
from tst_sheets.model import DriveFile, Program
from tst_sheets.model.a1 import id_from_url
from tst_sheets.model.files import (
    ARCHIVED,
    FOLDER_MIME,
    SPREADSHEET_MIME,
    Permission,
    PermissionDetail,
    of_program,
)
from tst_sheets.templates.create import layout_requests
from tst_sheets.workspace import Workspace, once

SPREADSHEETS = f"mimeType = '{SPREADSHEET_MIME}' and trashed = false"
MY_SPREADSHEETS = f"{SPREADSHEETS} and 'me' in owners"
HOME_FIELDS = "id,name,mimeType,driveId"


class Home(BaseModel):
    """Where the program's files live: a folder (or a shared drive's root) and its drive."""

    folder_id: str | None = None  # None: the owner's My Drive
    drive_id: str | None = None  # None: not in a shared drive


def no_home(ws: Workspace) -> ConfigError:
    return ConfigError(
        f"TST_DRIVE_FOLDER is not set: {ws.identity} is a service account and owns no files. "
        "Set TST_DRIVE_FOLDER to the program's shared drive (or a folder in it) where it is a "
        "Content manager, or TST_OWNER to the staff user it acts as."
    )


def program_home(ws: Workspace) -> Home:
    """The configured home, checked once per connection (1 Drive read with a folder)."""
    if "home" not in ws.memo:
        ws.memo["home"] = _find_home(ws)
    home: Home = ws.memo["home"]
    return home


def _find_home(ws: Workspace) -> Home:
    folder = ws.settings.drive_folder
    if not folder:
        if ws.is_service_account and not ws.settings.owner:
            raise no_home(ws)
        return Home()
    try:
        found = ws.drive.get_file(folder, HOME_FIELDS)
    except GoogleError as error:
        if error.status not in (403, 404):
            raise
        raise ConfigError(
            f"TST_DRIVE_FOLDER {folder} cannot be opened as {ws.identity}: check the id, and make "
            f"{ws.identity} a Content manager of the shared drive (Manage members)."
        ) from error
    if found.mime_type != FOLDER_MIME:
        raise ConfigError(f"TST_DRIVE_FOLDER {folder} is a file, not a shared drive or folder.")
    if ws.is_service_account and not found.drive_id:
        raise ConfigError(
            f"TST_DRIVE_FOLDER {folder} is in someone's My Drive: a service account can create "
            "files only in a shared drive. Use a shared drive (or a folder in one)."
        )
    return Home(folder_id=found.id, drive_id=found.drive_id or None)


def inherited_permissions(ws: Workspace) -> list[Permission]:
    """What every new file in the home inherits (the shared drive's members, the folder's
    sharing): 1 Drive read per connection, so a new file's sharing plan knows who already
    has access without listing each file."""
    if "inherited" not in ws.memo:
        home = program_home(ws)
        found: list[Permission] = []
        if home.drive_id and home.folder_id:
            found = ws.drive.list_permissions(home.folder_id)
        ws.memo["inherited"] = [_as_inherited(p) for p in found]
    inherited: list[Permission] = ws.memo["inherited"]
    return inherited


def _as_inherited(permission: Permission) -> Permission:
    detail = PermissionDetail(permission_type="member", role=permission.role, inherited=True)
    return permission.model_copy(update={"permission_details": [detail]})


def list_program_files(ws: Workspace) -> list[DriveFile]:
    """Every spreadsheet of the program's home, with labels and modifiedTime (permissions
    too in a My Drive; a shared drive lists them per file)."""
    home = program_home(ws)
    if home.drive_id:
        return ws.drive.list_files(SPREADSHEETS, drive_id=home.drive_id)
    return ws.drive.list_files(MY_SPREADSHEETS)


def find_roster(ws: Workspace, files: Sequence[DriveFile] | None = None) -> str:
    """The program's roster by its Drive labels (when no id is given): this year's, the one
    with the latest ``tstYear`` (last year's is archived by the rollover)."""
    program = ws.settings.program
    listed = list(files) if files is not None else list_program_files(ws)
    found = of_program(listed, program, "roster")
    if not found:
        raise ConfigError(
            f"No roster for program {program!r}: run `tst-sheets init`, "
            "or set TST_ROSTER_ID (or pass --roster)."
        )
    return latest(found).id


def latest(files: Sequence[DriveFile]) -> DriveFile:
    """The file of the latest school year (no year: the oldest), the first made among equals."""
    oldest_first = sorted(files, key=lambda f: (f.created_time, f.id))
    return max(oldest_first, key=lambda f: f.year)  # "2027-28" > "2026-27" > ""


def owner_shares_only(ws: Workspace) -> bool:
    """Whether program files can be set so only the service shares them: in a My Drive
    (``TST_OWNER``) by ``writersCanShare=false``, when the sharer (``TST_SUBJECT``) is the
    owner itself. Google ignores the setting for a shared drive's files."""
    home = program_home(ws)
    return home.drive_id is None and bool(ws.sharer) and ws.sharer.lower() == ws.identity.lower()


def create_labelled(ws: Workspace, body: Mapping[str, Any], props: Mapping[str, str]) -> str:
    """A new spreadsheet in the program's home: ONE Drive create carrying its labels (and,
    where Google allows it, sharing kept to the owner), then ONE batchUpdate laying out every
    tab of ``body`` (a ``spreadsheets.create`` body)."""
    title = str(body["properties"]["title"])
    made = _create_once(ws, title, SPREADSHEET_MIME, props)
    lay_out(
        ws, made.id, layout_requests(body), [str(s["properties"]["title"]) for s in body["sheets"]]
    )
    return made.id


def create_folder_labelled(ws: Workspace, name: str, props: Mapping[str, str]) -> str:
    """A new folder in the program's home (e.g. a year's archive), found by its labels
    after a lost answer like every create."""
    return _create_once(ws, name, FOLDER_MIME, props).id


def _create_once(ws: Workspace, title: str, mime: str, props: Mapping[str, str]) -> DriveFile:
    """ONE Drive create in the home; after an ambiguous answer, the file its labels find."""
    home = program_home(ws)
    parents = [home.folder_id] if home.folder_id else []
    lock = False if owner_shares_only(ws) and mime == SPREADSHEET_MIME else None
    return once(
        lambda: ws.drive.create_file(title, mime, parents, props, writers_can_share=lock),
        lambda: find_labelled(ws, props),
        ws.policy,
    )


def find_labelled(ws: Workspace, props: Mapping[str, str]) -> DriveFile | None:
    """The oldest live file carrying every one of ``props`` (1 Drive read), if any; last
    year's archived files are not this year's."""
    terms = [
        f"appProperties has {{ key='{k}' and value='{_quoted(v)}' }}" for k, v in props.items()
    ]
    home = program_home(ws)
    found = ws.drive.list_files(" and ".join([*terms, "trashed = false"]), drive_id=home.drive_id)
    live = [f for f in found if not f.archived or ARCHIVED in props]
    return min(live, key=lambda f: (f.created_time, f.id)) if live else None


def _quoted(value: str) -> str:
    """A value inside a Drive query's single quotes (Drive's escapes: \\ and \\')."""
    return value.replace("\\", "\\\\").replace("'", "\\'")


def lay_out(
    ws: Workspace, book_id: str, requests: list[dict[str, Any]], titles: Sequence[str]
) -> None:
    """ONE structural batchUpdate; after a lost answer, its tabs say whether it applied."""

    def applied() -> dict[str, Any] | None:
        have = {
            s["properties"]["title"]
            for s in ws.sheets.get(book_id, "sheets.properties.title").get("sheets", [])
        }
        return {} if set(titles) <= have else None

    once(lambda: ws.sheets.batch_update(book_id, requests), applied, ws.policy)


def remove_permission(ws: Workspace, file_id: str, permission_id: str) -> None:
    """``permissions.delete``; a 404 (gone already: a retry after a lost answer, or removed
    by hand meanwhile) is what was wanted."""
    try:
        ws.drive.delete_permission(file_id, permission_id)
    except GoogleError as error:
        if error.status != 404:
            raise


def set_labels(ws: Workspace, file_id: str, props: Mapping[str, str | None]) -> None:
    """One Drive metadata write (a None value removes the key)."""
    ws.drive.update_file(file_id, {"appProperties": dict(props)})


def trash(ws: Workspace, file_id: str) -> None:
    ws.drive.update_file(file_id, {"trashed": True})


def team_books(files: Sequence[DriveFile], program: Program) -> dict[str, DriveFile]:
    """Each team's workbook by lower-cased team id: the roster's recorded one, else the first
    made (a retried create may have left a second)."""
    recorded = {id_from_url(t.sheet_url) for t in program.teams}
    books = of_program(list(files), program.name, "team")
    books.sort(key=lambda f: (f.id not in recorded, f.created_time, f.id))
    out: dict[str, DriveFile] = {}
    for book in books:
        out.setdefault(book.team_id.lower(), book)
    return out
