"""A team workbook's content at creation: the Start Here facts, the Program Events rows and the
TL's own row on the Team tab, in the one create body (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tst_sheets.calendar.events import desired_events
from tst_sheets.calendar.team_tab import program_event_rows as rows_for
from tst_sheets.calendar.team_tab import tab_rows
from tst_sheets.model import Program, Team
from tst_sheets.templates import WorkbookTemplate, render_create

TEMPLATE = "team_workbook"
STATUS_LABELS = ("Last checked", "Status")  # Start Here rows the roll-up keeps current
NOT_CHECKED = "Not checked yet"


def workbook_title(template: WorkbookTemplate, team: Team) -> str:
    return template.title.format(team_id=team.team_id, school=team.school)


def _person(name: str, email: str) -> str:
    return f"{name} <{email}>" if name and email else name or email


def start_here_rows(program: Program, team: Team, template: WorkbookTemplate) -> list[list[str]]:
    """The facts a team sees first; the fixed text (commitments) follows from the template."""
    coach = program.coach(team.coach_email)
    year = f"{program.school_year_start:%b %-d, %Y} – {program.school_year_end:%b %-d, %Y}"
    rows = [
        [f"{program.name} Impact Team {team.team_id}", team.school],
        ["Teacher Liaison", _person(team.tl_name, team.tl_email)],
        ["Principal", _person(team.principal_name, team.principal_email)],
        ["TST Coach", _person(coach.name if coach else "", team.coach_email)],
        ["Focus Area", team.focus_area],
        ["School Year", year],
        [
            "Program Events",
            "Fall Training, roundtables and deadlines: see the Program Events tab "
            "(also on your Google Calendar).",
        ],
    ]
    if program.calendar_id:
        url = f"https://calendar.google.com/calendar/embed?src={program.calendar_id}"
        rows.append(["Program Calendar", url])
    rows += [[STATUS_LABELS[0], NOT_CHECKED], [STATUS_LABELS[1], NOT_CHECKED], ["", ""]]
    how = [["How to fill each tab", ""]]
    how += [[tab.title, tab.help] for tab in template.tabs if tab.owner == "team"]
    return [*rows, *how, ["", ""]]


def program_event_rows(program: Program, team: Team) -> list[list[str]]:
    """The team's Program Events rows, exactly as the calendar job writes them."""
    desired, _ = desired_events(program, {team.team_id: [team.tl_email]})
    return tab_rows(rows_for(desired, team.team_id))


def team_rows(template: WorkbookTemplate, team: Team) -> list[list[str]]:
    """The template's example row, then the TL (so the TL sees how to list the team)."""
    tab = template.tab("team")
    examples = [[row.get(c.key, "") for c in tab.columns] for row in tab.example_rows]
    tl = {"name": team.tl_name, "email": team.tl_email, "role": "Teacher Liaison"}
    return [*examples, [tl.get(c.key, "") for c in tab.columns]]


def render_workbook(
    template: WorkbookTemplate, program: Program, team: Team, metadata: Mapping[str, str]
) -> dict[str, Any]:
    """The team workbook's whole ``spreadsheets.create`` body."""
    content: dict[str, Any] = {
        "start_here": start_here_rows(program, team, template),
        "team": team_rows(template, team),
        "program_events": program_event_rows(program, team),
    }
    return render_create(
        template, workbook_title(template, team), content, metadata, time_zone=program.timezone
    )
