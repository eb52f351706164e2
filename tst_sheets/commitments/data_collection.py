"""Data collected twice a year (mid-year, end of year) against a baseline, by the roster's dates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from tst_sheets.commitments.base import RuleBase, due_severity, missing_tab, state_from, status
from tst_sheets.commitments.context import Context
from tst_sheets.model import CommitmentStatus, Finding

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment

from datetime import date

from tst_sheets.model.status import DATA_WORDS, DataState, Figure, TeamMetrics
from tst_sheets.model.text import normalize
from tst_sheets.reading.goals import parse_smart_goal


class DataPointSpec(RuleBase):
    name: str = "baseline"
    label: str
    due: Literal["mid_year_data_due", "end_of_year_data_due"]
    aliases: list[str]


class DataCollectionRule(RuleBase):
    kind: Literal["data_collection"]
    points: list[DataPointSpec]
    baseline: DataPointSpec | None = None
    due_soon_days: int = 14

    def check(self, c: Commitment, ctx: Context) -> CommitmentStatus:
        return check_data(c, self, ctx)

    def fill_metrics(self, metrics: TeamMetrics, figures: dict[str, Figure]) -> None:
        metrics.data_mid_year = _data_state(figures.get("mid_year"))
        metrics.data_end_of_year = _data_state(figures.get("end_of_year"))


def check_data(c: Commitment, rule: DataCollectionRule, ctx: Context) -> CommitmentStatus:
    if not ctx.record.has_tab("data"):
        return missing_tab(c, "Data")
    findings: list[Finding] = []
    states: dict[str, Figure] = {}
    for spec in [*rule.points, *([rule.baseline] if rule.baseline else [])]:
        state, found = _data_point(c, rule, spec, ctx)
        states[spec.name] = state
        findings.extend(found)
    summary = "; ".join(f"{spec.label} {states[spec.name]}" for spec in rule.points)
    return status(c, state_from(findings, c), summary, findings, **states)


def _data_point(
    c: Commitment, rule: DataCollectionRule, spec: DataPointSpec, ctx: Context
) -> tuple[DataState, list[Finding]]:
    due: date | None = getattr(ctx.program, spec.due)
    rows = [
        d
        for d in ctx.record.data
        if matches(d.collection_point, spec.aliases) and (d.date is None or d.date <= ctx.as_of)
    ]
    with_value = [d for d in rows if d.value is not None or d.value_text]
    if spec.name == "baseline" and not with_value and _goal_has_baseline(ctx):
        return "collected", []
    if with_value:
        late = [d for d in with_value if due and d.date and d.date > due]
        if late and len(late) == len(with_value):
            return "late", [
                ctx.finding(
                    c,
                    "warning",
                    "data",
                    late[0].cell("date"),
                    f"{spec.label} collected {late[0].date:%b %d, %Y}",
                    f"by {due:%b %d, %Y}",
                )
            ]
        return "collected", []
    if due is None:
        return "unknown", []
    if ctx.as_of <= due and (due - ctx.as_of).days > rule.due_soon_days:
        return "not_due", []
    cell = rows[0].cell("value") if rows else ctx.tab_cell("data", "collection_point")
    severity = due_severity(c, ctx, due)
    state: DataState = "missing" if severity != "due_soon" else "due_soon"
    return state, [
        ctx.finding(
            c,
            severity,
            "data",
            cell,
            f"no {spec.label} data",
            f"{spec.label} data by {due:%b %d, %Y}",
        )
    ]


def matches(label: str, aliases: list[str]) -> bool:
    text = normalize(label)
    return bool(text) and any(normalize(alias) in text for alias in aliases)


def _goal_has_baseline(ctx: Context) -> bool:
    return any(
        g.baseline is not None or parse_smart_goal(g.goal, ctx.school_year).baseline is not None
        for g in ctx.record.goals
    )


def _data_state(value: Figure) -> DataState | None:
    return next((s for s in DATA_WORDS if s == value), None)  # type: ignore[misc]
