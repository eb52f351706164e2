"""One batchGet's values → TeamRecord + findings: headers by text, messy rows, broken tabs."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest

from tst_sheets.model import DateRange, Finding, TeamRecord
from tst_sheets.model.a1 import range_start, range_title
from tst_sheets.reading.workbook import (
    data_tabs,
    match_titles,
    ranges_to_read,
    read_workbook,
)
from tst_sheets.templates import WorkbookTemplate, load_template

SCHOOL_YEAR = DateRange(start=date(2026, 8, 1), end=date(2027, 6, 30))
SID = "sheet-123"


@pytest.fixture(scope="module")
def template() -> WorkbookTemplate:
    return load_template("team_workbook")


def headers(template: WorkbookTemplate, key: str) -> list[str]:
    return template.tab(key).headers()


def value_range(title: str, rows: list[list[Any]], start: str = "A1") -> dict[str, Any]:
    """As the API answers: a quoted title only when needed, trailing blanks trimmed."""
    quoted = f"'{title}'" if not title.isalnum() else title
    return {"range": f"{quoted}!{start}:AZ1000", "majorDimension": "ROWS", "values": rows}


def workbook(template: WorkbookTemplate, **tabs: list[list[Any]]) -> list[dict[str, Any]]:
    """Every data tab with its template header; ``tabs`` gives body rows by tab key."""
    return [value_range(t.title, [t.headers(), *tabs.get(t.key, [])]) for t in data_tabs(template)]


def read(template: WorkbookTemplate, ranges: list[dict[str, Any]]) -> TeamRecord:
    return read_workbook(
        ranges, team_id="T1", spreadsheet_id=SID, template=template, school_year=SCHOOL_YEAR
    )


def found(record: TeamRecord, rule: str | None = None) -> list[tuple[str, str | None, str | None]]:
    return [(f.rule, f.tab, f.cell) for f in record.findings if rule in (None, f.rule)]


# --- the one batchGet ---------------------------------------------------------------------------


def test_one_range_per_data_tab_titles_quoted(template: WorkbookTemplate) -> None:
    ranges = ranges_to_read(template)
    assert ranges == [
        "'Team'",
        "'Goals'",
        "'Work Plan'",
        "'Meetings'",
        "'Coaching'",
        "'Principal Check-ins'",
        "'Data'",
        "'Sprints'",
    ]
    renamed = ranges_to_read(template, {"meetings": "Tom's Meetings"})
    assert "'Tom''s Meetings'" in renamed


@pytest.mark.parametrize(
    ("a1", "title", "row", "col"),
    [
        ("Meetings!A1:Z1000", "Meetings", 1, 1),
        ("'Principal Check-ins'!A1:AZ1000", "Principal Check-ins", 1, 1),
        ("'Tom''s tab'!B3:Z", "Tom's tab", 3, 2),
        ("'Work Plan'", "Work Plan", 1, 1),
        ("'A!B'!C10:D", "A!B", 10, 3),
    ],
)
def test_range_titles(a1: str, title: str, row: int, col: int) -> None:
    assert (range_title(a1), range_start(a1)) == (title, (row, col))


def test_renamed_tabs_found_by_alias(template: WorkbookTemplate) -> None:
    titles = match_titles(template, ["Team Meetings", "Coaching Log", "Start Here", "Goals"])
    assert titles == {
        "meetings": "Team Meetings",
        "coaching": "Coaching Log",
        "goals": "Goals",
        "start_here": "Start Here",
    }


# --- headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header_row",
    [
        ["Date", "Minutes", "Attendees", "Focus", "Decisions / Next Steps"],
        ["DATE", "  minutes ", "attendees:", "focus", "decisions"],  # case, spacing, punctuation
        ["Meeting Date", "Duration", "Present"],  # aliases
        ["Date", "Mins", "Who attended"],
        ["Date", "Length", "Participants"],
        ["Attendees", "Notes of mine", "Minutes", "", "Date"],  # reordered, extra, blank column
    ],
)
def test_columns_matched_by_header_text(template: WorkbookTemplate, header_row: list[str]) -> None:
    at = {name.strip().lower().rstrip(":"): i for i, name in enumerate(header_row)}
    row: list[Any] = [""] * len(header_row)
    for names, value in (
        (("date", "meeting date"), "9/14"),
        (("minutes", "duration", "mins", "length"), "45 min"),
        (("attendees", "present", "who attended", "participants"), "Ana Ruiz / J. Park"),
    ):
        row[next(at[n] for n in names if n in at)] = value
    record = read(template, [value_range("Meetings", [header_row, row])])
    assert [(m.date, m.minutes, m.attendees) for m in record.meetings] == [
        (date(2026, 9, 14), 45, ["Ana Ruiz", "J. Park"])
    ]
    assert found(record, "required") == []
    assert found(record, "column_missing") == []


def test_blank_rows_above_the_header_and_between_rows(template: WorkbookTemplate) -> None:
    rows: list[list[Any]] = [
        [],
        ["Our meetings"],
        [],
        headers(template, "meetings"),
        ["9/14", 45, "A, B"],
        [],
        ["", "", ""],
        ["9/28", 40, "A, B"],
    ]
    record = read(template, [value_range("Meetings", rows)])
    assert [m.row for m in record.meetings] == [5, 8]
    assert record.meetings[1].cells["date"] == "A8"
    assert record.tabs["meetings"].header_row == 4
    assert record.tabs["meetings"].next_row == 9
    assert found(record) == [(r, t, c) for r, t, c in found(record) if r == "tab_missing"]


def test_a_range_that_starts_lower_keeps_real_cells(template: WorkbookTemplate) -> None:
    rows = [["", *headers(template, "meetings")], ["", "9/14", "", "A"]]
    record = read(template, [value_range("Meetings", rows, start="C5")])
    assert record.meetings[0].cells == {
        "date": "D6",
        "minutes": "E6",
        "attendees": "F6",
        "focus": "G6",
        "decisions": "H6",
    }
    assert ("required", "Meetings", "E6") in found(record)


@pytest.mark.parametrize(
    "example",
    [
        ["Example: 2026-09-08", "45", "Jordan Rivera, Sam Lee", "Baseline writing data"],
        ["example: anything", "", ""],
        ["", "  Example: 9/8", "x"],
    ],
)
def test_example_rows_are_ignored(template: WorkbookTemplate, example: list[Any]) -> None:
    record = read(template, workbook(template, meetings=[example, ["9/14", 45, "A, B"]]))
    assert len(record.meetings) == 1 and record.meetings[0].row == 3
    assert found(record, "required") == []


def test_a_renamed_required_header_is_an_error_at_that_header(
    template: WorkbookTemplate,
) -> None:
    rows = [["Date", "How long", "Coach", "Mode"], ["9/3", "30", "Kim", "Virtual"]]
    record = read(template, [value_range("Coaching", rows)])
    assert ("column_missing", "Coaching", "B1") in found(record)
    assert record.coaching[0].minutes is None and record.coaching[0].date == date(2026, 9, 3)


def test_a_tab_without_any_header(template: WorkbookTemplate) -> None:
    record = read(template, [value_range("Meetings", [["just", "notes"], ["more"]])])
    assert ("header_missing", "Meetings", "A1") in found(record)
    assert record.has_tab("meetings") and record.meetings == []


# --- rows ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "missing"),
    [
        (["9/14", "", "A, B"], ["B2"]),
        (["", 45, "A, B"], ["A2"]),
        (["9/14"], ["B2", "C2"]),  # trailing blanks are trimmed by the API
        (["", "", "", "talked about data"], ["A2", "B2", "C2"]),
    ],
)
def test_half_filled_rows(template: WorkbookTemplate, row: list[Any], missing: list[str]) -> None:
    record = read(template, workbook(template, meetings=[row]))
    assert [c for r, t, c in found(record, "required")] == missing
    assert all(
        f.expected.endswith("(required on every row)")
        for f in record.findings
        if f.rule == "required"
    )


@pytest.mark.parametrize(
    ("cell", "rule", "expected_field"),
    [
        ("#REF!", "formula_error", None),
        ("#N/A", "formula_error", None),
        ("#VALUE!", "formula_error", None),
        ("#DIV/0!", "formula_error", None),
        ("#ERROR!", "formula_error", None),  # "+1 more" typed USER_ENTERED
        ("next week", "unreadable_value", None),
        (True, "unreadable_value", None),  # a checkbox in a date column
        (14, "unreadable_value", None),  # serial 14: a number typed into a date cell
        ("Sept 14", None, date(2026, 9, 14)),
        (46279, None, date(2026, 9, 14)),
    ],
)
def test_date_cells(
    template: WorkbookTemplate, cell: Any, rule: str | None, expected_field: date | None
) -> None:
    record = read(template, workbook(template, meetings=[[cell, 45, "A"]]))
    assert record.meetings[0].date == expected_field
    assert found(record, rule) == ([(rule, "Meetings", "A2")] if rule else [])
    if rule:
        finding = next(f for f in record.findings if f.rule == rule)
        assert finding.link == (
            f"https://docs.google.com/spreadsheets/d/{SID}/edit"
            f"#gid={template.tab('meetings').sheet_id}&range=A2"
        )


def test_formula_error_in_a_note_is_flagged_and_the_row_kept(template: WorkbookTemplate) -> None:
    record = read(template, workbook(template, meetings=[["9/14", 45, "A", "#ERROR!"]]))
    assert found(record) == [("formula_error", "Meetings", "D2")]
    assert record.meetings[0].focus == "" and record.meetings[0].minutes == 45


def test_wrong_types_become_text_or_findings(template: WorkbookTemplate) -> None:
    rows = [[46279, "forty", 12345, True]]
    record = read(template, workbook(template, meetings=rows))
    meeting = record.meetings[0]
    assert meeting.attendees == ["12345"] and meeting.focus == "TRUE"
    assert found(record) == [("unreadable_value", "Meetings", "B2")]


def test_a_log_date_outside_the_school_year(template: WorkbookTemplate) -> None:
    record = read(template, workbook(template, meetings=[["9/14/2062", 45, "A"]]))
    assert found(record) == [("date_outside_year", "Meetings", "A2")]


def test_a_value_outside_the_dropdown_is_info(template: WorkbookTemplate) -> None:
    row = [
        "Goal 1",
        "Norm the rubric",
        "Oct 2026",
        "Shared scoring",
        "Calibration",
        "Ana",
        "Mostly done",
    ]
    record = read(template, workbook(template, work_plan=[row]))
    finding = next(f for f in record.findings if f.rule == "not_in_list")
    assert (finding.severity, finding.cell, finding.found) == ("info", "G2", "Mostly done")
    assert record.work_plan[0].status == "Mostly done"


@pytest.mark.parametrize(
    ("cells", "baseline", "target"),
    [
        (["60%", "75%"], 60.0, 75.0),
        ([0.6, 0.75], 60.0, 75.0),
        ([60, 75], 60.0, 75.0),
        (["60", "0.75"], 60.0, 75.0),
    ],
)
def test_goal_percents(
    template: WorkbookTemplate, cells: list[Any], baseline: float, target: float
) -> None:
    row = ["Raise writing scores", "Student achievement", "Rubric", *cells, "5/28/2027", "8/28"]
    record = read(template, workbook(template, goals=[row]))
    goal = record.goals[0]
    assert (goal.baseline, goal.target) == (baseline, target)
    assert (goal.target_date, goal.set_with_principal_on) == (date(2027, 5, 28), date(2026, 8, 28))
    assert found(record) == []


def test_a_month_typed_into_a_date_cell_means_the_month(template: WorkbookTemplate) -> None:
    may_first = (date(2027, 5, 1) - date(1899, 12, 30)).days  # "May 2027" typed USER_ENTERED
    row = ["Goal 1", "Survey staff", may_first, "Survey results", "Survey", "Ana"]
    record = read(template, workbook(template, work_plan=[row]))
    timeline = record.work_plan[0].timeline
    assert timeline is not None and timeline.due == date(2027, 5, 31)


SEED_003_HEADER = [
    "Key Action Steps",
    "Timeline",
    "Expected Outcome",
    "Data Source, Baseline & Target",
    "Person/Area Responsible",
    "Comments",
]


def test_seed_003_work_plan_as_a_tl_would_paste_it(template: WorkbookTemplate) -> None:
    """Seed 003's own table: goal headings, a repeated header per goal, multi-person cells."""
    rows = [
        ["Goal", *SEED_003_HEADER],
        ["Goal 1: To establish clear lines of communication"],
        [
            "",
            "Standardize job descriptions",
            "May/2013",
            "Standardized job descriptions",
            "Four standardized job descriptions",
            "Shakera Walker",
        ],
        [
            "",
            "Host a meeting to create the TLT plan",
            "April-May/2013",
            "Define plan and strategy for roll out",
            "TLT plan communicated to school leaders",
            "Facilitator Leads\n\nShakera Walker",
        ],
        [
            "",
            "Coordinate 3 meetings",
            "August/2013\n\nDecember/2013\n\nLate April/early May",
            "High quality AF meetings",
            "Because no more than 60% …, at least 75% …",
            "Shakera Walker\n\nFacilitator Leads",
        ],
        [
            "",
            "Email regular progress updates",
            "Quarterly/2013-14",
            "Updates",
            "Quarterly email updates",
            "Shakera Walker",
        ],
        [
            "",
            "Create an accountability and feedback loop",
            "Mid-way and final check in",
            "System and structure in place",
            "",
            "Shakera Walker/Chason Ishino",
        ],
        ["Goal 2: Plan and execute all-facilitator sessions"],
        ["", *SEED_003_HEADER[:3], "Data Source and Evaluation Methodology", *SEED_003_HEADER[4:]],
        [
            "",
            "Find and hire guest speakers",
            "August 15",
            "Confirmation of guest speakers",
            "Participant feedback forms",
            "Shakera Walker\n\nChason Ishino",
        ],
        [
            "",
            "Convene lead facilitators",
            "One month prior to each AF session",
            "Creation of agendas",
            "AF agenda, exit tickets",
            "Shakera Walker",
        ],
    ]
    record = read(template, [value_range("Work Plan", rows)])
    steps = record.work_plan
    assert len(steps) == 7
    assert [s.timeline.kind if s.timeline else None for s in steps] == [
        "months",
        "months",
        "months",
        "recurring",
        "relative",
        "date",
        "recurring",
    ]
    assert steps[1].person_responsible == ["Facilitator Leads", "Shakera Walker"]
    assert steps[4].person_responsible == ["Shakera Walker", "Chason Ishino"]
    # steps under a "Goal 1: …" heading belong to it; seed 003 leaves one measure blank
    assert {s.goal for s in steps} == {
        "Goal 1: To establish clear lines of communication",
        "Goal 2: Plan and execute all-facilitator sessions",
    }
    assert [f for f in found(record) if f[0] != "tab_missing"] == [("required", "Work Plan", "E7")]


# --- broken workbooks ---------------------------------------------------------------------------


def test_a_deleted_tab_is_a_finding_and_the_rest_is_read(template: WorkbookTemplate) -> None:
    ranges = [
        r
        for r in workbook(template, meetings=[["9/14", 45, "A"]])
        if not r["range"].startswith("Coaching")
    ]
    record = read(template, ranges)
    missing = [f for f in record.findings if f.rule == "tab_missing"]
    assert [(f.tab, f.severity) for f in missing] == [("Coaching", "error")]
    assert missing[0].link == f"https://docs.google.com/spreadsheets/d/{SID}/edit"
    assert len(record.meetings) == 1 and not record.has_tab("coaching")


def test_a_renamed_tab_is_read_by_alias(template: WorkbookTemplate) -> None:
    ranges = [value_range("Team Meetings", [headers(template, "meetings"), ["9/14", 45, "A"]])]
    record = read(template, ranges)
    assert record.tabs["meetings"].title == "Team Meetings" and len(record.meetings) == 1


def test_an_empty_answer_reads_as_every_tab_missing(template: WorkbookTemplate) -> None:
    record = read(template, [])
    assert len(found(record, "tab_missing")) == len(data_tabs(template))


def test_sheet_ids_given_make_the_links(template: WorkbookTemplate) -> None:
    record = read_workbook(
        workbook(template, meetings=[["soon", 45, "A"]]),
        team_id="T1",
        spreadsheet_id=SID,
        template=template,
        school_year=SCHOOL_YEAR,
        sheet_ids={"Meetings": 777},
    )
    assert record.findings[0].link and record.findings[0].link.endswith("#gid=777&range=A2")


def test_five_thousand_rows(template: WorkbookTemplate) -> None:
    rows = [[46270 + i % 200, 30 + i % 30, "Ana Ruiz / J. Park", f"note {i}"] for i in range(5000)]
    rows[4321][0] = "#REF!"
    started = time.perf_counter()
    record = read(template, workbook(template, meetings=rows))
    assert time.perf_counter() - started < 10
    assert len(record.meetings) == 5000
    assert found(record) == [("formula_error", "Meetings", "A4323")]


def test_findings_are_complete(template: WorkbookTemplate) -> None:
    record = read(template, workbook(template, meetings=[["9/14", "", "A"]]))
    (finding,) = record.findings
    assert isinstance(finding, Finding)
    assert finding.model_dump() == {
        "team": "T1",
        "rule": "required",
        "severity": "warning",
        "tab": "Meetings",
        "cell": "B2",
        "found": "",
        "expected": "Minutes (required on every row)",
        "link": f"https://docs.google.com/spreadsheets/d/{SID}/edit"
        f"#gid={template.tab('meetings').sheet_id}&range=B2",
    }


# --- nothing escapes ----------------------------------------------------------------------------

NASTY: list[Any] = [
    None,
    "",
    " ",
    0,
    -1,
    1e308,
    float("inf"),
    float("nan"),
    True,
    False,
    "#REF!",
    "#N/A",
    "=SUM(A1)",
    "+1 more",
    "Feb 29",
    "Feb 30",
    "2/30",
    "99:99",
    "1e400",
    "Example:",
    "💥",
    "9/14 - 9/15",
    "May-April/2099-00",
    "Goal 1",
    "\n\n",
    "a" * 5000,
    10**20,
    -0.0,
    "0:00",
]


@pytest.mark.parametrize("seed", range(8))
def test_no_input_lets_an_exception_escape(template: WorkbookTemplate, seed: int) -> None:
    """Random rows of nasty values in every tab, some with ragged widths: always a record."""
    import random

    from tst_sheets.commitments import evaluate, load_commitments
    from tst_sheets.model import Program, Team

    rng = random.Random(seed)
    tabs = {
        t.key: [[rng.choice(NASTY) for _ in range(rng.randint(0, 10))] for _ in range(30)]
        for t in data_tabs(template)
    }
    result = read(template, workbook(template, **tabs))
    assert isinstance(result, TeamRecord)
    program = Program(school_year_start=SCHOOL_YEAR.start, school_year_end=SCHOOL_YEAR.end)
    team = Team(team_id="T1", school="S", tl_name="TL", tl_email="tl@s.org")
    for as_of in (date(2026, 7, 1), date(2026, 11, 23), date(2027, 8, 1)):
        status = evaluate(result, team, program, as_of, load_commitments())
        assert status.overall in ("On track", "At risk", "Behind")
