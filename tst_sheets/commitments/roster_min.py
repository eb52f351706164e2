"""A figure on the roster at least a minimum (the TL's years of teaching)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from tst_sheets.commitments.base import RuleBase, state_from, status
from tst_sheets.commitments.context import Context
from tst_sheets.model import CommitmentStatus, Severity

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment


class RosterMinRule(RuleBase):
    kind: Literal["roster_min"]
    field: Literal["tl_years_teaching"]
    label: str = ""
    min: float
    unrecorded_severity: Severity = "info"

    def check(self, c: Commitment, ctx: Context) -> CommitmentStatus:
        return check_roster_min(c, self, ctx)


def check_roster_min(c: Commitment, rule: RosterMinRule, ctx: Context) -> CommitmentStatus:
    value: float | None = getattr(ctx.team, rule.field)
    label = rule.label or rule.field.replace("_", " ")
    if value is None:
        findings = [
            ctx.roster_finding(
                c,
                rule.unrecorded_severity,
                "teams",
                f"no {label}",
                f"{label} at least {rule.min:g}",
                row=ctx.team.row,
            )
        ]
        return status(c, "not_recorded", f"{label} not recorded", findings)
    findings = (
        []
        if value >= rule.min
        else [
            ctx.roster_finding(
                c,
                c.severity,
                "teams",
                f"{label} {value:g}",
                f"at least {rule.min:g}",
                row=ctx.team.row,
            )
        ]
    )
    return status(c, state_from(findings, c), f"{label} {value:g}", findings, value=value)
