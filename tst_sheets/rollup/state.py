"""What one roll-up run leaves for the next, kept in the roll-up itself (a hidden tab).

The deployed function has no disk that survives between runs, so the state lives where the
roll-up lives: compressed JSON in column A of a hidden, protected, service-owned tab. It is
read with the roll-up's one metadata read and written last, in the same ``batchUpdate`` as the
rest when everything fits in one request (see ``write_plan``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import lzma
import zlib
from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from tst_sheets.model import TeamRecord

# The marker names the codec. v2 is xz at preset 1: about 40% smaller than v1's zlib for the
# same time, so 2,000 teams' state fits in one 2 MB request. v1 states are still read.
STATE_MARKER = "tst-rollup-state v2"
DECOMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "tst-rollup-state v1": zlib.decompress,
    STATE_MARKER: lzma.decompress,
}
BEING_WRITTEN = ", being written"
# In the marker's cell while a write of several batches is under way (see ``write_plan.plan``)
STATE_WRITING = STATE_MARKER + BEING_WRITTEN
CHUNK_CHARS = 40_000  # a cell holds at most 50,000 characters


class SheetLayout(BaseModel):
    """What the service itself added to one tab, so the next run can take it away again."""

    title: str
    rules: int = 0
    filter_views: list[int] = Field(default_factory=list)
    charts: list[int] = Field(default_factory=list)
    merges: int = 0
    rows: list[str] | None = Field(
        default=None, description="a short digest of each row written; None: not known"
    )
    look: str | None = Field(
        default=None, description="a digest of all but the cells (size, formats, rules, ...)"
    )


class StartHereLayout(BaseModel):
    """Where things are on one team's Start Here tab, as last read (see ``start_here``)."""

    sheet_id: int
    title: str
    block_row: int = Field(description="1-based row of the marker (where the block starts)")
    labels: dict[str, int] = Field(
        default_factory=dict, description="'Last checked' / 'Status' → 1-based row"
    )


class TeamEntry(BaseModel):
    """One team as last read: which version of its workbook, and what it said."""

    team_id: str
    spreadsheet_id: str = ""
    # Drive modifiedTime of the version read (or of our own Start Here write after it)
    modified_time: str | None = None
    # The record read, as JSON text: a parsed school year is about 150 KB of objects, its text
    # about 20 KB, so 2,000 teams' text fits in a function's memory where records do not.
    record_json: str | None = None
    failure: str | None = None  # why the workbook could not be read
    permanent: bool = True  # False: a transient failure (quota, 5xx), retried next run
    start_layout: StartHereLayout | None = None  # None: no Start Here tab to write to
    start_here: str = ""  # digest of the Start Here content last written

    def reusable(self, spreadsheet_id: str, modified_time: str | None) -> bool:
        """True when this entry is still what a fresh read would give."""
        same_file = self.spreadsheet_id == spreadsheet_id and self.modified_time == modified_time
        return same_file and (self.failure is None or self.permanent)

    def record(self) -> TeamRecord | None:
        """The record read (parsed afresh: keep what you need of it, not the record)."""
        return TeamRecord.model_validate_json(self.record_json) if self.record_json else None


class RollupState(BaseModel):
    version: int = 1
    reader: str = ""  # how the kept records were read (see jobs.rollup.READER_VERSION)
    content_digest: str = Field(default="", description="Digest of the roll-up's stable content.")
    first_seen: dict[str, date] = Field(
        default_factory=dict, description="Finding key → the as-of date it was first seen."
    )
    teams: dict[str, TeamEntry] = Field(default_factory=dict)
    layout: dict[int, SheetLayout] = Field(
        default_factory=dict, description="sheet id → what the service added to that tab"
    )


def digest(data: Any) -> str:
    """A stable digest of JSON-able data."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def encode_state(state: RollupState) -> list[str]:
    """The state as column A: the marker, then base64 chunks of compressed JSON.

    Compressed one team at a time: the whole state as one JSON text (and its dict before that)
    would hold every team's record twice more in memory, hundreds of MB at 2,000 teams."""
    packer = lzma.LZMACompressor(preset=1)
    head = state.model_dump_json(exclude={"teams"})
    parts = [packer.compress(f'{head[:-1]}{"," if head != "{}" else ""}"teams":{{'.encode())]
    for n, team_id in enumerate(sorted(state.teams)):
        entry = state.teams[team_id].model_dump_json()
        parts.append(packer.compress(f"{',' if n else ''}{json.dumps(team_id)}:{entry}".encode()))
    parts += [packer.compress(b"}}"), packer.flush()]
    blob = base64.b64encode(b"".join(parts)).decode()
    chunks = [blob[i : i + CHUNK_CHARS] for i in range(0, len(blob), CHUNK_CHARS)]
    return [STATE_MARKER, *chunks]


def decode_state(column: list[str]) -> RollupState:
    """Column A back to the state; an empty, foreign or damaged tab is an empty state. A write
    stopped half way leaves the tabs unknown: the state says so, and the next run rewrites them."""
    marker = column[0] if column else ""
    decompress = DECOMPRESS.get(marker.removesuffix(BEING_WRITTEN))
    if decompress is None:
        return RollupState()
    try:
        raw = decompress(base64.b64decode("".join(column[1:])))
        state = RollupState.model_validate_json(raw)
    except (ValueError, zlib.error, lzma.LZMAError):
        # A damaged state only costs one cold run; never a failed roll-up.
        return RollupState()
    if marker.endswith(BEING_WRITTEN):
        for layout in state.layout.values():
            layout.rows = layout.look = None
    return state
