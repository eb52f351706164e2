"""The program's files in Drive: found by their labels (never by name), created labelled, and
recovered when a run died between a create and its labels.

A run that dies between ``spreadsheets.create`` and ``files.update`` leaves an unlabelled
spreadsheet; the next listing finds it by the developerMetadata the create carried and labels
it, so a re-run never makes a second workbook for the same team.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tst_sheets.errors import ConfigError
from tst_sheets.model import DriveFile, Program
from tst_sheets.model.a1 import id_from_url
from tst_sheets.model.files import LABEL_KEYS, SPREADSHEET_MIME, of_program
from tst_sheets.workspace import Workspace

OWNED_SPREADSHEETS = f"mimeType = '{SPREADSHEET_MIME}' and 'me' in owners and trashed = false"


def list_program_files(ws: Workspace) -> list[DriveFile]:
    """Every spreadsheet the service owns, with labels, modifiedTime and permissions."""
    return ws.drive.list_files(OWNED_SPREADSHEETS)


def find_roster(ws: Workspace, files: Sequence[DriveFile] | None = None) -> str:
    """The program's roster by its Drive labels (when no id is given)."""
    program = ws.settings.program
    listed = list(files) if files is not None else list_program_files(ws)
    found = of_program(listed, program, "roster")
    if not found:
        raise ConfigError(
            f"No roster for program {program!r}: run `tst-sheets init`, "
            "or set TST_ROSTER_ID (or pass --roster)."
        )
    return found[0].id


def read_metadata(ws: Workspace, spreadsheet_id: str) -> dict[str, str]:
    """The spreadsheet-level developerMetadata (1 Sheets read)."""
    reply = ws.sheets.get(spreadsheet_id, "developerMetadata(metadataKey,metadataValue)")
    return {
        m["metadataKey"]: m.get("metadataValue", "")
        for m in reply.get("developerMetadata", [])
        if "metadataKey" in m
    }


def recover(
    ws: Workspace, files: Sequence[DriveFile], program: str, *, dry_run: bool
) -> list[DriveFile]:
    """Unlabelled spreadsheets of ``program`` (a run died before labelling), now labelled.

    Only files whose developerMetadata says they are ours; anything else is left alone.
    """
    found: list[DriveFile] = []
    for item in (f for f in files if not f.kind):
        meta = read_metadata(ws, item.id)
        if meta.get("tstProgram") != program or not meta.get("tstKind"):
            continue
        props = {k: meta[k] for k in LABEL_KEYS if meta.get(k)}
        if not dry_run:
            set_labels(ws, item.id, props)
        found.append(item.model_copy(update={"app_properties": props}))
    return found


def create_labelled(ws: Workspace, body: Mapping[str, Any], props: Mapping[str, str | None]) -> str:
    """ONE ``spreadsheets.create`` carrying everything, then ONE ``files.update`` labelling it."""
    spreadsheet_id = ws.sheets.create(body)
    set_labels(ws, spreadsheet_id, props)
    return spreadsheet_id


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
