"""The program roster's values → ``Program``, pure: the values of each tab in, the program and
its findings out.

Columns and settings are found by header text and aliases; a row that cannot be read becomes a
finding naming its tab and cell, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

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
)
from tst_sheets.model.a1 import id_from_url, rowcol_to_a1
from tst_sheets.model.findings import ROSTER
from tst_sheets.model.program import DEFAULT_TIMEZONE, KIND_LABELS, MODE_LABELS, today
from tst_sheets.model.text import normalize
from tst_sheets.reading.dates import parse_date
from tst_sheets.reading.roster_applications import program_year, read_application
from tst_sheets.reading.roster_read import AttendanceRow, RosterRead, TabLayout
from tst_sheets.reading.roster_row import RosterRow, cell_at
from tst_sheets.reading.values import CellValue, ParseError, as_text, is_blank, parse_email
from tst_sheets.templates import (
    WorkbookTemplate,
    find_header,
    is_example_row,
)

__all__ = ["TEMPLATE", "AttendanceRow", "RosterRead", "RosterReader", "TabLayout", "parse_roster"]

TEMPLATE = "program_roster"
# What staff may type for a kind or a mode: each label, and the spellings people use.
KINDS: dict[str, EventKind] = {
    **{normalize(label): kind for kind, label in KIND_LABELS.items()},  # type: ignore[misc]
    "cohortroundtable": "roundtable",
    "deadline": "data_deadline",
    "coaching": "coaching_series",
}
MODES: dict[str, EventMode] = {
    **{normalize(label): mode for mode, label in MODE_LABELS.items()},  # type: ignore[misc]
    "person": "in_person",
    "onsite": "in_person",
    "online": "virtual",
    "zoom": "virtual",
    "meet": "virtual",
}
STATES: dict[str, TeamState] = {"active": "Active", "paused": "Paused", "withdrawn": "Withdrawn"}
_BREAK = re.compile(
    r"^(?P<label>.*?)\s*(?P<start>\d{4}-\d{2}-\d{2})\s*(?:to|-|–|through)\s*"
    r"(?P<end>\d{4}-\d{2}-\d{2})\s*$"
)

T = TypeVar("T")


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
    reader = RosterReader(roster_id, template, titles, sheet_ids)
    for tab in template.tabs:
        if (tab.key not in grids or tab.key not in titles) and not tab.optional:
            reader.flag(
                tab.key,
                None,
                "roster.tab_missing",
                "error",
                "no such tab",
                f"a tab named {tab.title}",
            )
    program = reader.program(grids)
    return RosterRead(
        program=program,
        findings=reader.findings,
        attendance_rows=reader.attendance_rows,
        attendance_values=[list(r) for r in grids.get("attendance", [])],
        tabs=reader.layouts,
        setting_rows=reader.setting_rows,
        program_rows=reader.program_rows,
        tab_rows={key: len(grid) for key, grid in grids.items()},
    )


class RosterReader:
    """Turns grids into models, collecting a finding for every cell it cannot use."""

    def __init__(
        self,
        roster_id: str,
        template: WorkbookTemplate,
        titles: Mapping[str, str],
        sheet_ids: Mapping[str, int],
    ) -> None:
        self.roster_id = roster_id
        self.template = template
        self.titles = titles
        self.sheet_ids = sheet_ids
        self.findings: list[Finding] = []
        self.layouts: dict[str, TabLayout] = {}
        self.setting_rows: dict[str, int] = {}
        self.program_rows = 0
        self.school_year: DateRange | None = None
        self.held_events: list[str] = []
        self.attendance_rows: list[AttendanceRow] = []

    # findings

    def flag(
        self, tab_key: str, a1: str | None, rule: str, severity: Severity, found: str, expected: str
    ) -> None:
        title = self.titles.get(tab_key) or self.template.tab(tab_key).title
        sheet_id = self.sheet_ids.get(tab_key)
        self.findings.append(
            Finding.at(
                ROSTER,
                rule,
                severity,
                spreadsheet_id=self.roster_id,
                sheet_id=sheet_id,
                tab=title,
                cell=a1,
                found=found,
                expected=expected,
            )
        )

    def bad(
        self,
        tab_key: str,
        row: int,
        col: int,
        error: ParseError,
        expected: str,
        severity: Severity = "error",
    ) -> None:
        found = f"{error.found!r}: {error.reason}" if error.found else error.reason
        self.flag(
            tab_key, rowcol_to_a1(row, col + 1), "roster.bad_value", severity, found, expected
        )

    # the program

    def program(self, grids: Mapping[str, Sequence[Sequence[CellValue]]]) -> Program:
        settings = self.settings(grids.get("program", []))
        coaches = self.rows(grids, "coaches", self.coach)
        teams = self.unique_teams(self.rows(grids, "teams", self.team))
        events = self.rows(grids, "events", self.event)
        return Program(
            **settings,
            roster_id=self.roster_id,
            coaches=coaches,
            teams=teams,
            events=events,
            held_events=self.held_events,
            attendance=self.rows(grids, "attendance", self.attendance),
            observations=self.rows(grids, "observations", self.observation),
            applications=self.rows(grids, "applications", read_application),
            roster_tabs={key: self.sheet_ids[key] for key in self.titles if key in self.sheet_ids},
        )

    def settings(self, grid: Sequence[Sequence[CellValue]]) -> dict[str, Any]:
        tab = self.template.tab("program")
        header = find_header(tab, grid)
        self.layouts["program"] = TabLayout(
            title=self.titles.get("program", tab.title),
            sheet_id=self.sheet_ids.get("program", 0),
            header=header,
        )
        self.program_rows = len(grid)
        label_at = header.columns.get("setting", 0) if header else 0
        value_at = header.columns.get("value", 1) if header else 1
        start = header.row + 1 if header else 0
        raw: dict[str, tuple[CellValue, int]] = {}
        for index in range(start, len(grid)):
            row = grid[index]
            label = normalize(as_text(cell_at(row, label_at)))
            item = next((s for s in tab.settings if label and label in s.names()), None)
            if item is not None and item.key not in raw:
                raw[item.key] = (cell_at(row, value_at), index)
                self.setting_rows[item.key] = index
        return self.setting_values(raw, value_at)

    def setting_values(self, raw: Mapping[str, tuple[CellValue, int]], col: int) -> dict[str, Any]:
        def text(key: str) -> str:
            return as_text(raw.get(key, (None, 0))[0])

        out: dict[str, Any] = {
            "name": text("program_name") or "TST",
            "timezone": text("timezone") or DEFAULT_TIMEZONE,
        }
        out["school_year_start"] = self.setting_date(raw, "school_year_start", col, True)
        out["school_year_end"] = self.setting_date(raw, "school_year_end", col, True)
        self.school_year = DateRange(start=out["school_year_start"], end=out["school_year_end"])
        for key in ("mid_year_data_due", "end_of_year_data_due"):
            out[key] = self.setting_date(raw, key, col, False)
        out["allowed_domains"] = [d.lstrip("@").lower() for d in _split(text("allowed_domains"))]
        out["staff_emails"] = self.setting_emails(raw, col)
        out["digest_opt_outs"] = self.setting_emails(
            raw, col, "digest_opt_outs", "emails of people who asked not to get the weekly email"
        )
        out["breaks"] = self.breaks(raw, col)
        out["rollup_spreadsheet_id"] = id_from_url(text("rollup_spreadsheet"))
        out["calendar_id"] = text("program_calendar")
        if not out["allowed_domains"]:
            self.flag(
                "program",
                None,
                "roster.no_allowed_domains",
                "warning",
                "Allowed Domains is empty",
                "the email domains workbooks may be shared with",
            )
        return out

    def setting_date(
        self, raw: Mapping[str, tuple[CellValue, int]], key: str, col: int, required: bool
    ) -> date | None:
        value, row = raw.get(key, (None, -1))
        if is_blank(value) and not required:
            return None
        parsed = parse_date(value)
        if isinstance(parsed, date):
            return parsed
        fallback = _default_year()[0 if key == "school_year_start" else 1]
        label = self.template.tab("program").setting(key).label
        if row < 0:
            self.flag(
                "program",
                None,
                "roster.setting_missing",
                "error",
                f"no {label} row",
                f"a {label} row (YYYY-MM-DD); using {fallback}",
            )
        else:
            self.bad("program", row + 1, col, parsed, f"{label} as YYYY-MM-DD")
        return fallback if required else None

    def setting_emails(
        self,
        raw: Mapping[str, tuple[CellValue, int]],
        col: int,
        key: str = "staff_emails",
        expected: str = "staff emails, comma separated",
    ) -> list[str]:
        value, row = raw.get(key, (None, 0))
        out: list[str] = []
        for part in _split(as_text(value)):
            email = parse_email(part)
            if isinstance(email, ParseError):
                self.bad("program", row + 1, col, email, expected)
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
                self.bad(
                    "program",
                    row + 1,
                    col,
                    err,
                    "Label YYYY-MM-DD to YYYY-MM-DD, separated by semicolons",
                    "warning",
                )
                continue
            start, end = (date.fromisoformat(match[k]) for k in ("start", "end"))
            out.append(DateRange(start=start, end=end, label=match["label"].strip(" :-,")))
        return out

    # tables

    def rows(
        self,
        grids: Mapping[str, Sequence[Sequence[CellValue]]],
        key: str,
        parse: Callable[[RosterRow], T | None],
    ) -> list[T]:
        tab = self.template.tab(key)
        grid = grids.get(key, [])
        header = find_header(tab, grid)
        self.layouts[key] = TabLayout(
            title=self.titles.get(key, tab.title),
            sheet_id=self.sheet_ids.get(key, tab.sheet_id),
            header=header,
        )
        if header is None:
            if key in grids:
                self.flag(
                    key,
                    "A1",
                    "roster.no_header",
                    "error",
                    "no header row",
                    " | ".join(tab.headers()),
                )
            return []
        for col in header.missing(tab):
            if col.required:
                self.flag(
                    key,
                    rowcol_to_a1(header.row + 1, 1),
                    "roster.column_missing",
                    "error",
                    f"no {col.header} column",
                    f"a column headed {col.header}",
                )
        out: list[T] = []
        for index in range(header.row + 1, len(grid)):
            cells = grid[index]
            if all(is_blank(v) for v in cells) or is_example_row(cells):
                continue
            item = parse(RosterRow(self, tab, header, cells, index + 1))
            if item is not None:
                out.append(item)
        return out

    def coach(self, row: RosterRow) -> Coach | None:
        email = row.email("email", required=True)
        if not email:
            return None
        active = row.yes_no("active", default=True) is not False
        return Coach(name=row.text("name") or email, email=email, active=active)

    def team(self, row: RosterRow) -> Team | None:
        team_id = row.text("team_id")
        if not team_id:
            row.missing("team_id")
            return None
        status_text = row.text("status") or "Active"
        status = STATES.get(normalize(status_text))
        if status is None:
            row.flag(
                "status",
                repr(status_text),
                "Active, Paused or Withdrawn (treated as Paused)",
                "warning",
            )
            status = "Paused"
        years = row.number("tl_years_teaching")
        return Team(
            team_id=team_id,
            school=row.text("school"),
            focus_area=row.text("focus_area"),
            tl_name=row.text("tl_name"),
            tl_email=row.email("tl_email", required=True),
            tl_years_teaching=years,
            principal_name=row.text("principal_name"),
            principal_email=row.email("principal_email"),
            coach_email=row.email("coach_email"),
            status=status,
            sheet_url=row.text("sheet"),
            program_year=program_year(row),
            continuing=row.yes_no("continuing", default=None),
            previous_sheet_url=row.text("previous_sheet"),
            row=row.number_1based,
        )

    def unique_teams(self, teams: list[Team]) -> list[Team]:
        seen: dict[str, Team] = {}
        for team in teams:
            key = team.team_id.lower()
            if key in seen:
                self.flag(
                    "teams",
                    f"A{team.row}",
                    "roster.duplicate_team",
                    "error",
                    team.team_id,
                    f"a unique Team ID (row {seen[key].row} has it already); row ignored",
                )
                continue
            seen[key] = team
        return list(seen.values())

    def event(self, row: RosterRow) -> EventSpec | None:
        key = row.text("event_key")
        day = row.date("date", required=True)
        kind, mode = self.kind(row), self.mode(row)
        if not key:
            row.missing("event_key")
        if not key or day is None:
            return None
        skipped = "the event is left off the calendar until it is fixed"
        start, end = row.time("start", skipped), row.time("end", skipped)
        if (start is None and not row.blank("start")) or (end is None and not row.blank("end")):
            self.held_events.append(key)
            return None  # "25:00" is not an all-day event for everyone
        return EventSpec(
            key=key,
            title=row.text("title") or key,
            kind=kind,
            date=day,
            start=start,
            end=end,
            mode=mode,
            location=row.text("location"),
            audience=_split(row.text("audience")),
            notes=row.text("notes"),
            row=row.number_1based,
            cells=row.cells(),
        )

    def kind(self, row: RosterRow) -> EventKind:
        text = row.text("kind") or "Other"
        kind = KINDS.get(normalize(text))
        if kind is None:
            row.flag("kind", repr(text), ", ".join(KIND_LABELS.values()), "warning")
        return kind or "other"

    def mode(self, row: RosterRow) -> EventMode:
        text = row.text("mode") or "In person"
        mode = MODES.get(normalize(text))
        if mode is None:
            row.flag("mode", repr(text), "In person or Virtual", "warning")
        return mode or "in_person"

    def attendance(self, row: RosterRow) -> Attendance | None:
        """A recorded attendance; a row with "Attended" blank is not recorded yet (no finding)."""
        key, email = row.text("event_key"), row.email("email", required=True)
        attended = row.yes_no("attended", default=None)
        if key and email:
            self.attendance_rows.append(
                AttendanceRow(
                    event_key=key,
                    email=email,
                    attended=attended,
                    rsvp=row.text("rsvp"),
                    row=row.number_1based,
                )
            )
        if not key or not email or attended is None:
            return None
        return Attendance(event_key=key, email=email, attended=attended, row=row.number_1based)

    def observation(self, row: RosterRow) -> Observation | None:
        team_id, day = row.text("team_id"), row.date("date", required=True)
        if not team_id or day is None:
            return None
        return Observation(
            team_id=team_id,
            date=day,
            observer=row.text("observer"),
            notes=row.text("notes"),
            row=row.number_1based,
        )


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def _default_year() -> tuple[date, date]:
    """The school year containing today: mid-August to early June."""
    now = today(DEFAULT_TIMEZONE)
    first = now.year if now.month >= 7 else now.year - 1
    return date(first, 8, 17), date(first + 1, 6, 10)
