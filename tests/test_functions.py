"""The Cloud Functions through functions-framework's own app, against the emulator."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import functions_framework
import pytest
from flask.testing import FlaskClient
from pydantic import BaseModel

from tst_sheets.config import Settings
from tst_sheets.demo.sample import sample_program
from tst_sheets.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
SOURCE = str(ROOT / "functions" / "main.py")
FUNCTIONS = ("provision", "collect", "rollup", "calendar_sync", "notify")
EVERY_FUNCTION = (*FUNCTIONS, "doctor")

ClientFor = Callable[..., FlaskClient]


@pytest.fixture
def client_for(monkeypatch: pytest.MonkeyPatch) -> ClientFor:
    """A test client of one function, configured from the environment as when deployed.

    Its backend is a closed port: requests rejected before any call need no emulator.
    """
    monkeypatch.setenv("TST_TARGET", "local")
    monkeypatch.setenv("TST_EMULATOR_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("TST_RETRY_DEADLINE_S", "10")
    for name in ("TST_ROSTER_ID", "TST_AS_OF", "TST_IDENTITY", "TST_SUBJECT", "TST_DRIVE_FOLDER"):
        monkeypatch.delenv(name, raising=False)

    def make(target: str, source: str = SOURCE) -> FlaskClient:
        # create_app records its target in the environment; keep that inside this test.
        monkeypatch.setenv("FUNCTION_TARGET", target)
        monkeypatch.setenv("FUNCTION_SIGNATURE_TYPE", "http")
        return functions_framework.create_app(target=target, source=source).test_client()

    return make


@pytest.fixture
def live_client_for(client_for: ClientFor, service_env: Settings) -> ClientFor:
    """The same, against a fresh emulator (settings are read per request)."""
    return client_for


def error_of(response: Any) -> str:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == response.status_code
    message: str = body["error"]["message"]
    return message


@pytest.mark.parametrize("name", EVERY_FUNCTION)
def test_get_is_not_allowed(client_for: ClientFor, name: str) -> None:
    response = client_for(name).get("/?roster=abc")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert "POST" in error_of(response)


@pytest.mark.parametrize("name", ["collect", "rollup", "notify"])
@pytest.mark.parametrize("as_of", ["2026-13-01", "11/23/2026", "2026-2-3", "tomorrow", "20261123"])
def test_bad_as_of_is_a_400_that_says_what_is_expected(
    client_for: ClientFor, name: str, as_of: str
) -> None:
    response = client_for(name).post("/", json={"roster": "abc", "asOf": as_of})
    assert response.status_code == 400
    message = error_of(response)
    assert "YYYY-MM-DD" in message
    assert as_of in message


def test_bad_as_of_in_the_query_too(client_for: ClientFor) -> None:
    response = client_for("rollup").post("/?roster=abc&asOf=2026-02-30")
    assert response.status_code == 400
    assert "asOf" in error_of(response)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_no_roster_anywhere_says_what_to_set(live_client_for: ClientFor, name: str) -> None:
    """No ``roster``, no ``TST_ROSTER_ID`` and none in the drive folder: the fix, not a trace."""
    response = live_client_for(name).post("/", json={})
    assert response.status_code == 500
    assert response.get_json()["error"]["status"] == "FAILED_PRECONDITION"
    message = error_of(response)
    assert "tst-sheets init" in message and "TST_ROSTER_ID" in message


def test_a_bad_setting_names_its_variable(
    client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TST_TARGET", "prod")
    response = client_for("rollup").post("/", json={})
    assert response.status_code == 500
    assert response.get_json()["error"]["status"] == "FAILED_PRECONDITION"
    assert error_of(response).startswith("TST_TARGET='prod' is not valid")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_unknown_roster_is_a_400_naming_it(live_client_for: ClientFor, name: str) -> None:
    response = live_client_for(name).post("/", json={"roster": "no-such-roster"})
    assert response.status_code == 400
    message = error_of(response)
    assert "no-such-roster" in message
    assert "share" in message


def test_roster_from_the_environment_is_checked_too(
    live_client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TST_ROSTER_ID", "env-roster")
    response = live_client_for("provision").post("/")
    assert response.status_code == 400
    assert "env-roster" in error_of(response)


@pytest.mark.parametrize(
    ("name", "body", "fragment"),
    [
        ("provision", {"roster": "r", "asOf": "2026-11-23"}, "Unknown parameter(s) asOf"),
        ("rollup", {"roster": "r", "as_of": "2026-11-23"}, "as_of"),
        ("calendar_sync", {"roster": "r", "dryRun": "maybe"}, "dryRun must be true or false"),
        ("rollup", {"roster": "r", "full": 3}, "full must be true or false"),
        ("notify", {"roster": "r", "full": True}, "Unknown parameter(s) full"),
        ("notify", {"roster": "r", "dryRun": "soon"}, "dryRun must be true or false"),
    ],
)
def test_bad_parameters_are_named(
    client_for: ClientFor, name: str, body: dict[str, Any], fragment: str
) -> None:
    response = client_for(name).post("/", json=body)
    assert response.status_code == 400
    assert fragment in error_of(response)


@pytest.mark.parametrize("data", ["{not json", "[1, 2]", '"roster"'])
def test_a_body_that_is_not_a_json_object_is_a_400(client_for: ClientFor, data: str) -> None:
    response = client_for("collect").post("/", data=data, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in error_of(response)


def test_a_failure_is_a_500_without_a_trace(
    client_for: ClientFor, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret detail from /srv/tst_sheets/internal.py")

    # The function module binds ``connect`` when create_app executes it.
    monkeypatch.setattr("tst_sheets.workspace.connect", explode)
    client = client_for("rollup")
    with caplog.at_level(logging.ERROR, logger="tst_sheets.functions"):
        response = client.post("/", json={"roster": "abc", "asOf": "2026-11-23"})
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    assert "secret" not in text
    assert "logs" in error_of(response)
    assert any("secret detail" in (r.exc_text or "") for r in caplog.records)


def test_an_unreachable_backend_is_a_500_without_a_trace(
    client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TST_MAX_ATTEMPTS", "1")  # the backend is a closed port
    response = client_for("provision").post("/", json={"roster": "abc"})
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    assert "127.0.0.1" not in text


@pytest.mark.parametrize("name", EVERY_FUNCTION)
def test_the_root_main_py_exposes_every_function(client_for: ClientFor, name: str) -> None:
    """``gcloud functions deploy --source .`` loads the root ``main.py``."""
    response = client_for(name, source=str(ROOT / "main.py")).get("/")
    assert response.status_code == 405


# -- the jobs, answering through the functions ----------------------------------------------------


@pytest.fixture
def roster(workspace: Workspace) -> str:
    """The sample program's roster, as ``tst-sheets init`` makes it on the emulator."""
    from tst_sheets.jobs.init import init_roster

    return init_roster(workspace, "TST", sample_program()).roster_spreadsheet_id


def json_keys(model: type[BaseModel]) -> set[str]:
    """The top-level keys of a result's ``model_dump(by_alias=True)``: the CLI's ``--json``."""
    return {f.alias or name for name, f in model.model_fields.items() if not f.exclude}


def test_provision_answers_with_the_cli_json(live_client_for: ClientFor, roster: str) -> None:
    from tst_sheets.jobs.provision import ProvisionResult

    client = live_client_for("provision")
    planned = client.post("/", json={"roster": roster, "dryRun": True})
    assert planned.status_code == 200, planned.get_data(as_text=True)
    response = client.post("/", json={"roster": roster})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == json_keys(ProvisionResult)
    assert len(body["created"]) >= 4
    assert body["calls"]["sheets"]["write"] >= len(body["created"])
    again = client.post(f"/?roster={roster}").get_json()
    assert again["created"] == [] and len(again["existing"]) == len(body["created"])


def test_rollup_answers_with_findings_that_carry_cells(
    live_client_for: ClientFor, roster: str, workspace: Workspace
) -> None:
    from tst_sheets.jobs.provision import provision
    from tst_sheets.jobs.rollup import RollupResult

    provision(workspace, roster)
    what_if = live_client_for("rollup").post("/", json={"roster": roster, "asOf": "2026-11-23"})
    assert what_if.status_code == 200, what_if.get_data(as_text=True)
    assert what_if.get_json()["written"] is False
    assert what_if.get_json()["calls"]["sheets"]["write"] == 0
    response = live_client_for("rollup").post(
        "/", json={"roster": roster, "asOf": "2026-11-23", "write": True}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == json_keys(RollupResult)
    assert body["teams"] >= 4 and body["rollupSpreadsheetId"] and body["written"]
    assert any(f["tab"] and f["cell"] and f["link"] for f in body["findings"])
    full = live_client_for("rollup").post("/", json={"roster": roster, "full": "true"})
    assert full.status_code == 200


def test_calendar_sync_answers_and_takes_the_roster_from_the_environment(
    live_client_for: ClientFor, roster: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tst_sheets.jobs.calendar import CalendarResult

    monkeypatch.setenv("TST_ROSTER_ID", roster)
    client = live_client_for("calendar_sync")
    response = client.post("/")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == json_keys(CalendarResult)
    assert body["created"]
    again = client.post("/").get_json()
    assert again["created"] == [] and again["unchanged"]


def test_collect_answers(live_client_for: ClientFor, roster: str, workspace: Workspace) -> None:
    collect_job = pytest.importorskip("tst_sheets.jobs.collect")
    from tst_sheets.jobs.provision import provision

    provision(workspace, roster)
    response = live_client_for("collect").post("/", json={"roster": roster, "asOf": "2026-11-23"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert set(response.get_json()) == json_keys(collect_job.CollectResult)


def test_notify_answers_with_the_cli_json_and_a_second_call_sends_nothing(
    live_client_for: ClientFor, roster: str, workspace: Workspace, connect_as: Any
) -> None:
    from tst_sheets.jobs.notify import NotifyResult
    from tst_sheets.jobs.provision import provision

    provision(workspace, roster)
    client = live_client_for("notify")
    planned = client.post("/", json={"roster": roster, "dryRun": True})
    assert planned.status_code == 200, planned.get_data(as_text=True)
    would = planned.get_json()
    assert set(would) == json_keys(NotifyResult)
    assert would["messages"] and {m["state"] for m in would["messages"]} == {"would send"}
    assert all(m["text"] for m in would["messages"])
    response = client.post("/", json={"roster": roster})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert [m["to"] for m in body["messages"]] == [m["to"] for m in would["messages"]]
    assert {m["state"] for m in body["messages"]} == {"sent"}
    assert body["calls"]["gmail"]["write"] == len(body["messages"])
    coach = next(m["to"] for m in body["messages"] if "coach" in m["roles"])
    assert connect_as(coach).gmail.list_messages(["INBOX"])["resultSizeEstimate"] == 1
    again = client.post("/", json={"roster": roster}).get_json()
    assert again["messages"] == [] and len(again["alreadySent"]) == len(body["messages"])


def test_the_roster_is_found_in_the_drive_folder_when_none_is_named(
    live_client_for: ClientFor, roster: str
) -> None:
    """A deploy needs no ``_ROSTER_ID``: the roster ``init`` made carries the program's labels."""
    response = live_client_for("provision").post("/", json={"dryRun": True})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.get_json()["created"]) == len(sample_program().active_teams())


def test_doctor_answers_its_checklist(live_client_for: ClientFor, roster: str) -> None:
    response = live_client_for("doctor").post("/")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["ok"] is True, body
    assert [c["id"] for c in body["checks"]][:2] == ["credentials", "identity"]
    assert live_client_for("doctor").post("/", json={"roster": roster}).status_code == 400


def test_a_mass_change_is_a_409_with_the_plan_until_allowed(
    live_client_for: ClientFor, roster: str, workspace: Workspace, connect_as: Any
) -> None:
    from tests.conftest import ADMIN

    client = live_client_for("calendar_sync")
    assert client.post("/", json={"roster": roster}).status_code == 200
    events = connect_as(ADMIN).sheets.client.open_by_key(roster).worksheet("Events")
    events.delete_rows(2, 9)  # 8 of the program's events
    stopped = client.post("/", json={"roster": roster})
    assert stopped.status_code == 409
    body = stopped.get_json()
    assert body["error"]["status"] == "ABORTED" and "allowMassChange" in body["error"]["message"]
    assert len(body["result"]["cancelled"]) == 8
    allowed = client.post("/", json={"roster": roster, "allowMassChange": True})
    assert allowed.status_code == 200 and len(allowed.get_json()["cancelled"]) == 8


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ('{"roster": "../../drive/v3/files?x=1"}', "spreadsheet id"),
        ('{"roster": "' + "a" * 10_000_000 + '"}', "larger than"),
        ("[" * 100_000 + "]" * 100_000, "larger than"),
        ("[" * 5_000 + "]" * 5_000, "nested too deeply"),
        ('{"roster": {"id": "abc"}}', "spreadsheet id"),
    ],
    ids=[
        "a path for an id",
        "a 10 MB id",
        "JSON 100,000 deep",
        "JSON 5,000 deep",
        "an object for an id",
    ],
)
def test_a_hostile_body_is_a_400_that_says_why(
    client_for: ClientFor, data: str, fragment: str
) -> None:
    response = client_for("rollup").post("/", data=data, content_type="application/json")
    assert response.status_code == 400
    assert fragment in error_of(response)
