"""Commitments as data, checked as of a date: statuses, figures, and findings on exact cells."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from tst_sheets.commitments import (
    COMMITMENTS_FILE,
    CommitmentSet,
    evaluate,
    load_commitments,
    unreadable_status,
)
from tst_sheets.model import (
    Attendance,
    DateRange,
    EventSpec,
    Finding,
    Observation,
    Program,
    Team,
    TeamRecord,
    TeamStatus,
)
from tst_sheets.reading.workbook import data_tabs, read_workbook
from tst_sheets.templates import WorkbookTemplate, load_template

SID = "wb-1"
TL = "ana.ruiz@school.org"
PRINCIPAL = "pat.lee@school.org"


@pytest.fixture(scope="module")
def template() -> WorkbookTemplate:
    return load_template("team_workbook")


@pytest.fixture(scope="module")
def commitments() -> CommitmentSet:
    return load_commitments()


def program(**changes: Any) -> Program:
    base: dict[str, Any] = {
        "roster_id": "roster-1",
        "school_year_start": date(2026, 8, 1),
        "school_year_end": date(2027, 6, 30),
        "mid_year_data_due": date(2027, 1, 29),
        "end_of_year_data_due": date(2027, 6, 4),
        "events": [
            EventSpec(
                key="fall", title="Fall Training", kind="fall_training", date=date(2026, 8, 17)
            ),
            EventSpec(key="rt-sep", title="Roundtable", kind="roundtable", date=date(2026, 9, 15)),
            EventSpec(key="rt-oct", title="Roundtable", kind="roundtable", date=date(2026, 10, 20)),
            EventSpec(
                key="pt-1",
                title="Principal training",
                kind="principal_training",
                date=date(2026, 7, 14),
            ),
            EventSpec(
                key="pt-2",
                title="Principal training",
                kind="principal_training",
                date=date(2026, 7, 21),
            ),
        ],
        "attendance": [
            Attendance(event_key=k, email=TL, attended=True) for k in ("fall", "rt-sep", "rt-oct")
        ]
        + [Attendance(event_key="pt-2", email=PRINCIPAL, attended=True)],
        "observations": [Observation(team_id="T1", date=date(2026, 10, 1))],
    }
    return Program(**{**base, **changes})


def team(**changes: Any) -> Team:
    return Team(
        **{
            "team_id": "T1",
            "school": "Lincoln",
            "tl_name": "Ana Ruiz",
            "tl_email": TL,
            "principal_email": PRINCIPAL,
            "tl_years_teaching": 6,
            **changes,
        }
    )


MEMBERS = [
    ["Ana Ruiz", TL, "Teacher Liaison", "Grade 7 ELA", "8/17"],
    *[
        [f"Member {n}", f"m{n}@school.org", "Impact Team Member", "Grade 7", "8/17"]
        for n in range(1, 5)
    ],
]
GOAL = (
    "Because no more than 60% of our 7th graders met the writing benchmark, at least 75% "
    "will meet it by May 2027."
)
GOALS = [[GOAL, "Student achievement", "Writing rubric", "60%", "75%", "5/31/2027", "8/28"]]
WORK_PLAN = [
    [
        "Goal 1",
        "Norm the rubric",
        "Sept 2026",
        "Shared scoring",
        "Calibration 85%",
        "Ana Ruiz",
        "Done",
    ],
    [
        "Goal 1",
        "Score spring samples",
        "May 2027",
        "Scores",
        "Rubric scores",
        "Ana / J. Park",
        "Not started",
    ],
]


def meetings_each_month(*months: tuple[int, int], per_month: int = 2) -> list[list[Any]]:
    return [
        [f"{m}/{3 + 10 * i}/{y}", 45, "Ana, Member 1, Member 2"]
        for y, m in months
        for i in range(per_month)
    ]


FALL = ((2026, 8), (2026, 9), (2026, 10), (2026, 11))
CLEAN: dict[str, list[list[Any]]] = {
    "team": MEMBERS,
    "goals": GOALS,
    "work_plan": WORK_PLAN,
    "meetings": meetings_each_month(*FALL),
    "coaching": [[m[0], 30, "Kim", "Virtual"] for m in meetings_each_month(*FALL)],
    "checkins": [["8/28", 30, "Pat Lee"], ["10/30", 30, "Pat Lee"]],
    "data": [["Baseline", "9/15", "Writing benchmark", "60%"]],
    "sprints": [["Sprint 1", "9/8", "10/20", "Rubric"]],
}


def record(template: WorkbookTemplate, **tabs: list[list[Any]] | None) -> TeamRecord:
    """A workbook with the clean team's rows, tab by tab replaced (None: the tab is deleted)."""
    content = {**CLEAN, **tabs}
    ranges = [
        {"range": f"'{t.title}'!A1:AZ1000", "values": [t.headers(), *(content[t.key] or [])]}
        for t in data_tabs(template)
        if content.get(t.key) is not None
    ]
    return read_workbook(
        ranges,
        team_id="T1",
        spreadsheet_id=SID,
        template=template,
        school_year=DateRange(start=date(2026, 8, 1), end=date(2027, 6, 30)),
    )


def check(
    template: WorkbookTemplate,
    commitments: CommitmentSet,
    as_of: date,
    prog: Program | None = None,
    tm: Team | None = None,
    **tabs: list[list[Any]] | None,
) -> TeamStatus:
    return evaluate(record(template, **tabs), tm or team(), prog or program(), as_of, commitments)


def of(status: TeamStatus, commitment: str) -> list[tuple[str, str | None, str | None]]:
    return [(f.severity, f.tab, f.cell) for f in status.findings if f.rule == commitment]


def state(status: TeamStatus, commitment: str) -> str:
    found = status.commitment(commitment)
    assert found is not None
    return found.status


# --- a clean team -------------------------------------------------------------------------------


def test_a_clean_team_is_on_track_with_nothing_above_info(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    status = check(template, commitments, date(2026, 11, 30))
    assert status.overall == "On track"
    assert status.open_findings() == []
    m = status.metrics
    assert (m.meetings_this_month, m.meetings_last_month, m.meetings_required_per_month) == (
        2,
        2,
        2,
    )
    assert (m.coaching_sessions_this_month, m.coaching_minutes_this_month) == (2, 60)
    assert (m.checkins_to_date, m.checkins_expected_by_now, m.checkins_per_year) == (2, 1, 5)
    assert (m.data_mid_year, m.data_end_of_year) == ("not_due", "not_due")
    assert (m.work_plan_steps, m.work_plan_complete_steps, m.smart_goal) == (2, 2, True)
    assert m.last_activity == date(2026, 11, 13) and m.open_findings == 0


def test_every_finding_links_to_its_cell(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    status = check(
        template, commitments, date(2026, 12, 15), meetings=meetings_each_month(*FALL[:3])
    )
    finding = next(
        f for f in status.findings if f.rule == "team_meetings" and f.severity == "overdue"
    )
    gid = template.tab("meetings").sheet_id
    assert finding.link == f"https://docs.google.com/spreadsheets/d/{SID}/edit#gid={gid}&range=A8"
    assert (finding.found, finding.expected) == (
        "0 meetings in November 2026",
        "at least 2 meetings in November 2026",
    )


# --- months as of a date ------------------------------------------------------------------------

OCTOBER_TEAM = [[*row[:4], "10/1"] for row in MEMBERS]  # a team that started in October


@pytest.mark.parametrize(
    ("as_of", "meeting_state", "severities"),
    [
        (date(2026, 10, 10), "on_track", []),  # a third of October gone: 1 is on pace
        (date(2026, 10, 28), "due_soon", ["due_soon"]),  # October is running out
        (date(2026, 10, 31), "due_soon", ["due_soon"]),  # …until its last day
        (date(2026, 11, 1), "behind", ["overdue"]),  # October missed; November just begun
    ],
)
def test_one_meeting_in_october(
    template: WorkbookTemplate,
    commitments: CommitmentSet,
    as_of: date,
    meeting_state: str,
    severities: list[str],
) -> None:
    status = check(
        template,
        commitments,
        as_of,
        team=OCTOBER_TEAM,
        meetings=[["10/6/2026", 45, "Ana, Member 1"]],
    )
    assert state(status, "team_meetings") == meeting_state
    assert sorted(s for s, _, _ in of(status, "team_meetings")) == sorted(severities)
    october = [f for f in status.findings if f.rule == "team_meetings" and "October" in f.found]
    assert [f.found[:26] for f in october] == ["1 meetings in October 2026"] * len(severities)


def test_months_before_the_team_started_do_not_count(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    status = check(
        template,
        commitments,
        date(2026, 11, 30),
        team=OCTOBER_TEAM,
        meetings=meetings_each_month((2026, 10), (2026, 11)),
    )
    assert state(status, "team_meetings") == "on_track"


def test_a_month_mostly_on_break_asks_its_share(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    winter = DateRange(start=date(2026, 12, 12), end=date(2027, 1, 3), label="Winter break")
    months = (*FALL, (2027, 1))
    december = [["12/8/2026", 45, "Ana, Member 1"]]  # 9 of its 23 school days: it asks 1
    status = check(
        template,
        commitments,
        date(2027, 1, 31),
        prog=program(breaks=[winter]),
        meetings=meetings_each_month(*months) + december,
        coaching=[],
    )
    assert state(status, "team_meetings") == "on_track"
    no_break = check(
        template, commitments, date(2027, 1, 31), meetings=meetings_each_month(*months)
    )
    assert [f.found for f in no_break.findings if f.rule == "team_meetings"] == [
        "0 meetings in December 2026"
    ]


def test_months_outside_the_school_year_do_not_count(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    months = [(2026, m) for m in range(8, 13)] + [(2027, m) for m in range(1, 7)]
    status = check(template, commitments, date(2027, 8, 20), meetings=meetings_each_month(*months))
    assert state(status, "team_meetings") == "on_track"


# --- coaching -----------------------------------------------------------------------------------


def test_a_short_coaching_session_is_a_note_and_does_not_count(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    sessions: list[list[Any]] = [["11/3", 30, "Kim"], ["11/17", "20 min", "Kim"]]
    status = check(
        template,
        commitments,
        date(2026, 12, 1),
        coaching=sessions,
        prog=program(school_year_start=date(2026, 11, 1)),
    )
    assert ("info", "Coaching", "B3") in of(status, "coaching")
    assert ("overdue", "Coaching", "A2") in of(status, "coaching")  # November, its first row
    finding = next(f for f in status.findings if f.cell == "B3")
    assert finding.found == "20 min on Nov 17, 2026"
    missed = next(f for f in status.findings if f.cell == "A2")
    assert missed.found == (
        "1 coaching sessions in November 2026 (1 shorter than 30 min, not counted)"
    )
    assert state(status, "coaching") == "behind"


def test_a_coaching_session_with_blank_minutes_counts_and_the_blank_is_flagged(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    sessions: list[list[Any]] = [["11/3", 30, "Kim"], ["11/17", "", "Kim"]]
    status = check(
        template,
        commitments,
        date(2026, 11, 30),
        coaching=sessions,
        prog=program(school_year_start=date(2026, 11, 1)),
    )
    assert state(status, "coaching") == "on_track"
    assert [(f.rule, f.cell) for f in status.findings if f.tab == "Coaching"] == [
        ("required", "B3")
    ]


# --- principal check-ins, pro-rated -------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "dates", "expected", "verdict"),
    [
        (date(2026, 11, 23), ["8/28"], 1, "on_track"),
        (date(2027, 1, 15), ["8/28", "11/2"], 2, "on_track"),
        (date(2027, 1, 15), ["8/28"], 2, "at_risk"),
        (date(2027, 1, 15), [], 2, "behind"),
        (date(2027, 4, 20), ["8/28", "11/2", "1/10"], 3, "on_track"),
        (date(2027, 6, 30), ["8/28", "11/2", "1/10", "3/3"], 5, "behind"),  # the year is over
        (date(2027, 6, 30), ["8/28", "11/2", "1/10", "3/3", "5/5"], 5, "on_track"),
    ],
)
def test_checkins_pro_rated(
    template: WorkbookTemplate,
    commitments: CommitmentSet,
    as_of: date,
    dates: list[str],
    expected: int,
    verdict: str,
) -> None:
    status = check(template, commitments, as_of, checkins=[[d, 30, "Pat"] for d in dates])
    result = status.commitment("principal_checkins")
    assert result is not None and result.status == verdict
    assert result.figures["expected_by_now"] == expected
    assert result.summary == f"check-ins {len(dates)}, expected ≥{expected} by now, 5 by year end"


# --- data ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "rows", "mid", "severity"),
    [
        (date(2027, 1, 5), [], "not_due", None),
        (date(2027, 1, 20), [], "due_soon", "due_soon"),
        (date(2027, 2, 1), [], "missing", "overdue"),
        (date(2027, 2, 1), [["Mid-year", "1/25", "Writing", "68%"]], "collected", None),
        (date(2027, 2, 10), [["Mid-Year", "2/5", "Writing", "68%"]], "late", "warning"),
        (date(2027, 2, 1), [["MOY", "1/25", "Writing", ""]], "missing", "overdue"),
    ],
)
def test_mid_year_data(
    template: WorkbookTemplate,
    commitments: CommitmentSet,
    as_of: date,
    rows: list[list[Any]],
    mid: str,
    severity: str | None,
) -> None:
    data = [["Baseline", "9/15", "Writing benchmark", "60%"], *rows]
    status = check(template, commitments, as_of, data=data)
    assert status.metrics.data_mid_year == mid
    severities = [s for s, _, _ in of(status, "data_collection")]
    assert severities == ([severity] if severity else [])


def test_a_missing_value_is_one_finding_on_its_cell(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    data = [["Baseline", "9/15", "Writing", "60%"], ["Mid-year", "1/25", "Writing", ""]]
    status = check(template, commitments, date(2027, 2, 1), data=data)
    on_d3 = [f for f in status.findings if f.cell == "D3"]
    assert [(f.rule, f.severity) for f in on_d3] == [("data_collection", "overdue")]


def test_baseline_from_the_goal_when_the_data_tab_has_none(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    data = [["Mid-year", "1/25", "Writing", "68%"]]
    assert of(check(template, commitments, date(2027, 2, 1), data=data), "data_collection") == []
    no_baseline = [["Stuff", "Student achievement", "Rubric", "", "75%", "5/31/2027", "8/28"]]
    status = check(template, commitments, date(2027, 2, 1), data=data, goals=no_baseline)
    assert ("overdue", "Data", "A3") in of(status, "data_collection")


# --- the SMART goal -----------------------------------------------------------------------------


def goal_row(text: str, baseline: Any = "", target: Any = "", when: Any = "") -> list[Any]:
    return [text, "Student achievement", "Rubric", baseline, target, when, "8/28"]


@pytest.mark.parametrize(
    ("row", "flags"),
    [
        (goal_row(GOAL), []),  # the sentence alone carries baseline, target and date
        (goal_row("Improve writing", "60%", "75%", "5/31/2027"), []),  # the columns alone
        (goal_row(GOAL, 0.6, 0.75, "5/31/2027"), []),  # both, agreeing (% cells)
        (goal_row(GOAL, "55%", "75%", "5/31/2027"), ["D2"]),  # baseline disagrees
        (goal_row(GOAL, "", "80%"), ["E2"]),  # target disagrees
        (goal_row(GOAL, "", "", "6/15/2027"), ["F2"]),  # date disagrees
        (goal_row("Improve writing", "75%", "60%", "5/31/2027"), ["E2"]),  # target goes down
        (goal_row("Reduce chronic absence", "30%", "20%", "5/31/2027"), []),  # down, on purpose
        (goal_row("Reduce chronic absence", "20%", "30%", "5/31/2027"), ["E2"]),
        (
            goal_row(
                "Because no more than 60% of students met the benchmark, students will improve."
            ),
            ["E2", "F2"],
        ),  # no target, no date
        (goal_row("Better writing"), ["D2", "E2", "F2"]),
    ],
)
def test_smart_goals(
    template: WorkbookTemplate, commitments: CommitmentSet, row: list[Any], flags: list[str]
) -> None:
    status = check(template, commitments, date(2026, 11, 23), goals=[row])
    assert sorted(c or "" for _, _, c in of(status, "smart_goal")) == flags
    assert [f for f in status.findings if f.rule == "required" and f.tab == "Goals"] == []
    assert status.metrics.smart_goal is (not flags)


def test_no_goal_is_due_soon_then_overdue(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    early = check(template, commitments, date(2026, 9, 1), goals=[])
    late = check(template, commitments, date(2026, 10, 15), goals=[])  # team start + 45 days
    assert of(early, "smart_goal") == [("due_soon", "Goals", "A2")]
    assert of(late, "smart_goal") == [("overdue", "Goals", "A2")]
    assert of(late, "goal_with_principal") == [("overdue", "Goals", "G2")]


def test_goal_not_yet_set_with_the_principal(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    row = [*goal_row(GOAL)[:6], ""]
    status = check(template, commitments, date(2026, 10, 15), goals=[row])
    assert of(status, "goal_with_principal") == [("overdue", "Goals", "G2")]
    assert [f.rule for f in status.findings if f.cell == "G2"] == ["goal_with_principal"]


# --- the work plan ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "flags"),
    [
        (WORK_PLAN[1], []),
        (
            ["Goal 1", "Survey staff", "", "Survey results", "Survey", "Ana", ""],
            [("warning", "C2")],
        ),
        (
            ["Goal 1", "Survey staff", "whenever", "Survey results", "Survey", "Ana", ""],
            [("warning", "C2")],
        ),
        (["Goal 1", "Survey staff", "May 2027", "", "Survey", "Ana", ""], [("warning", "D2")]),
        (["Goal 1", "Survey staff", "May 2027", "Results", "", "Ana", ""], [("warning", "E2")]),
        (["Goal 1", "Survey staff", "May 2027", "Results", "Survey", "", ""], [("warning", "F2")]),
        (
            ["Goal 1", "Survey staff", "Oct 2026", "Results", "Survey", "Ana", "In progress"],
            [("overdue", "G2")],
        ),
        (["Goal 1", "Survey staff", "Oct 2026", "Results", "Survey", "Ana", "Done"], []),
        (["Goal 1", "Survey staff", "Quarterly/2026-27", "Results", "Survey", "Ana", ""], []),
        (["Goal 1", "Survey staff", "Late April/early May", "Results", "Survey", "Ana", ""], []),
    ],
)
def test_work_plan_steps(
    template: WorkbookTemplate,
    commitments: CommitmentSet,
    row: list[Any],
    flags: list[tuple[str, str]],
) -> None:
    status = check(template, commitments, date(2026, 11, 23), work_plan=[row])
    assert [(s, c) for s, _, c in of(status, "work_plan")] == flags
    cells = [f.cell for f in status.findings if f.tab == "Work Plan"]
    assert len(cells) == len(set(cells))  # one finding per cell, never readback's twin as well


def test_year_required_flags_a_timeline_without_a_year(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    strict = commitments.model_copy(deep=True)
    rule = strict.get("work_plan").rule
    assert rule.kind == "work_plan"
    rule.year_required = True
    row = ["Goal 1", "Hire speakers", "August 15", "Speakers", "Feedback", "Ana", "Done"]
    status = evaluate(
        record(template, work_plan=[row]), team(), program(), date(2026, 11, 23), strict
    )
    assert [(f.cell, f.found) for f in status.findings if f.rule == "work_plan"] == [
        ("C2", "August 15 (no year)")
    ]


# --- team, roster, attendance -------------------------------------------------------------------


def test_team_size_counts_active_members_other_than_the_tl(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    members = [
        *MEMBERS[:4],
        ["Member 4", "m4@school.org", "Impact Team Member", "", "8/17", "10/1"],
    ]
    status = check(template, commitments, date(2026, 11, 23), team=members)
    assert of(status, "impact_team_size") == [("overdue", "Team", "A7")]
    result = status.commitment("impact_team_size")
    assert result is not None and result.summary == "team members 3 of 4"


@pytest.mark.parametrize(
    ("changes", "commitment", "verdict", "severity"),
    [
        ({"rt-oct": False}, "roundtables", "behind", "overdue"),
        ({"rt-oct": None}, "roundtables", "not_recorded", None),  # staff's to record
        ({"fall": False}, "fall_training", "behind", "overdue"),
        ({"pt-1": False, "pt-2": False}, "principal_training", "behind", "overdue"),
        ({"pt-1": False, "pt-2": None}, "principal_training", "not_recorded", None),
    ],
)
def test_attendance(
    template: WorkbookTemplate,
    commitments: CommitmentSet,
    changes: dict[str, bool | None],
    commitment: str,
    verdict: str,
    severity: str | None,
) -> None:
    """The clean roster's attendance with some records changed (None: no record)."""
    who = {"fall": TL, "rt-sep": TL, "rt-oct": TL, "pt-1": PRINCIPAL, "pt-2": PRINCIPAL}
    went = {a.event_key: a.attended for a in program().attendance} | changes
    attendance = [
        Attendance(event_key=k, email=who[k], attended=v, row=i + 2)
        for i, (k, v) in enumerate(went.items())
        if v is not None
    ]
    status = check(template, commitments, date(2026, 11, 23), prog=program(attendance=attendance))
    assert state(status, commitment) == verdict
    findings = [f for f in status.findings if f.rule == commitment]
    assert [(f.severity, f.tab) for f in findings] == (
        [(severity, "Roster: Attendance")] if severity else []
    )
    if findings:
        assert findings[0].link is not None
        assert findings[0].link.startswith("https://docs.google.com/spreadsheets/d/roster-1/edit")


def test_one_principal_training_session_is_enough(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    status = check(template, commitments, date(2026, 11, 23))
    assert state(status, "principal_training") == "on_track"


def test_observations_twice_a_year_are_the_staffs(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    status = check(template, commitments, date(2027, 6, 30))
    assert state(status, "observation_visits") == "behind"
    assert [(f.severity, f.tab) for f in status.staff_findings] == [
        ("overdue", "Roster: Observations")
    ]
    assert of(status, "observation_visits") == []


@pytest.mark.parametrize(
    ("years", "verdict", "severity"),
    [(6, "on_track", None), (1, "at_risk", "warning"), (None, "not_recorded", "info")],
)
def test_tl_experience(
    template: WorkbookTemplate,
    commitments: CommitmentSet,
    years: float | None,
    verdict: str,
    severity: str | None,
) -> None:
    status = check(template, commitments, date(2026, 11, 23), tm=team(tl_years_teaching=years))
    assert state(status, "tl_experience") == verdict
    assert [f.severity for f in status.staff_findings] == ([severity] if severity else [])
    assert status.overall == "On track"  # staff-owned: never the team's status


# --- broken workbooks ---------------------------------------------------------------------------


def test_a_deleted_tab_makes_its_commitment_unknown_and_the_team_at_risk(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    status = check(template, commitments, date(2026, 11, 30), meetings=None)
    assert state(status, "team_meetings") == "unknown"
    assert status.overall == "At risk"
    assert [(f.rule, f.severity, f.tab) for f in status.open_findings()] == [
        ("tab_missing", "error", "Meetings")
    ]


def test_an_unreadable_workbook() -> None:
    status = unreadable_status(team(), date(2026, 11, 23), "HTTP 404: File not found", SID)
    assert status.overall == "Unreadable"
    assert [(f.rule, f.severity, f.found) for f in status.findings] == [
        ("workbook_readable", "error", "HTTP 404: File not found")
    ]
    assert status.findings[0].link == f"https://docs.google.com/spreadsheets/d/{SID}/edit"


# --- commitments are data -----------------------------------------------------------------------


def edited(tmp_path: Path, commitment: str, **rule: Any) -> CommitmentSet:
    """A copy of commitments.yaml with one commitment's rule parameters changed."""
    raw = yaml.safe_load(COMMITMENTS_FILE.read_text())
    next(c for c in raw["commitments"] if c["id"] == commitment)["rule"].update(rule)
    path = tmp_path / "commitments.yaml"
    path.write_text(yaml.safe_dump(raw))
    return load_commitments(path)


def test_changing_min_per_month_in_the_yaml_changes_the_check(
    template: WorkbookTemplate, commitments: CommitmentSet, tmp_path: Path
) -> None:
    meetings = meetings_each_month(*FALL, per_month=1)
    assert (
        state(check(template, commitments, date(2026, 11, 30), meetings=meetings), "team_meetings")
        == "behind"
    )
    relaxed = edited(tmp_path, "team_meetings", min_per_month=1)
    status = check(template, relaxed, date(2026, 11, 30), meetings=meetings)
    assert state(status, "team_meetings") == "on_track"
    assert status.metrics.meetings_required_per_month == 1


def test_changing_min_minutes_in_the_yaml_changes_the_check(
    template: WorkbookTemplate, commitments: CommitmentSet, tmp_path: Path
) -> None:
    sessions = [["11/3", 20, "Kim"], ["11/17", 20, "Kim"]]
    prog = program(school_year_start=date(2026, 11, 1))
    strict = check(template, commitments, date(2026, 11, 30), prog=prog, coaching=sessions)
    assert [s for s, _, _ in of(strict, "coaching")] == ["due_soon", "info", "info"]
    status = check(
        template,
        edited(tmp_path, "coaching", min_minutes=15),
        date(2026, 11, 30),
        prog=prog,
        coaching=sessions,
    )
    assert state(status, "coaching") == "on_track"


def test_changing_min_per_year_in_the_yaml_changes_the_check(
    template: WorkbookTemplate, commitments: CommitmentSet, tmp_path: Path
) -> None:
    status = check(
        template,
        edited(tmp_path, "principal_checkins", min_per_year=12),
        date(2027, 1, 15),
        checkins=[["8/28", 30, "Pat"]],
    )
    result = status.commitment("principal_checkins")
    assert result is not None and result.figures["expected_by_now"] == 5
    assert result.status == "behind"


def test_a_misspelt_parameter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        edited(tmp_path, "team_meetings", min_per_mnth=3)


def test_the_commitments_quote_the_seed() -> None:
    seed = Path(__file__).resolve().parents[2] / "shared/seeds/000_fec089471ff50207.txt"
    commitments = load_commitments()
    assert len(commitments.commitments) >= 12
    if seed.exists():
        text = " ".join(seed.read_text().split())
        quoted = [c for c in commitments.commitments if c.id != "work_plan"]
        assert all(" ".join(c.text.split()) in text for c in quoted), [
            c.id for c in quoted if " ".join(c.text.split()) not in text
        ]


def test_findings_are_plain_findings(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    status = check(template, commitments, date(2026, 12, 15))
    assert all(isinstance(f, Finding) and f.team == "T1" for f in status.findings)
    assert status.findings == sorted(status.findings, key=lambda f: f.sort_key())
