"""Timestamps in Google's RFC 3339 form, strictly increasing so ``modifiedTime`` orders changes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = datetime.min.replace(tzinfo=UTC)

    def now(self) -> datetime:
        """The current UTC time, at least one millisecond after the previous answer."""
        with self._lock:
            now = datetime.now(UTC)
            now = now.replace(microsecond=now.microsecond // 1000 * 1000)
            if now <= self._last:
                now = self._last + timedelta(milliseconds=1)
            self._last = now
            return now

    def stamp(self) -> str:
        return rfc3339(self.now())


def rfc3339(moment: datetime) -> str:
    """``2026-11-23T12:00:00.000Z``, as Drive and Calendar write times."""
    millis = f"{moment.microsecond // 1000:03d}Z"
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + millis


def parse_rfc3339(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
