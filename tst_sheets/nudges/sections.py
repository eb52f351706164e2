"""Each role's part of a digest, from the teams' statuses: the TL's team, the principal's own
commitments, the coach's caseload, the program for staff."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from tst_sheets.commitments import Commitment, CommitmentSet
from tst_sheets.model import (
    COMMITMENT_WORDS,
    STATUS_ORDER,
    EventKind,
    EventSpec,
    Program,
    Team,
    TeamStatus,
)
from tst_sheets.model.a1 import spreadsheet_url
from tst_sheets.nudges.events import HORIZON_DAYS, upcoming
from tst_sheets.nudges.items import day_text, open_items
from tst_sheets.nudges.models import Change, Line, Section, Upcoming

COACH_EVENT_DAYS = 42  # the next roundtables, about six weeks ahead
FUTURE = 400  # any time this school year and the next summer (the July training)


@dataclass
class Context:
    """What every section reads: the program, the date, the rules, and where things are."""

    program: Program
    as_of: date
    commitments: CommitmentSet
    statuses: Mapping[str, TeamStatus]  # team id → status
    invitations: Mapping[str, Sequence[EventSpec]]  # email → the events they are invited to
    rollup_url: str = ""
    previous: dict[str, str] = field(default_factory=dict)  # team → status last digest said

    def changes(self, teams: Sequence[Team]) -> list[Change]:
        out = []
        for team in teams:
            status, before = self.statuses.get(team.team_id), self.previous.get(team.team_id)
            if status is None or before is None or before == status.overall:
                continue
            out.append(
                Change(
                    team_id=team.team_id,
                    school=team.school,
                    before=before,
                    after=status.overall,
                    why=status.why.text,
                    link=status.why.link,
                )
            )
        return out

    def events(
        self,
        email: str,
        days: int = HORIZON_DAYS,
        kinds: Sequence[EventKind] | None = None,
        limit: int = 3,
    ) -> list[Upcoming]:
        """The next events ``email`` is invited to."""
        mine = self.invitations.get(email.lower(), [])
        return upcoming(mine, self.as_of, days=days, kinds=kinds, limit=limit)

    def commitment(self, owner: str, kind: str) -> Commitment | None:
        wanted = (c for c in self.commitments.commitments if c.rule.kind == kind)
        return next((c for c in wanted if owner in ("", c.owner)), None)


def status_line(status: TeamStatus) -> Line:
    return Line(text=f"Status: {status.overall}. {status.why.text}", link=status.why.link)


# -- the TL ------------------------------------------------------------------------------------


def tl_section(ctx: Context, team: Team) -> Section:
    """Their team's status and why, their open items most urgent first, the next events."""
    status = ctx.statuses[team.team_id]
    return Section(
        role="tl",
        title=f"Your Impact Team at {team.school}",
        lines=[status_line(status)],
        items=open_items(status, "TL", ctx.commitments, ctx.program, ctx.as_of),
        changes=ctx.changes([team]),
        events=ctx.events(team.tl_email),
    )


# -- the principal ----------------------------------------------------------------------------


def principal_section(ctx: Context, team: Team) -> Section:
    """Check-ins against the pace, the goal set with the TL, the July principal training."""
    status = ctx.statuses[team.team_id]
    lines = [
        line
        for line in (
            checkins_line(ctx, team, status),
            goal_line(ctx, team, status),
            training_line(ctx, status),
        )
        if line is not None
    ]
    training = ctx.events(team.principal_email, days=FUTURE, kinds=["principal_training"])
    others = ctx.events(team.principal_email)
    return Section(
        role="principal",
        title=f"As principal of {team.school}, with {team.tl_name or 'your TL'}",
        lines=lines,
        items=open_items(status, "principal", ctx.commitments, ctx.program, ctx.as_of),
        events=sorted(
            {(e.date, e.title): e for e in [*training, *others]}.values(), key=lambda e: e.date
        ),
    )


def checkins_line(ctx: Context, team: Team, status: TeamStatus) -> Line | None:
    rule = ctx.commitment("principal", "per_year")
    found = status.commitment(rule.id) if rule else None
    if found is None or "count" not in found.figures:
        return None
    count, by_now = found.figures.get("count"), found.figures.get("expected_by_now")
    per_year = found.figures.get("per_year")
    if not isinstance(count, int) or not isinstance(by_now, int):
        return None
    pace = "ahead of pace" if count > by_now else "on pace" if count == by_now else "behind pace"
    link = next((f.link for f in found.findings), None) or workbook(status)
    who = team.tl_name or "your TL"
    text = (
        f"Check-ins with {who}: {count} so far; {by_now} expected by now, "
        f"{per_year} by the end of the year ({pace})."
    )
    return Line(text=text, link=link)


def goal_line(ctx: Context, team: Team, status: TeamStatus) -> Line | None:
    rule = ctx.commitment("principal", "goal_with_principal")
    found = status.commitment(rule.id) if rule else None
    if found is None:
        return None
    set_on = found.figures.get("set_on")
    if not isinstance(set_on, str):
        link = next((f.link for f in found.findings), None) or workbook(status)
        return Line(text=f"The year-long goal with {team.tl_name}: not set yet.", link=link)
    goal = status.goal
    text = f"Goal set with {team.tl_name} on {day_text(date.fromisoformat(set_on))}"
    if goal.has_goal:
        unit = goal.unit
        target = f" by {goal.target_date:%b %d, %Y}" if goal.target_date else ""
        measure = goal.measure or "the measure"
        text += f": {measure} from {goal.baseline:g}{unit} to {goal.target:g}{unit}{target}"
    return Line(text=text + ".", link=goal.links.get("baseline") or workbook(status))


def training_line(ctx: Context, status: TeamStatus) -> Line | None:
    rule = ctx.commitment("principal", "attendance")
    found = status.commitment(rule.id) if rule else None
    if found is None or found.status in ("not_applicable", "unknown"):
        return None
    said = {
        "on_track": "attended, thank you",
        "not_recorded": "TST staff have not recorded attendance yet",
    }.get(found.status, COMMITMENT_WORDS[found.status])
    return Line(text=f"{found.label}: {said}.")


def workbook(status: TeamStatus) -> str | None:
    return spreadsheet_url(status.spreadsheet_id) if status.spreadsheet_id else None


# -- the coach --------------------------------------------------------------------------------


def coach_section(ctx: Context, email: str, teams: Sequence[Team]) -> Section:
    """Their caseload: who changed since last week and why, who is behind, the roundtables."""
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    ordered = sorted(teams, key=lambda t: (rank[ctx.statuses[t.team_id].overall], t.team_id))
    caseload = [team_line(ctx.statuses[t.team_id], t) for t in ordered]
    behind = [
        team_line(ctx.statuses[t.team_id], t)
        for t in ordered
        if ctx.statuses[t.team_id].overall in ("Behind", "Unreadable")
    ]
    return Section(
        role="coach",
        title=f"Your caseload: {len(teams)} team{'s' * (len(teams) != 1)}",
        lines=[Line(text=counts_text(ctx.statuses[t.team_id].overall for t in teams) + ".")],
        teams=caseload,
        changes=ctx.changes(ordered),
        behind=behind,
        events=ctx.events(email, days=COACH_EVENT_DAYS, kinds=["roundtable"], limit=2),
        link=rollup_line(ctx),
    )


def team_line(status: TeamStatus, team: Team) -> Line:
    who = f" ({team.tl_name})" if team.tl_name else ""
    return Line(
        text=f"{team.team_id} {team.school}{who}: {status.overall}. {status.why.text}",
        link=status.why.link,
    )


def counts_text(overall: Iterable[str]) -> str:
    """ "2 Behind, 1 At risk, 3 On track": most urgent first."""
    counts: dict[str, int] = {}
    for status in overall:
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{counts[s]} {s}" for s in STATUS_ORDER if counts.get(s)) or "no teams"


def rollup_line(ctx: Context) -> Line | None:
    return Line(text="Open the coach roll-up", link=ctx.rollup_url) if ctx.rollup_url else None


# -- staff ------------------------------------------------------------------------------------


def staff_section(ctx: Context, teams: Sequence[Team]) -> Section:
    """The program in five lines, and the roll-up."""
    statuses = [ctx.statuses[t.team_id] for t in teams]
    return Section(
        role="staff",
        title="The program this week",
        lines=[
            Line(text=f"{len(teams)} active teams: {counts_text(s.overall for s in statuses)}."),
            Line(text=changes_text(ctx.changes(teams), bool(ctx.previous))),
            Line(text=open_text(ctx, statuses)),
            Line(text=goals_text(ctx, statuses)),
            Line(text=next_text(ctx)),
        ],
        link=rollup_line(ctx),
    )


def changes_text(changes: Sequence[Change], known: bool) -> str:
    if not known:
        return "Changes: from next week, this line says which teams changed status."
    if not changes:
        return "No team changed status since last week."
    shown = ", ".join(f"{c.team_id} {c.before} → {c.after}" for c in changes[:5])
    more = f" and {len(changes) - 5} more" if len(changes) > 5 else ""
    return f"{len(changes)} changed status since last week: {shown}{more}."


def open_text(ctx: Context, statuses: Sequence[TeamStatus]) -> str:
    items = [f for s in statuses for f in s.findings if f.severity != "info"]
    urgent = sum(1 for f in items if f.severity in ("error", "overdue"))
    teams = len({f.team for f in items})
    return f"{len(items)} open items across {teams} teams ({urgent} overdue or broken)."


def goals_text(ctx: Context, statuses: Sequence[TeamStatus]) -> str:
    measured = [s for s in statuses if s.goal.on_pace is not None]
    incomplete = sum(1 for s in statuses if not s.goal.has_goal)
    missing = f"; {incomplete} without a goal with a baseline and a target" if incomplete else ""
    if not measured:
        due = ctx.program.mid_year_data_due
        when = f" (mid-year data due {day_text(due)})" if due else ""
        return f"Goals: none measured since the baseline yet{when}{missing}."
    on_pace = sum(1 for s in measured if s.goal.on_pace)
    return f"Goals: {on_pace} of {len(measured)} measured on pace{missing}."


def next_text(ctx: Context) -> str:
    specs = [e for e in ctx.program.events if e.kind != "coaching_series"]
    soon = upcoming(sorted(specs, key=lambda e: e.date), ctx.as_of, limit=1)
    if not soon:
        return "No program events in the next five weeks."
    event = soon[0]
    return f"Next event: {event.title}, {day_text(event.date)}."
