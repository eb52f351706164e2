"""Each team's own status on its Start Here tab: rewritten only when what the TL would see
changed, one ``batchUpdate`` per such team, a few at a time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from tst_sheets.commitments import CommitmentSet
from tst_sheets.errors import GoogleError
from tst_sheets.jobs.files import list_program_files
from tst_sheets.jobs.reader import READERS
from tst_sheets.model import TeamStatus
from tst_sheets.rollup import start_here
from tst_sheets.rollup.inputs import TeamView
from tst_sheets.rollup.state import TeamEntry
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.workspace import Workspace, once


def update_start_here(
    ws: Workspace,
    tpl: RollupTemplate,
    views: Sequence[TeamView],
    entries: dict[str, TeamEntry],
    as_of: date,
    commitments: CommitmentSet,
) -> tuple[list[str], list[str]]:
    """Rewrite the Start Here of each team whose own status changed (1 write each).

    Returns the teams written and the problems (a failed write is that team's only). Two Drive
    listings around the writes tell our own edit from a TL's, so the next roll-up does not
    re-read a workbook only because the service wrote to it.
    """
    due: list[tuple[TeamView, str]] = []
    for view in views:
        entry = entries[view.team.team_id]
        if entry.record is None or entry.start_layout is None:
            continue
        new = start_here.block_digest(view.status, commitments)
        if new != entry.start_here:
            due.append((view, new))
    if not due:
        return [], []
    seen = {f.id: f.modified_time for f in list_program_files(ws)}  # a TL edit since the read?
    colors = tpl.status_colors()

    def write(item: tuple[TeamView, str]) -> str | None:
        entry = entries[item[0].team.team_id]
        return _write(ws, commitments, entry, item[0].status, as_of, colors)

    with ThreadPoolExecutor(max_workers=min(READERS, len(due))) as pool:
        failures = list(pool.map(write, due))
    written = [item for item, failure in zip(due, failures, strict=True) if failure is None]
    after = {f.id: f.modified_time for f in list_program_files(ws)}
    for view, new in written:
        entry = entries[view.team.team_id]
        update: dict[str, Any] = {"start_here": new}
        # Our own write is not a change the next run must read; a TL's edit in between is.
        if seen.get(entry.spreadsheet_id) == entry.modified_time:
            update["modified_time"] = after.get(entry.spreadsheet_id, entry.modified_time)
        entries[view.team.team_id] = entry.model_copy(update=update)
    return [view.team.team_id for view, _ in written], [f for f in failures if f]


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
    try:  # values and sizes only: sending it again after a lost answer changes nothing
        once(
            lambda: ws.sheets.batch_update(entry.spreadsheet_id, requests), lambda: None, ws.policy
        )
    except GoogleError as error:
        return f"{entry.team_id}: Start Here not updated ({error})"
    return None
