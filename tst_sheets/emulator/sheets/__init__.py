"""Sheets v4: spreadsheets, batchUpdate and values."""

from tst_sheets.emulator.sheets.handlers import routes
from tst_sheets.emulator.sheets.models import SheetsBackend

__all__ = ["SheetsBackend", "routes"]
