"""What ``calendar`` prints by default, and a person's own calendar as a table (the demo)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table

from tst_sheets.calendar.plan import EventChange
from tst_sheets.cli.render.common import calls_text
from tst_sheets.jobs.calendar import CalendarResult


def _rows(action: str, changes: Sequence[EventChange]) -> list[tuple[str, str, str, str]]:
    return [(action, c.key, c.title, ", ".join(c.fields)) for c in changes]


def render_calendar_result(console: Console, result: CalendarResult) -> None:
    verb = "would be " if result.dry_run else ""
    table = Table(title=f"Program calendar {result.calendar_id or '(not created yet)'}")
    for column in ("Action", "Event key", "Title", "Changed fields"):
        table.add_column(column)
    rows = [
        *_rows(f"{verb}created", result.created),
        *_rows(f"{verb}updated", result.updated),
        *_rows(f"{verb}cancelled", result.cancelled),
    ]
    for row in rows:
        table.add_row(*row)
    if rows:
        console.print(table)
    console.print(
        f"{len(result.created)} {verb}created, {len(result.updated)} {verb}updated, "
        f"{len(result.cancelled)} {verb}cancelled, {len(result.unchanged)} unchanged; "
        f"team Program Events tabs {verb}refreshed: {len(result.team_tabs_updated)}"
    )
    sync = result.attendance
    if sync.rows_added or sync.rsvps_updated:
        console.print(
            f"Roster Attendance: {sync.rows_added} row(s) {verb}added for staff to fill, "
            f"{sync.rsvps_updated} RSVP(s) {verb}updated"
        )
    if result.findings:
        findings = Table(title="Findings")
        for column in ("Where", "Rule", "Found", "Expected"):
            findings.add_column(column)
        for f in result.findings:
            findings.add_row(f"{f.team} {f.where}".strip(), f.rule, f.found, f.expected)
        console.print(findings)
    console.print(f"API calls: {calls_text(result.calls)}")


def render_agendas(console: Console, agendas: Mapping[str, Sequence[Mapping[str, str]]]) -> None:
    for email, rows in agendas.items():
        table = Table(title=f"On {email}'s own Google Calendar")
        for column in ("When", "Event", "Where"):
            table.add_column(column)
        for row in rows:
            table.add_row(row["when"], row["event"], row["where"])
        console.print(table)
