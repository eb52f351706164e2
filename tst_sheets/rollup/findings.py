"""The Findings tab: one row per finding, most severe first, each linked to its cell, with the
date it was first seen (carried over from the last run) and a filter view per coach."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from tst_sheets.model import SEVERITY_ORDER, SEVERITY_WORDS, Finding, Program
from tst_sheets.model.a1 import a1_to_rowcol
from tst_sheets.rollup.facts import RecordFacts
from tst_sheets.rollup.grid import Grid, Row, new_grid, stable_id
from tst_sheets.rollup.inputs import RollupInput, TeamView, coach_name
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.templates.cells import Link, Value


def finding_key(finding: Finding, facts: RecordFacts | None) -> str:
    """A finding's identity across runs: it survives a new severity or a changed count.

    A finding may name its own (a missed commitment gaining months). A pointer at the row
    where the TL would type next moves as rows are added, so such a cell is left out.
    """
    if finding.key:
        return finding.key
    cell = finding.cell or ""
    if facts is not None and (finding.tab or "", cell) in facts.next_rows:
        cell = ""
    return "|".join([finding.team, finding.rule, finding.tab or "", cell, finding.expected])


def findings_grid(
    inp: RollupInput, tpl: RollupTemplate, teams: Sequence[TeamView]
) -> tuple[Grid, dict[str, date]]:
    """One row per finding, most severe first; first-seen dates carried over from the last run."""
    grid = new_grid(tpl, "findings")
    grid.frozen_columns = 1
    first_seen: dict[str, date] = {}
    rows: list[tuple[tuple[Any, ...], Row]] = []
    for view in teams:
        coach = coach_name(inp.program, view.team.coach_email)
        for index, finding in enumerate(view.status.findings):
            key = finding_key(finding, view.facts)
            seen = min(inp.first_seen.get(key, inp.as_of), inp.as_of)
            first_seen[key] = seen
            # the checks list a commitment's months in order; keep that order within a cell
            order = (
                SEVERITY_ORDER[finding.severity],
                view.team.team_id,
                finding.tab or "",
                _cell_order(finding.cell),
                index,
            )
            rows.append((order, finding_row(inp, tpl, view, coach, finding, seen)))
    grid.rows = [row for _, row in sorted(rows, key=lambda r: r[0])]
    grid.filter_views = coach_filter_views(grid, inp.program, teams)
    return grid, first_seen


def _cell_order(cell: str | None) -> tuple[int, str]:
    """B10 after B9: by row number, then column."""
    if not cell:
        return (0, "")
    try:
        return (a1_to_rowcol(cell)[0], cell)
    except Exception:  # gspread's IncorrectCellLabel: not a cell label
        return (0, cell)


def finding_row(
    inp: RollupInput,
    tpl: RollupTemplate,
    view: TeamView,
    coach: str,
    finding: Finding,
    seen: date,
) -> Row:
    link: Value = None
    if finding.link:
        link = Link(url=finding.link, text=finding.cell or "Open")
    elif finding.cell:
        link = finding.cell
    return {
        "team": view.team.team_id,
        "school": view.team.school,
        "coach": coach,
        "severity": SEVERITY_WORDS[finding.severity],
        "commitment": inp.commitments.words(finding.rule),
        "tab": finding.tab,
        "cell": link,
        "found": finding.found,
        "expected": finding.expected,
        "first_seen": seen,
        "days_open": (inp.as_of - seen).days,
    }


def coach_filter_views(
    grid: Grid, program: Program, teams: Sequence[TeamView]
) -> list[dict[str, Any]]:
    """A saved filter view per coach on the Findings tab ("Data > Filter views")."""
    coach_col = grid.column_index("coach")
    names = sorted(
        {coach_name(program, v.team.coach_email) for v in teams}
        | {c.name for c in program.coaches if c.active}
    )
    whole = {
        "sheetId": grid.sheet_id,
        "startRowIndex": 0,
        "endRowIndex": len(grid.rows) + 1,
        "startColumnIndex": 0,
        "endColumnIndex": len(grid.columns),
    }
    return [
        {
            "filterViewId": stable_id("filter:" + name),
            "title": f"Coach: {name}",
            "range": whole,
            "filterSpecs": [
                {
                    "columnIndex": coach_col,
                    "filterCriteria": {
                        "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": name}]}
                    },
                }
            ],
        }
        for name in names
    ]
