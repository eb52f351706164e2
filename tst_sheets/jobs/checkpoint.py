"""A roll-up's progress, saved as it goes: a run cut off (killed, or out of time) leaves a state
from which the next run reads only the teams it had not read yet.

A checkpoint writes the hidden state tab only (1 Sheets write): the teams read so far merged
into the state the run began with, whose roll-up content and layout it leaves as they were, so
the roll-up a coach sees stays the last complete one until a run completes.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tst_sheets.errors import GoogleError
from tst_sheets.jobs.common import resend_if_lost
from tst_sheets.jobs.start_here import StartHereWriter
from tst_sheets.rollup.state import RollupState, SheetLayout, TeamEntry, encode_state
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.workspace import Workspace


@dataclass(frozen=True)
class Budget:
    """When a run stops starting reads: at a ``time.monotonic()`` deadline, after a number of
    reads, or whichever comes first (None: no bound)."""

    deadline: float | None = None
    reads: int | None = None

    def spent(self, started: int) -> bool:
        if self.reads is not None and started >= self.reads:
            return True
        return self.deadline is not None and time.monotonic() >= self.deadline

    @classmethod
    def seconds(cls, seconds: float, reads: int | None = None) -> Budget:
        """From now: ``seconds`` of reading (and at most ``reads`` reads)."""
        return cls(deadline=time.monotonic() + seconds, reads=reads)


@dataclass
class Checkpoint:
    """Saves the state every ``every`` teams read, and once more when a run stops early."""

    ws: Workspace
    book_id: str
    tpl: RollupTemplate
    start: RollupState  # the state the run began with (its reader already the run's)
    layout: Mapping[int, SheetLayout]  # what the roll-up's tabs hold now
    every: int
    saved: list[str] = field(default_factory=list)  # the column last written
    problems: list[str] = field(default_factory=list)
    count: int = 0  # checkpoints written
    _since: int = 0

    def tick(self, entries: Mapping[str, TeamEntry], writer: StartHereWriter) -> None:
        """One more team read: save when ``every`` have been read since the last save."""
        self._since += 1
        if self.every > 0 and self._since >= self.every:
            self.save(entries, writer, wait=False)

    def save(
        self, entries: Mapping[str, TeamEntry], writer: StartHereWriter, *, wait: bool
    ) -> None:
        """The Start Here writes finished (``wait``: all) recorded, then the state tab."""
        self._since = 0
        writer.settle(wait)
        merged = self.start.model_copy(
            update={"teams": {**self.start.teams, **entries}, "layout": dict(self.layout)}
        )
        column = encode_state(merged)
        if column == self.saved:
            return
        try:
            resend_if_lost(self.ws, self.book_id, state_requests(self.tpl, column))
        except GoogleError as error:  # a lost checkpoint costs re-reads, never the run
            self.problems.append(f"progress not saved ({error})")
            return
        self.saved = column
        self.count += 1


def state_requests(tpl: RollupTemplate, column: list[str]) -> list[dict[str, Any]]:
    """Column A of the hidden state tab, exactly: as many rows as the column and a blank one
    (the rows of a longer state before go, and the blank clears what the spare row held)."""
    sheet_id = tpl.tab("state").sheet_id
    rows: list[dict[str, Any]] = [
        {"values": [{"userEnteredValue": {"stringValue": text}}]} for text in column
    ]
    grid = {"sheetId": sheet_id, "gridProperties": {"rowCount": len(column) + 1}}
    return [
        {"updateSheetProperties": {"properties": grid, "fields": "gridProperties.rowCount"}},
        {
            "updateCells": {
                "rows": [*rows, {"values": [{}]}],
                "fields": "userEnteredValue",
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
            }
        },
    ]
