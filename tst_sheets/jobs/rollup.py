"""The roll-up job: every team's status in one spreadsheet for coaches, within the API budget.

Calls, for N active teams of which k changed since the last run:

- always: 1 roster values.batchGet + 1 Drive files.list (every workbook's modifiedTime, labels
  and permissions) + 1 values.get of the roll-up's hidden state tab (absent on the first run);
- k values.batchGet, one per changed team (``--full``: all N), 8 at a time;
- at most 1 spreadsheets.batchUpdate for the whole roll-up, only when it changed (2 on the
  first run: the spreadsheets.create, then the content; 2 if the roll-up was edited by hand
  and the first write is refused: 1 metadata read, then the write again);
- 1 spreadsheets.batchUpdate per team whose own status changed (its Start Here), sent as soon
  as that team's read completes (the write quota works while reads go on), with Drive
  files.list around them so the service's own edit is not taken for a TL's next time: 1
  before the first, 1 after the last, and 1 more per checkpoint that finished some; and 1
  Drive files.get before each, and when provision's record of the Team tab held then, 1
  files.get and 1 files.update after it, so the weekly provision does not read it again;
- 1 spreadsheets.batchUpdate of the state tab alone every ``TST_CHECKPOINT_EVERY`` teams read
  (k/100 by default), so a run cut off resumes where it stopped.

Nothing changed: 2 Sheets reads (roster, state), 0 writes anywhere.

Cut short (``budget`` spent; the function's time): the reads in flight finish, the Start Here
writes finish, the state is saved (1 write), and nothing else is written. The next run reads
only the teams not read yet: a roll-up resumed once costs 2 Sheets reads (roster, state) and
one write per checkpoint more than an uninterrupted one, and reads no workbook twice.

A what-if (``as_of`` other than today, see ``common.today_of``) reads the same and writes
nothing at all (no roll-up, no Start Here, no roster, no sharing, no checkpoint) unless
``write`` says so; it answers the same result, so its JSON shows what the roll-up would say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from pydantic import Field

from tst_sheets.commitments import CommitmentSet, load_commitments
from tst_sheets.jobs import rollup_book
from tst_sheets.jobs.checkpoint import Budget, Checkpoint
from tst_sheets.jobs.collect import Unreadable, team_status
from tst_sheets.jobs.common import roster_id_of, team_template, today_of
from tst_sheets.jobs.files import list_program_files, program_home, team_books
from tst_sheets.jobs.guard import Removal, stop_reason
from tst_sheets.jobs.reader import Progress, TeamRead, read_teams
from tst_sheets.jobs.roster import read_roster
from tst_sheets.jobs.start_here import StartHereWriter
from tst_sheets.model import (
    Camel,
    DriveFile,
    Finding,
    Program,
    Team,
    TeamRecord,
    TeamStatus,
    spreadsheet_url,
)
from tst_sheets.model.a1 import id_from_url
from tst_sheets.model.program import zone
from tst_sheets.rollup import start_here
from tst_sheets.rollup.about import about_grid, state_grid
from tst_sheets.rollup.build import build
from tst_sheets.rollup.inputs import RollupInput, RunFacts, TeamView, team_view
from tst_sheets.rollup.staff import attendance_to_record
from tst_sheets.rollup.state import (
    RollupState,
    SheetLayout,
    TeamEntry,
    decode_state,
    digest,
    encode_state,
)
from tst_sheets.rollup.template import RollupTemplate, load_rollup_template
from tst_sheets.rollup.write_plan import layout_of
from tst_sheets.templates import WorkbookTemplate
from tst_sheets.workspace import Workspace, add_calls

# Bump when the reader's output (or how a record is kept) changes: kept records are then read
# afresh. 2: each record kept as JSON text.
READER_VERSION = 2


class RollupResult(Camel):
    """``--json``: ``{"rollupSpreadsheetId", "url", "asOf", "written", "teams", "byStatus",
    "read", "reused", "unreadable", "statuses", "findings", "staffFindings", "calls",
    "stopped", "complete", "remaining", "checkpoints"}``."""

    rollup_spreadsheet_id: str = Field(alias="rollupSpreadsheetId")
    url: str
    as_of: date | None = Field(default=None, alias="asOf")
    written: bool = False
    teams: int = 0
    by_status: dict[str, int] = Field(default_factory=dict, alias="byStatus")
    read: int = 0
    reused: int = 0
    unreadable: list[Unreadable] = Field(default_factory=list)
    statuses: list[TeamStatus] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    staff_findings: list[Finding] = Field(default_factory=list, alias="staffFindings")
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)
    stopped: str = Field(default="", description="Why nothing was written (mass change).")
    complete: bool = Field(default=True, description="False: cut short, progress saved.")
    remaining: int = Field(default=0, description="Teams a cut-short run did not read.")
    checkpoints: int = Field(default=0, description="Times this run saved its progress.")
    progress: str = Field(default="", exclude=True, description="Digest of the state saved.")
    # for the human summary and the demo (not in the JSON)
    what_if: bool = Field(default=False, exclude=True)
    start_here_written: list[str] = Field(default_factory=list, exclude=True)
    problems: list[str] = Field(default_factory=list, exclude=True)


def rollup(
    ws: Workspace,
    roster_id: str | None = None,
    as_of: date | None = None,
    full: bool = False,
    progress: Progress | None = None,
    write: bool | None = None,
    allow_mass_change: bool = False,
    budget: Budget | None = None,
    checkpoint_every: int | None = None,
) -> RollupResult:
    """Read what changed, evaluate every team, write the roll-up and changed Start Here tabs.

    ``write``: None writes when ``as_of`` is today (a what-if date writes nothing); True or
    False decide. A roll-up that would drop more than a quarter of the teams it showed last
    time writes nothing (``stopped``) unless ``allow_mass_change``.

    Progress is saved every ``checkpoint_every`` teams read (default ``TST_CHECKPOINT_EVERY``;
    0: never), so a run cut off resumes where it stopped. Once ``budget`` is spent no more
    reads start: the run saves its progress and answers ``complete`` False with the teams
    ``remaining``, writing no roll-up tab (coaches keep the last complete roll-up). A run that
    writes nothing has nowhere to save to: it ignores ``budget``.
    """
    before = ws.calls()
    program_home(ws)  # a service account with nowhere to create stops here
    run = _Run(ws, roster_id_of(ws, roster_id))
    today = today_of(ws, run.program)
    as_of = as_of or today
    write = (as_of == today) if write is None else write
    files = list_program_files(ws)
    if write:
        book_id, created = rollup_book.find_or_create(ws, run.program, run.tpl, files)
    else:
        book_id, created = rollup_book.find(run.program, files), False
    column = (
        []
        if created or not book_id
        else rollup_book.read_state_column(ws, book_id, run.state_title)
    )
    state = decode_state(column)
    if state.reader != run.reader():  # records read by another reader version: read afresh
        state = state.model_copy(update={"teams": {}})
    active = run.program.active_teams()
    dropped = set(state.teams) - {t.team_id for t in active}
    shown = Removal(what="teams", removed=len(dropped), existing=len(state.teams))
    stopped = stop_reason("rollup", [shown], allowed=allow_mass_change) if write else ""
    write = write and not stopped
    current = _initial_layout(run.tpl) if created else state.layout
    entries: dict[str, TeamEntry] = {}
    books = team_books(files, run.program)
    with StartHereWriter(ws, run.tpl, as_of, run.commitments, entries, enabled=write) as writer:
        saver = Checkpoint(
            ws,
            book_id,
            run.tpl,
            state.model_copy(update={"reader": run.reader()}),
            current,
            every=_every(ws, checkpoint_every) if write else 0,
            saved=column,
        )
        run.refresh(
            active,
            books,
            state,
            full,
            as_of,
            entries,
            writer,
            saver,
            budget if write else None,
            progress,
        )
        remaining = len(active) - len(entries)
        if remaining and write:  # cut short: save what was read, write nothing else
            saver.save(entries, writer, wait=True)
        writer.settle(wait=True)
    if remaining:
        return run.incomplete(book_id, len(active), remaining, ws.counter.since(before), saver)
    views = [run.views[team.team_id] for team in active]
    inp = RollupInput(
        program=run.program,
        as_of=as_of,
        teams=views,
        commitments=run.commitments,
        first_seen=state.first_seen,
        versions=run.versions(),
    )
    content = build(inp, run.tpl, RunFacts(generated_at=_now(run.program)))
    new_state = RollupState(
        content_digest=content.digest(),
        first_seen=content.first_seen,
        teams={team.team_id: entries[team.team_id] for team in active},
        reader=run.reader(),
        layout=layout_of([*content.tabs, state_grid(run.tpl, [])], run.tpl),
    )
    new_column = encode_state(new_state)
    # same content and same state: nothing to write anywhere
    written = write and new_column != (saver.saved or column)
    if written:
        facts = RunFacts(
            generated_at=_now(run.program),
            read=run.read_count,
            reused=len(active) - run.read_count,
            calls=add_calls(ws.counter.since(before), {"sheets": {"write": 1}}),
        )
        content.tabs = [
            about_grid(inp, run.tpl, facts) if t.key == "about" else t for t in content.tabs
        ]
        grids = [*content.tabs, state_grid(run.tpl, new_column)]
        rollup_book.write(ws, book_id, grids, current, run.tpl)
    if write:
        rollup_book.record_in_roster(ws, run.roster, book_id)
        rollup_book.share(ws, run.program, book_id, files, created)
    done = set(writer.written)
    written_here = [t.team_id for t in active if t.team_id in done]
    problems = [*writer.problems, *saver.problems]
    result = run.result(book_id, views, written, ws.counter.since(before))
    for unreadable in result.unreadable:
        unreadable.permanent = entries[unreadable.team].permanent
    result.start_here_written, result.problems = written_here, problems
    result.as_of, result.what_if = as_of, as_of != today
    result.stopped, result.checkpoints = stopped, saver.count
    result.staff_findings = [
        *attendance_to_record(inp),
        *sorted((f for v in views for f in v.status.staff_findings), key=Finding.sort_key),
    ]
    return result


class _Run:
    """What one run shares: the clients, the program, the templates, the counts."""

    def __init__(self, ws: Workspace, roster_id: str) -> None:
        self.ws = ws
        self.roster = read_roster(ws, roster_id, ("program", "teams", "coaches"), "rollup")
        self.program = self.roster.program
        self.tpl: RollupTemplate = load_rollup_template(ws.settings.templates_dir)
        self.team_tpl: WorkbookTemplate = team_template(ws)
        self.commitments: CommitmentSet = load_commitments(
            ws.settings.templates_dir / "commitments.yaml"
        )
        self.state_title = self.tpl.tab("state").title
        self.read_count = 0
        self.views: dict[str, TeamView] = {}

    def reader(self) -> str:
        """What a kept record depends on besides the workbook: the template it was read by."""
        return f"{READER_VERSION}:{self.team_tpl.name}:{self.team_tpl.version}"

    def versions(self) -> dict[str, int]:
        return {
            self.tpl.workbook.name: self.tpl.workbook.version,
            self.team_tpl.name: self.team_tpl.version,
            self.commitments.name: self.commitments.version,
        }

    def refresh(
        self,
        teams: Sequence[Team],
        books: Mapping[str, DriveFile],
        state: RollupState,
        full: bool,
        as_of: date,
        entries: dict[str, TeamEntry],
        writer: StartHereWriter,
        saver: Checkpoint,
        budget: Budget | None,
        progress: Progress | None,
    ) -> None:
        """Each team's entry into ``entries``: reused when its workbook did not change, read
        otherwise; each team's Start Here handed to ``writer`` as soon as its status is known
        (the reused ones first), the progress saved every few reads."""
        to_read: list[Team] = []
        located: dict[str, tuple[str, str | None]] = {}
        by_id = {team.team_id: team for team in teams}
        for team in teams:
            book = books.get(team.team_id.lower())
            book_id = book.id if book else id_from_url(team.sheet_url)
            modified = book.modified_time if book else None
            located[team.team_id] = (book_id, modified)
            old = state.teams.get(team.team_id)
            if not full and old is not None and old.reusable(book_id, modified):
                entries[team.team_id] = old
                writer.offer(old, self.view(team, old, as_of).status)
            else:
                to_read.append(team)

        def on_read(read: TeamRead) -> None:
            old = state.teams.get(read.team_id)
            entry = self.entry(read, located[read.team_id][1])
            entry.start_here = old.start_here if old else ""
            entries[read.team_id] = entry
            view = self.view(by_id[read.team_id], entry, as_of, read.record)
            writer.offer(entry, view.status)
            saver.tick(entries, writer)

        reads = read_teams(
            self.ws,
            to_read,
            self.program,
            {t.team_id: located[t.team_id][0] for t in to_read},
            self.team_tpl,
            extra={"start_here": ""},  # "": the whole tab
            progress=progress,
            on_read=on_read,
            stop=budget.spent if budget else None,
        )
        self.read_count = len(reads)

    def entry(self, read: TeamRead, modified: str | None) -> TeamEntry:
        entry = TeamEntry(
            team_id=read.team_id,
            spreadsheet_id=read.spreadsheet_id,
            modified_time=modified,
            record_json=read.record.model_dump_json() if read.record is not None else None,
            failure=read.failure,
            permanent=read.permanent,
        )
        values = read.values("start_here") if read.record is not None else None
        if values is not None:
            title = read.titles["start_here"]
            sheet_id = read.sheet_ids.get(title, self.team_tpl.tab("start_here").sheet_id)
            entry.start_layout = start_here.locate(values, sheet_id, title)
        return entry

    def view(
        self, team: Team, entry: TeamEntry, as_of: date, record: TeamRecord | None = None
    ) -> TeamView:
        """The team as the roll-up shows it (kept: the run asks once per team). ``record``:
        the one just read, else the entry's is parsed; either is dropped once viewed."""
        read = TeamRead(
            team_id=team.team_id,
            spreadsheet_id=entry.spreadsheet_id,
            record=record or entry.record(),
            failure=entry.failure,
        )
        status = team_status(read, team, self.program, as_of, self.commitments)
        view = team_view(team, status, read.record, self.program, self.commitments)
        self.views[team.team_id] = view
        return view

    def incomplete(
        self,
        book_id: str,
        teams: int,
        remaining: int,
        calls: dict[str, dict[str, int]],
        saver: Checkpoint,
    ) -> RollupResult:
        """A run cut short: what it read and saved; its statuses wait for the run that ends."""
        return RollupResult(
            rollup_spreadsheet_id=book_id,
            url=spreadsheet_url(book_id) if book_id else "",
            teams=teams,
            read=self.read_count,
            reused=teams - remaining - self.read_count,
            calls=calls,
            complete=False,
            remaining=remaining,
            checkpoints=saver.count,
            progress=digest(saver.saved),
        )

    def result(
        self,
        book_id: str,
        views: Sequence[TeamView],
        written: bool,
        calls: dict[str, dict[str, int]],
    ) -> RollupResult:
        by_status: dict[str, int] = {s: 0 for s in self.tpl.status_order}
        for view in views:
            by_status[view.status.overall] = by_status.get(view.status.overall, 0) + 1
        unreadable = [
            Unreadable(
                team=v.team.team_id,
                reason=v.status.findings[0].found,
                spreadsheetId=v.status.spreadsheet_id,
            )
            for v in views
            if v.status.overall == "Unreadable" and v.status.findings
        ]
        findings = sorted((f for v in views for f in v.status.findings), key=Finding.sort_key)
        return RollupResult(
            rollup_spreadsheet_id=book_id,
            url=spreadsheet_url(book_id) if book_id else "",
            teams=len(views),
            statuses=[v.status for v in views],
            read=self.read_count,
            reused=len(views) - self.read_count,
            unreadable=unreadable,
            findings=findings,
            calls=calls,
            by_status=by_status,
            written=written,
        )


def _every(ws: Workspace, checkpoint_every: int | None) -> int:
    return ws.settings.checkpoint_every if checkpoint_every is None else checkpoint_every


def _initial_layout(tpl: RollupTemplate) -> dict[int, SheetLayout]:
    """A roll-up just created from the template: its tabs, nothing added to them yet."""
    return {t.sheet_id: SheetLayout(title=t.title) for t in tpl.workbook.tabs}


def _now(program: Program) -> datetime:
    return datetime.now(zone(program.timezone)).replace(tzinfo=None, microsecond=0)
