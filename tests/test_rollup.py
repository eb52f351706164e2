"""The roll-up's layout, pure: a small cohort with known findings → exact cells, requests, state."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

import pytest

from tst_sheets.commitments import CommitmentSet, evaluate, load_commitments, unreadable_status
from tst_sheets.model import (
    Attendance,
    Coach,
    CoachingSession,
    DataPoint,
    DateRange,
    EventSpec,
    Finding,
    Goal,
    Meeting,
    Member,
    PrincipalCheckIn,
    Program,
    TabRead,
    Team,
    TeamRecord,
    Timeline,
    WorkPlanStep,
)
from tst_sheets.rollup.about import state_grid
from tst_sheets.rollup.build import build
from tst_sheets.rollup.facts import RecordFacts, record_facts
from tst_sheets.rollup.findings import finding_key
from tst_sheets.rollup.grid import RollupContent
from tst_sheets.rollup.inputs import RollupInput, RunFacts, TeamView, team_view
from tst_sheets.rollup.start_here import MARKER, block, block_digest, locate, requests
from tst_sheets.rollup.state import (
    STATE_MARKER,
    RollupState,
    SheetLayout,
    TeamEntry,
    decode_state,
    encode_state,
)
from tst_sheets.rollup.template import RollupTemplate, load_rollup_template
from tst_sheets.rollup.write_plan import layout_of, render
from tst_sheets.templates.cells import Link, cell, hyperlink_formula

AS_OF = date(2026, 10, 5)
T03_WHY = (
    "30-minute coaching twice a month: 0 coaching sessions in August 2026, 1 in September "
    "2026 (2 shorter than 30 min, not counted) (and 6 more commitments behind)"
)
RUN = RunFacts(generated_at=datetime(2026, 10, 5, 9, 0))
BOOK3_E9 = "https://docs.google.com/spreadsheets/d/BOOK3/edit#gid=103&range=E9"
EVIL = '=IMPORTXML("http://evil.example","//a")'
TABS = [
    ("team", "Team", {"name": "A", "email": "B", "role": "C", "joined": "E"}),
    (
        "goals",
        "Goals",
        {
            "goal": "A",
            "baseline": "D",
            "target": "E",
            "target_date": "F",
            "set_with_principal_on": "G",
        },
    ),
    ("work_plan", "Work Plan", {"goal": "A", "action_step": "B", "timeline": "C"}),
    ("meetings", "Meetings", {"date": "A", "minutes": "B"}),
    ("coaching", "Coaching", {"date": "A", "minutes": "B"}),
    ("checkins", "Principal Check-ins", {"date": "A"}),
    ("data", "Data", {"collection_point": "A", "date": "B", "value": "D"}),
]


# --- the cohort: T01 on track, T02 unreadable, T03 behind ------------------------------------


def program() -> Program:
    def team(tid: str, school: str, tl: str, principal: str, coach: str) -> Team:
        return Team(
            team_id=tid,
            school=school,
            tl_name=tl,
            tl_email=f"{tl.split()[0].lower()}@s.edu",
            tl_years_teaching=5,
            principal_name=principal,
            coach_email=coach,
            principal_email=f"{principal.split()[0].lower()}@s.edu",
        )

    return Program(
        name="TST",
        roster_id="ROSTER",
        school_year_start=date(2026, 8, 17),
        school_year_end=date(2027, 6, 10),
        allowed_domains=["s.edu", "tst.org"],
        staff_emails=["staff@tst.org"],
        mid_year_data_due=date(2027, 1, 29),
        end_of_year_data_due=date(2027, 5, 28),
        breaks=[DateRange(start=date(2026, 12, 21), end=date(2027, 1, 1), label="Winter")],
        coaches=[
            Coach(name="Ana Diaz", email="ana@tst.org"),
            Coach(name="Ben Cole", email="ben@tst.org"),
        ],
        teams=[
            team("T01", "Alder Elementary", "Tia Lee", "Pat Ng", "ana@tst.org"),
            team("T02", "Birch Middle", "Raj Rao", "Ola Obi", "ana@tst.org"),
            team("T03", "Cedar High", "Sam Roe", "Lu Wu", "ben@tst.org"),
        ],
        events=[
            EventSpec(
                key="fall",
                title="Fall Training",
                kind="fall_training",
                date=date(2026, 8, 17),
                start=time(17, 30),
                end=time(20, 30),
            ),
            EventSpec(
                key="rt1",
                title="Roundtable 1",
                kind="roundtable",
                date=date(2026, 9, 15),
                start=time(17),
                end=time(18, 30),
                mode="virtual",
            ),
            EventSpec(
                key="rt2",
                title="Roundtable 2",
                kind="roundtable",
                date=date(2026, 10, 13),
                start=time(17),
                end=time(18, 30),
                location="TST Center",
            ),
            EventSpec(
                key="mid", title="Mid-year data due", kind="data_deadline", date=date(2027, 1, 29)
            ),
        ],
        attendance=[
            Attendance(event_key="fall", email="tia@s.edu", attended=True),
            Attendance(event_key="fall", email="sam@s.edu", attended=True),
            Attendance(event_key="rt1", email="tia@s.edu", attended=True),
            Attendance(event_key="rt1", email="sam@s.edu", attended=False),
        ],
    )


def tabs() -> dict[str, TabRead]:
    return {
        key: TabRead(
            key=key, title=title, sheet_id=100 + i, header_row=1, columns=cols, next_row=20
        )
        for i, (key, title, cols) in enumerate(TABS)
    }


def members(others: int, tl: str) -> list[Member]:
    out = [
        Member(
            row=2,
            name=tl,
            email=f"{tl.split()[0].lower()}@s.edu",
            role="Teacher Liaison",
            joined=date(2026, 8, 20),
        )
    ]
    return out + [
        Member(
            row=3 + i,
            name=f"M{i}",
            email=f"m{i}@s.edu",
            role="Impact Team Member",
            joined=date(2026, 8, 20),
        )
        for i in range(others)
    ]


def dated(model: Any, days: list[date], **fields: Any) -> list[Any]:
    return [
        model(row=2 + i, date=d, cells={"date": f"A{2 + i}", "minutes": f"B{2 + i}"}, **fields)
        for i, d in enumerate(days)
    ]


def record_t01() -> TeamRecord:
    step = WorkPlanStep(
        row=2,
        goal="Reading",
        action_step="Weekly peer observation",
        timeline=Timeline(text="October/2026", kind="months", months=[date(2026, 10, 1)]),
        timeline_text="October/2026",
        expected_outcome="Shared practice",
        measure="Observation log",
        person_responsible=["Tia Lee"],
    )
    return TeamRecord(
        team_id="T01",
        spreadsheet_id="BOOK1",
        tabs=tabs(),
        members=members(4, "Tia Lee"),
        goals=[
            Goal(
                row=2,
                goal="Raise grade-level reading from 40% to 60% by May 2027",
                baseline=40,
                target=60,
                target_date=date(2027, 5, 31),
                set_with_principal_on=date(2026, 9, 1),
            )
        ],
        work_plan=[step],
        meetings=dated(
            Meeting,
            [
                date(2026, 8, 20),
                date(2026, 8, 27),
                date(2026, 9, 3),
                date(2026, 9, 17),
                date(2026, 10, 1),
            ],
            minutes=45,
        ),
        coaching=dated(
            CoachingSession,
            [
                date(2026, 8, 24),
                date(2026, 8, 31),
                date(2026, 9, 8),
                date(2026, 9, 22),
                date(2026, 10, 2),
            ],
            minutes=30,
        ),
        checkins=dated(PrincipalCheckIn, [date(2026, 9, 1)]),
        data=[DataPoint(row=2, collection_point="Baseline", date=date(2026, 9, 5), value=40)],
    )


def record_t03() -> TeamRecord:
    record = TeamRecord(
        team_id="T03",
        spreadsheet_id="BOOK3",
        tabs=tabs(),
        members=members(2, "Sam Roe"),
        meetings=dated(
            Meeting, [date(2026, 8, 25), date(2026, 8, 28), date(2026, 10, 2)], minutes=40
        ),
        coaching=dated(
            CoachingSession, [date(2026, 8, 26), date(2026, 9, 2), date(2026, 9, 9)], minutes=20
        ),
    )
    record.coaching[2].minutes = 30
    # what a TL typed in a date cell: formula-looking text, which must stay text downstream
    record.findings = [
        Finding(
            team="T03",
            rule="unreadable_value",
            severity="warning",
            tab="Meetings",
            cell="E9",
            found=EVIL,
            expected="a date",
            link=BOOK3_E9,
        )
    ]
    return record


@pytest.fixture(scope="module")
def commitments() -> CommitmentSet:
    return load_commitments()


@pytest.fixture(scope="module")
def tpl() -> RollupTemplate:
    return load_rollup_template()


def cohort(commitments: CommitmentSet, as_of: date = AS_OF) -> tuple[Program, list[TeamView]]:
    prog = program()
    t1, t2, t3 = prog.teams
    r1, r3 = record_t01(), record_t03()
    return prog, [
        team_view(t1, evaluate(r1, t1, prog, as_of, commitments), r1, prog, commitments),
        TeamView(team=t2, status=unreadable_status(t2, as_of, "workbook not found", "BOOK2")),
        team_view(t3, evaluate(r3, t3, prog, as_of, commitments), r3, prog, commitments),
    ]


def content(
    commitments: CommitmentSet,
    tpl: RollupTemplate,
    *,
    as_of: date = AS_OF,
    first_seen: dict[str, date] | None = None,
    facts: RunFacts = RUN,
) -> RollupContent:
    prog, views = cohort(commitments, as_of)
    inp = RollupInput(
        program=prog,
        as_of=as_of,
        teams=views,
        commitments=commitments,
        first_seen=first_seen or {},
        versions={"coach_rollup": 1},
    )
    return build(inp, tpl, facts)


@pytest.fixture(scope="module")
def built(commitments: CommitmentSet, tpl: RollupTemplate) -> RollupContent:
    return content(commitments, tpl)


# --- each tab, cell for cell -----------------------------------------------------------------


def test_summary_sorted_by_status_then_coach(built: RollupContent) -> None:
    assert built.tab("summary").values() == [
        [
            "Team",
            "School",
            "TL",
            "Coach",
            "Status",
            "Why",
            "Goal progress",
            "Goal pace",
            "Meetings this month",
            "Meetings last month",
            "Coaching sessions this month",
            "Coaching minutes this month",
            "Principal check-ins to date",
            "Check-ins expected by now",
            "Data mid-year",
            "Data end of year",
            "Work plan complete",
            "SMART goal",
            "Last activity",
            "Open findings",
            "Workbook",
        ],
        [
            "T03",
            "Cedar High",
            "Sam Roe",
            "Ben Cole",
            "Behind",
            T03_WHY,
            None,
            "No target yet",
            1,
            0,
            0,
            0,
            0,
            0,
            "Not due",
            "Not due",
            None,
            "✗",
            "2026-10-02",
            8,
            "Open",
        ],
        [
            "T02",
            "Birch Middle",
            "Raj Rao",
            "Ana Diaz",
            "Unreadable",
            "The workbook cannot be read: workbook not found",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            1,
            "Open",
        ],
        [
            "T01",
            "Alder Elementary",
            "Tia Lee",
            "Ana Diaz",
            "On track",
            "Every commitment kept as of Oct 05, 2026",
            None,
            "Not measured yet",
            1,
            2,
            1,
            30,
            1,
            0,
            "Not due",
            "Not due",
            1.0,
            "✓",
            "2026-10-02",
            0,
            "Open",
        ],
    ]
    assert built.tab("summary").background(0, 4) == "#f4cccc"  # Behind
    assert built.tab("summary").background(2, 4) == "#d9ead3"  # On track
    link = built.tab("summary").rows[0]["workbook"]
    assert link == Link(url="https://docs.google.com/spreadsheets/d/BOOK3/edit", text="Open")
    why = built.tab("summary").rows[0]["why"]
    assert why == Link(
        url=f"https://docs.google.com/spreadsheets/d/BOOK3/edit#gid={104}&range=A2", text=T03_WHY
    )


def test_findings_one_row_each_most_severe_first(built: RollupContent) -> None:
    rows = built.tab("findings").values()
    assert rows[0] == [
        "Team",
        "School",
        "Coach",
        "Severity",
        "Commitment",
        "Tab",
        "Cell",
        "Found",
        "Expected",
        "First seen",
        "Days open",
    ]
    short = [r[0:1] + r[3:9] for r in rows[1:]]
    assert short == [
        [
            "T02",
            "Error",
            "The team workbook can be read",
            None,
            "Open",
            "workbook not found",
            "a team workbook the service can read",
        ],
        [
            "T03",
            "Overdue",
            "30-minute coaching twice a month",
            "Coaching",
            "A2",
            "0 coaching sessions in August 2026, 1 in September 2026 (2 shorter than 30 min, "
            "not counted)",
            "at least 1 coaching sessions in August 2026, 2 in September 2026",
        ],
        [
            "T03",
            "Overdue",
            "A SMART year-long goal",
            "Goals",
            "A20",
            "no goal",
            "a SMART goal set with the principal by Oct 04, 2026",
        ],
        [
            "T03",
            "Overdue",
            "Goal set with the principal",
            "Goals",
            "G20",
            "no date the goal was set with the principal",
            "the goal set with the principal by Oct 04, 2026",
        ],
        [
            "T03",
            "Overdue",
            "Team meets twice a month",
            "Meetings",
            "A4",
            "0 meetings in September 2026",
            "at least 1 meetings in September 2026",
        ],
        [
            "T03",
            "Overdue",
            "Every Cohort Roundtable attended",
            "Roster: Attendance",
            "Open",
            "absent from Roundtable 1 (Sep 15, 2026)",
            "attended",
        ],
        [
            "T03",
            "Overdue",
            "Impact Team of at least 4 other faculty",
            "Team",
            "A20",
            "2 active members besides the TL",
            "at least 4 other faculty by Sep 16, 2026",
        ],
        [
            "T03",
            "Overdue",
            "Work plan steps: date, outcome, measure, person",
            "Work Plan",
            "B20",
            "0 action steps",
            "at least 1 by Oct 04, 2026",
        ],
        [
            "T03",
            "Warning",
            "Cells hold values the service can read",
            "Meetings",
            "E9",
            EVIL,
            "a date",
        ],
        [
            "T03",
            "Info",
            "30-minute coaching twice a month",
            "Coaching",
            "B2",
            "20 min on Aug 26, 2026",
            "at least 30 min (a shorter session does not count)",
        ],
        [
            "T03",
            "Info",
            "30-minute coaching twice a month",
            "Coaching",
            "B3",
            "20 min on Sep 02, 2026",
            "at least 30 min (a shorter session does not count)",
        ],
    ]
    assert {r[2] for r in rows[1:]} == {"Ana Diaz", "Ben Cole"}
    assert all(r[9] == "2026-10-05" and r[10] == 0 for r in rows[1:])
    evil = built.tab("findings").rows[-3]
    assert evil["cell"] == Link(url=BOOK3_E9, text="E9")


def test_findings_filter_view_per_coach(built: RollupContent) -> None:
    views = built.tab("findings").filter_views
    assert [v["title"] for v in views] == ["Coach: Ana Diaz", "Coach: Ben Cole"]
    spec = views[1]["filterSpecs"][0]
    assert spec["columnIndex"] == 2
    assert spec["filterCriteria"]["condition"] == {
        "type": "TEXT_EQ",
        "values": [{"userEnteredValue": "Ben Cole"}],
    }
    assert views[0]["range"]["endRowIndex"] == 12  # header + 11 findings


def test_first_seen_is_kept_and_closed_findings_forgotten(
    commitments: CommitmentSet, tpl: RollupTemplate, built: RollupContent
) -> None:
    key = next(k for k in built.first_seen if "E9" in k)
    earlier = {key: date(2026, 9, 20), "T09|gone|Meetings||x": date(2026, 9, 1)}
    later = content(commitments, tpl, first_seen=earlier)
    row = later.tab("findings").values()[-3]
    assert row[7] == EVIL and row[9] == "2026-09-20" and row[10] == 15
    assert later.first_seen[key] == date(2026, 9, 20)
    assert "T09|gone|Meetings||x" not in later.first_seen
    assert len(later.first_seen) == 11


def next_rows(record: TeamRecord) -> RecordFacts:
    prog = program()
    return record_facts(record, prog.teams[2], prog, AS_OF, load_commitments())


def test_finding_key_ignores_where_the_next_row_is() -> None:
    record = record_t03()
    month = Finding(
        team="T03",
        rule="team_meetings",
        severity="overdue",
        tab="Meetings",
        cell="A20",
        expected="at least 2 meetings in September 2026",
    )
    assert finding_key(month, next_rows(record)) == (
        "T03|team_meetings|Meetings||at least 2 meetings in September 2026"
    )
    record.tabs["meetings"].next_row = 21  # a meeting was logged: the pointer moved
    moved = month.model_copy(update={"cell": "A21"})
    assert finding_key(moved, next_rows(record)) == finding_key(month, next_rows(record_t03()))
    short = Finding(
        team="T03", rule="coaching", severity="warning", tab="Coaching", cell="B2", expected="x"
    )
    assert finding_key(short, next_rows(record)) == "T03|coaching|Coaching|B2|x"
    # a cell that only ends in the next row's number is no pointer at it
    far = short.model_copy(update={"tab": "Meetings", "cell": "A120"})
    assert finding_key(far, next_rows(record)) == "T03|coaching|Meetings|A120|x"


def test_by_coach_counts_and_attention_first(built: RollupContent) -> None:
    assert built.tab("by_coach").values()[1:] == [
        [
            "Ana Diaz",
            "ana@tst.org",
            2,
            0,
            1,
            0,
            1,
            1,
            "T02 Birch Middle — Unreadable: The workbook cannot be read: workbook not found",
        ],
        [
            "Ben Cole",
            "ben@tst.org",
            1,
            1,
            0,
            0,
            0,
            8,
            f"T03 Cedar High — Behind: {T03_WHY}",
        ],
    ]


def test_trends_grid_months_and_colours(built: RollupContent) -> None:
    grid = built.tab("trends")
    rows = grid.values()
    assert rows[0] == [
        "Team",
        "Coach",
        "Commitment",
        "Measure",
        "Aug 2026",
        "Sep 2026",
        "Oct 2026",
        "Nov 2026",
        "Dec 2026",
        "Jan 2027",
        "Feb 2027",
        "Mar 2027",
        "Apr 2027",
        "May 2027",
        "Jun 2027",
        "Status",
    ]
    later = [None] * 8
    assert rows[1:] == [
        ["All teams", "", 2, "Team meetings (average per team)", 2.0, 1.0, 1.0, *later, None],
        ["All teams", "", 2, "Coaching sessions (average per team)", 1.0, 1.5, 0.5, *later, None],
        [
            "All teams",
            "",
            "5 / year",
            "Principal check-ins (average per team)",
            0.0,
            0.5,
            0.0,
            *later,
            None,
        ],
        # T03 never reached its size: its meetings count from the deadline, Sep 16 ("–" before)
        ["T03", "Ben Cole", 2, "Team meetings", "–", 0, 1, *later, "Behind"],
        ["T03", "Ben Cole", 2, "Coaching sessions", 0, 1, 0, *later, "Behind"],
        ["T03", "Ben Cole", "5 / year", "Principal check-ins", 0, 0, 0, *later, "On track"],
        ["T02", "Ana Diaz", 2, "Team meetings", None, None, None, *later, "Unknown"],
        ["T02", "Ana Diaz", 2, "Coaching sessions", None, None, None, *later, "Unknown"],
        ["T02", "Ana Diaz", "5 / year", "Principal check-ins", None, None, None, *later, "Unknown"],
        ["T01", "Ana Diaz", 2, "Team meetings", 2, 2, 1, *later, "On track"],
        ["T01", "Ana Diaz", 2, "Coaching sessions", 2, 2, 1, *later, "On track"],
        ["T01", "Ana Diaz", "5 / year", "Principal check-ins", 0, 1, 0, *later, "On track"],
    ]
    assert grid.rules == []  # colours are per cell: each month against what it asked
    t03, t01 = 3, 9  # the meetings rows in ``rows`` (after the 3 cohort rows)
    # September asked T03 for 1 (from Sep 16) and got 0; October is still running
    assert [grid.background(t03, c) for c in (4, 5, 6, 7)] == [None, "#f4cccc", "#fff2cc", None]
    # August asked T01 for 1 (it started on the 20th): its 2 meet it
    assert [grid.background(t01, c) for c in (4, 5, 6)] == ["#d9ead3", "#d9ead3", "#fff2cc"]
    assert grid.background(4, 4) == "#f4cccc"  # T03's August coaching: 20-minute, not counted
    chart = grid.charts[0]["spec"]["basicChart"]
    assert [s["series"]["sourceRange"]["sources"][0]["startRowIndex"] for s in chart["series"]] == [
        1,
        2,
    ]


def test_events_upcoming_first_with_attendance(built: RollupContent) -> None:
    assert built.tab("events").values()[1:] == [
        [
            "Next",
            "2026-10-13",
            "17:00–18:30",
            "Roundtable 2",
            "In person",
            "TST Center",
            3,
            None,
            None,
            None,
            None,
        ],
        ["Upcoming", "2027-01-29", "", "Mid-year data due", "", "", None, None, None, None, None],
        [
            "Past",
            "2026-09-15",
            "17:00–18:30",
            "Roundtable 1",
            "Virtual",
            "",
            3,
            1,
            1,
            1,
            "T02 (not recorded), T03 (absent)",
        ],
        [
            "Past",
            "2026-08-17",
            "17:30–20:30",
            "Fall Training",
            "In person",
            "",
            3,
            2,
            0,
            1,
            "T02 (not recorded)",
        ],
    ]


def test_about_and_a_digest_blind_to_run_facts(
    commitments: CommitmentSet, tpl: RollupTemplate, built: RollupContent
) -> None:
    about = built.tab("about").values()
    assert about[:7] == [
        ["Program", "TST"],
        ["As of", "2026-10-05"],
        ["School year", "2026-08-17 to 2027-06-10"],
        ["Teams", "3 active: Behind 1, Unreadable 1, At risk 0, On track 1"],
        ["Roster", "Program roster"],
        ["Templates", "coach_rollup v1"],
        ["Unreadable workbooks", "T02: workbook not found"],
    ]
    other = RunFacts(
        generated_at=datetime(2026, 10, 6, 7, 0), read=3, calls={"sheets": {"read": 5, "write": 1}}
    )
    again = content(commitments, tpl, facts=other)
    assert again.tab("about").values()[9] == ["API calls (this run)", "sheets 5 read / 1 write"]
    assert again.digest() == built.digest()
    assert content(commitments, tpl, as_of=date(2026, 10, 6)).digest() != built.digest()


# --- the one batchUpdate ---------------------------------------------------------------------


def _cells(requests_: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        c
        for r in requests_
        if "updateCells" in r
        for row in r["updateCells"]["rows"]
        for c in row.get("values", [])
    ]


def test_only_service_links_are_formulas(built: RollupContent, tpl: RollupTemplate) -> None:
    reqs = render(built.tabs, {}, tpl)
    values = [c["userEnteredValue"] for c in _cells(reqs) if "userEnteredValue" in c]
    formulas = [v["formulaValue"] for v in values if "formulaValue" in v]
    assert formulas and all(f.startswith('=HYPERLINK("https://docs.google.com/') for f in formulas)
    assert {"stringValue": EVIL} in values
    behind = next(c for c in _cells(reqs) if c.get("userEnteredValue") == {"stringValue": "Behind"})
    assert behind["userEnteredFormat"]["backgroundColor"] == {
        "red": 0.9569,
        "green": 0.8,
        "blue": 0.8,
    }
    assert f'"{EVIL}"' not in json.dumps(formulas)


def test_hyperlink_text_is_escaped() -> None:
    link = Link(url='https://x.example/a"b', text='Tom\'s "tab"!B2')
    assert hyperlink_formula(link) == '=HYPERLINK("https://x.example/a""b","Tom\'s ""tab""!B2")'
    assert cell("@SUM(A1:A3)") == {"userEnteredValue": {"stringValue": "@SUM(A1:A3)"}}
    assert cell(date(2026, 10, 5))["userEnteredValue"] == {"numberValue": 46300}


def test_requests_take_away_what_the_last_run_added(
    built: RollupContent, tpl: RollupTemplate
) -> None:
    findings, trends = built.tab("findings"), built.tab("trends")
    before = {
        findings.sheet_id: SheetLayout(title="Findings", rules=2, filter_views=[7, 8]),
        trends.sheet_id: SheetLayout(title="Trends", rules=1, charts=[99]),
    }
    reqs = render([findings, trends], before, tpl)
    kinds = [next(iter(r)) for r in reqs]
    assert kinds[:4] == [
        "deleteConditionalFormatRule",
        "deleteConditionalFormatRule",
        "deleteFilterView",
        "deleteFilterView",
    ]
    assert {"deleteEmbeddedObject": {"objectId": 99}} in reqs
    assert kinds.count("addFilterView") == 2 and kinds.count("addChart") == 1
    assert "addSheet" not in kinds
    missing = render([findings], {}, tpl)
    assert next(iter(missing[0])) == "addSheet"
    after = layout_of([findings, trends], tpl)
    assert after[findings.sheet_id].filter_views == [
        v["filterViewId"] for v in findings.filter_views
    ]
    assert after[trends.sheet_id].charts == [trends.charts[0]["chartId"]]
    # nothing known of the rows: every one, and the spare row below them, replaced whole
    update = next(r["updateCells"] for r in reqs if "updateCells" in r)
    rows = len(findings.all_rows())
    assert update["range"] == {
        "sheetId": findings.sheet_id,
        "startRowIndex": 0,
        "endRowIndex": rows + 1,
    }
    assert update["fields"] == "*" and update["rows"][-1] == {}


def test_same_content_same_requests(
    commitments: CommitmentSet, tpl: RollupTemplate, built: RollupContent
) -> None:
    again = content(commitments, tpl)
    assert render(again.tabs, {}, tpl) == render(built.tabs, {}, tpl)


# --- the state kept in the roll-up -----------------------------------------------------------


def test_state_round_trip_and_a_damaged_state_is_empty(tpl: RollupTemplate) -> None:
    state = RollupState(
        content_digest="abc",
        first_seen={"k": date(2026, 9, 1)},
        teams={
            "T01": TeamEntry(
                team_id="T01",
                spreadsheet_id="BOOK1",
                modified_time="2026-10-01T00:00:00.000Z",
                record_json=record_t01().model_dump_json(),
            )
        },
        layout={1: SheetLayout(title="Findings", rules=3)},
    )
    column = encode_state(state)
    assert column[0] == STATE_MARKER and all(len(c) <= 40_000 for c in column)
    assert decode_state(column) == state
    assert decode_state(column).teams["T01"].record() == record_t01()
    assert decode_state([STATE_MARKER, "not base64!"]) == RollupState()
    assert decode_state([]) == RollupState()
    grid = state_grid(tpl, column)
    assert grid.hidden and grid.values() == [[c] for c in column]


def test_entry_reused_only_for_the_same_version() -> None:
    entry = TeamEntry(team_id="T01", spreadsheet_id="B", modified_time="t1")
    assert entry.reusable("B", "t1")
    assert not entry.reusable("B", "t2") and not entry.reusable("C", "t1")
    assert not entry.model_copy(update={"failure": "quota", "permanent": False}).reusable("B", "t1")
    assert entry.model_copy(update={"failure": "not found"}).reusable("B", "t1")


# --- Start Here ------------------------------------------------------------------------------

PROVISIONED = [
    ["TST Impact Team T03", "Cedar High"],
    ["Teacher Liaison", "Sam Roe"],
    ["Last checked", "Not checked yet"],
    ["Status", "Not checked yet"],
    ["", ""],
    ["How to fill each tab", ""],
    ["Meetings", "One row per meeting"],
]


def test_start_here_shows_the_status_and_why_at_the_top_and_the_block_below(
    commitments: CommitmentSet, tpl: RollupTemplate
) -> None:
    layout = locate(PROVISIONED, 55, "Start Here")
    assert (layout.block_row, layout.labels) == (9, {"Last checked": 3, "Status": 4})
    again = locate([*PROVISIONED, [], [MARKER, "old"], ["Overall", "Behind"]], 55, "Start Here")
    assert again.block_row == 9
    _, views = cohort(commitments)
    status = views[2].status
    rows = block(status, commitments)
    assert rows[1] == ["Overall", "Behind"]
    assert rows[2] == ["Why", Link(url=status.why.link or "", text=T03_WHY)]
    assert rows[3] == ["Impact Team of at least 4 other faculty", "Behind: team members 2 of 4"]
    assert not any("observation" in str(row[0]).lower() for row in rows)  # staff-owned
    assert rows[-1][0] == Link(url=BOOK3_E9, text="Meetings!E9")
    assert rows[-1][1] == f"Warning: {EVIL} (expected: a date)"
    reqs = requests(layout, status, AS_OF, commitments, {"Behind": "#f4cccc"})
    assert all(next(iter(r.values())).get("range", {}).get("sheetId", 55) == 55 for r in reqs)
    body = reqs[1]["updateCells"]
    assert (body["range"]["startRowIndex"], body["range"]["endColumnIndex"]) == (8, 2)
    assert reqs[0]["updateSheetProperties"]["properties"]["gridProperties"] == {
        "rowCount": 8 + len(rows) + 1
    }
    assert {"stringValue": f"Warning: {EVIL} (expected: a date)"} in [
        c.get("userEnteredValue") for c in _cells(reqs)
    ]
    facts = [r["updateCells"]["start"]["rowIndex"] for r in reqs[2:]]
    assert facts == [2, 3]
    top = reqs[3]["updateCells"]["rows"][0]["values"][0]
    assert top["userEnteredValue"] == {
        "formulaValue": hyperlink_formula(
            Link(url=status.why.link or "", text=f"Behind: {T03_WHY}")
        )
    }
    assert top["userEnteredFormat"]["backgroundColor"] == {"red": 0.9569, "green": 0.8, "blue": 0.8}
    assert block_digest(status, commitments) == block_digest(status, commitments)


# --- the Impact and Staff tabs -----------------------------------------------------------------


def test_impact_tab_sections_goal_rows_and_chart(built: RollupContent) -> None:
    grid = built.tab("impact")
    rows = grid.values()
    assert rows[0][0] == "The program as of 2026-10-05"
    assert rows[1][:3] == ["Teams with a SMART target", 0.5, "1 of 2 teams"]  # T02 unreadable
    goals = next(i for i, r in enumerate(rows) if r[0] == "Team")
    assert rows[goals] == [
        "Team",
        "School",
        "Measure",
        "Baseline",
        "Mid-year",
        "End of year",
        "Target",
        "Progress",
        "Pace",
        "Note",
    ]
    t01 = rows[goals + 2]
    assert t01[:4] == ["T01", "Alder Elementary", "", 0.4] and t01[6] == 0.6
    assert t01[8:] == ["Not measured yet", "measured at mid-year (data due Jan 29, 2027)"]
    assert grid.rows[goals + 2]["c0"] == Link(
        url="https://docs.google.com/spreadsheets/d/BOOK1/edit#gid=101", text="T01"
    )
    completion = next(i for i, r in enumerate(rows) if r[0] == "Commitment")
    assert rows[completion + 1][:5] == ["Team meets twice a month", 6, 6, 0.8333, "1 of 2 teams"]
    assert grid.merged_rows == [0, goals - 1, completion - 1]
    series = grid.charts[0]["spec"]["basicChart"]["series"]
    columns = [s["series"]["sourceRange"]["sources"][0]["startColumnIndex"] for s in series]
    assert columns == [3, 4, 5, 6]  # baseline, mid-year, end of year, target
    assert grid.background(goals + 2, 8) == "#efefef"


def test_progress_bar_reads_at_a_glance(tpl: RollupTemplate) -> None:
    from tst_sheets.rollup.impact import progress_bar

    assert progress_bar(0.5, tpl.impact) == "█████░░░░░ 50%"
    assert progress_bar(1.2, tpl.impact) == "██████████ 120%"
    assert progress_bar(-0.1, tpl.impact) == "░░░░░░░░░░ -10%"
    assert progress_bar(None, tpl.impact) == ""
