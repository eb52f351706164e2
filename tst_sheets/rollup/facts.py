"""What the roll-up's tabs take from a team's record besides its status (pure).

A parsed record of a school year is about 150 KB of objects: 2,000 of them do not fit in a
function's 512 MiB. The roll-up keeps each record as JSON text and, once the team is checked,
only these few facts: the goal's link, the cells of each tab's next free row, the month by
month counts of the Trends tab, and the members (the Impact Report's retention).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from pydantic import BaseModel, Field

from tst_sheets.commitments import CommitmentSet, Context, Rule, context_for
from tst_sheets.commitments.monthly_count import MonthlyCountRule, count_by_month
from tst_sheets.commitments.per_year import PerYearRule
from tst_sheets.model import Member, Program, Team, TeamRecord
from tst_sheets.model.records import month_end
from tst_sheets.templates.cells import Value

NOT_COUNTED = "–"  # a month that does not count for the team (before it started, a break)
TREND_MEASURES = (
    ("team_meetings", "Team meetings"),
    ("coaching", "Coaching sessions"),
    ("principal_checkins", "Principal check-ins"),
)


class TrendCells(BaseModel):
    """One measure of one team, a cell per month of the school year, and what each month asked
    (None: nothing to colour against)."""

    target: Value = None
    cells: list[Value] = Field(default_factory=list)
    asks: list[float | None] = Field(default_factory=list)


class RecordFacts(BaseModel):
    """One readable team's facts as of a date (see the module)."""

    goals_link: str = ""
    next_rows: list[tuple[str, str]] = Field(
        default_factory=list,
        description="(tab title, A1) of each cell in a tab's next free row, where the TL types",
    )
    trends: dict[str, TrendCells] = Field(
        default_factory=dict, description="commitment id → its Trends cells"
    )
    members: list[Member] = Field(default_factory=list)


def record_facts(
    record: TeamRecord, team: Team, program: Program, as_of: date, commitments: CommitmentSet
) -> RecordFacts:
    """The facts of one readable team as of the date."""
    ctx = context_for(record, team, program, as_of, commitments)
    months = school_months(program)
    return RecordFacts(
        goals_link=record.link("goals"),
        next_rows=[
            (tab.title, f"{column}{tab.next_row}")
            for tab in record.tabs.values()
            for column in tab.columns.values()
        ],
        trends={
            commitment_id: trend_cells(found.rule, ctx, months)
            for commitment_id, _ in TREND_MEASURES
            if (found := commitments.find(commitment_id)) is not None
        },
        members=record.members,
    )


def school_months(program: Program) -> list[date]:
    month = program.school_year_start.replace(day=1)
    out = []
    while month <= program.school_year_end:
        out.append(month)
        month = month_end(month) + timedelta(1)
    return out


def trend_cells(rule: Rule, ctx: Context, months: Sequence[date]) -> TrendCells:
    """The commitment (a number per month, or a yearly text), the count for each month, and
    what each month asked of the team (the check's own counting and pro-rating)."""
    as_of = ctx.as_of
    if isinstance(rule, MonthlyCountRule):
        counted = count_by_month(rule, ctx)
        plan = rule.plan(ctx)
        return TrendCells(
            target=trend_target(rule),
            cells=[
                None if m > as_of else (counted.counts[m] if m in plan else NOT_COUNTED)
                for m in months
            ],
            asks=[plan.get(m) if m <= as_of else None for m in months],
        )
    if isinstance(rule, PerYearRule):
        days = [e.date for e in ctx.record.checkins if e.date and e.date <= as_of]
        return TrendCells(
            target=trend_target(rule),
            cells=[
                None if m > as_of else sum(1 for d in days if d.replace(day=1) == m) for m in months
            ],
            asks=[None] * len(months),
        )
    return no_trend(rule, months)


def no_trend(rule: Rule, months: Sequence[date]) -> TrendCells:
    """What an unreadable team shows: the commitment, and no month counted."""
    nothing: list[Value] = [None] * len(months)
    return TrendCells(target=trend_target(rule), cells=nothing, asks=[None] * len(months))


def trend_target(rule: Rule) -> Value:
    """A number per month (coloured against), or a yearly pace in words (not coloured)."""
    if isinstance(rule, MonthlyCountRule):
        return rule.min_per_month
    if isinstance(rule, PerYearRule):
        return f"{rule.min_per_year} / year"
    return None
