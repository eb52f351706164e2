"""Reading team workbooks: ONE ``values.batchGet`` per workbook, whatever the job.

collect and the roll-up read every data tab (and Start Here); provision reads the Team tab;
the calendar its Program Events (and the Team tab when an Audience needs the members). A
workbook that lost or renamed a tab answers that batchGet with 400; only then is it read
whole with ONE ``spreadsheets.get`` of its titles, tab marks and values, matched to the
template by the service's mark on each tab (``tstTab``), then title and alias. One workbook's
failure stays that team's own: nothing here raises.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from pydantic import BaseModel, Field

from tst_sheets.errors import GoogleError
from tst_sheets.model import Program, Team, TeamRecord
from tst_sheets.model.a1 import absolute_range_name, id_from_url, range_title, rowcol_to_a1
from tst_sheets.reading.workbook import data_tabs, match_titles, read_workbook
from tst_sheets.templates import WorkbookTemplate
from tst_sheets.templates.create import TAB_KEY
from tst_sheets.workspace import Workspace

Progress = Callable[[int, int, str], None]  # (done, total, team id)
READERS = 8  # workbooks read at once: one slow workbook never holds up the others
GRID_FIELDS = (
    "sheets(properties(sheetId,title),developerMetadata(metadataKey,metadataValue),"
    "data(startRow,startColumn,rowData(values(effectiveValue))))"
)
ERROR_CODES = {  # ErrorValue.type → the text a values read shows
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "LOADING": "#N/A",
}
NO_WORKBOOK = "no workbook for this team (run provision)"


class TeamRead(BaseModel):
    """One workbook as read: the record, or why it could not be read."""

    team_id: str
    spreadsheet_id: str = ""
    record: TeamRecord | None = None
    failure: str | None = None
    permanent: bool = True  # False: quota or 5xx, worth trying again next run
    fallback: bool = False  # a tab was missing: its titles were read first
    titles: dict[str, str] = Field(default_factory=dict, description="tab key → title read")
    sheet_ids: dict[str, int] = Field(default_factory=dict, description="title → sheet id")
    tab_keys: dict[str, str] = Field(
        default_factory=dict, description="title → the template key the service marked it"
    )
    # every range of the batchGet as Google answered it, extra tabs included
    value_ranges: list[dict[str, Any]] = Field(default_factory=list, exclude=True)

    def values(self, key: str) -> list[list[Any]] | None:
        """The values read for one tab key (e.g. an ``extra`` tab), None if not read."""
        title = self.titles.get(key)
        for item in self.value_ranges:
            if title is not None and range_title(str(item.get("range", ""))) == title:
                return [list(row) for row in item.get("values", [])]
        return None


def read_teams(
    ws: Workspace,
    teams: Sequence[Team],
    program: Program,
    books: Mapping[str, str],
    template: WorkbookTemplate,
    *,
    keys: Collection[str] | None = None,
    extra: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    on_read: Callable[[TeamRead], None] | None = None,
    stop: Callable[[int], bool] | None = None,
) -> dict[str, TeamRead]:
    """Several workbooks, a few at a time; each failure stays that team's own.

    ``on_read`` sees each read as it completes, in this thread (so it may write while the
    other reads go on), and keeps what it needs: the answer then keeps the read without its
    record and raw values (2,000 teams' would not fit in a function's memory).
    ``stop(started)`` is asked before each read is started: once it says True no more start,
    and the teams never started are not in the answer.
    """
    out: dict[str, TeamRead] = {}
    if progress:
        progress(0, len(teams), "")
    if not teams:
        return out
    queue = list(reversed(teams))
    running: dict[Future[TeamRead], Team] = {}
    with ThreadPoolExecutor(max_workers=min(READERS, len(teams))) as pool:

        def start() -> None:
            # a few more than the readers: a worker never waits for this loop to hand it one
            while queue and len(running) < 2 * READERS:
                if stop is not None and stop(len(teams) - len(queue)):
                    queue.clear()
                    return
                team = queue.pop()
                book = books.get(team.team_id)
                future = pool.submit(
                    read_team,
                    ws,
                    team,
                    program,
                    template,
                    spreadsheet_id=book,
                    keys=keys,
                    extra=extra,
                )
                running[future] = team

        start()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                team = running.pop(future)
                out[team.team_id] = read = future.result()
                if on_read:
                    on_read(read)
                    read.record, read.value_ranges = None, []
                if progress:
                    progress(len(out), len(teams), team.team_id)
            start()
    return out


def read_team(
    ws: Workspace,
    team: Team,
    program: Program,
    template: WorkbookTemplate,
    *,
    spreadsheet_id: str | None = None,
    keys: Collection[str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> TeamRead:
    """ONE ``values.batchGet`` of the data tabs (``keys``, default all) and of ``extra`` tabs
    (key → A1 cells, "" for the whole tab) → the team's record. Never raises.

    The workbook is ``spreadsheet_id``, else the one the roster's Sheet URL names.
    """
    book = spreadsheet_id if spreadsheet_id is not None else id_from_url(team.sheet_url)
    out = TeamRead(team_id=team.team_id, spreadsheet_id=book)
    if not book:
        return out.model_copy(update={"failure": NO_WORKBOOK})
    try:
        got = _fetch(ws, book, template, keys, extra or {})
        record = read_workbook(
            got.value_ranges,
            team_id=team.team_id,
            spreadsheet_id=book,
            template=template,
            school_year=program.school_year,
            sheet_ids=got.sheet_ids or None,
            keys=keys,
            tab_keys=got.tab_keys,
        )
    except GoogleError as error:
        reason, permanent = describe_failure(error)
        return out.model_copy(update={"failure": reason, "permanent": permanent})
    except Exception as error:  # whatever a workbook holds, the run goes on
        reason = f"could not read the workbook ({type(error).__name__}: {error})"
        return out.model_copy(update={"failure": reason})
    return got.model_copy(update={"team_id": team.team_id, "record": record})


def _fetch(
    ws: Workspace,
    book: str,
    template: WorkbookTemplate,
    keys: Collection[str] | None,
    extra: Mapping[str, str],
) -> TeamRead:
    """The batchGet; if it names a tab that is gone (Google's 400), the whole workbook."""
    wanted = [t.key for t in data_tabs(template) if keys is None or t.key in keys]
    try:
        return _batch_get(ws, book, template, wanted, extra)
    except GoogleError as error:
        if error.status != 400:
            raise
    return _whole_workbook(ws, book, template, [*wanted, *extra])


def _batch_get(
    ws: Workspace,
    book: str,
    template: WorkbookTemplate,
    wanted: Sequence[str],
    extra: Mapping[str, str],
) -> TeamRead:
    titles = {key: template.tab(key).title for key in [*wanted, *extra]}
    ranges = [absolute_range_name(titles[key]) for key in wanted]
    ranges += [absolute_range_name(titles[key], cells) for key, cells in extra.items()]
    value_ranges = ws.sheets.values_batch_get(book, ranges)
    return TeamRead(team_id="", spreadsheet_id=book, titles=titles, value_ranges=value_ranges)


def _whole_workbook(
    ws: Workspace, book: str, template: WorkbookTemplate, keys: Sequence[str]
) -> TeamRead:
    """ONE ``spreadsheets.get`` of every tab's titles and values, for a workbook that lost or
    renamed a tab: its own titles are matched to the template (aliases too), and
    ``effectiveValue`` is what ``UNFORMATTED_VALUE`` gives, so the reader cannot tell."""
    sheets = ws.sheets.get(book, GRID_FIELDS, grid_data=True).get("sheets", [])
    ids = {_title(s): int(s.get("properties", {}).get("sheetId", 0)) for s in sheets}
    marked = {_title(s): key for s in sheets if (key := tab_key(s))}
    titles = match_titles(template, list(ids), marked)
    wanted = {key: titles[key] for key in keys if key in titles}
    value_ranges = [_grid_values(s) for s in sheets if _title(s) in wanted.values()]
    return TeamRead(
        team_id="",
        spreadsheet_id=book,
        fallback=True,
        titles=wanted,
        sheet_ids=ids,
        tab_keys=marked,
        value_ranges=value_ranges,
    )


def tab_key(sheet: Mapping[str, Any]) -> str | None:
    """The template key the service marked a sheet with (``tstTab``), if any."""
    for meta in sheet.get("developerMetadata", []):
        if meta.get("metadataKey") == TAB_KEY:
            return str(meta.get("metadataValue", ""))
    return None


def _title(sheet: Mapping[str, Any]) -> str:
    return str(sheet.get("properties", {}).get("title", ""))


def _grid_values(sheet: Mapping[str, Any]) -> dict[str, Any]:
    """One sheet's grid data as a batchGet ``valueRange`` (trailing blanks trimmed, as there)."""
    data = (sheet.get("data") or [{}])[0]
    rows = [
        _trim([_effective(cell) for cell in row.get("values", [])])
        for row in data.get("rowData", [])
    ]
    while rows and not rows[-1]:
        rows.pop()
    start = rowcol_to_a1(int(data.get("startRow", 0)) + 1, int(data.get("startColumn", 0)) + 1)
    return {"range": absolute_range_name(_title(sheet), start), "values": rows}


def _effective(cell: Mapping[str, Any]) -> Any:
    value = cell.get("effectiveValue") or {}
    if "errorValue" in value:
        return ERROR_CODES.get(str(value["errorValue"].get("type", "")), "#ERROR!")
    for kind in ("numberValue", "stringValue", "boolValue"):
        if kind in value:
            return value[kind]
    return ""


def _trim(row: list[Any]) -> list[Any]:
    while row and row[-1] == "":
        row.pop()
    return row


def describe_failure(error: GoogleError) -> tuple[str, bool]:
    """Why a workbook could not be read, and whether that will still be true next run."""
    if error.status == 404:
        return "workbook not found (deleted, or not shared with the service)", True
    if error.status == 403:
        return "the service has no access to the workbook", True
    if error.status == 429:
        return "Sheets quota still exhausted after retries", False
    if error.transient and error.status:
        return f"Google answered {error.status} after retries", False
    if error.status:
        return f"Google answered {error.status}: {error.message[:200]}", True
    return error.message[:240], False  # no answer at all: worth trying again next run
