"""Cloud Tasks v2 through a bare googleapiclient: queues, HTTP tasks as Google answers them,
and the control endpoint a test delivers recorded tasks from."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests

from tests.emulator.support import api_error, discovery
from tst_sheets.emulator import RunningEmulator

PARENT = "projects/tst-demo/locations/us-central1"
QUEUE = f"{PARENT}/queues/tst-rollup"
ACCOUNT = "tst-functions@tst-demo.iam.gserviceaccount.com"
URL = "https://tst-rollup-1.us-central1.run.app"


@pytest.fixture
def tasks(emulator: RunningEmulator) -> Any:
    client = discovery("cloudtasks", "v2", emulator.url, ACCOUNT)
    queues = client.projects().locations().queues()
    queues.create(parent=PARENT, body={"name": QUEUE}).execute()
    return queues.tasks()


def http_task(**extra: Any) -> dict[str, Any]:
    body = base64.b64encode(json.dumps({"roster": "abc"}).encode()).decode()
    request = {
        "url": URL,
        "httpMethod": "POST",
        "headers": {"Content-Type": "application/json"},
        "body": body,
        "oidcToken": {"serviceAccountEmail": ACCOUNT, "audience": URL},
    }
    return {"httpRequest": request, **extra}


def test_a_created_task_is_answered_in_basic_view_without_its_body(tasks: Any) -> None:
    task = tasks.create(parent=QUEUE, body={"task": http_task()}).execute()
    assert task["name"].startswith(QUEUE + "/tasks/") and task["name"].rpartition("/")[2].isdigit()
    assert task["view"] == "BASIC" and task["dispatchDeadline"] == "600s"
    assert task["createTime"].endswith("Z") and "." not in task["createTime"]  # whole seconds
    assert task["scheduleTime"].endswith("Z")
    assert task["httpRequest"] == {
        "url": URL,
        "httpMethod": "POST",
        "headers": {"Content-Type": "application/json"},
        "oidcToken": {"serviceAccountEmail": ACCOUNT, "audience": URL},
    }
    assert tasks.get(name=task["name"]).execute() == task
    full = tasks.get(name=task["name"], responseView="FULL").execute()
    assert full["view"] == "FULL" and json.loads(base64.b64decode(full["httpRequest"]["body"]))
    assert tasks.list(parent=QUEUE).execute() == {"tasks": [task]}


def test_a_named_task_is_created_once(tasks: Any) -> None:
    named = http_task(name=f"{QUEUE}/tasks/rollup-abc_1")
    assert tasks.create(parent=QUEUE, body={"task": named}).execute()["name"] == named["name"]
    status, error = api_error(lambda: tasks.create(parent=QUEUE, body={"task": named}).execute())
    assert (status, error["status"]) == (409, "ALREADY_EXISTS")
    elsewhere = http_task(name=f"{PARENT}/queues/other/tasks/x")
    status, error = api_error(
        lambda: tasks.create(parent=QUEUE, body={"task": elsewhere}).execute()
    )
    assert (status, error["status"]) == (400, "INVALID_ARGUMENT")


def test_an_unknown_queue_is_googles_error(tasks: Any) -> None:
    missing = f"{PARENT}/queues/missing"
    status, error = api_error(
        lambda: tasks.create(parent=missing, body={"task": http_task()}).execute()
    )
    assert (status, error) == (
        400,
        {"code": 400, "message": "Queue does not exist.", "status": "FAILED_PRECONDITION"},
    )
    status, error = api_error(lambda: tasks.list(parent=missing).execute())
    assert (status, error["status"], error["message"]) == (
        404,
        "NOT_FOUND",
        "Requested entity was not found.",
    )
    status, error = api_error(lambda: tasks.get(name=f"{QUEUE}/tasks/1").execute())
    assert (status, error["status"]) == (404, "NOT_FOUND")


def test_bad_tasks_are_400(tasks: Any) -> None:
    def create(task: dict[str, Any]) -> Any:
        return lambda: tasks.create(parent=QUEUE, body={"task": task}).execute()

    no_scheme = http_task()
    no_scheme["httpRequest"]["url"] = "tst-rollup.example"
    get_with_body = http_task()
    get_with_body["httpRequest"]["httpMethod"] = "GET"
    for bad in (no_scheme, get_with_body):
        assert api_error(create(bad))[0] == 400
    assert api_error(create({"appEngineHttpRequest": {"relativeUri": "/"}}))[0] == 501


def test_the_control_endpoint_lists_every_task_with_its_body(
    tasks: Any, emulator: RunningEmulator
) -> None:
    task = tasks.create(parent=QUEUE, body={"task": http_task()}).execute()
    listed = requests.get(f"{emulator.url}/_emulator/tasks", timeout=5).json()["tasks"]
    assert [t["name"] for t in listed] == [task["name"]]
    assert json.loads(base64.b64decode(listed[0]["httpRequest"]["body"])) == {"roster": "abc"}
    done = requests.delete(
        f"{emulator.url}/_emulator/tasks", params={"name": task["name"]}, timeout=5
    )
    assert done.ok and tasks.list(parent=QUEUE).execute() == {}
    # a delivered task's name stays taken: a resent create cannot run it twice
    again = http_task(name=task["name"])
    assert api_error(lambda: tasks.create(parent=QUEUE, body={"task": again}).execute())[0] == 409
