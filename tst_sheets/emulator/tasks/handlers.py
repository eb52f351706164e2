"""Cloud Tasks v2 over HTTP: request parsing and response shaping; state lives in the models."""

from __future__ import annotations

from typing import Any

from tst_sheets.emulator.errors import ApiError
from tst_sheets.emulator.http import Call, Handler, Kind, Route
from tst_sheets.emulator.tasks.models import TasksBackend, invalid, view

_LOCATION = "/v2/(?P<parent>projects/[^/]+/locations/[^/]+)"
_QUEUE_NAME = "projects/[^/]+/locations/[^/]+/queues/[^/:]+"
_QUEUE = f"/v2/(?P<queue>{_QUEUE_NAME})"
_TASK = f"/v2/(?P<task>{_QUEUE_NAME}/tasks/[^/:]+)"
_ANY = "/v2/projects/.*"
_WRITES = ("POST", "PATCH", "DELETE")
_VIEW_ENUM = "type.googleapis.com/google.cloud.tasks.v2.Task.View"
MAX_PAGE = 1000
VIEWS = {"VIEW_UNSPECIFIED", "BASIC", "FULL"}


def routes(backend: TasksBackend) -> list[Route]:
    api = TasksApi(backend)
    table: list[tuple[str, str, str, Kind, Handler]] = [
        ("POST", _LOCATION + "/queues", "queues.create", "write", api.create_queue),
        ("GET", _QUEUE, "queues.get", "read", api.get_queue),
        ("POST", _QUEUE + "/tasks", "tasks.create", "write", api.create_task),
        ("GET", _QUEUE + "/tasks", "tasks.list", "read", api.list_tasks),
        ("GET", _TASK, "tasks.get", "read", api.get),
        ("GET", _ANY, "unimplemented", "read", api.unimplemented),
        *[(verb, _ANY, "unimplemented", "write", api.unimplemented) for verb in _WRITES],
    ]
    return [Route(verb, path, "cloudtasks", name, kind, fn) for verb, path, name, kind, fn in table]


class TasksApi:
    def __init__(self, backend: TasksBackend) -> None:
        self.backend = backend

    def create_queue(self, call: Call) -> dict[str, Any]:
        return self.backend.create_queue(call.txn, call.params["parent"], call.json())

    def get_queue(self, call: Call) -> dict[str, Any]:
        return self.backend.queue(call.txn, call.params["queue"])

    def create_task(self, call: Call) -> dict[str, Any]:
        body = call.json()
        full = _full(body.get("responseView"))
        return view(self.backend.create_task(call.txn, call.params["queue"], body), full)

    def get(self, call: Call) -> dict[str, Any]:
        task = self.backend.task(call.txn, call.params["task"])
        return view(task, _full(call.arg("responseView")))

    def list_tasks(self, call: Call) -> dict[str, Any]:
        tasks = self.backend.tasks(call.txn, call.params["queue"])
        size = _int(call.arg("pageSize"), "page_size") or MAX_PAGE
        start = _int(call.arg("pageToken"), "page_token")
        page = tasks[start : start + min(size, MAX_PAGE)]
        full = _full(call.arg("responseView"))
        out: dict[str, Any] = {"tasks": [view(t, full) for t in page]} if page else {}
        if start + len(page) < len(tasks):
            out["nextPageToken"] = str(start + len(page))
        return out

    @staticmethod
    def unimplemented(call: Call) -> dict[str, Any]:
        raise ApiError(
            501, f"The emulator does not implement {call.request.method} {call.request.path}."
        )


def _full(value: object) -> bool:
    if value is None:
        return False
    if value not in VIEWS:
        raise invalid(f"Invalid value at 'response_view' ({_VIEW_ENUM}), \"{value}\"")
    return value == "FULL"


def _int(value: str | None, name: str) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(str(value))
    except ValueError as error:
        raise invalid(f"Invalid value at '{name}' (TYPE_INT32), \"{value}\"") from error
    if number < 0:
        raise invalid(f"Invalid value at '{name}' (TYPE_INT32), \"{value}\"")
    return number
