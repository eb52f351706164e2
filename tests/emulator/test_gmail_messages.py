"""Gmail v1 through googleapiclient: a staff mailbox sends the weekly digest, each recipient
reads their own copy with their own identity."""

from __future__ import annotations

import base64
import email
import email.policy
import re
from collections.abc import Callable
from email.message import EmailMessage

import pytest
from googleapiclient.http import MediaInMemoryUpload

from tests.emulator.gmail_support import (
    COACH,
    OFFICE,
    TL_ONE,
    TL_TWO,
    UNSUBSCRIBE,
    decoded,
    digest,
    get,
    header,
    ids,
    listing,
    send,
)
from tests.emulator.support import Clients


@pytest.fixture
def office(connect_as: Callable[[str], Clients]) -> Clients:
    return connect_as(OFFICE)


def test_a_digest_reaches_each_recipient_with_its_own_identity(
    office: Clients, connect_as: Callable[[str], Clients]
) -> None:
    sent = send(office, digest(Bcc=COACH))
    assert set(sent) == {"id", "threadId", "labelIds"} and sent["labelIds"] == ["SENT"]
    assert re.fullmatch(r"[0-9a-f]{16}", sent["id"]) and sent["threadId"] == sent["id"]
    for person in (TL_ONE, TL_TWO, COACH):
        reader = connect_as(person)
        found = listing(reader, q=f"from:{OFFICE}")
        assert len(found["messages"]) == 1 and found["resultSizeEstimate"] == 1
        message = get(reader, found["messages"][0]["id"])
        assert message["id"] != sent["id"]  # each mailbox has its own copy and id
        assert message["labelIds"] == ["UNREAD", "INBOX"]
        assert header(message, "From") == f"Program Office <{OFFICE}>"
        assert header(message, "To") == f"{TL_ONE}, TL Two <{TL_TWO}>"
        assert header(message, "Subject") == "Your weekly digest: week 3"
        assert header(message, "List-Unsubscribe") == UNSUBSCRIBE
        assert header(message, "Delivered-To") == person
        assert header(message, "Bcc") is None  # never in a delivered copy
        assert header(message, "Message-ID") and header(message, "Date")
        payload = message["payload"]
        assert (payload["partId"], payload["mimeType"]) == ("", "multipart/alternative")
        assert payload["body"] == {"size": 0}
        plain, rich = payload["parts"]
        assert (plain["partId"], plain["mimeType"]) == ("0", "text/plain")
        assert (rich["partId"], rich["mimeType"]) == ("1", "text/html")
        assert decoded(plain).startswith("Hello! Your team sheet: https://docs.google.com/")
        assert "<a href='https://example.org/sheet'>" in decoded(rich)
        assert plain["body"]["size"] == len(base64.urlsafe_b64decode(plain["body"]["data"]))
        assert message["snippet"].startswith("Hello! Your team sheet: https://docs")
    own = get(office, sent["id"])
    assert own["labelIds"] == ["SENT"] and header(own, "Bcc") == COACH


def test_formats_minimal_metadata_raw_and_full(office: Clients) -> None:
    sent = send(office, digest(to=TL_ONE, text="It's <3 & more"))
    minimal = get(office, sent["id"], format="minimal")
    assert list(minimal) == [
        "id",
        "threadId",
        "labelIds",
        "snippet",
        "sizeEstimate",
        "historyId",
        "internalDate",
    ]
    assert minimal["snippet"] == "It&#39;s &lt;3 &amp; more"
    assert int(minimal["id"], 16) >> 20 == int(minimal["internalDate"])  # Gmail's id shape
    assert isinstance(minimal["sizeEstimate"], int) and minimal["historyId"].isdigit()
    metadata = get(office, sent["id"], format="metadata", metadataHeaders=["subject", "To"])
    assert metadata["payload"] == {
        "mimeType": "multipart/alternative",
        "headers": [
            {"name": "To", "value": TL_ONE},
            {"name": "Subject", "value": "Your weekly digest: week 3"},
        ],
    }
    every = get(office, sent["id"], format="metadata")["payload"]["headers"]
    assert {"From", "To", "Subject", "List-Unsubscribe", "Date"} <= {h["name"] for h in every}
    raw = get(office, sent["id"], format="raw")
    assert "payload" not in raw and raw["raw"].endswith(("=", "")) and "+" not in raw["raw"]
    parsed = email.message_from_bytes(
        base64.urlsafe_b64decode(raw["raw"]), policy=email.policy.default
    )
    assert parsed["Subject"] == "Your weekly digest: week 3"
    assert raw["sizeEstimate"] == len(base64.urlsafe_b64decode(raw["raw"]))
    assert "payload" in get(office, sent["id"]) and "raw" not in get(office, sent["id"])
    picked = get(office, sent["id"], fields="id,payload/mimeType")
    assert picked == {"id": sent["id"], "payload": {"mimeType": "multipart/alternative"}}


def test_profile_counts_messages_threads_and_history(
    office: Clients, connect_as: Callable[[str], Clients]
) -> None:
    fresh = office.gmail.users().getProfile(userId="me").execute()
    assert fresh == {
        "emailAddress": OFFICE,
        "messagesTotal": 0,
        "threadsTotal": 0,
        "historyId": fresh["historyId"],
    }
    send(office, digest())
    send(office, digest(subject="Another week"))
    profile = office.gmail.users().getProfile(userId=OFFICE).execute()
    assert (profile["messagesTotal"], profile["threadsTotal"]) == (2, 2)
    assert int(profile["historyId"]) > int(fresh["historyId"])
    reader = connect_as(TL_TWO).gmail.users().getProfile(userId="me").execute()
    assert reader["emailAddress"] == TL_TWO and reader["messagesTotal"] == 2


def test_the_upload_forms_send_the_same_message(
    office: Clients, connect_as: Callable[[str], Clients]
) -> None:
    data = digest(to=TL_ONE, subject="Uploaded").as_bytes()
    media = MediaInMemoryUpload(data, mimetype="message/rfc822")
    simple = office.gmail.users().messages().send(userId="me", media_body=media).execute()
    first = get(office, simple["id"], format="raw")
    assert base64.urlsafe_b64decode(first["raw"]).endswith(data.split(b"\n\n", 1)[1])
    reply = digest(
        to=TL_ONE,
        subject="Re: Uploaded",
        In_Reply_To=header(get(office, simple["id"]), "Message-ID") or "",
    )
    media = MediaInMemoryUpload(reply.as_bytes(), mimetype="message/rfc822")
    body = {"threadId": simple["threadId"]}
    threaded = (
        office.gmail.users().messages().send(userId="me", body=body, media_body=media).execute()
    )
    assert threaded["threadId"] == simple["threadId"] != threaded["id"]
    received = connect_as(TL_ONE)
    found = listing(received)["messages"]
    assert len(found) == 2 and found[0]["threadId"] == found[1]["threadId"]  # Gmail threads it


def test_a_reply_joins_the_thread_only_when_it_names_it(office: Clients) -> None:
    first = send(office, digest(to=TL_ONE, subject="Check-in"))
    msg_id = header(get(office, first["id"]), "Message-ID") or ""
    unnamed = send(office, digest(to=TL_ONE, subject="Re: Check-in", In_Reply_To=msg_id))
    assert unnamed["threadId"] == unnamed["id"]  # the API adds to a thread only on request
    other_subject = send(
        office,
        digest(to=TL_ONE, subject="Different", In_Reply_To=msg_id),
        threadId=first["threadId"],
    )
    assert other_subject["threadId"] == other_subject["id"]  # subjects must match
    joined = send(
        office,
        digest(to=TL_ONE, subject="RE: Check-in", References=msg_id),
        threadId=first["threadId"],
    )
    assert joined["threadId"] == first["threadId"]


def test_sending_to_oneself_keeps_one_copy(office: Clients) -> None:
    sent = send(office, digest(to=OFFICE))
    assert sent["labelIds"] == ["UNREAD", "SENT", "INBOX"]
    assert ids(office) == [sent["id"]]


def test_headers_gmail_completes(office: Clients, connect_as: Callable[[str], Clients]) -> None:
    bare = EmailMessage()
    bare["To"] = TL_ONE
    bare["Subject"] = "Bare"
    bare.set_content("no From, Date or Message-ID")
    sent = get(office, send(office, bare)["id"])
    assert header(sent, "From") == OFFICE
    assert header(sent, "Date") and re.fullmatch(
        r"<[^@]+@mail\.gmail\.com>", header(sent, "Message-ID") or ""
    )
    only_text = get(connect_as(TL_ONE), ids(connect_as(TL_ONE))[0])
    assert only_text["payload"]["mimeType"] == "text/plain"
    assert decoded(only_text["payload"]).startswith("no From, Date or Message-ID")
    assert "parts" not in only_text["payload"]


def test_an_attachment_is_fetched_by_its_id(office: Clients) -> None:
    message = digest(to=TL_ONE, html=None)
    message.add_attachment(b"a,b\n1,2\n", maintype="text", subtype="csv", filename="week3.csv")
    sent = get(office, send(office, message)["id"])
    attached = sent["payload"]["parts"][1]
    assert attached["filename"] == "week3.csv" and "data" not in attached["body"]
    assert attached["body"]["size"] == 8
    answer = (
        office.gmail.users()
        .messages()
        .attachments()
        .get(userId="me", messageId=sent["id"], id=attached["body"]["attachmentId"])
        .execute()
    )
    assert answer == {"size": 8, "data": base64.urlsafe_b64encode(b"a,b\n1,2\n").decode()}
