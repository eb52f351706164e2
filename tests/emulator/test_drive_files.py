"""Drive v3 files through googleapiclient: create, get, list (q, paging, order), update, copy,
delete."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.http import MediaInMemoryUpload

from tests.emulator.support import Clients, api_error, drive_client, reason
from tst_sheets.emulator import RunningEmulator

SHEET = "application/vnd.google-apps.spreadsheet"
FOLDER = "application/vnd.google-apps.folder"


def make(ws: Clients, name: str, **extra: Any) -> dict[str, Any]:
    body = {"name": name, "mimeType": extra.pop("mimeType", "text/plain"), **extra}
    created: dict[str, Any] = ws.drive.files().create(body=body, supportsAllDrives=True).execute()
    return created


def names(ws: Clients, q: str, **params: Any) -> list[str]:
    found = ws.drive.files().list(q=q, fields="files(name)", **params).execute()
    return [f["name"] for f in found["files"]]


def test_create_answers_google_default_fields(workspace: Clients) -> None:
    created = make(workspace, "Notes", description="d", appProperties={"tst": "1"})
    assert set(created) == {"kind", "id", "name", "mimeType"}
    assert created["kind"] == "drive#file" and created["mimeType"] == "text/plain"
    got = (
        workspace.drive.files()
        .get(fileId=created["id"], fields="id,name,description,appProperties,owners(emailAddress)")
        .execute()
    )
    assert got == {
        "id": created["id"],
        "name": "Notes",
        "description": "d",
        "appProperties": {"tst": "1"},
        "owners": [{"emailAddress": workspace.identity}],
    }


def test_get_unknown_file_is_googles_404(workspace: Clients) -> None:
    status, error = api_error(lambda: workspace.drive.files().get(fileId="nope123").execute())
    assert status == 404
    assert error == {
        "code": 404,
        "message": "File not found: nope123.",
        "errors": [
            {
                "message": "File not found: nope123.",
                "domain": "global",
                "reason": "notFound",
                "location": "fileId",
                "locationType": "parameter",
            }
        ],
    }


def test_list_default_shape(workspace: Clients) -> None:
    created = make(workspace, "Only")
    listed = workspace.drive.files().list().execute()
    assert listed == {
        "kind": "drive#fileList",
        "incompleteSearch": False,
        "files": [
            {"kind": "drive#file", "mimeType": "text/plain", "id": created["id"], "name": "Only"}
        ],
    }


@pytest.fixture
def library(workspace: Clients) -> dict[str, dict[str, Any]]:
    """A folder and files differing in every way ``q`` can tell apart."""
    folder = make(workspace, "Program", mimeType=FOLDER)
    files = {
        "folder": folder,
        "roster": make(
            workspace,
            "Program Roster",
            mimeType=SHEET,
            parents=[folder["id"]],
            appProperties={"tstTemplate": "program_roster", "v": "2"},
        ),
        "team": make(
            workspace,
            "Team Workbook - Lincoln",
            mimeType=SHEET,
            appProperties={"tstTemplate": "team_workbook"},
            properties={"team": "lincoln"},
        ),
        "notes": make(workspace, "Bob's notes", description="coaching agenda"),
        "old": make(workspace, "Old roster", mimeType=SHEET),
    }
    workspace.drive.files().update(fileId=files["old"]["id"], body={"trashed": True}).execute()
    return files


def test_q_mime_name_and_trashed(workspace: Clients, library: dict[str, Any]) -> None:
    assert sorted(names(workspace, f"mimeType = '{SHEET}'")) == [
        "Old roster",
        "Program Roster",
        "Team Workbook - Lincoln",
    ]
    assert sorted(names(workspace, f'mimeType="{SHEET}" and trashed = false')) == [
        "Program Roster",
        "Team Workbook - Lincoln",
    ]
    assert names(workspace, "trashed=true") == ["Old roster"]
    assert sorted(names(workspace, f"mimeType != '{SHEET}'")) == ["Bob's notes", "Program"]
    assert names(workspace, "name = 'Bob\\'s notes'") == ["Bob's notes"]
    assert names(workspace, 'name = "Team Workbook - Lincoln"') == ["Team Workbook - Lincoln"]
    assert sorted(names(workspace, "name contains 'roster'")) == ["Old roster", "Program Roster"]
    assert names(workspace, "name contains 'oster'") == []  # Drive matches word prefixes only
    assert names(workspace, "fullText contains 'agenda'") == ["Bob's notes"]


def test_q_parents_owners_and_properties(workspace: Clients, library: dict[str, Any]) -> None:
    folder = library["folder"]["id"]
    assert names(workspace, f"'{folder}' in parents") == ["Program Roster"]
    assert "Program" in names(workspace, "'root' in parents")
    me = workspace.identity
    assert len(names(workspace, f"'{me}' in owners")) == 5
    assert len(names(workspace, "'me' in owners")) == 5
    assert names(workspace, f"'{me}' in writers") == []
    assert names(
        workspace, "appProperties has { key='tstTemplate' and value='team_workbook' }"
    ) == ["Team Workbook - Lincoln"]
    assert names(workspace, "properties has {key='team' and value='lincoln'}") == [
        "Team Workbook - Lincoln"
    ]
    assert names(workspace, "appProperties has { key='v' and value='3' }") == []


def test_q_boolean_logic_and_times(workspace: Clients, library: dict[str, Any]) -> None:
    q = (
        f"mimeType = '{SHEET}' and not trashed and "
        "(name contains 'team' or appProperties has { key='v' and value='2' })"
    )
    assert sorted(names(workspace, q.replace("not trashed", "not trashed = true"))) == [
        "Program Roster",
        "Team Workbook - Lincoln",
    ]
    roster = (
        workspace.drive.files()
        .get(fileId=library["roster"]["id"], fields="modifiedTime")
        .execute()["modifiedTime"]
    )
    later = names(workspace, f"modifiedTime > '{roster}'")
    assert "Program Roster" not in later and "Team Workbook - Lincoln" in later
    assert "Program Roster" in names(workspace, f"modifiedTime >= '{roster}'")
    assert names(workspace, f"modifiedTime = '{roster}'") == ["Program Roster"]
    assert "Program" in names(workspace, f"modifiedTime < '{roster}'")
    assert "Program" in names(workspace, f"createdTime <= '{roster}'")
    assert names(workspace, "modifiedTime > '2999-01-01T00:00:00'") == []


def test_q_syntax_error_is_invalid_value(workspace: Clients) -> None:
    status, error = api_error(
        lambda: workspace.drive.files().list(q="name = 'unterminated").execute()
    )
    assert status == 400 and error["message"] == "Invalid Value"
    assert error["errors"][0]["location"] == "q" and reason(error) == "invalid"


def test_paging_and_order(workspace: Clients) -> None:
    for name in ("b", "C", "a", "d", "e"):
        make(workspace, name)
    make(workspace, "z-folder", mimeType=FOLDER)
    seen, token = [], None
    while True:
        page = (
            workspace.drive.files()
            .list(pageSize=2, orderBy="name", pageToken=token, fields="nextPageToken,files(name)")
            .execute()
        )
        seen += [f["name"] for f in page["files"]]
        token = page.get("nextPageToken")
        if not token:
            break
    assert seen == ["a", "b", "C", "d", "e", "z-folder"]
    assert names(workspace, "", orderBy="folder,name desc")[:3] == ["z-folder", "e", "d"]
    assert names(workspace, "", orderBy="createdTime")[:2] == ["b", "C"]
    assert names(workspace, "", orderBy="modifiedTime desc")[0] == "z-folder"
    status, error = api_error(lambda: workspace.drive.files().list(orderBy="size").execute())
    assert status == 400 and error["errors"][0]["location"] == "orderBy"
    status, _ = api_error(lambda: workspace.drive.files().list(pageSize=1001).execute())
    assert status == 400


def test_update_merges_app_properties_key_by_key(workspace: Clients) -> None:
    created = make(workspace, "Workbook", appProperties={"a": "1", "b": "2"})
    before = workspace.drive.files().get(fileId=created["id"], fields="modifiedTime").execute()
    updated = (
        workspace.drive.files()
        .update(
            fileId=created["id"],
            body={"appProperties": {"b": None, "c": "3"}},
            fields="appProperties,modifiedTime",
        )
        .execute()
    )
    assert updated["appProperties"] == {"a": "1", "c": "3"}
    assert updated["modifiedTime"] == before["modifiedTime"]  # properties are not content
    renamed = (
        workspace.drive.files()
        .update(
            fileId=created["id"],
            body={"name": "Workbook v2", "description": "x"},
            fields="name,description,modifiedTime",
        )
        .execute()
    )
    assert renamed["name"] == "Workbook v2" and renamed["modifiedTime"] > before["modifiedTime"]


def test_update_moves_between_folders(workspace: Clients) -> None:
    folder = make(workspace, "Archive", mimeType=FOLDER)
    created = make(workspace, "Moved")
    root = workspace.drive.files().get(fileId=created["id"], fields="parents").execute()
    moved = (
        workspace.drive.files()
        .update(
            fileId=created["id"],
            addParents=folder["id"],
            removeParents=root["parents"][0],
            fields="parents",
        )
        .execute()
    )
    assert moved["parents"] == [folder["id"]]
    status, error = api_error(
        lambda: (
            workspace.drive.files().update(fileId=created["id"], body={"parents": ["x"]}).execute()
        )
    )
    assert status == 403 and reason(error) == "fieldNotWritable"


def test_copy_and_delete(workspace: Clients) -> None:
    created = make(workspace, "Template", appProperties={"tstTemplate": "t"})
    copied = workspace.drive.files().copy(fileId=created["id"], body={"name": None}).execute()
    assert copied["name"] == "Copy of Template" and copied["id"] != created["id"]
    got = workspace.drive.files().get(fileId=copied["id"], fields="appProperties").execute()
    assert got == {"appProperties": {"tstTemplate": "t"}}
    named = workspace.drive.files().copy(fileId=created["id"], body={"name": "Mine"}).execute()
    assert named["name"] == "Mine"
    assert workspace.drive.files().delete(fileId=created["id"]).execute() == ""
    status, _ = api_error(lambda: workspace.drive.files().get(fileId=created["id"]).execute())
    assert status == 404


def test_trash_and_empty_trash(workspace: Clients) -> None:
    created = make(workspace, "Bin me")
    workspace.drive.files().update(fileId=created["id"], body={"trashed": True}).execute()
    got = workspace.drive.files().get(fileId=created["id"], fields="trashed").execute()
    assert got == {"trashed": True}
    workspace.drive.files().emptyTrash().execute()
    status, _ = api_error(lambda: workspace.drive.files().get(fileId=created["id"]).execute())
    assert status == 404


def test_multipart_upload_and_download(emulator: RunningEmulator) -> None:
    drive = drive_client(emulator.url, "uploader@example.org")
    media = MediaInMemoryUpload(b"hello,world\n", mimetype="text/csv")
    created = (
        drive.files()
        .create(body={"name": "data.csv"}, media_body=media, fields="id,mimeType,size")
        .execute()
    )
    assert created["mimeType"] == "text/csv" and created["size"] == "12"
    data = drive.files().get_media(fileId=created["id"]).execute()
    assert data == b"hello,world\n"


def test_spreadsheet_hooks_run_on_create_copy_rename_delete(
    workspace: Clients, emulator: RunningEmulator
) -> None:
    calls: list[tuple[str, str]] = []
    drive = emulator.app.drive
    drive.on_create_spreadsheet = lambda txn, doc, owner: calls.append(("create", doc["name"]))
    drive.on_copy_spreadsheet = lambda txn, src, new, user: calls.append(("copy", new["name"]))
    drive.on_rename_spreadsheet = lambda txn, doc: calls.append(("rename", doc["name"]))
    drive.on_delete_spreadsheet = lambda txn, doc: calls.append(("delete", doc["name"]))
    created = make(workspace, "Book", mimeType=SHEET)
    workspace.drive.files().copy(fileId=created["id"], body={}).execute()
    workspace.drive.files().update(fileId=created["id"], body={"name": "Book 2"}).execute()
    workspace.drive.files().delete(fileId=created["id"]).execute()
    assert calls == [
        ("create", "Book"),
        ("copy", "Copy of Book"),
        ("rename", "Book 2"),
        ("delete", "Book 2"),
    ]


def test_failed_hook_rolls_the_file_back(workspace: Clients, emulator: RunningEmulator) -> None:
    def refuse(txn: Any, doc: Any, owner: str) -> None:
        raise RuntimeError("no content")

    emulator.app.drive.on_create_spreadsheet = refuse
    api_error(lambda: make(workspace, "Broken", mimeType=SHEET))
    assert names(workspace, "name = 'Broken'") == []
