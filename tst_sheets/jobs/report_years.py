"""The Impact Report's year over year: last school year's roster (archived by the rollover,
found by its ``tstYear`` label), its teams read again and checked as of that year's end, beside
this year's; and who stayed on the continuing teams' Impact Teams.

Calls, only once the program has rolled over: 1 values.batchGet of last year's roster + 1 per
last year's active team (its archived workbook, read-only as it is).
"""

from __future__ import annotations

from collections.abc import Sequence

from tst_sheets.commitments import CommitmentSet
from tst_sheets.jobs.collect import team_status
from tst_sheets.jobs.common import team_template
from tst_sheets.jobs.files import latest
from tst_sheets.jobs.reader import read_teams
from tst_sheets.jobs.roster import read_roster
from tst_sheets.model import DriveFile, Member, Program, Team
from tst_sheets.model.a1 import id_from_url
from tst_sheets.model.files import all_of_program
from tst_sheets.rollup.impact import program_impact
from tst_sheets.rollup.impact_years import YearFigures, YearOverYear
from tst_sheets.rollup.inputs import RollupInput, TeamView, team_view
from tst_sheets.rollup.template import ImpactWords
from tst_sheets.workspace import Workspace
from tst_sheets.year.retention import retention


def year_over_year(
    ws: Workspace, this: RollupInput, words: ImpactWords, files: Sequence[DriveFile]
) -> YearOverYear | None:
    """None before the program's first rollover (no earlier year's roster)."""
    last = _last_year(ws, this.program, this.commitments, files)
    if last is None:
        return None
    return YearOverYear(
        last=_figures(last, words),
        this=_figures(this, words),
        retention=retention(_records(last), _records(this), last.as_of, this.as_of),
    )


def _last_year(
    ws: Workspace, program: Program, commitments: CommitmentSet, files: Sequence[DriveFile]
) -> RollupInput | None:
    rosters = [
        r
        for r in all_of_program(list(files), program.name, "roster")
        if r.year and r.year < program.year
    ]
    if not rosters:
        return None
    before = read_roster(ws, latest(rosters).id).program
    end = before.school_year_end
    teams = before.active_teams()
    books = {t.team_id: id_from_url(t.sheet_url) for t in teams}
    reads = read_teams(ws, teams, before, books, team_template(ws))
    views = []
    for team in teams:
        status = team_status(reads[team.team_id], team, before, end, commitments)
        views.append(team_view(team, status, reads[team.team_id].record, before, commitments))
    return RollupInput(program=before, as_of=end, teams=views, commitments=commitments)


def _readable(inp: RollupInput) -> list[TeamView]:
    return [v for v in inp.teams if v.status.overall != "Unreadable"]


def _figures(inp: RollupInput, words: ImpactWords) -> YearFigures:
    return YearFigures(
        year=inp.program.year,
        as_of=inp.as_of.isoformat(),
        figures=program_impact(inp, words, _readable(inp)),
    )


def _records(inp: RollupInput) -> list[tuple[Team, list[Member]]]:
    return [(v.team, v.facts.members) for v in inp.teams if v.facts is not None]
