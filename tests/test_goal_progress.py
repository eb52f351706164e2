"""Each team's SMART goal, read by its phrases and measured against its target as of a date."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.test_commitments import GOAL, check, goal_row
from tst_sheets.commitments import CommitmentSet, load_commitments
from tst_sheets.model import DateRange
from tst_sheets.reading.goals import parse_smart_goal
from tst_sheets.templates import WorkbookTemplate, load_template

YEAR = DateRange(start=date(2026, 8, 1), end=date(2027, 6, 30))


@pytest.fixture(scope="module")
def template() -> WorkbookTemplate:
    return load_template("team_workbook")


@pytest.fixture(scope="module")
def commitments() -> CommitmentSet:
    return load_commitments()


# --- the sentence, read by its phrases --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "baseline", "target", "direction"),
    [
        (GOAL, 60, 75, "up"),  # seed 003's form
        (
            "Because no more than 60% of our 120 seventh graders (15% of them new to the school) "
            "met the benchmark, at least 75% will meet it by May 2027.",
            60,
            75,
            "up",
        ),
        (
            "Because at least 30% of students were chronically absent (up from 22% in 2024), no "
            "more than 20% will be by June 2027.",
            30,
            20,
            "down",
        ),
        (
            "Raise grade-level reading from 40% to 60% by May 2027, with 90% attendance.",
            40,
            60,
            "up",
        ),
        (
            "Because only 40% of new teachers feel supported, more of them will by May 2027.",
            40,
            None,
            "up",
        ),
        (
            "In a school where 85% qualify for free lunch and 12% are English learners, at least "
            "70% of students will read on grade level by May 2027.",
            None,
            70,
            "up",
        ),
    ],
)
def test_smart_goal_numbers_are_read_by_their_phrases_wherever_other_numbers_appear(
    text: str, baseline: float | None, target: float | None, direction: str
) -> None:
    goal = parse_smart_goal(text, YEAR)
    assert (goal.baseline, goal.target, goal.direction) == (baseline, target, direction)


def test_a_target_that_moves_the_wrong_way_is_named_at_the_cell_that_says_it(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    said = "Because no more than 60% met the benchmark, at least 50% will by May 2027."
    in_words = check(template, commitments, date(2026, 11, 23), goals=[goal_row(said)])
    found = [(f.cell, f.found) for f in in_words.findings if f.rule == "smart_goal"]
    assert found == [("A2", "target 50%, baseline 60%")]  # the sentence, not the empty E2
    typed = goal_row("Improve writing", "60%", "50%", "5/31/2027")
    in_cells = check(template, commitments, date(2026, 11, 23), goals=[typed])
    assert [f.cell for f in in_cells.findings if f.rule == "smart_goal"] == ["E2"]


def test_a_column_that_disagrees_with_the_goal_is_named_at_that_column(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    status = check(template, commitments, date(2026, 11, 23), goals=[goal_row(GOAL, "55%")])
    found = [(f.cell, f.found) for f in status.findings if f.rule == "smart_goal"]
    assert found == [("D2", "Baseline 55%, but the goal says 60%")]


# --- progress toward the target ----------------------------------------------------------------


def data(*points: tuple[str, str, Any]) -> list[list[Any]]:
    return [[point, day, "Writing benchmark", value] for point, day, value in points]


@pytest.mark.parametrize(
    ("as_of", "points", "progress", "on_pace", "met"),
    [
        # halfway from 60% to 75% at mid-year, with about half the time gone: on pace
        (date(2027, 2, 1), [("Mid-year", "1/25/2027", "68%")], 0.5333, True, False),
        # barely moved by mid-year: behind pace
        (date(2027, 2, 1), [("Mid-year", "1/25/2027", "61%")], 0.0667, False, False),
        # a % cell (0.76) beside a goal in percent: 76%, past the target
        (date(2027, 6, 10), [("End of year", "5/20/2027", 0.76)], 1.0667, True, True),
        # a measurement dated after the as-of date does not count yet
        (date(2027, 1, 20), [("Mid-year", "1/25/2027", "68%")], None, None, None),
    ],
)
def test_goal_progress_and_pace_as_of_the_date(
    template: WorkbookTemplate,
    commitments: CommitmentSet,
    as_of: date,
    points: list[tuple[str, str, Any]],
    progress: float | None,
    on_pace: bool | None,
    met: bool | None,
) -> None:
    rows = data(("Baseline", "9/15/2026", "60%"), *points)
    goal = check(template, commitments, as_of, data=rows).goal
    assert (goal.baseline, goal.target, goal.target_date) == (60, 75, date(2027, 5, 31))
    assert (goal.progress, goal.on_pace, goal.met) == (progress, on_pace, met)


def test_before_mid_year_the_goal_says_when_it_will_be_measured(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    goal = check(template, commitments, date(2026, 11, 23)).goal
    assert (goal.baseline, goal.mid_year, goal.end_of_year, goal.target) == (60, None, None, 75)
    assert goal.progress is None and goal.on_pace is None
    assert goal.note == "measured at mid-year (data due Jan 29, 2027)"


def test_a_goal_without_a_target_has_no_progress_and_says_so(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    vague = "Because only 60% met the benchmark, more students will meet it by May 2027."
    goal = check(template, commitments, date(2027, 2, 1), goals=[goal_row(vague)]).goal
    assert (goal.baseline, goal.target, goal.progress) == (60, None, None)
    assert goal.note == "the goal states no target"


def test_the_team_json_carries_the_goal_in_camel_case(
    template: WorkbookTemplate, commitments: CommitmentSet
) -> None:
    rows = data(("Baseline", "9/15/2026", "60%"), ("Mid-year", "1/25/2027", "68%"))
    status = check(template, commitments, date(2027, 2, 1), data=rows)
    team = status.model_dump(by_alias=True, mode="json")
    assert {"teamId", "status", "why", "commitments", "goal"} <= set(team)
    assert team["goal"]["midYear"] == 68
    assert {"baseline", "midYear", "endOfYear", "target", "progress", "onPace"} <= set(team["goal"])
    assert all("_" not in key for key in team)
    assert all("_" not in key for c in team["commitments"] for key in c["figures"])
