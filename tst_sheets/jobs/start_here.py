"""Each team's own status on its Start Here tab: rewritten only when what the TL would see
changed, one ``batchUpdate`` per such team, a few at a time, while the roll-up still reads.

Two kinds of Drive listing bracket the writes, so the next roll-up does not re-read a workbook
only because the service wrote to it: one before the first write (a TL's edit since the run's
listing shows there), and one after writes finish (``settle``: the modified time of our own
write, kept as the version read). A TL's edit that lands between our read and our write, or
between our write and the next listing, is taken for ours; streaming keeps both gaps short.
Provision's record of the Team tab, when it held just before our write, is moved past it
(``team_look.restamp``).
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass
from datetime import date
from types import TracebackType
from typing import Any

from tst_sheets.commitments import CommitmentSet
from tst_sheets.errors import GoogleError
from tst_sheets.jobs.common import resend_if_lost
from tst_sheets.jobs.files import list_program_files
from tst_sheets.jobs.team_look import held_look, restamp
from tst_sheets.model import TeamStatus
from tst_sheets.rollup import start_here
from tst_sheets.rollup.state import TeamEntry
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.workspace import Workspace

WRITERS = 4  # Start Here writes at once: the write quota, not threads, sets the pace


@dataclass
class _Pending:
    team_id: str
    digest: str
    future: Future[str | None]


class StartHereWriter:
    """Takes each team as soon as its status is known; ``settle`` records finished writes in
    ``entries`` (the roll-up's, shared). Off (``enabled`` False) it writes nothing."""

    def __init__(
        self,
        ws: Workspace,
        tpl: RollupTemplate,
        as_of: date,
        commitments: CommitmentSet,
        entries: dict[str, TeamEntry],
        *,
        enabled: bool = True,
    ) -> None:
        self.ws, self.as_of, self.commitments = ws, as_of, commitments
        self.entries = entries
        self.enabled = enabled
        self.colors = tpl.status_colors()
        self.written: list[str] = []
        self.problems: list[str] = []
        self._pool = ThreadPoolExecutor(max_workers=WRITERS)
        self._pending: list[_Pending] = []
        self._seen: dict[str, str | None] | None = None

    def __enter__(self) -> StartHereWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=error is not None)

    def offer(self, entry: TeamEntry, status: TeamStatus) -> None:
        """Start the team's write if what its TL would see changed (1 Sheets write)."""
        if not self.enabled or entry.record_json is None or entry.start_layout is None:
            return
        new = start_here.block_digest(status, self.commitments)
        if new == entry.start_here:
            return
        if self._seen is None:  # before our first write: a TL's edit since the run's listing?
            self._seen = _modified(self.ws)
        future = self._pool.submit(self._write, entry, status)
        self._pending.append(_Pending(entry.team_id, new, future))

    def settle(self, wait: bool = False) -> None:
        """The writes finished so far (``wait``: all) into ``entries``; 1 Drive listing."""
        if wait:
            wait_for([p.future for p in self._pending])
        finished = [p for p in self._pending if p.future.done()]
        if not finished:
            return
        after = _modified(self.ws)  # taken after each of ``finished`` ended
        seen = self._seen or {}
        for item in finished:
            failure = item.future.result()
            if failure:
                self.problems.append(failure)
                continue
            self.written.append(item.team_id)
            entry = self.entries[item.team_id]
            update: dict[str, Any] = {"start_here": item.digest}
            # Our own write is not a change the next run must read; a TL's edit before it is.
            if seen.get(entry.spreadsheet_id) == entry.modified_time:
                update["modified_time"] = after.get(entry.spreadsheet_id, entry.modified_time)
            self.entries[item.team_id] = entry.model_copy(update=update)
        settled = {id(p) for p in finished}
        self._pending = [p for p in self._pending if id(p) not in settled]

    def _write(self, entry: TeamEntry, status: TeamStatus) -> str | None:
        held = held_look(self.ws, entry.spreadsheet_id)
        failure = _write(self.ws, self.commitments, entry, status, self.as_of, self.colors)
        if failure is None:
            restamp(self.ws, held)
        return failure


def _modified(ws: Workspace) -> dict[str, str | None]:
    return {f.id: f.modified_time for f in list_program_files(ws)}


def _write(
    ws: Workspace,
    commitments: CommitmentSet,
    entry: TeamEntry,
    status: TeamStatus,
    as_of: date,
    colors: Mapping[str, str],
) -> str | None:
    """One batchUpdate on the team's Start Here; the problem in words if it failed."""
    assert entry.start_layout is not None
    requests = start_here.requests(entry.start_layout, status, as_of, commitments, colors)
    try:
        resend_if_lost(ws, entry.spreadsheet_id, requests)
    except GoogleError as error:
        return f"{entry.team_id}: Start Here not updated ({error})"
    return None
