"""The coach roll-up's content, pure: team statuses + the program + a date → every tab's cells.

Seed 002's "team lead tracker": one place where a coach sees every team, who is behind and
why, each finding linked to its cell. ``build`` lays out the tabs declared in
``sheet_templates/coach_rollup.yaml``; ``tst_sheets.rollup_requests`` turns them into the one
``spreadsheets.batchUpdate`` that writes them. No HTTP here.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from tst_sheets.commitments import (
    AttendanceRule,
    Commitment,
    CommitmentSet,
    Context,
    MonthlyCountRule,
    PerYearRule,
    _count_by_month,  # the commitment's own counting, so Trends and findings never disagree
    team_start,
)
from tst_sheets.gridcells import Link, Percent, Value, plain, rgb
from tst_sheets.model import (
    SEVERITY_ORDER,
    DateRange,
    EventSpec,
    Finding,
    Program,
    Team,
    TeamRecord,
    TeamStatus,
    cell_link,
)
from tst_sheets.model.records import month_end
from tst_sheets.rollup_state import digest
from tst_sheets.templates import ColumnSpec, TabSpec, WorkbookTemplate, load_template

TEMPLATE = "coach_rollup"
UNASSIGNED = "(no coach)"
SEVERITY_WORDS = {"error": "Error", "overdue": "Overdue", "due_soon": "Due soon",
                  "warning": "Warning", "info": "Info"}
COMMITMENT_WORDS = {"on_track": "On track", "due_soon": "Due soon", "at_risk": "At risk",
                    "behind": "Behind", "unknown": "Unknown", "not_applicable": "N/A"}
DATA_WORDS = {"collected": "Collected", "late": "Late", "due_soon": "Due soon",
              "missing": "Missing", "not_due": "Not due", "unknown": "Unknown"}
NOT_COUNTED = "–"  # a month that does not count for the team (before it started, a break)
TREND_MEASURES = (("team_meetings", "Team meetings"), ("coaching", "Coaching sessions"),
                  ("principal_checkins", "Principal check-ins"))


# --- the template, with the roll-up's own keys ------------------------------------------------


class RollupTemplate(BaseModel):
    """``coach_rollup.yaml``: the tabs, and the colours and words the roll-up adds."""

    workbook: WorkbookTemplate
    status_order: list[str]
    trend_colors: dict[str, str]
    header_color: str = "#1f4e79"
    rule_words: dict[str, str] = Field(default_factory=dict)
    column_colors: dict[str, dict[str, dict[str, str]]] = Field(
        default_factory=dict, description="tab key → column key → cell text → colour"
    )

    def tab(self, key: str) -> TabSpec:
        return self.workbook.tab(key)

    def colors(self, tab: str, column: str) -> dict[str, str]:
        return self.column_colors.get(tab, {}).get(column, {})


def load_rollup_template(directory: Path | None = None) -> RollupTemplate:
    workbook = load_template(TEMPLATE, directory)
    path = (directory or _templates_dir()) / f"{TEMPLATE}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    colors = {
        tab["key"]: {c["key"]: c["colors"] for c in tab.get("columns", []) if c.get("colors")}
        for tab in raw["tabs"]
    }
    return RollupTemplate(
        workbook=workbook,
        status_order=raw["status_order"],
        trend_colors=raw["trend_colors"],
        header_color=raw.get("header_color", "#1f4e79"),
        rule_words=raw.get("rule_words", {}),
        column_colors=colors,
    )


def _templates_dir() -> Path:
    from tst_sheets.config import DEFAULT_TEMPLATES

    return DEFAULT_TEMPLATES


# --- what goes in --------------------------------------------------------------------------


class TeamView(BaseModel):
    """One team as the roll-up sees it: roster row, status, and (when readable) its record."""

    team: Team
    status: TeamStatus
    record: TeamRecord | None = None


class RunFacts(BaseModel):
    """What differs run to run whatever the data (shown on About, left out of comparisons)."""

    generated_at: datetime
    read: int = 0
    reused: int = 0
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)


class RollupInput(BaseModel):
    program: Program
    as_of: date
    teams: list[TeamView]
    commitments: CommitmentSet
    first_seen: dict[str, date] = Field(default_factory=dict)
    versions: dict[str, int] = Field(default_factory=dict, description="template → version")


# --- what comes out ------------------------------------------------------------------------


class Grid(BaseModel):
    """One tab: a header row, rows of values, and how to show them."""

    key: str
    title: str
    sheet_id: int
    columns: list[ColumnSpec]
    header: bool = True
    rows: list[list[Value]] = Field(default_factory=list)
    frozen_columns: int = 0
    hidden: bool = False
    colors: dict[int, dict[str, str]] = Field(
        default_factory=dict, description="column index → cell text → background"
    )
    backgrounds: dict[str, str] = Field(
        default_factory=dict, description="'row,column' (in ``rows``) → background colour"
    )
    rules: list[dict[str, Any]] = Field(
        default_factory=list, description="conditional format rules (formula based)"
    )
    filter_views: list[dict[str, Any]] = Field(default_factory=list)
    charts: list[dict[str, Any]] = Field(default_factory=list)
    volatile_rows: list[int] = Field(
        default_factory=list, description="rows (0-based, in ``rows``) that change every run"
    )

    def all_rows(self) -> list[list[Value]]:
        head: list[list[Value]] = [[c.header for c in self.columns]] if self.header else []
        return head + self.rows

    def values(self) -> list[list[Any]]:
        """What a reader sees, cell by cell (links show their text)."""
        return [[plain(v) for v in row] for row in self.all_rows()]

    def background(self, row: int, column: int) -> str | None:
        """A data cell's colour: computed for the cell, else by its column's text."""
        computed = self.backgrounds.get(f"{row},{column}")
        if computed:
            return computed
        value = self.rows[row][column] if column < len(self.rows[row]) else None
        return self.colors.get(column, {}).get(str(plain(value))) if value is not None else None

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def stable(self) -> dict[str, Any]:
        """Everything but the volatile rows, for comparing runs."""
        rows = [r for i, r in enumerate(self.rows) if i not in self.volatile_rows]
        data = self.model_dump(mode="json", exclude={"rows", "volatile_rows"})
        data["rows"] = [[_stable_value(v) for v in row] for row in rows]
        return data


def _stable_value(value: Value) -> Any:
    if isinstance(value, Link | Percent):
        return value.model_dump()
    return plain(value)


class RollupContent(BaseModel):
    tabs: list[Grid]
    first_seen: dict[str, date] = Field(default_factory=dict)

    def tab(self, key: str) -> Grid:
        return next(t for t in self.tabs if t.key == key)

    def digest(self) -> str:
        """Same digest ⇔ the same roll-up a coach sees (run facts aside)."""
        return digest([t.stable() for t in self.tabs])


# --- building ------------------------------------------------------------------------------


def build(inp: RollupInput, tpl: RollupTemplate, facts: RunFacts) -> RollupContent:
    """Every tab of the roll-up (the hidden state tab is added by the job)."""
    ordered = sort_teams(inp.teams, inp.program, tpl.status_order)
    findings, first_seen = findings_grid(inp, tpl, ordered)
    tabs = [
        summary_grid(inp, tpl, ordered),
        findings,
        by_coach_grid(inp, tpl, ordered),
        trends_grid(inp, tpl, ordered),
        events_grid(inp, tpl),
        about_grid(inp, tpl, facts),
    ]
    return RollupContent(tabs=tabs, first_seen=first_seen)


def coach_name(program: Program, email: str) -> str:
    if not email:
        return UNASSIGNED
    coach = program.coach(email)
    return coach.name if coach else email


def sort_teams(teams: Sequence[TeamView], program: Program, order: Sequence[str]
               ) -> list[TeamView]:
    """By status (who needs attention first), then coach, then team."""
    rank = {status: i for i, status in enumerate(order)}

    def key(view: TeamView) -> tuple[int, str, str]:
        coach = coach_name(program, view.team.coach_email)
        return rank.get(view.status.overall, len(rank)), coach.lower(), view.team.team_id

    return sorted(teams, key=key)


def _grid(tpl: RollupTemplate, key: str, columns: list[ColumnSpec] | None = None) -> Grid:
    tab = tpl.tab(key)
    cols = columns or tab.columns
    colors = {i: tpl.colors(key, c.key) for i, c in enumerate(cols) if tpl.colors(key, c.key)}
    return Grid(key=key, title=tab.title, sheet_id=tab.sheet_id, columns=cols, colors=colors)


def workbook_link(spreadsheet_id: str) -> Link | None:
    return Link(url=cell_link(spreadsheet_id), text="Open") if spreadsheet_id else None


# --- Summary -------------------------------------------------------------------------------


def summary_grid(inp: RollupInput, tpl: RollupTemplate, teams: Sequence[TeamView]) -> Grid:
    grid = _grid(tpl, "summary")
    grid.frozen_columns = 1
    grid.rows = [summary_row(inp.program, view) for view in teams]
    return grid


def summary_row(program: Program, view: TeamView) -> list[Value]:
    team, status, m = view.team, view.status, view.status.metrics
    readable = status.overall != "Unreadable"
    complete: Value = None
    if m.work_plan_steps:
        complete = Percent(value=round((m.work_plan_complete_steps or 0) / m.work_plan_steps, 4))
    smart = None if m.smart_goal is None else ("✓" if m.smart_goal else "✗")
    return [
        team.team_id,
        team.school,
        team.tl_name,
        coach_name(program, team.coach_email),
        status.overall,
        m.meetings_this_month,
        m.meetings_last_month,
        m.coaching_sessions_this_month,
        m.coaching_minutes_this_month,
        m.checkins_to_date,
        m.checkins_expected_by_now,
        DATA_WORDS.get(m.data_mid_year or "") if readable else None,
        DATA_WORDS.get(m.data_end_of_year or "") if readable else None,
        complete,
        smart,
        m.last_activity,
        m.open_findings,
        workbook_link(status.spreadsheet_id),
    ]


# --- Findings ------------------------------------------------------------------------------


def finding_key(finding: Finding, record: TeamRecord | None) -> str:
    """A finding's identity across runs: it survives a new severity or a changed count.

    A pointer at the row where the TL would type next (a month with too few meetings) moves
    as rows are added, so such a cell is left out of the key.
    """
    cell = finding.cell or ""
    if record is not None and cell:
        for tab in record.tabs.values():
            if tab.title == finding.tab and cell.endswith(str(tab.next_row)) and (
                cell.rstrip("0123456789") in tab.columns.values()
            ):
                cell = ""
    return "|".join([finding.team, finding.rule, finding.tab or "", cell, finding.expected])


def commitment_words(rule: str, commitments: CommitmentSet, tpl: RollupTemplate) -> str:
    if rule in tpl.rule_words:
        return tpl.rule_words[rule]
    match = next((c for c in commitments.commitments if c.id == rule), None)
    return match.text if match else rule.replace("_", " ").capitalize()


def findings_grid(inp: RollupInput, tpl: RollupTemplate, teams: Sequence[TeamView]
                  ) -> tuple[Grid, dict[str, date]]:
    """One row per finding, most severe first; first-seen dates carried over from the last run."""
    grid = _grid(tpl, "findings")
    grid.frozen_columns = 1
    first_seen: dict[str, date] = {}
    rows: list[tuple[tuple[Any, ...], list[Value]]] = []
    for view in teams:
        coach = coach_name(inp.program, view.team.coach_email)
        for index, finding in enumerate(view.status.findings):
            key = finding_key(finding, view.record)
            seen = min(inp.first_seen.get(key, inp.as_of), inp.as_of)
            first_seen[key] = seen
            # the checks list a commitment's months in order; keep that order within a cell
            order = (SEVERITY_ORDER[finding.severity], view.team.team_id, finding.tab or "",
                     _cell_order(finding.cell), index)
            rows.append((order, finding_row(inp, tpl, view, coach, finding, seen)))
    grid.rows = [row for _, row in sorted(rows, key=lambda r: r[0])]
    grid.filter_views = coach_filter_views(grid, inp.program, teams)
    return grid, first_seen


def _cell_order(cell: str | None) -> tuple[int, str]:
    """B10 after B9: by row number, then column."""
    if not cell:
        return (0, "")
    digits = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return (int(digits) if digits.isdigit() else 0, cell)


def finding_row(inp: RollupInput, tpl: RollupTemplate, view: TeamView, coach: str,
                finding: Finding, seen: date) -> list[Value]:
    link: Value = None
    if finding.link:
        link = Link(url=finding.link, text=finding.cell or "Open")
    elif finding.cell:
        link = finding.cell
    return [
        view.team.team_id,
        view.team.school,
        coach,
        SEVERITY_WORDS[finding.severity],
        commitment_words(finding.rule, inp.commitments, tpl),
        finding.tab,
        link,
        finding.found,
        finding.expected,
        seen,
        (inp.as_of - seen).days,
    ]


def coach_filter_views(grid: Grid, program: Program, teams: Sequence[TeamView]
                       ) -> list[dict[str, Any]]:
    """A saved filter view per coach on the Findings tab ("Data > Filter views")."""
    coach_col = grid.column_index("coach")
    names = sorted({coach_name(program, v.team.coach_email) for v in teams}
                   | {c.name for c in program.coaches if c.active})
    views = []
    for name in names:
        views.append({
            "filterViewId": stable_id("filter:" + name),
            "title": f"Coach: {name}",
            "range": {"sheetId": grid.sheet_id, "startRowIndex": 0,
                      "endRowIndex": len(grid.rows) + 1, "startColumnIndex": 0,
                      "endColumnIndex": len(grid.columns)},
            "filterSpecs": [{"columnIndex": coach_col, "filterCriteria": {
                "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": name}]}}}],
        })
    return views


def stable_id(text: str) -> int:
    return zlib.crc32(text.encode()) & 0x3FFFFFFF


# --- By Coach ------------------------------------------------------------------------------


def by_coach_grid(inp: RollupInput, tpl: RollupTemplate, teams: Sequence[TeamView]) -> Grid:
    grid = _grid(tpl, "by_coach")
    grid.frozen_columns = 1
    coaches: dict[str, str] = {c.name: c.email for c in inp.program.coaches if c.active}
    for view in teams:
        coaches.setdefault(coach_name(inp.program, view.team.coach_email), view.team.coach_email)
    for name in sorted(coaches, key=str.lower):
        mine = [v for v in teams if coach_name(inp.program, v.team.coach_email) == name]
        grid.rows.append(coach_row(name, coaches[name], mine))
    return grid


def coach_row(name: str, email: str, teams: Sequence[TeamView]) -> list[Value]:
    """Counts by status, and the teams needing attention in the order a coach should look."""
    count = {s: sum(1 for v in teams if v.status.overall == s)
             for s in ("Behind", "Unreadable", "At risk", "On track")}
    attention = [attention_line(v) for v in teams if v.status.overall != "On track"]
    return [
        name,
        email,
        len(teams),
        count["Behind"],
        count["Unreadable"],
        count["At risk"],
        count["On track"],
        sum(v.status.metrics.open_findings for v in teams),
        "\n".join(attention),
    ]


def attention_line(view: TeamView) -> str:
    top = view.status.top_findings(1)
    reason = f": {top[0].found}" if top and top[0].found else ""
    return f"{view.team.team_id} {view.team.school} — {view.status.overall}{reason}"


# --- Trends --------------------------------------------------------------------------------


def school_months(program: Program) -> list[date]:
    month = program.school_year_start.replace(day=1)
    out = []
    while month <= program.school_year_end:
        out.append(month)
        month = month_end(month) + timedelta(1)
    return out


def trends_grid(inp: RollupInput, tpl: RollupTemplate, teams: Sequence[TeamView]) -> Grid:
    """Per team and measure, one cell a month; the cohort's averages first, with a chart."""
    months = school_months(inp.program)
    columns = _expand_months(tpl.tab("trends").columns, months)
    grid = _grid(tpl, "trends", columns)
    grid.frozen_columns = 4
    team_rows = [row for view in teams for row in trend_rows(inp, view, months)]
    grid.rows = cohort_rows(inp, team_rows, months) + team_rows
    first_month = grid.column_index("months:0")
    grid.rules = trend_rules(grid, tpl, months, inp.as_of, first_month)
    grid.backgrounds = trend_backgrounds(grid, tpl, months, inp.as_of, first_month)
    grid.charts = [trend_chart(grid, first_month, len(months))]
    return grid


def _expand_months(columns: Sequence[ColumnSpec], months: Sequence[date]) -> list[ColumnSpec]:
    out: list[ColumnSpec] = []
    for col in columns:
        if col.key != "months":
            out.append(col)
            continue
        out += [col.model_copy(update={"key": f"months:{i}", "header": m.strftime("%b %Y")})
                for i, m in enumerate(months)]
    return out


def trend_rows(inp: RollupInput, view: TeamView, months: Sequence[date]
               ) -> list[list[Value]]:
    coach = coach_name(inp.program, view.team.coach_email)
    rows = []
    for commitment_id, label in TREND_MEASURES:
        found = next((c for c in inp.commitments.commitments if c.id == commitment_id), None)
        if found is None:
            continue
        target, cells = trend_cells(inp, view, found.rule, months)
        state = view.status.commitment(commitment_id)
        words = COMMITMENT_WORDS[state.status] if state else "Unknown"
        rows.append([view.team.team_id, coach, target, label, *cells, words])
    return rows


def trend_cells(inp: RollupInput, view: TeamView, rule: Any, months: Sequence[date]
                ) -> tuple[Value, list[Value]]:
    """The commitment (a number per month, or a yearly text) and the count for each month."""
    if view.record is None:
        return trend_target(rule), [None] * len(months)
    ctx = _context(inp, view)
    if isinstance(rule, MonthlyCountRule):
        commitment = Commitment(id="trend", text="", owner="TL", severity="info", rule=rule)
        counts, _, _ = _count_by_month(commitment, rule, ctx)
        counted = set(ctx.months(rule.min_countable_days))
        cells: list[Value] = [
            None if m > inp.as_of else (counts[m] if m in counted else NOT_COUNTED)
            for m in months
        ]
        return trend_target(rule), cells
    if isinstance(rule, PerYearRule):
        days = [e.date for e in view.record.checkins if e.date and e.date <= inp.as_of]
        cells = [None if m > inp.as_of else sum(1 for d in days if d.replace(day=1) == m)
                 for m in months]
        return trend_target(rule), cells
    return None, [None] * len(months)


def trend_target(rule: Any) -> Value:
    """A number per month (coloured against), or a yearly pace in words (not coloured)."""
    if isinstance(rule, MonthlyCountRule):
        return rule.min_per_month
    if isinstance(rule, PerYearRule):
        return f"{rule.min_per_year} / year"
    return None


def _context(inp: RollupInput, view: TeamView) -> Context:
    assert view.record is not None
    year = DateRange(start=inp.program.school_year_start, end=inp.program.school_year_end)
    return Context(view.record, view.team, inp.program, inp.as_of, year,
                   team_start(view.record, inp.program))


def cohort_rows(inp: RollupInput, team_rows: Sequence[Sequence[Value]], months: Sequence[date]
                ) -> list[list[Value]]:
    """All teams: the average per team of each monthly measure (months that count only)."""
    out: list[list[Value]] = []
    for _, label in TREND_MEASURES:
        rows = [r for r in team_rows if r[3] == label]
        if not rows:
            continue
        target = next((r[2] for r in rows if isinstance(r[2], int)), None)
        cells: list[Value] = []
        for i in range(len(months)):
            numbers = [n for r in rows if isinstance(n := r[4 + i], int)]
            cells.append(round(sum(numbers) / len(numbers), 1) if numbers else None)
        name = f"{label} (average per team)"
        out.append(["All teams", "", target if target is not None else rows[0][2], name,
                    *cells, None])
    return out


def trend_rules(grid: Grid, tpl: RollupTemplate, months: Sequence[date], as_of: date,
                first: int) -> list[dict[str, Any]]:
    """Month cells against the commitment: met (green), this month still open (amber), missed.

    Only rows whose Commitment is a number per month are coloured; "–" and blank cells never.
    """
    target = _a1_column(grid.column_index("target"))
    closed = [first + i for i, m in enumerate(months) if month_end(m) < as_of]
    current = [first + i for i, m in enumerate(months) if m <= as_of <= month_end(m)]
    every = [first + i for i, m in enumerate(months) if m <= as_of]
    rows = len(grid.rows) + 1

    def rule(columns: list[int], op: str, color: str) -> dict[str, Any] | None:
        if not columns:
            return None
        cell = f"{_a1_column(columns[0])}2"
        formula = f"=AND(ISNUMBER({cell}),ISNUMBER(${target}2),{cell}{op}${target}2)"
        ranges = [{"sheetId": grid.sheet_id, "startRowIndex": 1, "endRowIndex": rows,
                   "startColumnIndex": c, "endColumnIndex": c + 1} for c in columns]
        return {"ranges": ranges, "booleanRule": {
            "condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]},
            "format": {"backgroundColor": rgb(color)}}}

    found = [rule(every, ">=", tpl.trend_colors["met"]),
             rule(current, "<", tpl.trend_colors["open"]),
             rule(closed, "<", tpl.trend_colors["missed"])]
    return [r for r in found if r is not None]


def trend_backgrounds(grid: Grid, tpl: RollupTemplate, months: Sequence[date], as_of: date,
                      first: int) -> dict[str, str]:
    """The rules' colours, set on the cells too: a viewer without conditional formatting
    (the local one) shows the same grid."""
    target = grid.column_index("target")
    out: dict[str, str] = {}
    for r, row in enumerate(grid.rows):
        goal = row[target]
        for i, month in enumerate(months):
            value = row[first + i]
            if not isinstance(goal, int) or not isinstance(value, int | float) or month > as_of:
                continue
            state = "met" if value >= goal else "missed" if month_end(month) < as_of else "open"
            out[f"{r},{first + i}"] = tpl.trend_colors[state]
    return out


def trend_chart(grid: Grid, first: int, count: int) -> dict[str, Any]:
    """The cohort's average meetings and coaching sessions per month, against the target."""
    measure = grid.column_index("measure")

    def row_range(row: int) -> dict[str, Any]:
        return {"sourceRange": {"sources": [{
            "sheetId": grid.sheet_id, "startRowIndex": row, "endRowIndex": row + 1,
            "startColumnIndex": measure, "endColumnIndex": first + count}]}}

    monthly = [i + 1 for i, r in enumerate(grid.rows[:3]) if isinstance(r[2], int)]
    return {
        "chartId": stable_id("chart:trends"),
        "spec": {
            "title": "All teams: average per month (commitment: 2)",
            "basicChart": {
                "chartType": "LINE",
                "legendPosition": "BOTTOM_LEGEND",
                "headerCount": 1,
                "axis": [{"position": "BOTTOM_AXIS", "title": "Month"},
                         {"position": "LEFT_AXIS", "title": "Per team"}],
                "domains": [{"domain": row_range(0)}],
                "series": [{"series": row_range(r), "targetAxis": "LEFT_AXIS"} for r in monthly],
            },
        },
        "position": {"overlayPosition": {
            "anchorCell": {"sheetId": grid.sheet_id, "rowIndex": 0,
                           "columnIndex": len(grid.columns)},
            "offsetXPixels": 12, "offsetYPixels": 12, "widthPixels": 560, "heightPixels": 320}},
    }


def _a1_column(index: int) -> str:
    """0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --- Events --------------------------------------------------------------------------------


def events_grid(inp: RollupInput, tpl: RollupTemplate) -> Grid:
    """Upcoming events first (soonest on top), then past ones (latest on top), with attendance."""
    grid = _grid(tpl, "events")
    upcoming = sorted((e for e in inp.program.events if e.date >= inp.as_of), key=_event_order)
    past = sorted((e for e in inp.program.events if e.date < inp.as_of), key=_event_order,
                  reverse=True)
    rules = [c.rule for c in inp.commitments.commitments if isinstance(c.rule, AttendanceRule)]
    for i, event in enumerate(upcoming):
        grid.rows.append(event_row(inp, event, "Next" if i == 0 else "Upcoming", rules))
    grid.rows += [event_row(inp, e, "Past", rules) for e in past]
    return grid


def _event_order(event: EventSpec) -> tuple[date, str, str]:
    return event.date, event.start.isoformat() if event.start else "", event.key


def event_row(inp: RollupInput, event: EventSpec, when: str, rules: Sequence[AttendanceRule]
              ) -> list[Value]:
    time = ""
    if event.start:
        time = event.start.strftime("%H:%M") + (f"–{event.end:%H:%M}" if event.end else "")
    mode = event.mode.replace("_", " ") if event.start else ""  # a deadline has no mode
    row: list[Value] = [when, event.date, time, event.title, mode, event.location]
    rule = next((r for r in rules if r.event_kind == event.kind), None)
    if rule is None:
        return [*row, None, None, None, None, None]
    expected = _expected_people(inp, rule)
    if when != "Past":
        return [*row, len(expected), None, None, None, None]
    return row + _attendance_cells(inp, event, rule, expected)


def _expected_people(inp: RollupInput, rule: AttendanceRule) -> dict[str, str]:
    """email → team id of who the commitment expects at this kind of event."""
    out: dict[str, str] = {}
    for view in inp.teams:
        email = view.team.tl_email if rule.who == "tl" else view.team.principal_email
        if email:
            out[email.lower()] = view.team.team_id
    return out


def _attendance_cells(inp: RollupInput, event: EventSpec, rule: AttendanceRule,
                      expected: dict[str, str]) -> list[Value]:
    records = {a.email.lower(): a.attended for a in inp.program.attendance
               if a.event_key == event.key}
    went_elsewhere: set[str] = set()
    if rule.mode == "any":  # one session of several is enough: others are not "missing"
        keys = {e.key for e in inp.program.events if e.kind == event.kind and e.date < inp.as_of}
        went_elsewhere = {a.email.lower() for a in inp.program.attendance
                          if a.event_key in keys and a.attended}
    attended = [e for e in expected if records.get(e) is True]
    absent = [e for e in expected if records.get(e) is False]
    unknown = [e for e in expected if e not in records]
    missing = [f"{expected[e]} (absent)" for e in absent if e not in went_elsewhere]
    missing += [f"{expected[e]} (not recorded)" for e in unknown if e not in went_elsewhere]
    return [len(expected), len(attended), len(absent), len(unknown), ", ".join(sorted(missing))]


# --- About ---------------------------------------------------------------------------------


def about_grid(inp: RollupInput, tpl: RollupTemplate, facts: RunFacts) -> Grid:
    """Facts: as of when, from what; the run's own facts are marked volatile."""
    grid = _grid(tpl, "about")
    grid.header = False
    program = inp.program
    roster: Value = None
    if program.roster_id:
        roster = Link(url=cell_link(program.roster_id), text="Program roster")
    unreadable = [v.team.team_id + ": " + (v.status.findings[0].found if v.status.findings
                                          else "unreadable")
                  for v in inp.teams if v.status.overall == "Unreadable"]
    versions = ", ".join(f"{name} v{v}" for name, v in sorted(inp.versions.items()))
    counts = {s: sum(1 for v in inp.teams if v.status.overall == s) for s in tpl.status_order}
    by_status = ", ".join(f"{s} {n}" for s, n in counts.items())
    rows: list[list[Value]] = [
        ["Program", program.name],
        ["As of", inp.as_of],
        ["School year", f"{program.school_year_start} to {program.school_year_end}"],
        ["Teams", f"{len(inp.teams)} active: {by_status}"],
        ["Roster", roster],
        ["Templates", versions],
        ["Unreadable workbooks", "; ".join(unreadable) or "none"],
        ["Written at", facts.generated_at.replace(microsecond=0)],
        ["Workbooks read / reused", f"{facts.read} read, {facts.reused} reused from the last run"],
        ["API calls (this run)", _calls_text(facts.calls)],
    ]
    grid.volatile_rows = [7, 8, 9]
    grid.rows = rows + [[r[0] if r else "", r[1] if len(r) > 1 else ""] for r in
                        tpl.tab("about").text]
    return grid


def state_grid(tpl: RollupTemplate, column: Sequence[str]) -> Grid:
    """The hidden tab the next run reads back (see ``rollup_state``)."""
    grid = _grid(tpl, "state")
    grid.header = False
    grid.hidden = True
    grid.rows = [[text] for text in column]
    return grid


def _calls_text(calls: dict[str, dict[str, int]]) -> str:
    parts = [f"{api} {c.get('read', 0)} read / {c.get('write', 0)} write"
             for api, c in calls.items() if c.get("read", 0) or c.get("write", 0)]
    return ", ".join(parts) or "none"

