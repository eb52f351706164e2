"""Calendar's state model."""

from __future__ import annotations

from tst_sheets.emulator.clock import Clock


class CalendarBackend:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
