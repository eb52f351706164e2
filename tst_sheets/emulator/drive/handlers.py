"""Drive v3 over HTTP: request parsing and response shaping; state lives in ``models``."""

from __future__ import annotations

from tst_sheets.emulator.drive.models import DriveBackend
from tst_sheets.emulator.http import Route


def routes(backend: DriveBackend) -> list[Route]:
    return []
