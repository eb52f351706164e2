"""Gmail v1: sending as oneself, each recipient's mailbox, listing, reading, the profile."""

from tst_sheets.emulator.gmail.handlers import routes
from tst_sheets.emulator.gmail.models import GmailBackend

__all__ = ["GmailBackend", "routes"]
