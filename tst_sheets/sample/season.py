"""A school year of entries, typed into the sample teams' workbooks the way TLs type them.

Each TL types (``USER_ENTERED``, as the Sheets UI does) their Team, Goals, Work Plan,
Meetings, Coaching, Principal Check-ins, Data and Sprints tabs up to an as-of date: dates as
"9/14", "Sept 14", "Tues 9/15" or "2026-10-02", durations as "30", "30 min" or "0.5 h", names
with typos. Some teams make the mistakes real TLs make; each one is returned as a ``Planted``
with the tab and cell where ``collect`` must find it. The rest are clean.

Calls: 1 ``values.batchUpdate`` per team (every tab at once) as that team's TL, plus 1
``spreadsheets.batchUpdate`` for a team whose mistake is structural (a deleted tab).
Deterministic: the same seed, teams and as-of date type the same season.

Year-less dates ("9/14", "Sept 14") are typed only for the fall: Google gives them the year
they are typed in, and a TL types an entry in the year it happened.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Literal

from gspread.utils import absolute_range_name, rowcol_to_a1
from pydantic import BaseModel, Field

from tst_sheets.commitments import TeamSizeRule, load_commitments
from tst_sheets.model import Program
from tst_sheets.sample.program import SampleTeam, sample_program, sample_teams, team_tab_rows
from tst_sheets.templates import WorkbookTemplate, load_template
from tst_sheets.workspace import Workspace, add_calls

SEED = 2026
DEMO_AS_OF = date(2026, 11, 23)  # the demo's "today": a quarter into the sample school year
MistakeKind = Literal[
    "missed_month",  # no team meetings in one whole month
    "short_coaching",  # a 20-minute coaching session (does not count)
    "renamed_header",  # a required header retyped ("Attendees" → "Who came")
    "deleted_tab",  # the Sprints tab deleted
    "goal_without_target",  # a SMART goal that never says where it is going
    "step_without_measure",  # a work-plan step with no evaluative measure
    "formula_text",  # formula-looking text in a note: must stay text, never a finding
    "formula_error",  # a formula copied from last year's log: #REF!
    "member_left",  # a member left and the team is below its minimum size
    "short_first_coaching",  # the season's first coaching session typed as "20" (minutes)
    "formula_in_date",  # formula-looking text typed as a meeting's date: a finding, kept as text
]
ALL_MISTAKES: tuple[MistakeKind, ...] = (
    "missed_month",
    "short_coaching",
    "renamed_header",
    "deleted_tab",
    "goal_without_target",
    "step_without_measure",
    "formula_text",
    "formula_error",
)
# the demo's cohort: seven teams with mistakes, the rest clean (T09's member leaves on its own)
DEFAULT_PLAN: dict[str, tuple[MistakeKind, ...]] = {
    "T01": ("missed_month",),
    "T02": ("short_coaching", "formula_text"),
    "T03": ("renamed_header",),
    "T04": ("deleted_tab",),
    "T05": ("goal_without_target",),
    "T06": ("step_without_measure",),
    "T07": ("formula_error", "formula_text"),
}
RENAMED = ("meetings", "attendees", "Who came")  # tab, column, what the TL typed over it
DELETED = "sprints"
FIRST_ROW = 3  # below the template's example row, which TLs mostly leave in place
COPIED_FORMULA = "=VLOOKUP(A{row},'2025-26 Log'!A:C,2,FALSE)"
IMPORTXML = '\'=IMPORTXML("https://tst.example.org/resources","//h2")'
SHORT_MINUTES = "20"
AT_FORMULA = "@SUM(B3:B9)"


class Planted(BaseModel):
    """One mistake typed into a workbook, and where ``collect`` must report it."""

    team: str
    kind: MistakeKind
    tab: str = Field(description="Tab title the finding names")
    cell: str | None = Field(default=None, description="A1; None for a whole tab")
    rule: str | None = Field(
        default=None, description="The finding's rule; None: kept as typed text, no finding"
    )
    typed: str = Field(default="", description="What the TL typed there")
    found: str = Field(default="", description="Words the finding's `found` contains")


class TeamTyping(BaseModel):
    """What one TL types: the values (one write) and any structural change (one more)."""

    team_id: str
    tl_email: str
    data: list[dict[str, Any]] = Field(default_factory=list)
    requests: list[dict[str, Any]] = Field(default_factory=list)
    planted: list[Planted] = Field(default_factory=list)


class Season(BaseModel):
    as_of: date
    teams: list[str] = Field(default_factory=list, description="Team ids typed into")
    clean: list[str] = Field(default_factory=list, description="Teams without a mistake")
    planted: list[Planted] = Field(default_factory=list)
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)

    def of(self, team_id: str) -> list[Planted]:
        return [p for p in self.planted if p.team == team_id]


# --- what the teams work on (one entry per focus area) ------------------------------------------


class Focus(BaseModel):
    goal: str  # seed 003's form; {b} baseline, {t} target, {by} the month and year
    no_target: str  # the same goal as a TL writes it without a target
    data_source: str
    baseline: int
    target: int
    measure: str
    steps: list[tuple[str, str, str]]  # action step, expected outcome, evaluative measure
    meeting_focus: list[str]
    coaching_focus: list[str]


# fmt: off
FOCUS: dict[str, Focus] = {
    "Teacher mentorship": Focus(
        goal="Because no more than {b}% of our first- and second-year teachers say they feel "
        "supported, at least {t}% will by {by}.",
        no_target="Because only {b}% of our new teachers say they feel supported, more of them "
        "will feel supported by {by}.",
        data_source="New-teacher survey",
        baseline=40,
        target=70,
        measure="New teachers who feel supported",
        steps=[
            ("Pair every new teacher with a mentor", "Mentor pairs meet weekly",
             "Mentor logs; baseline 0 pairs, target 8"),
            ("Run monthly mentor circles", "Mentors share one practice each month",
             "Circle attendance; target 80% of mentors"),
            ("Peer observation rounds", "Every new teacher observes two colleagues",
             "Observation forms; target 2 per teacher"),
            ("Spring new-teacher survey", "Survey results shared with staff",
             "Because no more than {b}% feel supported, at least {t}% will"),
        ],
        meeting_focus=["Mentor matching", "New-teacher survey results", "Observation cycle"],
        coaching_focus=["Facilitating mentor circles", "Using survey data", "Norms"],
    ),
    "Instructional alignment": Focus(
        goal="Because no more than {b}% of our students met the common unit benchmark, at least "
        "{t}% will meet it by {by}.",
        no_target="Because only {b}% of our students met the common unit benchmark, more "
        "students will meet it by {by}.",
        data_source="Common unit assessment",
        baseline=48,
        target=65,
        measure="Students meeting the unit benchmark",
        steps=[
            ("Map the shared unit calendar", "One calendar for the grade band",
             "Calendar adopted; target all teachers"),
            ("Write a common unit assessment", "Assessment given in every section",
             "Sections assessed; target 100%"),
            ("Score student work together", "Scoring agreement above 80%",
             "Calibration scores; baseline 55%, target 85%"),
            ("Reteach cycle after each unit", "Reteach plans for every unit",
             "Because no more than {b}% met the benchmark, at least {t}% will"),
        ],
        meeting_focus=["Unit calendar", "Common assessment", "Scoring student work"],
        coaching_focus=["Protocol for looking at student work", "Agenda planning", "Data talk"],
    ),
    "Climate and culture": Focus(
        goal="Because no more than {b}% of students say they feel safe at school, at least {t}% "
        "will by {by}.",
        no_target="Because only {b}% of students say they feel safe at school, more will by {by}.",
        data_source="Student climate survey",
        baseline=58,
        target=75,
        measure="Students who feel safe",
        steps=[
            ("Adopt schoolwide hallway expectations", "Expectations posted in every hall",
             "Walkthrough checklist; target 90%"),
            ("Launch advisory circles", "Weekly circles in every advisory",
             "Circle logs; target 30 advisories"),
            ("Recognition program for students", "Monthly recognition assemblies",
             "Referrals; baseline 40 a month, target 25"),
            ("Spring climate survey", "Survey given to every grade",
             "Because no more than {b}% feel safe, at least {t}% will"),
        ],
        meeting_focus=["Hallway expectations", "Advisory circles", "Referral data"],
        coaching_focus=["Engaging reluctant colleagues", "Circle facilitation", "Data review"],
    ),
    "Teacher-led PD": Focus(
        goal="Because no more than {b}% of teachers rated our PD as useful, at least {t}% will "
        "by {by}.",
        no_target="Because only {b}% of teachers rated our PD as useful, more will by {by}.",
        data_source="PD exit survey",
        baseline=35,
        target=70,
        measure="Teachers rating PD useful",
        steps=[
            ("Survey staff PD needs", "A ranked list of PD topics",
             "Survey responses; target 90% of staff"),
            ("Teacher-led PD sessions", "One session a month led by a teacher",
             "Sessions held; target 6"),
            ("Classroom follow-up visits", "Visits after every session",
             "Visit notes; target 2 per session"),
            ("PD exit survey", "Results shared at the spring staff meeting",
             "Because no more than {b}% rated PD useful, at least {t}% will"),
        ],
        meeting_focus=["PD needs survey", "Session planning", "Follow-up visits"],
        coaching_focus=["Planning adult learning", "Feedback on session plan", "Facilitation"],
    ),
    "Student achievement": Focus(
        goal="Because no more than {b}% of our students scored proficient on the fall "
        "benchmark, at least {t}% will by {by}.",
        no_target="Because only {b}% of our students scored proficient on the fall benchmark, "
        "more will by {by}.",
        data_source="District benchmark",
        baseline=42,
        target=60,
        measure="Students proficient on the benchmark",
        steps=[
            ("Analyze fall benchmark by standard", "Three priority standards chosen",
             "Item analysis; baseline 42%"),
            ("Small-group intervention blocks", "Intervention four days a week",
             "Attendance logs; target 90%"),
            ("Common formative checks", "A check every two weeks",
             "Check results; target 70% mastery"),
            ("Winter and spring benchmark review", "Groups regrouped after each benchmark",
             "Because no more than {b}% were proficient, at least {t}% will"),
        ],
        meeting_focus=["Benchmark item analysis", "Intervention groups", "Formative checks"],
        coaching_focus=["Data protocols", "Grouping students", "Tracking progress"],
    ),
    "Family engagement": Focus(
        goal="Because no more than {b}% of families attended conferences, at least {t}% will "
        "attend by {by}.",
        no_target="Because only {b}% of families attended conferences, more families will "
        "attend by {by}.",
        data_source="Conference sign-in sheets",
        baseline=30,
        target=55,
        measure="Families attending conferences",
        steps=[
            ("Family contact log for every advisory", "Every family contacted by October",
             "Contact log; target 100% of families"),
            ("Bilingual conference invitations", "Invitations in every home language",
             "Invitations sent; target all families"),
            ("Evening family workshop", "One workshop a semester",
             "Sign-ins; baseline 20 families, target 60"),
            ("Spring conferences", "Conferences with sign-in data",
             "Because no more than {b}% attended, at least {t}% will"),
        ],
        meeting_focus=["Contact log", "Workshop planning", "Conference turnout"],
        coaching_focus=["Family outreach", "Workshop agenda", "Reading sign-in data"],
    ),
}
# fmt: on
OTHER_FOCUS = "Instructional alignment"
STEP_TIMELINES = ("Oct {y}", "December/{y}", "Quarterly/{y}-{yy}", "April-May/{y1}")
SPRINTS = ((9, 8, 10, 20), (10, 27, 12, 15), (1, 11, 3, 12), (3, 22, 5, 14))  # m, d, m, d
CHECKIN_DAYS = ((8, 28), (10, 8), (11, 17), (1, 14), (3, 4), (4, 22), (5, 20))
DATA_POINTS = (("Baseline", 9, 15), ("Mid-Year", 1, 21), ("End-of-Year", 5, 20))


# --- typing the way people type -----------------------------------------------------------------

MONTHS = ["", "Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct",
          "Nov", "Dec"]  # fmt: skip
WEEKDAYS = ["Mon", "Tues", "Wed", "Thurs", "Fri", "Sat", "Sun"]


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def typed_date(day: date, rng: random.Random, fall_year: int) -> str:
    """A date as a TL types it; year-less only in the fall (see the module note)."""
    mon = MONTHS[day.month]
    with_year = [
        day.isoformat(),
        f"{day.month}/{day.day}/{day.year}",
        f"{day.month:02d}/{day.day:02d}/{day.year}",
        f"{mon} {day.day}, {day.year}",
        f"{day.day} {mon} {day.year}",
    ]
    yearless = [
        f"{day.month}/{day.day}",
        f"{mon} {day.day}",
        f"{mon[:3]} {_ordinal(day.day)}",
        f"{WEEKDAYS[day.weekday()]} {day.month}/{day.day}",
    ]
    return rng.choice(with_year + yearless if day.year == fall_year else with_year)


MEETING_MINUTES = ["45", "45 min", "1 h", "0.75 h", "60 mins", "50", "1:00", "40"]
COACHING_MINUTES = ["30", "30 min", "0.5 h", "half hour", "30m", "35 min", "30"]


def typo(name: str, rng: random.Random) -> str:
    """A name as people type it in a hurry: initials, a dropped or swapped letter, or right."""
    first, *rest = name.split()
    last = rest[-1] if rest else ""
    roll = rng.random()
    if roll < 0.2 and last:
        return f"{first} {last[0]}."
    if roll < 0.35 and len(last) > 4:
        i = rng.randrange(1, len(last) - 1)
        return f"{first} {last[:i]}{last[i + 1 :]}"
    if roll < 0.45 and len(first) > 3:
        i = rng.randrange(1, len(first) - 2)
        return f"{first[:i]}{first[i + 1]}{first[i]}{first[i + 2 :]} {last}".strip()
    if roll < 0.6:
        return first
    return name


# --- one team's season --------------------------------------------------------------------------


class _Tab:
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


class _Typist:
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
        self.focus = FOCUS.get(sample.team.focus_area, FOCUS[OTHER_FOCUS])
        self.planted: list[Planted] = []
        self.tabs = {key: _Tab(template, key) for key in _TYPED_TABS}
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
        set_on = self.day(*CHECKIN_DAYS[0])
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
        if self.day(*CHECKIN_DAYS[0]) > self.as_of:
            return
        y, heading = self.year, self.rng.random() < 0.5
        if heading:  # seed 003's "Goal 1" row heading the steps below it
            tab.add(goal="Goal 1")
        no_measure = 1 if "step_without_measure" in self.mistakes else -1
        for i, (step, outcome, measure) in enumerate(f.steps):
            timeline = STEP_TIMELINES[i].format(y=y, yy=f"{(y + 1) % 100:02d}", y1=y + 1)
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
        if "formula_in_date" in self.mistakes:
            typed = self.typed_in_date
            row = tab.add(date=typed, minutes="30", attendees=self.team.tl_name, focus="Notes")
            self.plant("formula_in_date", "meetings", tab.cell("date", row), "unreadable_value",
                       typed=typed.removeprefix("'"), found="(not a date)")  # fmt: skip
        if missed is not None:
            self.plant(
                "missed_month",
                "meetings",
                tab.cell("date", tab.next_row),
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

    def meeting_mistakes(self, tab: _Tab, row: int) -> None:
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
        principal = self.team.principal_name
        for month, day in CHECKIN_DAYS:
            when = self.day(month, day)
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
        for i, (point, month, day) in enumerate(DATA_POINTS):
            when = self.day(month, day)
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
        for n, (m1, d1, m2, d2) in enumerate(SPRINTS, start=1):
            start, end = self.day(m1, d1), self.day(m2, d2)
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


_TYPED_TABS = ("team", "goals", "work_plan", "meetings", "coaching", "checkins", "data", "sprints")


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
    return _Typist(sample, program, as_of, mistakes, tpl, seed, typed_in_date).typing()


# --- typing it ----------------------------------------------------------------------------------


def type_season(
    connect_as: Callable[[str], Workspace],
    books: Mapping[str, str],
    as_of: date,
    *,
    plan: Mapping[str, Sequence[MistakeKind]] | None = None,
    program: Program | None = None,
    seed: int = SEED,
    typed_in_date: Mapping[str, str] | None = None,
) -> Season:
    """Each TL of ``books`` (team id → spreadsheet id) types their season as themselves
    (``typed_in_date``: team id → the text its ``formula_in_date`` mistake types)."""
    program = program or sample_program()
    plan = DEFAULT_PLAN if plan is None else plan
    template = load_template("team_workbook")
    season = Season(as_of=as_of)
    calls = []
    for sample in sample_teams():
        book = books.get(sample.team.team_id)
        if not book:
            continue
        mistakes = plan.get(sample.team.team_id, ())
        typed = (typed_in_date or {}).get(sample.team.team_id, IMPORTXML)
        typing = plan_team(
            sample, program, as_of, mistakes, template=template, seed=seed, typed_in_date=typed
        )
        calls.append(write_typing(connect_as(typing.tl_email), book, typing))
        season.teams.append(typing.team_id)
        season.planted += typing.planted
        if not any(p.rule for p in typing.planted):
            season.clean.append(typing.team_id)
    season.calls = add_calls(*calls)
    return season


def type_sample_season(
    connect_as: Callable[[str], Workspace], books: Mapping[str, str], as_of: date = DEMO_AS_OF
) -> list[Planted]:
    """The demo's season: ``DEFAULT_PLAN`` over the sample teams; what was planted where."""
    return type_season(connect_as, books, as_of).planted


def write_typing(tl: Workspace, book: str, typing: TeamTyping) -> dict[str, dict[str, int]]:
    """1 values.batchUpdate (USER_ENTERED, as the Sheets UI) + 1 batchUpdate if structural."""
    before = tl.calls()
    body = {"valueInputOption": "USER_ENTERED", "data": typing.data}
    tl.sheets.http_client.values_batch_update(book, body)
    if typing.requests:
        tl.sheets.http_client.batch_update(book, {"requests": typing.requests})
    return tl.counter.since(before)


__all__ = [
    "ALL_MISTAKES",
    "DEFAULT_PLAN",
    "DEMO_AS_OF",
    "MistakeKind",
    "Planted",
    "Season",
    "TeamTyping",
    "plan_team",
    "type_sample_season",
    "type_season",
    "typed_date",
]
