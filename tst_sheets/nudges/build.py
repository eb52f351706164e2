"""Who gets a digest this week, and what it says: one per person, whatever roles they hold.

A TL gets one when their team has an open item or changed status since their last digest; a
principal when one of their own commitments needs them; a coach every week they have a
caseload; staff every week. Nobody on the roster's Digest Opt-outs gets one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, Field

from tst_sheets.commitments import CommitmentSet
from tst_sheets.model import Program, Team, TeamStatus
from tst_sheets.nudges.events import invitations
from tst_sheets.nudges.log import SentLog, iso_week
from tst_sheets.nudges.models import Digest, Section
from tst_sheets.nudges.sections import (
    Context,
    coach_section,
    counts_text,
    principal_section,
    staff_section,
    tl_section,
)


class DigestInputs(BaseModel):
    program: Program
    statuses: list[TeamStatus]
    as_of: date
    commitments: CommitmentSet
    log: SentLog = Field(default_factory=SentLog)
    rollup_url: str = ""


class Plan(BaseModel):
    """This week's digests, and who gets none (nothing to say, or opted out)."""

    week: str
    digests: list[Digest] = Field(default_factory=list)
    quiet: list[str] = Field(default_factory=list)
    opted_out: list[str] = Field(default_factory=list)


@dataclass
class Person:
    email: str
    name: str = ""
    tl: list[Team] = field(default_factory=list)
    principal: list[Team] = field(default_factory=list)
    coach: list[Team] = field(default_factory=list)
    staff: bool = False


def build_digests(inputs: DigestInputs) -> Plan:
    """Every person's digest for the ISO week of ``as_of``."""
    program, week = inputs.program, iso_week(inputs.as_of)
    statuses = {s.team_id: s for s in inputs.statuses}
    teams = [t for t in program.active_teams() if t.team_id in statuses]
    invited = invitations(program)
    plan = Plan(week=week)
    for person in people(program, teams):
        if not program.wants_digest(person.email):
            plan.opted_out.append(person.email)
            continue
        last = inputs.log.last_sent(person.email, week)
        ctx = Context(
            program=program,
            as_of=inputs.as_of,
            commitments=inputs.commitments,
            statuses=statuses,
            invitations=invited,
            rollup_url=inputs.rollup_url,
            previous=dict(last.statuses) if last else {},
        )
        digest = digest_for(person, ctx, teams, week)
        if digest is None:
            plan.quiet.append(person.email)
            continue
        digest.first = last is None
        plan.digests.append(digest)
    return plan


def people(program: Program, teams: list[Team]) -> list[Person]:
    """Everyone the roster names for the active teams, once each, with every role they hold."""
    found: dict[str, Person] = {}

    def person(email: str, name: str = "") -> Person:
        entry = found.setdefault(email.lower(), Person(email=email.lower()))
        entry.name = entry.name or name
        return entry

    for team in teams:
        person(team.tl_email, team.tl_name).tl.append(team)
        if team.principal_email:
            person(team.principal_email, team.principal_name).principal.append(team)
    for coach in program.coaches:
        caseload = [t for t in teams if t.coach_email.lower() == coach.email.lower()]
        if coach.active and caseload:
            person(coach.email, coach.name).coach = caseload
    for email in program.staff_emails:
        person(email).staff = True
    return [p for p in found.values() if p.email]


def digest_for(person: Person, ctx: Context, teams: list[Team], week: str) -> Digest | None:
    """Their digest, or None when there is nothing to say (no item, no change)."""
    sections: list[Section] = [
        *(tl_section(ctx, t) for t in person.tl),
        *(principal_section(ctx, t) for t in person.principal),
    ]
    if person.coach:
        sections.append(coach_section(ctx, person.email, person.coach))
    if person.staff:
        sections.append(staff_section(ctx, teams))
    if not any(s.news or s.role in ("coach", "staff") for s in sections):
        return None
    mentioned = teams if person.staff else [*person.tl, *person.principal, *person.coach]
    digest = Digest(
        to=person.email,
        name=person.name,
        week=week,
        sections=sections,
        statuses={t.team_id: ctx.statuses[t.team_id].overall for t in mentioned},
    )
    digest.subject = subject(ctx.program.name, person, digest)
    return digest


def subject(program: str, person: Person, digest: Digest) -> str:
    """The most pressing thing first, in a few words."""
    tl_items = [i for s in digest.sections if s.role == "tl" for i in s.items]
    changes = [c for s in digest.sections if s.role == "tl" for c in s.changes]
    mine = [i for s in digest.sections if s.role == "principal" for i in s.items]
    if tl_items:
        text = f"{plural(len(tl_items), 'thing')} to do for {school(person.tl)}"
    elif changes:
        text = f"{changes[0].school} is now {changes[0].after}"
    elif mine:
        text = f"{plural(len(mine), 'thing')} for you at {school(person.principal)}"
    elif person.coach:
        text = f"your caseload, {counts_text(digest.statuses[t.team_id] for t in person.coach)}"
    else:
        text = f"the program, {counts_text(digest.statuses.values())}"
    return " ".join(f"{program} this week: {text}".split())[:180]


def school(teams: list[Team]) -> str:
    return teams[0].school if len(teams) == 1 else "your teams"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"
