"""Counts every request each client sends (each retry attempt too), per API and read/write."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any, Literal
from urllib.parse import urlsplit

Api = Literal["sheets", "drive", "calendar", "gmail", "tasks"]
APIS: tuple[Api, ...] = ("sheets", "drive", "calendar", "gmail", "tasks")
# Always reported; Gmail and Cloud Tasks only once a job has used them (most never do).
ALWAYS: tuple[Api, ...] = ("sheets", "drive", "calendar")
_READ_POSTS = (":batchGetByDataFilter", ":getByDataFilter")


def classify(method: str, url: str) -> tuple[Api, Literal["read", "write"]]:
    """Which API a request goes to and whether Google's quota counts it as a read or a write."""
    parts = urlsplit(url)
    path = parts.path
    if parts.hostname == "sheets.googleapis.com" or path.startswith("/v4/"):
        api: Api = "sheets"
    elif "/calendar/" in path:
        api = "calendar"
    elif "/gmail/" in path:
        api = "gmail"
    elif parts.hostname == "cloudtasks.googleapis.com" or path.startswith("/v2/projects/"):
        api = "tasks"
    else:
        api = "drive"
    is_read = method.upper() == "GET" or path.endswith(_READ_POSTS)
    return api, "read" if is_read else "write"


class CallCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()

    def record(self, method: str, url: str) -> None:
        key = classify(method, url)
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> dict[str, dict[str, int]]:
        """``{"sheets": {"read": n, "write": n}, "drive": {...}, "calendar": {...}}``, and
        ``"gmail"`` once it was called."""
        with self._lock:
            used = {api for api, _ in self._counts}
            return {
                api: {kind: self._counts[(api, kind)] for kind in ("read", "write")}
                for api in APIS
                if api in ALWAYS or api in used
            }

    def since(self, before: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        """The calls made after ``before`` was taken."""
        now = self.snapshot()
        return {
            api: {kind: now[api][kind] - before.get(api, {}).get(kind, 0) for kind in now[api]}
            for api in now
        }

    def total(self, api: str | None = None, kind: str | None = None) -> int:
        with self._lock:
            return sum(
                n
                for (a, k), n in self._counts.items()
                if (api is None or a == api) and (kind is None or k == kind)
            )


def add_calls(*snapshots: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Sum call snapshots (e.g. the steps of the demo)."""
    used = {api for snap in snapshots for api in snap}
    apis = [api for api in APIS if api in ALWAYS or api in used]
    out: dict[str, dict[str, int]] = {api: {"read": 0, "write": 0} for api in apis}
    for snap in snapshots:
        for api in apis:
            for kind in ("read", "write"):
                out[api][kind] += int(snap.get(api, {}).get(kind, 0))
    return out
