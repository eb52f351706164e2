"""Calendar v3 over HTTP."""

from __future__ import annotations

from tst_sheets.emulator.calendar.models import CalendarBackend
from tst_sheets.emulator.http import Route


def routes(backend: CalendarBackend) -> list[Route]:
    return []
