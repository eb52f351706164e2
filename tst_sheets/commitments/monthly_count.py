"""Entries per calendar month on a log tab (team meetings, coaching sessions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from tst_sheets.commitments.base import RuleBase, missing_tab, state_from, status
from tst_sheets.commitments.context import Context
from tst_sheets.model import CommitmentStatus, Finding, Severity

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment

from collections import Counter
from datetime import date, timedelta

from tst_sheets.commitments.base import int_figure, month_name, month_of
from tst_sheets.model.records import month_end
from tst_sheets.model.status import Figure, TeamMetrics


class MonthlyCountRule(RuleBase):
    kind: Literal["monthly_count"]
    source: Literal["meetings", "coaching"]
    min_per_month: int = Field(ge=1)
    min_minutes: int | None = None
    short_severity: Severity = "warning"
    count_unknown_minutes: bool = True
    min_countable_days: int = Field(15, ge=1, le=31)

    def check(self, c: Commitment, ctx: Context) -> CommitmentStatus:
        return check_monthly(c, self, ctx)

    def fill_metrics(self, metrics: TeamMetrics, figures: dict[str, Figure]) -> None:
        if self.source == "meetings":
            metrics.meetings_this_month = int_figure(figures.get("this_month"))
            metrics.meetings_last_month = int_figure(figures.get("last_month"))
            metrics.meetings_required_per_month = self.min_per_month
        else:
            metrics.coaching_sessions_this_month = int_figure(figures.get("this_month"))
            metrics.coaching_minutes_this_month = int_figure(figures.get("minutes_this_month"))


def check_monthly(c: Commitment, rule: MonthlyCountRule, ctx: Context) -> CommitmentStatus:
    if not ctx.record.has_tab(rule.source):
        return missing_tab(c, rule.source)
    noun = "meetings" if rule.source == "meetings" else "coaching sessions"
    counts, minutes, findings = count_by_month(c, rule, ctx)
    missed: list[str] = []
    for month in ctx.months(rule.min_countable_days):
        if counts[month] >= rule.min_per_month:
            continue
        current = month_end(month) >= ctx.as_of  # the month still running is never overdue
        if not current:
            missed.append(month_name(month))
        findings.append(
            ctx.finding(
                c,
                "due_soon" if current else c.severity,
                rule.source,
                ctx.tab_cell(rule.source, "date"),
                f"{counts[month]} {noun} in {month_name(month)}",
                f"at least {rule.min_per_month} {noun} in {month_name(month)}",
            )
        )
    this, last = month_of(ctx.as_of), month_of(month_of(ctx.as_of) - timedelta(1))
    summary = f"{noun} this month {counts[this]} of {rule.min_per_month}"
    if missed:
        summary += f"; missed {len(missed)} month(s): {', '.join(missed)}"
    return status(
        c,
        state_from(findings, c),
        summary,
        findings,
        this_month=counts[this],
        last_month=counts[last],
        minutes_this_month=minutes[this],
        required=rule.min_per_month,
        missed_months=len(missed),
    )


def count_by_month(
    c: Commitment, rule: MonthlyCountRule, ctx: Context
) -> tuple[Counter[date], Counter[date], list[Finding]]:
    """Entries per month up to the date; a session under the minimum is flagged, not counted."""
    entries = ctx.record.meetings if rule.source == "meetings" else ctx.record.coaching
    counts: Counter[date] = Counter()
    minutes: Counter[date] = Counter()
    findings: list[Finding] = []
    for entry in entries:
        if entry.date is None or entry.date > ctx.as_of:
            continue
        if rule.min_minutes and entry.minutes is not None and entry.minutes < rule.min_minutes:
            findings.append(
                ctx.finding(
                    c,
                    rule.short_severity,
                    rule.source,
                    entry.cell("minutes"),
                    f"{entry.minutes} min on {entry.date:%b %d, %Y}",
                    f"at least {rule.min_minutes} min (a shorter session does not count)",
                )
            )
            continue
        if rule.min_minutes and entry.minutes is None and not rule.count_unknown_minutes:
            continue
        counts[month_of(entry.date)] += 1
        minutes[month_of(entry.date)] += entry.minutes or 0
    return counts, minutes, findings
