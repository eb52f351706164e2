"""One retry policy for every client: exponential backoff with full jitter, bounded."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class RetryPolicy:
    max_attempts: int = 6
    deadline_s: float = 90.0
    base_delay_s: float = 0.5
    max_delay_s: float = 20.0
    sleep: object = field(default=time.sleep, repr=False)

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (attempts count from 1)."""
        if retry_after and retry_after.isdigit():
            return min(float(retry_after), self.max_delay_s)
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    def should_retry(self, attempt: int, started: float, wait: float) -> bool:
        within_deadline = time.monotonic() - started + wait <= self.deadline_s
        return attempt < self.max_attempts and within_deadline

    def pause(self, seconds: float) -> None:
        self.sleep(seconds)  # type: ignore[operator]
