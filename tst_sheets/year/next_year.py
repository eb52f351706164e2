"""Next school year's roster from last year's (pure): the year pattern's dates and events,
the same people and settings, the continuing teams in their next program year with last
year's workbook linked, and the applications made for the new year: those already accepted
become Teams rows now, under Team IDs no earlier year used (the rest wait for staff)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel, Field

from tst_sheets.applications.admit import admissible, next_team_id, team_of
from tst_sheets.calendar.school_year import YearPattern
from tst_sheets.model import Application, AutoCamel, Finding, Program, Team, cell_link
from tst_sheets.model.a1 import id_from_url, spreadsheet_url
from tst_sheets.model.years import year_label


class CarriedTeam(AutoCamel):
    """A team going on: its new program year and last year's workbook."""

    team_id: str
    school: str
    program_year: int
    previous_sheet: str = ""


class NextYear(BaseModel):
    program: Program
    continuing: list[CarriedTeam] = Field(default_factory=list)
    admitted: list[CarriedTeam] = Field(default_factory=list)
    finishing: list[str] = Field(default_factory=list)
    applications: int = 0
    findings: list[Finding] = Field(default_factory=list)


def next_year(
    old: Program,
    pattern: YearPattern,
    first_year: int,
    years_offered: int,
    books: Mapping[str, str],
    used: Iterable[str] = (),
) -> NextYear:
    """``books``: team id (lower) → last year's workbook id, for a team whose Sheet cell is
    empty; ``used``: Team IDs of earlier years' workbooks."""
    fresh = pattern.program(old.name, first_year)
    out = NextYear(program=fresh)
    teams: list[Team] = []
    for team in old.teams:
        if team.continuing is not True or team.status == "Withdrawn":
            out.finishing.append(team.team_id)
            continue
        if team.program_year >= years_offered:
            out.finishing.append(team.team_id)
            out.findings.append(_last_year(old, team, years_offered))
            continue
        teams.append(_carried(team, books))
        out.continuing.append(
            CarriedTeam(
                team_id=team.team_id,
                school=team.school,
                program_year=team.program_year + 1,
                previous_sheet=teams[-1].previous_sheet_url,
            )
        )
    label = year_label(first_year)
    apps = [
        a.model_copy(update={"row": 0, "cells": {}})
        for a in old.applications
        if a.school_year == label and not a.team_id
    ]
    out.applications = len(apps)
    taken = {t.team_id for t in old.teams} | {a.team_id for a in old.applications} | set(used)
    apps = [_admit(app, taken, teams, out) for app in apps]
    out.program = fresh.model_copy(
        update={
            "timezone": old.timezone,
            "allowed_domains": list(old.allowed_domains),
            "staff_emails": list(old.staff_emails),
            "coaches": list(old.coaches),
            "calendar_id": old.calendar_id,  # one program calendar: last year's events stay
            "teams": teams,
            "applications": apps,
        }
    )
    return out


def _admit(app: Application, taken: set[str], teams: list[Team], out: NextYear) -> Application:
    """An application accepted for the new year: a Teams row of the new roster now."""
    if app.decision != "Accepted" or not admissible(app):
        return app
    team_id = next_team_id(t for t in taken if t)
    taken.add(team_id)
    teams.append(team_of(app, team_id))
    out.admitted.append(CarriedTeam(team_id=team_id, school=app.school, program_year=1))
    return app.model_copy(update={"team_id": team_id})


def _carried(team: Team, books: Mapping[str, str]) -> Team:
    book = id_from_url(team.sheet_url) or books.get(team.team_id.lower(), "")
    return team.model_copy(
        update={
            "program_year": team.program_year + 1,
            "status": "Active",
            "sheet_url": "",
            "previous_sheet_url": spreadsheet_url(book) if book else "",
            "continuing": None,
            "row": None,
        }
    )


def _last_year(old: Program, team: Team, years_offered: int) -> Finding:
    return Finding(
        team=team.team_id,
        rule="rollover.final_year",
        severity="warning",
        tab="Teams",
        cell=f"A{team.row}" if team.row else None,
        found=f"Continuing, in program year {team.program_year} of {years_offered}",
        expected="a team in its last program year finishes; not carried over",
        link=cell_link(old.roster_id, old.roster_tabs.get("teams"), f"A{team.row}")
        if old.roster_id and team.row
        else None,
    )
