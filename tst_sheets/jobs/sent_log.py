"""The sent log's I/O: a hidden tab of the roster, "Digest Log", one row per person and ISO week
(``nudges.log``). The roster because staff already own and keep it, every job already opens
it, and it holds the same people; a hidden tab because nobody needs to read it, with a
warning if someone edits it by hand. Found by its title, or, renamed, by the service's
``tstTab`` mark.

Calls: 1 ``values.get`` to read it (+1 ``spreadsheets.get`` only when the title is not
there); to write, 1 ``values.batchUpdate`` of the whole log (kept short: ``compacted``) and
1 ``values.update`` of one row per message sent. The first run adds the tab (1
``batchUpdate``, sent once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tst_sheets.errors import GoogleError
from tst_sheets.jobs.common import resend_if_lost
from tst_sheets.model.a1 import absolute_range_name
from tst_sheets.nudges.log import HEADER, LogRow, SentLog
from tst_sheets.templates.create import TAB_KEY, tab_metadata
from tst_sheets.workspace import Workspace, once

TITLE = "Digest Log"
MARK = "digest_log"
SHEET_ID = 1_717_017  # the tab's id when the service adds it (any free id would do)
ROWS = 1000  # rows a new tab holds; it grows when the log needs more
LAST_COLUMN = "G"
LOOK_FIELDS = "sheets(properties(sheetId,title,gridProperties),developerMetadata)"


@dataclass
class LogTab:
    """Where the log is, what it holds, and how many rows the tab shows (to blank the rest)."""

    title: str = TITLE
    exists: bool = False
    log: SentLog | None = None
    rows: int = 0  # rows holding values, the header included

    @property
    def sent_log(self) -> SentLog:
        return self.log or SentLog()


def read_log(ws: Workspace, roster_id: str) -> LogTab:
    """The log as the roster holds it; an empty one when the tab is not there yet."""
    title = TITLE
    try:
        values = ws.sheets.values_get(roster_id, absolute_range_name(title, f"A1:{LAST_COLUMN}"))
    except GoogleError as error:
        if error.status != 400:  # 400: no tab of that title
            raise
        found = find_tab(ws, roster_id)
        if found is None:
            return LogTab()
        title = found[1]
        values = ws.sheets.values_get(roster_id, absolute_range_name(title, f"A1:{LAST_COLUMN}"))
    return LogTab(title=title, exists=True, log=SentLog.parse(values), rows=len(values))


def find_tab(ws: Workspace, roster_id: str) -> tuple[int, str, int] | None:
    """(sheet id, title, rows) of the tab the service marked as the log (or titled so)."""
    for sheet in ws.sheets.get(roster_id, LOOK_FIELDS).get("sheets", []):
        props = sheet.get("properties", {})
        marks = {
            (m.get("metadataKey"), m.get("metadataValue"))
            for m in sheet.get("developerMetadata", [])
        }
        if (TAB_KEY, MARK) in marks or props.get("title") == TITLE:
            rows = int(props.get("gridProperties", {}).get("rowCount", 0))
            return int(props.get("sheetId", 0)), str(props.get("title", TITLE)), rows
    return None


def add_tab(ws: Workspace, roster_id: str) -> None:
    """The hidden, marked, warning-protected tab; sent once (a lost answer: look first)."""
    requests = [
        {
            "addSheet": {
                "properties": {
                    "sheetId": SHEET_ID,
                    "title": TITLE,
                    "hidden": True,
                    "gridProperties": {
                        "rowCount": ROWS,
                        "columnCount": len(HEADER),
                        "frozenRowCount": 1,
                    },
                }
            }
        },
        {"createDeveloperMetadata": {"developerMetadata": tab_metadata(MARK, SHEET_ID)}},
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": {"sheetId": SHEET_ID},
                    "description": "Written by TST Sheets: who got which weekly email.",
                    "warningOnly": True,
                }
            }
        },
    ]
    once(
        lambda: ws.sheets.batch_update(roster_id, requests),
        lambda: {} if find_tab(ws, roster_id) else None,
        ws.policy,
    )


def write_log(ws: Workspace, roster_id: str, tab: LogTab, rows: Sequence[LogRow]) -> LogTab:
    """The whole log in ONE write (header, ``rows``, blanks over what was below them)."""
    if not tab.exists:
        add_tab(ws, roster_id)
        tab = LogTab(title=TITLE, exists=True)
    values = [HEADER, *(r.cells() for r in rows)]
    blanks = [[""] * len(HEADER) for _ in range(max(0, tab.rows - len(values)))]
    a1 = absolute_range_name(tab.title, f"A1:{LAST_COLUMN}{len(values) + len(blanks)}")
    grid = [*values, *blanks]
    try:
        ws.sheets.values_batch_update(roster_id, {a1: grid})
    except GoogleError as error:
        if error.status != 400:
            raise
        grow(ws, roster_id, len(grid))  # more rows than the tab has: add some, write again
        ws.sheets.values_batch_update(roster_id, {a1: grid})
    return LogTab(title=tab.title, exists=True, log=SentLog(rows=list(rows)), rows=len(values))


def write_row(ws: Workspace, roster_id: str, tab: LogTab, index: int, row: LogRow) -> None:
    """One row of the log (``index`` 0 is the first after the header): a message sent."""
    number = index + 2
    a1 = absolute_range_name(tab.title, f"A{number}:{LAST_COLUMN}{number}")
    ws.sheets.values_update(roster_id, a1, [row.cells()])


def grow(ws: Workspace, roster_id: str, needed: int) -> None:
    found = find_tab(ws, roster_id)
    if found is None or found[2] >= needed:
        raise GoogleError(400, f"the {TITLE} tab cannot hold {needed} rows", api="sheets")
    more = {"appendDimension": {"sheetId": found[0], "dimension": "ROWS", "length": needed}}
    resend_if_lost(ws, roster_id, [more])  # twice, it would only add blank rows
