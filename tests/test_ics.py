"""The ICS export round-trips through icalendar with the roster's events."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar

from tests.test_calendar_sync import program
from tst_sheets.calendar.events import desired_events
from tst_sheets.calendar.ics import event_uid, to_ics

CHI = ZoneInfo("America/Chicago")
STAMP = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def export(**changes: object) -> Calendar:
    prog = program(**changes)
    events, _ = desired_events(prog)
    links = {"roundtable-2026-09": "https://meet.google.com/abc-defg-hij"}
    data = to_ics(prog.name, events, timezone=prog.timezone, links=links, stamp=STAMP)
    return Calendar.from_ical(data)


def vevents(cal: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_every_roster_event_once_with_stable_uids() -> None:
    prog = program()
    events, _ = desired_events(prog)
    parsed = vevents(export())
    assert set(parsed) == {event_uid("TST", e.key) for e in events}
    assert "fall-training@tst" in parsed
    # a second export is byte-identical apart from nothing: same UIDs, same content
    again = to_ics(prog.name, events, stamp=STAMP)
    assert again == to_ics(prog.name, events, stamp=STAMP)


def test_times_round_trip_in_the_program_zone() -> None:
    cal = export()
    parsed = vevents(cal)
    fall = parsed["fall-training@tst"]
    start, end = fall["DTSTART"].dt, fall["DTEND"].dt  # type: ignore[index]
    assert start == datetime(2026, 8, 17, 17, 30, tzinfo=CHI)
    assert end == datetime(2026, 8, 17, 20, 30, tzinfo=CHI)
    assert fall["DTSTART"].params["TZID"] == "America/Chicago"  # type: ignore[index]
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/Chicago"]
    assert str(fall["SUMMARY"]) == "TST Fall Training"  # type: ignore[index]
    assert str(fall["LOCATION"]).startswith("Malcolm X College")  # type: ignore[index]


def test_all_day_deadlines_and_meet_links() -> None:
    parsed = vevents(export())
    deadline = parsed["data-mid-year@tst"]
    assert deadline["DTSTART"].dt == date(2027, 1, 22)  # type: ignore[index]
    assert deadline["DTEND"].dt == date(2027, 1, 23)  # type: ignore[index]
    assert str(deadline["TRANSP"]) == "TRANSPARENT"  # type: ignore[index]
    virtual = parsed["roundtable-2026-09@tst"]
    assert str(virtual["LOCATION"]) == "https://meet.google.com/abc-defg-hij"  # type: ignore[index]
    assert str(virtual["URL"]) == "https://meet.google.com/abc-defg-hij"  # type: ignore[index]


def test_coaching_series_keeps_its_rule_and_breaks() -> None:
    series = vevents(export())["coaching:T01@tst"]
    ical = series.to_ical().decode()  # type: ignore[attr-defined]
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270701T045959Z;INTERVAL=2" in ical
    assert "EXDATE;TZID=America/Chicago:20261229T160000" in ical
    start = series["DTSTART"].dt  # type: ignore[index]
    rule = rrulestr(
        "RRULE:" + series["RRULE"].to_ical().decode(),  # type: ignore[index]
        dtstart=start,
        forceset=True,
    )
    for exdate in series["EXDATE"].dts:  # type: ignore[index]
        rule.exdate(exdate.dt)  # type: ignore[union-attr]
    occurrences = list(rule)
    assert occurrences[0] == datetime(2026, 9, 8, 16, 0, tzinfo=CHI)
    assert datetime(2026, 12, 29, 16, 0, tzinfo=CHI) not in occurrences
    assert datetime(2026, 12, 15, 16, 0, tzinfo=CHI) in occurrences
    assert occurrences[-1].date() <= date(2027, 6, 30)


def test_compare_with_the_roster_rows() -> None:
    prog = program()
    parsed = vevents(export())
    for spec in prog.events:
        if spec.kind == "coaching_series":
            continue
        item = parsed[event_uid(prog.name, spec.key)]
        assert str(item["SUMMARY"]) == spec.title  # type: ignore[index]
        start = item["DTSTART"].dt  # type: ignore[index]
        if spec.start is None:
            assert start == spec.date
        else:
            assert start == datetime.combine(spec.date, spec.start, tzinfo=CHI)
            assert item["DTEND"].dt.time() == (spec.end or time(0))  # type: ignore[index]


def test_valid_rfc5545_lines() -> None:
    prog = program()
    events, _ = desired_events(prog)
    text = to_ics(prog.name, events, stamp=STAMP).decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)  # folded
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == len(events)
    assert all(f"DTSTAMP:{STAMP:%Y%m%dT%H%M%SZ}" in text for _ in events)
    assert "ATTENDEE" not in text  # addresses stay inside the program
