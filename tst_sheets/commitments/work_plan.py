"""Seed 003's work plan: every step has a completion date, an expected outcome, an evaluative
measure and a responsible person; steps past their date are Done or re-dated."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from tst_sheets.commitments.base import RuleBase, due_severity, missing_tab, state_from, status
from tst_sheets.commitments.context import Context
from tst_sheets.model import CommitmentStatus, Finding, Severity

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment

from datetime import timedelta

from tst_sheets.commitments.base import int_figure
from tst_sheets.model import WorkPlanStep
from tst_sheets.model.status import Figure, TeamMetrics
from tst_sheets.model.text import normalize

StepField = Literal["timeline", "expected_outcome", "measure", "person_responsible"]


class WorkPlanRule(RuleBase):
    kind: Literal["work_plan"]
    due_after_start_days: int = 45
    min_steps: int = 1
    missing_severity: Severity = "warning"
    required: dict[StepField, str]
    year_required: bool = False
    done_statuses: list[str] = Field(default_factory=lambda: ["done", "complete", "completed"])

    def check(self, c: Commitment, ctx: Context) -> CommitmentStatus:
        return check_work_plan(c, self, ctx)

    def fill_metrics(self, metrics: TeamMetrics, figures: dict[str, Figure]) -> None:
        metrics.work_plan_steps = int_figure(figures.get("steps"))
        metrics.work_plan_complete_steps = int_figure(figures.get("complete_steps"))


def check_work_plan(c: Commitment, rule: WorkPlanRule, ctx: Context) -> CommitmentStatus:
    if not ctx.record.has_tab("work_plan"):
        return missing_tab(c, "Work Plan")
    steps = [s for s in ctx.record.work_plan if s.action_step]
    findings: list[Finding] = []
    complete = overdue = 0
    for step in steps:
        gaps = _step_gaps(c, rule, step, ctx)
        late = _step_overdue(c, rule, step, ctx)
        findings += gaps + late
        complete += not gaps
        overdue += bool(late)
    if len(steps) < rule.min_steps:
        due = ctx.start + timedelta(rule.due_after_start_days)
        findings.append(
            ctx.finding(
                c,
                due_severity(c, ctx, due),
                "work_plan",
                ctx.tab_cell("work_plan", "action_step"),
                f"{len(steps)} action steps",
                f"at least {rule.min_steps} by {due:%b %d, %Y}",
            )
        )
    summary = f"work plan {complete} of {len(steps)} steps complete, {overdue} overdue"
    return status(
        c,
        state_from(findings, c),
        summary,
        findings,
        steps=len(steps),
        complete_steps=complete,
        overdue_steps=overdue,
    )


def _step_gaps(
    c: Commitment, rule: WorkPlanRule, step: WorkPlanStep, ctx: Context
) -> list[Finding]:
    """Seed 003's four rules: date (month and year), outcome, measure, responsible person."""
    findings = []
    for field, wanted in rule.required.items():
        found = _step_field_gap(rule, step, field)
        if found is not None:
            cell = step.cell(field) or step.cell("action_step")
            findings.append(
                ctx.finding(
                    c,
                    rule.missing_severity,
                    "work_plan",
                    cell,
                    found,
                    f"{wanted} for “{step.action_step[:60]}”",
                )
            )
    return findings


def _step_field_gap(rule: WorkPlanRule, step: WorkPlanStep, field: StepField) -> str | None:
    """What is wrong with one required field of a step ("" when empty), None when fine."""
    if field == "timeline":
        if step.timeline is None:
            return step.timeline_text
        if rule.year_required and step.timeline.year_inferred:
            return f"{step.timeline_text} (no year)"
        return None
    if field == "person_responsible":
        return None if step.person_responsible else ""
    return None if getattr(step, field) else ""


def _step_overdue(
    c: Commitment, rule: WorkPlanRule, step: WorkPlanStep, ctx: Context
) -> list[Finding]:
    due = step.timeline.due if step.timeline else None
    if (
        due is None
        or due >= ctx.as_of
        or normalize(step.status) in {normalize(s) for s in rule.done_statuses}
    ):
        return []
    cell = step.cell("status") or step.cell("timeline")
    return [
        ctx.finding(
            c,
            c.severity,
            "work_plan",
            cell,
            f"“{step.status or 'no status'}”, due {due:%b %d, %Y}",
            "Done, or a new timeline",
        )
    ]
