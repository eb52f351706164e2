"""Calendar v3: calendars, calendarList and events."""

from tst_sheets.emulator.calendar.handlers import routes
from tst_sheets.emulator.calendar.models import CalendarBackend

__all__ = ["CalendarBackend", "routes"]
