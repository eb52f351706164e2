"""What a roll-up is built from: the program, the date, each team's status and facts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel, Field

from tst_sheets.commitments import CommitmentSet
from tst_sheets.model import Program, Team, TeamRecord, TeamStatus, cell_link
from tst_sheets.rollup.facts import RecordFacts, record_facts
from tst_sheets.templates.cells import Link

UNASSIGNED = "(no coach)"


class TeamView(BaseModel):
    """One team as the roll-up sees it: roster row, status, and (when readable) the facts its
    tabs take from the record (not the record itself: see ``facts``)."""

    team: Team
    status: TeamStatus
    facts: RecordFacts | None = None


def team_view(
    team: Team,
    status: TeamStatus,
    record: TeamRecord | None,
    program: Program,
    commitments: CommitmentSet,
) -> TeamView:
    """The view of a team checked as of ``status.as_of``."""
    if record is None or status.overall == "Unreadable":
        return TeamView(team=team, status=status)
    facts = record_facts(record, team, program, status.as_of, commitments)
    return TeamView(team=team, status=status, facts=facts)


class RunFacts(BaseModel):
    """What differs run to run whatever the data (shown on About, left out of comparisons)."""

    generated_at: datetime
    read: int = 0
    reused: int = 0
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)


class RollupInput(BaseModel):
    program: Program
    as_of: date
    teams: list[TeamView]
    commitments: CommitmentSet
    first_seen: dict[str, date] = Field(default_factory=dict)
    versions: dict[str, int] = Field(default_factory=dict, description="template → version")


def coach_name(program: Program, email: str) -> str:
    if not email:
        return UNASSIGNED
    coach = program.coach(email)
    return coach.name if coach else email


def sort_teams(teams: Sequence[TeamView], program: Program, order: Sequence[str]) -> list[TeamView]:
    """By status (who needs attention first), then coach, then team."""
    rank = {status: i for i, status in enumerate(order)}

    def key(view: TeamView) -> tuple[int, str, str]:
        coach = coach_name(program, view.team.coach_email)
        return rank.get(view.status.overall, len(rank)), coach.lower(), view.team.team_id

    return sorted(teams, key=key)


def workbook_link(spreadsheet_id: str) -> Link | None:
    return Link(url=cell_link(spreadsheet_id), text="Open") if spreadsheet_id else None
