"""One team workbook's values → ``TeamRecord`` + findings. Pure: values in, model out.

The values come from ONE ``values.batchGet`` of every tab (``ranges_to_read``) with
``UNFORMATTED_VALUE`` and ``SERIAL_NUMBER`` dates. Columns are found by header text through the
template, so moved, added or blank columns, blank rows, rows inserted above the header and the
template's example rows change nothing. Whatever cannot be read becomes a finding on its cell.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from tst_sheets.model import (
    CoachingSession,
    DataPoint,
    DateRange,
    Goal,
    Meeting,
    Member,
    PrincipalCheckIn,
    Row,
    Sprint,
    TabRead,
    TeamRecord,
    WorkPlanStep,
)
from tst_sheets.model.a1 import (
    absolute_range_name,
    column_letter,
    range_start,
    range_title,
    rowcol_to_a1,
)
from tst_sheets.model.text import normalize
from tst_sheets.reading.cells import CellReader, read_cell
from tst_sheets.reading.values import (
    CellValue,
    as_text,
    is_blank,
)
from tst_sheets.templates import (
    ColumnSpec,
    HeaderMatch,
    TabSpec,
    WorkbookTemplate,
    find_header,
    is_example_row,
)

# The whole tab: Google answers 400 "exceeds grid limits" to a range past the tab's last column,
# and a TL may add or delete columns, so no fixed width is safe. "" makes a title-only range.
READ_COLUMNS = ""

# template tab key → (TeamRecord field, row model)
TAB_MODELS: dict[str, tuple[str, type[Row]]] = {
    "team": ("members", Member),
    "goals": ("goals", Goal),
    "work_plan": ("work_plan", WorkPlanStep),
    "meetings": ("meetings", Meeting),
    "coaching": ("coaching", CoachingSession),
    "checkins": ("checkins", PrincipalCheckIn),
    "data": ("data", DataPoint),
    "sprints": ("sprints", Sprint),
}
HEADING_ONLY = {"work_plan": "goal"}  # seed 003's "Goal 1: …" rows head a block of steps


def data_tabs(template: WorkbookTemplate) -> list[TabSpec]:
    """The tabs a team types into and the service reads back."""
    return [t for t in template.tabs if t.key in TAB_MODELS and t.owner == "team"]


def ranges_to_read(
    template: WorkbookTemplate, titles: Mapping[str, str] | None = None
) -> list[str]:
    """One whole-tab range per data tab, titles quoted, for ONE ``values.batchGet``.

    ``titles`` (tab key → title actually in the workbook) reads tabs a TL renamed to an alias.
    """
    titles = titles or {}
    return [
        absolute_range_name(titles.get(t.key, t.title), READ_COLUMNS) for t in data_tabs(template)
    ]


def match_titles(
    template: WorkbookTemplate,
    existing: Sequence[str],
    tab_keys: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Tab key → the workbook's own title for it: first the tab the service marked as that
    key (``tab_keys``: title → its ``tstTab`` metadata), whatever a TL renamed it to; then the
    exact title; then any alias."""
    keys = {tab.key for tab in template.tabs}
    found: dict[str, str] = {}
    for title, key in (tab_keys or {}).items():
        if title in existing and key in keys and key not in found:
            found[key] = title
    taken = set(found.values())
    for title in sorted(existing, key=lambda t: all(t != s.title for s in template.tabs)):
        tab = template.find_tab(title)
        if tab is not None and tab.key not in found and title not in taken:
            found[tab.key] = title
    return found


class _Grid(BaseModel):
    """One tab's values as read, and where they start on the sheet."""

    title: str
    values: list[list[Any]]
    first_row: int = 1
    first_col: int = 1

    def a1(self, index: int, column: int) -> str:
        return str(rowcol_to_a1(self.first_row + index, self.first_col + column))


def _grids(value_ranges: Sequence[Mapping[str, Any]]) -> dict[str, _Grid]:
    grids: dict[str, _Grid] = {}
    for vr in value_ranges:
        a1 = str(vr.get("range", ""))
        title, (row, col) = range_title(a1), range_start(a1)
        values = vr.get("values") or []
        grids[title] = _Grid(
            title=title, values=[list(r) for r in values], first_row=row, first_col=col
        )
    return grids


# --- reading a workbook --------------------------------------------------------------------------


def read_workbook(
    value_ranges: Sequence[Mapping[str, Any]],
    *,
    team_id: str,
    spreadsheet_id: str,
    template: WorkbookTemplate,
    school_year: DateRange,
    sheet_ids: Mapping[str, int] | None = None,
    keys: Collection[str] | None = None,
    tab_keys: Mapping[str, str] | None = None,
) -> TeamRecord:
    """The ``valueRanges`` of one batchGet → the team's record, with a finding for each problem.

    ``sheet_ids`` maps tab titles to sheet ids for links; missing titles fall back to the
    template's stable ids (the ones provisioning creates tabs with). ``keys``: read only these
    data tabs (e.g. the Team tab alone); the others are neither expected nor reported.
    ``tab_keys``: title → the template key the service marked that tab with.
    """
    reader = CellReader(team_id, spreadsheet_id, school_year)
    grids = _grids(value_ranges)
    titles = match_titles(template, list(grids), tab_keys)
    record = TeamRecord(team_id=team_id, spreadsheet_id=spreadsheet_id)
    for tab in data_tabs(template):
        if keys is not None and tab.key not in keys:
            continue
        title = titles.get(tab.key)
        if title is None:
            reader.flag(
                "tab_missing",
                "error",
                tab.title,
                None,
                None,
                f"no tab named “{tab.title}”",
                f"the {tab.title} tab (restore or rename it)",
            )
            continue
        sheet_id = (sheet_ids or {}).get(title, tab.sheet_id)
        read, rows = _read_tab(reader, tab, grids[title], sheet_id)
        record.tabs[tab.key] = read
        setattr(record, TAB_MODELS[tab.key][0], rows)
    record.findings = reader.findings
    return record


def _read_tab(
    reader: CellReader, tab: TabSpec, grid: _Grid, sheet_id: int
) -> tuple[TabRead, list[Row]]:
    header = find_header(tab, grid.values)
    if header is None:
        reader.flag(
            "header_missing",
            "error",
            grid.title,
            sheet_id,
            grid.a1(0, 0),
            "no header row",
            "the header row: " + ", ".join(tab.headers()),
        )
        return TabRead(key=tab.key, title=grid.title, sheet_id=sheet_id), []
    for col in header.missing(tab):
        _flag_missing_column(reader, tab, col, grid, sheet_id, header)
    letters = {
        key: column_letter(grid.first_col - 1 + index) for key, index in header.columns.items()
    }
    read = TabRead(
        key=tab.key,
        title=grid.title,
        sheet_id=sheet_id,
        header_row=grid.first_row + header.row,
        columns=letters,
    )
    header_names = {n for c in tab.columns for n in c.names()}
    rows: list[Row] = []
    last = header.row
    heading: CellValue = None
    heading_key = HEADING_ONLY.get(tab.key, "")
    for index in range(header.row + 1, len(grid.values)):
        values = grid.values[index]
        if all(is_blank(v) for v in values):
            continue
        last = index
        if is_example_row(values) or _repeated_header(values, header_names):
            continue
        raw = {key: values[i] if i < len(values) else None for key, i in header.columns.items()}
        filled = {key for key, v in raw.items() if not is_blank(v)}
        if filled == {heading_key}:
            heading = raw[heading_key]  # seed 003's "Goal 1: …" row heads the steps below it
        elif filled:  # (nothing filled: only a TL's own columns)
            if heading_key in raw and is_blank(raw[heading_key]) and heading is not None:
                raw[heading_key] = heading
            rows.append(_read_row(reader, tab, raw, header.columns, grid, sheet_id, index))
    read.next_row = grid.first_row + last + 1
    return read, rows


def _flag_missing_column(
    reader: CellReader,
    tab: TabSpec,
    col: ColumnSpec,
    grid: _Grid,
    sheet_id: int,
    header: HeaderMatch,
) -> None:
    """A renamed or deleted required header: an error, since that column's data is lost."""
    if not col.required:
        return
    names = ", ".join(f"“{n}”" for n in [col.header, *col.aliases][:4])
    row = grid.values[header.row]
    headers = ", ".join(as_text(v) for v in row if not is_blank(v))
    at = _renamed_at(tab, col, header, row)
    reader.flag(
        "column_missing",
        "error",
        grid.title,
        sheet_id,
        grid.a1(header.row, at),
        f"no {col.header} column (headers: {headers})",
        f"a column headed {names}",
    )


def _renamed_at(tab: TabSpec, col: ColumnSpec, header: HeaderMatch, row: Sequence[Any]) -> int:
    """Where the renamed header most likely is: an unknown header in the template's position,
    else the only unknown header, else the first free column."""
    position = [c.key for c in tab.columns].index(col.key)
    if position in header.extra:
        return position
    if len(header.extra) == 1:
        return next(iter(header.extra))
    return next((i for i, v in enumerate(row) if is_blank(v)), len(row))


def _repeated_header(values: Sequence[CellValue], names: set[str]) -> bool:
    """Seed 003 repeats the header under each goal; such a row is not data."""
    return sum(1 for v in values if normalize(as_text(v)) in names) >= 2


# --- one row ------------------------------------------------------------------------------------


def _read_row(
    reader: CellReader,
    tab: TabSpec,
    raw: Mapping[str, CellValue],
    at: Mapping[str, int],
    grid: _Grid,
    sheet_id: int,
    index: int,
) -> Row:
    cell_of = {key: grid.a1(index, i) for key, i in at.items()}
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        spec = tab.column(key)
        if is_blank(value):
            if spec.required:
                reader.flag(
                    "required",
                    "warning",
                    grid.title,
                    sheet_id,
                    cell_of[key],
                    "",
                    f"{spec.header} (required on every row)",
                )
            continue
        fields.update(read_cell(reader, tab, spec, value, grid.title, sheet_id, cell_of[key]))
    return _build(TAB_MODELS[tab.key][1], grid.first_row + index, cell_of, fields)


def _build(model: type[Row], row: int, cells: dict[str, str], fields: dict[str, Any]) -> Row:
    """The row model; a value the model still rejects is dropped rather than raised."""
    declared = model.model_fields  # looked up once: pydantic builds it on each access
    known = {k: v for k, v in fields.items() if k in declared}
    try:
        return model(row=row, cells=cells, **known)
    except ValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        return model(row=row, cells=cells, **{k: v for k, v in known.items() if k not in bad})
