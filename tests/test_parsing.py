"""Messy cell values as TLs type them, and as one batchGet (UNFORMATTED_VALUE) returns them."""

from __future__ import annotations

from datetime import date

import pytest

from tst_sheets.model import DateRange, Timeline
from tst_sheets.reading.dates import parse_date, parse_duration
from tst_sheets.reading.goals import parse_smart_goal
from tst_sheets.reading.timeline import parse_timeline
from tst_sheets.reading.values import (
    FORMULA_ERRORS,
    CellValue,
    ParseError,
    as_text,
    formula_error,
    parse_email,
    parse_number,
    parse_people,
    parse_percent,
    parse_yes_no,
)

SCHOOL_YEAR = DateRange(start=date(2026, 8, 1), end=date(2027, 6, 30))
SEED_YEAR = DateRange(start=date(2013, 8, 1), end=date(2014, 6, 30))  # seed 003's 2013-14


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9/14", date(2026, 9, 14)),
        ("09/14/2026", date(2026, 9, 14)),
        ("Sept 14", date(2026, 9, 14)),
        ("Sep 14th", date(2026, 9, 14)),
        ("2026-09-14", date(2026, 9, 14)),
        ("14 Sept 2026", date(2026, 9, 14)),
        ("Tues 9/14", date(2026, 9, 14)),
        ("Thurs 10/1", date(2026, 10, 1)),
        ("Weds 10/7", date(2026, 10, 7)),
        ("Monday, September 14", date(2026, 9, 14)),
        ("Sept. 14, 2026", date(2026, 9, 14)),
        ("9/14/26", date(2026, 9, 14)),
        ("  9/14  ", date(2026, 9, 14)),
        ("3/1", date(2027, 3, 1)),  # spring: the school year's second calendar year
        ("Jan 5th", date(2027, 1, 5)),
        ("Dec 15", date(2026, 12, 15)),
        ("9/14/2026 3:30 PM", date(2026, 9, 14)),
        (46279, date(2026, 9, 14)),  # a real date cell: a serial number
        (46279.75, date(2026, 9, 14)),  # a date-time cell: the fraction is the time
    ],
)
def test_dates(value: CellValue, expected: date) -> None:
    assert parse_date(value, SCHOOL_YEAR) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "empty"),
        (None, "empty"),
        ("tbd", "not a date"),
        ("30", "not a date"),  # a bare number typed as text
        ("Sept 2026", "no day of the month"),
        (14, "a number, not a date"),  # serial 14 is January 1900
        (True, "a checkbox, not a date"),
        ("#REF!", "formula error #REF!"),
        ("2/30/2027", "not a date"),
    ],
)
def test_dates_that_are_not(value: CellValue, reason: str) -> None:
    result = parse_date(value, SCHOOL_YEAR)
    assert isinstance(result, ParseError)
    assert result.reason == reason
    assert result.found == as_text(value)


def test_a_date_without_a_year_needs_the_school_year() -> None:
    result = parse_date("9/14")
    assert isinstance(result, ParseError) and "school year" in result.reason


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        ("30", 30),
        ("30 min", 30),
        ("30m", 30),
        ("30 mins.", 30),
        ("0.5 h", 30),
        ("1:30", 90),
        ("0:45", 45),
        ("1.5 hrs", 90),
        ("half hour", 30),
        ("Half an hour", 30),
        ("an hour", 60),
        ("1h30", 90),
        ("1 hour 15 minutes", 75),
        ("90 minutes", 90),
        ("2 hours", 120),
        ("1½ hours", 90),
        (30, 30),  # a number cell
        (45.0, 45),
        (1.5, 90),  # a bare small number is hours
        (0.5, 30),
        (1 / 48, 30),  # "0:30" typed USER_ENTERED: a time, 1/48 of a day
        (0.0625, 90),  # "1:30" as a time cell
    ],
)
def test_durations(value: CellValue, minutes: int) -> None:
    assert parse_duration(value) == minutes


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("20-30 min", "a range, expected one duration"),
        ("abc", "not a duration"),
        ("30 parsecs", "unknown unit 'parsecs'"),
        (0, "not a positive duration"),
        (-15, "not a positive duration"),
        (False, "a checkbox, not a duration"),
        ("#VALUE!", "formula error #VALUE!"),
    ],
)
def test_durations_that_are_not(value: CellValue, reason: str) -> None:
    result = parse_duration(value)
    assert isinstance(result, ParseError) and result.reason == reason


@pytest.mark.parametrize(
    ("value", "percent"),
    [
        ("75%", 75.0),
        ("0.75", 75.0),
        ("75", 75.0),
        (0.75, 75.0),
        (75, 75.0),
        ("75 %", 75.0),
        ("85 percent", 85.0),
        ("100%", 100.0),
        (1, 100.0),
    ],
)
def test_percents(value: CellValue, percent: float) -> None:
    assert parse_percent(value) == percent


@pytest.mark.parametrize("value", ["150%", "-5%", "most", "#DIV/0!", True])
def test_percents_that_are_not(value: CellValue) -> None:
    assert isinstance(parse_percent(value), ParseError)


@pytest.mark.parametrize(
    ("value", "answer"),
    [
        ("Yes", True),
        ("y", True),
        ("TRUE", True),
        (True, True),
        ("x", True),
        ("✓", True),
        ("No", False),
        ("n", False),
        (False, False),
        ("absent", False),
        ("0", False),
    ],
)
def test_yes_no(value: CellValue, answer: bool) -> None:
    assert parse_yes_no(value) is answer


@pytest.mark.parametrize(
    ("value", "email"),
    [
        ("ana.ruiz@school.org", "ana.ruiz@school.org"),
        ("  Ana.Ruiz@School.ORG ", "ana.ruiz@school.org"),
        ("Ana Ruiz <ana.ruiz@school.org>", "ana.ruiz@school.org"),
        ("mailto:j.park@school.org", "j.park@school.org"),
    ],
)
def test_emails(value: str, email: str) -> None:
    assert parse_email(value) == email


@pytest.mark.parametrize("value", ["ana.ruiz", "ana@", "a@x.org, b@x.org", "", 42])
def test_emails_that_are_not(value: CellValue) -> None:
    assert isinstance(parse_email(value), ParseError)


@pytest.mark.parametrize(
    ("value", "people"),
    [
        ("Ana Ruiz / J. Park", ["Ana Ruiz", "J. Park"]),
        ("A and B", ["A", "B"]),
        ("Ana Ruiz\nJ. Park\nSam Lee", ["Ana Ruiz", "J. Park", "Sam Lee"]),
        ("Ana Ruiz, J. Park & Sam Lee", ["Ana Ruiz", "J. Park", "Sam Lee"]),
        ("Ana; Ana", ["Ana"]),
        # seed 003's own "Person/Area Responsible" cells
        ("Shakera Walker", ["Shakera Walker"]),
        ("Facilitator Leads\n\nShakera Walker", ["Facilitator Leads", "Shakera Walker"]),
        ("Shakera Walker\n\nFacilitator Leads", ["Shakera Walker", "Facilitator Leads"]),
        ("Shakera Walker/Chason Ishino", ["Shakera Walker", "Chason Ishino"]),
        ("Shakera Walker w/facilitator leads", ["Shakera Walker", "facilitator leads"]),
        ("Shakera Walker\n\nChason Ishino", ["Shakera Walker", "Chason Ishino"]),
        ("OEE/ODA", ["OEE", "ODA"]),
    ],
)
def test_people(value: str, people: list[str]) -> None:
    assert parse_people(value) == people


@pytest.mark.parametrize("code", sorted(FORMULA_ERRORS))
def test_formula_errors_are_recognised_by_every_parser(code: str) -> None:
    assert formula_error(code) == code
    assert formula_error(code.lower()) == code
    for parser in (parse_duration, parse_percent, parse_email, parse_people, parse_number):
        result = parser(code)
        assert isinstance(result, ParseError) and result.reason == f"formula error {code}"


def test_formula_looking_text_is_not_an_error() -> None:
    assert formula_error("=SUM(A1) was the plan") is None
    assert formula_error("#1 priority") is None


# --- work-plan timelines: seed 003's own, then more --------------------------------------------


def months(*spec: str) -> list[date]:
    return [date(int(s[:4]), int(s[5:]), 1) for s in spec]


@pytest.mark.parametrize(
    ("text", "kind", "due", "month_list", "inferred"),
    [
        ("May/2013", "months", date(2013, 5, 31), months("2013-05"), False),
        ("April-May/2013", "months", date(2013, 5, 31), months("2013-04", "2013-05"), False),
        (
            "August/2013 December/2013",
            "months",
            date(2013, 12, 31),
            months("2013-08", "2013-12"),
            False,
        ),
        (
            "August/2013\n\nDecember/2013\n\nLate April/early May",
            "months",
            date(2014, 5, 31),
            months("2013-08", "2013-12", "2014-04", "2014-05"),
            True,
        ),
        ("Quarterly/2013-14", "recurring", None, [], False),
        ("One month prior to each AF session", "recurring", None, [], False),
        ("Mid-way and final check in", "relative", None, [], False),
        ("August 15", "date", date(2013, 8, 15), [], True),
        ("July 2013", "months", date(2013, 7, 31), months("2013-07"), False),
        (
            "August-May/2013-14",
            "months",
            date(2014, 5, 31),
            months(
                "2013-08",
                "2013-09",
                "2013-10",
                "2013-11",
                "2013-12",
                "2014-01",
                "2014-02",
                "2014-03",
                "2014-04",
                "2014-05",
            ),
            False,
        ),
        ("Late April/early May", "months", date(2014, 5, 31), months("2014-04", "2014-05"), True),
        (
            "Sept 2013 - Jan 2014",
            "months",
            date(2014, 1, 31),
            months("2013-09", "2013-10", "2013-11", "2013-12", "2014-01"),
            False,
        ),
        ("May/2013-14", "months", date(2014, 5, 31), months("2014-05"), False),
        ("9/30/2013", "date", date(2013, 9, 30), [], False),
        ("Oct", "months", date(2013, 10, 31), months("2013-10"), True),
        ("Ongoing", "recurring", None, [], False),
        ("End of semester", "relative", None, [], False),
    ],
)
def test_seed_003_timelines(
    text: str, kind: str, due: date | None, month_list: list[date], inferred: bool
) -> None:
    timeline = parse_timeline(text, SEED_YEAR)
    assert isinstance(timeline, Timeline), timeline
    assert (timeline.kind, timeline.due, timeline.months, timeline.year_inferred) == (
        kind,
        due,
        month_list,
        inferred,
    )


@pytest.mark.parametrize("text", ["TBD", "", "#N/A", "soon-ish?"])
def test_timelines_that_are_not(text: str) -> None:
    result = parse_timeline(text, SEED_YEAR)
    assert isinstance(result, ParseError)


def test_a_timeline_keeps_what_it_could_not_read() -> None:
    timeline = parse_timeline("May/2014\n(tentative)", SEED_YEAR)
    assert isinstance(timeline, Timeline)
    assert timeline.due == date(2014, 5, 31) and timeline.unrecognised == ["(tentative)"]


# --- SMART goals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "baseline", "target", "target_date", "direction"),
    [
        (
            "Because no more than 75% of BPS schools had a full TLT, at least 85% of schools will "
            "have a full TLT in place by August 20th",
            75.0,
            85.0,
            date(2013, 8, 20),
            "up",
        ),
        (
            "Because no more than 60% of participants indicated last year's session was useful, at "
            "least 75% of participants will indicate that the time was useful in helping them to "
            "advance their QSP",
            60.0,
            75.0,
            None,
            "up",
        ),
        (
            "Because 30% of students were chronically absent, no more than 20% will be chronically "
            "absent by June 2014.",
            30.0,
            20.0,
            date(2014, 6, 30),
            "down",
        ),
        ("Increase attendance to 90% by the end of the year", None, 90.0, date(2014, 6, 30), "up"),
        # the planted mistake: a baseline, and no target
        (
            "Because no more than 60% of students met the benchmark, students will improve.",
            60.0,
            None,
            None,
            None,
        ),
    ],
)
def test_smart_goals(
    text: str,
    baseline: float | None,
    target: float | None,
    target_date: date | None,
    direction: str | None,
) -> None:
    goal = parse_smart_goal(text, SEED_YEAR)
    assert (goal.baseline, goal.target, goal.target_date) == (baseline, target, target_date)
    if direction:
        assert goal.direction == direction
