"""The Trends tab: per team and measure, one cell a month of the school year, coloured against
what that month asks of that team; the cohort's averages first, with a chart of them.

A month asks its share (``MonthlyCountRule.plan``: the school year's first and last months,
the month a team starts); the colours are computed per cell and set on the cells, and the tab
is rewritten whole on every run, so no formula rule can disagree with the check.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from tst_sheets.model import COMMITMENT_WORDS
from tst_sheets.model.records import month_end
from tst_sheets.rollup.facts import TREND_MEASURES, no_trend, school_months
from tst_sheets.rollup.grid import Grid, Row, new_grid, stable_id
from tst_sheets.rollup.inputs import RollupInput, TeamView, coach_name
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.templates import ColumnSpec


class TrendRow(BaseModel):
    """One row, and what each month asked of it (None: nothing to colour against)."""

    row: Row
    asks: list[float | None] = Field(default_factory=list)


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
        trend = view.facts.trends.get(commitment_id) if view.facts else None
        trend = trend or no_trend(found.rule, months)
        state = view.status.commitment(commitment_id)
        words = COMMITMENT_WORDS[state.status] if state else "Unknown"
        row: Row = {
            "team": view.team.team_id,
            "coach": coach,
            "target": trend.target,
            "measure": label,
        }
        row.update({month_key(i): cell for i, cell in enumerate(trend.cells)})
        row["status"] = words
        rows.append(TrendRow(row=row, asks=trend.asks))
    return rows


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
