"""The Trends tab: per team and measure, one cell a month of the school year, coloured against
what that month asks of that team; the cohort's averages first, with a chart of them.

A month asks its share (``MonthlyCountRule.plan``: the school year's first and last months,
the month a team starts); the colours are computed per cell and set on the cells, and the tab
is rewritten whole on every run, so no formula rule can disagree with the check.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, Field

from tst_sheets.commitments import Rule, context_for
from tst_sheets.commitments.monthly_count import MonthlyCountRule, count_by_month
from tst_sheets.commitments.per_year import PerYearRule
from tst_sheets.model import COMMITMENT_WORDS, Program
from tst_sheets.model.records import month_end
from tst_sheets.rollup.grid import Grid, Row, new_grid, stable_id
from tst_sheets.rollup.inputs import RollupInput, TeamView, coach_name
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.templates import ColumnSpec
from tst_sheets.templates.cells import Value

NOT_COUNTED = "–"  # a month that does not count for the team (before it started, a break)
TREND_MEASURES = (
    ("team_meetings", "Team meetings"),
    ("coaching", "Coaching sessions"),
    ("principal_checkins", "Principal check-ins"),
)


class TrendRow(BaseModel):
    """One row, and what each month asked of it (None: nothing to colour against)."""

    row: Row
    asks: list[float | None] = Field(default_factory=list)


def school_months(program: Program) -> list[date]:
    month = program.school_year_start.replace(day=1)
    out = []
    while month <= program.school_year_end:
        out.append(month)
        month = month_end(month) + timedelta(1)
    return out


def month_key(index: int) -> str:
    return f"months:{index}"


def trends_grid(inp: RollupInput, tpl: RollupTemplate, teams: Sequence[TeamView]) -> Grid:
    """Per team and measure, one cell a month; the cohort's averages first, with a chart."""
    months = school_months(inp.program)
    columns = _expand_months(tpl.tab("trends").columns, months)
    grid = new_grid(tpl, "trends", columns)
    grid.frozen_columns = 4
    team_rows = [row for view in teams for row in trend_rows(inp, view, months)]
    rows = cohort_rows(team_rows, months) + team_rows
    grid.rows = [r.row for r in rows]
    first_month = grid.column_index(month_key(0))
    grid.backgrounds = trend_backgrounds(rows, tpl, months, inp.as_of, first_month)
    grid.charts = [trend_chart(grid, first_month, len(months))]
    return grid


def _expand_months(columns: Sequence[ColumnSpec], months: Sequence[date]) -> list[ColumnSpec]:
    out: list[ColumnSpec] = []
    for col in columns:
        if col.key != "months":
            out.append(col)
            continue
        out += [
            col.model_copy(update={"key": month_key(i), "header": m.strftime("%b %Y")})
            for i, m in enumerate(months)
        ]
    return out


def trend_rows(inp: RollupInput, view: TeamView, months: Sequence[date]) -> list[TrendRow]:
    coach = coach_name(inp.program, view.team.coach_email)
    rows = []
    for commitment_id, label in TREND_MEASURES:
        found = inp.commitments.find(commitment_id)
        if found is None:
            continue
        target, cells, asks = trend_cells(inp, view, found.rule, months)
        state = view.status.commitment(commitment_id)
        words = COMMITMENT_WORDS[state.status] if state else "Unknown"
        row: Row = {"team": view.team.team_id, "coach": coach, "target": target, "measure": label}
        row.update({month_key(i): cell for i, cell in enumerate(cells)})
        row["status"] = words
        rows.append(TrendRow(row=row, asks=asks))
    return rows


def trend_cells(
    inp: RollupInput, view: TeamView, rule: Rule, months: Sequence[date]
) -> tuple[Value, list[Value], list[float | None]]:
    """The commitment (a number per month, or a yearly text), the count for each month, and
    what each month asked of the team (the check's own counting and pro-rating)."""
    nothing: list[float | None] = [None] * len(months)
    if view.record is None:
        return trend_target(rule), [None] * len(months), nothing
    ctx = context_for(view.record, view.team, inp.program, inp.as_of, inp.commitments)
    if isinstance(rule, MonthlyCountRule):
        counted = count_by_month(rule, ctx)
        plan = rule.plan(ctx)
        cells: list[Value] = [
            None if m > inp.as_of else (counted.counts[m] if m in plan else NOT_COUNTED)
            for m in months
        ]
        asks: list[float | None] = [plan.get(m) if m <= inp.as_of else None for m in months]
        return trend_target(rule), cells, asks
    if isinstance(rule, PerYearRule):
        days = [e.date for e in view.record.checkins if e.date and e.date <= inp.as_of]
        cells = [
            None if m > inp.as_of else sum(1 for d in days if d.replace(day=1) == m) for m in months
        ]
        return trend_target(rule), cells, nothing
    return None, [None] * len(months), nothing


def trend_target(rule: Rule) -> Value:
    """A number per month (coloured against), or a yearly pace in words (not coloured)."""
    if isinstance(rule, MonthlyCountRule):
        return rule.min_per_month
    if isinstance(rule, PerYearRule):
        return f"{rule.min_per_year} / year"
    return None


def cohort_rows(team_rows: Sequence[TrendRow], months: Sequence[date]) -> list[TrendRow]:
    """All teams: the average per team of each measure (months that count only), coloured
    against the average of what those months asked."""
    out: list[TrendRow] = []
    for _, label in TREND_MEASURES:
        rows = [r for r in team_rows if r.row["measure"] == label]
        if not rows:
            continue
        row: Row = {
            "team": "All teams",
            "coach": "",
            "target": rows[0].row["target"],
            "measure": f"{label} (average per team)",
        }
        asks: list[float | None] = []
        for i in range(len(months)):
            numbers = [n for r in rows if isinstance(n := r.row[month_key(i)], int)]
            row[month_key(i)] = round(sum(numbers) / len(numbers), 1) if numbers else None
            asked = [a for r in rows if (a := r.asks[i]) is not None]
            asks.append(round(sum(asked) / len(asked), 1) if asked else None)
        row["status"] = None
        out.append(TrendRow(row=row, asks=asks))
    return out


def trend_backgrounds(
    rows: Sequence[TrendRow], tpl: RollupTemplate, months: Sequence[date], as_of: date, first: int
) -> dict[str, str]:
    """Each month against what it asked: met (green), still running (amber), missed (red)."""
    out: dict[str, str] = {}
    for r, trend in enumerate(rows):
        for i, month in enumerate(months):
            value, asked = trend.row.get(month_key(i)), trend.asks[i]
            if asked is None or not isinstance(value, int | float) or month > as_of:
                continue
            state = "met" if value >= asked else "missed" if month_end(month) < as_of else "open"
            out[f"{r},{first + i}"] = tpl.trend_colors[state]
    return out


def trend_chart(grid: Grid, first: int, count: int) -> dict[str, Any]:
    """The cohort's average meetings and coaching sessions per month, against the target."""
    measure = grid.column_index("measure")

    def row_range(row: int) -> dict[str, Any]:
        source = {
            "sheetId": grid.sheet_id,
            "startRowIndex": row,
            "endRowIndex": row + 1,
            "startColumnIndex": measure,
            "endColumnIndex": first + count,
        }
        return {"sourceRange": {"sources": [source]}}

    monthly = [i + 1 for i, r in enumerate(grid.rows[:3]) if isinstance(r.get("target"), int)]
    target = next((r["target"] for r in grid.rows[:3] if isinstance(r.get("target"), int)), None)
    anchor = {"sheetId": grid.sheet_id, "rowIndex": 0, "columnIndex": len(grid.columns)}
    return {
        "chartId": stable_id("chart:trends"),
        "spec": {
            "title": f"All teams: average per month (commitment: {target})",
            "basicChart": {
                "chartType": "LINE",
                "legendPosition": "BOTTOM_LEGEND",
                "headerCount": 1,
                "axis": [
                    {"position": "BOTTOM_AXIS", "title": "Month"},
                    {"position": "LEFT_AXIS", "title": "Per team"},
                ],
                "domains": [{"domain": row_range(0)}],
                "series": [{"series": row_range(r), "targetAxis": "LEFT_AXIS"} for r in monthly],
            },
        },
        "position": {
            "overlayPosition": {
                "anchorCell": anchor,
                "offsetXPixels": 12,
                "offsetYPixels": 12,
                "widthPixels": 560,
                "heightPixels": 320,
            }
        },
    }
