"""What every job does the same way: which roster, which date, which templates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from tst_sheets.errors import ConfigError
from tst_sheets.jobs.files import find_roster
from tst_sheets.model import DriveFile, Program
from tst_sheets.model.a1 import ID_ALPHABET, is_google_id
from tst_sheets.templates import WorkbookTemplate, load_template
from tst_sheets.workspace import Workspace, once

TEAM_TEMPLATE = "team_workbook"


def roster_id_of(
    ws: Workspace, roster_id: str | None = None, files: Sequence[DriveFile] | None = None
) -> str:
    """The roster: the one asked for, else ``TST_ROSTER_ID``, else found by its Drive labels
    (among ``files`` when the job has listed them already)."""
    if roster_id and not is_google_id(roster_id):
        raise ConfigError(
            f"--roster {roster_id[:80]!r} is not a Google file id ({ID_ALPHABET} only): "
            "pass the id from the roster's URL, or leave it out to find the roster by its labels."
        )
    return roster_id or ws.settings.roster_id or find_roster(ws, files)


def today_of(ws: Workspace, program: Program) -> date:
    """The service's today: ``TST_AS_OF`` (a deployment's or the demo's clock), else the
    program's today in its own time zone. Any other as-of date is a what-if."""
    return ws.settings.as_of or program.today()


def as_of_date(ws: Workspace, program: Program, as_of: date | None = None) -> date:
    """The date commitments are checked as of: asked for, else today (``today_of``)."""
    return as_of or today_of(ws, program)


def team_template(ws: Workspace) -> WorkbookTemplate:
    return load_template(TEAM_TEMPLATE, ws.settings.templates_dir)


def resend_if_lost(ws: Workspace, spreadsheet_id: str, requests: list[dict[str, Any]]) -> None:
    """One ``batchUpdate`` that may be sent twice (values and sizes, or blank rows): the
    transport never resends a batchUpdate after a lost answer, so this sends it again."""
    once(lambda: ws.sheets.batch_update(spreadsheet_id, requests), lambda: None, ws.policy)
