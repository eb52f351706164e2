"""Cloud Tasks' state: queues by name, and the HTTP tasks created in them, in FULL view.

The emulator records tasks and never sends them: a test (or a person) reads them on
``/_emulator/tasks`` and delivers them, which keeps every delivery in the test's hands.
"""

from __future__ import annotations

import base64
import binascii
import random
import re
from datetime import datetime
from typing import Any

from tst_sheets.emulator.clock import Clock, rfc3339
from tst_sheets.emulator.errors import ApiError
from tst_sheets.emulator.store import Transaction

QUEUE, TASK, USED = "tasks.queue", "tasks.task", "tasks.used"
QUEUE_NAME = re.compile(r"^projects/[^/]+/locations/[^/]+/queues/[A-Za-z0-9-]{1,100}$")
TASK_ID = re.compile(r"^[A-Za-z0-9_-]{1,500}$")
METHODS = {"POST", "GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"}
WITH_BODY = {"POST", "PUT", "PATCH"}
DEFAULT_DEADLINE = "600s"  # HTTP tasks: 10 minutes unless the task says otherwise
NOT_FOUND = "Requested entity was not found."
Doc = dict[str, Any]


def not_found() -> ApiError:
    return ApiError(404, NOT_FOUND)


def invalid(message: str) -> ApiError:
    return ApiError(400, message)


class TasksBackend:
    """Queues and tasks; ``routes`` serves them."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._rng = random.Random()

    # -- queues ---------------------------------------------------------------------------

    def create_queue(self, txn: Transaction, parent: str, body: Doc) -> Doc:
        name = str(body.get("name") or "")
        if not QUEUE_NAME.match(name) or not name.startswith(parent + "/queues/"):
            raise invalid(f"Queue name must be {parent}/queues/QUEUE_ID, got {name!r}.")
        if txn.get(QUEUE, name) is not None:
            raise ApiError(409, "Queue already exists.")
        queue: Doc = {
            "name": name,
            "rateLimits": {
                "maxDispatchesPerSecond": 500,
                "maxBurstSize": 100,
                "maxConcurrentDispatches": 1000,
            },
            "retryConfig": {
                "maxAttempts": 100,
                "minBackoff": "0.100s",
                "maxBackoff": "3600s",
                "maxDoublings": 16,
            },
            "state": "RUNNING",
        }
        txn.put(QUEUE, name, queue)
        return queue

    def queue(self, txn: Transaction, name: str) -> Doc:
        return _existing(txn, QUEUE, name)

    # -- tasks ----------------------------------------------------------------------------

    def create_task(self, txn: Transaction, parent: str, body: Doc) -> Doc:
        if txn.get(QUEUE, parent) is None:  # Google: FAILED_PRECONDITION, not NOT_FOUND
            raise ApiError(400, "Queue does not exist.", status="FAILED_PRECONDITION")
        task = body.get("task")
        if not isinstance(task, dict):
            raise invalid("Request contains an invalid argument.")
        name = self._name(txn, parent, str(task.get("name") or ""))
        now = self.clock.now()
        stored: Doc = {
            "name": name,
            "httpRequest": self._http_request(task.get("httpRequest")),
            "scheduleTime": str(task.get("scheduleTime") or rfc3339_micro(now)),
            "createTime": rfc3339(now.replace(microsecond=0)).replace(".000Z", "Z"),
            "dispatchDeadline": str(task.get("dispatchDeadline") or DEFAULT_DEADLINE),
        }
        txn.put(TASK, name, stored)
        return stored

    def task(self, txn: Transaction, name: str) -> Doc:
        return _existing(txn, TASK, name)

    def tasks(self, txn: Transaction, parent: str) -> list[Doc]:
        self.queue(txn, parent)
        return [t for name, t in txn.all(TASK) if name.startswith(parent + "/tasks/")]

    def all_tasks(self, txn: Transaction) -> list[Doc]:
        return [task for _, task in txn.all(TASK)]

    def delete_task(self, txn: Transaction, name: str) -> None:
        self.task(txn, name)
        txn.delete(TASK, name)
        txn.put(USED, name, {})  # its name stays taken (Google: "deleted or executed recently")

    def _name(self, txn: Transaction, parent: str, name: str) -> str:
        if not name:  # Google makes a numeric id
            return f"{parent}/tasks/{self._rng.randrange(10**18, 10**19)}"
        queue, _, task_id = name.rpartition("/tasks/")
        if queue != parent or not TASK_ID.match(task_id):
            raise invalid(f"Task name must be {parent}/tasks/TASK_ID, got {name!r}.")
        if txn.get(TASK, name) is not None or txn.get(USED, name) is not None:
            raise ApiError(409, "Requested entity already exists")
        return name

    @staticmethod
    def _http_request(request: object) -> Doc:
        if not isinstance(request, dict):
            raise ApiError(501, "The emulator supports HTTP tasks (httpRequest) only.")
        url = str(request.get("url") or "")
        if not url.startswith(("http://", "https://")):
            raise invalid("HttpRequest.url must start with 'http://' or 'https://'.")
        method = str(request.get("httpMethod") or "POST")
        if method not in METHODS:
            raise invalid(f"Invalid value at 'task.http_request.http_method', {method!r}.")
        body = request.get("body")
        if body is not None and method not in WITH_BODY:
            raise invalid("Body is allowed only with the POST, PUT and PATCH methods.")
        if body is not None:
            try:
                base64.b64decode(str(body), validate=True)
            except (binascii.Error, ValueError) as error:
                raise invalid(
                    "Invalid value at 'task.http_request.body' (TYPE_BYTES), Base64 decoding "
                    f'failed for "{body}"'
                ) from error
        out: Doc = {"url": url, "httpMethod": method}
        for key in ("headers", "body", "oidcToken", "oauthToken"):
            if request.get(key) is not None:
                out[key] = request[key]
        return out


def _existing(txn: Transaction, kind: str, name: str) -> Doc:
    doc = txn.get(kind, name)
    if doc is None:
        raise not_found()
    return doc


def rfc3339_micro(moment: datetime) -> str:
    """``2026-11-23T12:00:00.123456Z``: Cloud Tasks keeps a schedule time to the microsecond."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def view(task: Doc, full: bool) -> Doc:
    """BASIC leaves out the body ("can be large ... or sensitive"); FULL has everything."""
    shown = {**task, "httpRequest": dict(task["httpRequest"]), "view": "FULL" if full else "BASIC"}
    if not full:
        shown["httpRequest"].pop("body", None)
    return shown
