"""A team's open items for the person who can act on them, most urgent first, each with what,
where (its cell's link) and by when.

Who acts on a finding: the owner of the commitment it comes from (``commitments.yaml``):
the principal's (check-ins, the goal set with the TL, the principal training) go to the
principal; everything else in the workbook — the TL's, the team's, and whatever could not be
read in it — to the TL. Staff's own commitments are theirs, never a team's item. Notes
(``info``) are left to the roll-up.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from tst_sheets.commitments import CommitmentSet
from tst_sheets.model import SEVERITY_ORDER, Finding, Program, TeamStatus
from tst_sheets.nudges.models import Item

PRINCIPAL = "principal"


def owner_of(finding: Finding, status: TeamStatus, commitments: CommitmentSet) -> str:
    """ "principal", "TST" (staff) or "TL" (the TL and the team, and readback findings)."""
    known = next((c.owner for c in status.commitments if c.id == finding.rule), None)
    owner = known or (c.owner if (c := commitments.find(finding.rule)) else "TL")
    if owner == PRINCIPAL:
        return PRINCIPAL
    return "TST" if owner in commitments.staff_owners else "TL"


def open_items(
    status: TeamStatus,
    owner: str,
    commitments: CommitmentSet,
    program: Program,
    as_of: date,
) -> list[Item]:
    """The findings ``owner`` ("TL" or "principal") acts on, most urgent first."""
    mine = [
        f
        for f in status.findings
        if f.severity != "info" and owner_of(f, status, commitments) == owner
    ]
    items = [item_of(f, commitments, program, as_of) for f in mine]
    return sorted(items, key=urgency)


def item_of(finding: Finding, commitments: CommitmentSet, program: Program, as_of: date) -> Item:
    said = finding.found or f"missing {finding.expected}"
    what = f"{commitments.words(finding.rule)}: {said}"
    when, due = by_when(finding, commitments, program, as_of)
    return Item(
        team_id=finding.team,
        what=what,
        expected=finding.expected,
        where=finding.where,
        link=finding.link,
        by_when=when,
        due=due,
        severity=finding.severity,
    )


def urgency(item: Item) -> tuple[int, date, str, str]:
    return (SEVERITY_ORDER[item.severity], item.due or date.max, item.team_id, item.where)


def by_when(
    finding: Finding, commitments: CommitmentSet, program: Program, as_of: date
) -> tuple[str, date | None]:
    """When it must be done: now for what is overdue or broken; the end of the month for a
    monthly count; the deadline for data; otherwise before next week's email."""
    if finding.severity == "error":
        return "now: until it is fixed nothing here can be checked", as_of
    if finding.severity == "overdue":
        return "now: it is overdue", as_of
    found = commitments.find(finding.rule)
    kind = found.rule.kind if found else ""
    if finding.severity == "due_soon" and kind == "monthly_count":
        end = as_of.replace(day=calendar.monthrange(as_of.year, as_of.month)[1])
        return f"by {day_text(end)}", end
    if finding.severity == "due_soon" and kind == "data_collection":
        due = next_deadline(program, as_of)
        if due is not None:
            return f"by {day_text(due)}", due
    sunday = as_of + timedelta(days=6 - as_of.weekday())
    return f"this week (by {day_text(sunday)})", sunday


def next_deadline(program: Program, as_of: date) -> date | None:
    days = [d for d in (program.mid_year_data_due, program.end_of_year_data_due) if d]
    return min((d for d in days if d >= as_of), default=None)


def day_text(day: date) -> str:
    """ "Mon, Nov 30"."""
    return f"{day:%a}, {day:%b} {day.day}"
