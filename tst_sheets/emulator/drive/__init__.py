"""Drive v3: files and permissions."""

from tst_sheets.emulator.drive.handlers import routes
from tst_sheets.emulator.drive.models import DriveBackend

__all__ = ["DriveBackend", "routes"]
