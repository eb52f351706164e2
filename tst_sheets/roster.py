"""The program roster spreadsheet <-> ``Program``.

Reading is ONE ``values.batchGet`` of every tab (a second metadata read only when a tab was
renamed or deleted). Columns and settings are found by header text and aliases; a row that
cannot be read becomes a finding naming its tab and cell, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from gspread.exceptions import APIError
from gspread.utils import absolute_range_name, rowcol_to_a1
from pydantic import BaseModel, Field

from tst_sheets.errors import http_status
from tst_sheets.model import (
    Attendance,
    Coach,
    DateRange,
    EventKind,
    EventMode,
    EventSpec,
    Finding,
    Observation,
    Program,
    Severity,
    Team,
    TeamState,
    cell_link,
)
from tst_sheets.parsing import (
    CellValue,
    ParseError,
    as_text,
    is_blank,
    parse_date,
    parse_email,
    parse_number,
    parse_yes_no,
)
from tst_sheets.templates import (
    CellInput,
    HeaderMatch,
    TabSpec,
    WorkbookTemplate,
    find_header,
    is_example_row,
    load_template,
    normalize_header,
    render_create,
)
from tst_sheets.workspace import Workspace

ROSTER = "roster"  # Finding.team for problems in the roster itself
TEMPLATE = "program_roster"
KINDS: dict[str, EventKind] = {
    "falltraining": "fall_training",
    "roundtable": "roundtable",
    "cohortroundtable": "roundtable",
    "principaltraining": "principal_training",
    "datadeadline": "data_deadline",
    "deadline": "data_deadline",
    "summerplanning": "summer_planning",
    "coachingseries": "coaching_series",
    "coaching": "coaching_series",
    "other": "other",
}
KIND_LABELS: dict[str, str] = {
    "fall_training": "Fall Training",
    "roundtable": "Roundtable",
    "principal_training": "Principal Training",
    "data_deadline": "Data Deadline",
    "summer_planning": "Summer Planning",
    "coaching_series": "Coaching Series",
    "other": "Other",
}
MODES: dict[str, EventMode] = {
    "inperson": "in_person",
    "person": "in_person",
    "onsite": "in_person",
    "virtual": "virtual",
    "online": "virtual",
    "zoom": "virtual",
    "meet": "virtual",
}
MODE_LABELS: dict[str, str] = {"in_person": "In person", "virtual": "Virtual"}
STATES: dict[str, TeamState] = {"active": "Active", "paused": "Paused", "withdrawn": "Withdrawn"}
_TIME = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*([ap])?\.?\s*m?\.?\s*$", re.IGNORECASE)
_BREAK = re.compile(
    r"^(?P<label>.*?)\s*(?P<start>\d{4}-\d{2}-\d{2})\s*(?:to|-|–|through)\s*"
    r"(?P<end>\d{4}-\d{2}-\d{2})\s*$"
)

T = TypeVar("T")


# --- the layout a read found -------------------------------------------------------------


class TabLayout(BaseModel):
    title: str
    sheet_id: int
    header: HeaderMatch | None = None


class RosterRead(BaseModel):
    """The program, what was wrong with the roster, and where things are for write-backs."""

    program: Program
    findings: list[Finding] = Field(default_factory=list)
    tabs: dict[str, TabLayout] = Field(default_factory=dict)  # template tab key -> layout
    setting_rows: dict[str, int] = Field(default_factory=dict)  # setting key -> 0-based row
    program_rows: int = 0  # rows the Program tab holds (for appending a setting)

    def cell(self, tab_key: str, row: int, column_key: str) -> str | None:
        """The A1 range (with tab) of a column on a 1-based row, None if the column is gone."""
        layout = self.tabs.get(tab_key)
        if layout is None or layout.header is None:
            return None
        index = layout.header.columns.get(column_key)
        if index is None:
            return None
        return absolute_range_name(layout.title, rowcol_to_a1(row, index + 1))


# --- reading -------------------------------------------------------------------------------


def read_program(ws: Workspace, roster_id: str) -> Program:
    """The program the roster describes (findings dropped; see ``read_roster``)."""
    return read_roster(ws, roster_id).program


def read_roster(ws: Workspace, roster_id: str, template: WorkbookTemplate | None = None
                ) -> RosterRead:
    template = template or load_template(TEMPLATE, ws.settings.templates_dir)
    titles = {tab.key: tab.title for tab in template.tabs}
    try:
        grids = _batch_get(ws, roster_id, titles)
        sheet_ids = {tab.key: tab.sheet_id for tab in template.tabs}
    except APIError as error:
        if http_status(error) != 400:  # 400: a range names a tab that is not there
            raise
        titles, sheet_ids = _actual_titles(ws, roster_id, template)
        grids = _batch_get(ws, roster_id, titles) if titles else {}
    return parse_roster(roster_id, grids, template, titles, sheet_ids)


def _batch_get(ws: Workspace, spreadsheet_id: str, titles: Mapping[str, str]
               ) -> dict[str, list[list[CellValue]]]:
    keys = list(titles)
    params: dict[str, Any] = {
        "valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"
    }
    reply = ws.sheets.http_client.values_batch_get(
        spreadsheet_id, [absolute_range_name(titles[k]) for k in keys], params=params
    )
    ranges = reply.get("valueRanges", [])
    return {key: r.get("values", []) for key, r in zip(keys, ranges, strict=False)}


def _actual_titles(ws: Workspace, spreadsheet_id: str, template: WorkbookTemplate
                   ) -> tuple[dict[str, str], dict[str, int]]:
    """The tabs the roster really has, matched to the template by title and alias."""
    meta = ws.sheets.http_client.fetch_sheet_metadata(
        spreadsheet_id, params={"fields": "sheets.properties(sheetId,title)"}
    )
    titles: dict[str, str] = {}
    ids: dict[str, int] = {}
    for sheet in meta.get("sheets", []):
        props = sheet.get("properties", {})
        spec = template.find_tab(str(props.get("title", "")))
        if spec is not None and spec.key not in titles:
            titles[spec.key] = str(props["title"])
            ids[spec.key] = int(props.get("sheetId", 0))
    return titles, ids


def parse_roster(
    roster_id: str,
    grids: Mapping[str, Sequence[Sequence[CellValue]]],
    template: WorkbookTemplate,
    titles: Mapping[str, str] | None = None,
    sheet_ids: Mapping[str, int] | None = None,
) -> RosterRead:
    """Pure: the values of each tab (by template key) -> the program and its findings."""
    titles = titles or {t.key: t.title for t in template.tabs}
    sheet_ids = sheet_ids or {t.key: t.sheet_id for t in template.tabs}
    reader = _Reader(roster_id, template, titles, sheet_ids)
    for tab in template.tabs:
        if tab.key not in grids or tab.key not in titles:
            reader.flag(tab.key, None, "roster.tab_missing", "error", "no such tab",
                        f"a tab named {tab.title}")
    program = reader.program(grids)
    return RosterRead(program=program, findings=reader.findings, tabs=reader.layouts,
                      setting_rows=reader.setting_rows, program_rows=reader.program_rows)


class _Reader:
    """Turns grids into models, collecting a finding for every cell it cannot use."""

    def __init__(self, roster_id: str, template: WorkbookTemplate, titles: Mapping[str, str],
                 sheet_ids: Mapping[str, int]) -> None:
        self.roster_id = roster_id
        self.template = template
        self.titles = titles
        self.sheet_ids = sheet_ids
        self.findings: list[Finding] = []
        self.layouts: dict[str, TabLayout] = {}
        self.setting_rows: dict[str, int] = {}
        self.program_rows = 0
        self.school_year: DateRange | None = None

    # findings

    def flag(self, tab_key: str, a1: str | None, rule: str, severity: Severity, found: str,
             expected: str) -> None:
        title = self.titles.get(tab_key) or self.template.tab(tab_key).title
        sheet_id = self.sheet_ids.get(tab_key)
        self.findings.append(Finding(
            team=ROSTER, rule=rule, severity=severity, tab=title, cell=a1, found=found,
            expected=expected, link=cell_link(self.roster_id, sheet_id, a1),
        ))

    def bad(self, tab_key: str, row: int, col: int, error: ParseError, expected: str,
            severity: Severity = "error") -> None:
        found = f"{error.found!r}: {error.reason}" if error.found else error.reason
        self.flag(tab_key, rowcol_to_a1(row, col + 1), "roster.bad_value", severity, found,
                  expected)

    # the program

    def program(self, grids: Mapping[str, Sequence[Sequence[CellValue]]]) -> Program:
        settings = self.settings(grids.get("program", []))
        coaches = self.rows(grids, "coaches", self.coach)
        teams = self.unique_teams(self.rows(grids, "teams", self.team))
        events = self.rows(grids, "events", self.event)
        return Program(
            **settings, roster_id=self.roster_id, coaches=coaches, teams=teams, events=events,
            attendance=self.rows(grids, "attendance", self.attendance),
            observations=self.rows(grids, "observations", self.observation),
        )

    def settings(self, grid: Sequence[Sequence[CellValue]]) -> dict[str, Any]:
        tab = self.template.tab("program")
        header = find_header(tab, grid)
        self.layouts["program"] = TabLayout(title=self.titles.get("program", tab.title),
                                            sheet_id=self.sheet_ids.get("program", 0),
                                            header=header)
        self.program_rows = len(grid)
        label_at = header.columns.get("setting", 0) if header else 0
        value_at = header.columns.get("value", 1) if header else 1
        start = header.row + 1 if header else 0
        raw: dict[str, tuple[CellValue, int]] = {}
        for index in range(start, len(grid)):
            row = grid[index]
            label = normalize_header(as_text(_at(row, label_at)))
            item = next((s for s in tab.settings if label and label in s.names()), None)
            if item is not None and item.key not in raw:
                raw[item.key] = (_at(row, value_at), index)
                self.setting_rows[item.key] = index
        return self.setting_values(raw, value_at)

    def setting_values(self, raw: Mapping[str, tuple[CellValue, int]], col: int
                       ) -> dict[str, Any]:
        def text(key: str) -> str:
            return as_text(raw.get(key, (None, 0))[0])

        out: dict[str, Any] = {"name": text("program_name") or "TST",
                               "timezone": text("timezone") or "America/Chicago"}
        out["school_year_start"] = self.setting_date(raw, "school_year_start", col, True)
        out["school_year_end"] = self.setting_date(raw, "school_year_end", col, True)
        self.school_year = DateRange(start=out["school_year_start"], end=out["school_year_end"])
        for key in ("mid_year_data_due", "end_of_year_data_due"):
            out[key] = self.setting_date(raw, key, col, False)
        out["allowed_domains"] = [d.lstrip("@").lower() for d in _split(text("allowed_domains"))]
        out["staff_emails"] = self.setting_emails(raw, col)
        out["breaks"] = self.breaks(raw, col)
        out["rollup_spreadsheet_id"] = _file_id(text("rollup_spreadsheet"))
        out["calendar_id"] = text("program_calendar")
        if not out["allowed_domains"]:
            self.flag("program", None, "roster.no_allowed_domains", "warning",
                      "Allowed Domains is empty", "the email domains workbooks may be shared with")
        return out

    def setting_date(self, raw: Mapping[str, tuple[CellValue, int]], key: str, col: int,
                     required: bool) -> date | None:
        value, row = raw.get(key, (None, -1))
        if is_blank(value) and not required:
            return None
        parsed = parse_date(value)
        if isinstance(parsed, date):
            return parsed
        fallback = _default_year()[0 if key == "school_year_start" else 1]
        label = self.template.tab("program").setting(key).label
        if row < 0:
            self.flag("program", None, "roster.setting_missing", "error", f"no {label} row",
                      f"a {label} row (YYYY-MM-DD); using {fallback}")
        else:
            self.bad("program", row + 1, col, parsed, f"{label} as YYYY-MM-DD")
        return fallback if required else None

    def setting_emails(self, raw: Mapping[str, tuple[CellValue, int]], col: int) -> list[str]:
        value, row = raw.get("staff_emails", (None, 0))
        out: list[str] = []
        for part in _split(as_text(value)):
            email = parse_email(part)
            if isinstance(email, ParseError):
                self.bad("program", row + 1, col, email, "staff emails, comma separated")
            else:
                out.append(email)
        return out

    def breaks(self, raw: Mapping[str, tuple[CellValue, int]], col: int) -> list[DateRange]:
        value, row = raw.get("breaks", (None, 0))
        out: list[DateRange] = []
        for part in re.split(r"[;\n]", as_text(value)):
            if not part.strip():
                continue
            match = _BREAK.match(part.strip())
            if match is None:
                err = ParseError(reason="not a break", found=part.strip())
                self.bad("program", row + 1, col, err,
                         "Label YYYY-MM-DD to YYYY-MM-DD, separated by semicolons", "warning")
                continue
            start, end = (date.fromisoformat(match[k]) for k in ("start", "end"))
            out.append(DateRange(start=start, end=end, label=match["label"].strip(" :-,")))
        return out

    # tables

    def rows(self, grids: Mapping[str, Sequence[Sequence[CellValue]]], key: str,
             parse: Callable[[_Row], T | None]) -> list[T]:
        tab = self.template.tab(key)
        grid = grids.get(key, [])
        header = find_header(tab, grid)
        self.layouts[key] = TabLayout(title=self.titles.get(key, tab.title),
                                      sheet_id=self.sheet_ids.get(key, tab.sheet_id),
                                      header=header)
        if header is None:
            if key in grids:
                self.flag(key, "A1", "roster.no_header", "error", "no header row",
                          " | ".join(tab.headers()))
            return []
        for col in header.missing(tab):
            if col.required:
                self.flag(key, rowcol_to_a1(header.row + 1, 1), "roster.column_missing",
                          "error", f"no {col.header} column", f"a column headed {col.header}")
        out: list[T] = []
        for index in range(header.row + 1, len(grid)):
            cells = grid[index]
            if all(is_blank(v) for v in cells) or is_example_row(cells):
                continue
            item = parse(_Row(self, tab, header, cells, index + 1))
            if item is not None:
                out.append(item)
        return out

    def coach(self, row: _Row) -> Coach | None:
        email = row.email("email", required=True)
        if not email:
            return None
        active = row.yes_no("active", default=True) is not False
        return Coach(name=row.text("name") or email, email=email, active=active)

    def team(self, row: _Row) -> Team | None:
        team_id = row.text("team_id")
        if not team_id:
            row.missing("team_id")
            return None
        status_text = row.text("status") or "Active"
        status = STATES.get(normalize_header(status_text))
        if status is None:
            row.flag("status", repr(status_text),
                     "Active, Paused or Withdrawn (treated as Paused)", "warning")
            status = "Paused"
        years = row.number("tl_years_teaching")
        return Team(
            team_id=team_id, school=row.text("school"), focus_area=row.text("focus_area"),
            tl_name=row.text("tl_name"), tl_email=row.email("tl_email", required=True),
            tl_years_teaching=years, principal_name=row.text("principal_name"),
            principal_email=row.email("principal_email"), coach_email=row.email("coach_email"),
            status=status, sheet_url=row.text("sheet"), row=row.number_1based,
        )

    def unique_teams(self, teams: list[Team]) -> list[Team]:
        seen: dict[str, Team] = {}
        for team in teams:
            key = team.team_id.lower()
            if key in seen:
                self.flag("teams", f"A{team.row}", "roster.duplicate_team", "error", team.team_id,
                          f"a unique Team ID (row {seen[key].row} has it already); row ignored")
                continue
            seen[key] = team
        return list(seen.values())

    def event(self, row: _Row) -> EventSpec | None:
        key = row.text("event_key")
        day = row.date("date", required=True)
        kind, mode = self.kind(row), self.mode(row)
        if not key:
            row.missing("event_key")
        if not key or day is None:
            return None
        return EventSpec(
            key=key, title=row.text("title") or key, kind=kind, date=day,
            start=row.time("start"), end=row.time("end"), mode=mode,
            location=row.text("location"), audience=_split(row.text("audience")),
            notes=row.text("notes"), row=row.number_1based, cells=row.cells(),
        )

    def kind(self, row: _Row) -> EventKind:
        text = row.text("kind") or "Other"
        kind = KINDS.get(normalize_header(text))
        if kind is None:
            row.flag("kind", repr(text), ", ".join(KIND_LABELS.values()), "warning")
        return kind or "other"

    def mode(self, row: _Row) -> EventMode:
        text = row.text("mode") or "In person"
        mode = MODES.get(normalize_header(text))
        if mode is None:
            row.flag("mode", repr(text), "In person or Virtual", "warning")
        return mode or "in_person"

    def attendance(self, row: _Row) -> Attendance | None:
        key, email = row.text("event_key"), row.email("email", required=True)
        attended = row.yes_no("attended", default=None)
        if not key or not email or attended is None:
            return None
        return Attendance(event_key=key, email=email, attended=attended)

    def observation(self, row: _Row) -> Observation | None:
        team_id, day = row.text("team_id"), row.date("date", required=True)
        if not team_id or day is None:
            return None
        return Observation(team_id=team_id, date=day, observer=row.text("observer"),
                           notes=row.text("notes"))


class _Row:
    """One roster row: typed getters that flag the exact cell when a value is unusable."""

    def __init__(self, reader: _Reader, tab: TabSpec, header: HeaderMatch,
                 cells: Sequence[CellValue], number: int) -> None:
        self.reader, self.tab, self.header, self.values = reader, tab, header, cells
        self.number_1based = number

    def raw(self, key: str) -> CellValue:
        index = self.header.columns.get(key)
        return None if index is None else _at(self.values, index)

    def a1(self, key: str) -> str:
        return rowcol_to_a1(self.number_1based, self.header.columns.get(key, 0) + 1)

    def cells(self) -> dict[str, str]:
        return {k: rowcol_to_a1(self.number_1based, i + 1) for k, i in self.header.columns.items()}

    def flag(self, key: str, found: str, expected: str, severity: Severity = "error") -> None:
        self.reader.flag(self.tab.key, self.a1(key), "roster.bad_value", severity, found,
                         f"{self.tab.column(key).header}: {expected}")

    def missing(self, key: str) -> None:
        self.flag(key, "empty", "a value (this row is skipped)")

    def text(self, key: str) -> str:
        return as_text(self.raw(key))

    def email(self, key: str, required: bool = False) -> str:
        value = self.raw(key)
        if is_blank(value):
            if required:
                self.flag(key, "empty", "an email address")
            return ""
        parsed = parse_email(value)
        if isinstance(parsed, ParseError):
            self.flag(key, f"{parsed.found!r}: {parsed.reason}", "an email address")
            return ""
        return parsed

    def number(self, key: str) -> float | None:
        value = self.raw(key)
        if is_blank(value):
            return None
        parsed = parse_number(value)
        if isinstance(parsed, ParseError):
            self.flag(key, f"{parsed.found!r}: {parsed.reason}", "a number", "warning")
            return None
        return parsed

    def yes_no(self, key: str, default: bool | None) -> bool | None:
        value = self.raw(key)
        if is_blank(value):
            return default
        parsed = parse_yes_no(value)
        if isinstance(parsed, ParseError):
            self.flag(key, f"{parsed.found!r}: {parsed.reason}", "Yes or No", "warning")
            return default
        return parsed

    def date(self, key: str, required: bool = False) -> date | None:
        value = self.raw(key)
        if is_blank(value):
            if required:
                self.flag(key, "empty", "a date (YYYY-MM-DD); row skipped")
            return None
        parsed = parse_date(value, self.reader.school_year)
        if isinstance(parsed, ParseError):
            self.flag(key, f"{parsed.found!r}: {parsed.reason}", "a date (YYYY-MM-DD)")
            return None
        return parsed

    def time(self, key: str) -> time | None:
        value = self.raw(key)
        if is_blank(value):
            return None
        parsed = parse_time(value)
        if parsed is None:
            self.flag(key, repr(as_text(value)), "a time such as 17:30 or 5:30 pm", "warning")
        return parsed


def parse_time(value: CellValue) -> time | None:
    """``"17:30"``, ``"5:30 pm"``, ``"5pm"`` or a time cell (a fraction of a day)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not 0 <= value < 1:
            return None
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60)
    match = _TIME.match(as_text(value))
    if match is None:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half == "p" and hour < 12:
        hour += 12
    if half == "a" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _at(row: Sequence[CellValue], index: int) -> CellValue:
    return row[index] if 0 <= index < len(row) else None


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def _file_id(text: str) -> str:
    match = re.search(r"/d/([A-Za-z0-9_-]+)", text)
    return match.group(1) if match else text.strip()


def _default_year(today: date | None = None) -> tuple[date, date]:
    """The school year containing ``today``: mid-August to early June."""
    today = today or date.today()
    first = today.year if today.month >= 7 else today.year - 1
    return date(first, 8, 17), date(first + 1, 6, 10)


# --- writing back: service-owned cells --------------------------------------------------------


def write_cells(ws: Workspace, roster_id: str, cells: Mapping[str, str]) -> None:
    """ONE values.batchUpdate, RAW (a value is never evaluated as a formula)."""
    if not cells:
        return
    data = [{"range": rng, "values": [[value]]} for rng, value in cells.items()]
    ws.sheets.http_client.values_batch_update(
        roster_id, body={"valueInputOption": "RAW", "data": data}
    )


def setting_cell(read: RosterRead, key: str) -> tuple[str, str | None]:
    """Where a setting's value goes: (value A1, label A1 to write when the row is missing)."""
    layout = read.tabs.get("program")
    title = layout.title if layout else "Program"
    header = layout.header if layout else None
    label_col = header.columns.get("setting", 0) if header else 0
    value_col = header.columns.get("value", 1) if header else 1
    if key in read.setting_rows:
        row = read.setting_rows[key] + 1
        return absolute_range_name(title, rowcol_to_a1(row, value_col + 1)), None
    row = read.program_rows + 1
    return (absolute_range_name(title, rowcol_to_a1(row, value_col + 1)),
            absolute_range_name(title, rowcol_to_a1(row, label_col + 1)))


def record_setting(ws: Workspace, roster_id: str, key: str, value: str) -> None:
    """Write one service-owned setting (1 read to find it, 1 write; none if unchanged)."""
    read = read_roster(ws, roster_id)
    current = {"rollup_spreadsheet": read.program.rollup_spreadsheet_id,
               "program_calendar": read.program.calendar_id}.get(key)
    if current == value:
        return
    value_a1, label_a1 = setting_cell(read, key)
    cells = {value_a1: value}
    if label_a1:
        template = load_template(TEMPLATE, ws.settings.templates_dir)
        cells[label_a1] = template.tab("program").setting(key).label
    write_cells(ws, roster_id, cells)


def record_calendar(ws: Workspace, roster_id: str, calendar_id: str) -> None:
    record_setting(ws, roster_id, "program_calendar", calendar_id)


def record_rollup(ws: Workspace, roster_id: str, spreadsheet_id: str) -> None:
    record_setting(ws, roster_id, "rollup_spreadsheet", spreadsheet_id)


# --- the seed school year (seed 000) ---------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


ROUNDTABLE_MONTHS = [(0, 9), (0, 10), (0, 11), (0, 12), (1, 1), (1, 2), (1, 3), (1, 4), (1, 5),
                     (1, 6)]
TST_CENTER = "TST Center, 1500 W. Example Ave, Chicago (Room 210)"


def seed_events(first_year: int) -> list[EventSpec]:
    """The school year seed 000 describes, starting in August of ``first_year``.

    Fall Training Aug 17, 5:30-8:30 pm in person; ten monthly 1.5-hour weeknight roundtables
    (second Tuesday, 5:00-6:30 pm) alternating virtual and in person; three 90-minute virtual
    principal trainings in July; mid- and end-of-year data deadlines; a summer planning session.
    """
    y = first_year
    events = [
        EventSpec(key=f"summer-planning-{y}", title="Summer Planning Session",
                  kind="summer_planning", date=date(y, 8, 4), start=time(9), end=time(12),
                  mode="in_person", location=TST_CENTER,
                  audience=["All TLs", "All Principals", "Coaches"],
                  notes="TL and principal finalize the team's vision and SMART goal with TST."),
        EventSpec(key=f"fall-training-{y}", title="TST Fall Training", kind="fall_training",
                  date=date(y, 8, 17), start=time(17, 30), end=time(20, 30), mode="in_person",
                  location=TST_CENTER, audience=["All TLs", "Coaches", "Staff"],
                  notes="Meet your cohort and your TST coach. Principals: please let your TL "
                        "leave early to attend."),
    ]
    for day, (hour, minute) in ((date(y, 7, 14), (10, 0)), (date(y, 7, 22), (13, 0)),
                                (date(y, 7, 30), (16, 0))):
        events.append(EventSpec(
            key=f"principal-training-{day.isoformat()}", title="Principal Training (virtual)",
            kind="principal_training", date=day, start=time(hour, minute),
            end=(datetime.combine(day, time(hour, minute)) + timedelta(minutes=90)).time(),
            mode="virtual", audience=["All Principals"],
            notes="90 minutes. Attend one of the three sessions.",
        ))
    for number, (offset, month) in enumerate(ROUNDTABLE_MONTHS, start=1):
        day = _nth_weekday(y + offset, month, 1, 2)  # the second Tuesday
        virtual = number % 2 == 1
        events.append(EventSpec(
            key=f"roundtable-{day:%Y-%m}", title=f"Cohort Roundtable {number} ({day:%B})",
            kind="roundtable", date=day, start=time(17), end=time(18, 30),
            mode="virtual" if virtual else "in_person",
            location="" if virtual else TST_CENTER, audience=["All TLs", "Coaches"],
            notes="Leadership fundamentals with your cohort.",
        ))
    events += [
        EventSpec(key=f"mid-year-data-{y + 1}", title="Mid-year data due", kind="data_deadline",
                  date=date(y + 1, 1, 29), audience=["All TLs", "Coaches"],
                  notes="Enter your mid-year data on the Data tab."),
        EventSpec(key=f"end-of-year-data-{y + 1}", title="End-of-year data due",
                  kind="data_deadline", date=date(y + 1, 5, 28), audience=["All TLs", "Coaches"],
                  notes="Enter your end-of-year data on the Data tab."),
    ]
    return sorted(events, key=lambda e: (e.date, e.start or time(0)))


def seed_program(name: str, first_year: int) -> Program:
    """A new roster's program: the seed year's dates and events, no people yet."""
    return Program(
        name=name, school_year_start=date(first_year, 8, 17),
        school_year_end=date(first_year + 1, 6, 10),
        mid_year_data_due=date(first_year + 1, 1, 29),
        end_of_year_data_due=date(first_year + 1, 5, 28),
        events=seed_events(first_year),
    )


# --- rendering the roster -------------------------------------------------------------------


def settings_values(program: Program) -> dict[str, CellInput]:
    breaks = "; ".join(f"{b.label} {b.start.isoformat()} to {b.end.isoformat()}".strip()
                       for b in program.breaks)
    return {
        "program_name": program.name,
        "school_year_start": program.school_year_start,
        "school_year_end": program.school_year_end,
        "timezone": program.timezone,
        "allowed_domains": ", ".join(program.allowed_domains),
        "staff_emails": ", ".join(program.staff_emails),
        "mid_year_data_due": program.mid_year_data_due,
        "end_of_year_data_due": program.end_of_year_data_due,
        "breaks": breaks,
        "rollup_spreadsheet": program.rollup_spreadsheet_id,
        "program_calendar": program.calendar_id,
    }


def _clock(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def event_row(event: EventSpec) -> dict[str, CellInput]:
    return {
        "event_key": event.key, "title": event.title, "kind": KIND_LABELS[event.kind],
        "date": event.date, "start": _clock(event.start), "end": _clock(event.end),
        "mode": MODE_LABELS[event.mode] if event.start else "",
        "location": event.location, "audience": ", ".join(event.audience), "notes": event.notes,
    }


def team_row(team: Team) -> dict[str, CellInput]:
    return {
        "team_id": team.team_id, "school": team.school, "focus_area": team.focus_area,
        "tl_name": team.tl_name, "tl_email": team.tl_email,
        "tl_years_teaching": team.tl_years_teaching, "principal_name": team.principal_name,
        "principal_email": team.principal_email, "coach_email": team.coach_email,
        "status": team.status, "sheet": team.sheet_url,
    }


def coach_row(coach: Coach) -> dict[str, CellInput]:
    return {"name": coach.name, "email": coach.email, "active": "Yes" if coach.active else "No"}


def tab_rows(tab: TabSpec, rows: Sequence[Mapping[str, CellInput]]) -> list[list[CellInput]]:
    """Rows by column key -> rows in the template's column order."""
    return [[row.get(col.key) for col in tab.columns] for row in rows]


def render_roster(template: WorkbookTemplate, program: Program, metadata: Mapping[str, str]
                  ) -> dict[str, Any]:
    """The roster's ``spreadsheets.create`` body, every tab filled from ``program``."""
    content: dict[str, Any] = {
        "program": settings_values(program),
        "coaches": tab_rows(template.tab("coaches"), [coach_row(c) for c in program.coaches]),
        "teams": tab_rows(template.tab("teams"), [team_row(t) for t in program.teams]),
        "events": tab_rows(template.tab("events"), [event_row(e) for e in program.events]),
        "attendance": [],
        "observations": [],
    }
    title = template.title.format(program=program.name)
    return render_create(template, title, content, metadata, time_zone=program.timezone)


def write_program(ws: Workspace, roster_id: str, program: Program) -> None:
    """Overwrite the roster's settings, coaches, teams and events with ``program`` (one read,
    one write). For the demo and tests: staff normally edit the roster by hand."""
    read = read_roster(ws, roster_id)
    template = load_template(TEMPLATE, ws.settings.templates_dir)
    cells: dict[str, str] = {}
    for key, value in settings_values(program).items():
        if key in ("rollup_spreadsheet", "program_calendar"):
            continue
        value_a1, label_a1 = setting_cell(read, key)
        if label_a1:
            read.program_rows += 1
            cells[label_a1] = template.tab("program").setting(key).label
        cells[value_a1] = _cell_text(value)
    tables = {"coaches": [coach_row(c) for c in program.coaches],
              "teams": [team_row(t) for t in program.teams],
              "events": [event_row(e) for e in program.events]}
    for key, rows in tables.items():
        cells.update(_table_cells(read, key, rows))
    write_cells(ws, roster_id, cells)


def _table_cells(read: RosterRead, key: str, rows: Sequence[Mapping[str, CellInput]]
                 ) -> dict[str, str]:
    layout = read.tabs[key]
    start = (layout.header.row if layout.header else 0) + 2
    out: dict[str, str] = {}
    for offset, row in enumerate(rows):
        for column, value in row.items():
            a1 = read.cell(key, start + offset, column)
            if a1:
                out[a1] = _cell_text(value)
    return out


def _cell_text(value: CellInput) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
