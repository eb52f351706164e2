"""A roll-up out of time hands the rest to the next invocation of its own function, through a
Cloud Tasks HTTP task (1 tasks.create): a POST of the same parameters, with an OIDC token of
the functions' service account, to the private function's URL.

The task is named after the progress saved, so a create resent after a lost answer finds the
first one (409) instead of starting two runs; each invocation that made progress names a new
one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tst_sheets.config import Continuation
from tst_sheets.errors import GoogleError
from tst_sheets.jobs.rollup import RollupResult
from tst_sheets.workspace import Workspace

DISPATCH_DEADLINE_S = 1800  # Cloud Tasks' longest for HTTP tasks: the function's own timeout


class ContinuedRollup(RollupResult):
    """A roll-up cut short whose rest a Cloud Tasks task carries on (``continuedBy``)."""

    continued_by: str = Field(default="", alias="continuedBy")


def hand_on(
    ws: Workspace, where: Continuation, params: Mapping[str, Any], result: RollupResult
) -> str:
    """Create the task that carries on; its name."""
    task_id = f"rollup-{result.progress}"
    try:
        task = ws.tasks.create_http_task(
            where.queue,
            where.url,
            params,
            where.service_account,
            name=task_id,
            dispatch_deadline_s=DISPATCH_DEADLINE_S,
        )
    except GoogleError as error:
        if error.status != 409:  # ALREADY_EXISTS: our own first try went through
            raise
        return f"{where.queue}/tasks/{task_id}"
    return str(task["name"])
