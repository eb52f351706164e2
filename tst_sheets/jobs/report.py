"""The report job: a dated, read-only Impact Report for the program's board and funders.

One spreadsheet per program and as-of date (found again by its Drive labels, ``tstKind`` =
report and ``tstAsOf``): the roll-up's Impact tab (each team's SMART goal against its target,
the share of teams on pace and met, the commitments kept) and an About tab. Program staff may
open it, read-only; nobody else.

Once the program has rolled over, its last section is the year over year (``report_years``):
last school year beside this one, and the members who stayed on the continuing teams.

Calls, for N active teams: the roster read + 1 values.batchGet per team + 1 Drive files.list
(+ last year's roster and workbooks, 1 read each, after a rollover); then a new report: 1
create and 1 labels write (``files.create_labelled``) + 1 batchUpdate + 1 permission per
staff member; a report already made for that date: 1 metadata read + 1
batchUpdate (rewritten in place) and sharing put right only where it differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import Field

from tst_sheets.commitments import CommitmentSet, load_commitments
from tst_sheets.jobs import files as drive_files
from tst_sheets.jobs import rollup_book
from tst_sheets.jobs.collect import locate_books, team_status
from tst_sheets.jobs.common import as_of_date, roster_id_of, team_template
from tst_sheets.jobs.files import list_program_files
from tst_sheets.jobs.reader import Progress, read_teams
from tst_sheets.jobs.report_years import year_over_year
from tst_sheets.jobs.roster import read_roster
from tst_sheets.model import AutoCamel, DriveFile, GoalProgress, Program, spreadsheet_url
from tst_sheets.model.files import labels, of_program
from tst_sheets.model.program import zone
from tst_sheets.model.status import Overall
from tst_sheets.rollup.grid import Grid, new_grid
from tst_sheets.rollup.impact import ProgramImpact, impact_grid, program_impact
from tst_sheets.rollup.impact_years import YearOverYear, add_year_section, year_rows
from tst_sheets.rollup.inputs import RollupInput, TeamView, team_view
from tst_sheets.rollup.state import SheetLayout
from tst_sheets.rollup.template import RollupTemplate, load_rollup_template
from tst_sheets.templates import render_create
from tst_sheets.templates.cells import Value
from tst_sheets.workspace import Workspace

KIND = "report"
ABOUT = "report_about"


class TeamImpact(AutoCamel):
    team_id: str
    school: str
    status: Overall
    goal: GoalProgress


class ReportResult(AutoCamel):
    """``--json``: ``{"reportSpreadsheetId", "url", "title", "asOf", "created", "program",
    "teams", "yearOverYear", "sharedWith", "calls"}`` (``yearOverYear`` null before the first
    rollover)."""

    report_spreadsheet_id: str
    url: str
    title: str
    as_of: date
    created: bool
    program: ProgramImpact
    teams: list[TeamImpact] = Field(default_factory=list)
    year_over_year: YearOverYear | None = None
    year_rows: list[list[Value]] = Field(
        default_factory=list, exclude=True, description="The year over year as the tab shows it."
    )
    shared_with: list[str] = Field(default_factory=list)
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)


def report(
    ws: Workspace,
    roster_id: str | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> ReportResult:
    """Read every active team, and write (or rewrite) the Impact Report dated ``as_of``."""
    before = ws.calls()
    read = read_roster(ws, roster_id_of(ws, roster_id))
    program = read.program
    day = as_of_date(ws, program, as_of)
    tpl = load_rollup_template(ws.settings.templates_dir)
    commitments = load_commitments(ws.settings.templates_dir / "commitments.yaml")
    inp = _input(ws, program, day, commitments, progress)
    files = list_program_files(ws)
    years = year_over_year(ws, inp, tpl.impact, files)
    grids = report_grids(inp, tpl, years)
    book_id, created = _find_or_create(ws, program, tpl, day, files)
    layout = _initial_layout(tpl) if created else rollup_book.read_layout(ws, book_id)
    rollup_book.write(ws, book_id, grids, layout, tpl)
    people = report_people(program)
    rollup_book.share(ws, program, book_id, files, created, people=people)
    teams = sorted(inp.teams, key=lambda v: v.team.team_id)
    return ReportResult(
        report_spreadsheet_id=book_id,
        url=spreadsheet_url(book_id),
        title=report_title(tpl, program, day),
        as_of=day,
        created=created,
        program=program_impact(inp, tpl.impact, _readable(teams)),
        teams=[
            TeamImpact(
                team_id=v.team.team_id,
                school=v.team.school,
                status=v.status.overall,
                goal=v.status.goal,
            )
            for v in teams
        ],
        year_over_year=years,
        year_rows=year_rows(tpl.impact, years) if years else [],
        shared_with=sorted(people),
        calls=ws.counter.since(before),
    )


def _input(
    ws: Workspace,
    program: Program,
    day: date,
    commitments: CommitmentSet,
    progress: Progress | None,
) -> RollupInput:
    """Every active team read once (one values.batchGet each) and checked as of the day."""
    teams = program.active_teams()
    books = locate_books(ws, program, teams)
    reads = read_teams(ws, teams, program, books, team_template(ws), progress=progress)
    views = []
    for team in teams:
        status = team_status(reads[team.team_id], team, program, day, commitments)
        views.append(team_view(team, status, reads[team.team_id].record, program, commitments))
    return RollupInput(program=program, as_of=day, teams=views, commitments=commitments)


def _readable(teams: Sequence[TeamView]) -> list[TeamView]:
    return [v for v in teams if v.status.overall != "Unreadable"]


def report_title(tpl: RollupTemplate, program: Program, day: date) -> str:
    return tpl.report.title.format(program=program.name, as_of=day.isoformat())


def report_people(program: Program) -> dict[str, str]:
    """Program staff, read-only; nobody else (a report is for the board, sent by staff)."""
    staff = {email.lower(): "reader" for email in program.staff_emails}
    allowed = program.allowed_domains
    return {e: r for e, r in staff.items() if not allowed or program.email_allowed(e)}


def report_grids(
    inp: RollupInput, tpl: RollupTemplate, years: YearOverYear | None = None
) -> list[Grid]:
    """The report's tabs: the Impact tab (last, the year over year once there is a last
    year), then its About (as of when, from what, how)."""
    teams = sorted(inp.teams, key=lambda v: v.team.team_id)
    impact = impact_grid(inp, tpl, teams, links=False)
    if years is not None:
        add_year_section(impact, tpl.impact, years)
    return [impact, _about(inp, tpl)]


def _about(inp: RollupInput, tpl: RollupTemplate) -> Grid:
    grid = new_grid(tpl, ABOUT)
    grid.header = False
    program = inp.program
    readable = _readable(inp.teams)
    written = datetime.now(zone(program.timezone)).replace(tzinfo=None, microsecond=0)
    facts = [
        ("Program", program.name),
        ("As of", inp.as_of.isoformat()),
        ("School year", f"{program.school_year_start} to {program.school_year_end}"),
        ("Teams", f"{len(readable)} active Impact Teams with readable workbooks"),
        ("Written at", written.isoformat(sep=" ")),
    ]
    text = [(r[0] if r else "", r[1] if len(r) > 1 else "") for r in tpl.tab(ABOUT).text]
    grid.rows = [{"label": label, "value": value} for label, value in [*facts, *text]]
    grid.volatile_rows = [4]
    return grid


def _find_or_create(
    ws: Workspace, program: Program, tpl: RollupTemplate, day: date, files: Sequence[DriveFile]
) -> tuple[str, bool]:
    """The report for this program and date (by its labels), or a new one."""
    mine = [
        f
        for f in of_program(list(files), program.name, KIND)
        if f.label("tstAsOf") == day.isoformat()
    ]
    if mine:
        return sorted(mine, key=lambda f: (f.created_time, f.id))[0].id, False
    props = {
        **labels(KIND, program.name, tpl.report.name, tpl.report.version, year=program.year),
        "tstAsOf": day.isoformat(),
    }
    body = render_create(
        tpl.report, report_title(tpl, program, day), {}, props, time_zone=program.timezone
    )
    return drive_files.create_labelled(ws, body, props), True


def _initial_layout(tpl: RollupTemplate) -> dict[int, SheetLayout]:
    """A report just created from the template: its tabs, nothing added to them yet."""
    return {t.sheet_id: SheetLayout(title=t.title) for t in tpl.report.tabs}
