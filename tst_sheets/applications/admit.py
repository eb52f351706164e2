"""Accepted applications → Teams rows (pure): which applications become teams, under which
Team ID, and the roster cells that say so.

An application is a team already when its Team ID cell (the service's) names one, or when a
Teams row has its school and TL email (staff typed the team themselves). Otherwise an
accepted application for the roster's school year gets the next Team ID, a new Teams row
below the last filled one (never over a staff row), and its Team ID cell recorded, all in
the one roster write: a second run finds it and adds nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, Field

from tst_sheets.applications.check import APPLICATIONS, year_of
from tst_sheets.model import Application, Finding, Program, Team, cell_link
from tst_sheets.model.text import normalize
from tst_sheets.provision.roster import cell_text, team_row
from tst_sheets.reading.roster import RosterRead

_ID = re.compile(r"^(\D*)(\d+)$")


class Admission(BaseModel):
    """What admitting the accepted applications does to the roster."""

    teams: list[Team] = Field(default_factory=list)  # the new Teams rows
    cells: dict[str, str] = Field(default_factory=dict)  # roster A1 → value to write
    applications: list[Application] = Field(default_factory=list)  # Team IDs filled in
    findings: list[Finding] = Field(default_factory=list)


def plan_admission(read: RosterRead, used: Iterable[str] = ()) -> Admission:
    """``used``: Team IDs of earlier years (their archived workbooks'), never given again."""
    program = read.program
    out = Admission(applications=list(program.applications))
    by_school = {_school_key(t.school, t.tl_email): t for t in program.teams}
    taken = {t.team_id.lower() for t in program.teams} | {
        a.team_id.lower() for a in program.applications if a.team_id
    }
    taken |= {u.lower() for u in used if u}
    next_row = _first_free_row(read)
    for index, app in enumerate(program.applications):
        if app.decision != "Accepted" or year_of(app, program) != program.year or app.team_id:
            continue
        known = by_school.get(_school_key(app.school, app.tl_email))
        if known is not None:  # staff made the team by hand: recorded, nothing added
            _record(read, out, index, known.team_id)
            continue
        if not admissible(app) or next_row is None:
            out.findings.append(_not_admitted(program, read, app))
            continue
        team_id = next_team_id(taken)
        taken.add(team_id.lower())
        team = team_of(app, team_id, next_row)
        out.teams.append(team)
        out.cells.update(_row_cells(read, team))
        _record(read, out, index, team_id)
        out.findings.append(_admitted(program, read, app, team))
        next_row += 1
    return out


def admissible(app: Application) -> bool:
    """Enough to be a Teams row: its school and its TL."""
    return bool(app.school and app.tl_email and app.tl_name)


def next_team_id(taken: Iterable[str]) -> str:
    """The next id in the roster's own pattern ("T12" → "T13"); "T01" on an empty roster."""
    ids = [m for t in taken if (m := _ID.match(t))]
    prefixes = Counter(m[1] for m in ids)
    prefix = prefixes.most_common(1)[0][0] if prefixes else "t"
    numbers = [int(m[2]) for m in ids if m[1] == prefix]
    width = max((len(m[2]) for m in ids if m[1] == prefix), default=2)
    number = max(numbers, default=0) + 1
    lowered = {t.lower() for t in taken}
    while f"{prefix}{number:0{width}d}".lower() in lowered:
        number += 1
    return f"{prefix.upper()}{number:0{width}d}"


def _school_key(school: str, tl_email: str) -> tuple[str, str]:
    return normalize(school), tl_email.lower()


def _first_free_row(read: RosterRead) -> int | None:
    """The row below the Teams tab's last filled one (1-based); None without a header."""
    layout = read.tabs.get("teams")
    if layout is None or layout.header is None:
        return None
    return max(read.tab_rows.get("teams", 0), layout.header.row + 1) + 1


def team_of(app: Application, team_id: str, row: int | None = None) -> Team:
    """The Teams row an accepted application becomes (Active, in its first program year)."""
    return Team(
        team_id=team_id,
        school=app.school,
        focus_area=app.focus_area,
        tl_name=app.tl_name,
        tl_email=app.tl_email,
        tl_years_teaching=app.tl_years_teaching,
        principal_name=app.principal_name,
        principal_email=app.principal_email,
        coach_email=app.coach_email,
        status="Active",
        program_year=1,
        row=row,
    )


def _row_cells(read: RosterRead, team: Team) -> dict[str, str]:
    assert team.row is not None
    cells = {}
    for key, value in team_row(team).items():
        a1 = read.cell("teams", team.row, key)
        if a1 and value not in (None, ""):
            cells[a1] = cell_text(value)
    return cells


def _record(read: RosterRead, out: Admission, index: int, team_id: str) -> None:
    app = out.applications[index]
    out.applications[index] = app.model_copy(update={"team_id": team_id})
    a1 = read.cell("applications", app.row, "team_id")
    if a1:
        out.cells[a1] = team_id


def _admitted(program: Program, read: RosterRead, app: Application, team: Team) -> Finding:
    return Finding(
        team=team.team_id,
        rule="applications.admitted",
        severity="info",
        tab=_title(read),
        cell=app.cells.get("team_id"),
        found=f"{app.label} ({app.tl_name}) accepted",
        expected=f"Team {team.team_id} on the Teams tab, row {team.row}, with its workbook",
        link=cell_link(program.roster_id, _sheet_id(read), app.cells.get("team_id")),
    )


def _not_admitted(program: Program, read: RosterRead, app: Application) -> Finding:
    return Finding(
        team=APPLICATIONS,
        rule="applications.not_admitted",
        severity="error",
        tab=_title(read),
        cell=f"A{app.row}",
        found=f"{app.label}: accepted, but its school, TL name or TL email is empty",
        expected="an accepted application naming its school and TL (or a Teams tab to add to)",
        link=cell_link(program.roster_id, _sheet_id(read), f"A{app.row}"),
    )


def _title(read: RosterRead) -> str:
    layout = read.tabs.get("applications")
    return layout.title if layout else "Applications"


def _sheet_id(read: RosterRead) -> int | None:
    layout = read.tabs.get("applications")
    return layout.sheet_id if layout else None
