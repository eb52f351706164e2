"""The pure core of calendar sync: bodies, ids, audiences, findings, diffs."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from tst_sheets.calendar.audience import teams_needing_members
from tst_sheets.calendar.events import DesiredEvent, desired_events
from tst_sheets.calendar.ids import event_id
from tst_sheets.calendar.plan import diff_event, plan_changes
from tst_sheets.calendar.team_tab import program_event_rows
from tst_sheets.model import Attendance, Coach, DateRange, EventSpec, Program, Team
from tst_sheets.model.a1 import column_letter
from tst_sheets.templates import load_template

CHI = ZoneInfo("America/Chicago")


def team(n: int, coach: str = "coach.a@tst.example.org") -> Team:
    return Team(
        team_id=f"T{n:02d}",
        school=f"School {n}",
        tl_name=f"TL {n}",
        tl_email=f"tl{n}@cps.example.edu",
        principal_name=f"Principal {n}",
        principal_email=f"principal{n}@cps.example.edu",
        coach_email=coach,
        row=n + 1,
    )


def seed_events() -> list[EventSpec]:
    """Seed 000's calendar, as the roster's Events rows would hold it."""
    events = [
        EventSpec(
            key="fall-training",
            title="TST Fall Training",
            kind="fall_training",
            date=date(2026, 8, 17),
            start=time(17, 30),
            end=time(20, 30),
            location="Malcolm X College, 1900 W Jackson",
            row=2,
        ),
    ]
    months = [(2026, m) for m in range(9, 13)] + [(2027, m) for m in range(1, 7)]
    for i, (year, month) in enumerate(months):
        virtual = i % 2 == 0
        events.append(
            EventSpec(
                key=f"roundtable-{year}-{month:02d}",
                title="Cohort Roundtable",
                kind="roundtable",
                date=date(year, month, 15 if month != 12 else 8),
                start=time(17, 0),
                end=time(18, 30),
                mode="virtual" if virtual else "in_person",
                location="" if virtual else "TST office, 33 W Monroe",
                audience=["All TLs", "Coaches"],
                row=3 + i,
            )
        )
    for i, day in enumerate((8, 14, 22)):
        events.append(
            EventSpec(
                key=f"principal-training-{i + 1}",
                title="Principal Training",
                kind="principal_training",
                date=date(2027, 7, day),
                start=time(10, 0),
                end=time(11, 30),
                mode="virtual",
                audience=["All Principals"],
                row=13 + i,
            )
        )
    events += [
        EventSpec(
            key="data-mid-year",
            title="Mid-year data due",
            kind="data_deadline",
            date=date(2027, 1, 22),
            audience=["All TLs"],
            row=16,
        ),
        EventSpec(
            key="data-end-of-year",
            title="End-of-year data due",
            kind="data_deadline",
            date=date(2027, 5, 28),
            audience=["All TLs"],
            row=17,
        ),
        EventSpec(
            key="coaching",
            title="Coaching",
            kind="coaching_series",
            date=date(2026, 9, 8),
            start=time(16, 0),
            end=time(16, 30),
            mode="virtual",
            row=18,
        ),
    ]
    return events


EVENTS_COLUMNS = load_template("program_roster").tab("events").columns


def on_roster(event: EventSpec) -> EventSpec:
    """An Events row as the roster reader gives it: each field's cell on its row."""
    if event.row is None or event.cells:
        return event
    cells = {c.key: f"{column_letter(i)}{event.row}" for i, c in enumerate(EVENTS_COLUMNS)}
    return event.model_copy(update={"cells": cells})


def program(**changes: object) -> Program:
    if "events" in changes:
        changes["events"] = [on_roster(e) for e in changes["events"]]  # type: ignore[attr-defined]
    base = Program(
        name="TST",
        roster_id="roster123",
        school_year_start=date(2026, 7, 1),
        school_year_end=date(2027, 6, 30),
        allowed_domains=["cps.example.edu", "tst.example.org"],
        staff_emails=["staff@tst.example.org"],
        breaks=[DateRange(start=date(2026, 12, 21), end=date(2027, 1, 1), label="Winter")],
        coaches=[Coach(name="Coach A", email="coach.a@tst.example.org")],
        teams=[team(1), team(2)],
        events=[on_roster(e) for e in seed_events()],
    )
    return base.model_copy(update=changes)


def by_key(events: list[DesiredEvent]) -> dict[str, DesiredEvent]:
    return {e.key: e for e in events}


def emails(event: DesiredEvent) -> dict[str, bool]:
    return {a["email"]: a.get("optional", False) for a in event.body["attendees"]}


# -- ids -----------------------------------------------------------------------------------


def test_event_ids_are_deterministic_base32hex() -> None:
    first = event_id("TST", "fall-training")
    assert first == event_id("TST", "fall-training")
    assert first != event_id("TST", "roundtable-2026-09")
    assert first != event_id("Other program", "fall-training")
    assert re.fullmatch(r"[a-v0-9]{5,1024}", first)


# -- bodies --------------------------------------------------------------------------------


def test_fall_training_body_in_program_time_zone() -> None:
    events, findings = desired_events(program())
    assert findings == []
    fall = by_key(events)["fall-training"].body
    assert fall["summary"] == "TST Fall Training"
    assert fall["start"] == {"dateTime": "2026-08-17T17:30:00-05:00", "timeZone": "America/Chicago"}
    assert fall["end"] == {"dateTime": "2026-08-17T20:30:00-05:00", "timeZone": "America/Chicago"}
    assert fall["location"].startswith("Malcolm X College")
    assert "conferenceData" not in fall
    assert fall["extendedProperties"]["private"] == {
        "tstEventKey": "fall-training",
        "tstProgram": "TST",
    }
    assert fall["id"] == event_id("TST", "fall-training")
    # default audience for Fall Training: TLs, coaches and staff
    assert set(emails(by_key(events)["fall-training"])) == {
        "tl1@cps.example.edu",
        "tl2@cps.example.edu",
        "coach.a@tst.example.org",
        "staff@tst.example.org",
    }


def test_roundtables_alternate_meet_and_location() -> None:
    events = by_key(desired_events(program())[0])
    sept, october = events["roundtable-2026-09"].body, events["roundtable-2026-10"].body
    request = sept["conferenceData"]["createRequest"]
    assert request["conferenceSolutionKey"] == {"type": "hangoutsMeet"}
    assert (
        request["requestId"]
        == desired_events(program())[0][1].body["conferenceData"]["createRequest"]["requestId"]
    )
    assert sept["location"] == ""
    assert "conferenceData" not in october and october["location"] == "TST office, 33 W Monroe"
    # January is in standard time, June in daylight time: the offset follows the zone
    assert events["roundtable-2027-01"].body["start"]["dateTime"].endswith("-06:00")
    assert events["roundtable-2027-06"].body["start"]["dateTime"].endswith("-05:00")


def test_data_deadlines_are_all_day_for_tls() -> None:
    deadline = by_key(desired_events(program())[0])["data-mid-year"]
    assert deadline.body["start"] == {"date": "2027-01-22"}
    assert deadline.body["end"] == {"date": "2027-01-23"}
    assert deadline.body["transparency"] == "transparent"
    assert set(emails(deadline)) == {"tl1@cps.example.edu", "tl2@cps.example.edu"}


def test_deadlines_from_program_tab_when_no_row_asks() -> None:
    events = [e for e in seed_events() if e.kind != "data_deadline"]
    prog = program(events=events, mid_year_data_due=date(2027, 1, 29))
    deadline = by_key(desired_events(prog)[0])["data-mid-year"]
    assert deadline.body["start"] == {"date": "2027-01-29"}


def test_coaching_series_one_recurring_event_per_team() -> None:
    events = by_key(desired_events(program())[0])
    series = events["coaching:T01"]
    assert "coaching:T02" in events and "coaching" not in events
    assert emails(series) == {"coach.a@tst.example.org": False, "tl1@cps.example.edu": False}
    assert series.teams == ["T01"]
    assert series.body["conferenceData"]["createRequest"]["conferenceSolutionKey"]["type"] == (
        "hangoutsMeet"
    )
    rule, exdate = series.body["recurrence"]
    assert rule == "RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20270701T045959Z"
    assert exdate == "EXDATE;TZID=America/Chicago:20261229T160000"
    start = datetime(2026, 9, 8, 16, 0, tzinfo=CHI)
    occurrences = list(rrulestr("\n".join(series.body["recurrence"]), dtstart=start, forceset=True))
    assert occurrences[0] == start and occurrences[1] == datetime(2026, 9, 22, 16, 0, tzinfo=CHI)
    assert datetime(2026, 12, 29, 16, 0, tzinfo=CHI) not in occurrences
    assert all((o.hour, o.minute) == (16, 0) for o in occurrences)  # local time across DST
    assert series.body["end"]["dateTime"] == "2026-09-08T16:30:00-05:00"


def test_coaching_series_for_named_teams_only() -> None:
    events = seed_events()
    events[-1] = events[-1].model_copy(update={"audience": ["Team:t02"], "until": date(2027, 5, 1)})
    keys = by_key(desired_events(program(events=events))[0])
    assert "coaching:T02" in keys and "coaching:T01" not in keys
    assert keys["coaching:T02"].body["recurrence"][0].endswith("UNTIL=20270502T045959Z")


# -- audiences -----------------------------------------------------------------------------


def test_principals_without_a_recorded_session_are_optional_everywhere() -> None:
    events = by_key(desired_events(program())[0])
    for n in (1, 2, 3):
        assert emails(events[f"principal-training-{n}"]) == {
            "principal1@cps.example.edu": True,
            "principal2@cps.example.edu": True,
        }


def test_a_recorded_session_invites_that_principal_there_only() -> None:
    prog = program(
        attendance=[
            Attendance(
                event_key="principal-training-2", email="Principal1@cps.example.edu", attended=False
            )
        ]
    )
    events = by_key(desired_events(prog)[0])
    assert emails(events["principal-training-1"]) == {"principal2@cps.example.edu": True}
    assert emails(events["principal-training-2"]) == {
        "principal1@cps.example.edu": False,
        "principal2@cps.example.edu": True,
    }


def test_team_audience_reaches_members_from_the_team_tab() -> None:
    events = [
        EventSpec(
            key="t1-celebration",
            title="Celebration",
            date=date(2027, 5, 20),
            start=time(15, 0),
            end=time(16, 0),
            audience=["Team:T01", "guest@tst.example.org"],
            row=2,
        )
    ]
    prog = program(events=events)
    assert teams_needing_members(prog) == ["T01"]
    members = {"T01": ["Ana@cps.example.edu", "outsider@gmail.com"]}
    desired, findings = desired_events(prog, members)
    assert set(emails(desired[0])) == {
        "tl1@cps.example.edu",
        "principal1@cps.example.edu",
        "coach.a@tst.example.org",
        "ana@cps.example.edu",
        "guest@tst.example.org",
    }
    assert desired[0].teams == ["T01"]
    [outside] = findings
    assert outside.rule == "calendar.not_invited_outside_domain"
    assert (outside.tab, outside.cell, outside.found) == ("Events", "I2", "outsider@gmail.com")


def test_paused_teams_are_not_invited() -> None:
    prog = program(teams=[team(1), team(2).model_copy(update={"status": "Withdrawn"})])
    fall = by_key(desired_events(prog)[0])["fall-training"]
    assert "tl2@cps.example.edu" not in emails(fall)


# -- findings ------------------------------------------------------------------------------


def test_bad_rows_become_findings_naming_tab_and_cell() -> None:
    events = [
        EventSpec(
            key="backwards",
            title="Backwards",
            date=date(2026, 9, 1),
            start=time(18, 0),
            end=time(17, 0),
            row=5,
        ),
        EventSpec(
            key="who",
            title="Who?",
            date=date(2026, 9, 2),
            start=time(18, 0),
            end=time(19, 0),
            audience=["All TL's, Janitors"],
            row=6,
            cells={"audience": "K6", "event_key": "A6"},
        ),
        EventSpec(key="no-start", title="No start", date=date(2026, 9, 3), end=time(19, 0), row=7),
        EventSpec(key="backwards", title="Again", date=date(2026, 9, 4), row=8),
    ]
    desired, findings = desired_events(program(events=events))
    assert [e.key for e in desired] == ["who"]  # an unknown audience still makes the event
    got = {(f.rule, f.tab, f.cell, f.found) for f in findings}
    assert got == {
        ("calendar.end_before_start", "Events", "F5", "18:00–17:00"),
        ("calendar.unknown_audience", "Events", "K6", "Janitors"),
        ("calendar.bad_time", "Events", "E7", "end 19:00, no start"),
        ("calendar.duplicate_key", "Events", "A8", "backwards"),
    }
    assert set(emails(desired[0])) == {"tl1@cps.example.edu", "tl2@cps.example.edu"}
    assert all(f.link and "roster123" in f.link for f in findings)


# -- diff and plan -------------------------------------------------------------------------


def as_google_returns(event: DesiredEvent) -> dict[str, object]:
    """What Calendar answers for an inserted body: conference created, statuses added."""
    body = dict(event.body)
    if "conferenceData" in body:
        body["conferenceData"] = {
            "entryPoints": [{"entryPointType": "video", "uri": "https://meet.google.com/abc"}]
        }
        body["hangoutLink"] = "https://meet.google.com/abc"
    if not body.get("location"):
        body.pop("location")
    if not body.get("recurrence"):
        body.pop("recurrence")
    body["attendees"] = [{**a, "responseStatus": "needsAction"} for a in body["attendees"]]
    body["status"] = "confirmed"
    return body


def test_nothing_changed_means_nothing_to_do() -> None:
    desired, _ = desired_events(program())
    plan = plan_changes(desired, [as_google_returns(e) for e in desired])
    assert (plan.create, plan.patch, plan.cancel) == ([], [], [])
    assert len(plan.unchanged) == len(desired)


def test_a_new_start_time_patches_only_start_and_end() -> None:
    desired, _ = desired_events(program())
    existing = [as_google_returns(e) for e in desired]
    events = seed_events()
    events[0] = events[0].model_copy(update={"start": time(17, 0)})
    plan = plan_changes(desired_events(program(events=events))[0], existing)
    [(event, patch)] = plan.patch
    assert event.key == "fall-training"
    assert patch == {
        "start": {"dateTime": "2026-08-17T17:00:00-05:00", "timeZone": "America/Chicago"}
    }


def test_time_zone_spelled_differently_is_the_same_instant() -> None:
    want = desired_events(program())[0][0].body
    have = {
        **as_google_returns(desired_events(program())[0][0]),
        "start": {"dateTime": "2026-08-17T22:30:00Z", "timeZone": "America/Chicago"},
    }
    assert diff_event(want, have) == {}


def test_removed_rows_are_cancelled_and_returning_rows_revived() -> None:
    desired, _ = desired_events(program())
    existing = [as_google_returns(e) for e in desired]
    plan = plan_changes([e for e in desired if e.key != "roundtable-2026-10"], existing)
    assert [c["extendedProperties"]["private"]["tstEventKey"] for c in plan.cancel] == [
        "roundtable-2026-10"
    ]
    existing[1]["status"] = "cancelled"
    plan = plan_changes(desired, existing)
    [(_, patch)] = plan.patch
    assert patch == {"status": "confirmed"}


def test_attendee_changes_keep_response_statuses() -> None:
    desired, _ = desired_events(program())
    existing = [as_google_returns(e) for e in desired]
    existing[0]["attendees"][0]["responseStatus"] = "accepted"  # type: ignore[index]
    grown = program(teams=[team(1), team(2), team(3)])
    plan = plan_changes(desired_events(grown)[0], existing)
    patched = {e.key: p for e, p in plan.patch}
    assert set(patched["fall-training"]) == {"attendees"}
    fall = {a["email"]: a for a in patched["fall-training"]["attendees"]}
    assert "tl3@cps.example.edu" in fall
    assert fall["coach.a@tst.example.org"]["responseStatus"] == "accepted"
    assert "principal-training-1" in patched  # principal3 joins as optional
    assert "roundtable-2026-09" in patched


def test_virtual_to_in_person_drops_the_meet() -> None:
    desired, _ = desired_events(program())
    existing = [as_google_returns(e) for e in desired]
    events = seed_events()
    events[1] = events[1].model_copy(update={"mode": "in_person", "location": "Library"})
    patched = {
        e.key: p for e, p in plan_changes(desired_events(program(events=events))[0], existing).patch
    }
    assert patched == {"roundtable-2026-09": {"location": "Library", "conferenceData": None}}


# -- Program Events tab ---------------------------------------------------------------------


def test_program_event_rows_for_one_team() -> None:
    desired, _ = desired_events(program())
    links = {"roundtable-2026-09": "https://meet.google.com/abc-defg-hij"}
    rows = program_event_rows(desired, "T01", links)
    assert rows[0] == [
        "2026-08-17",
        "5:30 PM – 8:30 PM",
        "TST Fall Training",
        "In person",
        "Malcolm X College, 1900 W Jackson",
    ]
    assert [
        "2026-09-15",
        "5:00 PM – 6:30 PM",
        "Cohort Roundtable",
        "Virtual",
        "https://meet.google.com/abc-defg-hij",
    ] in rows
    assert ["2027-01-22", "All day", "Mid-year data due", "", ""] in rows
    coaching = [r for r in rows if r[2].startswith("Coaching")]
    assert coaching == [
        [
            "2026-09-08",
            "Every 2 weeks, 4:00 PM – 4:30 PM",
            "Coaching · School 1",
            "Virtual",
            "Google Meet (link in the invitation)",
        ]
    ]
    assert any(r[2] == "Principal Training" for r in rows)  # the team's principal is invited
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)


def test_all_day_to_timed_clears_the_date() -> None:
    desired, _ = desired_events(program())
    existing = [as_google_returns(e) for e in desired]
    events = [
        e.model_copy(update={"start": time(9, 0), "end": time(17, 0)})
        if e.key == "data-mid-year"
        else e
        for e in seed_events()
    ]
    patched = {
        e.key: p for e, p in plan_changes(desired_events(program(events=events))[0], existing).patch
    }
    start = patched["data-mid-year"]["start"]
    assert start == {
        "date": None,
        "dateTime": "2027-01-22T09:00:00-06:00",
        "timeZone": "America/Chicago",
    }
    assert patched["data-mid-year"]["transparency"] == "opaque"
