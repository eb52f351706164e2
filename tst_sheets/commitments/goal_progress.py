"""How far a team is toward its SMART target, from its Goals and Data tabs, as of a date.

Baseline, target and target date come from the goal (its columns, else its sentence; the Data
tab's Baseline row when the goal states none); mid-year and end of year from the Data tab's
rows of those points (``data_collection``'s names for them), dated up to the as-of date.
Progress is (latest − baseline) / (target − baseline). On pace: that progress is at least the
share of the time from the baseline to the target date gone by the latest measurement, less
the rule's ``pace_margin``. Met: the latest measurement reached the target.
"""

from __future__ import annotations

from datetime import date

from tst_sheets.commitments.context import Context
from tst_sheets.commitments.data_collection import DataCollectionRule, DataPointSpec, matches
from tst_sheets.commitments.smart_goal import SmartGoalRule, first_goal, goal_parts
from tst_sheets.model import DataPoint, GoalProgress

EPSILON = 1e-9


def goal_progress(
    ctx: Context, smart: SmartGoalRule | None, data: DataCollectionRule | None
) -> GoalProgress:
    goal = first_goal(ctx)
    if goal is None or smart is None:
        return GoalProgress(note="no SMART goal yet")
    parts = goal_parts(goal, smart, ctx)
    out = GoalProgress(
        measure=goal.data_source or goal.focus_area,
        unit="%",  # the Goals tab's baseline and target are percentages
        direction=parts.direction,
        baseline=parts.value("baseline"),
        target=parts.value("target"),
        target_date=parts.value("target_date"),
    )
    if out.baseline is not None:
        out.links["baseline"] = ctx.record.link("goals", parts.cell("baseline"))
    if out.target is not None:
        out.links["target"] = ctx.record.link("goals", parts.cell("target"))
    points = _points(ctx, data, out)
    if out.baseline is None and "baseline" in points:
        out.baseline = points["baseline"].value
    start = points["baseline"].date if "baseline" in points else None
    out.mid_year = points["mid_year"].value if "mid_year" in points else None
    out.end_of_year = points["end_of_year"].value if "end_of_year" in points else None
    latest = points.get("end_of_year") or points.get("mid_year")
    if out.target is None or out.baseline is None:
        out.note = "the goal states no target" if out.target is None else "no baseline yet"
        return out
    if latest is None:
        out.note = _waiting(ctx)
        return out
    out.latest, out.latest_date = latest.value, latest.date
    _measure(ctx, out, start or ctx.school_year.start, smart.pace_margin)
    return out


def _points(
    ctx: Context, rule: DataCollectionRule | None, out: GoalProgress
) -> dict[str, DataPoint]:
    """The Data tab's row for each point (its latest dated up to the as-of date), in the goal's
    unit: a % cell (0.55) beside a goal in percent (55) is read as 55."""
    if rule is None:
        return {}
    specs: list[DataPointSpec] = [*rule.points, *([rule.baseline] if rule.baseline else [])]
    found: dict[str, DataPoint] = {}
    for spec in specs:
        rows = [
            d
            for d in ctx.record.data
            if matches(d.collection_point, spec.aliases)
            and d.value is not None
            and (d.date is None or d.date <= ctx.as_of)
        ]
        if not rows:
            continue
        row = max(rows, key=lambda d: (d.date or date.min, d.row))
        found[spec.name] = row.model_copy(update={"value": _scaled(row.value, out)})
        out.links[spec.name] = ctx.record.link("data", row.cell("value"))
    return found


def _scaled(value: float | None, out: GoalProgress) -> float | None:
    scale = [v for v in (out.baseline, out.target) if v is not None]
    if value is not None and 0 < value <= 1 and scale and max(scale) > 1:
        return round(value * 100, 9)
    return value


def _waiting(ctx: Context) -> str:
    due = ctx.program.mid_year_data_due
    if due and ctx.as_of <= due:
        return f"measured at mid-year (data due {due:%b %d, %Y})"
    return "no measurement since the baseline"


def _measure(ctx: Context, out: GoalProgress, start: date, margin: float) -> None:
    """Progress, the pace expected by the latest measurement, on pace, met."""
    assert out.latest is not None and out.target is not None and out.baseline is not None
    span = out.target - out.baseline
    if abs(span) < EPSILON:
        out.note = "the target equals the baseline"
        return
    out.progress = round((out.latest - out.baseline) / span, 4)
    end = out.target_date or ctx.program.end_of_year_data_due or ctx.school_year.end
    when = out.latest_date or ctx.as_of
    days = (end - start).days
    share = (when - start).days / days if days > 0 else 1.0
    out.expected_progress = round(min(max(share, 0.0), 1.0), 4)
    out.on_pace = out.progress + EPSILON >= out.expected_progress - margin
    out.met = out.progress + EPSILON >= 1.0
