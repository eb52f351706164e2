"""Provisioning through the emulator and the real client libraries: create, share, upgrade,
converge after a crash, and do nothing when nothing changed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name

from tests.conftest import SERVICE
from tst_sheets.calendar.school_year import load_year_pattern
from tst_sheets.config import DEFAULT_TEMPLATES, Settings
from tst_sheets.demo.sample import OUTSIDE_MEMBER, sample_program
from tst_sheets.errors import GoogleError
from tst_sheets.jobs.files import list_program_files
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import ProvisionResult, provision
from tst_sheets.jobs.roster import read_roster
from tst_sheets.model import Coach, Member, Permission, Program, TabRead, Team, TeamRecord
from tst_sheets.model.files import SPREADSHEET_MIME, of_program
from tst_sheets.model.files import labels as workbook_labels
from tst_sheets.provision.grants import decode_granted, encode_granted, granted_changes
from tst_sheets.provision.sharing import Wanted, plan_sharing, wanted_people
from tst_sheets.reading.workbook import ranges_to_read, read_workbook
from tst_sheets.templates import load_template
from tst_sheets.workspace import Workspace, connect

SCHOOLS = "schools.example.edu"
COACH = "dana.whitfield@tst.example.org"
STAFF = "maya.thompson@tst.example.org"
TL_A = f"alicia.gomez@{SCHOOLS}"
TL_B = f"derek.washington@{SCHOOLS}"
TODAY = date(2026, 11, 23)
TEAM_COLUMNS = ["Name", "Email", "Role", "Subject / Grade", "Joined", "Left", "Notes"]


def two_teams() -> Program:
    teams = [
        Team(
            team_id="A",
            school="Tubman Elementary",
            tl_name="Alicia Gomez",
            tl_email=TL_A,
            principal_name="Karen Mitchell",
            principal_email=f"karen.mitchell@{SCHOOLS}",
            coach_email=COACH,
        ),
        Team(
            team_id="B",
            school="Clemente Middle",
            tl_name="Derek Washington",
            tl_email=TL_B,
            principal_name="Samuel Ortiz",
            principal_email=f"samuel.ortiz@{SCHOOLS}",
            coach_email=COACH,
        ),
    ]
    return Program(
        name="TST",
        school_year_start=date(2026, 8, 17),
        school_year_end=date(2027, 6, 10),
        allowed_domains=[SCHOOLS, "tst.example.org"],
        staff_emails=[STAFF],
        coaches=[Coach(name="Dana Whitfield", email=COACH)],
        teams=teams,
        events=load_year_pattern().events_for(2026),
    )


@pytest.fixture
def service(settings: Settings) -> Workspace:
    """The service, evaluating as of the issue's date."""
    return connect(settings.model_copy(update={"as_of": TODAY}))


@pytest.fixture
def roster_id(service: Workspace) -> str:
    return init_roster(service, program=two_teams()).roster_spreadsheet_id


def writes(result: ProvisionResult) -> dict[str, int]:
    return {api: counts["write"] for api, counts in result.calls.items()}


def books(ws: Workspace) -> dict[str, str]:
    found = of_program(list_program_files(ws), "TST", "team")
    return {f.team_id: f.id for f in found}


def writers(ws: Workspace, book_id: str) -> set[str]:
    """Who can edit the workbook: people it is shared with, and the shared drive's members."""
    return {
        p.email
        for p in ws.drive.list_permissions(book_id)
        if p.type == "user" and p.at_least("writer")
    }


def team_tab(ws: Workspace, book_id: str) -> list[list[Any]]:
    reply = ws.sheets.client.http_client.values_get(book_id, absolute_range_name("Team"))
    return list(reply.get("values", []))


def write_team_tab(ws: Workspace, book_id: str, rows: list[list[str]], start: int = 2) -> None:
    rng = absolute_range_name("Team", f"A{start}")
    ws.sheets.client.http_client.values_update(
        book_id, rng, params={"valueInputOption": "RAW"}, body={"values": rows}
    )


# --- pure: whom to share with -----------------------------------------------------------------


def test_wanted_people_follow_the_rules() -> None:
    program = two_teams()
    team = program.teams[0]
    members = [
        Member(row=3, email="a@schools.example.edu", cells={"email": "B3"}),
        Member(row=4, email=OUTSIDE_MEMBER, cells={"email": "B4"}),
        Member(
            row=5, email="gone@schools.example.edu", cells={"email": "B5"}, left=date(2026, 10, 30)
        ),
        Member(
            row=6, email="later@schools.example.edu", cells={"email": "B6"}, left=date(2027, 1, 15)
        ),
        # the row the service wrote for a TL the roster has since replaced: no member
        Member(row=7, email="old.tl@schools.example.edu", role="Teacher Liaison"),
    ]
    team_tab = TabRead(key="team", title="Team", sheet_id=7, columns={"email": "B"})
    record = TeamRecord(
        team_id="A", spreadsheet_id="book-a", tabs={"team": team_tab}, members=members
    )
    wanted = wanted_people(program, team, record, TODAY)
    assert set(wanted.people) == {
        TL_A,
        team.principal_email,
        COACH,
        STAFF,
        "a@schools.example.edu",
        "later@schools.example.edu",
    }
    assert wanted.departed == {"gone@schools.example.edu"}
    (finding,) = wanted.findings
    assert finding.found.startswith("not shared: outside allowed domains")
    assert (finding.tab, finding.cell) == ("Team", "B4")
    withdrawn = team.model_copy(update={"status": "Withdrawn"})
    assert set(wanted_people(program, withdrawn, None, TODAY).people) == {COACH, STAFF}


def perm(email: str, role: str = "writer", kind: str = "user") -> Permission:
    return Permission(id=email, type=kind, role=role, email_address=email)


def test_plan_removes_what_the_service_granted_and_links_and_outsiders_whoever_added_them() -> None:
    program = two_teams().model_copy(update={"allowed_domains": ["x.org"]})
    wanted = Wanted(
        people={"tl@x.org": "TL", "new@x.org": "member"}, departed={"gone@x.org", "hand-gone@x.org"}
    )
    perms = [
        perm(SERVICE, "owner"),
        perm("tl@x.org"),
        perm("gone@x.org"),
        perm("hand-gone@x.org"),
        perm("friend@x.org", "reader"),
        perm("someone@gmail.com", "reader"),
        Permission(id="anyoneWithLink", type="anyone", role="reader"),
        Permission(id="dom", type="domain", role="writer", domain="x.org"),
    ]
    plan = plan_sharing("A", wanted, {"tl@x.org", "gone@x.org"}, perms, program, SERVICE)
    assert [g.email for g in plan.create] == ["new@x.org"]
    assert [g.email for g in plan.remove] == [
        "someone@gmail.com",
        "anyone with the link",
        "everyone at x.org",
        "gone@x.org",
    ]
    assert plan.granted == {"tl@x.org", "new@x.org"}
    rules = sorted(f.rule for f in plan.findings)
    assert rules == [
        "sharing.added_by_hand",
        "sharing.added_by_hand",
        "sharing.outside_domain_removed",
        "sharing.public_removed",
        "sharing.public_removed",
    ]
    unknown = plan_sharing(
        "A",
        Wanted(people={"tl@x.org": "TL"}),
        {"tl@x.org", "m@x.org"},
        [perm("tl@x.org"), perm("m@x.org")],
        program,
        SERVICE,
        members_known=False,
    )
    assert unknown.remove == []  # the Team tab could not be read: nobody loses access


def test_the_grant_record_fits_drive_limits_and_round_trips() -> None:
    emails = {f"person.number{i}@schools.example.edu" for i in range(40)} | {STAFF}
    props = encode_granted(emails)
    assert all(len(k.encode()) + len(v.encode()) <= 124 for k, v in props.items())
    assert len(props) < 25
    assert decode_granted(props) == emails
    assert granted_changes(props, emails) == {}
    fewer = granted_changes(props, {STAFF})
    assert decode_granted({k: v for k, v in {**props, **fewer}.items() if v}) == {STAFF}


# --- through the emulator -------------------------------------------------------------------------


def test_each_tl_opens_only_their_own_workbook_and_the_coach_opens_both(
    service: Workspace, roster_id: str, connect_as: Callable[[str], Workspace]
) -> None:
    result = provision(service, roster_id)
    assert sorted(r.team_id for r in result.created) == ["A", "B"]
    ids = books(service)
    tl_a = connect_as(TL_A)
    tl_a.sheets.client.open_by_key(ids["A"]).worksheet("Meetings")
    with pytest.raises(PermissionError) as denied:  # gspread's name for Google's 403
        tl_a.sheets.client.open_by_key(ids["B"])
    cause = denied.value.__cause__
    assert isinstance(cause, APIError) and cause.response.status_code == 403
    assert cause.response.json()["error"]["status"] == "PERMISSION_DENIED"
    coach = connect_as(COACH)
    for book in ids.values():
        titles = [w.title for w in coach.sheets.client.open_by_key(book).worksheets()]
        assert titles[:2] == ["Start Here", "Team"] and "Program Events" in titles
    assert writers(service, ids["A"]) == {SERVICE, TL_A, f"karen.mitchell@{SCHOOLS}", COACH, STAFF}


def test_creation_costs_and_a_second_run_writes_nothing(service: Workspace, roster_id: str) -> None:
    first = provision(service, roster_id)
    people = len(first.shared)
    assert people == 6  # TL, principal, coach of each team (staff have the shared drive)
    assert first.calls["sheets"]["write"] == 2 + 1  # a layout each + the roster's URLs
    # a labelled create each + a permission each + what each new Team tab says, recorded
    assert first.calls["drive"]["write"] == 2 + people + 2
    assert first.calls["calendar"] == {"read": 0, "write": 0}
    second = provision(service, roster_id)
    assert writes(second) == {"sheets": 0, "drive": 0, "calendar": 0}
    assert second.created == [] and sorted(r.team_id for r in second.existing) == ["A", "B"]
    # one files.list, and each workbook's and the roster's permissions (a shared drive's
    # listing does not carry them); the drive itself was looked up once, on the first run
    assert second.calls["drive"]["read"] == 1 + 2 + 1
    dumped = second.model_dump(by_alias=True)
    assert set(dumped) == {
        "created",
        "existing",
        "upgraded",
        "shared",
        "unshared",
        "findings",
        "calls",
        "stopped",
    }
    read = read_roster(service, roster_id)
    urls = {t.team_id: t.sheet_url for t in read.program.teams}
    assert urls == {
        k: f"https://docs.google.com/spreadsheets/d/{v}/edit" for k, v in books(service).items()
    }


def test_dry_run_writes_nothing(service: Workspace, roster_id: str) -> None:
    plan = provision(service, roster_id, dry_run=True)
    assert sorted(r.team_id for r in plan.created) == ["A", "B"]
    assert writes(plan) == {"sheets": 0, "drive": 0, "calendar": 0}
    assert books(service) == {}


def test_members_on_the_team_tab_get_access_next_run_except_outsiders_and_leavers(
    service: Workspace, roster_id: str, connect_as: Callable[[str], Workspace]
) -> None:
    provision(service, roster_id)
    book = books(service)["A"]
    tl = connect_as(TL_A)
    write_team_tab(
        tl,
        book,
        [
            ["Sam Lee", f"sam.lee@{SCHOOLS}", "Impact Team Member", "Grade 6", "2026-09-01", ""],
            ["Kelsey Morgan", OUTSIDE_MEMBER, "Impact Team Member", "Grade 5", "2026-09-01", ""],
            [
                "Ana Ortiz",
                f"ana.ortiz@{SCHOOLS}",
                "Impact Team Member",
                "Grade 7",
                "2026-09-01",
                "",
            ],
        ],
        start=4,
    )
    second = provision(service, roster_id)
    assert {g.email for g in second.shared} == {f"sam.lee@{SCHOOLS}", f"ana.ortiz@{SCHOOLS}"}
    outside = [f for f in second.findings if f.rule == "sharing.outside_domain"]
    assert len(outside) == 1 and outside[0].cell == "B5"
    assert "not shared: outside allowed domains" in outside[0].found
    assert OUTSIDE_MEMBER not in writers(service, book)
    connect_as(f"sam.lee@{SCHOOLS}").sheets.client.open_by_key(book)

    # Ana leaves; a colleague is added by hand and stays (reported, not touched)
    write_team_tab(
        tl, book, [["Ana Ortiz", f"ana.ortiz@{SCHOOLS}", "", "", "", "2026-11-01"]], start=6
    )
    tl.drive.create_permission(book, f"friend@{SCHOOLS}", "writer", notify=False)
    third = provision(service, roster_id)
    assert [g.email for g in third.unshared] == [f"ana.ortiz@{SCHOOLS}"]
    assert f"ana.ortiz@{SCHOOLS}" not in writers(service, book)
    assert f"friend@{SCHOOLS}" in writers(service, book)
    assert any(
        f.rule == "sharing.added_by_hand" and f"friend@{SCHOOLS}" in f.found for f in third.findings
    )
    with pytest.raises(PermissionError):
        connect_as(f"ana.ortiz@{SCHOOLS}").sheets.client.open_by_key(book)
    fourth = provision(service, roster_id)
    assert writes(fourth) == {"sheets": 0, "drive": 0, "calendar": 0}


def test_a_withdrawn_team_loses_the_access_the_service_granted(
    service: Workspace, roster_id: str
) -> None:
    provision(service, roster_id)
    book = books(service)["B"]
    read = read_roster(service, roster_id)
    status = read.cell(
        "teams", next(t.row for t in read.program.teams if t.team_id == "B") or 0, "status"
    )
    assert status is not None
    service.sheets.client.http_client.values_update(
        roster_id, status, params={"valueInputOption": "RAW"}, body={"values": [["Withdrawn"]]}
    )
    result = provision(service, roster_id)
    assert {g.email for g in result.unshared} == {TL_B, f"samuel.ortiz@{SCHOOLS}"}
    assert writers(service, book) == {SERVICE, COACH, STAFF}


def test_reordered_and_added_columns_keep_sharing_and_readback_working(
    service: Workspace, roster_id: str, connect_as: Callable[[str], Workspace]
) -> None:
    provision(service, roster_id)
    book = books(service)["A"]
    tl = connect_as(TL_A)
    rows = [
        ["Our team (fall 2026)"],
        [],
        ["Email", "My notes", "Left", "Name", "Role", "Subject / Grade", "Joined"],
        [TL_A, "me", "", "Alicia Gomez", "Teacher Liaison", "Grade 3", "2026-08-17"],
        [f"omar.haddad@{SCHOOLS}", "", "", "Omar Haddad", "", "Grade 4", "2026-09-02"],
    ]
    tl.sheets.client.http_client.values_clear(book, absolute_range_name("Team"))
    tl.sheets.client.http_client.values_update(
        book,
        absolute_range_name("Team", "A1"),
        params={"valueInputOption": "USER_ENTERED"},
        body={"values": rows},
    )
    result = provision(service, roster_id)
    assert [g.email for g in result.shared] == [f"omar.haddad@{SCHOOLS}"]
    assert result.unshared == []
    template = load_template("team_workbook", DEFAULT_TEMPLATES)
    ranges = ranges_to_read(template)
    reply = service.sheets.client.http_client.values_batch_get(
        book,
        ranges,
        params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"},
    )
    program = two_teams()
    record = read_workbook(
        reply["valueRanges"],
        team_id="A",
        spreadsheet_id=book,
        template=template,
        school_year=program.school_year,
    )
    assert [m.email for m in record.members] == [TL_A, f"omar.haddad@{SCHOOLS}"]
    assert record.members[1].joined == date(2026, 9, 2)


def _v2_templates(tmp_path: Path) -> Path:
    """A v2 template: a new Meetings column, a new tab, a new note and a new dropdown."""
    directory = tmp_path / "templates_v2"
    shutil.copytree(DEFAULT_TEMPLATES, directory)
    path = directory / "team_workbook.yaml"
    raw = yaml.safe_load(path.read_text())
    raw["version"] = 2
    tabs = {t["key"]: t for t in raw["tabs"]}
    tabs["meetings"]["columns"].append(
        {"key": "agenda", "header": "Agenda Link", "type": "url", "note": "A link to the agenda."}
    )
    tabs["goals"]["columns"][2]["note"] = "Where the number comes from."
    tabs["sprints"]["columns"][0].update(type="choice", allowed=["Sprint 1", "Sprint 2"])
    raw["tabs"].insert(
        9,
        {
            "key": "reflections",
            "title": "Reflections",
            "columns": [
                {"key": "date", "header": "Date", "type": "date"},
                {"key": "reflection", "header": "Reflection"},
            ],
        },
    )
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return directory


def full_grids(ws: Workspace, book: str) -> dict[str, list[list[Any]]]:
    meta = ws.sheets.client.http_client.fetch_sheet_metadata(book)
    titles = [s["properties"]["title"] for s in meta["sheets"]]
    reply = ws.sheets.client.http_client.values_batch_get(
        book, [absolute_range_name(t) for t in titles], params={"valueRenderOption": "FORMULA"}
    )
    return {t: r.get("values", []) for t, r in zip(titles, reply["valueRanges"], strict=True)}


def test_upgrade_v1_to_v2_leaves_every_typed_cell_unchanged(
    service: Workspace,
    settings: Settings,
    roster_id: str,
    tmp_path: Path,
    connect_as: Callable[[str], Workspace],
) -> None:
    provision(service, roster_id)
    book = books(service)["A"]
    tl = connect_as(TL_A)
    meetings = [
        ["Minutes", "Date", "Attendees", "Focus", "Decisions / Next Steps", "", "Room"],
        [45, "9/8/2026", "Alicia, Sam", "Baseline data", "Score samples", "", "114"],
        [30, "Sept 22", "Alicia", "=1+1", "", "", "", "far right"],
    ]
    tl.sheets.client.http_client.values_update(
        book,
        absolute_range_name("Meetings", "A1"),
        params={"valueInputOption": "USER_ENTERED"},
        body={"values": meetings},
    )
    goal = [["Because no more than 60% ...", "Other"]]
    tl.sheets.client.http_client.values_update(
        book,
        absolute_range_name("Goals", "A3"),
        params={"valueInputOption": "RAW"},
        body={"values": goal},
    )
    before = full_grids(service, book)

    upgraded = connect(
        settings.model_copy(update={"as_of": TODAY, "templates_dir": _v2_templates(tmp_path)})
    )
    result = provision(upgraded, roster_id)
    assert sorted(r.team_id for r in result.upgraded) == ["A", "B"]
    assert result.calls["sheets"]["write"] == 2 and result.calls["drive"]["write"] == 2
    after = full_grids(service, book)
    assert "Reflections" in after
    for title, grid in before.items():
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                assert _cell(after[title], r, c) == value, (title, r, c)
    added = {
        (title, r, c)
        for title, grid in after.items()
        if title in before
        for r, row in enumerate(grid)
        for c, v in enumerate(row)
        if v != "" and _cell(before[title], r, c) in ("", None)
    }
    assert added == {("Meetings", 0, 8)}  # after the last used column (H: "far right")
    assert after["Meetings"][0][8] == "Agenda Link"
    again = provision(upgraded, roster_id)
    assert writes(again) == {"sheets": 0, "drive": 0, "calendar": 0}
    assert sorted(r.team_id for r in again.existing) == ["A", "B"]


def _cell(grid: list[list[Any]], r: int, c: int) -> Any:
    return grid[r][c] if r < len(grid) and c < len(grid[r]) else ""


class Killed(Exception):
    """Stands for the process dying: raised from the job's own progress hook."""


def test_a_run_killed_after_k_creates_ends_with_exactly_n_workbooks(
    service: Workspace, settings: Settings
) -> None:
    program = sample_program()
    roster_id = init_roster(service, program=program).roster_spreadsheet_id
    active = sorted(t.team_id for t in program.active_teams())

    def die_after_five(done: int, total: int, team_id: str) -> None:
        if done == 5:
            raise Killed(team_id)

    with pytest.raises(Killed):
        provision(service, roster_id, progress=die_after_five)
    assert len(books(service)) == 5
    rerun = provision(service, roster_id)
    assert len(rerun.created) == len(active) - 5 and len(rerun.existing) == 5
    assert sorted(books(service)) == active
    assert len(of_program(list_program_files(service), "TST", "team")) == len(active)


def test_a_workbook_created_but_never_laid_out_is_laid_out_not_duplicated(
    service: Workspace, roster_id: str, settings: Settings
) -> None:
    """The run died between the Drive create (which carried the labels) and the layout: the
    next run finds the workbook by its labels and lays it out."""
    template = load_template("team_workbook", DEFAULT_TEMPLATES)
    labels = workbook_labels("team", "TST", template.name, template.version, "A")
    folder = [settings.drive_folder or ""]
    orphan = service.drive.create_file("Impact Team A", SPREADSHEET_MIME, folder, labels).id
    result = provision(service, roster_id)
    assert [r.team_id for r in result.created] == ["B"]
    assert [f.rule for f in result.findings if f.team == "A"] == ["provision.laid_out"]
    assert books(service) == {"A": orphan, "B": books(service)["B"]}
    titles = [w.title for w in service.sheets.client.open_by_key(orphan).worksheets()]
    assert titles[:3] == ["Start Here", "Team", "Goals"] and "Sheet1" not in titles
    assert TL_A in writers(service, orphan)


def test_faults_half_way_converge_without_duplicates(
    settings: Settings, knobs: Callable[..., None]
) -> None:
    """Requests fail at random and are not retried; every run that survives its reads
    reports the failed teams as findings; once the faults stop, one run converges."""
    service = connect(settings.model_copy(update={"as_of": TODAY}))
    program = sample_program()
    roster_id = init_roster(service, program=program).roster_spreadsheet_id
    fragile = connect(settings.model_copy(update={"as_of": TODAY, "max_attempts": 1}))
    knobs(fault_rate=0.1, seed=11)
    failed = 0
    for _ in range(4):
        try:
            result = provision(fragile, roster_id)
        except GoogleError:
            failed += 1  # died reading the roster or listing Drive: nothing written
            continue
        failed += sum(f.rule == "provision.failed" for f in result.findings)
    knobs(fault_rate=0.0)
    assert failed > 0
    final = provision(service, roster_id)  # repairs what the faults interrupted
    assert [
        f for f in final.findings if f.rule in ("provision.failed", "provision.duplicate_workbook")
    ] == []
    found = of_program(list_program_files(service), "TST", "team")
    assert sorted(f.team_id for f in found) == sorted(t.team_id for t in program.active_teams())
    for book in found:
        team = next(t for t in program.teams if t.team_id == book.team_id)
        assert {team.tl_email, team.principal_email, team.coach_email} <= writers(service, book.id)
    settled = provision(service, roster_id)
    assert writes(settled) == {"sheets": 0, "drive": 0, "calendar": 0}
    assert [f for f in settled.findings if f.rule.startswith("provision.")] == []
