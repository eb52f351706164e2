"""Sheets' state model."""

from __future__ import annotations

from tst_sheets.emulator.clock import Clock
from tst_sheets.emulator.drive.models import DriveBackend


class SheetsBackend:
    def __init__(self, drive: DriveBackend, clock: Clock) -> None:
        self.drive = drive
        self.clock = clock
