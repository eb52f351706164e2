"""Gmail's state: one mailbox per address, its messages and its history."""

from __future__ import annotations

from tst_sheets.emulator.clock import Clock
from tst_sheets.emulator.gmail.mailboxes import Mailboxes


class GmailBackend:
    """Mailboxes; ``routes`` serves them."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.mailboxes = Mailboxes(clock)
