"""The collect job: read every Active team's workbook and check it against the commitments.

Calls, for N active teams:

- 1 Sheets read for the roster (the program, each team's Sheet URL);
- 1 ``values.batchGet`` per team, every data tab at once;
- a workbook that lost or renamed a tab: that batchGet answers 400, so 1 more read for that
  team only (one ``spreadsheets.get`` of its titles and values);
- 1 Drive ``files.list`` only when some team has no Sheet URL on the roster (found by the
  workbook's appProperties instead).

Nothing is written. One team's broken workbook (deleted, access removed, quota still exhausted
after retries, a tab deleted or renamed) becomes that team's finding; every other team completes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from googleapiclient.errors import HttpError
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name, rowcol_to_a1
from pydantic import BaseModel, Field
from requests import RequestException

from tst_sheets import roster as roster_sheet
from tst_sheets import workbooks
from tst_sheets.camel import Camel
from tst_sheets.commitments import CommitmentSet, evaluate, load_commitments, unreadable_status
from tst_sheets.errors import http_status
from tst_sheets.model import DateRange, Finding, Program, Team, TeamRecord, TeamStatus
from tst_sheets.readback import (
    data_tabs,
    match_titles,
    range_title,
    ranges_to_read,
    read_workbook,
)
from tst_sheets.templates import WorkbookTemplate, load_template
from tst_sheets.workspace import Workspace

Progress = Callable[[int, int, str], None]  # (done, total, team id)
TEMPLATE = "team_workbook"
READERS = 8  # workbooks read at once: one slow workbook never holds up the others
VALUE_PARAMS: dict[str, str | int | bool | float | list[str] | None] = {
    "valueRenderOption": "UNFORMATTED_VALUE",  # typed text stays text, numbers stay numbers
    "dateTimeRenderOption": "SERIAL_NUMBER",  # real date cells arrive as numbers
}
GRID_FIELDS = (
    "sheets(properties(sheetId,title),data(startRow,startColumn,rowData(values(effectiveValue))))"
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
TRANSIENT = frozenset({429, 500, 502, 503, 504})
READ_FAILURES = (APIError, HttpError, RequestException, OSError)


class Unreadable(Camel):
    team: str
    reason: str
    spreadsheet_id: str = Field(default="", alias="spreadsheetId")


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
    # every range of the batchGet as Google answered it, extra tabs included
    value_ranges: list[dict[str, Any]] = Field(default_factory=list, exclude=True)

    def values(self, key: str) -> list[list[Any]] | None:
        """The values read for one tab key (e.g. an ``extra`` tab), None if not read."""
        title = self.titles.get(key)
        for item in self.value_ranges:
            if title is not None and range_title(str(item.get("range", "")))[0] == title:
                return [list(row) for row in item.get("values", [])]
        return None


class CollectResult(Camel):
    """``--json``: ``{"asOf", "teams", "findings", "unreadable", "calls"}``."""

    as_of: date = Field(alias="asOf")
    teams: list[TeamStatus] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    unreadable: list[Unreadable] = Field(default_factory=list)
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)
    roster_id: str = Field(default="", exclude=True)
    roster_findings: list[Finding] = Field(default_factory=list, exclude=True)

    def status(self, team_id: str) -> TeamStatus | None:
        return next((t for t in self.teams if t.team_id == team_id), None)


# --- the job -------------------------------------------------------------------------------------


def collect(
    ws: Workspace,
    roster_id: str | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> CollectResult:
    """Every Active team's status as of a date (default: the settings' date, else today)."""
    before = ws.calls()
    roster_id = roster_id or ws.settings.roster_id or find_roster(ws)
    read = roster_sheet.read_roster(ws, roster_id)
    program = read.program
    day = as_of or ws.settings.as_of or today(program)
    template = load_template(TEMPLATE, ws.settings.templates_dir)
    commitments = load_commitments(ws.settings.templates_dir / "commitments.yaml")
    teams = program.active_teams()
    books = locate_books(ws, program, teams)
    reads = read_teams(ws, teams, program, books, template, progress)
    statuses = [team_status(reads[t.team_id], t, program, day, commitments) for t in teams]
    return CollectResult(
        as_of=day,
        teams=statuses,
        findings=sorted((f for s in statuses for f in s.findings), key=Finding.sort_key),
        unreadable=[
            Unreadable(team=r.team_id, reason=r.failure, spreadsheet_id=r.spreadsheet_id)
            for r in reads.values()
            if r.failure is not None
        ],
        calls=ws.counter.since(before),
        roster_id=roster_id,
        roster_findings=read.findings,
    )


def team_status(
    read: TeamRead, team: Team, program: Program, as_of: date, commitments: CommitmentSet
) -> TeamStatus:
    """The team's status; a workbook that could not be read (or checked) is Unreadable."""
    if read.record is None:
        reason = read.failure or "no workbook for this team (run provision)"
        return unreadable_status(team, as_of, reason, read.spreadsheet_id)
    try:
        return evaluate(read.record, team, program, as_of, commitments)
    except Exception as error:  # a checking bug on one team must not stop the run
        reason = f"could not check the workbook ({type(error).__name__}: {error})"
        return unreadable_status(team, as_of, reason, read.spreadsheet_id)


# --- finding the workbooks ----------------------------------------------------------------------


def locate_books(ws: Workspace, program: Program, teams: Sequence[Team]) -> dict[str, str]:
    """team id → spreadsheet id: the roster's Sheet URL, else the Drive label (1 Drive read,
    only when some team has no URL)."""
    books = {t.team_id: sheet_id_of(t.sheet_url) for t in teams}
    if all(books.values()):
        return books
    labelled = workbooks.of_program(workbooks.list_spreadsheets(ws), program.name, "team")
    labelled.sort(key=lambda f: (f.created_time, f.id))  # the first made, as provision keeps
    by_team: dict[str, str] = {}
    for book in labelled:
        by_team.setdefault(book.team_id.lower(), book.id)
    return {tid: book or by_team.get(tid.lower(), "") for tid, book in books.items()}


def sheet_id_of(url: str) -> str:
    """The spreadsheet id in a Sheet URL (or a bare id); "" when there is none."""
    text = url.strip()
    marker = "/spreadsheets/d/"
    if marker in text:
        return text.split(marker, 1)[1].split("/", 1)[0].split("#", 1)[0].split("?", 1)[0]
    return text if text and "/" not in text and " " not in text else ""


def find_roster(ws: Workspace) -> str:
    """The program's roster by its Drive labels (when no id is given)."""
    found = workbooks.of_program(workbooks.list_spreadsheets(ws), ws.settings.program, "roster")
    if not found:
        raise LookupError(
            f"No roster for program {ws.settings.program!r}: run `tst-sheets init` "
            "or pass --roster / TST_ROSTER_ID."
        )
    return found[0].id


# --- reading ------------------------------------------------------------------------------------


def read_teams(
    ws: Workspace,
    teams: Sequence[Team],
    program: Program,
    books: Mapping[str, str],
    template: WorkbookTemplate | None = None,
    progress: Progress | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, TeamRead]:
    """Several workbooks, a few at a time; each failure stays that team's own."""
    template = template or load_template(TEMPLATE, ws.settings.templates_dir)
    out: dict[str, TeamRead] = {}
    if progress:
        progress(0, len(teams), "")
    if not teams:
        return out
    with ThreadPoolExecutor(max_workers=min(READERS, len(teams))) as pool:
        futures = {
            pool.submit(
                read_team,
                ws,
                team,
                program,
                spreadsheet_id=books.get(team.team_id),
                template=template,
                extra=extra,
            ): team
            for team in teams
        }
        for future in as_completed(futures):
            team = futures[future]
            out[team.team_id] = future.result()
            if progress:
                progress(len(out), len(teams), team.team_id)
    return out


def read_team(
    ws: Workspace,
    team: Team,
    program: Program,
    *,
    spreadsheet_id: str | None = None,
    template: WorkbookTemplate | None = None,
    extra: Mapping[str, str] | None = None,
) -> TeamRead:
    """ONE ``values.batchGet`` of every data tab (and ``extra`` tabs: key → A1 cells, e.g.
    ``{"start_here": "A1:F30"}``) → the team's record. Never raises.

    The workbook is ``spreadsheet_id``, else the one the roster's Sheet URL names.
    """
    book = spreadsheet_id if spreadsheet_id is not None else sheet_id_of(team.sheet_url)
    out = TeamRead(team_id=team.team_id, spreadsheet_id=book)
    if not book:
        return out.model_copy(update={"failure": "no workbook for this team (run provision)"})
    template = template or load_template(TEMPLATE, ws.settings.templates_dir)
    try:
        got = _fetch(ws, book, template, extra or {})
        year = DateRange(start=program.school_year_start, end=program.school_year_end)
        record = read_workbook(
            got.value_ranges,
            team_id=team.team_id,
            spreadsheet_id=book,
            template=template,
            school_year=year,
            sheet_ids=got.sheet_ids or None,
        )
    except READ_FAILURES as error:
        reason, permanent = describe_failure(error)
        return out.model_copy(update={"failure": reason, "permanent": permanent})
    except Exception as error:  # whatever a workbook holds, the run goes on
        reason = f"could not read the workbook ({type(error).__name__}: {error})"
        return out.model_copy(update={"failure": reason})
    return got.model_copy(update={"team_id": team.team_id, "record": record})


def _fetch(
    ws: Workspace, book: str, template: WorkbookTemplate, extra: Mapping[str, str]
) -> TeamRead:
    """The batchGet; if it names a tab that is gone (Google's 400), the whole workbook."""
    titles = {t.key: t.title for t in template.tabs}
    try:
        return _batch_get(ws, book, template, titles, extra)
    except APIError as error:
        if http_status(error) != 400:
            raise
    return _whole_workbook(ws, book, template, extra)


def _whole_workbook(
    ws: Workspace, book: str, template: WorkbookTemplate, extra: Mapping[str, str]
) -> TeamRead:
    """ONE ``spreadsheets.get`` of every tab's titles and values, for a workbook that lost or
    renamed a tab: its own titles are matched to the template (aliases too), and
    ``effectiveValue`` is what ``UNFORMATTED_VALUE`` gives, so readback cannot tell."""
    params: dict[str, str | int | bool | float | list[str] | None] = {
        "includeGridData": "true",
        "fields": GRID_FIELDS,
    }
    sheets = ws.sheets.http_client.fetch_sheet_metadata(book, params=params).get("sheets", [])
    ids = {_title(s): int(s.get("properties", {}).get("sheetId", 0)) for s in sheets}
    titles = match_titles(template, list(ids))
    keys = [t.key for t in data_tabs(template)] + list(extra)
    wanted = {key: titles[key] for key in keys if key in titles}
    value_ranges = [_grid_values(s) for s in sheets if _title(s) in wanted.values()]
    return TeamRead(
        team_id="",
        spreadsheet_id=book,
        fallback=True,
        titles=wanted,
        sheet_ids=ids,
        value_ranges=value_ranges,
    )


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


def _batch_get(
    ws: Workspace,
    book: str,
    template: WorkbookTemplate,
    titles: Mapping[str, str],
    extra: Mapping[str, str],
) -> TeamRead:
    present = {t.key: titles[t.key] for t in data_tabs(template) if t.key in titles}
    ranges = [  # only the tabs the workbook has: one missing title fails the whole batchGet
        r
        for r, t in zip(ranges_to_read(template, present), data_tabs(template), strict=True)
        if t.key in present
    ]
    wanted = {key: titles[key] for key in extra if key in titles}
    ranges += [absolute_range_name(title, extra[key]) for key, title in wanted.items()]
    reply = ws.sheets.http_client.values_batch_get(book, ranges, params=VALUE_PARAMS)
    return TeamRead(
        team_id="",
        spreadsheet_id=book,
        titles={**present, **wanted},
        value_ranges=list(reply.get("valueRanges", [])),
    )


def describe_failure(error: BaseException) -> tuple[str, bool]:
    """Why a workbook could not be read, and whether that will still be true next run."""
    status = http_status(error)
    if status == 404:
        return "workbook not found (deleted, or not shared with the service)", True
    if status == 403:
        return "the service has no access to the workbook", True
    if status == 429:
        return "Sheets quota still exhausted after retries", False
    if status in TRANSIENT:
        return f"Google answered {status} after retries", False
    if status:
        return f"Google answered {status}: {_message(error)}", True
    return f"could not reach Google ({type(error).__name__})", False


def _message(error: BaseException) -> str:
    if isinstance(error, APIError):
        return str(error.error.get("message", "")) if isinstance(error.error, dict) else ""
    return str(error)[:200]


def today(program: Program) -> date:
    return datetime.now(ZoneInfo(program.timezone)).date()


__all__ = [
    "CollectResult",
    "TeamRead",
    "Unreadable",
    "collect",
    "describe_failure",
    "locate_books",
    "read_team",
    "read_teams",
    "team_status",
]
