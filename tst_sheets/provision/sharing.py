"""Who may open a program file, and what to change so that exactly they can (pure).

A team workbook: its TL, principal and coach, program staff and the current members on the
team's own Team tab get writer, but only at the roster's Allowed Domains (anyone else is a
finding, never an error). A Team-tab row whose Role is Teacher Liaison gives no access of its
own: the roster names the TL, so a replaced TL (whom the service itself wrote on the tab) is
not kept in as a member. The roster: its Staff Emails get writer.

The service records whom it granted (appProperties ``tstShared*``, see ``grants``), so it
removes only what it granted, from people who left; access added by hand for someone at an
Allowed Domain is reported and left alone. Links for anyone or a whole domain, and people
outside the Allowed Domains, are removed from every file whoever added them, and reported. The
service itself never makes ``anyone`` or ``domain`` permissions.
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
from tst_sheets.model.findings import ROSTER
from tst_sheets.model.text import normalize

Reason = Literal["TL", "principal", "coach", "staff", "member"]
TL_ROLES = frozenset({"teacherliaison", "tl"})  # the Team tab's Role for the TL, normalised


class Wanted(BaseModel):
    """Who should have writer access, who left, and why some were not shared."""

    people: dict[str, Reason] = Field(default_factory=dict)  # email -> why
    departed: set[str] = Field(default_factory=set)
    findings: list[Finding] = Field(default_factory=list)


def is_tl_row(member: Member) -> bool:
    """A Team-tab row saying Teacher Liaison: the service writes the TL's own row so."""
    return normalize(member.role) in TL_ROLES


def wanted_people(program: Program, team: Team, record: TeamRecord | None, today: date) -> Wanted:
    """Everyone the rules give writer access to this team's workbook.

    ``record``: the team's workbook as read (its Team tab's members), None for a new one.
    """
    out = Wanted()
    people: list[tuple[str, Reason, Member | None]] = []
    if team.status == "Active":
        people += [(team.tl_email, "TL", None), (team.principal_email, "principal", None)]
        for member in record.members if record else []:
            if not member.email or is_tl_row(member):
                continue  # the roster, not the tab, says who the TL is
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


def roster_people(program: Program) -> Wanted:
    """The roster is for program staff only: each Staff Email at an Allowed Domain."""
    out = Wanted()
    for email in (e.lower() for e in program.staff_emails):
        if program.email_allowed(email):
            out.people[email] = "staff"
            continue
        out.findings.append(
            Finding(
                team=ROSTER,
                rule="sharing.outside_domain",
                severity="warning",
                tab="Program",
                found=f"not shared: outside allowed domains ({email}, staff)",
                expected=f"an email at one of the Allowed Domains ({_domains(program)})",
                link=cell_link(program.roster_id) if program.roster_id else None,
            )
        )
    return out


def rollup_people(program: Program) -> dict[str, str]:
    """The roll-up, email → role: active coaches read it, program staff may edit it; nobody
    else."""
    out: dict[str, str] = {}
    for coach in program.coaches:
        if coach.active and coach.email:
            out[coach.email.lower()] = "reader"
    for email in program.staff_emails:
        out[email.lower()] = "writer"
    allowed = program.allowed_domains
    return {e: r for e, r in out.items() if not allowed or program.email_allowed(e)}


def _domains(program: Program) -> str:
    return ", ".join(program.allowed_domains) or "none set"


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
    out.findings.append(
        Finding(
            team=team.team_id,
            rule="sharing.outside_domain",
            severity="warning",
            tab=tab,
            cell=cell,
            found=f"not shared: outside allowed domains ({email}, {reason})",
            expected=f"an email at one of the Allowed Domains ({_domains(program)})",
            link=link,
        )
    )


def harmful(perm: Permission, program: Program) -> str | None:
    """Why a permission may never stay on a program file, whoever added it; None if it may.

    With no Allowed Domains set nobody is outside them: only links are removed then.
    """
    if perm.type == "anyone":
        return "a link for anyone"
    if perm.type == "domain":
        return "a link for a whole domain"
    outside = perm.email and program.allowed_domains and not program.email_allowed(perm.email)
    return "outside the Allowed Domains" if outside else None


def grantee(perm: Permission) -> str:
    """Who a permission is for, in words: an email, "anyone with the link", a domain."""
    if perm.type == "anyone":
        return "anyone with the link"
    if perm.type == "domain":
        return f"everyone at {perm.domain}"
    return perm.email


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
    scope: str,
    wanted: Wanted,
    granted: set[str],
    perms: Sequence[Permission],
    program: Program,
    service: str,
    *,
    members_known: bool = True,
    link: str | None = None,
) -> SharingPlan:
    """Creates for the missing; removals of what may never stay, and of what the service
    granted to people who left. ``scope``: the team id, or ``roster``.

    ``members_known`` False (the Team tab could not be read): nobody the service granted is
    removed, since a member we cannot see is not a member who left.
    """
    plan = SharingPlan()
    kept = _remove_harmful(plan, scope, perms, program, service, link)
    by_email = {p.email: p for p in kept if p.type in ("user", "group") and p.email}
    for email, reason in sorted(wanted.people.items()):
        perm = by_email.get(email)
        if perm is None:
            plan.create.append(Grant(team_id=scope, email=email, reason=reason))
        elif not perm.at_least("writer"):
            plan.findings.append(_hand_role(scope, perm, reason))
    for email in sorted(granted - set(wanted.people)):
        perm = by_email.get(email)
        departed = email in wanted.departed or members_known
        if perm is not None and _direct(perm, service) and departed:
            plan.remove.append(
                Grant(
                    team_id=scope,
                    email=email,
                    role=perm.role,
                    reason="left",
                    permission_id=perm.id,
                )
            )
    removed = {g.email for g in plan.remove}
    still = {e for e in granted if e in by_email and e not in removed}
    # a wanted person who already holds a direct grant: the service keeps it in step from now on
    adopted = {e for e, p in by_email.items() if e in wanted.people and _direct(p, service)}
    plan.granted = still | adopted | {g.email for g in plan.create}
    plan.findings += _hand_added(scope, kept, granted, wanted, service)
    return plan


def _direct(perm: Permission, service: str) -> bool:
    """A grant on the file itself, neither the owner's nor the service's: the service may
    remove it."""
    return perm.role != "owner" and not perm.inherited and perm.email != service.lower()


def remove_harmful(
    scope: str, perms: Sequence[Permission], program: Program, service: str, link: str | None
) -> SharingPlan:
    """Only the removals that may never wait (a file whose people another job keeps)."""
    plan = SharingPlan()
    _remove_harmful(plan, scope, perms, program, service, link)
    return plan


def _remove_harmful(
    plan: SharingPlan,
    scope: str,
    perms: Sequence[Permission],
    program: Program,
    service: str,
    link: str | None,
) -> list[Permission]:
    """Links and outsiders go, whoever added them (reported); the rest is returned."""
    kept: list[Permission] = []
    for perm in perms:
        why = harmful(perm, program) if _direct(perm, service) else None
        if why is None:
            kept.append(perm)
            continue
        who = grantee(perm)
        grant = Grant(team_id=scope, email=who, role=perm.role, reason=why, permission_id=perm.id)
        plan.remove.append(grant)
        plan.findings.append(
            Finding(
                team=scope,
                rule="sharing.outside_domain_removed"
                if perm.type in ("user", "group")
                else "sharing.public_removed",
                severity="warning",
                found=f"{who} had {perm.role} access, added by hand ({why})",
                expected="removed: program files are shared only with the roster's people, "
                f"at the Allowed Domains ({_domains(program)})",
                link=link,
            )
        )
    return kept


def _hand_role(scope: str, perm: Permission, reason: str) -> Finding:
    return Finding(
        team=scope,
        rule="sharing.role_by_hand",
        severity="info",
        tab=None,
        found=f"{perm.email} ({reason}) has {perm.role} access, set by hand",
        expected="writer; left as it is (the service does not change access it did not grant)",
    )


def _hand_added(
    scope: str, perms: Sequence[Permission], granted: set[str], wanted: Wanted, service: str
) -> list[Finding]:
    """People at an Allowed Domain someone added by hand: reported, never touched."""
    whom = "in Staff Emails" if scope == ROSTER else "on the roster or the Team tab"
    return [
        Finding(
            team=scope,
            rule="sharing.added_by_hand",
            severity="info",
            found=f"{perm.email} has {perm.role} access, added by hand",
            expected=f"left as it is; not {whom}",
        )
        for perm in perms
        if _direct(perm, service) and perm.email not in granted and perm.email not in wanted.people
    ]
