"""Calendar's state: calendars (with ACLs and calendar lists) and events."""

from __future__ import annotations

from tst_sheets.emulator.calendar.calendars import Calendars
from tst_sheets.emulator.calendar.event_store import Events
from tst_sheets.emulator.clock import Clock


class CalendarBackend:
    """Calendars and events; ``routes`` serves both."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calendars = Calendars(clock)
        self.events = Events(clock, self.calendars)
