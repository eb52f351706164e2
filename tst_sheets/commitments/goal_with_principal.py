"""The year-long goal identified with the principal: the goal's "set with principal on" date."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from tst_sheets.commitments.base import RuleBase, due_severity, missing_tab, state_from, status
from tst_sheets.commitments.context import Context
from tst_sheets.model import CommitmentStatus

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment

from datetime import timedelta


class GoalWithPrincipalRule(RuleBase):
    kind: Literal["goal_with_principal"]
    due_after_start_days: int = 45

    def check(self, c: Commitment, ctx: Context) -> CommitmentStatus:
        return check_goal_with_principal(c, self, ctx)


def check_goal_with_principal(
    c: Commitment, rule: GoalWithPrincipalRule, ctx: Context
) -> CommitmentStatus:
    if not ctx.record.has_tab("goals"):
        return missing_tab(c, "Goals")
    for goal in ctx.record.goals:
        ctx.judge("goals", goal.cell("set_with_principal_on"))
    set_on = [
        g.set_with_principal_on
        for g in ctx.record.goals
        if g.set_with_principal_on and g.set_with_principal_on <= ctx.as_of
    ]
    if set_on:
        return status(
            c,
            "on_track",
            f"goal set with principal {min(set_on):%b %d, %Y}",
            [],
            set_on=min(set_on).isoformat(),
        )
    due = ctx.start + timedelta(rule.due_after_start_days)
    first = ctx.record.goals[0] if ctx.record.goals else None
    cell = (first.cell("set_with_principal_on") if first else None) or ctx.tab_cell(
        "goals", "set_with_principal_on"
    )
    findings = [
        ctx.finding(
            c,
            due_severity(c, ctx, due),
            "goals",
            cell,
            "no date the goal was set with the principal",
            f"the goal set with the principal by {due:%b %d, %Y}",
        )
    ]
    return status(c, state_from(findings, c), "goal not yet set with principal", findings)
