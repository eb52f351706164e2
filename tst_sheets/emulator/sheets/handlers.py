"""Sheets v4 over HTTP."""

from __future__ import annotations

from tst_sheets.emulator.http import Route
from tst_sheets.emulator.sheets.models import SheetsBackend


def routes(backend: SheetsBackend) -> list[Route]:
    return []
