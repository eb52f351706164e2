"""The program's commitments, as data, checked against one team's record as of a date (pure).

``sheet_templates/commitments.yaml`` holds every commitment and every number its check uses;
this module only knows how each *kind* of rule reads a ``TeamRecord`` and the roster.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from tst_sheets.config import DEFAULT_TEMPLATES
from tst_sheets.model import (
    SEVERITY_ORDER,
    CommitmentStatus,
    DateRange,
    Finding,
    Goal,
    Program,
    Severity,
    Team,
    TeamMetrics,
    TeamRecord,
    TeamStatus,
    WorkPlanStep,
    cell_link,
)
from tst_sheets.model.program import EventKind
from tst_sheets.model.records import month_end
from tst_sheets.model.status import CommitmentState, DataState, Figure, Overall
from tst_sheets.parsing import Direction, parse_smart_goal

COMMITMENTS_FILE = DEFAULT_TEMPLATES / "commitments.yaml"
Owner = Literal["TL", "principal", "TST", "team"]

# --- commitments as data ------------------------------------------------------------------------


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt parameter fails loudly, not silently


class TeamSizeRule(_Rule):
    kind: Literal["team_size"]
    min_others: int = Field(ge=0)
    leader_roles: list[str] = Field(default_factory=list)
    due_after_start_days: int = 30


class MonthlyCountRule(_Rule):
    kind: Literal["monthly_count"]
    source: Literal["meetings", "coaching"]
    min_per_month: int = Field(ge=1)
    min_minutes: int | None = None
    short_severity: Severity = "warning"
    count_unknown_minutes: bool = True
    min_countable_days: int = Field(15, ge=1, le=31)


class PerYearRule(_Rule):
    kind: Literal["per_year"]
    source: Literal["checkins", "observations"]
    min_per_year: int = Field(ge=1)
    at_risk_margin: int = Field(1, ge=0)


class DataPointSpec(_Rule):
    name: str = "baseline"
    label: str
    due: Literal["mid_year_data_due", "end_of_year_data_due"]
    aliases: list[str]


class DataCollectionRule(_Rule):
    kind: Literal["data_collection"]
    points: list[DataPointSpec]
    baseline: DataPointSpec | None = None
    due_soon_days: int = 14


GoalPart = Literal["baseline", "target", "target_date"]
GOAL_PARTS: tuple[GoalPart, ...] = ("baseline", "target", "target_date")


class SmartGoalRule(_Rule):
    kind: Literal["smart_goal"]
    due_after_start_days: int = 45
    incomplete_severity: Severity = "warning"
    require: list[GoalPart] = Field(default_factory=lambda: list(GOAL_PARTS))
    default_direction: Direction = "up"
    tolerance: float = 0.5


class GoalWithPrincipalRule(_Rule):
    kind: Literal["goal_with_principal"]
    due_after_start_days: int = 45


StepField = Literal["timeline", "expected_outcome", "measure", "person_responsible"]


class WorkPlanRule(_Rule):
    kind: Literal["work_plan"]
    due_after_start_days: int = 45
    min_steps: int = 1
    missing_severity: Severity = "warning"
    required: dict[StepField, str]
    year_required: bool = False
    done_statuses: list[str] = Field(default_factory=lambda: ["done", "complete", "completed"])


class AttendanceRule(_Rule):
    kind: Literal["attendance"]
    event_kind: EventKind
    who: Literal["tl", "principal"]
    mode: Literal["each", "any"]
    grace_days: int = 7
    unrecorded_severity: Severity = "info"


class RosterMinRule(_Rule):
    kind: Literal["roster_min"]
    field: Literal["tl_years_teaching"]
    label: str = ""
    min: float
    unrecorded_severity: Severity = "info"


Rule = Annotated[
    TeamSizeRule
    | MonthlyCountRule
    | PerYearRule
    | DataCollectionRule
    | SmartGoalRule
    | GoalWithPrincipalRule
    | WorkPlanRule
    | AttendanceRule
    | RosterMinRule,
    Field(discriminator="kind"),
]


class Commitment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    text: str
    owner: Owner
    severity: Severity
    rule: Rule


class CommitmentSet(BaseModel):
    name: str = "tst_commitments"
    version: int = 1
    commitments: list[Commitment]

    def get(self, commitment_id: str) -> Commitment:
        return next(c for c in self.commitments if c.id == commitment_id)


def load_commitments(path: Path | str | None = None) -> CommitmentSet:
    """The commitments file (default: ``sheet_templates/commitments.yaml``), validated."""
    text = Path(path or COMMITMENTS_FILE).read_text(encoding="utf-8")
    return CommitmentSet.model_validate(yaml.safe_load(text))


# --- the evaluation context ---------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """One team, one date: what every rule reads, and how it writes a finding."""

    record: TeamRecord
    team: Team
    program: Program
    as_of: date
    school_year: DateRange
    start: date  # the team's first countable day
    # cells a check judges itself: readback's "required" finding there gives way to its verdict
    # (a Target cell may stay empty when the goal's sentence states the target)
    judged: set[tuple[str, str]] = dataclasses.field(default_factory=set)

    def judge(self, tab: str, cell: str | None) -> None:
        read = self.record.tabs.get(tab)
        if read and cell:
            self.judged.add((read.title, cell))

    def finding(
        self,
        c: Commitment,
        severity: Severity,
        tab: str,
        cell: str | None,
        found: str,
        expected: str,
    ) -> Finding:
        """A finding on a workbook tab (template key) and cell, linked to that cell."""
        read = self.record.tabs.get(tab)
        return Finding(
            team=self.team.team_id,
            rule=c.id,
            severity=severity,
            tab=read.title if read else tab,
            cell=cell,
            found=found,
            expected=expected,
            link=self.record.link(tab, cell),
        )

    def roster_finding(
        self, c: Commitment, severity: Severity, tab: str, found: str, expected: str
    ) -> Finding:
        """A finding on the program roster (attendance, observations, the TL's experience)."""
        link = cell_link(self.program.roster_id) if self.program.roster_id else None
        return Finding(
            team=self.team.team_id,
            rule=c.id,
            severity=severity,
            tab=f"Roster: {tab}",
            found=found,
            expected=expected,
            link=link,
        )

    def tab_cell(self, tab: str, field: str, row: int | None = None) -> str | None:
        read = self.record.tabs.get(tab)
        return read.cell(field, row) if read else None

    def countable_days(self, first: date, last: date) -> int:
        """Days in [first, last] inside the school year, from the team's start, outside breaks."""
        first = max(first, self.start, self.school_year.start)
        last = min(last, self.school_year.end)
        days = (first + timedelta(n) for n in range((last - first).days + 1))
        return sum(1 for d in days if not any(b.contains(d) for b in self.program.breaks))

    def months(self, min_days: int) -> Iterator[date]:
        """First days of the months that count, from the team's start to the as-of month."""
        month = _month_of(max(self.start, self.school_year.start))
        while month <= min(self.as_of, self.school_year.end):
            if self.countable_days(month, month_end(month)) >= min_days:
                yield month
            month = month_end(month) + timedelta(1)


def _month_of(day: date) -> date:
    return day.replace(day=1)


def _month_name(month: date) -> str:
    return month.strftime("%B %Y")


def team_start(record: TeamRecord, program: Program) -> date:
    """When the team started: its earliest Team-tab "joined" date, else the school year's start."""
    joined = [m.joined for m in record.members if m.joined]
    return max(program.school_year_start, min(joined, default=program.school_year_start))


def _status(
    c: Commitment,
    state: CommitmentState,
    summary: str,
    findings: list[Finding],
    **figures: Figure,
) -> CommitmentStatus:
    return CommitmentStatus(
        id=c.id,
        text=c.text,
        owner=c.owner,
        status=state,
        summary=summary,
        figures=figures,
        findings=findings,
    )


def _state_from(findings: list[Finding], c: Commitment) -> CommitmentState:
    """behind if a finding carries the commitment's own severity (or worse), at risk on warnings."""
    worst = min((SEVERITY_ORDER[f.severity] for f in findings), default=SEVERITY_ORDER["info"])
    if worst <= SEVERITY_ORDER[c.severity] and worst < SEVERITY_ORDER["due_soon"]:
        return "behind"
    if worst == SEVERITY_ORDER["due_soon"]:
        return "due_soon"
    return "at_risk" if worst <= SEVERITY_ORDER["warning"] else "on_track"


def _missing_tab(c: Commitment, tab: str) -> CommitmentStatus:
    """The tab-missing finding already explains; the commitment cannot be judged."""
    return _status(c, "unknown", f"cannot check: {tab} tab missing", [])


def _due_severity(c: Commitment, ctx: Context, due: date) -> Severity:
    return c.severity if ctx.as_of > due else "due_soon"


# --- rule kinds ---------------------------------------------------------------------------------


def check_team_size(c: Commitment, rule: TeamSizeRule, ctx: Context) -> CommitmentStatus:
    if not ctx.record.has_tab("team"):
        return _missing_tab(c, "Team")
    leaders = {_norm(r) for r in rule.leader_roles}
    tl_email = ctx.team.tl_email.lower()
    others = [
        m
        for m in ctx.record.members
        if m.active_on(ctx.as_of)
        and _norm(m.role) not in leaders
        and (m.email or "").lower() != tl_email
    ]
    findings = []
    if len(others) < rule.min_others:
        due = ctx.school_year.start + timedelta(rule.due_after_start_days)
        findings.append(
            ctx.finding(
                c,
                _due_severity(c, ctx, due),
                "team",
                ctx.tab_cell("team", "name"),
                f"{len(others)} active members besides the TL",
                f"at least {rule.min_others} other faculty by {due:%b %d, %Y}",
            )
        )
    summary = f"team members {len(others)} of {rule.min_others}"
    return _status(
        c,
        _state_from(findings, c),
        summary,
        findings,
        members=len(others),
        required=rule.min_others,
    )


def check_monthly(c: Commitment, rule: MonthlyCountRule, ctx: Context) -> CommitmentStatus:
    if not ctx.record.has_tab(rule.source):
        return _missing_tab(c, rule.source)
    noun = "meetings" if rule.source == "meetings" else "coaching sessions"
    counts, minutes, findings = _count_by_month(c, rule, ctx)
    missed: list[str] = []
    for month in ctx.months(rule.min_countable_days):
        if counts[month] >= rule.min_per_month:
            continue
        current = month_end(month) >= ctx.as_of  # the month still running is never overdue
        if not current:
            missed.append(_month_name(month))
        findings.append(
            ctx.finding(
                c,
                "due_soon" if current else c.severity,
                rule.source,
                ctx.tab_cell(rule.source, "date"),
                f"{counts[month]} {noun} in {_month_name(month)}",
                f"at least {rule.min_per_month} {noun} in {_month_name(month)}",
            )
        )
    this, last = _month_of(ctx.as_of), _month_of(_month_of(ctx.as_of) - timedelta(1))
    summary = f"{noun} this month {counts[this]} of {rule.min_per_month}"
    if missed:
        summary += f"; missed {len(missed)} month(s): {', '.join(missed)}"
    return _status(
        c,
        _state_from(findings, c),
        summary,
        findings,
        this_month=counts[this],
        last_month=counts[last],
        minutes_this_month=minutes[this],
        required=rule.min_per_month,
        missed_months=len(missed),
    )


def _count_by_month(
    c: Commitment, rule: MonthlyCountRule, ctx: Context
) -> tuple[Counter[date], Counter[date], list[Finding]]:
    """Entries per month up to the date; a session under the minimum is flagged, not counted."""
    entries = ctx.record.meetings if rule.source == "meetings" else ctx.record.coaching
    counts: Counter[date] = Counter()
    minutes: Counter[date] = Counter()
    findings: list[Finding] = []
    for entry in entries:
        if entry.date is None or entry.date > ctx.as_of:
            continue
        if rule.min_minutes and entry.minutes is not None and entry.minutes < rule.min_minutes:
            findings.append(
                ctx.finding(
                    c,
                    rule.short_severity,
                    rule.source,
                    entry.cell("minutes"),
                    f"{entry.minutes} min on {entry.date:%b %d, %Y}",
                    f"at least {rule.min_minutes} min (a shorter session does not count)",
                )
            )
            continue
        if rule.min_minutes and entry.minutes is None and not rule.count_unknown_minutes:
            continue
        counts[_month_of(entry.date)] += 1
        minutes[_month_of(entry.date)] += entry.minutes or 0
    return counts, minutes, findings


def check_per_year(c: Commitment, rule: PerYearRule, ctx: Context) -> CommitmentStatus:
    if rule.source == "checkins" and not ctx.record.has_tab("checkins"):
        return _missing_tab(c, "Principal Check-ins")
    days = _per_year_dates(rule, ctx)
    count = sum(1 for d in days if ctx.school_year.start <= d <= ctx.as_of)
    expected = _expected_by_now(rule.min_per_year, ctx)
    noun = "check-ins" if rule.source == "checkins" else "observation visits"
    findings = []
    if count < expected:
        year_over = ctx.as_of >= ctx.school_year.end
        at_risk = not year_over and expected - count <= rule.at_risk_margin
        severity: Severity = "warning" if at_risk else c.severity
        found = f"{count} {noun} by {ctx.as_of:%b %d, %Y}"
        wanted = f"at least {expected} by now ({rule.min_per_year} by year end)"
        findings.append(
            ctx.finding(c, severity, "checkins", ctx.tab_cell("checkins", "date"), found, wanted)
            if rule.source == "checkins"
            else ctx.roster_finding(c, severity, "Observations", found, wanted)
        )
    summary = f"{noun} {count}, expected ≥{expected} by now, {rule.min_per_year} by year end"
    return _status(
        c,
        _state_from(findings, c),
        summary,
        findings,
        count=count,
        expected_by_now=expected,
        per_year=rule.min_per_year,
    )


def _per_year_dates(rule: PerYearRule, ctx: Context) -> list[date]:
    if rule.source == "checkins":
        return [e.date for e in ctx.record.checkins if e.date]
    return [o.date for o in ctx.program.observations if o.team_id == ctx.team.team_id]


def _expected_by_now(per_year: int, ctx: Context) -> int:
    """The pro-rated pace: the share of the team's countable days gone, rounded down."""
    if ctx.as_of >= ctx.school_year.end:
        return per_year
    total = ctx.countable_days(ctx.start, ctx.school_year.end)
    elapsed = ctx.countable_days(ctx.start, ctx.as_of)
    return math.floor(per_year * elapsed / total) if total else 0


def check_data(c: Commitment, rule: DataCollectionRule, ctx: Context) -> CommitmentStatus:
    if not ctx.record.has_tab("data"):
        return _missing_tab(c, "Data")
    findings: list[Finding] = []
    states: dict[str, Figure] = {}
    for spec in [*rule.points, *([rule.baseline] if rule.baseline else [])]:
        state, found = _data_point(c, rule, spec, ctx)
        states[spec.name] = state
        findings.extend(found)
    summary = "; ".join(f"{spec.label} {states[spec.name]}" for spec in rule.points)
    return _status(c, _state_from(findings, c), summary, findings, **states)


def _data_point(
    c: Commitment, rule: DataCollectionRule, spec: DataPointSpec, ctx: Context
) -> tuple[DataState, list[Finding]]:
    due: date | None = getattr(ctx.program, spec.due)
    rows = [
        d
        for d in ctx.record.data
        if _matches(d.collection_point, spec.aliases) and (d.date is None or d.date <= ctx.as_of)
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
    severity = _due_severity(c, ctx, due)
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


def _matches(label: str, aliases: list[str]) -> bool:
    text = _norm(label)
    return bool(text) and any(_norm(alias) in text for alias in aliases)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _goal_has_baseline(ctx: Context) -> bool:
    return any(
        g.baseline is not None or parse_smart_goal(g.goal, ctx.school_year).baseline is not None
        for g in ctx.record.goals
    )


def check_smart_goal(c: Commitment, rule: SmartGoalRule, ctx: Context) -> CommitmentStatus:
    if not ctx.record.has_tab("goals"):
        return _missing_tab(c, "Goals")
    goals = [g for g in ctx.record.goals if g.goal or g.target is not None]
    if not goals:
        due = ctx.start + timedelta(rule.due_after_start_days)
        findings = [
            ctx.finding(
                c,
                _due_severity(c, ctx, due),
                "goals",
                ctx.tab_cell("goals", "goal"),
                "no goal",
                f"a SMART goal set with the principal by {due:%b %d, %Y}",
            )
        ]
        return _status(c, _state_from(findings, c), "no goal yet", findings, smart=False)
    per_goal = [_check_goal(c, rule, g, ctx) for g in goals]
    findings = [f for found in per_goal for f in found]
    smart = any(not found for found in per_goal)
    summary = "SMART ✓" if smart else "SMART ✗"
    return _status(c, _state_from(findings, c), summary, findings, smart=smart, goals=len(goals))


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


def check_goal_with_principal(
    c: Commitment, rule: GoalWithPrincipalRule, ctx: Context
) -> CommitmentStatus:
    if not ctx.record.has_tab("goals"):
        return _missing_tab(c, "Goals")
    for goal in ctx.record.goals:
        ctx.judge("goals", goal.cell("set_with_principal_on"))
    set_on = [
        g.set_with_principal_on
        for g in ctx.record.goals
        if g.set_with_principal_on and g.set_with_principal_on <= ctx.as_of
    ]
    if set_on:
        return _status(
            c,
            "on_track",
            f"goal set with principal {min(set_on):%b %d, %Y}",
            [],
            set_on=min(set_on).isoformat(),
        )
    due = ctx.start + timedelta(rule.due_after_start_days)
    first = ctx.record.goals[0] if ctx.record.goals else None
    cell = (first.cell("set_with_principal_on") if first else None) or ctx.tab_cell(
        "goals", "set_with_principal_on"
    )
    findings = [
        ctx.finding(
            c,
            _due_severity(c, ctx, due),
            "goals",
            cell,
            "no date the goal was set with the principal",
            f"the goal set with the principal by {due:%b %d, %Y}",
        )
    ]
    return _status(c, _state_from(findings, c), "goal not yet set with principal", findings)


def check_work_plan(c: Commitment, rule: WorkPlanRule, ctx: Context) -> CommitmentStatus:
    if not ctx.record.has_tab("work_plan"):
        return _missing_tab(c, "Work Plan")
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
                _due_severity(c, ctx, due),
                "work_plan",
                ctx.tab_cell("work_plan", "action_step"),
                f"{len(steps)} action steps",
                f"at least {rule.min_steps} by {due:%b %d, %Y}",
            )
        )
    summary = f"work plan {complete} of {len(steps)} steps complete, {overdue} overdue"
    return _status(
        c,
        _state_from(findings, c),
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
        or _norm(step.status) in {_norm(s) for s in rule.done_statuses}
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


def check_attendance(c: Commitment, rule: AttendanceRule, ctx: Context) -> CommitmentStatus:
    events = sorted(
        (e for e in ctx.program.events if e.kind == rule.event_kind), key=lambda e: e.date
    )
    email = (ctx.team.tl_email if rule.who == "tl" else ctx.team.principal_email).lower()
    if not events:
        return _status(c, "not_applicable", "no such events on the roster", [])
    attended = {a.event_key: a.attended for a in ctx.program.attendance if a.email.lower() == email}
    past = [e for e in events if e.date + timedelta(rule.grace_days) <= ctx.as_of]
    if rule.mode == "any":
        findings = _attendance_any(c, rule, ctx, events, past, attended)
    else:
        findings = [
            f
            for e in past
            if (f := _attendance_each(c, rule, ctx, e.title, e.date, attended.get(e.key)))
        ]
    went = sum(1 for e in past if attended.get(e.key))
    summary = f"attended {went} of {len(past)} so far"
    return _status(c, _state_from(findings, c), summary, findings, attended=went, past=len(past))


def _attendance_each(
    c: Commitment, rule: AttendanceRule, ctx: Context, title: str, day: date, went: bool | None
) -> Finding | None:
    if went:
        return None
    found = f"{title} on {day:%b %d, %Y}: " + ("absent" if went is False else "not recorded")
    severity = c.severity if went is False else rule.unrecorded_severity
    return ctx.roster_finding(c, severity, "Attendance", found, "attended")


def _attendance_any(
    c: Commitment,
    rule: AttendanceRule,
    ctx: Context,
    events: list[Any],
    past: list[Any],
    attended: dict[str, bool],
) -> list[Finding]:
    """One of several sessions (the July principal training) is enough."""
    if any(attended.get(e.key) for e in past):
        return []
    upcoming = [e for e in events if e not in past]
    if upcoming:
        return (
            [
                ctx.roster_finding(
                    c,
                    "due_soon",
                    "Attendance",
                    "not attended yet",
                    f"one session; next {upcoming[0].date:%b %d, %Y}",
                )
            ]
            if past
            else []
        )
    recorded = all(e.key in attended for e in past)
    severity = c.severity if recorded else rule.unrecorded_severity
    found = "absent from every session" if recorded else "attendance not recorded"
    return [ctx.roster_finding(c, severity, "Attendance", found, "one session attended")]


def check_roster_min(c: Commitment, rule: RosterMinRule, ctx: Context) -> CommitmentStatus:
    value: float | None = getattr(ctx.team, rule.field)
    label = rule.label or rule.field.replace("_", " ")
    if value is None:
        findings = [
            ctx.roster_finding(
                c,
                rule.unrecorded_severity,
                "Teams",
                f"no {label}",
                f"{label} at least {rule.min:g}",
            )
        ]
        return _status(c, "unknown", f"{label} not recorded", findings)
    findings = (
        []
        if value >= rule.min
        else [
            ctx.roster_finding(
                c, c.severity, "Teams", f"{label} {value:g}", f"at least {rule.min:g}"
            )
        ]
    )
    return _status(c, _state_from(findings, c), f"{label} {value:g}", findings, value=value)


Check = Callable[[Commitment, Any, Context], CommitmentStatus]
CHECKS: dict[str, Check] = {
    "team_size": check_team_size,
    "monthly_count": check_monthly,
    "per_year": check_per_year,
    "data_collection": check_data,
    "smart_goal": check_smart_goal,
    "goal_with_principal": check_goal_with_principal,
    "work_plan": check_work_plan,
    "attendance": check_attendance,
    "roster_min": check_roster_min,
}

# --- the team's status --------------------------------------------------------------------------


def evaluate(
    record: TeamRecord, team: Team, program: Program, as_of: date, commitments: CommitmentSet
) -> TeamStatus:
    """Every commitment for one team as of a date: statuses, figures and every finding."""
    school_year = DateRange(start=program.school_year_start, end=program.school_year_end)
    ctx = Context(record, team, program, as_of, school_year, team_start(record, program))
    statuses = [CHECKS[c.rule.kind](c, c.rule, ctx) for c in commitments.commitments]
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
        _fill_metrics(metrics, commitments.get(status.id).rule, status.figures)
    return metrics


def _fill_metrics(metrics: TeamMetrics, rule: Rule, fig: dict[str, Figure]) -> None:
    if isinstance(rule, MonthlyCountRule) and rule.source == "meetings" and fig:
        metrics.meetings_this_month = _int(fig.get("this_month"))
        metrics.meetings_last_month = _int(fig.get("last_month"))
        metrics.meetings_required_per_month = rule.min_per_month
    elif isinstance(rule, MonthlyCountRule) and fig:
        metrics.coaching_sessions_this_month = _int(fig.get("this_month"))
        metrics.coaching_minutes_this_month = _int(fig.get("minutes_this_month"))
    elif isinstance(rule, PerYearRule) and rule.source == "checkins" and fig:
        metrics.checkins_to_date = _int(fig.get("count"))
        metrics.checkins_expected_by_now = _int(fig.get("expected_by_now"))
        metrics.checkins_per_year = rule.min_per_year
    elif isinstance(rule, DataCollectionRule) and fig:
        metrics.data_mid_year = _data_state(fig.get("mid_year"))
        metrics.data_end_of_year = _data_state(fig.get("end_of_year"))
    elif isinstance(rule, WorkPlanRule) and fig:
        metrics.work_plan_steps = _int(fig.get("steps"))
        metrics.work_plan_complete_steps = _int(fig.get("complete_steps"))
    elif isinstance(rule, SmartGoalRule) and "smart" in fig:
        metrics.smart_goal = bool(fig["smart"])


def _int(value: Figure) -> int | None:
    return int(value) if isinstance(value, int | float) else None


_DATA_STATES: tuple[DataState, ...] = (
    "collected",
    "late",
    "due_soon",
    "missing",
    "not_due",
    "unknown",
)


def _data_state(value: Figure) -> DataState | None:
    return next((s for s in _DATA_STATES if s == value), None)


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
