"""The By Coach tab: each coach's caseload, and which teams to look at first."""

from __future__ import annotations

from collections.abc import Sequence

from tst_sheets.model import STATUS_ORDER
from tst_sheets.rollup.grid import Grid, Row, new_grid
from tst_sheets.rollup.inputs import RollupInput, TeamView, coach_name
from tst_sheets.rollup.template import RollupTemplate


def by_coach_grid(inp: RollupInput, tpl: RollupTemplate, teams: Sequence[TeamView]) -> Grid:
    grid = new_grid(tpl, "by_coach")
    grid.frozen_columns = 1
    coaches: dict[str, str] = {c.name: c.email for c in inp.program.coaches if c.active}
    for view in teams:
        coaches.setdefault(coach_name(inp.program, view.team.coach_email), view.team.coach_email)
    for name in sorted(coaches, key=str.lower):
        mine = [v for v in teams if coach_name(inp.program, v.team.coach_email) == name]
        grid.rows.append(coach_row(name, coaches[name], mine))
    return grid


def coach_row(name: str, email: str, teams: Sequence[TeamView]) -> Row:
    """Counts by status, and the teams needing attention in the order a coach should look."""
    count = {s: sum(1 for v in teams if v.status.overall == s) for s in STATUS_ORDER}
    attention = [attention_line(v) for v in teams if v.status.overall != "On track"]
    return {
        "coach": name,
        "email": email,
        "teams": len(teams),
        "behind": count["Behind"],
        "unreadable": count["Unreadable"],
        "at_risk": count["At risk"],
        "on_track": count["On track"],
        "open_findings": sum(v.status.metrics.open_findings for v in teams),
        "attention": "\n".join(attention),
    }


def attention_line(view: TeamView) -> str:
    why = view.status.why.text
    reason = f": {why}" if why else ""
    return f"{view.team.team_id} {view.team.school} — {view.status.overall}{reason}"
