"""A team's status as of a date: every commitment checked, findings merged, the overall state."""

from __future__ import annotations

from datetime import date

from tst_sheets.commitments.context import Context, team_start
from tst_sheets.commitments.rules import CommitmentSet
from tst_sheets.model import (
    SEVERITY_ORDER,
    CommitmentStatus,
    Finding,
    Program,
    Team,
    TeamMetrics,
    TeamRecord,
    TeamStatus,
    cell_link,
)
from tst_sheets.model.status import Overall


def evaluate(
    record: TeamRecord, team: Team, program: Program, as_of: date, commitments: CommitmentSet
) -> TeamStatus:
    """Every commitment for one team as of a date: statuses, figures and every finding."""
    ctx = Context(record, team, program, as_of, program.school_year, team_start(record, program))
    statuses = [c.rule.check(c, ctx) for c in commitments.commitments]
    parsed = [
        f for f in record.findings if f.rule != "required" or (f.tab, f.cell) not in ctx.judged
    ]
    findings = merge_findings(parsed, [f for s in statuses for f in s.findings])
    return TeamStatus(
        team_id=team.team_id,
        school=team.school,
        tl_name=team.tl_name,
        coach_email=team.coach_email,
        spreadsheet_id=record.spreadsheet_id,
        as_of=as_of,
        overall=_overall(statuses, findings),
        commitments=statuses,
        findings=findings,
        metrics=_metrics(statuses, commitments, record, findings, as_of),
    )


def merge_findings(parsed: list[Finding], checked: list[Finding]) -> list[Finding]:
    """One finding per cell: a commitment's finding absorbs readback's finding on the same cell."""
    by_cell = {(f.tab, f.cell): f for f in checked if f.cell}
    merged = list(checked)
    for finding in parsed:
        twin = by_cell.get((finding.tab, finding.cell)) if finding.cell else None
        if twin is None:
            merged.append(finding)
            continue
        if SEVERITY_ORDER[finding.severity] < SEVERITY_ORDER[twin.severity]:
            twin.severity = finding.severity
        twin.found = twin.found or finding.found
    return sorted(merged, key=lambda f: f.sort_key())


def _overall(statuses: list[CommitmentStatus], findings: list[Finding]) -> Overall:
    states = {s.status for s in statuses}
    if "behind" in states:
        return "Behind"
    if "at_risk" in states or any(f.severity == "error" for f in findings):
        return "At risk"
    return "On track"


def _metrics(
    statuses: list[CommitmentStatus],
    commitments: CommitmentSet,
    record: TeamRecord,
    findings: list[Finding],
    as_of: date,
) -> TeamMetrics:
    """The roll-up's columns, from the figures of the commitments that produce them."""
    metrics = TeamMetrics(
        last_activity=record.last_activity(as_of),
        open_findings=sum(1 for f in findings if f.severity != "info"),
    )
    for status in statuses:
        if status.figures:
            commitments.get(status.id).rule.fill_metrics(metrics, status.figures)
    return metrics


def unreadable_status(team: Team, as_of: date, reason: str, spreadsheet_id: str = "") -> TeamStatus:
    """A workbook the service could not read: one error finding, and the run goes on."""
    finding = Finding(
        team=team.team_id,
        rule="workbook_readable",
        severity="error",
        found=reason,
        expected="a team workbook the service can read",
        link=cell_link(spreadsheet_id) if spreadsheet_id else team.sheet_url or None,
    )
    return TeamStatus(
        team_id=team.team_id,
        school=team.school,
        tl_name=team.tl_name,
        coach_email=team.coach_email,
        spreadsheet_id=spreadsheet_id,
        as_of=as_of,
        overall="Unreadable",
        findings=[finding],
        metrics=TeamMetrics(open_findings=1),
    )
