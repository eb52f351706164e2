"""Requests that must apply at most once (a create, a structural batch): after an answer that
may have followed the write, look for what the first try made before sending again.

The transport never resends these after an ambiguous answer (``retry.applies_once``); this is
the other half. ``applied()`` is the caller's look: the file found by its creation key, the
calendar by its marker, the tabs a layout adds; None when the first try left nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from tst_sheets.errors import GoogleError
from tst_sheets.workspace.retry import RetryPolicy

T = TypeVar("T")


def once(send: Callable[[], T], applied: Callable[[], T | None], policy: RetryPolicy) -> T:
    """``send()``; after an ambiguous failure, ``applied()`` or, if nothing was, send again
    (backing off within the policy's bounds)."""
    started = time.monotonic()
    attempt = 1
    while True:
        try:
            return send()
        except GoogleError as error:
            if not error.ambiguous:
                raise
            found = applied()
            if found is not None:
                return found
            wait = policy.delay(attempt)
            if not policy.should_retry(attempt, started, wait):
                raise
            policy.pause(wait)
            attempt += 1
