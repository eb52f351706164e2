"""Access in step with the roster, and `tst-sheets audit`: every permission on every program
file (roster, roll-up, team workbooks, the shared drive, the program calendar) explained by the
roster or reported; provision and `audit --fix` remove what must not stay."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import ADMIN, SERVICE
from tst_sheets.access.explain import Context, judge_all
from tst_sheets.access.models import Grantee, ProgramFile
from tst_sheets.cli import app
from tst_sheets.config import Settings
from tst_sheets.demo.sample import OUTSIDE_MEMBER, sample_program
from tst_sheets.jobs.audit import audit
from tst_sheets.jobs.calendar import sync_calendar
from tst_sheets.jobs.files import list_program_files
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.rollup import rollup
from tst_sheets.jobs.roster import read_roster, record_setting, write_program
from tst_sheets.model import Member, Program, TabRead, TeamRecord
from tst_sheets.model.files import of_program
from tst_sheets.workspace import Workspace, connect

STAFF_OFFICE = "program.office@tst.example.org"  # staff, not a member of the shared drive
NEW_TL = "jordan.baker@schools.example.edu"


def run_cli(*args: str) -> tuple[int, dict[str, Any]]:
    out = CliRunner().invoke(app, [*args, "--json"])
    assert "Traceback" not in out.output, out.output
    return out.exit_code, json.loads(out.output)


def workbooks(ws: Workspace) -> dict[str, str]:
    return {f.team_id: f.id for f in of_program(list_program_files(ws), "TST", "team")}


def people(ws: Workspace, file_id: str) -> dict[str, str]:
    """Who has access to a file, and with which role (links as "anyone" / "domain:x")."""
    out: dict[str, str] = {}
    for p in ws.drive.list_permissions(file_id):
        key = p.email or (f"domain:{p.domain}" if p.type == "domain" else p.type)
        out[key] = p.role
    return out


def edit_roster(ws: Workspace, roster_id: str, change: Callable[[Program], Program]) -> None:
    """Staff edit the roster (through its cells, as a person would)."""
    write_program(ws, roster_id, change(read_roster(ws, roster_id).program))


@pytest.fixture
def sample(workspace: Workspace) -> str:
    """The sample program, provisioned: its roster's id."""
    roster_id = init_roster(workspace, program=sample_program()).roster_spreadsheet_id
    provision(workspace, roster_id)
    return roster_id


# --- the audit, end to end ------------------------------------------------------------------


def test_audit_of_the_provisioned_sample_program_explains_every_permission(
    service_env: Settings, sample: str
) -> None:
    code, report = run_cli("audit")
    assert code == 0, report["unexplained"]
    assert report["ok"] is True and report["unexplained"] == [] and report["removed"] == []
    kinds = [f["kind"] for f in report["files"]]
    assert kinds.count("team") == 12 and {"roster", "drive"} <= set(kinds)
    assert all(f["error"] is None for f in report["files"])
    team = next(f for f in report["files"] if f["teamId"] == "T01")
    reasons = {a["who"]: a["reason"] for a in team["access"]}
    assert reasons["alicia.gomez@schools.example.edu"] == "TL of T01"
    assert reasons[STAFF_OFFICE] == "staff"
    assert reasons[SERVICE] == "shared drive member (judged on the drive)"
    drive = next(f for f in report["files"] if f["kind"] == "drive")
    assert {a["who"] for a in drive["access"]} == {ADMIN, SERVICE}
    # 1 roster read + 12 Team tabs; files.list, the home folder, 14 permission lists
    assert report["calls"]["sheets"] == {"read": 13, "write": 0}
    assert report["calls"]["drive"] == {"read": 16, "write": 0}
    assert set(report) == {
        "ok",
        "files",
        "unexplained",
        "removed",
        "notRemoved",
        "findings",
        "calls",
    }


def test_a_tl_added_by_hand_to_another_teams_workbook_fails_the_audit_until_fix_removes_it(
    service_env: Settings, workspace: Workspace, sample: str, connect_as: Callable[[str], Workspace]
) -> None:
    program = sample_program()
    tl_a, team_b = program.teams[0].tl_email, program.teams[1].team_id
    book_b = workbooks(workspace)[team_b]
    connect_as(ADMIN).drive.create_permission(book_b, tl_a, "writer", notify=False)
    code, report = run_cli("audit")
    assert code == 1
    (found,) = report["unexplained"]
    assert (found["file"], found["who"], found["role"]) == (f"{team_b}'s workbook", tl_a, "writer")
    assert found["reason"] == f"TL of T01; the roster gives them no access to {team_b}'s workbook"
    assert found["removable"] is True and found["url"].endswith(f"/{book_b}/edit")
    code, fixed = run_cli("audit", "--fix")
    assert code == 0 and fixed["ok"] is True
    assert [(a["who"], a["file"]) for a in fixed["removed"]] == [(tl_a, f"{team_b}'s workbook")]
    assert tl_a not in people(workspace, book_b)
    assert run_cli("audit")[0] == 0


def test_audit_prints_a_table_and_names_what_fix_would_remove(
    service_env: Settings, workspace: Workspace, sample: str, connect_as: Callable[[str], Workspace]
) -> None:
    book = workbooks(workspace)["T03"]
    connect_as(ADMIN).drive.create_permission(
        book, "nobody@schools.example.edu", "reader", notify=False
    )
    out = CliRunner().invoke(app, ["audit"], env={"COLUMNS": "240"})
    assert out.exit_code == 1
    assert "nobody@schools.example.edu" in out.output and "not on the roster" in out.output
    assert "1 unexplained (1 the service may remove: `tst-sheets audit --fix`)" in out.output


# --- provision keeps access in step with the roster --------------------------------------------


def test_staff_removed_from_staff_emails_lose_the_roster_on_the_next_provision(
    workspace: Workspace, sample: str, connect_as: Callable[[str], Workspace]
) -> None:
    """Provision owns the roster's sharing (init only shares a new roster once)."""
    assert people(workspace, sample).get(STAFF_OFFICE) == "writer"
    assert ADMIN not in {
        p.email for p in workspace.drive.list_permissions(sample) if not p.inherited
    }
    edit_roster(workspace, sample, lambda p: p.model_copy(update={"staff_emails": [ADMIN]}))
    result = provision(workspace, sample)
    assert ("roster", STAFF_OFFICE) in {(g.team_id, g.email) for g in result.unshared}
    assert STAFF_OFFICE not in people(workspace, sample)
    with pytest.raises(PermissionError):  # they can no longer open it to add themselves back
        connect_as(STAFF_OFFICE).sheets.client.open_by_key(sample)
    assert all(STAFF_OFFICE not in people(workspace, b) for b in workbooks(workspace).values())
    assert ADMIN in people(workspace, sample)  # a drive member keeps what the drive gives


def test_a_replaced_tl_loses_the_workbook_though_the_team_tab_still_names_them(
    service_env: Settings, workspace: Workspace, sample: str, connect_as: Callable[[str], Workspace]
) -> None:
    old = sample_program().teams[0]
    book = workbooks(workspace)["T01"]

    def replace(program: Program) -> Program:
        teams = [
            t.model_copy(update={"tl_name": "Jordan Baker", "tl_email": NEW_TL})
            if t.team_id == "T01"
            else t
            for t in program.teams
        ]
        return program.model_copy(update={"teams": teams})

    edit_roster(workspace, sample, replace)
    code, report = run_cli("audit")  # before provision: the old TL is reported
    assert code == 1
    (found,) = [a for a in report["unexplained"] if a["who"] == old.tl_email]
    assert found["reason"].startswith("replaced TL of T01 (its Team tab still says so)")
    result = provision(workspace, sample)
    assert (old.tl_email, "left") in {(g.email, g.reason) for g in result.unshared}
    assert NEW_TL in {g.email for g in result.shared}
    assert old.tl_email not in people(workspace, book)
    with pytest.raises(PermissionError):
        connect_as(old.tl_email).sheets.client.open_by_key(book)
    assert run_cli("audit")[0] == 0


def test_a_link_for_anyone_and_an_outside_address_added_by_the_tl_are_removed_and_reported(
    workspace: Workspace, sample: str, connect_as: Callable[[str], Workspace]
) -> None:
    team = sample_program().teams[2]
    book = workbooks(workspace)[team.team_id]
    tl = connect_as(team.tl_email)
    tl.drive.resource.permissions().create(
        fileId=book, body={"type": "anyone", "role": "reader"}, supportsAllDrives=True
    ).execute()
    tl.drive.create_permission(book, OUTSIDE_MEMBER, "writer", notify=False)
    tl.drive.resource.permissions().create(
        fileId=book,
        body={"type": "domain", "role": "reader", "domain": "schools.example.edu"},
        supportsAllDrives=True,
    ).execute()
    assert {"anyone", OUTSIDE_MEMBER, "domain:schools.example.edu"} <= set(people(workspace, book))
    result = provision(workspace, sample)
    left = set(people(workspace, book))
    assert not {"anyone", OUTSIDE_MEMBER, "domain:schools.example.edu"} & left
    reported = {(f.rule, f.found, f.link) for f in result.findings if f.team == team.team_id}
    url = f"https://docs.google.com/spreadsheets/d/{book}/edit"
    assert reported >= {
        (
            "sharing.public_removed",
            "anyone with the link had reader access, added by hand (a link for anyone)",
            url,
        ),
        (
            "sharing.outside_domain_removed",
            f"{OUTSIDE_MEMBER} had writer access, added by hand (outside the Allowed Domains)",
            url,
        ),
        (
            "sharing.public_removed",
            "everyone at schools.example.edu had reader access, added by hand "
            "(a link for a whole domain)",
            url,
        ),
    }
    assert team.tl_email in left  # the TL keeps their own access


def test_a_link_for_anyone_on_the_roster_is_removed_by_provision(
    workspace: Workspace, sample: str, connect_as: Callable[[str], Workspace]
) -> None:
    connect_as(STAFF_OFFICE).drive.resource.permissions().create(
        fileId=sample, body={"type": "anyone", "role": "writer"}, supportsAllDrives=True
    ).execute()
    result = provision(workspace, sample)
    assert "anyone" not in people(workspace, sample)
    assert any(f.team == "roster" and f.rule == "sharing.public_removed" for f in result.findings)


def test_the_roll_up_is_explained_for_coaches_and_staff_and_a_link_on_it_goes_at_provision(
    service_env: Settings, workspace: Workspace, sample: str, connect_as: Callable[[str], Workspace]
) -> None:
    book = rollup(workspace, sample).rollup_spreadsheet_id
    code, report = run_cli("audit")
    assert code == 0, report["unexplained"]
    (audited,) = [f for f in report["files"] if f["kind"] == "rollup"]
    reasons = {a["who"]: (a["role"], a["reason"]) for a in audited["access"]}
    coach = sample_program().coaches[0].email
    assert reasons[coach] == ("reader", "coach") and reasons[STAFF_OFFICE] == ("writer", "staff")
    connect_as(STAFF_OFFICE).drive.resource.permissions().create(
        fileId=book, body={"type": "anyone", "role": "reader"}, supportsAllDrives=True
    ).execute()
    assert run_cli("audit")[0] == 1
    result = provision(workspace, sample)
    assert "anyone" not in people(workspace, book)
    assert any(f.team == "rollup" and f.rule == "sharing.public_removed" for f in result.findings)
    code, report = run_cli("audit")
    assert code == 0 and report["calls"]["drive"] == {"read": 17, "write": 0}


# --- the calendar, the drive, broken files --------------------------------------------------------


def test_an_unexplained_reader_of_the_program_calendar_is_reported_and_fix_removes_it(
    service_env: Settings, workspace: Workspace, sample: str, connect_as: Callable[[str], Workspace]
) -> None:
    calendar_id = sync_calendar(workspace, sample).calendar_id
    code, clean = run_cli("audit")
    assert code == 0 and clean["calls"]["calendar"] == {"read": 1, "write": 0}
    acl = connect_as(ADMIN).calendar.resource.acl()
    body = {"role": "reader", "scope": {"type": "user", "value": "stranger@schools.example.edu"}}
    acl.insert(calendarId=calendar_id, body=body).execute()
    code, report = run_cli("audit")
    assert code == 1
    (found,) = report["unexplained"]
    assert (found["kind"], found["who"], found["role"]) == (
        "calendar",
        "stranger@schools.example.edu",
        "reader",
    )
    assert (
        found["reason"]
        == "not on the roster; the roster gives them no access to the program calendar"
    )
    code, fixed = run_cli("audit", "--fix")
    assert code == 0 and [a["who"] for a in fixed["removed"]] == ["stranger@schools.example.edu"]
    calendar = next(f for f in fixed["files"] if f["kind"] == "calendar")
    assert [a["reason"] for a in calendar["access"]] == [
        "the staff user the service acts as (TST_SUBJECT)"
    ]


def test_a_tl_made_a_drive_member_is_reported_and_left_to_a_drive_manager(
    service_env: Settings, settings: Settings, sample: str, connect_as: Callable[[str], Workspace]
) -> None:
    tl = sample_program().teams[4].tl_email
    drive = settings.drive_folder or ""
    connect_as(ADMIN).drive.create_permission(drive, tl, "reader", notify=False)
    code, fixed = run_cli("audit", "--fix")
    assert code == 1 and fixed["removed"] == []
    (kept,) = fixed["notRemoved"]
    assert kept["who"] == tl and kept["kind"] == "drive"
    assert kept["reason"].startswith("drive member who is TL of T05")
    assert "drive manager" in kept["keptBecause"]


def test_an_unreadable_calendar_and_team_tab_are_findings_and_the_rest_is_audited(
    workspace: Workspace, sample: str, connect_as: Callable[[str], Workspace]
) -> None:
    team = sample_program().teams[5]
    book = workbooks(workspace)[team.team_id]
    tl = connect_as(team.tl_email)
    spreadsheet = tl.sheets.client.open_by_key(book)
    spreadsheet.del_worksheet(spreadsheet.worksheet("Team"))
    read = read_roster(workspace, sample)
    record_setting(workspace, read, "program_calendar", "nosuch@group.calendar.google.com")
    result = audit(workspace, sample)
    assert not result.ok and result.unexplained == []
    rules = {(f.team, f.rule, f.severity) for f in result.findings}
    assert (team.team_id, "audit.team_tab_unreadable", "warning") in rules
    assert ("calendar", "audit.unreadable", "error") in rules
    assert sum(f.kind == "team" and f.error is None for f in result.files) == 12


# --- where Google lets the owner keep sharing to itself ----------------------------------------


def test_in_a_my_drive_only_the_service_can_share_a_workbook(
    settings: Settings, connect_as: Callable[[str], Workspace]
) -> None:
    owner = settings.model_copy(update={"drive_folder": None, "owner": ADMIN})
    ws = connect(owner)
    roster_id = init_roster(ws, program=sample_program()).roster_spreadsheet_id
    provision(ws, roster_id)
    files = list_program_files(ws)
    assert files and all(f.writers_can_share is False for f in files)
    team = sample_program().teams[0]
    book = next(f.id for f in files if f.team_id == team.team_id)
    with pytest.raises(Exception) as refused:
        connect_as(team.tl_email).drive.create_permission(
            book, OUTSIDE_MEMBER, "writer", notify=False
        )
    assert getattr(refused.value, "status", 0) == 403
    assert audit(ws, roster_id).ok
    assert provision(ws, roster_id).calls["drive"]["write"] == 0  # nothing to lock again
    ws.drive.update_file(book, {"writersCanShare": True})  # a workbook from before
    unlocked = audit(ws, roster_id)
    assert not unlocked.ok and [f.rule for f in unlocked.findings] == ["audit.writers_can_share"]
    assert audit(ws, roster_id, fix=True).ok
    ws.drive.update_file(book, {"writersCanShare": True})
    provision(ws, roster_id)
    assert next(f for f in list_program_files(ws) if f.id == book).writers_can_share is False


# --- the verdicts, pure ------------------------------------------------------------------------


def grantee(email: str, role: str = "writer", **extra: Any) -> Grantee:
    return Grantee(id=email or extra.get("type", ""), type="user", role=role, email=email, **extra)


def test_each_permission_gets_a_verdict_with_its_reason() -> None:
    program = sample_program()
    t01 = program.teams[0]
    members = [
        Member(row=3, name="Old TL", email="old.tl@schools.example.edu", role="Teacher Liaison"),
        Member(row=4, name="Sam", email="sam.lee@schools.example.edu", role="Impact Team Member"),
    ]
    tab = TabRead(key="team", title="Team", sheet_id=1, columns={"email": "B", "role": "C"})
    record = TeamRecord(team_id="T01", spreadsheet_id="b", tabs={"team": tab}, members=members)
    ctx = Context(
        program=program,
        service={SERVICE: "the service"},
        records={"T01": record},
        today=date(2026, 11, 23),
    )
    book = ProgramFile(kind="team", id="b", team_id="T01", granted={"old.tl@schools.example.edu"})
    verdicts = judge_all(
        book,
        [
            grantee(t01.tl_email),
            grantee("sam.lee@schools.example.edu"),
            grantee("old.tl@schools.example.edu"),
            grantee(OUTSIDE_MEMBER, "reader"),
            Grantee(id="anyoneWithLink", type="anyone", role="reader"),
            grantee(SERVICE, "fileOrganizer", inherited=True),
        ],
        ctx,
    )
    said = [(v.explained, v.reason, v.removable) for v in verdicts]
    assert said == [
        (True, "TL of T01", False),
        (True, "member of T01 (its Team tab)", False),
        (
            False,
            "replaced TL of T01 (its Team tab still says so); the service granted it, the next "
            "provision removes it",
            True,
        ),
        (False, "outside the Allowed Domains", True),
        (False, "anyone with the link", True),
        (True, "shared drive member (judged on the drive)", False),
    ]
    rollup = ProgramFile(kind="rollup", id="r")
    (coach,) = judge_all(rollup, [grantee(t01.coach_email, "writer")], ctx)
    assert not coach.explained and coach.reason.startswith("writer access, more than")
    drive = ProgramFile(kind="drive", id="d")
    it, tl = judge_all(
        drive, [grantee("it@tst.example.org", "organizer"), grantee(t01.tl_email)], ctx
    )
    assert (it.explained, it.reason) == (True, "drive manager (nobody in the program)")
    assert not tl.explained and not tl.removable
    calendar = ProgramFile(kind="calendar", id="c")
    none, public = judge_all(
        calendar,
        [
            Grantee(id="default", type="anyone", role="none"),
            Grantee(id="d", type="anyone", role="reader"),
        ],
        ctx,
    )
    assert (
        none.explained
        and not public.explained
        and public.reason == "public can see the calendar (reader)"
    )
