"""Test and benchmark knobs (quota, latency, faults, lost answers) and the request counter."""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict, deque
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from tst_sheets.emulator.errors import ApiError, quota_exceeded, server_error

WINDOW_SECONDS = 60.0


@dataclass
class Knobs:
    """All off by default. Quotas are requests per window (a minute); 0 means unlimited."""

    quota_read_per_user: int = 0
    quota_write_per_user: int = 0
    quota_read_per_project: int = 0
    quota_write_per_project: int = 0
    # The APIs the quota knobs apply to; [] = all. Google's 60 a minute is Sheets' quota: Drive's
    # (325,000 quota units a minute per user) and Calendar's are far larger.
    quota_apis: list[str] = field(default_factory=list)
    sharing_per_user: int = 0  # Drive permissions.create per user per window
    latency_ms: float = 0.0
    fault_rate: float = 0.0  # answered 500/503 before the request is applied
    lost_answer_rate: float = 0.0  # applied, then answered 500/503 or the socket is closed
    # Only these methods lose answers, by their discovery name (e.g. "files.create"); [] = all
    lost_answer_methods: list[str] = field(default_factory=list)
    seed: int | None = None
    quota_window_s: float = WINDOW_SECONDS  # Google's window is a minute; tests shorten it

    def update(self, changes: dict[str, Any]) -> None:
        names = {f.name for f in fields(self)}
        for key, value in changes.items():
            if key not in names:
                raise ApiError(400, f"Unknown knob: {key}")
            setattr(self, key, value)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


LostAnswer = Literal["500", "503", "drop"]


class Gate:
    """Applies the knobs to each request before it is handled."""

    def __init__(self, knobs: Knobs) -> None:
        self.knobs = knobs
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str, str], deque[float]] = defaultdict(deque)
        self._rng = random.Random(knobs.seed)
        # what the knobs did: faults before a write, answers lost after one, quota refusals
        self.outcomes: dict[str, int] = {"faulted": 0, "lost": 0, "quota": 0}

    def reseed(self) -> None:
        self._rng = random.Random(self.knobs.seed)

    def admit(self, api: str, user: str, kind: str) -> None:
        """Sleep the added latency, then raise a fault or a quota error if one is due."""
        if self.knobs.latency_ms > 0:
            time.sleep(self.knobs.latency_ms / 1000.0)
        with self._lock:
            if self.knobs.fault_rate > 0 and self._rng.random() < self.knobs.fault_rate:
                self.outcomes["faulted"] += 1
                raise server_error(api, 500 if self._rng.random() < 0.5 else 503)
            self._check_quota(api, user, kind)

    def lost_answer(self, method: str) -> LostAnswer | None:
        """After a request was applied: whether (and how) its answer is lost."""
        if self.knobs.lost_answer_rate <= 0:
            return None
        if self.knobs.lost_answer_methods and method not in self.knobs.lost_answer_methods:
            return None
        with self._lock:
            if self._rng.random() >= self.knobs.lost_answer_rate:
                return None
            pick = self._rng.random()
            self.outcomes["lost"] += 1
        if pick < 0.5:
            return "drop"
        return "500" if pick < 0.75 else "503"

    def admit_share(self, user: str) -> bool:
        """Whether ``user`` may make one more ``permissions.create`` in this window."""
        limit = self.knobs.sharing_per_user
        if not limit:
            return True
        with self._lock:
            return self._admit(("drive", user, "share"), limit, time.monotonic())

    def _admit(self, key: tuple[str, str, str], limit: int, now: float) -> bool:
        window = self._windows[key]
        while window and now - window[0] >= self.knobs.quota_window_s:
            window.popleft()
        if len(window) >= limit:
            return False
        window.append(now)
        return True

    def _check_quota(self, api: str, user: str, kind: str) -> None:
        if self.knobs.quota_apis and api not in self.knobs.quota_apis:
            return
        now = time.monotonic()
        limits = {
            "user": getattr(self.knobs, f"quota_{kind}_per_user"),
            "project": getattr(self.knobs, f"quota_{kind}_per_project"),
        }
        for scope, limit in limits.items():
            if not limit:
                continue
            window = self._windows[(api, scope if scope == "project" else user, kind)]
            while window and now - window[0] >= self.knobs.quota_window_s:
                window.popleft()
            if len(window) >= limit:
                self.outcomes["quota"] += 1
                raise quota_exceeded(api, scope, kind)
        for scope, limit in limits.items():
            if limit:
                self._windows[(api, scope if scope == "project" else user, kind)].append(now)


class Stats:
    """Counts every request received (a rejected or faulted one too), per user, API and method."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, str, str], int] = defaultdict(int)

    def record(self, user: str, api: str, method: str, kind: str) -> None:
        with self._lock:
            self._counts[(user, api, method, kind)] += 1

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

    def snapshot(self) -> dict[str, Any]:
        by_user: dict[str, dict[str, dict[str, int]]] = {}
        by_api: dict[str, dict[str, int]] = {}
        by_kind: dict[str, dict[str, int]] = {}
        total = 0
        with self._lock:
            items = list(self._counts.items())
        for (user, api, method, kind), n in items:
            by_user.setdefault(user, {}).setdefault(api, {}).setdefault(method, 0)
            by_user[user][api][method] += n
            by_api.setdefault(api, {}).setdefault(method, 0)
            by_api[api][method] += n
            by_kind.setdefault(api, {"read": 0, "write": 0})[kind] += n
            total += n
        return {"total": total, "byApi": by_api, "byKind": by_kind, "byUser": by_user}
