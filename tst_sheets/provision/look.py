"""What provision last saw on a workbook's Team tab, kept on the workbook itself (pure).

Provision reads the Team tab for one thing: who the members are, so their access follows the
tab. That only changes when someone edits the workbook, or when a member's Left date comes.
So after a read the job records, in the workbook's appProperties:

- ``tstLook``: ``<modifiedTime>|<until>|<domains>``: the workbook's modifiedTime the members
  hold for (as listed before the read, or as Drive answers right after the service's own
  write), the first Left date still to come ("": none), when the tab must be read again, and
  a digest of the Allowed Domains then (when they change, who may be shared changes);
- ``tstMembers0..k``: the members' emails, grouped by domain as the grant record is.

The next run lists every workbook (it does anyway) and reads a Team tab only when that
workbook's modifiedTime is not the recorded one, or the date has come. What a read finds
wrong on the tab (a Role not in the list, a date that is not one) is reported by the run
that read it, not again every week while nobody touches the tab; so is a member outside the
Allowed Domains (not shared, reported at their cell, and left out of the record). One case is
read every run, as before: members unknown (no Email column: nobody's access is removed, and
that is reported).
Drive does not move a file's modifiedTime for appProperties or sharing changes (the
emulator models this), so the record does not outdate itself.

A stale or missing record costs one read; it is never trusted beyond what it says.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel, Field

from tst_sheets.model import Member, Program, TabRead, TeamRecord
from tst_sheets.provision.grants import decode_emails, encode_emails
from tst_sheets.provision.sharing import is_tl_row

LOOK_KEY = "tstLook"
MEMBERS_PREFIX = "tstMembers"
MAX_MEMBER_PROPERTIES = 8  # Drive allows 30 appProperties per file; labels and grants come first


class Look(BaseModel):
    """The members a Team tab listed, and for how long that holds."""

    modified_time: str = ""
    until: date | None = None  # the first Left date to come: read again from then
    members: set[str] = Field(default_factory=set)
    domains: str = ""  # ``domains_key`` of the program when the tab was read

    def holds(self, modified_time: str, today: date, program: Program) -> bool:
        """Whether it still says what a read would: the workbook unchanged since, no Left
        date come, the same Allowed Domains."""
        fresh = bool(self.modified_time) and self.modified_time == modified_time
        due = self.until is not None and today >= self.until
        return fresh and not due and self.domains == domains_key(program)


def domains_key(program: Program) -> str:
    """A short digest of the Allowed Domains: who a member list may be shared with."""
    domains = sorted({d.lower().lstrip("@") for d in program.allowed_domains})
    return hashlib.sha256("|".join(domains).encode()).hexdigest()[:8]


def nobody(program: Program) -> Look:
    """A new workbook's Team tab: no members yet."""
    return Look(domains=domains_key(program))


def look_of(record: TeamRecord | None, program: Program, today: date) -> Look | None:
    """The record a read leaves (no modifiedTime yet); None when the tab must be read every
    run: members unknown (no Team tab with an Email column). Members outside the Allowed
    Domains are left out: the read that found them reported them at their cells."""
    team_tab = record.tabs.get("team") if record else None
    if record is None or team_tab is None or "email" not in team_tab.columns:
        return None
    current = [m for m in record.members if m.email and not is_tl_row(m)]
    current = [m for m in current if m.left is None or m.left > today]
    emails = {str(m.email).lower() for m in current}
    allowed = {e for e in emails if program.email_allowed(e)}
    coming = [m.left for m in current if m.left is not None]
    return Look(
        until=min(coming) if coming else None, members=allowed, domains=domains_key(program)
    )


def look_props(look: Look) -> dict[str, str] | None:
    """The appProperties saying ``look``; None when the members would take too many."""
    members = encode_emails(look.members, MEMBERS_PREFIX)
    if len(members) > MAX_MEMBER_PROPERTIES:
        return None
    until = look.until.isoformat() if look.until else ""
    return {LOOK_KEY: f"{look.modified_time}|{until}|{look.domains}", **members}


def look_changes(props: Mapping[str, str], look: Look | None) -> dict[str, str | None]:
    """What to write so ``props`` say ``look`` (None: forget any record); {} when they do."""
    new = look_props(look) if look is not None else None
    new = new or {}
    old = {k: v for k, v in props.items() if k == LOOK_KEY or _member_key(k)}
    changed: dict[str, str | None] = {k: v for k, v in new.items() if old.get(k) != v}
    return {**changed, **{k: None for k in old if k not in new}}


def recorded_look(props: Mapping[str, str]) -> Look | None:
    """The record in ``props``, if any."""
    text = props.get(LOOK_KEY)
    if not text or "|" not in text:
        return None
    modified, _, rest = text.partition("|")
    until, _, domains = rest.partition("|")
    try:
        day = date.fromisoformat(until) if until else None
    except ValueError:
        return None
    members = decode_emails(props, MEMBERS_PREFIX)
    return Look(modified_time=modified, until=day, members=members, domains=domains)


def members_record(look: Look, team_id: str, spreadsheet_id: str, title: str) -> TeamRecord:
    """A Team tab that lists ``look``'s members, standing in for the read it saves."""
    members = [Member(row=0, email=email, role="Member") for email in sorted(look.members)]
    tab = TabRead(key="team", title=title, columns={"email": "B"})
    return TeamRecord(
        team_id=team_id, spreadsheet_id=spreadsheet_id, tabs={"team": tab}, members=members
    )


def _member_key(key: str) -> bool:
    return key.startswith(MEMBERS_PREFIX) and key[len(MEMBERS_PREFIX) :].isdigit()
