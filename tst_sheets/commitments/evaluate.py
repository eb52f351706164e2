"""A team's status as of a date: every commitment checked, findings merged, the overall state,
its reason, and the goal's progress."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from tst_sheets.commitments.context import Context, team_start
from tst_sheets.commitments.data_collection import DataCollectionRule
from tst_sheets.commitments.goal_progress import goal_progress
from tst_sheets.commitments.rules import CommitmentSet
from tst_sheets.commitments.smart_goal import SmartGoalRule
from tst_sheets.commitments.team_size import TeamSizeRule, formed_on
from tst_sheets.commitments.verdict import decide, reason
from tst_sheets.model import (
    SEVERITY_ORDER,
    CommitmentStatus,
    Finding,
    Program,
    Team,
    TeamMetrics,
    TeamRecord,
    TeamStatus,
    Why,
    cell_link,
)


def context_for(
    record: TeamRecord, team: Team, program: Program, as_of: date, commitments: CommitmentSet
) -> Context:
    """The team on the date, with when it started and when its Impact Team was formed."""
    size = next((c.rule for c in commitments.commitments if isinstance(c.rule, TeamSizeRule)), None)
    return Context(
        record,
        team,
        program,
        as_of,
        program.school_year,
        team_start(record, program),
        formed=formed_on(size, record, team, program.school_year) if size else None,
        school_days=commitments.weekdays(),
    )


def evaluate(
    record: TeamRecord, team: Team, program: Program, as_of: date, commitments: CommitmentSet
) -> TeamStatus:
    """Every commitment for one team as of a date (those of its program year): statuses,
    figures and every finding."""
    commitments = commitments.for_year(team.program_year)
    ctx = context_for(record, team, program, as_of, commitments)
    statuses = [c.rule.check(c, ctx) for c in commitments.commitments]
    parsed = [
        f for f in record.findings if f.rule != "required" or (f.tab, f.cell) not in ctx.judged
    ]
    staff = [s for s in statuses if commitments.is_staff(s.id)]
    checked = [f for s in statuses if s not in staff for f in s.findings]
    findings = merge_findings(parsed, checked)
    overall = decide(statuses, findings, commitments)
    return TeamStatus(
        team_id=team.team_id,
        school=team.school,
        tl_name=team.tl_name,
        coach_email=team.coach_email,
        spreadsheet_id=record.spreadsheet_id,
        as_of=as_of,
        overall=overall,
        why=reason(overall, statuses, findings, commitments, record.spreadsheet_id, as_of),
        commitments=statuses,
        goal=goal_progress(
            ctx, _rule(commitments, SmartGoalRule), _rule(commitments, DataCollectionRule)
        ),
        findings=findings,
        staff_findings=sorted((f for s in staff for f in s.findings), key=Finding.sort_key),
        metrics=_metrics(statuses, commitments, record, findings, as_of),
    )


R = TypeVar("R")


def _rule(commitments: CommitmentSet, kind: type[R]) -> R | None:
    return next((c.rule for c in commitments.commitments if isinstance(c.rule, kind)), None)


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
    link = cell_link(spreadsheet_id) if spreadsheet_id else team.sheet_url or None
    finding = Finding(
        team=team.team_id,
        rule="workbook_readable",
        severity="error",
        found=reason,
        expected="a team workbook the service can read",
        link=link,
    )
    return TeamStatus(
        team_id=team.team_id,
        school=team.school,
        tl_name=team.tl_name,
        coach_email=team.coach_email,
        spreadsheet_id=spreadsheet_id,
        as_of=as_of,
        overall="Unreadable",
        why=Why(text=f"The workbook cannot be read: {reason}", link=link),
        findings=[finding],
        metrics=TeamMetrics(open_findings=1),
    )
