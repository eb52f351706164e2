"""After each event, staff find a row per expected person on the roster's Attendance tab, with
the calendar's RSVP beside it: through the calendar job, the emulator and the real clients."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tst_sheets.config import Settings
from tst_sheets.demo.sample import sample_program
from tst_sheets.jobs.calendar import CalendarResult, sync_calendar
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.roster import read_roster
from tst_sheets.model import Program
from tst_sheets.workspace import Workspace, connect

HEADER = ["Event Key", "Email", "Attended", "Person", "Calendar RSVP"]


class Staff:
    """The program as staff run it: a roster, the calendar job on a given day."""

    def __init__(self, settings: Settings, roster_id: str, program: Program) -> None:
        self.settings, self.roster_id, self.program = settings, roster_id, program

    def sync(self, today: date) -> CalendarResult:
        ws = connect(self.settings.model_copy(update={"as_of": today}))
        return sync_calendar(ws, self.roster_id)

    def rows(self) -> list[list[Any]]:
        ws = connect(self.settings)
        reply = ws.sheets.client.http_client.values_get(self.roster_id, "Attendance")
        return [list(r) + [""] * (5 - len(r)) for r in reply.get("values", [])]

    def type(self, a1: str, value: str) -> None:
        staff = connect(self.settings, identity=self.program.staff_emails[0])
        staff.sheets.values_update(self.roster_id, f"Attendance!{a1}", [[value]], raw=False)


@pytest.fixture
def staff(workspace: Workspace, settings: Settings) -> Staff:
    program = sample_program()
    roster_id = init_roster(workspace, program=program).roster_spreadsheet_id
    return Staff(settings, roster_id, read_roster(workspace, roster_id).program)


def answer(person: Workspace, event_id: str, response: str) -> None:
    """A guest answers on their own calendar: the guest list as it is, their answer changed."""
    events = person.calendar.resource.events()
    item = events.get(calendarId="primary", eventId=event_id).execute()
    me = person.identity
    people = [
        {**a, "responseStatus": response} if a["email"] == me else a for a in item["attendees"]
    ]
    events.patch(calendarId="primary", eventId=event_id, body={"attendees": people}).execute()


def test_after_each_event_staff_find_a_row_per_expected_person_with_attended_blank(
    staff: Staff,
) -> None:
    result = staff.sync(date(2026, 9, 9))  # after Fall Training and the first roundtable
    rows = staff.rows()
    assert rows[0] == HEADER
    body = [r for r in rows[1:] if r[0]]
    keys = {r[0] for r in body}
    fall = next(e.key for e in staff.program.events if e.kind == "fall_training")
    september = next(e.key for e in staff.program.events if e.kind == "roundtable")
    principal = [e.key for e in staff.program.events if e.kind == "principal_training"]
    assert fall in keys and september in keys
    tls = {t.tl_email for t in staff.program.active_teams()}
    assert {r[1] for r in body if r[0] == fall} == tls
    assert all(r[2] == "" for r in body)  # Attended: for staff to tick
    alicia = next(r for r in body if r[0] == fall and r[1].startswith("alicia.gomez"))
    assert alicia[3] == "Alicia Gomez (T01 TL)" and alicia[4] == "no reply"
    # July's principal training: one of three sessions is enough; nobody answered, so each
    # principal gets one row, on the last session, for staff to say which one they attended
    sessions = [r for r in body if r[0] in principal]
    assert {r[0] for r in sessions} == {principal[-1]} and len(sessions) == 12
    assert result.attendance.rows_added == len(body) and result.calls["sheets"]["write"] >= 1


def test_no_row_twice_and_no_staff_edit_overwritten(staff: Staff) -> None:
    staff.sync(date(2026, 9, 9))
    before = staff.rows()
    row = next(i for i, r in enumerate(before) if r[1].startswith("alicia.gomez")) + 1
    staff.type(f"C{row}", "Yes")
    staff.type(f"D{row}", "Alicia G.")  # a row once added is the staff's to edit
    again = staff.sync(date(2026, 9, 10))
    after = staff.rows()
    assert len(after) == len(before) and again.attendance.rows_added == 0
    assert after[row - 1][2] in ("Yes", True, "TRUE") and after[row - 1][3] == "Alicia G."
    assert again.calls["sheets"]["write"] == 0  # nothing changed: no write at all


def test_rsvps_show_beside_the_rows_and_only_they_change(
    staff: Staff, connect_as: Callable[[str], Workspace]
) -> None:
    first = staff.sync(date(2026, 10, 1))
    october = next(e for e in staff.program.events if e.kind == "roundtable" and e.date.month == 10)
    tl = staff.program.active_teams()[1].tl_email
    item = first.events[october.key]
    answer(connect_as(tl), item["id"], "declined")
    after = staff.sync(october.date.replace(day=october.date.day + 1))
    rows = staff.rows()
    declined = [r for r in rows if r[0] == october.key and r[1] == tl]
    assert [r[4] for r in declined] == ["declined"]
    assert after.attendance.rows_added == 12
    staff.type(f"C{rows.index(declined[0]) + 1}", "No")
    answer(connect_as(tl), item["id"], "accepted")
    changed = staff.sync(october.date.replace(day=october.date.day + 2))
    assert (changed.attendance.rows_added, changed.attendance.rsvps_updated) == (0, 1)
    row = next(r for r in staff.rows() if r[0] == october.key and r[1] == tl)
    assert row[2] in ("No", False, "FALSE") and row[4] == "accepted"


def test_a_dry_run_plans_the_rows_and_writes_none(staff: Staff) -> None:
    ws = connect(staff.settings.model_copy(update={"as_of": date(2026, 9, 9)}))
    result = sync_calendar(ws, staff.roster_id, dry_run=True)
    assert result.attendance.rows_added > 0 and not result.attendance.written
    assert staff.rows()[1:] == [] or all(not r[0] for r in staff.rows()[1:])
