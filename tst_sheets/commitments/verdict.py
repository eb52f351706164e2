"""A team's overall status and its reason, from its commitments and findings (pure).

Behind: a commitment the team keeps is behind. At risk: one is at risk, or the workbook has an
error (a tab or column gone, a formula error in a cell). On track: everything else. Staff-owned
commitments (``staff_owners``) never count, and neither does "not recorded". The reason is
the most urgent open finding behind the status, in plain words, linked to its cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from tst_sheets.commitments.rules import CommitmentSet
from tst_sheets.model import COMMITMENT_WORDS, CommitmentStatus, Finding, Why, cell_link
from tst_sheets.model.status import Overall


def team_owned(
    statuses: Sequence[CommitmentStatus], commitments: CommitmentSet
) -> list[CommitmentStatus]:
    return [s for s in statuses if not commitments.is_staff(s.id)]


def decide(
    statuses: Sequence[CommitmentStatus], findings: Sequence[Finding], commitments: CommitmentSet
) -> Overall:
    states = {s.status for s in team_owned(statuses, commitments)}
    if "behind" in states:
        return "Behind"
    if "at_risk" in states or any(f.severity == "error" for f in findings):
        return "At risk"
    return "On track"


def reason(
    overall: Overall,
    statuses: Sequence[CommitmentStatus],
    findings: Sequence[Finding],
    commitments: CommitmentSet,
    spreadsheet_id: str,
    as_of: date,
) -> Why:
    """The finding that makes the status what it is (the most urgent first), in plain words."""
    mine = team_owned(statuses, commitments)
    if overall == "Behind":
        behind = [s for s in mine if s.status == "behind"]
        return _from(_first(f for s in behind for f in s.findings), behind, commitments)
    if overall == "At risk":
        risky = [s for s in mine if s.status == "at_risk"]
        errors = [f for f in findings if f.severity == "error"]
        return _from(_first([*errors, *(f for s in risky for f in s.findings)]), risky, commitments)
    open_ = [f for f in findings if f.severity in ("due_soon", "warning")]
    if open_:
        first = _first(open_)
        assert first is not None
        return Why(text=f"Next: {plain_words(first, commitments)}", link=first.link)
    text = f"Every commitment kept as of {as_of:%b %d, %Y}"
    if any(s.status == "not_recorded" for s in mine):
        text += " (some attendance is not recorded by TST staff yet)"
    return Why(text=text, link=cell_link(spreadsheet_id) if spreadsheet_id else None)


def _first(findings: Iterable[Finding]) -> Finding | None:
    return min(findings, key=lambda f: f.sort_key(), default=None)


def _from(
    first: Finding | None, behind: Sequence[CommitmentStatus], commitments: CommitmentSet
) -> Why:
    """The finding's words, and how many other commitments share the status."""
    if first is None:  # a state without a finding: its summary says why
        if not behind:
            return Why(text="")
        return Why(text=f"{behind[0].label}: {behind[0].summary}")
    text = plain_words(first, commitments)
    others = [s for s in behind if s.id != first.rule]
    if others:
        state = "commitment" if len(others) == 1 else "commitments"
        text += f" (and {len(others)} more {state} {COMMITMENT_WORDS[others[0].status].lower()})"
    return Why(text=text, link=first.link)


def plain_words(finding: Finding, commitments: CommitmentSet) -> str:
    """One finding as a coach would say it."""
    where = finding.where or "the workbook"
    if finding.rule == "formula_error":
        return f"{where} shows {finding.found}: a broken formula, its value is lost"
    if finding.rule == "required":
        return f"{where} is empty ({finding.expected})"
    if finding.rule == "tab_missing":
        return f"{finding.found[:1].upper()}{finding.found[1:]}: restore it or rename it back"
    if commitments.find(finding.rule) is None:  # readback's: a cell the service cannot use
        text = f"{where}: {finding.found or 'empty'}"
        return text if finding.severity == "error" else f"{text} (expected {finding.expected})"
    what = finding.found or f"missing {finding.expected}"
    return f"{commitments.words(finding.rule)}: {what}"
