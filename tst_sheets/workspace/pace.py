"""Pace, don't storm: a client-side limiter per API and per read/write, shared by every thread of
a job, so a run spends the quota minute on work instead of on 429s.

Google counts requests per user per minute (Sheets: 60 reads and 60 writes; Calendar: 600).
The limiter keeps a sliding window: a request waits until fewer than the limit are in flight
or were answered in the last ``window_s`` seconds. Each 429 (or rate-limit 403) says the real
limit is lower than believed (another job shares the quota): the limit drops by 5%.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

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
    """Sliding-window limits per (api, kind); a key without a limit is never held back.

    A request holds its slot while in flight, and its window starts when its answer arrives:
    Google counted it at some moment before that, so a slot freed a window after the answer
    can never be one request too many on Google's side, however long requests queue.
    """

    def __init__(
        self,
        limits: Mapping[Key, int],
        window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = {key: n for key, n in limits.items() if n > 0}
        self.window_s = window_s
        self._clock = clock
        self._ready = threading.Condition()
        self._answered: dict[Key, deque[float]] = defaultdict(deque)  # answer times, in order
        self._in_flight: dict[Key, int] = defaultdict(int)
        self.waited_s = 0.0  # time requests spent waiting for a slot (for benchmarks)

    @contextmanager
    def slot(self, api: str, kind: str, patience_s: float = float("inf")) -> Iterator[None]:
        """Hold a slot of (api, kind) while the request is sent and answered."""
        key = (api, kind)
        if key not in self.limits:
            yield
            return
        self._acquire(key, patience_s)
        try:
            yield
        finally:
            with self._ready:
                self._in_flight[key] -= 1
                self._answered[key].append(self._clock())
                self._ready.notify_all()

    def _acquire(self, key: Key, patience_s: float) -> None:
        """Wait for a free slot, then take it; a slot further away than ``patience_s`` (the
        retry policy's deadline) is Google's 429 at once."""
        with self._ready:
            while True:
                answered, now = self._answered[key], self._clock()
                while answered and now - answered[0] >= self.window_s:
                    answered.popleft()
                if len(answered) + self._in_flight[key] < self.limits[key]:
                    self._in_flight[key] += 1
                    return
                # the oldest answer frees a slot a window after it; with every slot in
                # flight, a window after the first answer to come
                wait = answered[0] + self.window_s - now if answered else None
                soonest = self.window_s if wait is None else wait
                if soonest > patience_s:
                    api, kind = key
                    raise GoogleError(
                        429,
                        f"{api} {kind} quota used up: the next request may go in {soonest:.0f} s",
                        "rateLimitExceeded",
                        api,
                    )
                self._ready.wait(wait)
                self.waited_s += self._clock() - now

    def copy(self) -> Pace:
        """The same limits for another identity, whose quota is its own."""
        return Pace(self.limits, self.window_s, self._clock)

    def refused(self, api: str, kind: str) -> None:
        """A 429 for (api, kind): the quota left is smaller than the limit; use 5% less."""
        key = (api, kind)
        with self._ready:
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
    """The limits the emulator says it enforces, on the APIs its ``quota_apis`` names (all when
    empty); none: unpaced, so a local run without a quota is never slowed."""

    def limit(kind: str) -> int:
        per = [int(str(knobs.get(f"quota_{kind}_per_{who}") or 0)) for who in ("user", "project")]
        return min((n for n in per if n > 0), default=0)

    window = float(str(knobs.get("quota_window_s") or 60.0))
    quota_apis = knobs.get("quota_apis")
    apis = list(quota_apis) if isinstance(quota_apis, list) and quota_apis else ALL_APIS
    return Pace({(api, kind): limit(kind) for api in apis for kind in ("read", "write")}, window)
