"""The Staff tab: what TST staff owe the teams, none of it part of a team's status.

Attendance still to record is one row per past event (not one per team); the staff-owned
commitments of each team (observation visits, the TL's experience on the roster) one row each.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tst_sheets.commitments.attendance import AttendanceRule, Unrecorded, unrecorded
from tst_sheets.model import Finding
from tst_sheets.model.findings import ROSTER
from tst_sheets.rollup.grid import Grid, Row, new_grid
from tst_sheets.rollup.inputs import RollupInput, TeamView
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.templates.cells import Link, Value

WHO = {"tl": ("TL", "TLs"), "principal": ("principal", "principals")}


def _attendance_items(inp: RollupInput) -> list[tuple[str, Unrecorded]]:
    """(commitment id, event) for each past event with attendance still to record, latest first."""
    teams = [v.team for v in inp.teams]
    items = [
        (c.id, item)
        for c in inp.commitments.commitments
        if isinstance(c.rule, AttendanceRule)
        for item in unrecorded(c.rule, inp.program, teams, inp.as_of)
    ]
    return sorted(items, key=lambda pair: (pair[1].event.date, pair[1].event.key), reverse=True)


def attendance_to_record(inp: RollupInput) -> list[Finding]:
    """One finding per past event whose attendance staff have not recorded yet."""
    return [_finding(inp, rule, item) for rule, item in _attendance_items(inp)]


def _finding(inp: RollupInput, rule: str, item: Unrecorded) -> Finding:
    one, many = WHO[item.rule.who]
    ids = ", ".join(t.team_id for t in item.teams)
    scope = "at any session" if item.rule.mode == "any" else ""
    people = one if item.expected == 1 else many
    found = (
        f"{item.event.title} ({item.event.date:%b %d, %Y}): not recorded {scope} for "
        f"{len(item.teams)} of {item.expected} {people} ({ids})"
    ).replace("  ", " ")
    return Finding(
        team=ROSTER,
        rule=rule,
        severity="warning",
        tab="Roster: Attendance",
        found=found,
        expected="Attended ticked Yes or No on the roster's Attendance tab",
        link=inp.program.roster_link("attendance"),
        key=f"{ROSTER}|{rule}|{item.event.key}",
    )


def staff_grid(inp: RollupInput, tpl: RollupTemplate, teams: Sequence[TeamView]) -> Grid:
    grid = new_grid(tpl, "staff")
    grid.frozen_columns = 1
    rows: list[Row] = []
    for rule, item in _attendance_items(inp):
        rows.append(_row(inp, _finding(inp, rule, item), "", "", item.event.date))
    for view in teams:
        for finding in view.status.staff_findings:
            rows.append(_row(inp, finding, view.team.team_id, view.team.school, None))
    grid.rows = rows
    return grid


def _row(inp: RollupInput, finding: Finding, team: str, school: str, day: date | None) -> Row:
    where: Value = finding.tab
    if finding.link:
        where = Link(url=finding.link, text=finding.tab or "Roster")
    return {
        "commitment": inp.commitments.words(finding.rule),
        "team": team or "All",
        "school": school,
        "date": day,
        "found": finding.found,
        "expected": finding.expected,
        "where": where,
    }
