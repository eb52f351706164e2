"""The roster spreadsheet as the service writes it: the create body of a new roster (every tab
filled from a ``Program``), and the cells of the few things the service writes back to it
(its own settings, and the rows of the sample program). Pure: cells in A1, no HTTP here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time
from typing import Any

from tst_sheets.model import Application, Coach, EventSpec, NamedMember, Program, Team
from tst_sheets.model.a1 import absolute_range_name, rowcol_to_a1
from tst_sheets.model.program import KIND_LABELS, MODE_LABELS
from tst_sheets.reading.roster import RosterRead
from tst_sheets.templates import CellInput, TabSpec, WorkbookTemplate, render_create

SERVICE_SETTINGS = ("rollup_spreadsheet", "program_calendar")


def settings_values(program: Program) -> dict[str, CellInput]:
    breaks = "; ".join(
        f"{b.label} {b.start.isoformat()} to {b.end.isoformat()}".strip() for b in program.breaks
    )
    return {
        "program_name": program.name,
        "school_year_start": program.school_year_start,
        "school_year_end": program.school_year_end,
        "timezone": program.timezone,
        "allowed_domains": ", ".join(program.allowed_domains),
        "staff_emails": ", ".join(program.staff_emails),
        "digest_opt_outs": ", ".join(program.digest_opt_outs),
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
        "event_key": event.key,
        "title": event.title,
        "kind": KIND_LABELS[event.kind],
        "date": event.date,
        "start": _clock(event.start),
        "end": _clock(event.end),
        "mode": MODE_LABELS[event.mode] if event.start else "",
        "location": event.location,
        "audience": ", ".join(event.audience),
        "notes": event.notes,
    }


def team_row(team: Team) -> dict[str, CellInput]:
    return {
        "team_id": team.team_id,
        "school": team.school,
        "focus_area": team.focus_area,
        "tl_name": team.tl_name,
        "tl_email": team.tl_email,
        "tl_years_teaching": team.tl_years_teaching,
        "principal_name": team.principal_name,
        "principal_email": team.principal_email,
        "coach_email": team.coach_email,
        "status": team.status,
        "sheet": team.sheet_url,
        "program_year": team.program_year,
        "continuing": {True: "Yes", False: "No", None: ""}[team.continuing],
        "previous_sheet": team.previous_sheet_url,
    }


def _named(member: NamedMember) -> str:
    return (
        f"{member.name} <{member.email}>"
        if member.name and member.email
        else member.name or member.email
    )


def application_row(app: Application) -> dict[str, CellInput]:
    """An Applications row as staff would type it (members one per line)."""
    agreed = {True: "Yes", False: "No", None: ""}
    return {
        "submitted": app.submitted,
        "school": app.school,
        "tl_name": app.tl_name,
        "tl_email": app.tl_email,
        "tl_years_teaching": app.tl_years_teaching,
        "principal_name": app.principal_name,
        "principal_email": app.principal_email,
        "vision": app.vision,
        "focus_area": app.focus_area,
        "members": "\n".join(_named(m) for m in app.members),
        "tl_commitments": agreed[app.tl_agreed],
        "principal_commitments": agreed[app.principal_agreed],
        "school_year": app.school_year,
        "coach_email": app.coach_email,
        "decision": "" if app.decision == "Pending" else app.decision,
        "team_id": app.team_id,
        "notes": app.notes,
    }


def coach_row(coach: Coach) -> dict[str, CellInput]:
    return {"name": coach.name, "email": coach.email, "active": "Yes" if coach.active else "No"}


def tab_rows(tab: TabSpec, rows: Sequence[Mapping[str, CellInput]]) -> list[list[CellInput]]:
    """Rows by column key -> rows in the template's column order."""
    return [[row.get(col.key) for col in tab.columns] for row in rows]


def render_roster(
    template: WorkbookTemplate, program: Program, metadata: Mapping[str, str]
) -> dict[str, Any]:
    """The roster's ``spreadsheets.create`` body, every tab filled from ``program``."""
    content: dict[str, Any] = {
        "program": settings_values(program),
        "coaches": tab_rows(template.tab("coaches"), [coach_row(c) for c in program.coaches]),
        "teams": tab_rows(template.tab("teams"), [team_row(t) for t in program.teams]),
        "events": tab_rows(template.tab("events"), [event_row(e) for e in program.events]),
        "attendance": [],
        "observations": [],
        "applications": tab_rows(
            template.tab("applications"), [application_row(a) for a in program.applications]
        ),
    }
    title = template.title.format(program=program.name)
    return render_create(template, title, content, metadata, time_zone=program.timezone)


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
    return (
        absolute_range_name(title, rowcol_to_a1(row, value_col + 1)),
        absolute_range_name(title, rowcol_to_a1(row, label_col + 1)),
    )


def setting_cells(
    read: RosterRead, template: WorkbookTemplate, key: str, value: str
) -> dict[str, str]:
    """The cells that record one setting: its value, and its label when the row is missing."""
    value_a1, label_a1 = setting_cell(read, key)
    cells = {value_a1: value}
    if label_a1:
        cells[label_a1] = template.tab("program").setting(key).label
    return cells


def program_cells(read: RosterRead, template: WorkbookTemplate, program: Program) -> dict[str, str]:
    """Every cell that makes the roster say ``program`` (settings, coaches, teams, events)."""
    cells: dict[str, str] = {}
    for key, value in settings_values(program).items():
        if key in SERVICE_SETTINGS:
            continue
        value_a1, label_a1 = setting_cell(read, key)
        if label_a1:
            read.program_rows += 1
            cells[label_a1] = template.tab("program").setting(key).label
        cells[value_a1] = cell_text(value)
    tables = {
        "coaches": [coach_row(c) for c in program.coaches],
        "teams": [team_row(t) for t in program.teams],
        "events": [event_row(e) for e in program.events],
        "applications": [application_row(a) for a in program.applications],
    }
    for key, rows in tables.items():
        if key not in read.tabs:
            continue  # a roster without the tab (made before it existed)
        cells.update(_table_cells(read, key, rows))
    return cells


def _table_cells(
    read: RosterRead, key: str, rows: Sequence[Mapping[str, CellInput]]
) -> dict[str, str]:
    layout = read.tabs[key]
    start = (layout.header.row if layout.header else 0) + 2
    out: dict[str, str] = {}
    for offset, row in enumerate(rows):
        for column, value in row.items():
            a1 = read.cell(key, start + offset, column)
            if a1:
                out[a1] = cell_text(value)
    return out


def cell_text(value: CellInput) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
