"""Cloud Tasks v2 through googleapiclient: one method per REST call, plain data back.

The service creates HTTP tasks only: a POST to one of its own private functions, with an OIDC
token Cloud Tasks mints for a service account (``oidcToken``), so the queue needs no key and
the function stays closed to everyone else. A task with a ``name`` is created at most once
(a second create answers 409), which is what makes a resent create safe.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from tst_sheets.workspace.calls import all_pages, execute, google_call

Task = dict[str, Any]


class Tasks:
    """The Cloud Tasks API of one identity (a googleapiclient ``Resource``)."""

    def __init__(self, resource: Any) -> None:
        self.resource = resource

    def _tasks(self) -> Any:
        return self.resource.projects().locations().queues().tasks()

    @google_call("tasks")
    def create_http_task(
        self,
        queue: str,
        url: str,
        body: Mapping[str, Any],
        service_account: str,
        *,
        name: str | None = None,
        dispatch_deadline_s: int | None = None,
    ) -> Task:
        """``tasks.create``: POST ``body`` as JSON to ``url`` with an OIDC token of
        ``service_account`` whose audience is ``url``; the task as created (BASIC view)."""
        task: dict[str, Any] = {
            "httpRequest": {
                "url": url,
                "httpMethod": "POST",
                "headers": {"Content-Type": "application/json"},
                "body": base64.b64encode(json.dumps(dict(body)).encode()).decode("ascii"),
                "oidcToken": {"serviceAccountEmail": service_account, "audience": url},
            }
        }
        if name:
            task["name"] = f"{queue}/tasks/{name}"
        if dispatch_deadline_s:
            task["dispatchDeadline"] = f"{dispatch_deadline_s}s"
        reply: Task = execute(self._tasks().create(parent=queue, body={"task": task}))
        return reply

    @google_call("tasks")
    def get_task(self, name: str) -> Task:
        """``tasks.get``: one task (BASIC view: no body)."""
        reply: Task = execute(self._tasks().get(name=name))
        return reply

    @google_call("tasks")
    def list_tasks(self, queue: str) -> list[Task]:
        """``tasks.list``: every task still in the queue, all pages (BASIC view)."""

        def page(token: str | None) -> dict[str, Any]:
            reply: dict[str, Any] = execute(self._tasks().list(parent=queue, pageToken=token))
            return reply

        return all_pages(page, "tasks")
