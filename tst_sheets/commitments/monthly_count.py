"""Entries per calendar month on a log tab (team meetings, coaching sessions).

Each month asks ``min_per_month`` times the share of its school days that count (see
``Context.month_share``), rounded half up; a month that asks nothing does not count. The
months that are over and fell short make ONE finding, listing them, linked to the first. The
month still running is due soon only once it falls behind its own pace (2 asked, half its
school days gone: 1 is on pace), never overdue.
A session under ``min_minutes`` is not counted and is a note on its cell: it never lowers a
month whose count is met.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from tst_sheets.commitments.base import (
    RuleBase,
    int_figure,
    missing_tab,
    month_name,
    month_of,
    status,
)
from tst_sheets.commitments.context import Context, CountsFrom, round_half_up
from tst_sheets.model import CoachingSession, CommitmentStatus, Finding, Meeting, Severity
from tst_sheets.model.records import month_end
from tst_sheets.model.status import CommitmentState, Figure, TeamMetrics

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment

Entry = Meeting | CoachingSession
NOUNS = {"meetings": "meetings", "coaching": "coaching sessions"}


class MonthlyCountRule(RuleBase):
    kind: Literal["monthly_count"]
    source: Literal["meetings", "coaching"]
    min_per_month: int = Field(ge=1)
    min_minutes: int | None = None
    short_severity: Severity = "info"
    count_unknown_minutes: bool = True
    counts_from: CountsFrom = "team_start"

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

    def plan(self, ctx: Context) -> dict[date, int]:
        """Each month that counts so far → how many entries it asks (pro-rated)."""
        since = ctx.counts_from(self.counts_from)
        asks = {
            m: round_half_up(self.min_per_month * ctx.month_share(m, since))
            for m in ctx.months(since)
        }
        return {m: n for m, n in asks.items() if n > 0}


@dataclass
class MonthCounts:
    """Entries per month up to the date: counted ones, their minutes, and the short ones."""

    counts: Counter[date] = field(default_factory=Counter)
    minutes: Counter[date] = field(default_factory=Counter)
    short: dict[date, list[Entry]] = field(default_factory=dict)
    first: dict[date, Entry] = field(default_factory=dict)  # the month's first row, for links


def count_by_month(rule: MonthlyCountRule, ctx: Context) -> MonthCounts:
    """Entries per month up to the date; a session under the minimum is set aside, not counted."""
    entries: list[Entry] = [
        *(ctx.record.meetings if rule.source == "meetings" else ctx.record.coaching)
    ]
    out = MonthCounts()
    for entry in sorted(entries, key=lambda e: e.row):
        if entry.date is None or entry.date > ctx.as_of:
            continue
        month = month_of(entry.date)
        out.first.setdefault(month, entry)
        if rule.min_minutes and entry.minutes is not None and entry.minutes < rule.min_minutes:
            out.short.setdefault(month, []).append(entry)
            continue
        if rule.min_minutes and entry.minutes is None and not rule.count_unknown_minutes:
            continue
        out.counts[month] += 1
        out.minutes[month] += entry.minutes or 0
    return out


def check_monthly(c: Commitment, rule: MonthlyCountRule, ctx: Context) -> CommitmentStatus:
    if not ctx.record.has_tab(rule.source):
        return missing_tab(c, rule.source)
    noun = NOUNS[rule.source]
    counted = count_by_month(rule, ctx)
    plan = rule.plan(ctx)
    closed = {m: n for m, n in plan.items() if month_end(m) < ctx.as_of}
    missed = {m: n for m, n in closed.items() if counted.counts[m] < n}
    running = {
        m: n
        for m, n in plan.items()
        if m not in closed and counted.counts[m] < _asked_by_now(rule, ctx, m, n)
    }
    findings: list[Finding] = []
    if missed:
        findings.append(_missed_finding(c, rule, ctx, counted, missed))
    for month, asked in running.items():  # the month still running is never overdue
        findings.append(
            ctx.finding(
                c,
                "due_soon",
                rule.source,
                ctx.tab_cell(rule.source, "date"),
                f"{counted.counts[month]} {noun} in {month_name(month)} so far",
                f"at least {asked} {noun} in {month_name(month)} (by {month_end(month):%b %d})",
            )
        )
    findings += _short_notes(c, rule, ctx, counted)
    state: CommitmentState = "behind" if missed else "due_soon" if running else "on_track"
    this, last = month_of(ctx.as_of), month_of(month_of(ctx.as_of) - timedelta(1))
    kept = sum(min(counted.counts[m], n) for m, n in plan.items())
    expected = sum(n for m, n in plan.items() if m in closed) + sum(
        min(counted.counts[m], n) for m, n in plan.items() if m not in closed
    )
    summary = f"{noun} this month {counted.counts[this]} of {plan.get(this, 0)}"
    if missed:
        summary += f"; missed {len(missed)} month(s): {', '.join(map(month_name, missed))}"
    return status(
        c,
        state,
        summary,
        findings,
        this_month=counted.counts[this],
        last_month=counted.counts[last],
        minutes_this_month=counted.minutes[this],
        required=rule.min_per_month,
        missed_months=len(missed),
        held=sum(counted.counts[m] for m in plan),
        kept=kept,
        expected=expected,
    )


def _asked_by_now(rule: MonthlyCountRule, ctx: Context, month: date, asked: int) -> int:
    """What the running month asks by the as-of date: its share of the month's counted days."""
    since = ctx.counts_from(rule.counts_from)
    counted = ctx.counted_days(month, since)
    gone = ctx.counted_days(month, since, until=ctx.as_of)
    return round_half_up(asked * gone / counted) if counted else asked


def _missed_finding(
    c: Commitment,
    rule: MonthlyCountRule,
    ctx: Context,
    counted: MonthCounts,
    missed: dict[date, int],
) -> Finding:
    """The months that fell short, as one finding linked to the first of them."""
    noun = NOUNS[rule.source]
    first, *rest = sorted(missed)
    found = f"{counted.counts[first]} {noun} in {month_name(first)}"
    found += "".join(f", {counted.counts[m]} in {month_name(m)}" for m in rest)
    short = sum(len(counted.short.get(m, [])) for m in missed)
    if short:
        found += f" ({short} shorter than {rule.min_minutes} min, not counted)"
    wanted = f"at least {missed[first]} {noun} in {month_name(first)}"
    wanted += "".join(f", {missed[m]} in {month_name(m)}" for m in rest)
    cell = _month_cell(ctx, rule, counted, first)
    finding = ctx.finding(c, c.severity, rule.source, cell, found, wanted)
    # the same miss across runs, whatever months join it later
    finding.key = f"{ctx.team.team_id}|{c.id}|missed from {first:%Y-%m}"
    return finding


def _month_cell(
    ctx: Context, rule: MonthlyCountRule, counted: MonthCounts, month: date
) -> str | None:
    """Where a month shows in the log: its first entry, else the first entry after it (where
    the missing rows would be), else the row the TL would type next."""
    entry = counted.first.get(month)
    if entry is None:
        later = [e for m, e in counted.first.items() if m > month]
        entry = min(later, key=lambda e: e.row) if later else None
    cell = entry.cell("date") if entry else None
    return cell or ctx.tab_cell(rule.source, "date")


def _short_notes(
    c: Commitment, rule: MonthlyCountRule, ctx: Context, counted: MonthCounts
) -> list[Finding]:
    """A note on each session under the minimum: not counted, never a status of its own."""
    return [
        ctx.finding(
            c,
            rule.short_severity,
            rule.source,
            entry.cell("minutes"),
            f"{entry.minutes} min on {entry.date:%b %d, %Y}",
            f"at least {rule.min_minutes} min (a shorter session does not count)",
        )
        for month in sorted(counted.short)
        for entry in counted.short[month]
    ]
