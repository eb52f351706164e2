"""The Trends tab: per team and measure, one cell a month of the school year, coloured against
the commitment; the cohort's averages first, with a chart of them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from tst_sheets.commitments import Commitment, Context, Rule, team_start
from tst_sheets.commitments.monthly_count import MonthlyCountRule, count_by_month
from tst_sheets.commitments.per_year import PerYearRule
from tst_sheets.model import COMMITMENT_WORDS, Program
from tst_sheets.model.a1 import column_letter
from tst_sheets.model.records import month_end
from tst_sheets.rollup.grid import Grid, Row, new_grid, stable_id
from tst_sheets.rollup.inputs import RollupInput, TeamView, coach_name
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.templates import ColumnSpec
from tst_sheets.templates.cells import Value, rgb

NOT_COUNTED = "–"  # a month that does not count for the team (before it started, a break)
TREND_MEASURES = (
    ("team_meetings", "Team meetings"),
    ("coaching", "Coaching sessions"),
    ("principal_checkins", "Principal check-ins"),
)


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
    grid.rows = cohort_rows(team_rows, months) + team_rows
    first_month = grid.column_index(month_key(0))
    grid.rules = trend_rules(grid, tpl, months, inp.as_of, first_month)
    grid.backgrounds = trend_backgrounds(grid, tpl, months, inp.as_of, first_month)
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


def trend_rows(inp: RollupInput, view: TeamView, months: Sequence[date]) -> list[Row]:
    coach = coach_name(inp.program, view.team.coach_email)
    rows = []
    for commitment_id, label in TREND_MEASURES:
        found = next((c for c in inp.commitments.commitments if c.id == commitment_id), None)
        if found is None:
            continue
        target, cells = trend_cells(inp, view, found.rule, months)
        state = view.status.commitment(commitment_id)
        words = COMMITMENT_WORDS[state.status] if state else "Unknown"
        row: Row = {"team": view.team.team_id, "coach": coach, "target": target, "measure": label}
        row.update({month_key(i): cell for i, cell in enumerate(cells)})
        row["status"] = words
        rows.append(row)
    return rows


def trend_cells(
    inp: RollupInput, view: TeamView, rule: Rule, months: Sequence[date]
) -> tuple[Value, list[Value]]:
    """The commitment (a number per month, or a yearly text) and the count for each month."""
    if view.record is None:
        return trend_target(rule), [None] * len(months)
    ctx = Context(
        view.record,
        view.team,
        inp.program,
        inp.as_of,
        inp.program.school_year,
        team_start(view.record, inp.program),
    )
    if isinstance(rule, MonthlyCountRule):
        commitment = Commitment(id="trend", text="", owner="TL", severity="info", rule=rule)
        counts, _, _ = count_by_month(commitment, rule, ctx)  # the check's own counting
        counted = set(ctx.months(rule.min_countable_days))
        cells: list[Value] = [
            None if m > inp.as_of else (counts[m] if m in counted else NOT_COUNTED) for m in months
        ]
        return trend_target(rule), cells
    if isinstance(rule, PerYearRule):
        days = [e.date for e in view.record.checkins if e.date and e.date <= inp.as_of]
        cells = [
            None if m > inp.as_of else sum(1 for d in days if d.replace(day=1) == m) for m in months
        ]
        return trend_target(rule), cells
    return None, [None] * len(months)


def trend_target(rule: Rule) -> Value:
    """A number per month (coloured against), or a yearly pace in words (not coloured)."""
    if isinstance(rule, MonthlyCountRule):
        return rule.min_per_month
    if isinstance(rule, PerYearRule):
        return f"{rule.min_per_year} / year"
    return None


def cohort_rows(team_rows: Sequence[Row], months: Sequence[date]) -> list[Row]:
    """All teams: the average per team of each monthly measure (months that count only)."""
    out: list[Row] = []
    for _, label in TREND_MEASURES:
        rows = [r for r in team_rows if r["measure"] == label]
        if not rows:
            continue
        target = next((r["target"] for r in rows if isinstance(r["target"], int)), None)
        row: Row = {
            "team": "All teams",
            "coach": "",
            "target": target if target is not None else rows[0]["target"],
            "measure": f"{label} (average per team)",
        }
        for i in range(len(months)):
            numbers = [n for r in rows if isinstance(n := r[month_key(i)], int)]
            row[month_key(i)] = round(sum(numbers) / len(numbers), 1) if numbers else None
        row["status"] = None
        out.append(row)
    return out


def trend_rules(
    grid: Grid, tpl: RollupTemplate, months: Sequence[date], as_of: date, first: int
) -> list[dict[str, Any]]:
    """Month cells against the commitment: met (green), this month still open (amber), missed.

    Only rows whose Commitment is a number per month are coloured; "–" and blank cells never.
    """
    target = column_letter(grid.column_index("target"))
    closed = [first + i for i, m in enumerate(months) if month_end(m) < as_of]
    current = [first + i for i, m in enumerate(months) if m <= as_of <= month_end(m)]
    every = [first + i for i, m in enumerate(months) if m <= as_of]
    rows = len(grid.rows) + 1

    def rule(columns: list[int], op: str, color: str) -> dict[str, Any] | None:
        if not columns:
            return None
        cell = f"{column_letter(columns[0])}2"
        formula = f"=AND(ISNUMBER({cell}),ISNUMBER(${target}2),{cell}{op}${target}2)"
        ranges = [
            {
                "sheetId": grid.sheet_id,
                "startRowIndex": 1,
                "endRowIndex": rows,
                "startColumnIndex": c,
                "endColumnIndex": c + 1,
            }
            for c in columns
        ]
        condition = {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]}
        return {
            "ranges": ranges,
            "booleanRule": {"condition": condition, "format": {"backgroundColor": rgb(color)}},
        }

    found = [
        rule(every, ">=", tpl.trend_colors["met"]),
        rule(current, "<", tpl.trend_colors["open"]),
        rule(closed, "<", tpl.trend_colors["missed"]),
    ]
    return [r for r in found if r is not None]


def trend_backgrounds(
    grid: Grid, tpl: RollupTemplate, months: Sequence[date], as_of: date, first: int
) -> dict[str, str]:
    """The rules' colours, set on the cells too: a viewer without conditional formatting
    (the local one) shows the same grid."""
    out: dict[str, str] = {}
    for r, row in enumerate(grid.rows):
        goal = row.get("target")
        for i, month in enumerate(months):
            value = row.get(month_key(i))
            if not isinstance(goal, int) or not isinstance(value, int | float) or month > as_of:
                continue
            state = "met" if value >= goal else "missed" if month_end(month) < as_of else "open"
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
    anchor = {"sheetId": grid.sheet_id, "rowIndex": 0, "columnIndex": len(grid.columns)}
    return {
        "chartId": stable_id("chart:trends"),
        "spec": {
            "title": "All teams: average per month (commitment: 2)",
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
