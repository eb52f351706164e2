"""One retry policy for every client: exponential backoff with full jitter, through at least
one whole quota window, honouring ``Retry-After``; never where waiting cannot help.

What is worth another try: 429 and 5xx answers, Drive's and Calendar's rate-limit 403s
(reasons ``userRateLimitExceeded``, ``rateLimitExceeded``, ``sharingRateLimitExceeded``) and
a dropped connection. Never a storage-quota 403 (``storageQuotaExceeded`` shares the
``usageLimits`` domain, but no wait gives a service account storage), a 400, a permission
error, or a refused connection to the local emulator (nothing is listening).
"""

from __future__ import annotations

import json
import random
import re
import time
from dataclasses import dataclass, field

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Answers that may come after the write was applied (Google's 5xx; a dropped connection too).
AMBIGUOUS_STATUSES = frozenset({500, 502, 503, 504})
# Requests a replay could apply twice: a second file, calendar or message; a batch of
# structural edits (a tab added, a rule deleted by index). After an ambiguous answer the
# transport hands them back, and ``once`` looks for what the first try made before resending.
_ONCE = (
    re.compile(r"/drive/v3/files/?(\?|$)"),
    re.compile(r"/upload/drive/v3/files/?(\?|$)"),
    re.compile(r"/drive/v3/files/[^/?]+/copy"),
    re.compile(r"/calendar/v3/calendars/?(\?|$)"),
    re.compile(r"/v4/spreadsheets/?(\?|$)"),
    re.compile(r"/v4/spreadsheets/[^/?:]+:batchUpdate"),
    re.compile(r"/gmail/v1/users/[^/?]+/messages/send"),
)


def applies_once(method: str, url: str) -> bool:
    """A create or structural batch that must not be resent blindly."""
    return method.upper() == "POST" and any(p.search(url) for p in _ONCE)


def ambiguous(status: int) -> bool:
    """The answer says nothing of whether the request was applied (0: no answer at all)."""
    return status == 0 or status in AMBIGUOUS_STATUSES


RATE_LIMIT_REASONS = frozenset(
    {"userRateLimitExceeded", "rateLimitExceeded", "sharingRateLimitExceeded"}
)


def retryable(status: int, reason: str) -> bool:
    """An answer that a later, identical request may not get."""
    return status in RETRY_STATUSES or (status == 403 and reason in RATE_LIMIT_REASONS)


def reason_of(body: bytes | str) -> str:
    """The first ``errors[].reason`` of Google's error body ("" when there is none)."""
    try:
        error = json.loads(body).get("error", {})
    except (ValueError, AttributeError):
        return ""
    errors = error.get("errors") if isinstance(error, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("reason", ""))
    return ""


@dataclass
class RetryPolicy:
    max_attempts: int = 10
    deadline_s: float = 150.0  # more than one whole minute of Google's per-minute quotas
    base_delay_s: float = 0.5
    max_delay_s: float = 32.0
    sleep: object = field(default=time.sleep, repr=False)

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (attempts count from 1)."""
        if retry_after and retry_after.strip().isdigit():
            return float(retry_after)
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    def should_retry(self, attempt: int, started: float, wait: float) -> bool:
        within_deadline = time.monotonic() - started + wait <= self.deadline_s
        return attempt < self.max_attempts and within_deadline

    def pause(self, seconds: float) -> None:
        self.sleep(seconds)  # type: ignore[operator]
