"""The Summary tab: one row per team, the teams needing attention first, each with its reason."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tst_sheets.model import DATA_WORDS, GoalProgress, Program, TeamStatus
from tst_sheets.rollup.grid import Grid, Row, new_grid
from tst_sheets.rollup.inputs import RollupInput, TeamView, coach_name, workbook_link
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.templates.cells import Link, Percent, Value


def summary_grid(inp: RollupInput, tpl: RollupTemplate, teams: Sequence[TeamView]) -> Grid:
    grid = new_grid(tpl, "summary")
    grid.frozen_columns = 1
    words = tpl.impact.pace_words
    grid.rows = [summary_row(inp.program, view, words) for view in teams]
    return grid


def why_cell(status: TeamStatus) -> Value:
    """The status's reason, linked to the cell that shows it."""
    why = status.why
    return Link(url=why.link, text=why.text) if why.link else why.text or None


def pace_word(goal: GoalProgress, words: Mapping[str, str]) -> str:
    """Where a team's goal stands: met, on pace, behind pace, not measured, no target."""
    if goal.target is None or goal.baseline is None:
        return words["no_target"]
    if goal.met:
        return words["met"]
    if goal.on_pace is None:
        return words["not_measured"]
    return words["on_pace"] if goal.on_pace else words["behind"]


def summary_row(program: Program, view: TeamView, pace_words: Mapping[str, str]) -> Row:
    team, status, m = view.team, view.status, view.status.metrics
    readable = status.overall != "Unreadable"
    complete: Value = None
    if m.work_plan_steps:
        complete = Percent(value=round((m.work_plan_complete_steps or 0) / m.work_plan_steps, 4))
    smart = None if m.smart_goal is None else ("✓" if m.smart_goal else "✗")
    progress = status.goal.progress
    return {
        "team": team.team_id,
        "school": team.school,
        "tl": team.tl_name,
        "coach": coach_name(program, team.coach_email),
        "status": status.overall,
        "why": why_cell(status),
        "goal_progress": Percent(value=progress) if progress is not None else None,
        "pace": pace_word(status.goal, pace_words) if readable else None,
        "meetings_this_month": m.meetings_this_month,
        "meetings_last_month": m.meetings_last_month,
        "coaching_this_month": m.coaching_sessions_this_month,
        "coaching_minutes": m.coaching_minutes_this_month,
        "checkins": m.checkins_to_date,
        "checkins_expected": m.checkins_expected_by_now,
        "data_mid": DATA_WORDS.get(m.data_mid_year or "") if readable else None,
        "data_end": DATA_WORDS.get(m.data_end_of_year or "") if readable else None,
        "work_plan": complete,
        "smart_goal": smart,
        "last_activity": m.last_activity,
        "open_findings": m.open_findings,
        "workbook": workbook_link(status.spreadsheet_id),
    }
