"""Workbook templates as data: ``sheet_templates/*.yaml`` -> pydantic models -> Sheets API bodies.

Pure: loading, header matching and the rendering of a ``spreadsheets.create`` body and of the
``batchUpdate`` requests that upgrade an older workbook. No HTTP here.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

ColumnType = Literal[
    "text", "date", "month", "minutes", "number", "percent", "choice", "email", "url", "yes_no"
]
Owner = Literal["team", "service"]
Layout = Literal["table", "facts", "settings"]
CellInput = str | int | float | date | None

EXAMPLE_PREFIX = "example:"
SHEETS_EPOCH = date(1899, 12, 30)
HEADER_SCAN_ROWS = 10  # a TL may insert a few rows above the header
SPARE_COLUMNS = 4  # room for a TL's own columns without resizing the grid
HEADER_BACKGROUND = {"red": 0.85, "green": 0.9, "blue": 0.96}
SERVICE_TAB_COLOR = {"red": 0.12, "green": 0.31, "blue": 0.47}
PROTECTION_NOTE = "Filled by the TST service: your edits here may be replaced."

NUMBER_FORMATS: dict[str, dict[str, str]] = {
    "date": {"type": "DATE", "pattern": "yyyy-mm-dd"},
    "month": {"type": "DATE", "pattern": "mmm yyyy"},
    "minutes": {"type": "NUMBER", "pattern": "0"},
    "percent": {"type": "PERCENT", "pattern": "0%"},
}


class TemplateError(ValueError):
    """A template file that cannot be used; the message names the file, tab and field."""


# --- the models ----------------------------------------------------------------------------


class ColumnSpec(BaseModel):
    key: str
    header: str
    aliases: list[str] = []
    type: ColumnType = "text"
    required: bool = False
    note: str = ""
    allowed: list[str] = []
    width: int = Field(140, ge=20, le=2000)
    owner: Owner = "team"

    @model_validator(mode="after")
    def _allowed_fits_type(self) -> ColumnSpec:
        if self.allowed and self.type not in ("choice", "yes_no"):
            raise ValueError(f"allowed values need type choice, not {self.type}")
        if self.type == "choice" and not self.allowed:
            raise ValueError("a choice column needs allowed values")
        return self

    def choices(self) -> list[str]:
        return self.allowed or (["Yes", "No"] if self.type == "yes_no" else [])

    def names(self) -> set[str]:
        """Every normalized header this column answers to."""
        return {normalize_header(n) for n in [self.header, *self.aliases] if n.strip()}

    def header_note(self) -> str:
        parts = ["Required." if self.required else ""]
        parts.append(self.note)
        if self.choices():
            parts.append("Choose: " + ", ".join(self.choices()) + ".")
        return " ".join(p for p in parts if p)


class SettingSpec(BaseModel):
    """One row of a settings tab (Setting | Value), e.g. the roster's Program tab."""

    key: str
    label: str
    aliases: list[str] = []
    type: ColumnType = "text"
    note: str = ""
    owner: Owner = "team"
    default: str = ""

    def names(self) -> set[str]:
        return {normalize_header(n) for n in [self.label, *self.aliases]}


class TabSpec(BaseModel):
    key: str
    title: str
    aliases: list[str] = []
    owner: Owner = "team"
    columns: list[ColumnSpec] = []
    example_rows: list[dict[str, str]] = []  # by column key
    layout: Layout = "table"
    help: str = ""
    rows: int = Field(200, ge=1, le=5000, description="Data rows formatted and validated.")
    text: list[list[str]] = []  # fixed rows of a facts tab
    settings: list[SettingSpec] = []  # rows of a settings tab
    color: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> TabSpec:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate column keys in {keys}")
        for row in self.example_rows:
            unknown = set(row) - set(keys)
            if unknown:
                raise ValueError(f"example row names unknown columns {sorted(unknown)}")
        if self.layout == "table" and any(not c.header.strip() for c in self.columns):
            raise ValueError("every column of a table tab needs a header")
        return self

    @property
    def sheet_id(self) -> int:
        """A stable gid from the key, so links to a tab work without reading the workbook."""
        return zlib.crc32(self.key.encode()) & 0x3FFFFFFF

    def column(self, key: str) -> ColumnSpec:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"tab {self.key!r} has no column {key!r}")

    def names(self) -> set[str]:
        return {normalize_header(n) for n in [self.title, *self.aliases]}

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def setting(self, key: str) -> SettingSpec:
        for item in self.settings:
            if item.key == key:
                return item
        raise KeyError(f"tab {self.key!r} has no setting {key!r}")


class WorkbookTemplate(BaseModel):
    name: str
    version: int = Field(ge=1)
    title: str = "{name}"
    tabs: list[TabSpec]

    @model_validator(mode="after")
    def _unique_tabs(self) -> WorkbookTemplate:
        for attr in ("key", "title"):
            values = [getattr(t, attr) for t in self.tabs]
            if len(set(values)) != len(values):
                raise ValueError(f"duplicate tab {attr}s in {values}")
        return self

    def tab(self, key: str) -> TabSpec:
        for tab in self.tabs:
            if tab.key == key:
                return tab
        raise KeyError(f"template {self.name!r} has no tab {key!r}")

    def find_tab(self, title: str) -> TabSpec | None:
        """The template tab a workbook tab title (or one of its aliases) stands for."""
        wanted = normalize_header(title)
        return next((t for t in self.tabs if wanted in t.names()), None)


# --- loading -------------------------------------------------------------------------------


def load_template(name: str, directory: Path | None = None) -> WorkbookTemplate:
    """``sheet_templates/<name>.yaml`` as a model; a broken file raises ``TemplateError``."""
    if directory is None:
        from tst_sheets.config import Settings

        directory = Settings.model_validate({}).templates_dir
    path = Path(directory) / f"{name}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read the template ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise TemplateError(f"{path}: expected a mapping with name, version and tabs")
    try:
        return WorkbookTemplate.model_validate(raw)
    except ValidationError as exc:
        raise TemplateError(_describe(path, raw, exc)) from exc


def _describe(path: Path, raw: dict[str, Any], exc: ValidationError) -> str:
    """One line per problem: file, tab (key and title), column and field."""
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = [str(path)]
        if len(loc) >= 2 and loc[0] == "tabs" and isinstance(loc[1], int):
            where.append(_tab_label(raw, loc[1]))
            loc = loc[2:]
            if len(loc) >= 2 and loc[0] == "columns" and isinstance(loc[1], int):
                where.append(_column_label(raw, int(err["loc"][1]), loc[1]))
                loc = loc[2:]
        field = ".".join(str(part) for part in loc) or "(the entry itself)"
        lines.append(f"{': '.join(where)}: field {field!r}: {err['msg']}")
    return "\n".join(lines)


def _tab_label(raw: dict[str, Any], index: int) -> str:
    tabs = raw.get("tabs") or []
    tab = tabs[index] if index < len(tabs) and isinstance(tabs[index], dict) else {}
    return f"tab #{index + 1} {tab.get('key', '?')!r} ({tab.get('title', 'no title')})"


def _column_label(raw: dict[str, Any], tab_index: int, index: int) -> str:
    tab = (raw.get("tabs") or [])[tab_index]
    columns = tab.get("columns") or [] if isinstance(tab, dict) else []
    col = columns[index] if index < len(columns) and isinstance(columns[index], dict) else {}
    return f"column #{index + 1} {col.get('key', '?')!r} ({col.get('header', 'no header')})"


# --- header matching -----------------------------------------------------------------------


def normalize_header(text: str) -> str:
    """``"Data Source, Baseline & Target"`` -> ``"datasourcebaselineandtarget"``."""
    text = str(text).lower().replace("&", " and ").replace("+", " and ")
    return re.sub(r"[^0-9a-z]+", "", text)


class HeaderMatch(BaseModel):
    """Where a tab's header row is and which column holds each template column."""

    row: int  # 0-based index of the header row in the values read
    columns: dict[str, int]  # column key -> 0-based column index
    extra: dict[int, str] = {}  # a TL's own columns: index -> header text

    def missing(self, tab: TabSpec) -> list[ColumnSpec]:
        return [c for c in tab.columns if c.key not in self.columns]


def match_columns(tab: TabSpec, header_row: Sequence[object]) -> HeaderMatch:
    """Columns of one header row by text (first match wins; a TL's own columns kept aside)."""
    found: dict[str, int] = {}
    extra: dict[int, str] = {}
    for index, cell in enumerate(header_row):
        text = "" if cell is None else str(cell)
        name = normalize_header(text)
        if not name:
            continue
        col = next((c for c in tab.columns if c.key not in found and name in c.names()), None)
        if col is None:
            extra[index] = text
        else:
            found[col.key] = index
    return HeaderMatch(row=0, columns=found, extra=extra)


def find_header(tab: TabSpec, rows: Sequence[Sequence[object]]) -> HeaderMatch | None:
    """The row among the first few that names the most template columns (None: no header)."""
    best: HeaderMatch | None = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        match = match_columns(tab, row)
        if match.columns and (best is None or len(match.columns) > len(best.columns)):
            best = match.model_copy(update={"row": index})
    return best


def is_example_row(row: Sequence[object]) -> bool:
    """The template's example rows start with "Example:"; readers skip them."""
    first = next((str(v) for v in row if v not in (None, "")), "")
    return first.strip().lower().startswith(EXAMPLE_PREFIX)


# --- rendering: cells ----------------------------------------------------------------------


def serial(day: date) -> int:
    """A date as the serial number Sheets stores."""
    return (day - SHEETS_EPOCH).days


def cell_value(value: CellInput, kind: ColumnType = "text") -> dict[str, Any]:
    """A ``userEnteredValue``; text goes in as a string (RAW), never as a formula."""
    if value is None or value == "":
        return {}
    if isinstance(value, date):
        return {"numberValue": serial(value)}
    if isinstance(value, int | float):
        return {"numberValue": value}
    if kind in ("date", "month"):
        parsed = _iso_date(value)
        if parsed:
            return {"numberValue": serial(parsed)}
    if kind == "minutes" and value.isdigit():
        return {"numberValue": int(value)}
    return {"stringValue": value}


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def header_cell(col: ColumnSpec) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "userEnteredValue": {"stringValue": col.header},
        "userEnteredFormat": {
            "backgroundColor": HEADER_BACKGROUND,
            "textFormat": {"bold": True},
            "wrapStrategy": "WRAP",
            "verticalAlignment": "MIDDLE",
        },
    }
    note = col.header_note()
    if note:
        cell["note"] = note
    return cell


def validation(col: ColumnSpec) -> dict[str, Any] | None:
    """Warning-only rules: a value outside the list stays (and becomes a finding)."""
    if col.choices():
        values = [{"userEnteredValue": v} for v in col.choices()]
        condition = {"type": "ONE_OF_LIST", "values": values}
        return {"condition": condition, "strict": False, "showCustomUi": True}
    if col.type == "email":
        return {"condition": {"type": "TEXT_IS_EMAIL"}, "strict": False}
    return None


def data_cell(col: ColumnSpec, value: CellInput = None) -> dict[str, Any]:
    """A body cell: the column's number format, validation and (optional) value."""
    cell: dict[str, Any] = {}
    entered = cell_value(value, col.type)
    if entered:
        cell["userEnteredValue"] = entered
    fmt = NUMBER_FORMATS.get(col.type)
    if fmt:
        cell["userEnteredFormat"] = {"numberFormat": fmt}
    rule = validation(col)
    if rule:
        cell["dataValidation"] = rule
    return cell


def text_cell(value: str, *, bold: bool = False, link: str = "") -> dict[str, Any]:
    cell: dict[str, Any] = {"userEnteredValue": cell_value(value)} if value else {}
    fmt: dict[str, Any] = {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
    text_format: dict[str, Any] = {}
    if bold:
        text_format["bold"] = True
    if link:
        text_format["link"] = {"uri": link}
    if text_format:
        fmt["textFormat"] = text_format
    cell["userEnteredFormat"] = fmt
    return cell


# --- rendering: tabs and the spreadsheet ---------------------------------------------------

Rows = Sequence[Sequence[CellInput]]


def table_rows(tab: TabSpec, rows: Rows | None = None) -> list[dict[str, Any]]:
    """Header, then the given rows (or the example rows), then formatted empty rows."""
    body: list[Sequence[CellInput]] = list(rows if rows is not None else _examples(tab))
    out = [{"values": [header_cell(c) for c in tab.columns]}]
    for index in range(max(tab.rows, len(body))):
        values = body[index] if index < len(body) else []
        cells = [data_cell(col, values[i] if i < len(values) else None) for i, col in
                 enumerate(tab.columns)]
        out.append({"values": cells})
    return out


def _examples(tab: TabSpec) -> list[list[CellInput]]:
    return [[row.get(c.key, "") for c in tab.columns] for row in tab.example_rows]


def settings_rows(tab: TabSpec, values: Mapping[str, CellInput]) -> list[dict[str, Any]]:
    """Setting | Value rows: the label carries the note; values default to the template's."""
    header = [header_cell(c) for c in tab.columns]
    out = [{"values": header}]
    value_col = tab.columns[1] if len(tab.columns) > 1 else ColumnSpec(
        key="value", header="Value", width=300)
    for item in tab.settings:
        label = {"userEnteredValue": {"stringValue": item.label},
                 "userEnteredFormat": {"textFormat": {"bold": True}}}
        if item.note:
            label["note"] = item.note
        raw = values.get(item.key, item.default)
        kind_col = value_col.model_copy(update={"type": item.type, "allowed": []})
        cell = data_cell(kind_col, raw)
        cell.pop("dataValidation", None)
        out.append({"values": [label, cell]})
    return out


def facts_rows(tab: TabSpec, facts: Rows) -> list[dict[str, Any]]:
    """A service-written facts tab: given rows, then the template's fixed text."""
    out = []
    for row in [*facts, *tab.text]:
        cells = [text_cell("" if v is None else str(v) if not isinstance(v, date) else
                           v.isoformat(), bold=(i == 0)) for i, v in enumerate(row)]
        out.append({"values": cells})
    return out


def sheet_body(tab: TabSpec, index: int, content: Rows | Mapping[str, CellInput] | None
               ) -> dict[str, Any]:
    """One ``Sheet`` of a create body: properties, cells, widths, protection."""
    if tab.layout == "facts":
        row_data = facts_rows(tab, content if isinstance(content, Sequence) else [])
    elif tab.layout == "settings":
        row_data = settings_rows(tab, content if isinstance(content, Mapping) else {})
    else:
        row_data = table_rows(tab, content if isinstance(content, Sequence) else None)
    frozen = 0 if tab.layout == "facts" else 1
    properties: dict[str, Any] = {
        "sheetId": tab.sheet_id,
        "title": tab.title,
        "index": index,
        "gridProperties": {
            "rowCount": max(len(row_data) + 1, 2),
            "columnCount": len(tab.columns) + SPARE_COLUMNS,
            "frozenRowCount": frozen,
        },
    }
    if tab.owner == "service":
        properties["tabColor"] = SERVICE_TAB_COLOR
    return {
        "properties": properties,
        "data": [{
            "startRow": 0,
            "startColumn": 0,
            "rowData": row_data,
            "columnMetadata": [{"pixelSize": c.width} for c in tab.columns],
        }],
        "protectedRanges": protections(tab),
    }


def protections(tab: TabSpec) -> list[dict[str, Any]]:
    """Warning-only protection of a service tab, or of a team tab's service-owned columns."""
    if tab.owner == "service":
        return [{"range": {"sheetId": tab.sheet_id}, "warningOnly": True,
                 "description": PROTECTION_NOTE}]
    out = []
    for index, col in enumerate(tab.columns):
        if col.owner == "service":
            rng = {"sheetId": tab.sheet_id, "startColumnIndex": index, "endColumnIndex": index + 1}
            out.append({"range": rng, "warningOnly": True,
                        "description": f"{col.header}: {PROTECTION_NOTE}"})
    return out


def developer_metadata(values: Mapping[str, str]) -> list[dict[str, Any]]:
    return [
        {"metadataKey": key, "metadataValue": value, "location": {"spreadsheet": True},
         "visibility": "DOCUMENT"}
        for key, value in values.items()
    ]


def render_create(
    template: WorkbookTemplate,
    title: str,
    content: Mapping[str, Rows | Mapping[str, CellInput]],
    metadata: Mapping[str, str],
    *,
    time_zone: str = "America/Chicago",
    locale: str = "en_US",
) -> dict[str, Any]:
    """The whole ``spreadsheets.create`` body: every tab, header, note, rule, width, protection.

    ``content`` maps a tab key to its rows (table and facts tabs) or its values (settings
    tabs); a table tab without content gets the template's example rows.
    """
    return {
        "properties": {"title": title, "timeZone": time_zone, "locale": locale},
        "sheets": [sheet_body(tab, i, content.get(tab.key)) for i, tab in
                   enumerate(template.tabs)],
        "developerMetadata": developer_metadata(metadata),
    }


# --- rendering: upgrades -------------------------------------------------------------------


class FoundTab(BaseModel):
    """What an existing workbook tab looks like, as read before an upgrade."""

    sheet_id: int
    title: str
    row_count: int
    column_count: int
    values: list[list[object]] = []


def render_upgrade(
    template: WorkbookTemplate, found: Sequence[FoundTab], metadata: Mapping[str, str]
) -> list[dict[str, Any]]:
    """``batchUpdate`` requests bringing a workbook up to ``template``.

    Adds missing tabs, appends missing columns after the last used column, and (re)applies
    notes and validation to header and data cells. Requests only touch empty cells' values;
    every cell a person typed keeps its place and content.
    """
    requests: list[dict[str, Any]] = []
    by_tab = _assign_tabs(template, found)
    used_ids = {f.sheet_id for f in found}
    count = len(found)
    for index, tab in enumerate(template.tabs):
        existing = by_tab.get(tab.key)
        if existing is None:
            requests += _add_tab(tab, min(index, count), used_ids)
            count += 1
        elif tab.layout == "table":
            requests += _upgrade_table(tab, existing)
    requests += [_set_metadata(key, value) for key, value in metadata.items()]
    return requests


def _assign_tabs(template: WorkbookTemplate, found: Sequence[FoundTab]) -> dict[str, FoundTab]:
    out: dict[str, FoundTab] = {}
    for tab in found:
        spec = template.find_tab(tab.title)
        if spec is not None and spec.key not in out:
            out[spec.key] = tab
    return out


def _add_tab(tab: TabSpec, index: int, used_ids: set[int]) -> list[dict[str, Any]]:
    body = sheet_body(tab, index, None)
    sheet_id = tab.sheet_id
    while sheet_id in used_ids:  # a TL's own tab may hold the id we would choose
        sheet_id = (sheet_id + 1) & 0x3FFFFFFF
    used_ids.add(sheet_id)
    props = {**body["properties"], "sheetId": sheet_id}
    grid = body["data"][0]
    requests: list[dict[str, Any]] = [
        {"addSheet": {"properties": props}},
        {"updateCells": {"rows": grid["rowData"], "start": _at(sheet_id, 0, 0), "fields": "*"}},
    ]
    requests += _widths(sheet_id, 0, [c.width for c in tab.columns])
    for rng in body["protectedRanges"]:
        rng["range"]["sheetId"] = sheet_id
        requests.append({"addProtectedRange": {"protectedRange": rng}})
    return requests


def _upgrade_table(tab: TabSpec, found: FoundTab) -> list[dict[str, Any]]:
    match = find_header(tab, found.values) or HeaderMatch(row=0, columns={})
    requests: list[dict[str, Any]] = []
    last_used = max((len(_trim(row)) for row in found.values), default=0)
    missing = match.missing(tab)
    needed = last_used + len(missing)
    if needed > found.column_count:
        requests.append({"appendDimension": {"sheetId": found.sheet_id, "dimension": "COLUMNS",
                                             "length": needed - found.column_count}})
    placed = dict(match.columns)
    for offset, col in enumerate(missing):
        placed[col.key] = last_used + offset
    body_rows = max(found.row_count - match.row - 1, 0)  # validation stays inside the grid
    for col in tab.columns:
        requests += _column_requests(col, found.sheet_id, match.row, placed[col.key],
                                     new=col in missing, body_rows=body_rows)
    requests += [_width(found.sheet_id, placed[c.key], c.width) for c in missing]
    return requests


def _trim(row: Sequence[object]) -> list[object]:
    out = list(row)
    while out and out[-1] in (None, ""):
        out.pop()
    return out


def _column_requests(col: ColumnSpec, sheet_id: int, header_row: int, index: int, *, new: bool,
                     body_rows: int) -> list[dict[str, Any]]:
    """A new column gets its header cell; every column gets its note, format and rule.

    ``fields`` never names ``userEnteredValue`` for an existing cell, so typed text stays.
    """
    head = header_cell(col)
    head_fields = "userEnteredValue,userEnteredFormat,note" if new else "note"
    if not new:
        head = {"note": head.get("note", "")}
    requests: list[dict[str, Any]] = [
        {"updateCells": {"rows": [{"values": [head]}], "start": _at(sheet_id, header_row, index),
                         "fields": head_fields}}
    ]
    if body_rows <= 0:
        return requests
    template_cell = data_cell(col)
    fmt = template_cell.get("userEnteredFormat", {}).get("numberFormat")
    if fmt and new:
        requests.append({"repeatCell": {
            "range": _span(sheet_id, header_row + 1, body_rows, index),
            "cell": {"userEnteredFormat": {"numberFormat": fmt}},
            "fields": "userEnteredFormat.numberFormat"}})
    rule = template_cell.get("dataValidation")
    if rule:
        requests.append({"setDataValidation": {
            "range": _span(sheet_id, header_row + 1, body_rows, index), "rule": rule}})
    return requests


def _at(sheet_id: int, row: int, column: int) -> dict[str, int]:
    return {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column}


def _span(sheet_id: int, start_row: int, rows: int, column: int) -> dict[str, int]:
    return {"sheetId": sheet_id, "startRowIndex": start_row, "endRowIndex": start_row + rows,
            "startColumnIndex": column, "endColumnIndex": column + 1}


def _width(sheet_id: int, column: int, pixels: int) -> dict[str, Any]:
    rng = {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": column,
           "endIndex": column + 1}
    return {"updateDimensionProperties": {"range": rng, "properties": {"pixelSize": pixels},
                                          "fields": "pixelSize"}}


def _widths(sheet_id: int, start: int, widths: Sequence[int]) -> list[dict[str, Any]]:
    return [_width(sheet_id, start + i, w) for i, w in enumerate(widths)]


def _set_metadata(key: str, value: str) -> dict[str, Any]:
    """Replace a spreadsheet-level metadata value (found by key, wherever it was created)."""
    lookup = {"developerMetadataLookup": {"metadataKey": key}}
    return {"updateDeveloperMetadata": {
        "dataFilters": [lookup],
        "developerMetadata": {"metadataKey": key, "metadataValue": value},
        "fields": "metadataValue"}}
