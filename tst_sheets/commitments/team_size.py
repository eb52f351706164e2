"""An Impact Team of at least N other faculty: active members on the Team tab, the TL aside."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from tst_sheets.commitments.base import RuleBase, due_severity, missing_tab, state_from, status
from tst_sheets.commitments.context import Context
from tst_sheets.model import CommitmentStatus

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment

from datetime import date, timedelta

from tst_sheets.model import DateRange, Member, Team, TeamRecord
from tst_sheets.model.text import normalize


class TeamSizeRule(RuleBase):
    kind: Literal["team_size"]
    min_others: int = Field(ge=0)
    leader_roles: list[str] = Field(default_factory=list)
    due_after_start_days: int = 30

    def check(self, c: Commitment, ctx: Context) -> CommitmentStatus:
        return check_team_size(c, self, ctx)


def other_members(rule: TeamSizeRule, record: TeamRecord, team: Team) -> list[Member]:
    """The Team tab's rows other than the TL (by role or by email), active or not."""
    leaders = {normalize(r) for r in rule.leader_roles}
    tl_email = team.tl_email.lower()
    return [
        m
        for m in record.members
        if normalize(m.role) not in leaders and (m.email or "").lower() != tl_email
    ]


def formed_on(rule: TeamSizeRule, record: TeamRecord, team: Team, year: DateRange) -> date:
    """The first day the Team tab shows the team at its size; at the latest, the deadline to
    build it (a team that never reaches it is still expected to meet from then on)."""
    deadline = year.start + timedelta(rule.due_after_start_days)
    others = other_members(rule, record, team)
    days = sorted({year.start, *(m.joined for m in others if m.joined and m.joined < deadline)})
    for day in days:
        if sum(1 for m in others if m.active_on(day)) >= rule.min_others:
            return day
    return deadline


def check_team_size(c: Commitment, rule: TeamSizeRule, ctx: Context) -> CommitmentStatus:
    if not ctx.record.has_tab("team"):
        return missing_tab(c, "Team")
    others = [m for m in other_members(rule, ctx.record, ctx.team) if m.active_on(ctx.as_of)]
    findings = []
    if len(others) < rule.min_others:
        due = ctx.school_year.start + timedelta(rule.due_after_start_days)
        findings.append(
            ctx.finding(
                c,
                due_severity(c, ctx, due),
                "team",
                ctx.tab_cell("team", "name"),
                f"{len(others)} active members besides the TL",
                f"at least {rule.min_others} other faculty by {due:%b %d, %Y}",
            )
        )
    summary = f"team members {len(others)} of {rule.min_others}"
    return status(
        c,
        state_from(findings, c),
        summary,
        findings,
        members=len(others),
        required=rule.min_others,
    )
