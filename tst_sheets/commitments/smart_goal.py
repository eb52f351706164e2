"""The SMART goal: baseline, target and date, from the columns or the goal's own words; both
said must agree, and the target must move the way the goal says."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from tst_sheets.commitments.base import RuleBase, due_severity, missing_tab, state_from, status
from tst_sheets.commitments.context import Context
from tst_sheets.model import CommitmentStatus, Finding, Severity

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment

import re
from datetime import date, timedelta
from typing import Any

from tst_sheets.model import Goal
from tst_sheets.model.status import Figure, TeamMetrics
from tst_sheets.reading.goals import Direction, parse_smart_goal

GoalPart = Literal["baseline", "target", "target_date"]
GOAL_PARTS: tuple[GoalPart, ...] = ("baseline", "target", "target_date")


class SmartGoalRule(RuleBase):
    kind: Literal["smart_goal"]
    due_after_start_days: int = 45
    incomplete_severity: Severity = "warning"
    require: list[GoalPart] = Field(default_factory=lambda: list(GOAL_PARTS))
    default_direction: Direction = "up"
    tolerance: float = 0.5

    def check(self, c: Commitment, ctx: Context) -> CommitmentStatus:
        return check_smart_goal(c, self, ctx)

    def fill_metrics(self, metrics: TeamMetrics, figures: dict[str, Figure]) -> None:
        if "smart" in figures:
            metrics.smart_goal = bool(figures["smart"])


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


_GOAL_PART_WORDS = {"baseline": "a baseline", "target": "a target", "target_date": "a target date"}


def _check_goal(c: Commitment, rule: SmartGoalRule, goal: Goal, ctx: Context) -> list[Finding]:
    """Each part from its column or the goal's words; both given must agree; the target moves."""
    words = parse_smart_goal(goal.goal, ctx.school_year)
    findings: list[Finding] = []
    parts: dict[str, Any] = {}
    for part in ("baseline", "target", "target_date"):
        column, said = getattr(goal, part), getattr(words, part)
        parts[part] = column if column is not None else said
        cell = goal.cell(part) or goal.cell("goal")
        ctx.judge("goals", goal.cell(part))
        if column is not None and said is not None and not _agree(column, said, rule.tolerance):
            findings.append(
                ctx.finding(
                    c,
                    rule.incomplete_severity,
                    "goals",
                    cell,
                    f"column says {_show(column)}, goal says {_show(said)}",
                    f"the {part.replace('_', ' ')} column and the goal agree",
                )
            )
        if part in rule.require and parts[part] is None:
            findings.append(
                ctx.finding(
                    c,
                    rule.incomplete_severity,
                    "goals",
                    cell,
                    f"SMART goal without {_GOAL_PART_WORDS[part][2:]}",
                    f'{_GOAL_PART_WORDS[part]}, e.g. "Because no more than '
                    'X% …, at least Y% will … by DATE"',
                )
            )
    direction = words.direction or _direction_words(goal.goal) or rule.default_direction
    findings.extend(_check_direction(c, rule, goal, ctx, parts, direction))
    return findings


def _agree(column: Any, said: Any, tolerance: float) -> bool:
    if isinstance(column, float) and isinstance(said, float):
        return abs(column - said) <= tolerance
    return bool(column == said)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}%"
    return f"{value:%b %d, %Y}" if isinstance(value, date) else str(value)


def _direction_words(text: str) -> Direction | None:
    lowered = text.lower()
    if re.search(r"\b(reduce|decrease|lower|fewer|drop|cut)\b", lowered):
        return "down"
    if re.search(r"\b(increase|improve|raise|grow|more)\b", lowered):
        return "up"
    return None


def _check_direction(
    c: Commitment,
    rule: SmartGoalRule,
    goal: Goal,
    ctx: Context,
    parts: dict[str, Any],
    direction: Direction,
) -> list[Finding]:
    baseline, target = parts["baseline"], parts["target"]
    if baseline is None or target is None:
        return []
    if (target > baseline) if direction == "up" else (target < baseline):
        return []
    way = "rise above" if direction == "up" else "fall below"
    return [
        ctx.finding(
            c,
            rule.incomplete_severity,
            "goals",
            goal.cell("target") or goal.cell("goal"),
            f"target {_show(target)}, baseline {_show(baseline)}",
            f"a target that will {way} the baseline",
        )
    ]
