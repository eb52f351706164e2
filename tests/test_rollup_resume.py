"""A roll-up cut short saves its progress and the next run resumes where it stopped, ending
identical to an uninterrupted run; in Cloud Functions the rest goes to Cloud Tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.conftest import ADMIN
from tests.test_rollup_job import AS_OF, rollup_cells, shown
from tst_sheets.demo.sample import sample_program
from tst_sheets.demo.season import type_season
from tst_sheets.jobs.checkpoint import Budget
from tst_sheets.jobs.files import list_program_files
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.rollup import RollupResult, rollup
from tst_sheets.jobs.rollup_book import read_state_column
from tst_sheets.model import Program
from tst_sheets.rollup.state import decode_state
from tst_sheets.workspace import Workspace

TEAMS = 6


class Cohort:
    """Six provisioned teams with a season typed by their TLs (two with mistakes)."""

    def __init__(self, ws: Workspace, connect_as: Callable[[str], Workspace]) -> None:
        full = sample_program()
        program = full.model_copy(update={"teams": full.active_teams()[:TEAMS]})
        self.ws, self.connect_as = ws, connect_as
        self.roster_id = init_roster(ws, program=program).roster_spreadsheet_id
        created = provision(ws, self.roster_id).created
        self.books = {r.team_id: r.spreadsheet_id for r in created}
        plan: dict[str, Any] = {"T02": ("missed_month",), "T05": ("formula_in_date",)}
        type_season(connect_as, self.books, AS_OF, plan=plan, program=program)
        self.program: Program = program

    def run(self, **options: Any) -> RollupResult:
        return rollup(self.ws, self.roster_id, AS_OF, write=True, **options)

    def state_entries(self, book_id: str) -> dict[str, dict[str, Any]]:
        """The state's team entries, without the Drive time of the version read."""
        state = decode_state(read_state_column(self.ws, book_id, "_state"))
        return {
            team_id: entry.model_dump(mode="json", exclude={"modified_time"})
            for team_id, entry in state.teams.items()
        }

    def start_here(self) -> dict[str, list[list[Any]]]:
        return {team: shown(self.ws, book, "Start Here") for team, book in self.books.items()}

    def up_to_date(self, book_id: str) -> bool:
        """Every entry names the version Drive has now: the next run reads nothing."""
        state = decode_state(read_state_column(self.ws, book_id, "_state"))
        now = {f.id: f.modified_time for f in list_program_files(self.ws)}
        return all(now[e.spreadsheet_id] == e.modified_time for e in state.teams.values())


@pytest.fixture
def cohort(workspace: Workspace, connect_as: Callable[[str], Workspace]) -> Cohort:
    return Cohort(workspace, connect_as)


def calls_sum(*results: RollupResult) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for result in results:
        for api, kinds in result.calls.items():
            for kind, n in kinds.items():
                out.setdefault(api, {}).setdefault(kind, 0)
                out[api][kind] += n
    return out


def test_a_rollup_stopped_half_way_resumes_and_ends_identical(cohort: Cohort) -> None:
    first = cohort.run(budget=Budget(reads=TEAMS // 2), checkpoint_every=2)
    assert (first.complete, first.remaining, first.read) == (False, TEAMS // 2, TEAMS // 2)
    assert not first.written and first.checkpoints == 2 and not first.statuses
    book = first.rollup_spreadsheet_id
    # the coach sees no half roll-up: its tabs are still the template's
    assert shown(cohort.ws, book, "Summary")[1:] == []

    second = cohort.run()
    assert second.complete and second.remaining == 0 and second.written
    assert (second.read, second.reused) == (TEAMS - TEAMS // 2, TEAMS // 2)
    assert second.rollup_spreadsheet_id == book
    assert cohort.up_to_date(book)
    assert cohort.run().read == 0  # nothing left to read, nothing changed
    resumed = (rollup_cells(cohort.ws, book), cohort.start_here(), cohort.state_entries(book))
    resumed_calls = calls_sum(first, second)

    delete_for_good(cohort, book)
    whole = cohort.run()
    assert whole.complete and whole.read == TEAMS and whole.rollup_spreadsheet_id != book
    again = whole.rollup_spreadsheet_id
    assert cohort.up_to_date(again)
    uninterrupted = (
        rollup_cells(cohort.ws, again),
        cohort.start_here(),
        cohort.state_entries(again),
    )
    assert resumed == uninterrupted
    # each workbook read once either way; the pause costs a run's fixed reads and the saves
    print("resumed", resumed_calls, "whole", whole.calls)
    assert resumed_calls["sheets"]["read"] == whole.calls["sheets"]["read"] + 2  # roster, state
    writes = resumed_calls["sheets"]["write"] - whole.calls["sheets"]["write"]
    assert writes == first.checkpoints  # the saves, the stop's own included


def delete_for_good(cohort: Cohort, file_id: str) -> None:
    """A staff admin deletes the roll-up, so the next run starts from nothing."""
    admin = cohort.connect_as(ADMIN)
    admin.drive.resource.files().delete(fileId=file_id, supportsAllDrives=True).execute()


def test_a_run_killed_after_a_checkpoint_reads_only_what_it_had_not_saved(
    cohort: Cohort,
) -> None:
    class Killed(Exception):
        pass

    def kill_after_three(done: int, total: int, team: str) -> None:
        if done == 3:
            raise Killed

    with pytest.raises(Killed):
        cohort.run(checkpoint_every=1, progress=kill_after_three)
    resumed = cohort.run()
    # three saved; a Start Here write still running when the run died may cost a re-read
    assert resumed.complete and TEAMS - 3 <= resumed.read < TEAMS
    book = resumed.rollup_spreadsheet_id
    assert cohort.up_to_date(book)
    cells = rollup_cells(cohort.ws, book)
    delete_for_good(cohort, book)
    whole = cohort.run()
    assert rollup_cells(cohort.ws, whole.rollup_spreadsheet_id) == cells


def test_a_what_if_ignores_the_budget_and_saves_nothing(cohort: Cohort) -> None:
    result = rollup(
        cohort.ws, cohort.roster_id, date(2026, 11, 30), budget=Budget(reads=1), checkpoint_every=1
    )
    assert result.complete and result.read == TEAMS and not result.written
    assert result.calls["sheets"]["write"] == 0
