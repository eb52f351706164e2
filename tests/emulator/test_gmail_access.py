"""Gmail's refusals: only one's own mailbox, From is always oneself, service accounts have no
mailbox, malformed messages, unknown ids, and methods the emulator does not model."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
import requests

from tests.emulator.gmail_support import OFFICE, TL_ONE, TL_TWO, digest, get, header, ids, send
from tests.emulator.support import Clients, api_error
from tst_sheets.emulator import RunningEmulator

ROBOT = "tst-bot@tst-project.iam.gserviceaccount.com"


def gmail_error(code: int, message: str, reason: str, status: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "errors": [{"message": message, "domain": "global", "reason": reason}],
        "status": status,
    }


@pytest.fixture
def office(connect_as: Callable[[str], Clients]) -> Clients:
    return connect_as(OFFICE)


def test_nobody_sends_as_someone_else(
    office: Clients, connect_as: Callable[[str], Clients]
) -> None:
    status, error = api_error(lambda: send(office, digest(), user_id=TL_ONE))
    assert (status, error) == (
        403,
        gmail_error(403, f"Delegation denied for {OFFICE}", "forbidden", "PERMISSION_DENIED"),
    )
    assert ids(connect_as(TL_ONE)) == []
    forged = digest(to=TL_ONE)
    forged.replace_header("From", "The Principal <principal@school.example.org>")
    sent = send(office, forged, user_id=OFFICE.upper())  # one's own address, any case
    assert header(get(office, sent["id"]), "From") == f"The Principal <{OFFICE}>"
    delivered = connect_as(TL_ONE)
    assert header(get(delivered, ids(delivered)[0]), "From") == f"The Principal <{OFFICE}>"


def test_a_recipient_cannot_read_another_mailbox(
    office: Clients, connect_as: Callable[[str], Clients]
) -> None:
    send(office, digest())
    one, two = connect_as(TL_ONE), connect_as(TL_TWO)
    theirs = ids(one)[0]
    status, error = api_error(lambda: get(two, theirs))
    assert (status, error) == (
        404,
        gmail_error(404, "Requested entity was not found.", "notFound", "NOT_FOUND"),
    )
    denied = gmail_error(403, f"Delegation denied for {TL_TWO}", "forbidden", "PERMISSION_DENIED")
    calls = [
        lambda: two.gmail.users().messages().get(userId=TL_ONE, id=theirs).execute(),
        lambda: two.gmail.users().messages().list(userId=TL_ONE).execute(),
        lambda: two.gmail.users().getProfile(userId=TL_ONE).execute(),
    ]
    for call in calls:
        assert api_error(call) == (403, denied)


def test_a_service_account_has_no_mailbox(connect_as: Callable[[str], Clients]) -> None:
    robot = connect_as(ROBOT)
    precondition = gmail_error(
        400, "Precondition check failed.", "failedPrecondition", "FAILED_PRECONDITION"
    )
    assert api_error(lambda: send(robot, digest())) == (400, precondition)
    assert api_error(lambda: robot.gmail.users().getProfile(userId="me").execute()) == (
        400,
        precondition,
    )
    assert api_error(lambda: send(robot, digest(), user_id=OFFICE))[0] == 403
    assert ids(connect_as(TL_ONE)) == []


def test_malformed_messages_are_refused(
    office: Clients, connect_as: Callable[[str], Clients]
) -> None:
    def sending(body: dict[str, Any]) -> Callable[[], Any]:
        return lambda: office.gmail.users().messages().send(userId="me", body=body).execute()

    missing = "'raw' RFC822 payload message string or uploading message via /upload/* URL required"
    assert api_error(sending({})) == (
        400,
        gmail_error(400, missing, "invalidArgument", "INVALID_ARGUMENT"),
    )
    status, error = api_error(sending({"raw": "not base64!"}))
    assert status == 400 and error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == (
        "Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed for \"not base64!\""
    )
    assert error["details"][0]["fieldViolations"][0]["field"] == "message.raw"
    status, error = api_error(sending({"raw": "aGk", "nope": 1}))
    assert status == 400 and error["message"].startswith(
        'Invalid JSON payload received. Unknown name "nope"'
    )
    nobody = EmailMessage()
    nobody["Subject"] = "to nobody"
    nobody.set_content("x")
    assert api_error(lambda: send(office, nobody)) == (
        400,
        gmail_error(400, "Recipient address required", "invalidArgument", "INVALID_ARGUMENT"),
    )
    for name, value in (("To", "human@f"), ("Cc", "not an address")):
        bad = digest(to=TL_ONE)
        del bad[name]
        bad[name] = value
        assert api_error(lambda bad=bad: send(office, bad)) == (  # type: ignore[misc]
            400,
            gmail_error(400, f"Invalid {name} header", "invalidArgument", "INVALID_ARGUMENT"),
        )
    assert api_error(lambda: send(office, b"just text, no headers at all"))[1]["message"] == (
        "Recipient address required"
    )
    assert ids(connect_as(TL_ONE)) == [] and ids(office) == []


def test_unknown_ids_formats_and_pages(office: Clients) -> None:
    sent = send(office, digest())
    assert api_error(lambda: get(office, "not-an-id")) == (
        400,
        gmail_error(400, "Invalid id value", "invalidArgument", "INVALID_ARGUMENT"),
    )
    assert api_error(lambda: get(office, "0123456789abcdef"))[0] == 404
    assert get(office, sent["id"].upper())["id"] == sent["id"]
    status, error = api_error(
        lambda: office.gmail.users().messages().list(userId="me", pageToken="x").execute()
    )
    assert (status, error["message"]) == (400, "Invalid pageToken")


def test_a_bad_format_value_is_refused(emulator: RunningEmulator, office: Clients) -> None:
    sent = send(office, digest())
    answer = requests.get(
        f"{emulator.url}/gmail/v1/users/me/messages/{sent['id']}?format=everything",
        headers={"Authorization": f"Bearer {OFFICE}"},
        timeout=5,
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["message"].startswith("Invalid value at 'format'")
    loud = requests.get(
        f"{emulator.url}/gmail/v1/users/me/messages/{sent['id']}?format=MINIMAL",
        headers={"Authorization": f"Bearer {OFFICE}"},
        timeout=5,
    )
    assert loud.status_code == 200 and "payload" not in loud.json()


def test_other_gmail_methods_are_refused_never_pretended(
    emulator: RunningEmulator, office: Clients
) -> None:
    sent = send(office, digest())
    calls = [
        lambda: office.gmail.users().labels().list(userId="me").execute(),
        lambda: office.gmail.users().messages().trash(userId="me", id=sent["id"]).execute(),
        lambda: office.gmail.users().messages().delete(userId="me", id=sent["id"]).execute(),
        lambda: office.gmail.users().drafts().list(userId="me").execute(),
        lambda: office.gmail.users().threads().get(userId="me", id=sent["threadId"]).execute(),
    ]
    for call in calls:
        status, error = api_error(call)
        assert (status, error["status"], error["errors"][0]["reason"]) == (
            501,
            "UNIMPLEMENTED",
            "notImplemented",
        )
    assert ids(office) == [sent["id"]]
    anonymous = requests.get(f"{emulator.url}/gmail/v1/users/me/profile", timeout=5)
    assert anonymous.status_code == 401
