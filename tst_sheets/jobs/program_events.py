"""Each team's Program Events tab: rewritten when the program's rows for the team change, and
read only then.

The service owns the rows above the marker; what a TL types below it is theirs and must
survive every rewrite, so a rewrite needs the tab as it is now: one read. Once the tab holds
the program's rows (written now, or found right), the job records on the workbook a digest
of them (Drive appProperty ``tstEvents``, one files.update); the one files.list of the run
brings every workbook's digest back.

Why a matching digest means no read, whatever the TL did: the job touches the tab only to
put the program's rows there. When the rows it would write now are the rows it made true
last time, there is nothing to write, hence nothing to keep and nothing to read; the TL's
own rows, and whatever they typed elsewhere, are left as they are because the tab is not
touched. When the program's rows do change, the tab is read whatever the workbook's
modifiedTime says, so a row typed under the marker a minute ago is kept. (TLs edit their
workbooks daily: a modifiedTime test would read most workbooks every night for nothing.)

What this gives up: an edit to the program's own rows (protected, warning only) is put
right at the next change of those rows, not the next night; a deleted tab is reported then.

Crash safety: the rows are written before the digest is recorded. A run that dies in
between leaves the old digest, which differs from the rows wanted now, so the next run reads
the tab, finds it right and records the digest: one read. Both writes say the same thing
when sent again, so a lost answer is simply retried.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import suppress
from datetime import date

from pydantic import BaseModel, Field

from tst_sheets.calendar.audience import teams_needing_members
from tst_sheets.calendar.events import DesiredEvent
from tst_sheets.calendar.team_tab import (
    DIGEST_LABEL,
    EVENT_COLUMNS,
    PROGRAM_EVENTS_TAB,
    event_rows,
    own_rows,
    program_event_rows,
    rows_digest,
    tab_rows,
)
from tst_sheets.errors import ConfigError, GoogleError
from tst_sheets.jobs import files as drive_files
from tst_sheets.jobs.common import team_template
from tst_sheets.jobs.reader import TeamRead, read_teams
from tst_sheets.jobs.team_look import held_look, restamp
from tst_sheets.model import Finding, Program, Team
from tst_sheets.model.a1 import absolute_range_name, id_from_url
from tst_sheets.workspace import Workspace


class TeamTabs(BaseModel):
    """What one team workbook read told us."""

    team_id: str
    spreadsheet_id: str
    members: list[str] = Field(default_factory=list)
    program_events: list[list[str]] | None = None  # None: the tab could not be read
    findings: list[Finding] = Field(default_factory=list)


class TabsRun(BaseModel):
    """What one refresh needs besides the workspace."""

    desired: list[DesiredEvent]
    links: dict[str, str] = Field(default_factory=dict)  # event key -> Meet link
    titles: set[str] = Field(default_factory=set)  # every event title the program has used
    today: date
    dry_run: bool = False


# -- reading --------------------------------------------------------------------------------


def _with_books(program: Program) -> list[Team]:
    return [t for t in program.active_teams() if id_from_url(t.sheet_url)]


def read_members(ws: Workspace, program: Program, today: date) -> dict[str, TeamTabs]:
    """The teams an Audience names, whose members the events need: their Team tab and
    Program Events rows in one batchGet each."""
    need = set(teams_needing_members(program))
    teams = [t for t in _with_books(program) if t.team_id in need]
    return read_tabs(ws, program, teams, today, ["team"])


def read_tabs(
    ws: Workspace,
    program: Program,
    teams: Sequence[Team],
    today: date,
    keys: Collection[str] = (),
) -> dict[str, TeamTabs]:
    """One batchGet per team: its Program Events rows (and the ``keys`` tabs)."""
    books = {t.team_id: id_from_url(t.sheet_url) for t in teams}
    extra = {"program_events": ""}
    template = team_template(ws)
    reads = read_teams(ws, teams, program, books, template, keys=list(keys), extra=extra)
    return {t.team_id: _team_tabs(t, reads[t.team_id], today) for t in teams}


def _team_tabs(team: Team, read: TeamRead, today: date) -> TeamTabs:
    out = TeamTabs(team_id=team.team_id, spreadsheet_id=read.spreadsheet_id)
    if read.failure is not None:
        out.findings.append(_unreadable(team, PROGRAM_EVENTS_TAB, read.failure))
        return out
    values = read.values("program_events")
    if values is None:
        out.findings.append(_unreadable(team, PROGRAM_EVENTS_TAB, "no such tab"))
    else:
        out.program_events = event_rows(values)
    members = read.record.members if read.record else []
    out.members = [m.email for m in members if m.email and (m.left is None or m.left > today)]
    return out


def _unreadable(team: Team, tab: str, reason: str) -> Finding:
    return Finding(
        team=team.team_id,
        rule="calendar.tab_unreadable",
        severity="warning",
        tab=tab,
        found=reason[:200],
        expected=f"a {tab} tab the service can read",
    )


def recorded_digests(ws: Workspace) -> dict[str, str]:
    """Each workbook's recorded digest by spreadsheet id (1 Drive files.list); none where
    the program has no home to list (every tab is then read)."""
    try:
        files = drive_files.list_program_files(ws)
    except ConfigError:
        return {}
    return {f.id: f.label(DIGEST_LABEL) for f in files if f.label(DIGEST_LABEL)}


# -- writing --------------------------------------------------------------------------------


def write_program_events(ws: Workspace, tabs: TeamTabs, rows: list[list[str]]) -> bool:
    """Rewrite the service-owned A2:E range when it differs (RAW: nothing typed is evaluated)."""
    current = tabs.program_events
    if current is None or current == rows:
        return False
    height = max(len(current), len(rows))
    padded = rows + [[""] * EVENT_COLUMNS] * (height - len(rows))
    target = absolute_range_name(PROGRAM_EVENTS_TAB, f"A2:E{height + 1}")
    ws.sheets.values_update(tabs.spreadsheet_id, target, padded)
    return True


def refresh_team_tabs(
    ws: Workspace,
    program: Program,
    run: TabsRun,
    reads: Mapping[str, TeamTabs],
    findings: list[Finding],
) -> list[str]:
    """Rewrite each team's rows that differ, keeping the TL's own rows below the program's.
    ``reads``: the tabs already read (for their members); any other team's tab is read only
    when its digest says the program's rows changed. A failed write is a finding for that
    team only."""
    recorded = recorded_digests(ws)
    teams = _with_books(program)
    wanted = {t.team_id: program_event_rows(run.desired, t.team_id, run.links) for t in teams}
    digests = {team_id: rows_digest(tab_rows(rows)) for team_id, rows in wanted.items()}
    stale = [t for t in teams if t.team_id not in reads and _stale(t, recorded, digests)]
    fresh = read_tabs(ws, program, stale, run.today)
    findings += [f for tabs in fresh.values() for f in tabs.findings]
    known = {*run.titles, *(e.title for e in run.desired)}
    updated: list[str] = []
    for team_id, tabs in {**reads, **fresh}.items():
        if tabs.program_events is None:
            continue
        rows = tab_rows(wanted[team_id], own_rows(tabs.program_events, known))
        if tabs.program_events != rows:
            if not _write(ws, tabs, rows, run.dry_run, findings):
                continue
            updated.append(team_id)
        if not run.dry_run and recorded.get(tabs.spreadsheet_id) != digests[team_id]:
            _record(ws, tabs.spreadsheet_id, digests[team_id])
    return updated


def _stale(team: Team, recorded: Mapping[str, str], digests: Mapping[str, str]) -> bool:
    """Whether the rows wanted now are not the ones the workbook says were made true."""
    return recorded.get(id_from_url(team.sheet_url)) != digests[team.team_id]


def _write(
    ws: Workspace, tabs: TeamTabs, rows: list[list[str]], dry_run: bool, findings: list[Finding]
) -> bool:
    """Whether the tab holds (or in a dry run would hold) ``rows``."""
    if dry_run:
        return True
    held = held_look(ws, tabs.spreadsheet_id)  # the service's write is no TL's edit
    try:
        write_program_events(ws, tabs, rows)
    except GoogleError as error:
        findings.append(
            Finding(
                team=tabs.team_id,
                rule="calendar.tab_not_written",
                severity="warning",
                tab=PROGRAM_EVENTS_TAB,
                found=str(error)[:200],
                expected=f"{len(rows)} event rows written (is the tab large enough?)",
            )
        )
        return False
    restamp(ws, held)
    return True


def _record(ws: Workspace, book_id: str, digest: str) -> None:
    # Not recorded: the next run reads this tab once more, nothing worse.
    with suppress(GoogleError):
        drive_files.set_labels(ws, book_id, {DIGEST_LABEL: digest})
