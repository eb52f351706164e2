"""Running the way Google requires: a service account owns no files, so the program lives in
a shared drive a staff admin made; teachers get per-file access only; `doctor` says whether a
deployment is ready before its first run."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
from typer.testing import CliRunner

from tests.conftest import ADMIN, SERVICE
from tst_sheets.cli import app
from tst_sheets.config import Settings
from tst_sheets.demo.sample import sample_program
from tst_sheets.demo.write import fill_team_tabs
from tst_sheets.emulator import RunningEmulator
from tst_sheets.jobs.calendar import sync_calendar
from tst_sheets.jobs.collect import collect
from tst_sheets.jobs.doctor import doctor
from tst_sheets.jobs.files import list_program_files
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.rollup import rollup
from tst_sheets.provision.welcome import welcome_message
from tst_sheets.workspace import Workspace, connect


def creates(emulator: RunningEmulator) -> int:
    stats = requests.get(f"{emulator.url}/_emulator/stats", timeout=5).json()
    drive = stats["byApi"].get("drive", {})
    sheets = stats["byApi"].get("sheets", {})
    return int(drive.get("files.create", 0)) + int(sheets.get("spreadsheets.create", 0))


def test_a_service_account_without_a_drive_folder_stops_with_one_line(
    service_env: Settings, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TST_DRIVE_FOLDER")
    before = creates(emulator)
    for command in (["init"], ["provision", "--roster", "anything123456"], ["rollup"]):
        out = CliRunner().invoke(app, command)
        assert out.exit_code == 2, out.output
        lines = [line for line in out.output.splitlines() if line.strip()]
        assert "TST_DRIVE_FOLDER is not set" in lines[0] and "Traceback" not in out.output
    assert creates(emulator) == before  # stopped before any create, no retry loop


def test_the_program_runs_end_to_end_in_the_shared_drive(
    workspace: Workspace,
    settings: Settings,
    connect_as: Callable[[str], Workspace],
) -> None:
    program = sample_program()
    roster_id = init_roster(workspace, program=program).roster_spreadsheet_id
    first = provision(workspace, roster_id)
    books = {ref.team_id: ref.spreadsheet_id for ref in first.created}
    fill_team_tabs(connect_as, books)
    provision(workspace, roster_id)  # shares with the members the TLs listed
    assert not collect(workspace, roster_id).unreadable
    book = rollup(workspace, roster_id).rollup_spreadsheet_id
    sync_calendar(workspace, roster_id)
    made = {f.id: f for f in list_program_files(workspace)}
    assert set(made) == {roster_id, book, *books.values()}
    assert {f.drive_id for f in made.values()} == {settings.drive_folder}
    admin = connect_as(ADMIN)
    members = {p.email for p in admin.drive.list_permissions(settings.drive_folder or "")}
    assert members == {ADMIN, SERVICE}  # no TL, principal or member is in the drive
    a, b = program.teams[0], program.teams[1]
    tl_a = connect_as(a.tl_email)
    assert tl_a.sheets.get(books[a.team_id], "properties.title")["properties"]["title"]
    with pytest.raises(Exception) as denied:
        tl_a.sheets.get(books[b.team_id], "properties.title")
    assert getattr(denied.value, "status", 0) == 403


def test_a_staff_owner_may_own_the_files_instead(settings: Settings) -> None:
    """TST_OWNER: the service acts as a staff user (domain-wide delegation), who owns them."""
    owner = settings.model_copy(update={"drive_folder": None, "owner": ADMIN})
    ws = connect(owner)
    roster_id = init_roster(ws, program=sample_program()).roster_spreadsheet_id
    result = provision(ws, roster_id)
    assert len(result.created) == 12
    mine = list_program_files(ws)
    assert len(mine) == 13 and all(not f.drive_id for f in mine)
    assert all(p.role == "owner" for f in mine for p in f.permissions or [] if p.email == ADMIN)


def test_doctor_is_all_ok_on_a_ready_setup_and_names_the_fix_when_not(
    service_env: Settings, workspace: Workspace, connect_as: Callable[[str], Workspace]
) -> None:
    roster_id = init_roster(workspace, program=sample_program()).roster_spreadsheet_id
    ready = doctor(service_env.model_copy(update={"roster_id": roster_id}))
    assert ready.ok, [c for c in ready.checks if not c.ok]
    assert [c.id for c in ready.checks] == [
        "credentials",
        "identity",
        "scopes",
        "sheets",
        "drive",
        "calendar",
        "drive_folder",
        "sharing",
        "roster",
        "calendar_delegation",
        "allowed_domains",
        "sender",
    ]
    no_delegation = doctor(service_env.model_copy(update={"roster_id": roster_id, "subject": None}))
    failed, no_sender = [c for c in no_delegation.checks if not c.ok]
    assert failed.id == "calendar_delegation" and "TST_SUBJECT" in failed.fix
    assert no_sender.id == "sender" and "TST_SENDER" in no_sender.fix
    admin = connect_as(ADMIN)
    drive = service_env.drive_folder or ""
    for perm in admin.drive.list_permissions(drive):
        if perm.email == SERVICE:
            admin.drive.delete_permission(drive, perm.id)  # the admin removes the service
    out = CliRunner().invoke(app, ["doctor", "--json"], env={"TST_ROSTER_ID": roster_id})
    assert out.exit_code == 1
    checks = {c["id"]: c for c in json.loads(out.output)["checks"]}
    assert checks["drive_folder"]["ok"] is False
    assert "Content manager" in checks["drive_folder"]["fix"]


def test_doctor_sees_a_drive_that_would_keep_teachers_out(
    service_env: Settings, workspace: Workspace, connect_as: Callable[[str], Workspace]
) -> None:
    """TLs are never drive members: a members-only drive, or a sharer who is not a member,
    would make every share fail; doctor says so before provision does."""
    roster_id = init_roster(workspace, program=sample_program()).roster_spreadsheet_id
    ready = service_env.model_copy(update={"roster_id": roster_id})
    outsider = ready.model_copy(update={"subject": "nina.patel@tst.example.org"})
    check = {c.id: c for c in doctor(outsider).checks}["sharing"]
    assert not check.ok and "nina.patel@tst.example.org" in check.fix
    drive = service_env.drive_folder or ""
    connect_as(ADMIN).drive.resource.drives().update(
        driveId=drive, body={"restrictions": {"driveMembersOnly": True}}
    ).execute()
    check = {c.id: c for c in doctor(ready).checks}["sharing"]
    assert not check.ok and "aren't shared drive members" in check.fix


@pytest.mark.parametrize("reason", ["TL", "member", "principal", "coach", "staff"])
def test_the_sharing_email_welcomes_each_person_for_what_they_do(reason: Any) -> None:
    program = sample_program()
    team = program.teams[0]
    note = welcome_message(program, team, reason)
    assert team.school in note and len(note) < 600
    if reason in ("TL", "member", "principal"):
        assert "Dana Whitfield" in note  # who their coach is
    if reason == "TL":
        assert "Start with the Team tab" in note
