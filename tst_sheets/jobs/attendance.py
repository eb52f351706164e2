"""The roster's Attendance rows after each event, and the calendar's RSVPs beside them: ONE
``spreadsheets.batchUpdate`` on the roster when something changed, none otherwise (the roster
and the calendar's events are already read by the calendar job)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from tst_sheets.calendar import attendance
from tst_sheets.commitments import load_commitments
from tst_sheets.errors import GoogleError
from tst_sheets.jobs.roster import read_roster, roster_template
from tst_sheets.model import AutoCamel, Finding
from tst_sheets.model.findings import ROSTER
from tst_sheets.reading.roster_read import RosterRead
from tst_sheets.workspace import Workspace, once


class AttendanceSync(AutoCamel):
    """``{"rowsAdded", "rsvpsUpdated", "written"}``."""

    rows_added: int = 0
    rsvps_updated: int = 0
    written: bool = False


def sync_attendance(
    ws: Workspace,
    read: RosterRead,
    events: Sequence[Mapping[str, Any]],
    today: date,
    dry_run: bool,
    findings: list[Finding],
) -> AttendanceSync:
    """Add a row per person expected at each past event, keep the RSVP column current."""
    layout = read.tabs.get("attendance")
    if layout is None or layout.header is None:
        return AttendanceSync()  # the roster's own findings say why
    commitments = load_commitments(ws.settings.templates_dir / "commitments.yaml")
    answers = attendance.rsvps(events)
    planned = attendance.plan(read.program, commitments, answers, read.attendance_rows, today)
    out = AttendanceSync(rows_added=len(planned.add), rsvps_updated=len(planned.rsvp))
    if planned.empty or dry_run:
        return out
    tab = roster_template(ws).tab("attendance")
    requests = attendance.write_requests(planned, layout, tab, read.attendance_values)
    roster_id = read.program.roster_id

    def applied() -> dict[str, Any] | None:  # after a lost answer: are the rows there now?
        again = read_roster(ws, roster_id)
        fresh = attendance.plan(again.program, commitments, answers, again.attendance_rows, today)
        return {} if fresh.empty else None

    try:  # rows are appended: never sent twice without looking
        once(lambda: ws.sheets.batch_update(roster_id, requests), applied, ws.policy)
    except GoogleError as error:
        findings.append(
            Finding(
                team=ROSTER,
                rule="calendar.attendance_not_written",
                severity="warning",
                tab=layout.title,
                found=str(error)[:200],
                expected=f"{out.rows_added} Attendance rows added for staff to fill",
            )
        )
        return AttendanceSync()
    out.written = True
    return out
