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

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from tst_sheets.demo.planted import (
    DEFAULT_PLAN,
    DEMO_AS_OF,
    IMPORTXML,
    SEED,
    MistakeKind,
    Planted,
    Season,
    TeamTyping,
)
from tst_sheets.demo.sample import sample_program, sample_teams
from tst_sheets.demo.typist import plan_team
from tst_sheets.model import Program
from tst_sheets.templates import load_template
from tst_sheets.workspace import Workspace, add_calls, once

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
    data = {item["range"]: item["values"] for item in typing.data}
    tl.sheets.values_batch_update(book, data, raw=False)
    if typing.requests:  # tabs deleted by mistake: gone already after a lost answer?
        doomed = {r["deleteSheet"]["sheetId"] for r in typing.requests if "deleteSheet" in r}

        def applied() -> dict[str, object] | None:
            sheets = tl.sheets.get(book, "sheets.properties.sheetId").get("sheets", [])
            left = {s["properties"]["sheetId"] for s in sheets}
            return None if doomed & left else {}

        once(lambda: tl.sheets.batch_update(book, typing.requests), applied, tl.policy)
    return tl.counter.since(before)
