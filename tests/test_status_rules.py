"""The status rules a coach must be able to defend, one test per rule, named for what the coach
sees (the team, its Start Here and the roll-up), on hand-built teams."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest

from tests.test_commitments import (
    CLEAN,
    FALL,
    PRINCIPAL,
    TL,
    check,
    meetings_each_month,
    program,
    team,
)
from tst_sheets.commitments import CommitmentSet, load_commitments
from tst_sheets.model import Attendance, EventSpec, Program, TeamStatus
from tst_sheets.rollup.build import build
from tst_sheets.rollup.grid import RollupContent
from tst_sheets.rollup.inputs import RollupInput, RunFacts, TeamView
from tst_sheets.rollup.start_here import block
from tst_sheets.rollup.template import RollupTemplate, load_rollup_template
from tst_sheets.templates import WorkbookTemplate, load_template

SEPTEMBER = (2026, 9)


@pytest.fixture(scope="module")
def template() -> WorkbookTemplate:
    return load_template("team_workbook")


@pytest.fixture(scope="module")
def commitments() -> CommitmentSet:
    return load_commitments()


@pytest.fixture(scope="module")
def tpl() -> RollupTemplate:
    return load_rollup_template()


def state(status: TeamStatus, commitment: str) -> str:
    found = status.commitment(commitment)
    assert found is not None
    return found.status


# --- staff-owned commitments never colour a team -----------------------------------------------


def test_a_team_without_observation_visits_stays_on_track_and_staff_see_the_visits_owed(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    status = check(template, commitments, date(2027, 6, 30), prog=program(observations=[]))
    assert state(status, "observation_visits") == "behind"
    assert not any(f.rule == "observation_visits" for f in status.findings)
    assert [f.found for f in status.staff_findings] == ["0 observation visits by Jun 30, 2027"]
    assert "observation" not in status.why.text.lower()


def test_start_here_never_sends_the_tl_to_a_roster_tab_they_cannot_open(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    status = check(
        template,
        commitments,
        date(2027, 6, 30),
        prog=program(observations=[]),
        tm=team(tl_years_teaching=None),
    )
    rows = block(status, commitments)
    shown = " ".join(str(v) for row in rows for v in row)
    assert "Roster:" not in shown and "observation" not in shown.lower()


# --- "not recorded" is its own state -----------------------------------------------------------


def test_attendance_staff_never_recorded_reads_not_recorded_never_on_track(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    status = check(template, commitments, date(2026, 11, 23), prog=program(attendance=[]))
    for commitment in ("fall_training", "roundtables", "principal_training"):
        assert state(status, commitment) == "not_recorded"
    summary = status.commitment("roundtables")
    assert summary is not None and "not recorded yet" in summary.summary
    assert not any(f.tab == "Roster: Attendance" for f in status.findings)
    assert status.overall == "On track"  # not the team's to fix
    assert "not recorded by TST staff" in status.why.text


def test_unrecorded_attendance_is_one_staff_row_per_event_not_one_per_team(
    template: WorkbookTemplate, commitments: CommitmentSet, tpl: RollupTemplate
) -> None:
    prog = program(
        attendance=[],
        teams=[team(team_id=f"T{n}", tl_email=f"tl{n}@school.org") for n in (1, 2, 3)],
    )
    views = [
        TeamView(team=t, status=check(template, commitments, date(2026, 11, 23), prog=prog, tm=t))
        for t in prog.teams
    ]
    content = _rollup(prog, views, commitments, tpl, date(2026, 11, 23))
    staff = content.tab("staff").values()[1:]
    roundtables = [r for r in staff if r[0] == "Every Cohort Roundtable attended"]
    assert [r[3] for r in roundtables] == ["2026-10-20", "2026-09-15"]  # latest first
    assert roundtables[0][4].endswith("not recorded for 3 of 3 TLs (T1, T2, T3)")
    findings = content.tab("findings").values()[1:]
    assert not any("not recorded" in str(r[7]) for r in findings)


# --- a note about one entry never lowers a count that is met -----------------------------------


def test_two_september_sessions_and_a_short_extra_one_stay_on_track_with_a_note(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    sessions: list[list[Any]] = [
        ["9/8/2026", 30, "Kim"],
        ["9/22/2026", 30, "Kim"],
        ["9/24/2026", "20 min", "Kim"],
    ]
    status = check(
        template,
        commitments,
        date(2026, 9, 30),
        prog=program(school_year_start=date(2026, 9, 1)),
        coaching=sessions,
    )
    assert state(status, "coaching") == "on_track"
    notes = [(f.severity, f.cell, f.found) for f in status.findings if f.rule == "coaching"]
    assert notes == [("info", "B4", "20 min on Sep 24, 2026")]
    summary = status.commitment("coaching")
    assert summary is not None and summary.summary == "coaching sessions this month 2 of 2"


# --- formula errors ----------------------------------------------------------------------------


def test_a_ref_error_makes_the_team_at_risk_and_names_the_cell(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    meetings = meetings_each_month(*FALL)
    meetings[2][1] = "#REF!"  # a formula copied from last year's log
    status = check(template, commitments, date(2026, 11, 30), meetings=meetings)
    assert state(status, "team_meetings") == "on_track"  # the meeting still counts
    assert status.overall == "At risk"
    assert status.why.text == "Meetings!B4 shows #REF!: a broken formula, its value is lost"
    assert status.why.link is not None and status.why.link.endswith("&range=B4")


# --- one finding per missed commitment ---------------------------------------------------------


def test_a_team_that_never_logged_meetings_gets_one_finding_listing_its_months(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    status = check(template, commitments, date(2026, 12, 1), meetings=[])
    missed = [f for f in status.findings if f.rule == "team_meetings" and f.severity == "overdue"]
    assert len(missed) == 1
    assert missed[0].found == (
        "0 meetings in August 2026, 0 in September 2026, 0 in October 2026, 0 in November 2026"
    )
    assert missed[0].expected == (
        "at least 1 meetings in August 2026, 2 in September 2026, 2 in October 2026, "
        "2 in November 2026"
    )
    assert missed[0].cell == "A2"  # where the first month's rows would be


def test_the_missed_months_finding_links_to_the_first_missed_month(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    meetings = meetings_each_month((2026, 8), (2026, 9), (2026, 11))  # rows 2-7: no October
    status = check(template, commitments, date(2026, 12, 15), meetings=meetings)
    missed = next(f for f in status.findings if f.rule == "team_meetings")
    assert (missed.found, missed.cell) == ("0 meetings in October 2026", "A6")  # first November row
    assert missed.link is not None and missed.link.endswith("&range=A6")


# --- pro-rated months --------------------------------------------------------------------------


def coaching_series(start: date, until: date) -> list[list[Any]]:
    """A TL who keeps the program's biweekly coaching series."""
    out: list[list[Any]] = []
    day = start
    while day <= until:
        out.append([day.isoformat(), 30, "Kim", "Virtual"])
        day = date.fromordinal(day.toordinal() + 14)
    return out


def test_a_team_keeping_the_biweekly_coaching_series_is_on_track_in_august_and_june(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    year = {"school_year_start": date(2026, 8, 17), "school_year_end": date(2027, 6, 10)}
    series = EventSpec(
        key="coaching",
        title="Coaching",
        kind="coaching_series",
        date=date(2026, 8, 20),
        start=time(16),
        until=date(2027, 6, 10),
    )
    sessions = coaching_series(series.date, date(2027, 6, 10))
    assert sum(1 for s in sessions if s[0].startswith("2026-08")) == 1
    assert sum(1 for s in sessions if s[0].startswith("2027-06")) == 1
    prog = program(**year, events=[*program().events, series])
    status = check(template, commitments, date(2027, 6, 30), prog=prog, coaching=sessions)
    assert state(status, "coaching") == "on_track"
    assert not [f for f in status.findings if f.rule == "coaching"]


def test_a_team_formed_in_mid_september_is_not_asked_for_august_meetings(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    """The TL starts at Fall Training; the Impact Team need not exist until Sep 16."""
    members: list[list[Any]] = [
        ["Ana Ruiz", TL, "Teacher Liaison", "", "8/17/2026"],
        *[[f"M{n}", f"m{n}@school.org", "Member", "", "9/14/2026"] for n in range(4)],
    ]
    meetings = meetings_each_month(SEPTEMBER, per_month=1) + meetings_each_month((2026, 10))
    status = check(
        template,
        commitments,
        date(2026, 10, 31),
        prog=program(school_year_start=date(2026, 8, 17)),
        team=members,
        meetings=[["9/21/2026", 45, "Ana, M1"], *meetings[1:]],
    )
    assert state(status, "team_meetings") == "on_track"  # September asks 1 from Sep 14


def test_a_team_that_starts_mid_month_is_asked_its_share(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    members = [[*row[:4], "10/19/2026"] for row in CLEAN["team"]]
    status = check(
        template,
        commitments,
        date(2026, 10, 31),
        team=members,
        meetings=[["10/20/2026", 45, "Ana, Member 1"]],
        coaching=[["10/21/2026", 30, "Kim"]],
    )
    assert state(status, "team_meetings") == "on_track"  # 10 of 22 school days: 1 meeting
    assert state(status, "coaching") == "on_track"


# --- every status names its reason -------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "tabs", "overall", "why"),
    [
        (date(2026, 11, 30), {}, "On track", "Every commitment kept as of Nov 30, 2026"),
        (
            date(2026, 12, 1),
            {"meetings": meetings_each_month(*FALL[:3])},
            "Behind",
            "Team meets twice a month: 0 meetings in November 2026",
        ),
        (
            date(2026, 11, 30),
            {"goals": [["Better writing", "", "", "", "", "", "8/28"]]},
            "At risk",
            "A SMART year-long goal: SMART goal without baseline",
        ),
        (
            date(2026, 11, 30),
            {"sprints": None},
            "At risk",
            "No tab named “Sprints”: restore it or rename it back",
        ),
    ],
)
def test_every_status_names_its_reason(
    template: WorkbookTemplate,
    commitments: CommitmentSet,
    as_of: date,
    tabs: dict[str, Any],
    overall: str,
    why: str,
) -> None:
    status = check(template, commitments, as_of, **tabs)
    assert status.overall == overall
    assert status.why.text.startswith(why)
    assert status.why.link is not None and status.why.link.startswith("https://docs.google.com/")


def test_the_summary_why_column_links_the_reason_to_its_cell(
    template: WorkbookTemplate, commitments: CommitmentSet, tpl: RollupTemplate
) -> None:
    meetings = meetings_each_month(*FALL[:3])
    status = check(template, commitments, date(2026, 12, 1), meetings=meetings)
    views = [TeamView(team=team(), status=status)]
    content = _rollup(program(), views, commitments, tpl, date(2026, 12, 1))
    grid = content.tab("summary")
    row = grid.values()[1]
    assert row[grid.column_index("status")] == "Behind"
    assert row[grid.column_index("why")] == "Team meets twice a month: 0 meetings in November 2026"
    link = grid.rows[0]["why"]
    assert getattr(link, "url", "").endswith("&range=A8")


def _rollup(
    prog: Program,
    views: list[TeamView],
    commitments: CommitmentSet,
    tpl: RollupTemplate,
    as_of: date,
) -> RollupContent:
    inp = RollupInput(program=prog, as_of=as_of, teams=views, commitments=commitments)
    return build(inp, tpl, RunFacts(generated_at=datetime(2026, 12, 1, 9)))


def test_one_principal_training_session_is_enough_whichever_it_was(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    attendance = [Attendance(event_key="pt-1", email=PRINCIPAL, attended=True, row=2)]
    status = check(template, commitments, date(2026, 11, 23), prog=program(attendance=attendance))
    assert state(status, "principal_training") == "on_track"
