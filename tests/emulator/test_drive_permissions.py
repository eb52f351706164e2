"""Drive v3 sharing between two identities, through googleapiclient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.emulator.support import Clients, api_error, reason

COACH = "coach@school.example.org"


def make(ws: Clients, name: str, mime: str = "text/plain", **extra: Any) -> str:
    body = {"name": name, "mimeType": mime, **extra}
    return str(ws.drive.files().create(body=body).execute()["id"])


def share(ws: Clients, file_id: str, email: str, role: str, **params: Any) -> dict[str, Any]:
    body = {"type": "user", "role": role, "emailAddress": email}
    created: dict[str, Any] = (
        ws.drive.permissions()
        .create(fileId=file_id, body=body, sendNotificationEmail=False, **params)
        .execute()
    )
    return created


def test_reader_then_writer(workspace: Clients, connect_as: Callable[[str], Clients]) -> None:
    coach = connect_as(COACH)
    file_id = make(workspace, "Team workbook")
    status, error = api_error(lambda: coach.drive.files().get(fileId=file_id).execute())
    assert status == 404 and error["message"] == f"File not found: {file_id}."
    assert coach.drive.files().list().execute()["files"] == []

    perm = share(workspace, file_id, COACH, "reader")
    assert set(perm) == {"kind", "id", "type", "role"} and perm["role"] == "reader"
    assert coach.drive.files().get(fileId=file_id, fields="name").execute() == {
        "name": "Team workbook"
    }
    assert [f["id"] for f in coach.drive.files().list().execute()["files"]] == [file_id]
    shared = coach.drive.files().list(q="sharedWithMe = true", fields="files(id)").execute()
    assert shared == {"files": [{"id": file_id}]}

    status, error = api_error(
        lambda: coach.drive.files().update(fileId=file_id, body={"name": "Mine now"}).execute()
    )
    assert status == 403 and reason(error) == "insufficientFilePermissions"
    assert error["message"] == "The user does not have sufficient permissions for this file."
    status, _ = api_error(lambda: coach.drive.permissions().list(fileId=file_id).execute())
    assert status == 403

    again = share(workspace, file_id, COACH, "writer")
    assert again["id"] == perm["id"] and again["role"] == "writer"
    listed = workspace.drive.permissions().list(fileId=file_id).execute()
    assert len(listed["permissions"]) == 2 and listed["kind"] == "drive#permissionList"
    renamed = coach.drive.files().update(fileId=file_id, body={"name": "Edited"}).execute()
    assert renamed["name"] == "Edited"
    status, _ = api_error(lambda: coach.drive.files().delete(fileId=file_id).execute())
    assert status == 403  # only the owner deletes


def test_permission_fields_and_stable_ids(workspace: Clients) -> None:
    first, second = make(workspace, "One"), make(workspace, "Two")
    a = share(workspace, first, COACH, "reader", fields="id,emailAddress,role,type")
    b = share(workspace, second, COACH.upper(), "commenter", fields="id,emailAddress")
    assert a == {"id": a["id"], "emailAddress": COACH, "role": "reader", "type": "user"}
    assert b == {"id": a["id"], "emailAddress": COACH}
    got = workspace.drive.permissions().get(fileId=first, permissionId=a["id"]).execute()
    assert got == {"kind": "drive#permission", "id": a["id"], "type": "user", "role": "reader"}
    listed = (
        workspace.drive.permissions()
        .list(fileId=first, fields="permissions(emailAddress,role)")
        .execute()
    )
    assert listed == {
        "permissions": [
            {"emailAddress": workspace.identity, "role": "owner"},
            {"emailAddress": COACH, "role": "reader"},
        ]
    }
    owners = workspace.drive.files().get(fileId=first, fields="permissionIds,shared").execute()
    assert owners["shared"] is True and a["id"] in owners["permissionIds"]


def test_invalid_email_is_an_invalid_sharing_request(workspace: Clients) -> None:
    file_id = make(workspace, "Doc")
    status, error = api_error(lambda: share(workspace, file_id, "not-an-email", "reader"))
    assert status == 400 and reason(error) == "invalidSharingRequest"
    assert error["message"].startswith('Bad Request. User message: "')
    status, error = api_error(
        lambda: (
            workspace.drive.permissions()
            .create(fileId=file_id, body={"type": "user", "role": "boss", "emailAddress": COACH})
            .execute()
        )
    )
    assert status == 400


def test_update_and_delete_permission(
    workspace: Clients, connect_as: Callable[[str], Clients]
) -> None:
    coach = connect_as(COACH)
    file_id = make(workspace, "Doc")
    perm = share(workspace, file_id, COACH, "writer")
    updated = (
        workspace.drive.permissions()
        .update(fileId=file_id, permissionId=perm["id"], body={"role": "reader"})
        .execute()
    )
    assert updated["role"] == "reader"
    workspace.drive.permissions().delete(fileId=file_id, permissionId=perm["id"]).execute()
    status, _ = api_error(lambda: coach.drive.files().get(fileId=file_id).execute())
    assert status == 404
    status, error = api_error(
        lambda: workspace.drive.permissions().get(fileId=file_id, permissionId=perm["id"]).execute()
    )
    assert status == 404 and error["errors"][0]["location"] == "permissionId"


def test_owner_permission_is_protected_and_transferable(
    workspace: Clients, connect_as: Callable[[str], Clients]
) -> None:
    coach = connect_as(COACH)
    file_id = make(workspace, "Doc")
    owner = workspace.drive.permissions().list(fileId=file_id).execute()["permissions"][0]
    status, _ = api_error(
        lambda: (
            workspace.drive.permissions().delete(fileId=file_id, permissionId=owner["id"]).execute()
        )
    )
    assert status == 403
    status, _ = api_error(lambda: share(workspace, file_id, COACH, "owner"))
    assert status == 403  # transferOwnership must be set
    share(workspace, file_id, COACH, "owner", transferOwnership=True)
    got = coach.drive.files().get(fileId=file_id, fields="owners(emailAddress),ownedByMe").execute()
    assert got == {"owners": [{"emailAddress": COACH}], "ownedByMe": True}
    roles = (
        workspace.drive.permissions()
        .list(fileId=file_id, fields="permissions(emailAddress,role)")
        .execute()["permissions"]
    )
    assert {"emailAddress": workspace.identity, "role": "writer"} in roles


def test_folder_sharing_reaches_files_inside(
    workspace: Clients, connect_as: Callable[[str], Clients]
) -> None:
    coach = connect_as(COACH)
    folder = make(workspace, "Program", "application/vnd.google-apps.folder")
    inside = make(workspace, "Roster", parents=[folder])
    share(workspace, folder, COACH, "reader")
    assert coach.drive.files().get(fileId=inside, fields="name,parents").execute() == {
        "name": "Roster",
        "parents": [folder],
    }
    listed = coach.drive.files().list(q=f"'{folder}' in parents", fields="files(id)").execute()
    assert listed == {"files": [{"id": inside}]}


def test_anyone_with_link_opens_but_does_not_list(
    workspace: Clients, connect_as: Callable[[str], Clients]
) -> None:
    stranger = connect_as("someone@elsewhere.example.com")
    file_id = make(workspace, "Public")
    workspace.drive.permissions().create(
        fileId=file_id, body={"type": "anyone", "role": "reader"}
    ).execute()
    assert stranger.drive.files().get(fileId=file_id, fields="name").execute() == {"name": "Public"}
    assert stranger.drive.files().list().execute()["files"] == []
    domain = make(workspace, "School only")
    workspace.drive.permissions().create(
        fileId=domain,
        body={
            "type": "domain",
            "role": "reader",
            "domain": "tst.example.org",
            "allowFileDiscovery": True,
        },
    ).execute()
    colleague = connect_as("peer@tst.example.org")
    assert [f["id"] for f in colleague.drive.files().list().execute()["files"]] == [domain]
