"""Calendar v3 through googleapiclient: calendars, attendees, recurrence, filters, ids,
conferences, cancellation and sync."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.emulator.support import Clients, api_error, reason

TL = "tl@school.example.org"
COACH = "coach@school.example.org"
ZONE = "America/New_York"


def at(day: int, hour: int) -> dict[str, str]:
    return {"dateTime": f"2026-12-{day:02d}T{hour:02d}:00:00", "timeZone": ZONE}


def event(summary: str, day: int = 1, **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "start": at(day, 10), "end": at(day, 11), **extra}


@pytest.fixture
def program(workspace: Clients) -> str:
    """The service's own secondary calendar, as the calendar job makes it."""
    created = (
        workspace.calendar.calendars()
        .insert(body={"summary": "Program events", "timeZone": ZONE, "description": "[tst]"})
        .execute()
    )
    return str(created["id"])


def insert(ws: Clients, calendar_id: str, body: dict[str, Any], **params: Any) -> Any:
    return ws.calendar.events().insert(calendarId=calendar_id, body=body, **params).execute()


def listing(ws: Clients, calendar_id: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (
        ws.calendar.events().list(calendarId=calendar_id, **params).execute()["items"]
    )
    return items


def test_calendar_insert_get_and_list(workspace: Clients, program: str) -> None:
    assert program.endswith("@group.calendar.google.com")
    got = workspace.calendar.calendars().get(calendarId=program).execute()
    assert got["kind"] == "calendar#calendar" and got["summary"] == "Program events"
    assert got["timeZone"] == ZONE
    entries = workspace.calendar.calendarList().list().execute()["items"]
    by_id = {e["id"]: e for e in entries}
    assert by_id[workspace.identity]["primary"] is True
    assert by_id[program]["accessRole"] == "owner" and by_id[program]["description"] == "[tst]"
    patched = (
        workspace.calendar.calendars()
        .patch(calendarId=program, body={"summary": "Renamed"})
        .execute()
    )
    assert patched["summary"] == "Renamed" and patched["description"] == "[tst]"


def test_insert_with_attendees_reaches_their_primary(
    workspace: Clients, program: str, connect_as: Callable[[str], Clients]
) -> None:
    tl = connect_as(TL)
    created = insert(
        workspace,
        program,
        event("Roundtable", attendees=[{"email": TL}, {"email": COACH, "optional": True}]),
        sendUpdates="all",
    )
    assert created["status"] == "confirmed" and created["sequence"] == 0
    assert created["organizer"] == {"email": program, "displayName": "Program events", "self": True}
    assert created["creator"] == {"email": workspace.identity, "self": True}
    assert created["start"] == {"dateTime": "2026-12-01T10:00:00-05:00", "timeZone": ZONE}
    assert created["iCalUID"] == f"{created['id']}@google.com"
    assert created["attendees"] == [
        {"email": TL, "responseStatus": "needsAction"},
        {"email": COACH, "optional": True, "responseStatus": "needsAction"},
    ]
    mine = listing(tl, "primary")
    assert [e["id"] for e in mine] == [created["id"]]
    assert mine[0]["organizer"] == {"email": program, "displayName": "Program events"}
    assert {"email": TL, "responseStatus": "needsAction", "self": True} in mine[0]["attendees"]
    assert mine[0]["start"]["dateTime"] == "2026-12-01T15:00:00Z"  # the TL's calendar is UTC
    got = tl.calendar.events().get(calendarId=TL, eventId=created["id"]).execute()
    assert got["summary"] == "Roundtable"


def test_attendee_cannot_edit_but_can_answer(
    workspace: Clients, program: str, connect_as: Callable[[str], Clients]
) -> None:
    tl = connect_as(TL)
    created = insert(workspace, program, event("Training", attendees=[{"email": TL}]))
    status, error = api_error(
        lambda: (
            tl.calendar.events()
            .patch(calendarId="primary", eventId=created["id"], body={"summary": "Mine"})
            .execute()
        )
    )
    assert status == 403 and reason(error) == "requiredAccessLevel"
    status, _ = api_error(
        lambda: (
            tl.calendar.events()
            .patch(calendarId=program, eventId=created["id"], body={"summary": "Mine"})
            .execute()
        )
    )
    assert status == 404  # the program calendar is not shared with the TL
    answered = (
        tl.calendar.events()
        .patch(
            calendarId="primary",
            eventId=created["id"],
            body={"attendees": [{"email": TL, "responseStatus": "accepted"}]},
        )
        .execute()
    )
    assert answered["attendees"][0]["responseStatus"] == "accepted"
    seen = workspace.calendar.events().get(calendarId=program, eventId=created["id"]).execute()
    assert seen["attendees"] == [{"email": TL, "responseStatus": "accepted"}]
    assert seen["summary"] == "Training"


def test_recurring_expansion_with_exdate(workspace: Clients, program: str) -> None:
    series = insert(
        workspace,
        program,
        event(
            "Weekly check-in",
            day=7,
            recurrence=[
                "RRULE:FREQ=WEEKLY;COUNT=4",
                "EXDATE;TZID=America/New_York:20261214T100000",
            ],
        ),
    )
    assert series["recurrence"][0] == "RRULE:FREQ=WEEKLY;COUNT=4"
    masters = listing(workspace, program)
    assert [e["id"] for e in masters] == [series["id"]]
    singles = listing(workspace, program, singleEvents=True, orderBy="startTime")
    assert [e["id"] for e in singles] == [
        f"{series['id']}_20261207T150000Z",
        f"{series['id']}_20261221T150000Z",
        f"{series['id']}_20261228T150000Z",
    ]
    first = singles[0]
    assert first["recurringEventId"] == series["id"] and "recurrence" not in first
    assert first["originalStartTime"] == {"dateTime": "2026-12-07T10:00:00-05:00", "timeZone": ZONE}
    window = listing(
        workspace,
        program,
        singleEvents=True,
        timeMin="2026-12-20T00:00:00Z",
        timeMax="2026-12-25T00:00:00Z",
    )
    assert [e["start"]["dateTime"] for e in window] == ["2026-12-21T10:00:00-05:00"]
    workspace.calendar.events().delete(calendarId=program, eventId=first["id"]).execute()
    left = listing(workspace, program, singleEvents=True)
    assert len(left) == 2
    exceptions = listing(workspace, program)
    assert {e["status"] for e in exceptions} == {"confirmed", "cancelled"}


def test_private_extended_property_filter(workspace: Clients, program: str) -> None:
    props = {"private": {"tstProgram": "p1", "tstKey": "a"}, "shared": {"kind": "training"}}
    insert(workspace, program, event("Ours", extendedProperties=props))
    insert(workspace, program, event("Other", extendedProperties={"private": {"tstProgram": "p2"}}))
    insert(workspace, program, event("Plain"))

    def summaries(**params: Any) -> list[str]:
        return sorted(e["summary"] for e in listing(workspace, program, **params))

    assert summaries(privateExtendedProperty="tstProgram=p1") == ["Ours"]
    assert summaries(privateExtendedProperty=["tstProgram=p1", "tstKey=b"]) == []
    assert summaries(sharedExtendedProperty="kind=training") == ["Ours"]
    assert summaries(q="other") == ["Other"]


def test_client_ids_follow_googles_rules(workspace: Clients, program: str) -> None:
    created = insert(workspace, program, event("Fixed", id="tst0a1b2c3"))
    assert created["id"] == "tst0a1b2c3"
    for bad in ("abc", "has_underscore1", "UPPERCASE1", "wxyz0123"):
        body = event("x", id=bad)
        status, error = api_error(lambda: insert(workspace, program, body))  # noqa: B023
        assert (status, error["message"], reason(error)) == (
            400,
            "Invalid resource id value.",
            "invalid",
        )
    status, error = api_error(lambda: insert(workspace, program, event("Again", id="tst0a1b2c3")))
    assert status == 409 and error["message"] == "The requested identifier already exists."
    workspace.calendar.events().delete(calendarId=program, eventId="tst0a1b2c3").execute()
    status, _ = api_error(lambda: insert(workspace, program, event("Again", id="tst0a1b2c3")))
    assert status == 409  # a cancelled event keeps its id


def test_conference_needs_version_one(workspace: Clients, program: str) -> None:
    request = {
        "createRequest": {"requestId": "r1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}
    }
    ignored = insert(workspace, program, event("No meet", conferenceData=request))
    assert "conferenceData" not in ignored and "hangoutLink" not in ignored
    meet = insert(
        workspace, program, event("Meet", conferenceData=request), conferenceDataVersion=1
    )
    data = meet["conferenceData"]
    uri = data["entryPoints"][0]["uri"]
    assert data["entryPoints"][0]["entryPointType"] == "video"
    assert uri.startswith("https://meet.google.com/") and meet["hangoutLink"] == uri
    assert data["conferenceSolution"]["key"] == {"type": "hangoutsMeet"}
    assert data["conferenceId"] == uri.rsplit("/", 1)[1]
    assert data["createRequest"]["status"] == {"statusCode": "success"}
    again = (
        workspace.calendar.events()
        .patch(
            calendarId=program,
            eventId=meet["id"],
            body={"summary": "Meet 2", "conferenceData": request},
            conferenceDataVersion=1,
        )
        .execute()
    )
    assert again["hangoutLink"] == uri  # same requestId: same conference


def test_cancel_and_show_deleted(workspace: Clients, program: str) -> None:
    created = insert(workspace, program, event("Cancelled"))
    workspace.calendar.events().delete(calendarId=program, eventId=created["id"]).execute()
    assert listing(workspace, program) == []
    shown = listing(workspace, program, showDeleted=True)
    assert [(e["id"], e["status"]) for e in shown] == [(created["id"], "cancelled")]
    got = workspace.calendar.events().get(calendarId=program, eventId=created["id"]).execute()
    assert got["status"] == "cancelled"
    status, _ = api_error(
        lambda: (
            workspace.calendar.events().delete(calendarId=program, eventId=created["id"]).execute()
        )
    )
    assert status == 410


def test_sync_token_returns_only_changes(workspace: Clients, program: str) -> None:
    kept = insert(workspace, program, event("Kept"))
    dropped = insert(workspace, program, event("Dropped"))
    first = workspace.calendar.events().list(calendarId=program).execute()
    assert "nextPageToken" not in first and first["nextSyncToken"]
    workspace.calendar.events().patch(
        calendarId=program, eventId=kept["id"], body={"location": "Room 4"}
    ).execute()
    workspace.calendar.events().delete(calendarId=program, eventId=dropped["id"]).execute()
    added = insert(workspace, program, event("Added"))
    changed = (
        workspace.calendar.events()
        .list(calendarId=program, syncToken=first["nextSyncToken"])
        .execute()
    )
    got = {e["id"]: e["status"] for e in changed["items"]}
    assert got == {kept["id"]: "confirmed", dropped["id"]: "cancelled", added["id"]: "confirmed"}
    quiet = (
        workspace.calendar.events()
        .list(calendarId=program, syncToken=changed["nextSyncToken"])
        .execute()
    )
    assert quiet["items"] == []
    status, error = api_error(
        lambda: workspace.calendar.events().list(calendarId=program, syncToken="garbage").execute()
    )
    assert status == 410 and reason(error) == "fullSyncRequired"


def test_paging_orders_and_updates(workspace: Clients, program: str) -> None:
    for day in (5, 3, 4, 1, 2):
        insert(workspace, program, event(f"Day {day}", day=day))
    seen, token = [], None
    while True:
        page = (
            workspace.calendar.events()
            .list(
                calendarId=program,
                maxResults=2,
                pageToken=token,
                singleEvents=True,
                orderBy="startTime",
            )
            .execute()
        )
        seen += [e["summary"] for e in page["items"]]
        token = page.get("nextPageToken")
        if not token:
            assert "nextSyncToken" in page
            break
    assert seen == [f"Day {d}" for d in (1, 2, 3, 4, 5)]
    status, _ = api_error(
        lambda: workspace.calendar.events().list(calendarId=program, orderBy="startTime").execute()
    )
    assert status == 400  # startTime ordering needs singleEvents
    by_update = listing(workspace, program, orderBy="updated")
    assert [e["summary"] for e in by_update] == ["Day 5", "Day 3", "Day 4", "Day 1", "Day 2"]


def test_update_replaces_and_bumps_sequence(workspace: Clients, program: str) -> None:
    created = insert(workspace, program, event("Old", description="gone soon"))
    moved = (
        workspace.calendar.events()
        .update(calendarId=program, eventId=created["id"], body=event("New", day=2))
        .execute()
    )
    assert moved["summary"] == "New" and "description" not in moved
    assert moved["sequence"] == 1 and moved["updated"] > created["updated"]
    status, error = api_error(
        lambda: (
            workspace.calendar.events()
            .patch(
                calendarId=program,
                eventId=created["id"],
                body={"end": {"dateTime": "2026-11-01T00:00:00Z"}},
            )
            .execute()
        )
    )
    assert status == 400 and error["message"] == "The specified time range is empty."


def test_all_day_events_and_unknown_calendars(
    workspace: Clients, program: str, connect_as: Callable[[str], Clients]
) -> None:
    created = insert(
        workspace,
        program,
        {"summary": "Deadline", "start": {"date": "2026-12-15"}, "end": {"date": "2026-12-16"}},
    )
    assert created["start"] == {"date": "2026-12-15"}
    in_range = listing(
        workspace, program, timeMin="2026-12-15T12:00:00-05:00", timeMax="2026-12-16T00:00:00-05:00"
    )
    assert [e["id"] for e in in_range] == [created["id"]]
    status, error = api_error(
        lambda: connect_as(TL).calendar.events().list(calendarId=program).execute()
    )
    assert status == 404 and error["message"] == "Not Found"


def test_sharing_a_calendar_lists_it(
    workspace: Clients, program: str, connect_as: Callable[[str], Clients]
) -> None:
    coach = connect_as(COACH)
    workspace.calendar.acl().insert(
        calendarId=program, body={"role": "reader", "scope": {"type": "user", "value": COACH}}
    ).execute()
    entries = {e["id"]: e for e in coach.calendar.calendarList().list().execute()["items"]}
    assert entries[program]["accessRole"] == "reader"
    insert(workspace, program, event("Visible"))
    assert [e["summary"] for e in listing(coach, program)] == ["Visible"]
    status, error = api_error(lambda: insert(coach, program, event("Nope")))
    assert status == 403 and reason(error) == "requiredAccessLevel"


def test_removed_guest_sees_the_event_cancelled(
    workspace: Clients, program: str, connect_as: Callable[[str], Clients]
) -> None:
    tl = connect_as(TL)
    created = insert(workspace, program, event("Visit", attendees=[{"email": TL}]))
    synced = tl.calendar.events().list(calendarId="primary").execute()
    workspace.calendar.events().patch(
        calendarId=program, eventId=created["id"], body={"attendees": []}
    ).execute()
    assert listing(tl, "primary") == []
    changes = (
        tl.calendar.events().list(calendarId="primary", syncToken=synced["nextSyncToken"]).execute()
    )
    assert [(e["id"], e["status"]) for e in changes["items"]] == [(created["id"], "cancelled")]
    workspace.calendar.events().patch(
        calendarId=program, eventId=created["id"], body={"attendees": [{"email": TL}]}
    ).execute()
    assert [e["status"] for e in listing(tl, "primary")] == ["confirmed"]


def test_instances_can_be_read_and_changed_one_by_one(workspace: Clients, program: str) -> None:
    series = insert(
        workspace,
        program,
        event("Daily", day=1, recurrence=["RRULE:FREQ=DAILY;UNTIL=20261203T235959Z"]),
    )
    instances = (
        workspace.calendar.events()
        .instances(calendarId=program, eventId=series["id"])
        .execute()["items"]
    )
    assert [i["start"]["dateTime"][:10] for i in instances] == [
        "2026-12-01",
        "2026-12-02",
        "2026-12-03",
    ]
    second = instances[1]["id"]
    got = workspace.calendar.events().get(calendarId=program, eventId=second).execute()
    assert got["recurringEventId"] == series["id"]
    workspace.calendar.events().patch(
        calendarId=program,
        eventId=second,
        body={"summary": "Daily (moved)", "start": at(2, 14), "end": at(2, 15)},
    ).execute()
    singles = listing(workspace, program, singleEvents=True, orderBy="startTime")
    assert [(e["summary"], e["start"]["dateTime"]) for e in singles] == [
        ("Daily", "2026-12-01T10:00:00-05:00"),
        ("Daily (moved)", "2026-12-02T14:00:00-05:00"),
        ("Daily", "2026-12-03T10:00:00-05:00"),
    ]
    assert singles[1]["id"] == second
    assert singles[1]["originalStartTime"]["dateTime"] == "2026-12-02T10:00:00-05:00"


def test_recurring_events_need_a_time_zone(workspace: Clients, program: str) -> None:
    body = {
        "summary": "No zone",
        "start": {"dateTime": "2026-12-01T10:00:00Z"},
        "end": {"dateTime": "2026-12-01T11:00:00Z"},
        "recurrence": ["RRULE:FREQ=WEEKLY"],
    }
    status, error = api_error(lambda: insert(workspace, program, body))
    assert status == 400 and error["message"] == "Missing time zone definition for start time."
    status, error = api_error(
        lambda: insert(workspace, program, event("Bad rule", recurrence=["RRULE:FREQ=SOMETIMES"]))
    )
    assert status == 400 and error["message"] == "Invalid recurrence rule."


def test_calendar_list_entries_and_acl(
    workspace: Clients, program: str, connect_as: Callable[[str], Clients]
) -> None:
    coach = connect_as(COACH)
    rule = (
        workspace.calendar.acl()
        .insert(
            calendarId=program, body={"role": "writer", "scope": {"type": "user", "value": COACH}}
        )
        .execute()
    )
    assert rule["id"] == f"user:{COACH}" and rule["kind"] == "calendar#aclRule"
    rules = workspace.calendar.acl().list(calendarId=program).execute()["items"]
    assert {r["role"] for r in rules} == {"owner", "writer"}
    status, _ = api_error(lambda: coach.calendar.acl().list(calendarId=program).execute())
    assert status == 403
    coach.calendar.calendarList().delete(calendarId=program).execute()
    ids = [e["id"] for e in coach.calendar.calendarList().list().execute()["items"]]
    assert ids == [COACH]
    added = coach.calendar.calendarList().insert(body={"id": program, "colorId": "3"}).execute()
    assert added["colorId"] == "3" and added["accessRole"] == "writer"
    entry = coach.calendar.calendarList().get(calendarId="primary").execute()
    assert entry["primary"] is True and entry["accessRole"] == "owner"
    workspace.calendar.acl().delete(calendarId=program, ruleId=rule["id"]).execute()
    status, _ = api_error(lambda: coach.calendar.calendarList().get(calendarId=program).execute())
    assert status == 404


def test_deleting_a_calendar(workspace: Clients, program: str) -> None:
    workspace.calendar.calendars().delete(calendarId=program).execute()
    status, _ = api_error(lambda: workspace.calendar.calendars().get(calendarId=program).execute())
    assert status == 404
    status, _ = api_error(
        lambda: workspace.calendar.calendars().delete(calendarId="primary").execute()
    )
    assert status == 400
