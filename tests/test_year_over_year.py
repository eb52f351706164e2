"""A program rolled over once: the Impact Report sets last school year beside this one and
counts the Impact Team members who stayed; a second-year team keeps its own commitments."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from tests.test_rollover import YEAR_END, year_one
from tests.test_rollup_job import shown
from tst_sheets.cli import app
from tst_sheets.commitments import CommitmentSet, evaluate, load_commitments
from tst_sheets.config import DEFAULT_TEMPLATES, Settings
from tst_sheets.demo.season import type_season
from tst_sheets.jobs.report import report
from tst_sheets.jobs.rollover import rollover
from tst_sheets.model import Program, Team, TeamRecord
from tst_sheets.workspace import Workspace

THIS_YEAR = date(2027, 11, 16)


@pytest.fixture
def rolled_over(workspace: Workspace, connect_as: Callable[[str], Workspace]) -> dict[str, str]:
    """2026-27 typed to its end by T01–T03, rolled over to 2027-28 (T01 and T02 go on, the
    accepted application becomes T04); on T01's new Team tab the TL marks Lena Park left."""
    last = year_one(workspace, connect_as)
    type_season(connect_as, last.books, YEAR_END, plan={}, program=last.program)
    done = rollover(workspace, "2027-28")
    books = {r.team_id: r.spreadsheet_id for r in done.provisioned}
    tl = connect_as(last.program.teams[0].tl_email)
    rows = tl.sheets.values_get(books["T01"], "Team!A1:G10")
    row = next(i for i, r in enumerate(rows, 1) if r and r[0] == "Lena Park")
    tl.sheets.values_update(books["T01"], f"Team!F{row}", [["2027-09-15"]], raw=False)
    return books


def test_the_report_after_a_rollover_compares_the_years_and_counts_the_members_who_stayed(
    workspace: Workspace, rolled_over: dict[str, str], service_env: Settings
) -> None:
    result = report(workspace, as_of=THIS_YEAR)
    yoy = result.year_over_year
    assert yoy is not None
    assert (yoy.last.year, yoy.last.as_of, yoy.this.year) == ("2026-27", "2027-06-10", "2027-28")
    assert (yoy.last.figures.teams, yoy.this.figures.teams) == (3, 3)
    assert yoy.last.figures.with_target == 3 and yoy.this.figures.with_target == 0
    meetings = {k.commitment: k for k in yoy.last.figures.completion}["team_meetings"]
    assert meetings.completion is not None and meetings.completion > 0.9
    kept = yoy.retention
    assert (kept.teams, kept.members, kept.stayed) == (2, 9, 8)
    assert {t.team_id: (t.members, t.stayed) for t in kept.by_team} == {
        "T01": (4, 3),
        "T02": (5, 5),
    }
    rows = shown(workspace, result.report_spreadsheet_id, "Impact")
    start = next(
        i for i, r in enumerate(rows) if r and r[0] == "Year over year: 2026-27 and 2027-28"
    )
    section = {r[0]: r[1:] for r in rows[start + 1 :] if r}
    assert section["Measure"][:3] == ["2026-27", "2027-28", "Change"]
    assert section["Impact Teams"][:3] == [3, 3, "same"]
    assert section["Teams with a SMART target"][:3] == [3, 0, "-3"]
    assert section["Impact Team members who stayed"][1:3] == [
        0.8889,
        "8 of 9 members of 2 continuing teams",
    ]
    assert section["Team meets twice a month: completion"][:3] == [1, 0, "-100 pts"]
    assert section["Teams that met their target"][:3] == [3, 0, "-3"]
    # the command shows the same section
    out = CliRunner().invoke(app, ["report", "--as-of", THIS_YEAR.isoformat(), "--json"])
    assert out.exit_code == 0, out.output
    data: dict[str, Any] = json.loads(out.output)
    assert data["yearOverYear"]["retention"]["share"] == 0.8889
    text = CliRunner().invoke(app, ["report", "--as-of", THIS_YEAR.isoformat()])
    assert "Year over year: 2026-27 and 2027-28" in text.output


def second_year_set() -> CommitmentSet:
    """commitments.yaml with a second year's own coaching: once a month."""
    raw = yaml.safe_load((DEFAULT_TEMPLATES / "commitments.yaml").read_text(encoding="utf-8"))
    coaching = next(c for c in raw["commitments"] if c["id"] == "coaching")
    second = {
        **coaching,
        "label": "Coaching once a month (second year)",
        "years": [2],
        "rule": {**coaching["rule"], "min_per_month": 1},
    }
    coaching["years"] = [1]
    raw["commitments"].append(second)
    return CommitmentSet.model_validate(raw)


def test_a_second_year_team_is_held_to_its_own_commitments_from_the_yaml() -> None:
    commitments = second_year_set()
    program = Program(school_year_start=date(2027, 8, 17), school_year_end=date(2028, 6, 9))
    record = TeamRecord(team_id="T01", spreadsheet_id="book")
    first, second = (
        evaluate(
            record,
            Team(team_id="T01", school="S", tl_name="TL", tl_email="tl@x.org", program_year=year),
            program,
            date(2027, 11, 16),
            commitments,
        )
        for year in (1, 2)
    )
    labels = {s.id: s.label for s in first.commitments}, {s.id: s.label for s in second.commitments}
    assert labels[0]["coaching"] == "30-minute coaching twice a month"
    assert labels[1]["coaching"] == "Coaching once a month (second year)"
    assert set(labels[0]) == set(labels[1])  # the rest is the same for both years
    assert len(load_commitments().for_year(2).commitments) == len(load_commitments().commitments)


def test_a_commitment_twice_for_the_same_year_is_refused() -> None:
    raw = second_year_set().model_dump()
    raw["commitments"][-1]["years"] = [1, 2]
    with pytest.raises(ValidationError, match="apply twice to program year 1"):
        CommitmentSet.model_validate(raw)
