"""Every tab of the coach roll-up from the teams' statuses (pure).

Seed 002's "team lead tracker": one place where a coach sees every team, who is behind and
why, each finding linked to its cell. The tabs are declared in
``sheet_templates/coach_rollup.yaml``; ``write_plan`` turns them into the
``spreadsheets.batchUpdate`` requests that write what changed.
"""

from __future__ import annotations

from tst_sheets.rollup.about import about_grid
from tst_sheets.rollup.by_coach import by_coach_grid
from tst_sheets.rollup.events import events_grid
from tst_sheets.rollup.findings import findings_grid
from tst_sheets.rollup.grid import RollupContent
from tst_sheets.rollup.impact import impact_grid
from tst_sheets.rollup.inputs import RollupInput, RunFacts, sort_teams
from tst_sheets.rollup.staff import staff_grid
from tst_sheets.rollup.summary import summary_grid
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.rollup.trends import trends_grid


def build(inp: RollupInput, tpl: RollupTemplate, facts: RunFacts) -> RollupContent:
    """Every tab of the roll-up (the hidden state tab is added by the job)."""
    ordered = sort_teams(inp.teams, inp.program, tpl.status_order)
    by_team = sorted(inp.teams, key=lambda v: v.team.team_id)  # a report reads best in order
    findings, first_seen = findings_grid(inp, tpl, ordered)
    tabs = [
        summary_grid(inp, tpl, ordered),
        findings,
        by_coach_grid(inp, tpl, ordered),
        impact_grid(inp, tpl, by_team),
        trends_grid(inp, tpl, ordered),
        events_grid(inp, tpl),
        staff_grid(inp, tpl, by_team),
        about_grid(inp, tpl, facts),
    ]
    return RollupContent(tabs=tabs, first_seen=first_seen)
