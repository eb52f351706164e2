"""Entries per school year, against a pace pro-rated to the date (check-ins, observations)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from tst_sheets.commitments.base import RuleBase, missing_tab, state_from, status
from tst_sheets.commitments.context import Context
from tst_sheets.model import CommitmentStatus, Severity

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment

import math
from datetime import date

from tst_sheets.commitments.base import int_figure
from tst_sheets.model.status import Figure, TeamMetrics


class PerYearRule(RuleBase):
    kind: Literal["per_year"]
    source: Literal["checkins", "observations"]
    min_per_year: int = Field(ge=1)
    at_risk_margin: int = Field(1, ge=0)

    def check(self, c: Commitment, ctx: Context) -> CommitmentStatus:
        return check_per_year(c, self, ctx)

    def fill_metrics(self, metrics: TeamMetrics, figures: dict[str, Figure]) -> None:
        if self.source == "checkins":
            metrics.checkins_to_date = int_figure(figures.get("count"))
            metrics.checkins_expected_by_now = int_figure(figures.get("expected_by_now"))
            metrics.checkins_per_year = self.min_per_year


def check_per_year(c: Commitment, rule: PerYearRule, ctx: Context) -> CommitmentStatus:
    if rule.source == "checkins" and not ctx.record.has_tab("checkins"):
        return missing_tab(c, "Principal Check-ins")
    days = _per_year_dates(rule, ctx)
    count = sum(1 for d in days if ctx.school_year.start <= d <= ctx.as_of)
    expected = _expected_by_now(rule.min_per_year, ctx)
    noun = "check-ins" if rule.source == "checkins" else "observation visits"
    findings = []
    if count < expected:
        year_over = ctx.as_of >= ctx.school_year.end
        at_risk = not year_over and expected - count <= rule.at_risk_margin
        severity: Severity = "warning" if at_risk else c.severity
        found = f"{count} {noun} by {ctx.as_of:%b %d, %Y}"
        wanted = f"at least {expected} by now ({rule.min_per_year} by year end)"
        findings.append(
            ctx.finding(c, severity, "checkins", ctx.tab_cell("checkins", "date"), found, wanted)
            if rule.source == "checkins"
            else ctx.roster_finding(c, severity, "observations", found, wanted)
        )
    summary = f"{noun} {count}, expected ≥{expected} by now, {rule.min_per_year} by year end"
    return status(
        c,
        state_from(findings, c),
        summary,
        findings,
        count=count,
        expected_by_now=expected,
        per_year=rule.min_per_year,
        held=count,
        kept=min(count, expected),
        expected=expected,
    )


def _per_year_dates(rule: PerYearRule, ctx: Context) -> list[date]:
    if rule.source == "checkins":
        return [e.date for e in ctx.record.checkins if e.date]
    return [o.date for o in ctx.program.observations if o.team_id == ctx.team.team_id]


def _expected_by_now(per_year: int, ctx: Context) -> int:
    """The pro-rated pace: the share of the team's countable days gone, rounded down."""
    if ctx.as_of >= ctx.school_year.end:
        return per_year
    total = ctx.countable_days(ctx.start, ctx.school_year.end)
    elapsed = ctx.countable_days(ctx.start, ctx.as_of)
    return math.floor(per_year * elapsed / total) if total else 0
