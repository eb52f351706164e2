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

from collections.abc import Sequence
from datetime import date

from pydantic import Field

from tst_sheets.commitments import CommitmentSet, evaluate, load_commitments, unreadable_status
from tst_sheets.jobs.common import as_of_date, roster_id_of, team_template
from tst_sheets.jobs.files import list_program_files, team_books
from tst_sheets.jobs.reader import NO_WORKBOOK, Progress, TeamRead, read_teams
from tst_sheets.jobs.roster import read_roster
from tst_sheets.model import Camel, Finding, Program, Team, TeamStatus
from tst_sheets.model.a1 import id_from_url
from tst_sheets.workspace import Workspace


class Unreadable(Camel):
    team: str
    reason: str
    spreadsheet_id: str = Field(default="", alias="spreadsheetId")
    # False: a passing failure (quota, 5xx), which the next run reads again
    permanent: bool = True


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


def collect(
    ws: Workspace,
    roster_id: str | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> CollectResult:
    """Every Active team's status as of a date (default: the settings' date, else today)."""
    before = ws.calls()
    roster_id = roster_id_of(ws, roster_id)
    read = read_roster(ws, roster_id, ("program", "teams"), "collect")
    program = read.program
    day = as_of_date(ws, program, as_of)
    commitments = load_commitments(ws.settings.templates_dir / "commitments.yaml")
    teams = program.active_teams()
    books = locate_books(ws, program, teams)
    reads = read_teams(ws, teams, program, books, team_template(ws), progress=progress)
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
        reason = read.failure or NO_WORKBOOK
        return unreadable_status(team, as_of, reason, read.spreadsheet_id)
    try:
        return evaluate(read.record, team, program, as_of, commitments)
    except Exception as error:  # a checking bug on one team must not stop the run
        reason = f"could not check the workbook ({type(error).__name__}: {error})"
        return unreadable_status(team, as_of, reason, read.spreadsheet_id)


def locate_books(ws: Workspace, program: Program, teams: Sequence[Team]) -> dict[str, str]:
    """team id → spreadsheet id: the roster's Sheet URL, else the Drive label (1 Drive read,
    only when some team has no URL)."""
    books = {t.team_id: id_from_url(t.sheet_url) for t in teams}
    if all(books.values()):
        return books
    labelled = team_books(list_program_files(ws), program)
    found = {team_id: book.id for team_id, book in labelled.items()}
    return {tid: book or found.get(tid.lower(), "") for tid, book in books.items()}
