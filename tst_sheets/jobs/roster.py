"""The roster spreadsheet's I/O: ONE ``values.batchGet`` of every tab to read it (a second
metadata read only when a tab was renamed or deleted), ONE ``values.batchUpdate`` to write the
few cells the service owns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tst_sheets.errors import ConfigError, GoogleError, RosterUnreadable
from tst_sheets.model import Program
from tst_sheets.model.a1 import absolute_range_name
from tst_sheets.provision.roster import program_cells, setting_cells
from tst_sheets.reading.roster import TEMPLATE, RosterRead, parse_roster
from tst_sheets.reading.values import CellValue
from tst_sheets.templates import WorkbookTemplate, load_template
from tst_sheets.workspace import Workspace


def roster_template(ws: Workspace) -> WorkbookTemplate:
    return load_template(TEMPLATE, ws.settings.templates_dir)


# A tab a rule names when it cannot be read whole: missing, headerless, a required column gone.
WHOLE_TAB_RULES = frozenset({"roster.tab_missing", "roster.no_header", "roster.column_missing"})


def read_roster(
    ws: Workspace, roster_id: str, needs: Sequence[str] = (), job: str = ""
) -> RosterRead:
    """The program the roster describes, what is wrong with it, and where things are.

    A roster that is not there, or not shared with the service, is a ``ConfigError``; so is
    one whose ``needs`` tabs (template keys) cannot be read whole: ``job`` then writes nothing
    (a renamed Events tab must not read as "every event was deleted").
    """
    try:
        read = _read_roster(ws, roster_id)
    except GoogleError as error:
        if error.status not in (403, 404):
            raise
        raise ConfigError(
            f"The roster {roster_id} cannot be opened as {ws.identity} (HTTP {error.status}): "
            f"check TST_ROSTER_ID (or --roster), and share the roster with {ws.identity} as an "
            "Editor."
        ) from error
    require_tabs(read, needs, job)
    return read


def require_tabs(read: RosterRead, needs: Sequence[str], job: str) -> None:
    """Stop ``job`` when a tab it depends on cannot be read whole (one line: where, what)."""
    titles = {read.tabs[k].title if k in read.tabs else k for k in needs}
    broken = [
        f
        for f in read.findings
        if f.rule in WHOLE_TAB_RULES and f.severity == "error" and f.tab in titles
    ]
    if not broken:
        return
    first = broken[0]
    more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
    raise RosterUnreadable(
        f"The roster's {first.where} cannot be read whole: found {first.found}, expected "
        f"{first.expected}{more}. {job or 'The job'} changed nothing; fix the roster and run "
        "again."
    )


def _read_roster(ws: Workspace, roster_id: str) -> RosterRead:
    template = roster_template(ws)
    titles = {tab.key: tab.title for tab in template.tabs}
    try:
        grids = _batch_get(ws, roster_id, titles)
        sheet_ids = {tab.key: tab.sheet_id for tab in template.tabs}
    except GoogleError as error:
        if error.status != 400:  # 400: a range names a tab that is not there
            raise
        titles, sheet_ids = _actual_titles(ws, roster_id, template)
        grids = _batch_get(ws, roster_id, titles) if titles else {}
    return parse_roster(roster_id, grids, template, titles, sheet_ids)


def _batch_get(
    ws: Workspace, spreadsheet_id: str, titles: Mapping[str, str]
) -> dict[str, list[list[CellValue]]]:
    keys = list(titles)
    ranges = ws.sheets.values_batch_get(
        spreadsheet_id, [absolute_range_name(titles[k]) for k in keys]
    )
    return {key: r.get("values", []) for key, r in zip(keys, ranges, strict=False)}


def _actual_titles(
    ws: Workspace, spreadsheet_id: str, template: WorkbookTemplate
) -> tuple[dict[str, str], dict[str, int]]:
    """The tabs the roster really has, matched to the template by title and alias."""
    meta = ws.sheets.get(spreadsheet_id, "sheets.properties(sheetId,title)")
    titles: dict[str, str] = {}
    ids: dict[str, int] = {}
    for sheet in meta.get("sheets", []):
        props = sheet.get("properties", {})
        spec = template.find_tab(str(props.get("title", "")))
        if spec is not None and spec.key not in titles:
            titles[spec.key] = str(props["title"])
            ids[spec.key] = int(props.get("sheetId", 0))
    return titles, ids


def write_cells(ws: Workspace, roster_id: str, cells: Mapping[str, str]) -> None:
    """ONE values.batchUpdate, RAW (a value is never evaluated as a formula)."""
    if cells:
        ws.sheets.values_batch_update(roster_id, {a1: [[value]] for a1, value in cells.items()})


def record_setting(ws: Workspace, read: RosterRead, key: str, value: str) -> None:
    """Write one service-owned setting (the roll-up's id, the program calendar's)."""
    write_cells(ws, read.program.roster_id, setting_cells(read, roster_template(ws), key, value))


def write_program(ws: Workspace, roster_id: str, program: Program) -> None:
    """Overwrite the roster's settings, coaches, teams and events with ``program`` (one read,
    one write). For the demo and tests: staff normally edit the roster by hand."""
    read = read_roster(ws, roster_id)
    write_cells(ws, roster_id, program_cells(read, roster_template(ws), program))
