"""Each permission's verdict (pure): explained by the roster, with the reason, or not, with
why; and whether the service may remove it.

What the roster explains, file by file: the roster — Staff Emails (writer); the roll-up —
active coaches (reader) and staff (writer); a team workbook — its TL, principal, coach, the
members its TL listed on the Team tab, and staff (writer); the shared drive — staff, and a
manager who is nobody in the program; the program calendar — staff (writer). The service
(its own identity, and the staff user it shares and keeps the calendar as) is always
explained, and so is a drive member's inherited access to a file (the drive itself is judged).
Links for anyone or a domain, and people outside the Allowed Domains, are never explained.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel

from tst_sheets.access.models import Access, Grantee, ProgramFile
from tst_sheets.model import Program, Team, TeamRecord
from tst_sheets.model.files import ROLE_RANK
from tst_sheets.provision.sharing import is_tl_row, rollup_people, wanted_people

# Calendar ACL roles on Drive's scale: "none" grants nothing, free/busy is less than reading.
CALENDAR_RANK = {"none": -1, "freeBusyReader": 0, "reader": 0, "writer": 2, "owner": 5}


class Expected(BaseModel):
    """The strongest role the roster explains for a person on a file, and why."""

    role: str
    reason: str


@dataclass
class Context:
    """What the roster says, and the Team tabs as read: the ground every verdict stands on."""

    program: Program
    service: Mapping[str, str]  # the service's identities (lower-cased) → what each is
    records: Mapping[str, TeamRecord | None]  # team id → its Team tab (None: not read)
    today: date
    roles: dict[str, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.roles = who_is_who(self.program, self.records, self.today)

    def team(self, team_id: str) -> Team | None:
        key = team_id.lower()
        return next((t for t in self.program.teams if t.team_id.lower() == key), None)


def who_is_who(
    program: Program, records: Mapping[str, TeamRecord | None], today: date
) -> dict[str, list[str]]:
    """email → what the program says they are ("TL of T03", "staff", "replaced TL of T05 …")."""
    out: dict[str, list[str]] = {}

    def add(email: str, what: str) -> None:
        if email and what not in out.setdefault(email.lower(), []):
            out[email.lower()].append(what)

    for email in program.staff_emails:
        add(email, "staff")
    for team in program.teams:
        state = "" if team.status == "Active" else f" ({team.status.lower()})"
        add(team.tl_email, f"TL of {team.team_id}{state}")
        add(team.principal_email, f"principal of {team.team_id}{state}")
        add(team.coach_email, f"coach of {team.team_id}{state}")
        record = records.get(team.team_id)
        for member in record.members if record else []:
            email = (member.email or "").lower()
            if is_tl_row(member):
                if email and email != team.tl_email.lower():
                    add(email, f"replaced TL of {team.team_id} (its Team tab still says so)")
            elif member.left is not None and member.left <= today:
                add(email, f"left {team.team_id} on {member.left.isoformat()}")
            else:
                add(email, f"member of {team.team_id}")
    for coach in program.coaches:
        if coach.email.lower() not in out:
            add(coach.email, "coach" if coach.active else "coach (inactive)")
    return out


def expected(pf: ProgramFile, ctx: Context) -> dict[str, Expected]:
    """Everyone the roster explains on this file, with their role and why."""
    staff = {e.lower() for e in ctx.program.staff_emails if ctx.program.email_allowed(e)}
    if pf.kind == "rollup":
        return {
            email: Expected(role=role, reason="staff" if role == "writer" else "coach")
            for email, role in rollup_people(ctx.program).items()
        }
    if pf.kind == "team":
        return _workbook(pf, ctx)
    role = "organizer" if pf.kind == "drive" else "writer"
    return {email: Expected(role=role, reason="staff") for email in staff}


def _workbook(pf: ProgramFile, ctx: Context) -> dict[str, Expected]:
    team = ctx.team(pf.team_id)
    if team is None:  # a workbook of a team the roster no longer lists: staff only
        staff = [e.lower() for e in ctx.program.staff_emails if ctx.program.email_allowed(e)]
        return {email: Expected(role="writer", reason="staff") for email in staff}
    if team.status == "Paused":  # provision leaves a paused team's sharing as it is
        team = team.model_copy(update={"status": "Active"})
    wanted = wanted_people(ctx.program, team, ctx.records.get(team.team_id), ctx.today)
    words = {
        "TL": f"TL of {team.team_id}",
        "principal": f"principal of {team.team_id}",
        "coach": f"coach of {team.team_id}",
        "member": f"member of {team.team_id} (its Team tab)",
        "staff": "staff",
    }
    out = {e: Expected(role="writer", reason=words[r]) for e, r in wanted.people.items()}
    if not pf.members_known:  # whom the service granted stays explained until it can look
        for email in pf.granted - set(out):
            out[email] = Expected(role="writer", reason="granted by the service (Team tab unread)")
    return out


def judge_all(pf: ProgramFile, grantees: list[Grantee], ctx: Context) -> list[Access]:
    """Every permission on one file, judged."""
    wanted = expected(pf, ctx)
    return [judge(pf, g, ctx, wanted) for g in grantees]


def judge(pf: ProgramFile, g: Grantee, ctx: Context, wanted: Mapping[str, Expected]) -> Access:
    explained, reason = _verdict(pf, g, ctx, wanted)
    removable, kept = (False, "") if explained else _removable(pf, g, ctx)
    return Access(
        file=pf.label,
        kind=pf.kind,
        file_id=pf.id,
        url=pf.url,
        team_id=pf.team_id,
        who=g.who,
        type=g.type,
        role=g.role,
        explained=explained,
        reason=reason,
        removable=removable,
        kept_because=kept,
        permission_id=g.id,
    )


def rank(pf: ProgramFile, role: str) -> int:
    table = CALENDAR_RANK if pf.kind == "calendar" else ROLE_RANK
    return table.get(role, 99)


def _verdict(
    pf: ProgramFile, g: Grantee, ctx: Context, wanted: Mapping[str, Expected]
) -> tuple[bool, str]:
    if g.inherited and pf.kind != "drive":
        return True, "shared drive member (judged on the drive)"
    if g.email and g.email in ctx.service:
        return True, ctx.service[g.email]
    if pf.kind == "calendar" and g.role == "none":
        return True, "no access"
    if g.type in ("anyone", "domain"):
        return False, _link(pf, g)
    roles = ctx.roles.get(g.email, [])
    program = ctx.program
    if program.allowed_domains and not program.email_allowed(g.email):
        return False, _with("outside the Allowed Domains", roles)
    want = wanted.get(g.email)
    if want is not None and rank(pf, g.role) <= rank(pf, want.role):
        return True, want.reason
    if want is not None:
        return False, f"{g.role} access, more than the roster explains ({want.role}: {want.reason})"
    if pf.kind == "drive" and g.role == "organizer" and not roles:
        return True, "drive manager (nobody in the program)"
    return False, _unexplained(pf, g.email, roles)


def _link(pf: ProgramFile, g: Grantee) -> str:
    if pf.kind == "calendar":
        scope = "public" if g.type == "anyone" else f"everyone at {g.domain}"
        return f"{scope} can see the calendar ({g.role})"
    if g.type == "anyone":
        return "anyone with the link"
    return f"a link for everyone at {g.domain}"


def _with(why: str, roles: list[str]) -> str:
    return f"{why} ({', '.join(roles)})" if roles else why


def _unexplained(pf: ProgramFile, email: str, roles: list[str]) -> str:
    nobody = "not in Staff Emails" if pf.kind == "roster" else "not on the roster"
    who = ", ".join(roles) if roles else nobody
    if pf.kind == "drive":
        return f"drive member who is {who}: a member sees every program file"
    if email in pf.granted:
        return f"{who}; the service granted it, the next provision removes it"
    return f"{who}; the roster gives them no access to {pf.label}"


def _removable(pf: ProgramFile, g: Grantee, ctx: Context) -> tuple[bool, str]:
    """What the service may remove; else why it stays."""
    if pf.kind == "drive":
        return False, "drive membership: only a drive manager changes it (Manage members)"
    if g.inherited:
        return False, "inherited from the shared drive: change it on the drive"
    if g.role == "owner" and pf.kind != "calendar":
        return False, "the file's owner"
    harmful = g.type in ("anyone", "domain") or (
        bool(ctx.program.allowed_domains) and not ctx.program.email_allowed(g.email)
    )
    if pf.kind == "team" and not pf.members_known and not harmful:
        return False, "the Team tab could not be read: they may be listed there"
    return True, ""
