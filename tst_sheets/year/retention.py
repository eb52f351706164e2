"""Teacher retention in the Impact Teams (pure): of the members a continuing team had at the
end of last school year, who are still on its Team tab this year (seed 000: the program works
"leading to teacher retention"). Members are matched by email, else by name; the TL is
counted by the roster, not here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import Field

from tst_sheets.model import AutoCamel, Member, Team
from tst_sheets.model.text import normalize
from tst_sheets.provision.sharing import is_tl_row


class TeamRetention(AutoCamel):
    team_id: str
    school: str
    members: int  # at the end of last year
    stayed: int


class Retention(AutoCamel):
    teams: int = 0
    members: int = 0
    stayed: int = 0
    share: float | None = None
    by_team: list[TeamRetention] = Field(default_factory=list)


YearTeams = Sequence[tuple[Team, Sequence[Member]]]  # each team and its Team tab's members


def retention(last: YearTeams, this: YearTeams, last_end: date, today: date) -> Retention:
    """Continuing teams (the same Team ID both years, both workbooks readable)."""
    now = {team.team_id.lower(): (team, members) for team, members in this}
    out = Retention()
    for team, members in last:
        current = now.get(team.team_id.lower())
        if current is None:
            continue
        before = _people(team, members, last_end)
        after = _people(current[0], current[1], today)
        stayed = sum(1 for key in before if key in after)
        out.by_team.append(
            TeamRetention(
                team_id=team.team_id, school=team.school, members=len(before), stayed=stayed
            )
        )
    out.teams = len(out.by_team)
    out.members = sum(t.members for t in out.by_team)
    out.stayed = sum(t.stayed for t in out.by_team)
    out.share = round(out.stayed / out.members, 4) if out.members else None
    return out


def _people(team: Team, members: Sequence[Member], day: date) -> set[str]:
    """The team's members on a day (the TL aside), each by email, else by name."""
    tl = team.tl_email.lower()
    return {
        (m.email or "").lower() or normalize(m.name)
        for m in members
        if not is_tl_row(m)
        and (m.email or "").lower() != tl
        and (m.email or m.name)
        and (m.left is None or m.left > day)
    }
