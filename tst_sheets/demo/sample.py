"""The demo's sample program (``data/sample_program.yaml``) as the models the service uses: the
roster's program, and each team's members as its TL will type them on the Team tab."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from tst_sheets.calendar.school_year import load_year_pattern
from tst_sheets.model import Application, Coach, DateRange, NamedMember, Program, Team, TeamState

DATA = Path(__file__).parent / "data" / "sample_program.yaml"


class SampleMember(BaseModel):
    name: str
    subject_grade: str
    role: str = "Impact Team Member"
    joined: date
    left: date | None = None
    email: str

    def address(self) -> str:
        return self.email


class SampleTeam(BaseModel):
    team: Team
    tl_subject: str
    tl_joined: date
    members: list[SampleMember]


@cache
def _data() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return raw


def school_email(name: str) -> str:
    """first.last@ the schools' domain, titles ("Dr.", "Ms.") and apostrophes dropped."""
    words = [w for w in name.replace("'", "").split() if not w.endswith(".")]
    return f"{words[0].lower()}.{words[-1].lower()}@{_data()['domains']['schools']}"


def coach_email(name: str) -> str:
    first, last = name.lower().split()
    return f"{first}.{last}@{_data()['domains']['program']}"


ALLOWED_DOMAINS: list[str] = list(_data()["domains"].values())
OUTSIDE_MEMBER: str = next(q["email"] for q in _data()["quirks"] if q.get("email"))


def _team(row: dict[str, Any], status: TeamState = "Active") -> Team:
    return Team(
        team_id=row["id"],
        school=row["school"],
        focus_area=row["focus"],
        tl_name=row["tl"],
        tl_email=school_email(row["tl"]),
        tl_years_teaching=row["tl_years"],
        principal_name=row["principal"],
        principal_email=school_email(row["principal"]),
        coach_email=coach_email(row["coach"]),
        status=status,
    )


def _members(row: dict[str, Any]) -> list[SampleMember]:
    joined = date.fromisoformat(_data()["member_joined"])
    people = []
    for text in row["members"]:
        name, _, subject = (part.strip() for part in text.partition("|"))
        people.append(
            SampleMember(name=name, subject_grade=subject, joined=joined, email=school_email(name))
        )
    for quirk in _data()["quirks"]:
        if quirk["team"] == row["id"]:
            index = quirk["member"]
            changes = {k: quirk[k] for k in ("email", "left", "joined") if k in quirk}
            people[index] = SampleMember.model_validate({**people[index].model_dump(), **changes})
    return people


def sample_teams() -> list[SampleTeam]:
    """The 12 active teams with their members."""
    tl_joined = date.fromisoformat(_data()["tl_joined"])
    return [
        SampleTeam(
            team=_team(row),
            tl_subject=row["tl_subject"],
            tl_joined=tl_joined,
            members=_members(row),
        )
        for row in _data()["teams"]
    ]


def sample_coaches() -> list[Coach]:
    return [Coach(name=name, email=coach_email(name)) for name in _data()["coaches"]]


def sample_program(name: str = "TST", templates: Path | None = None) -> Program:
    """The program as the roster holds it (the events from the year pattern)."""
    data = _data()
    start = date.fromisoformat(data["school_year"]["start"])
    withdrawn = data["withdrawn"]
    return Program(
        name=name,
        school_year_start=start,
        school_year_end=date.fromisoformat(data["school_year"]["end"]),
        timezone=data["timezone"],
        allowed_domains=list(ALLOWED_DOMAINS),
        staff_emails=list(data["staff"]),
        digest_opt_outs=list(data.get("digest_opt_outs", [])),
        mid_year_data_due=date.fromisoformat(data["mid_year_data_due"]),
        end_of_year_data_due=date.fromisoformat(data["end_of_year_data_due"]),
        breaks=[DateRange.model_validate(b) for b in data["breaks"]],
        coaches=sample_coaches(),
        teams=[t.team for t in sample_teams()] + [_team(withdrawn, "Withdrawn")],
        events=load_year_pattern(templates).events_for(start.year),
        applications=sample_applications(),
    )


def sample_applications() -> list[Application]:
    """Next school year's applications, as staff would have them on the roster."""
    out = []
    for row in _data()["applications"]:
        names = [text.partition("|")[0].strip() for text in row["members"]]
        submitted = date.fromisoformat(row["submitted"])
        tl_agreed, principal_agreed = row["agreed"]
        out.append(
            Application(
                row=0,
                submitted=submitted,
                school=row["school"],
                tl_name=row["tl"],
                tl_email=school_email(row["tl"]),
                tl_years_teaching=row["tl_years"],
                principal_name=row["principal"],
                principal_email=school_email(row["principal"]),
                vision=row["vision"],
                focus_area=row["focus"],
                members=[NamedMember(name=n, email=school_email(n)) for n in names],
                tl_agreed=tl_agreed,
                principal_agreed=principal_agreed,
                coach_email=coach_email(row["coach"]),
                school_year=str(row["school_year"]),
                decision=row["decision"] or "Pending",
            )
        )
    return out


def team_tab_rows(sample: SampleTeam) -> list[list[str]]:
    """The Team tab as the TL fills it: Name | Email | Role | Subject / Grade | Joined | Left."""
    team = sample.team
    tl = [team.tl_name, team.tl_email, "Teacher Liaison", sample.tl_subject]
    rows = [[*tl, sample.tl_joined.isoformat(), ""]]
    for m in sample.members:
        left = m.left.isoformat() if m.left else ""
        rows.append([m.name, m.address(), m.role, m.subject_grade, m.joined.isoformat(), left])
    return rows
