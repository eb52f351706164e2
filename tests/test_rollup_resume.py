"""A roll-up cut short saves its progress and the next run resumes where it stopped, ending
identical to an uninterrupted run; in Cloud Functions the rest goes to Cloud Tasks."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import functions_framework
import pytest
import requests
from flask.testing import FlaskClient

from tests.conftest import ADMIN, SERVICE
from tests.emulator.support import discovery
from tests.test_functions import SOURCE
from tests.test_rollup_job import AS_OF, rollup_cells, shown
from tst_sheets.config import Settings
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


# --- in Cloud Functions: the rest handed to Cloud Tasks ------------------------------------------

QUEUE = "projects/tst-local/locations/us-central1/queues/tst-rollup"
ROLLUP_URL = "http://127.0.0.1:9/"  # never called: the test delivers the task itself


def rollup_function(monkeypatch: pytest.MonkeyPatch, **env: str) -> FlaskClient:
    """The deployed ``rollup`` function, through functions-framework, configured by ``env``."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FUNCTION_TARGET", "rollup")
    monkeypatch.setenv("FUNCTION_SIGNATURE_TYPE", "http")
    return functions_framework.create_app(target="rollup", source=SOURCE).test_client()


def test_the_function_hands_the_rest_to_cloud_tasks_and_the_task_completes_it(
    cohort: Cohort, service_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin_queues = discovery("cloudtasks", "v2", service_env.emulator_url, ADMIN)
    parent = QUEUE.rpartition("/queues/")[0]
    admin_queues.projects().locations().queues().create(
        parent=parent, body={"name": QUEUE}
    ).execute()  # what cloudbuild.yaml's `gcloud tasks queues create` does
    function = rollup_function(
        monkeypatch,
        TST_AS_OF=AS_OF.isoformat(),
        TST_TASKS_QUEUE=QUEUE,
        TST_ROLLUP_URL=ROLLUP_URL,
        TST_TASKS_SERVICE_ACCOUNT=SERVICE,
        TST_ROLLUP_READS_PER_RUN="4",  # a budget by count: the same cut on any machine
        TST_CHECKPOINT_EVERY="2",
    )
    first = function.post("/", json={"roster": cohort.roster_id})
    assert first.status_code == 200, first.get_json()
    answer = first.get_json()
    assert (answer["complete"], answer["remaining"], answer["read"]) == (False, TEAMS - 4, 4)
    assert answer["calls"]["tasks"] == {"read": 0, "write": 1}
    tasks = requests.get(f"{service_env.emulator_url}/_emulator/tasks", timeout=5).json()["tasks"]
    assert [t["name"] for t in tasks] == [answer["continuedBy"]]
    task = tasks[0]
    assert task["name"].startswith(QUEUE + "/tasks/rollup-")
    assert task["dispatchDeadline"] == "1800s"  # the function's timeout, not the 10 min default
    request = task["httpRequest"]
    assert {k: v for k, v in request.items() if k != "body"} == {
        "url": ROLLUP_URL,
        "httpMethod": "POST",
        "headers": {"Content-Type": "application/json"},
        "oidcToken": {"serviceAccountEmail": SERVICE, "audience": ROLLUP_URL},
    }
    body = base64.b64decode(request["body"])
    assert json.loads(body) == {"roster": cohort.roster_id}

    # Cloud Tasks' delivery: the same POST, then the task is gone once the function says 200
    delivered = function.post("/", data=body, headers=request["headers"])
    assert delivered.status_code == 200, delivered.get_json()
    done = delivered.get_json()
    assert done["complete"] and done["remaining"] == 0 and "continuedBy" not in done
    assert (done["read"], done["reused"]) == (TEAMS - 4, 4) and done["written"]
    assert len(done["statuses"]) == TEAMS
    book = done["rollupSpreadsheetId"]
    assert cohort.up_to_date(book) and cohort.run().read == 0
    assert len(shown(cohort.ws, book, "Summary")) == TEAMS + 1


def test_half_the_handoff_settings_is_one_line_saying_what_to_set(
    service_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    function = rollup_function(monkeypatch, TST_TASKS_QUEUE=QUEUE)
    answer = function.post("/", json={})
    assert answer.status_code == 500
    error = answer.get_json()["error"]
    assert error["status"] == "FAILED_PRECONDITION"
    assert "TST_ROLLUP_URL and TST_TASKS_SERVICE_ACCOUNT" in error["message"]
    assert "\n" not in error["message"]


def test_a_queue_that_is_not_a_queue_name_is_named(
    service_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    function = rollup_function(monkeypatch, TST_TASKS_QUEUE="tst-rollup")
    answer = function.post("/", json={})
    assert answer.status_code == 500
    assert answer.get_json()["error"]["message"].startswith("TST_TASKS_QUEUE='tst-rollup'")
