"""One TL typing one season, as ``season.plan_team`` asks: every tab from the template's first
free row, the mistakes real TLs make planted where ``collect`` must find them."""

from __future__ import annotations

import calendar
import random
from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from tst_sheets.commitments import load_commitments
from tst_sheets.commitments.team_size import TeamSizeRule
from tst_sheets.demo.planted import IMPORTXML, SEED, MistakeKind, Planted, TeamTyping
from tst_sheets.demo.sample import SampleTeam, team_tab_rows
from tst_sheets.demo.typing_habits import COACHING_MINUTES, MEETING_MINUTES, typed_date, typo
from tst_sheets.model import Program
from tst_sheets.model.a1 import absolute_range_name, rowcol_to_a1
from tst_sheets.templates import WorkbookTemplate, load_template

DATA = Path(__file__).parent / "data" / "season.yaml"
RENAMED = ("meetings", "attendees", "Who came")  # tab, column, what the TL typed over it
DELETED = "sprints"
FIRST_ROW = 3  # below the template's example row, which TLs mostly leave in place
COPIED_FORMULA = "=VLOOKUP(A{row},'2025-26 Log'!A:C,2,FALSE)"
SHORT_MINUTES = "20"
AT_FORMULA = "@SUM(B3:B9)"
TYPED_TABS = ("team", "goals", "work_plan", "meetings", "coaching", "checkins", "data", "sprints")


class Step(BaseModel):
    step: str
    outcome: str
    measure: str


class Focus(BaseModel):
    """What a team of one focus area works on, and the words its TL uses."""

    goal: str  # seed 003's form; {b} baseline, {t} target, {by} the month and year
    no_target: str  # the same goal as a TL writes it without a target
    data_source: str
    baseline: int
    target: int
    measure: str
    steps: list[Step]
    meeting_focus: list[str]
    coaching_focus: list[str]


class SeasonData(BaseModel):
    default_focus: str
    step_timelines: list[str]
    sprints: list[tuple[str, str]]
    checkins: list[str]
    data_points: list[tuple[str, str]]
    focus_areas: dict[str, Focus]

    def focus(self, area: str) -> Focus:
        return self.focus_areas.get(area, self.focus_areas[self.default_focus])


@cache
def season_data() -> SeasonData:
    return SeasonData.model_validate(yaml.safe_load(DATA.read_text(encoding="utf-8")))


def month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


class TypedTab:
    """Rows typed into one tab from ``FIRST_ROW`` on, in the template's column order."""

    def __init__(self, template: WorkbookTemplate, key: str) -> None:
        self.spec = template.tab(key)
        self.keys = [c.key for c in self.spec.columns]
        self.rows: list[list[str]] = []

    def add(self, **cells: str) -> int:
        """Append a row (column key → typed text); its sheet row number."""
        self.rows.append([cells.get(k, "") for k in self.keys])
        return FIRST_ROW + len(self.rows) - 1

    def cell(self, key: str, row: int) -> str:
        return str(rowcol_to_a1(row, self.keys.index(key) + 1))

    @property
    def next_row(self) -> int:
        """Where the TL would type next: where a commitment with no row points."""
        return FIRST_ROW + len(self.rows)

    def data(self) -> dict[str, Any]:
        return {"range": absolute_range_name(self.spec.title, f"A{FIRST_ROW}"), "values": self.rows}


class Typist:
    """One TL typing one season; ``planted`` says where each mistake went."""

    def __init__(
        self,
        sample: SampleTeam,
        program: Program,
        as_of: date,
        mistakes: Sequence[MistakeKind],
        template: WorkbookTemplate,
        seed: int,
        typed_in_date: str = IMPORTXML,
    ) -> None:
        self.sample, self.team, self.program = sample, sample.team, program
        self.typed_in_date = typed_in_date
        self.as_of, self.mistakes, self.template = as_of, set(mistakes), template
        self.rng = random.Random(f"{seed}:{sample.team.team_id}")
        self.year = program.school_year_start.year
        self.data = season_data()
        self.focus = self.data.focus(sample.team.focus_area)
        self.planted: list[Planted] = []
        self.tabs = {key: TypedTab(template, key) for key in TYPED_TABS}
        self.extra: list[dict[str, Any]] = []  # single cells typed over (a renamed header)

    # -- helpers ------------------------------------------------------------------------------

    def day(self, month: int, day: int) -> date:
        """A date of the school year given its month and day (Aug-Dec: the fall's year)."""
        return date(self.year if month >= 7 else self.year + 1, month, day)

    def when(self, day: date) -> str:
        return typed_date(day, self.rng, self.year)

    def plant(self, kind: MistakeKind, key: str, cell: str | None, rule: str | None,
              typed: str = "", found: str = "") -> None:  # fmt: skip
        title = self.template.tab(key).title
        self.planted.append(
            Planted(
                team=self.team.team_id,
                kind=kind,
                tab=title,
                cell=cell,
                rule=rule,
                typed=typed,
                found=found,
            )
        )

    def people(self, k: int) -> str:
        names = [m.name for m in self.sample.members if m.left is None]
        chosen = self.rng.sample(names, min(k, len(names)))
        sep = self.rng.choice([", ", ", ", "; ", "\n"])
        return sep.join(typo(n, self.rng) for n in chosen)

    def months(self) -> list[date]:
        """First days of the months from the school year's start to the as-of date."""
        out, month = [], self.program.school_year_start.replace(day=1)
        while month <= min(self.as_of, self.program.school_year_end):
            out.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return out

    def pick(self, month: date, first: int, last: int) -> date | None:
        """A Monday-Thursday in [first, last] of the month, outside breaks and the year's ends."""
        last = min(last, calendar.monthrange(month.year, month.month)[1])
        start = self.program.school_year_start
        days = [
            d
            for n in range(first, last + 1)
            if (d := month.replace(day=n)).weekday() < 4
            and start < d <= self.program.school_year_end
            and not any(b.contains(d) for b in self.program.breaks)
        ]
        return self.rng.choice(days) if days else None

    def twice(self, month: date, shift: int) -> list[date]:
        """Two dates in a month (early and mid-month, so both are in by the 21st)."""
        start = self.program.school_year_start
        if (month.year, month.month) == (start.year, start.month):
            mid = start.day + (31 - start.day) // 2
            windows = [(start.day + 2, mid), (mid + 1, 31)]
        else:
            windows = [(3 + shift, 10 + shift), (13 + shift, 20 + shift)]
        picked = [self.pick(month, a, b) for a, b in windows]
        return [d for d in picked if d is not None and d <= self.as_of]

    def complete_months(self) -> list[date]:
        """Months fully before the as-of month, after the first: where a miss is a miss."""
        return [m for m in self.months()[1:] if m < self.as_of.replace(day=1)]

    # -- the tabs -----------------------------------------------------------------------------

    def type_all(self) -> None:
        self.team_tab()
        self.goals()
        self.work_plan()
        self.meetings()
        self.coaching()
        self.checkins()
        self.data_tab()
        if "deleted_tab" not in self.mistakes:
            self.sprints()
        self.member_left()

    def team_tab(self) -> None:
        tab = self.tabs["team"]
        for row in team_tab_rows(self.sample):
            tab.add(**dict(zip(tab.keys, row, strict=False)))

    def goals(self) -> None:
        f, tab = self.focus, self.tabs["goals"]
        by = f"May {self.year + 1}"
        set_on = self.day(*month_day(self.data.checkins[0]))
        if set_on > self.as_of:
            return
        missing = "goal_without_target" in self.mistakes
        goal = (f.no_target if missing else f.goal).format(b=f.baseline, t=f.target, by=by)
        row = tab.add(
            goal=goal,
            focus_area=self.team.focus_area,
            data_source=f.data_source,
            baseline=f"{f.baseline}%",
            target="" if missing else self.rng.choice([f"{f.target}%", str(f.target)]),
            target_date=self.rng.choice([f"5/31/{self.year + 1}", f"May 31, {self.year + 1}"]),
            set_with_principal_on=self.when(set_on),
            status="On track",
        )
        if missing:
            self.plant(
                "goal_without_target",
                "goals",
                tab.cell("target", row),
                "smart_goal",
                found="without target",
            )

    def work_plan(self) -> None:
        f, tab = self.focus, self.tabs["work_plan"]
        if self.day(*month_day(self.data.checkins[0])) > self.as_of:
            return
        y, heading = self.year, self.rng.random() < 0.5
        if heading:  # seed 003's "Goal 1" row heading the steps below it
            tab.add(goal="Goal 1")
        no_measure = 1 if "step_without_measure" in self.mistakes else -1
        for i, item in enumerate(f.steps):
            step, outcome, measure = item.step, item.outcome, item.measure
            timeline = self.data.step_timelines[i].format(y=y, yy=f"{(y + 1) % 100:02d}", y1=y + 1)
            due = {0: date(y, 10, 31), 1: date(y, 12, 31)}.get(i)
            person = self.team.tl_name if i % 2 == 0 else self.people(2).replace("\n", " / ")
            row = tab.add(
                goal="" if heading else "Goal 1",
                action_step=step,
                timeline=timeline,
                expected_outcome=outcome,
                measure="" if i == no_measure else measure.format(b=f.baseline, t=f.target),
                person_responsible=person,
                status="Done" if due and due < self.as_of else "In progress",
            )
            if i == no_measure:
                self.plant(
                    "step_without_measure", "work_plan", tab.cell("measure", row), "work_plan"
                )

    def meetings(self) -> None:
        tab, f = self.tabs["meetings"], self.focus
        complete = self.complete_months()
        missed = complete[-1] if "missed_month" in self.mistakes and complete else None
        after_gap: int | None = None  # the first row after the missed month: where it shows
        for month in self.months():
            if month == missed:
                continue
            for day in self.twice(month, 0):
                row = tab.add(
                    date=self.when(day),
                    minutes=self.rng.choice(MEETING_MINUTES),
                    attendees=self.people(self.rng.randint(3, 5)),
                    focus=self.rng.choice(f.meeting_focus),
                    decisions=self.rng.choice(
                        [
                            "Bring student work",
                            "Survey draft by Friday",
                            "Share calendar with staff",
                            "",
                        ]
                    ),
                )
                self.meeting_mistakes(tab, row)
                if missed is not None and month > missed and after_gap is None:
                    after_gap = row
        if "formula_in_date" in self.mistakes:
            typed = self.typed_in_date
            row = tab.add(date=typed, minutes="30", attendees=self.team.tl_name, focus="Notes")
            self.plant("formula_in_date", "meetings", tab.cell("date", row), "unreadable_value",
                       typed=typed.removeprefix("'"), found="(not a date)")  # fmt: skip
        if missed is not None:
            self.plant(
                "missed_month",
                "meetings",
                tab.cell("date", after_gap or tab.next_row),
                "team_meetings",
                found=f"0 meetings in {missed:%B %Y}",
            )
        if "renamed_header" in self.mistakes:
            col = tab.keys.index(RENAMED[1]) + 1
            cell = str(rowcol_to_a1(1, col))
            self.extra.append(
                {"range": absolute_range_name(tab.spec.title, cell), "values": [[RENAMED[2]]]}
            )
            self.plant("renamed_header", "meetings", cell, "column_missing", typed=RENAMED[2])

    def meeting_mistakes(self, tab: TypedTab, row: int) -> None:
        """On the third meeting: last year's formula in Minutes; on the fourth, an @ note."""
        index = row - FIRST_ROW
        if index == 2 and "formula_error" in self.mistakes:
            formula = COPIED_FORMULA.format(row=row)
            tab.rows[-1][tab.keys.index("minutes")] = formula
            self.plant(
                "formula_error",
                "meetings",
                tab.cell("minutes", row),
                "formula_error",
                typed=formula,
                found="#REF!",
            )
        if index == 3 and "formula_text" in self.mistakes:
            tab.rows[-1][tab.keys.index("decisions")] = AT_FORMULA
            self.plant(
                "formula_text", "meetings", tab.cell("decisions", row), None, typed=AT_FORMULA
            )

    def coaching(self) -> None:
        tab, f = self.tabs["coaching"], self.focus
        coach = self.program.coach(self.team.coach_email)
        complete = self.complete_months()
        short = complete[-2] if len(complete) >= 2 else (complete or self.months())[-1]
        for month in self.months():
            days = self.twice(month, 1)
            extra = self.pick(month, 22, 29) if month == short else None
            if "short_coaching" in self.mistakes and extra and extra <= self.as_of:
                days.append(extra)
            for day in days:
                is_short = day == extra
                first_short = "short_first_coaching" in self.mistakes and not tab.rows
                minutes = "20 min" if is_short else self.rng.choice(COACHING_MINUTES)
                row = tab.add(
                    date=self.when(day),
                    minutes=SHORT_MINUTES if first_short else minutes,
                    coach=typo(coach.name, self.rng) if coach else "",
                    mode=self.rng.choice(["Virtual", "Virtual", "virtual", "Phone"]),
                    focus=self.rng.choice(f.coaching_focus),
                    next_steps=self.rng.choice(["Draft agenda", "Try the protocol", ""]),
                )
                if is_short:
                    self.plant(
                        "short_coaching",
                        "coaching",
                        tab.cell("minutes", row),
                        "coaching",
                        typed="20 min",
                        found="20 min",
                    )
                if first_short:
                    self.plant(
                        "short_first_coaching",
                        "coaching",
                        tab.cell("minutes", row),
                        "coaching",
                        typed=SHORT_MINUTES,
                        found="20 min",
                    )
                if row - FIRST_ROW == 2 and "formula_text" in self.mistakes:
                    tab.rows[-1][tab.keys.index("next_steps")] = IMPORTXML
                    self.plant(
                        "formula_text",
                        "coaching",
                        tab.cell("next_steps", row),
                        None,
                        typed=IMPORTXML[1:],
                    )

    def checkins(self) -> None:
        tab = self.tabs["checkins"]
        if "no_checkins" in self.mistakes:
            cell = tab.cell("date", tab.next_row)
            self.plant("no_checkins", "checkins", cell, "principal_checkins", found="0 check-ins")
            return
        principal = self.team.principal_name
        for text in self.data.checkins:
            when = self.day(*month_day(text))
            if when > self.as_of:
                break
            tab.add(
                date=self.when(when),
                minutes=self.rng.choice(["30", "45 min", "20", "1 h"]),
                principal=typo(principal.split(maxsplit=1)[-1], self.rng),
                topics=self.rng.choice(["Goal progress", "Team schedule", "Data review"]),
                agreements=self.rng.choice(["Keep 2nd/4th Tuesdays", "Share data at PLC", ""]),
            )

    def data_tab(self) -> None:
        tab, f = self.tabs["data"], self.focus
        for i, (point, text) in enumerate(self.data.data_points):
            when = self.day(*month_day(text))
            if when > self.as_of:
                break
            value = f.baseline + i * (f.target - f.baseline) // 2
            tab.add(
                collection_point=point,
                date=self.when(when),
                measure=f.measure,
                value=self.rng.choice([f"{value}%", str(value)]),
                target=f"{f.target}%",
            )

    def sprints(self) -> None:
        tab = self.tabs["sprints"]
        for n, (first, last) in enumerate(self.data.sprints, start=1):
            start, end = self.day(*month_day(first)), self.day(*month_day(last))
            if start > self.as_of:
                break
            done = end <= self.as_of
            tab.add(
                sprint=f"Sprint {n}",
                start=self.when(start),
                end=self.when(end),
                focus=self.rng.choice(self.focus.meeting_focus),
                result="Met" if done else "",
                reflection="Start earlier next time" if done else "",
            )

    def member_left(self) -> None:
        """A departure the TL recorded that leaves the team too small (the sample's T09)."""
        gone = [m for m in self.sample.members if m.left and m.left <= self.as_of]
        active = [m for m in self.sample.members if m not in gone and m.joined <= self.as_of]
        size = next((c for c in load_commitments().commitments if c.rule.kind == "team_size"), None)
        if not gone or size is None or not isinstance(size.rule, TeamSizeRule):
            return
        if len(active) < size.rule.min_others:
            tab = self.tabs["team"]
            self.plant(
                "member_left",
                "team",
                tab.cell("name", tab.next_row),
                size.id,
                found=f"{len(active)} active members",
            )

    # -- the writes ---------------------------------------------------------------------------

    def typing(self) -> TeamTyping:
        self.type_all()
        data = [tab.data() for tab in self.tabs.values() if tab.rows] + self.extra
        requests: list[dict[str, Any]] = []
        if "deleted_tab" in self.mistakes:
            sheet_id = self.template.tab(DELETED).sheet_id
            requests.append({"deleteSheet": {"sheetId": sheet_id}})
            self.plant("deleted_tab", DELETED, None, "tab_missing")
        return TeamTyping(
            team_id=self.team.team_id,
            tl_email=self.team.tl_email,
            data=data,
            requests=requests,
            planted=self.planted,
        )


def plan_team(
    sample: SampleTeam,
    program: Program,
    as_of: date,
    mistakes: Sequence[MistakeKind] = (),
    *,
    template: WorkbookTemplate | None = None,
    seed: int = SEED,
    typed_in_date: str = IMPORTXML,
) -> TeamTyping:
    """Pure: what one TL types up to ``as_of``, and where each planted mistake is
    (``typed_in_date``: the text a ``formula_in_date`` mistake types)."""
    tpl = template or load_template("team_workbook")
    return Typist(sample, program, as_of, mistakes, tpl, seed, typed_in_date).typing()
