"""Pace, don't storm: a client-side limiter per API and per read/write, shared by every thread of
a job, so a run spends the quota minute on work instead of on 429s.

Google counts requests per user per minute (Sheets: 60 reads and 60 writes; Calendar: 600),
in a sliding window. The limiter keeps the same window: a request waits until fewer than the
limit were sent in the last ``window_s`` seconds. Each 429 (or rate-limit 403) says the real
limit is lower than believed (another job shares the quota): the limit drops by 5%.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping

from tst_sheets.errors import GoogleError

Key = tuple[str, str]  # (api, "read" | "write")

# Google's per-user defaults (developers.google.com/sheets/api/limits and
# /calendar/api/guides/quota); Drive's 325,000 quota units a minute never bind this service.
GOOGLE_PER_MINUTE: dict[Key, int] = {
    ("sheets", "read"): 60,
    ("sheets", "write"): 60,
    ("calendar", "read"): 600,
    ("calendar", "write"): 600,
}


ALL_APIS = ["sheets", "drive", "calendar", "gmail"]


class Pace:
    """Sliding-window limits per (api, kind); a key without a limit is never held back."""

    def __init__(
        self,
        limits: Mapping[Key, int],
        window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = {key: n for key, n in limits.items() if n > 0}
        self.window_s = window_s
        # A request reaches Google a little after it leaves: keep a slot a little longer than
        # the window, so the server's count never sees one request too many.
        self._hold_s = window_s * 1.02 + 0.05
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._sent: dict[Key, deque[float]] = defaultdict(deque)
        self.waited_s = 0.0  # time requests spent waiting for a slot (for benchmarks)

    def acquire(self, api: str, kind: str, patience_s: float = float("inf")) -> None:
        """Wait for a free slot of (api, kind), then take it; a slot further away than
        ``patience_s`` (the retry policy's deadline) is Google's 429 at once."""
        key = (api, kind)
        limit = self.limits.get(key)
        if not limit:
            return
        while True:
            with self._lock:
                sent, now = self._sent[key], self._clock()
                while sent and now - sent[0] >= self._hold_s:
                    sent.popleft()
                if len(sent) < self.limits[key]:
                    sent.append(now)
                    return
                wait = sent[0] + self._hold_s - now
                if wait > patience_s:
                    raise GoogleError(
                        429,
                        f"{api} {kind} quota used up: the next request may go in {wait:.0f} s",
                        "rateLimitExceeded",
                        api,
                    )
                self.waited_s += wait
            self._sleep(wait)

    def copy(self) -> Pace:
        """The same limits for another identity, whose quota is its own."""
        return Pace(self.limits, self.window_s, self._clock, self._sleep)

    def refused(self, api: str, kind: str) -> None:
        """A 429 for (api, kind): the quota left is smaller than the limit; use 5% less."""
        key = (api, kind)
        with self._lock:
            if key in self.limits:
                self.limits[key] = max(1, self.limits[key] - max(1, self.limits[key] // 20))


def unpaced() -> Pace:
    return Pace({})


def google_pace(reads_per_minute: int, writes_per_minute: int) -> Pace:
    """Google's per-user limits, Sheets' as configured (a project granted more, or less)."""
    limits = dict(GOOGLE_PER_MINUTE)
    limits[("sheets", "read")], limits[("sheets", "write")] = reads_per_minute, writes_per_minute
    return Pace(limits)


def emulator_pace(knobs: Mapping[str, object]) -> Pace:
    """The limits the emulator says it enforces (its knobs apply to every API); none: unpaced,
    so a local run without a quota is never slowed."""

    def limit(kind: str) -> int:
        per = [int(str(knobs.get(f"quota_{kind}_per_{who}") or 0)) for who in ("user", "project")]
        return min((n for n in per if n > 0), default=0)

    window = float(str(knobs.get("quota_window_s") or 60.0))
    quota_apis = knobs.get("quota_apis")
    apis = list(quota_apis) if isinstance(quota_apis, list) and quota_apis else ALL_APIS
    return Pace({(api, kind): limit(kind) for api in apis for kind in ("read", "write")}, window)
