"""``messages.list``: the ``q`` terms the emulator answers, labels, paging, the empty answer,
and a clear 400 for search syntax it does not model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.emulator.gmail_support import (
    COACH,
    OFFICE,
    TL_ONE,
    TL_TWO,
    digest,
    get,
    ids,
    listing,
    send,
)
from tests.emulator.support import Clients, api_error
from tst_sheets.emulator import RunningEmulator


@pytest.fixture
def office(connect_as: Callable[[str], Clients]) -> Clients:
    return connect_as(OFFICE)


@pytest.fixture
def week(office: Clients) -> dict[str, str]:
    """Three messages from the office: two digests and a note to the coach."""
    return {
        "one": send(office, digest(to=TL_ONE, subject="Digest for Team 1"))["id"],
        "two": send(office, digest(to=TL_TWO, subject="Digest for Team 2", Cc=COACH))["id"],
        "note": send(office, digest(to=COACH, subject="Coach note", text="Lincoln is late"))["id"],
    }


def test_an_empty_answer_has_only_the_estimate(office: Clients) -> None:
    assert listing(office) == {"resultSizeEstimate": 0}
    send(office, digest(to=TL_ONE))
    assert listing(office, q="subject:nothing-like-this") == {"resultSizeEstimate": 0}


def test_newest_first_with_paging(office: Clients, week: dict[str, str]) -> None:
    everything = listing(office)
    assert [m["id"] for m in everything["messages"]] == [week["note"], week["two"], week["one"]]
    assert everything["resultSizeEstimate"] == 3 and "nextPageToken" not in everything
    first = listing(office, maxResults=2)
    assert [m["id"] for m in first["messages"]] == [week["note"], week["two"]]
    assert first["resultSizeEstimate"] == 3 and first["nextPageToken"]
    rest = listing(office, maxResults=2, pageToken=first["nextPageToken"])
    assert [m["id"] for m in rest["messages"]] == [week["one"]] and "nextPageToken" not in rest
    pages = office.gmail.users().messages()
    request, seen = pages.list(userId="me", maxResults=1), []
    while request is not None:
        answer = request.execute()
        seen += [m["id"] for m in answer["messages"]]
        request = pages.list_next(request, answer)
    assert seen == [week["note"], week["two"], week["one"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        (f"to:{TL_ONE}", ["one"]),
        ("to:coach", ["note", "two"]),  # To and Cc
        ("cc:coach@school", ["two"]),
        ("subject:digest", ["two", "one"]),
        ('subject:"team 2"', ["two"]),
        ("-subject:digest", ["note"]),
        ("lincoln", ["note"]),
        ('"for team"', ["two", "one"]),
        (f"from:{OFFICE} subject:coach", ["note"]),
        ("from:office in:sent is:read", ["note", "two", "one"]),
        ("is:unread", []),
        ("label:sent", ["note", "two", "one"]),
        ("after:2004/04/16 newer_than:1d", ["note", "two", "one"]),
        ("before:2004-04-16", []),
        ("older_than:1y", []),
    ],
)
def test_q_terms(office: Clients, week: dict[str, str], q: str, expected: list[str]) -> None:
    assert ids(office, q=q) == [week[name] for name in expected]


def test_dates_in_epoch_seconds_and_labels(
    office: Clients, connect_as: Callable[[str], Clients]
) -> None:
    early = send(office, digest(to=TL_ONE, subject="Early"))["id"]
    late = send(office, digest(to=TL_ONE, subject="Late"))["id"]
    second = int(get(office, late)["internalDate"]) // 1000  # epoch seconds
    assert late in ids(office, q=f"after:{second}") and early in ids(
        office, q=f"older:{second + 1}"
    )
    assert late not in ids(office, q=f"before:{second}")
    assert ids(office, q=f"after:{second + 1}") == []
    reader = connect_as(TL_ONE)
    inbox = ids(reader, labelIds=["INBOX", "UNREAD"])
    assert len(inbox) == 2 and ids(reader, labelIds=["SENT"]) == []
    assert ids(reader, q="in:inbox is:unread subject:late") == inbox[:1]
    assert ids(reader, q=f"deliveredto:{TL_ONE}") == inbox
    message_id = next(
        h["value"] for h in get(reader, inbox[0])["payload"]["headers"] if h["name"] == "Message-ID"
    )
    assert ids(reader, q=f"rfc822msgid:{message_id}") == inbox[:1]
    assert ids(reader, includeSpamTrash=True) == inbox


@pytest.mark.parametrize(
    "q",
    [
        "from:a OR from:b",
        "{from:a from:b}",
        "(subject:x)",
        "has:attachment",
        "larger:10M",
        "category:primary",
        "after:yesterday",
        "newer_than:2h",
        "is:muted",
        "in:chats",
        'subject:"open',
    ],
)
def test_unsupported_search_syntax_is_a_clear_400(office: Clients, q: str) -> None:
    status, error = api_error(lambda: listing(office, q=q))
    assert status == 400 and error["status"] == "INVALID_ARGUMENT"
    assert error["message"].startswith("The emulator does not support")


def test_bad_list_parameters(emulator: RunningEmulator, office: Clients) -> None:
    def bad(query: str) -> dict[str, Any]:
        answer = requests.get(
            f"{emulator.url}/gmail/v1/users/me/messages?{query}",
            headers={"Authorization": f"Bearer {OFFICE}"},
            timeout=5,
        )
        assert answer.status_code == 400
        return dict(answer.json()["error"])

    assert (
        bad("maxResults=ten")["message"] == "Invalid value at 'max_results' (TYPE_UINT32), \"ten\""
    )
    assert bad("includeSpamTrash=maybe")["message"].startswith("Invalid value at 'include_spam")
    send(office, digest(to=TL_ONE))
    assert len(listing(office, maxResults=5000)["messages"]) == 1  # coerced to at most 500
