"""Steady state costs what changed: with nothing changed, calendar and provision read the roster
and no workbook, whatever the number of teams; a change costs a read of the workbooks it
touched, and never loses what a TL typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from tst_sheets.calendar.team_tab import DIGEST_LABEL, OWN_ROWS, event_rows, rows_digest
from tst_sheets.config import Settings
from tst_sheets.demo.sample import sample_program
from tst_sheets.errors import GoogleError
from tst_sheets.jobs.calendar import CalendarResult, sync_calendar
from tst_sheets.jobs.files import list_program_files, set_labels
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import ProvisionResult, provision
from tst_sheets.jobs.rollup import rollup
from tst_sheets.jobs.roster import read_roster, write_cells
from tst_sheets.model import Member, Program, TabRead, Team, TeamRecord
from tst_sheets.model.a1 import id_from_url
from tst_sheets.provision.look import (
    LOOK_KEY,
    MEMBERS_PREFIX,
    Look,
    domains_key,
    look_changes,
    look_of,
    look_props,
    recorded_look,
)
from tst_sheets.workspace import Workspace, connect

TODAY = date(2026, 11, 23)
SCHOOLS = "schools.example.edu"
EVENTS = "'Program Events'!A1:E40"
NEWCOMER = f"rosa.parks@{SCHOOLS}"


def cohort(n: int) -> Program:
    """N teams modelled on the sample teams, each with its own TL and principal."""
    base = sample_program()
    samples = base.active_teams()
    teams = [
        samples[i % len(samples)].model_copy(
            update={
                "team_id": f"T{i + 1:02d}",
                "tl_email": f"tl{i + 1:02d}@{SCHOOLS}",
                "principal_email": f"principal{i + 1:02d}@{SCHOOLS}",
                "sheet_url": "",
                "row": None,
            }
        )
        for i in range(n)
    ]
    return base.model_copy(update={"teams": teams, "applications": []})


def as_of(settings: Settings, day: date) -> Workspace:
    return connect(settings.model_copy(update={"as_of": day}))


@pytest.fixture
def service(settings: Settings) -> Workspace:
    return as_of(settings, TODAY)


def settle(ws: Workspace, n: int) -> str:
    """A cohort provisioned and on the calendar, each job run until it has nothing to do."""
    roster_id = init_roster(ws, program=cohort(n)).roster_spreadsheet_id
    provision(ws, roster_id)
    sync_calendar(ws, roster_id)  # writes the Meet links into every Program Events tab
    provision(ws, roster_id)  # finds nothing to read: the calendar moved its records along
    return roster_id


def writes(result: CalendarResult | ProvisionResult) -> int:
    return sum(c["write"] for c in result.calls.values())


def settled(ws: Workspace) -> tuple[str, Team, str]:
    """A settled cohort of 3, its first team and that team's workbook."""
    roster_id = settle(ws, 3)
    team = read_roster(ws, roster_id).program.active_teams()[0]
    return roster_id, team, id_from_url(team.sheet_url)


def writers(ws: Workspace, book: str) -> set[str]:
    return {p.email for p in ws.drive.list_permissions(book) if p.role in ("writer", "owner")}


def tl_adds(connect_as: Callable[[str], Workspace], team: Team, tab: str, row: list[str]) -> None:
    """The team's TL types a row under the last one of a tab."""
    tl, book = connect_as(team.tl_email), id_from_url(team.sheet_url)
    filled = tl.sheets.values_get(book, f"'{tab}'")
    tl.sheets.values_update(book, f"'{tab}'!A{len(filled) + 1}", [row])


@pytest.mark.parametrize("teams", [3, 12])
def test_with_nothing_changed_calendar_and_provision_read_only_the_roster(
    service: Workspace, teams: int
) -> None:
    roster_id = settle(service, teams)
    daily = sync_calendar(service, roster_id)
    weekly = provision(service, roster_id)
    # the same for 3 teams as for 12: the roster, and no workbook
    assert daily.calls["sheets"]["read"] == 1 and weekly.calls["sheets"]["read"] == 1
    assert daily.calls["drive"]["read"] == 1  # every workbook's record, in one files.list
    assert writes(daily) == 0 and writes(weekly) == 0
    assert not daily.created and not daily.updated and not daily.team_tabs_updated


def test_a_tls_own_program_events_row_survives_a_changed_event(
    service: Workspace, connect_as: Callable[[str], Workspace]
) -> None:
    roster_id, team, book = settled(service)
    tl = connect_as(team.tl_email)
    marker = [r[0] if r else "" for r in tl.sheets.values_get(book, EVENTS)].index(OWN_ROWS)
    own = ["2026-12-10", "3:30 PM – 4:30 PM", "Our data dig", "In person", "Room 12"]
    tl.sheets.values_update(book, f"'Program Events'!A{marker + 2}", [own])
    quiet = sync_calendar(service, roster_id)
    assert quiet.calls["sheets"]["read"] == 1  # the program's rows are as written: no read

    # staff rename an event every TL is invited to: each team's rows change, each tab is read
    read = read_roster(service, roster_id)
    spec = next(e for e in read.program.events if e.kind == "roundtable")
    cell = read.cell("events", spec.row or 0, "title")
    assert cell is not None
    write_cells(service, roster_id, {cell: f"{spec.title} (new room)"})
    moved = sync_calendar(service, roster_id)
    assert moved.calls["sheets"]["read"] == 1 + 3 and sorted(moved.team_tabs_updated) == [
        "T01",
        "T02",
        "T03",
    ]
    rows = tl.sheets.values_get(book, EVENTS)
    assert own in rows and rows.index(own) > rows.index([OWN_ROWS])
    assert any(f"{spec.title} (new room)" in row for row in rows)
    assert sync_calendar(service, roster_id).calls["sheets"]["read"] == 1


def test_an_edit_elsewhere_does_not_make_calendar_read_the_workbook(
    service: Workspace, connect_as: Callable[[str], Workspace]
) -> None:
    roster_id, team, _ = settled(service)
    meeting = ["2026-11-20", "45", "Looked at exit tickets", "", "", "", "", ""]
    tl_adds(connect_as, team, "Meetings", meeting)
    daily = sync_calendar(service, roster_id)
    assert daily.calls["sheets"] == {"read": 1, "write": 0} and writes(daily) == 0
    # provision reads that one workbook (it changed), notes it, and then reads none again
    weekly = provision(service, roster_id)
    assert weekly.calls["sheets"]["read"] == 2 and weekly.calls["drive"]["write"] == 1
    assert provision(service, roster_id).calls["sheets"]["read"] == 1


def test_a_tl_adds_a_member_and_the_next_provision_reads_it_and_shares(
    service: Workspace, connect_as: Callable[[str], Workspace]
) -> None:
    roster_id, team, book = settled(service)
    row = ["Rosa Parks", NEWCOMER, "Member", "Grade 5", "2026-11-20", "", ""]
    tl_adds(connect_as, team, "Team", row)
    weekly = provision(service, roster_id)
    assert weekly.calls["sheets"]["read"] == 1 + 1
    assert [(g.team_id, g.email) for g in weekly.shared] == [(team.team_id, NEWCOMER)]
    assert NEWCOMER in writers(service, book)
    again = provision(service, roster_id)
    assert again.calls["sheets"]["read"] == 1 and writes(again) == 0
    assert again.shared == [] and again.unshared == []


def test_the_rollups_own_start_here_writes_are_no_reason_for_provision_to_read(
    service: Workspace, connect_as: Callable[[str], Workspace]
) -> None:
    roster_id, team, _book = settled(service)
    rolled = rollup(service, roster_id)
    assert len(rolled.start_here_written) == 3  # every workbook changed, by the service
    weekly = provision(service, roster_id)
    assert weekly.calls["sheets"]["read"] == 1 and writes(weekly) == 0
    # a TL's edit after the roll-up is read as ever
    row = ["Rosa Parks", NEWCOMER, "Member", "Grade 5", "2026-11-20", "", ""]
    tl_adds(connect_as, team, "Team", row)
    again = provision(service, roster_id)
    assert again.calls["sheets"]["read"] == 1 + 1
    assert [(g.team_id, g.email) for g in again.shared] == [(team.team_id, NEWCOMER)]


def test_the_calendars_own_program_events_writes_are_no_reason_for_provision_to_read(
    service: Workspace,
) -> None:
    roster_id = init_roster(service, program=cohort(3)).roster_spreadsheet_id
    provision(service, roster_id)
    daily = sync_calendar(service, roster_id)  # writes the Meet links into every tab
    assert len(daily.team_tabs_updated) == 3
    weekly = provision(service, roster_id)
    assert weekly.calls["sheets"]["read"] == 1 and writes(weekly) == 0


def test_a_tl_edit_before_the_rollups_write_is_read_by_the_next_provision(
    service: Workspace, connect_as: Callable[[str], Workspace]
) -> None:
    roster_id, team, book = settled(service)
    row = ["Rosa Parks", NEWCOMER, "Member", "Grade 5", "2026-11-20", "", ""]
    tl_adds(connect_as, team, "Team", row)  # read by the roll-up, not yet by provision
    rollup(service, roster_id)
    weekly = provision(service, roster_id)
    assert weekly.calls["sheets"]["read"] == 1 + 1
    assert NEWCOMER in writers(service, book)


def test_a_members_left_date_coming_is_read_again_and_unshared(
    settings: Settings, connect_as: Callable[[str], Workspace]
) -> None:
    service = as_of(settings, TODAY)
    roster_id, team, book = settled(service)
    leaves = TODAY + timedelta(days=7)
    row = ["Rosa Parks", NEWCOMER, "Member", "Grade 5", "2026-11-20", leaves.isoformat(), ""]
    tl_adds(connect_as, team, "Team", row)
    assert [g.email for g in provision(service, roster_id).shared] == [NEWCOMER]
    before = provision(as_of(settings, leaves - timedelta(days=1)), roster_id)
    assert before.calls["sheets"]["read"] == 1 and before.unshared == []
    after = provision(as_of(settings, leaves), roster_id)
    assert after.calls["sheets"]["read"] == 2
    assert [g.email for g in after.unshared] == [NEWCOMER]
    assert NEWCOMER not in writers(service, book)


def test_a_run_killed_before_its_record_costs_one_read_next_run(service: Workspace) -> None:
    """A run that died between its write and its record leaves the old record: the next run
    reads that workbook once, finds it right, writes nothing to it, and records."""
    roster_id, _, book = settled(service)
    set_labels(service, book, {DIGEST_LABEL: "before-the-last-write", LOOK_KEY: None})
    daily = sync_calendar(service, roster_id)
    assert daily.calls["sheets"] == {"read": 2, "write": 0} and daily.team_tabs_updated == []
    assert daily.calls["drive"]["write"] == 1
    weekly = provision(service, roster_id)
    assert weekly.calls["sheets"] == {"read": 2, "write": 0} and weekly.shared == []
    assert sync_calendar(service, roster_id).calls["sheets"]["read"] == 1
    assert provision(service, roster_id).calls["sheets"]["read"] == 1


def test_with_faults_on_the_jobs_converge_and_each_record_matches_its_tab(
    settings: Settings, knobs: Callable[..., None]
) -> None:
    """Requests fail, or are applied and their answer lost, and are not retried: runs die
    between a write and its record. Once the faults stop, the jobs converge to the steady
    state, and every record says what its tab holds."""
    service = as_of(settings, TODAY)
    roster_id = init_roster(service, program=cohort(4)).roster_spreadsheet_id
    fragile = connect(settings.model_copy(update={"as_of": TODAY, "max_attempts": 1}))
    knobs(fault_rate=0.1, lost_answer_rate=0.1, seed=23)
    failed = 0
    for _ in range(3):
        for job in (provision, sync_calendar):
            try:
                result = job(fragile, roster_id)
            except GoogleError:
                failed += 1  # a run that died half way: the next one carries on
                continue
            failed += sum(
                f.rule in ("provision.failed", "calendar.tab_not_written") for f in result.findings
            )
    knobs(fault_rate=0.0, lost_answer_rate=0.0)
    assert failed > 0
    provision(service, roster_id)
    sync_calendar(service, roster_id)
    provision(service, roster_id)
    assert sync_calendar(service, roster_id).calls["sheets"]["read"] == 1
    assert provision(service, roster_id).calls["sheets"]["read"] == 1
    books = {f.id: f for f in list_program_files(service) if f.kind == "team"}
    assert len(books) == 4
    for book_id, book in books.items():
        rows = event_rows(service.sheets.values_get(book_id, EVENTS))
        marker = [r[0] for r in rows].index(OWN_ROWS)
        assert book.label(DIGEST_LABEL) == rows_digest(rows[: marker + 1])


# -- the records themselves (pure) --------------------------------------------------------------


def test_a_look_round_trips_and_a_shorter_one_clears_the_keys_it_no_longer_needs() -> None:
    many = {f"teacher.number{i:03d}@{SCHOOLS}" for i in range(20)}
    look = Look(modified_time="2026-11-23T10:00:00.000Z", until=TODAY, members=many)
    props = look_changes({}, look)
    assert sum(k.startswith(MEMBERS_PREFIX) for k in props) > 1
    assert all(len(k.encode()) + len(str(v).encode()) <= 124 for k, v in props.items())
    stored = {k: str(v) for k, v in props.items()}
    assert recorded_look(stored) == look
    fewer = look.model_copy(update={"members": {NEWCOMER}})
    shrunk = look_changes(stored, fewer)
    assert shrunk[f"{MEMBERS_PREFIX}0"] and shrunk[f"{MEMBERS_PREFIX}1"] is None
    assert look_changes(stored, None) == dict.fromkeys(stored)  # forgotten: read next run
    assert look_changes(stored, look) == {}


def test_a_look_holds_only_for_the_same_workbook_before_a_left_date() -> None:
    program = cohort(1)
    look = Look(
        modified_time="t1",
        until=TODAY + timedelta(days=2),
        members={NEWCOMER},
        domains=domains_key(program),
    )
    assert look.holds("t1", TODAY, program)
    assert not look.holds("t2", TODAY, program)  # someone edited the workbook
    assert not look.holds("t1", TODAY + timedelta(days=2), program)  # a member leaves today
    wider = program.model_copy(update={"allowed_domains": [*program.allowed_domains, "x.org"]})
    assert not look.holds("t1", TODAY, wider)  # who may be shared changed: read again


def test_a_member_outside_the_allowed_domains_is_reported_by_the_read_and_left_out() -> None:
    program = cohort(1)
    team = program.teams[0]
    outsider = Member(row=4, email="someone@elsewhere.example.com", role="Member")
    inside = Member(row=5, email=NEWCOMER, role="Member")
    tab = TabRead(key="team", title="Team", columns={"email": "B"})
    record = TeamRecord(
        team_id=team.team_id, tabs={"team": tab}, members=[outsider, inside], spreadsheet_id="b"
    )
    look = look_of(record, program, TODAY)
    assert look is not None and look.members == {NEWCOMER}  # held: no weekly re-read
    too_many = {f"teacher.number{i:03d}@{SCHOOLS}" for i in range(200)}
    assert look_props(look.model_copy(update={"members": too_many})) is None


def test_the_digest_fits_an_app_property_and_follows_the_rows() -> None:
    rows = [["2026-12-03", "3:30 PM – 4:30 PM", "Roundtable", "In person", "Room 204"]]
    digest = rows_digest(rows)
    assert len(DIGEST_LABEL.encode()) + len(digest.encode()) <= 124
    assert digest == rows_digest([list(r) for r in rows])
    assert digest != rows_digest([[*rows[0][:4], "Room 205"]])
