"""The SMART goal: baseline, target and date, from the columns or the goal's own words; both
said must agree, and the target must move the way the goal says. A finding sits on the cell
that holds the value in question: the column's cell, or the goal's sentence when only the
sentence states it (an empty Target cell is named only when nothing states a target)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from tst_sheets.commitments.base import RuleBase, due_severity, missing_tab, state_from, status
from tst_sheets.commitments.context import Context
from tst_sheets.model import CommitmentStatus, Finding, Goal, Severity
from tst_sheets.model.progress import Direction
from tst_sheets.model.status import Figure, TeamMetrics
from tst_sheets.reading.goals import parse_smart_goal

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment

GoalPart = Literal["baseline", "target", "target_date"]
GOAL_PARTS: tuple[GoalPart, ...] = ("baseline", "target", "target_date")
_GOAL_PART_WORDS = {"baseline": "a baseline", "target": "a target", "target_date": "a target date"}


class SmartGoalRule(RuleBase):
    kind: Literal["smart_goal"]
    due_after_start_days: int = 45
    incomplete_severity: Severity = "warning"
    require: list[GoalPart] = Field(default_factory=lambda: list(GOAL_PARTS))
    default_direction: Direction = "up"
    tolerance: float = 0.5
    pace_margin: float = Field(0.1, ge=0, le=1)

    def check(self, c: Commitment, ctx: Context) -> CommitmentStatus:
        return check_smart_goal(c, self, ctx)

    def fill_metrics(self, metrics: TeamMetrics, figures: dict[str, Figure]) -> None:
        if "smart" in figures:
            metrics.smart_goal = bool(figures["smart"])


@dataclass
class GoalParts:
    """A goal's baseline, target and date, each from its column or else the sentence."""

    goal: Goal
    values: dict[str, Any] = field(default_factory=dict)
    said: dict[str, Any] = field(default_factory=dict)  # what the sentence states
    direction: Direction = "up"

    def value(self, part: GoalPart) -> Any:
        return self.values.get(part)

    def cell(self, part: GoalPart) -> str | None:
        """The cell holding the part's value: its column's, else the goal's sentence."""
        column = getattr(self.goal, part)
        if column is None and self.said.get(part) is not None:
            return self.goal.cell("goal")
        return self.goal.cell(part) or self.goal.cell("goal")


def goal_parts(goal: Goal, rule: SmartGoalRule, ctx: Context) -> GoalParts:
    words = parse_smart_goal(goal.goal, ctx.school_year)
    parts = GoalParts(goal=goal, direction=words.direction or rule.default_direction)
    for part in GOAL_PARTS:
        column, said = getattr(goal, part), getattr(words, part)
        parts.said[part] = said
        parts.values[part] = column if column is not None else said
    return parts


def first_goal(ctx: Context) -> Goal | None:
    return next((g for g in ctx.record.goals if g.goal or g.target is not None), None)


def check_smart_goal(c: Commitment, rule: SmartGoalRule, ctx: Context) -> CommitmentStatus:
    if not ctx.record.has_tab("goals"):
        return missing_tab(c, "Goals")
    goals = [g for g in ctx.record.goals if g.goal or g.target is not None]
    if not goals:
        due = ctx.start + timedelta(rule.due_after_start_days)
        findings = [
            ctx.finding(
                c,
                due_severity(c, ctx, due),
                "goals",
                ctx.tab_cell("goals", "goal"),
                "no goal",
                f"a SMART goal set with the principal by {due:%b %d, %Y}",
            )
        ]
        return status(c, state_from(findings, c), "no goal yet", findings, smart=False)
    per_goal = [_check_goal(c, rule, g, ctx) for g in goals]
    findings = [f for found in per_goal for f in found]
    smart = any(not found for found in per_goal)
    summary = "SMART ✓" if smart else "SMART ✗"
    return status(c, state_from(findings, c), summary, findings, smart=smart, goals=len(goals))


def _check_goal(c: Commitment, rule: SmartGoalRule, goal: Goal, ctx: Context) -> list[Finding]:
    """Each part from its column or the goal's words; both given must agree; the target moves."""
    parts = goal_parts(goal, rule, ctx)
    findings: list[Finding] = []
    for part in GOAL_PARTS:
        column, said = getattr(goal, part), parts.said[part]
        ctx.judge("goals", goal.cell(part))
        name = part.replace("_", " ")
        if column is not None and said is not None and not _agree(column, said, rule.tolerance):
            findings.append(
                ctx.finding(
                    c,
                    rule.incomplete_severity,
                    "goals",
                    goal.cell(part),
                    f"{name.capitalize()} {_show(column)}, but the goal says {_show(said)}",
                    f"the {name} column and the goal agree",
                )
            )
        if part in rule.require and parts.value(part) is None:
            findings.append(
                ctx.finding(
                    c,
                    rule.incomplete_severity,
                    "goals",
                    goal.cell(part) or goal.cell("goal"),
                    f"SMART goal without {_GOAL_PART_WORDS[part][2:]}",
                    f'{_GOAL_PART_WORDS[part]}, e.g. "Because no more than '
                    'X% …, at least Y% will … by DATE"',
                )
            )
    findings.extend(_check_direction(c, rule, parts, ctx))
    return findings


def _agree(column: Any, said: Any, tolerance: float) -> bool:
    if isinstance(column, float) and isinstance(said, float):
        return abs(column - said) <= tolerance
    return bool(column == said)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}%"
    return f"{value:%b %d, %Y}" if isinstance(value, date) else str(value)


def _check_direction(
    c: Commitment, rule: SmartGoalRule, parts: GoalParts, ctx: Context
) -> list[Finding]:
    """A target on the wrong side of the baseline, on the cell that holds the target."""
    baseline, target = parts.value("baseline"), parts.value("target")
    if baseline is None or target is None:
        return []
    if (target > baseline) if parts.direction == "up" else (target < baseline):
        return []
    way = "rise above" if parts.direction == "up" else "fall below"
    return [
        ctx.finding(
            c,
            rule.incomplete_severity,
            "goals",
            parts.cell("target"),
            f"target {_show(target)}, baseline {_show(baseline)}",
            f"a target that will {way} the baseline",
        )
    ]
