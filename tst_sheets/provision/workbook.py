"""A team workbook's content at creation: the Start Here facts, the Program Events rows and the
Team tab (the TL's own row, then the colleagues a team starts with: those its application
named, or last year's members of a continuing team), in the one create body (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tst_sheets.calendar.events import DesiredEvent, desired_events
from tst_sheets.calendar.team_tab import program_event_rows as rows_for
from tst_sheets.calendar.team_tab import tab_rows
from tst_sheets.model import Member, Program, TabRead, Team, TeamRecord
from tst_sheets.model.a1 import column_letter
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


def program_event_rows(
    program: Program, team: Team, events: Sequence[DesiredEvent] | None = None
) -> list[list[str]]:
    """The team's Program Events rows, exactly as the calendar job writes them (``events``:
    the program's, worked out once for a whole run rather than once per workbook)."""
    if events is None:
        events, _ = desired_events(program)
    return tab_rows(rows_for(events, team.team_id))


def team_rows(
    template: WorkbookTemplate, team: Team, members: Sequence[Member] = ()
) -> list[list[str]]:
    """The template's example row, then the TL (so the TL sees how to list the team), then
    the colleagues the team starts with."""
    tab = template.tab("team")
    examples = [[row.get(c.key, "") for c in tab.columns] for row in tab.example_rows]
    tl = {"name": team.tl_name, "email": team.tl_email, "role": "Teacher Liaison"}
    rows = [*examples, [tl.get(c.key, "") for c in tab.columns]]
    for member in members:
        values = {**member.model_dump(), "email": member.email or ""}
        rows.append([str(values.get(c.key) or "") for c in tab.columns])
    return rows


def starting_record(
    template: WorkbookTemplate, team: Team, people: Sequence[Member]
) -> tuple[list[Member], TeamRecord]:
    """The colleagues a new workbook starts with, placed on its Team tab below the example
    and TL rows, and the record the sharing plan reads them from (as if read back)."""
    tab = template.tab("team")
    letters = {c.key: column_letter(i) for i, c in enumerate(tab.columns)}
    first = 2 + len(tab.example_rows) + 1  # header, examples, the TL
    placed = [
        m.model_copy(
            update={"row": first + i, "cells": {k: f"{v}{first + i}" for k, v in letters.items()}}
        )
        for i, m in enumerate(people)
    ]
    read = TabRead(
        key="team", title=tab.title, sheet_id=tab.sheet_id, header_row=1, columns=letters
    )
    record = TeamRecord(
        team_id=team.team_id, spreadsheet_id="", tabs={"team": read}, members=placed
    )
    return placed, record


def render_workbook(
    template: WorkbookTemplate,
    program: Program,
    team: Team,
    metadata: Mapping[str, str],
    members: Sequence[Member] = (),
    events: Sequence[DesiredEvent] | None = None,
) -> dict[str, Any]:
    """The team workbook's whole ``spreadsheets.create`` body."""
    content: dict[str, Any] = {
        "start_here": start_here_rows(program, team, template),
        "team": team_rows(template, team, members),
        "program_events": program_event_rows(program, team, events),
    }
    return render_create(
        template, workbook_title(template, team), content, metadata, time_zone=program.timezone
    )
