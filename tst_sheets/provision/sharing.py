"""Who may open a team workbook, and what to change so that exactly they can (pure).

Sharing rules: the TL, principal, coach, program staff and the current members on the team's
own Team tab get writer, but only at the roster's Allowed Domains (anyone else is a finding,
never an error). The service records whom it granted (appProperties ``tstShared*``, see
``grants``), so it removes only what it granted, from people who left; access a person added
by hand is reported and left alone. It never makes ``anyone`` or ``domain`` permissions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from tst_sheets.model import (
    AutoCamel,
    Finding,
    Member,
    Permission,
    Program,
    Team,
    TeamRecord,
    cell_link,
)

Reason = Literal["TL", "principal", "coach", "staff", "member"]


class Wanted(BaseModel):
    """Who should have writer access, who left, and why some were not shared."""

    people: dict[str, Reason] = Field(default_factory=dict)  # email -> why
    departed: set[str] = Field(default_factory=set)
    findings: list[Finding] = Field(default_factory=list)


def wanted_people(program: Program, team: Team, record: TeamRecord | None, today: date) -> Wanted:
    """Everyone the rules give writer access to this team's workbook.

    ``record``: the team's workbook as read (its Team tab's members), None for a new one.
    """
    out = Wanted()
    people: list[tuple[str, Reason, Member | None]] = []
    if team.status == "Active":
        people += [(team.tl_email, "TL", None), (team.principal_email, "principal", None)]
        for member in record.members if record else []:
            if not member.email:
                continue
            if member.left is not None and member.left <= today:
                out.departed.add(member.email)
            else:
                people.append((member.email, "member", member))
    people.append((team.coach_email, "coach", None))
    people += [(email, "staff", None) for email in program.staff_emails]
    for email, reason, who in people:
        _want(out, program, team, email.lower(), reason, who, record)
    out.departed -= set(out.people)  # left the Team tab, still TL/staff/...: keeps access
    return out


def _want(
    out: Wanted,
    program: Program,
    team: Team,
    email: str,
    reason: Reason,
    member: Member | None,
    record: TeamRecord | None,
) -> None:
    """A member's finding points at their Email cell; a roster person's at the Teams tab."""
    if not email or email in out.people:
        return
    if program.email_allowed(email):
        out.people[email] = reason
        return
    if member is not None and record is not None:
        tab, cell = record.tabs["team"].title, member.cell("email")
        link: str | None = record.link("team", cell)
    else:
        tab, cell = "Teams", None
        link = cell_link(program.roster_id) if program.roster_id else None
    domains = ", ".join(program.allowed_domains) or "none set"
    out.findings.append(
        Finding(
            team=team.team_id,
            rule="sharing.outside_domain",
            severity="warning",
            tab=tab,
            cell=cell,
            found=f"not shared: outside allowed domains ({email}, {reason})",
            expected=f"an email at one of the Allowed Domains ({domains})",
            link=link,
        )
    )


class Grant(AutoCamel):
    team_id: str
    email: str
    role: str = "writer"
    reason: str = ""
    permission_id: str = Field(default="", exclude=True)


class SharingPlan(BaseModel):
    create: list[Grant] = Field(default_factory=list)
    remove: list[Grant] = Field(default_factory=list)
    granted: set[str] = Field(default_factory=set)  # the record after this plan
    findings: list[Finding] = Field(default_factory=list)


def plan_sharing(
    team: Team,
    wanted: Wanted,
    granted: set[str],
    perms: Sequence[Permission],
    service: str,
    *,
    members_known: bool = True,
) -> SharingPlan:
    """Creates for the missing, removals of what the service granted to people who left.

    ``members_known`` False (the Team tab could not be read): nobody is removed, since a
    member we cannot see is not a member who left.
    """
    plan = SharingPlan()
    by_email = {p.email: p for p in perms if p.type in ("user", "group") and p.email}
    for email, reason in sorted(wanted.people.items()):
        perm = by_email.get(email)
        if perm is None:
            plan.create.append(Grant(team_id=team.team_id, email=email, reason=reason))
        elif not perm.at_least("writer"):
            plan.findings.append(_hand_role(team, perm, reason))
    for email in sorted(granted - set(wanted.people)):
        perm = by_email.get(email)
        departed = email in wanted.departed or members_known or team.status != "Active"
        removable = perm is not None and perm.role != "owner" and not perm.inherited
        if perm is not None and removable and departed:
            plan.remove.append(
                Grant(
                    team_id=team.team_id,
                    email=email,
                    role=perm.role,
                    reason="left",
                    permission_id=perm.id,
                )
            )
    removed = {g.email for g in plan.remove}
    kept = {e for e in granted if e in by_email and e not in removed}
    plan.granted = kept | {g.email for g in plan.create}
    plan.findings += _hand_added(team, perms, granted, wanted, service)
    return plan


def _hand_role(team: Team, perm: Permission, reason: str) -> Finding:
    return Finding(
        team=team.team_id,
        rule="sharing.role_by_hand",
        severity="info",
        tab=None,
        found=f"{perm.email} ({reason}) has {perm.role} access, set by hand",
        expected="writer; left as it is (the service does not change access it did not grant)",
    )


def _hand_added(
    team: Team, perms: Sequence[Permission], granted: set[str], wanted: Wanted, service: str
) -> list[Finding]:
    """Permissions someone added by hand: reported, never touched."""
    out: list[Finding] = []
    for perm in perms:
        if perm.role == "owner" or perm.inherited or perm.email == service.lower():
            continue  # the owner, a shared drive's members, the service itself
        if perm.type in ("anyone", "domain"):
            who = "anyone with the link" if perm.type == "anyone" else f"domain {perm.domain}"
            out.append(
                Finding(
                    team=team.team_id,
                    rule="sharing.public_by_hand",
                    severity="warning",
                    found=f"shared with {who} ({perm.role})",
                    expected="shared only with named people; left as it is",
                )
            )
        elif perm.email not in granted and perm.email not in wanted.people:
            out.append(
                Finding(
                    team=team.team_id,
                    rule="sharing.added_by_hand",
                    severity="info",
                    found=f"{perm.email} has {perm.role} access, added by hand",
                    expected="left as it is; not on the roster or the Team tab",
                )
            )
    return out
