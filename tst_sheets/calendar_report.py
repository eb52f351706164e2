"""Rich output for the calendar job and for what a person sees on their own calendar."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from rich.console import Console
from rich.table import Table

from tst_sheets.calendar_sync import CalendarResult, EventChange, local_moment, meet_link
from tst_sheets.workspace import Workspace


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
    if result.findings:
        findings = Table(title="Findings")
        for column in ("Where", "Rule", "Found", "Expected"):
            findings.add_column(column)
        for f in result.findings:
            where = f"{f.team} {f.tab or ''}!{f.cell or ''}".strip("!")
            findings.add_row(where, f.rule, f.found, f.expected)
        console.print(findings)
    calls = ", ".join(f"{api} {c['read']}r/{c['write']}w" for api, c in result.calls.items())
    console.print(f"API calls: {calls}")


def _when(item: Mapping[str, Any]) -> str:
    start = item.get("start") or {}
    if start.get("date"):
        return f"{start['date']} (all day)"
    if not start.get("dateTime"):
        return "?"
    begin, end = local_moment(start), local_moment(item.get("end") or start)
    return f"{begin:%Y-%m-%d %H:%M}–{end:%H:%M} {start.get('timeZone', '')}".rstrip()


def agenda_table(title: str, items: Sequence[Mapping[str, Any]]) -> Table:
    """A person's calendar as a table: when, what, where (Meet link or location)."""
    table = Table(title=title)
    for column in ("When", "Event", "Where", "Response"):
        table.add_column(column)
    for item in items:
        where = meet_link(item) or item.get("location") or ""
        response = next(
            (a.get("responseStatus", "") for a in item.get("attendees", []) if a.get("self")), ""
        )
        table.add_row(_when(item), str(item.get("summary", "")), str(where), response)
    return table


# -- the demo's last step -------------------------------------------------------------------


class DemoContextLike(Protocol):
    """What the demo's context offers (``tst_sheets.demo.DemoContext``)."""

    ws: Workspace
    state: dict[str, Any]

    def connect_as(self, email: str) -> Workspace: ...


def own_calendar(ws: Workspace) -> list[dict[str, Any]]:
    """The events on the caller's own primary calendar, a series once (1 read a page)."""
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = ws.calendar.events().list(calendarId="primary", pageToken=token).execute()
        items += [i for i in page.get("items", []) if i.get("status") != "cancelled"]
        token = page.get("nextPageToken")
        if not token:
            return sorted(items, key=_sort_key)


def _sort_key(item: Mapping[str, Any]) -> str:
    start = item.get("start") or {}
    if start.get("date"):
        return str(start["date"])
    return local_moment(start).isoformat() if start.get("dateTime") else ""


def agenda_rows(items: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "when": _when(item) + (" (every 2 weeks)" if item.get("recurrence") else ""),
            "event": str(item.get("summary", "")),
            "where": str(meet_link(item) or item.get("location") or ""),
        }
        for item in items
    ]


def demo_calendar_step(ctx: DemoContextLike) -> dict[str, Any]:
    """Sync the calendar, then look at one TL's and one principal's own calendars.

    Expects ``ctx.state["roster_id"]``; returns the step's detail with ``calls`` (the
    service's calls only: the two people read with their own clients) and ``agendas``.
    """
    from tst_sheets.jobs.calendar import sync_calendar

    result = sync_calendar(ctx.ws, str(ctx.state["roster_id"]))
    ctx.state["calendar_id"] = result.calendar_id
    agendas: dict[str, list[dict[str, str]]] = {}
    teams = result.program.active_teams() if result.program else []
    if teams:
        for email in (teams[0].tl_email, teams[0].principal_email):
            agendas[email] = agenda_rows(own_calendar(ctx.connect_as(email)))
    return {
        "created": len(result.created),
        "updated": len(result.updated),
        "cancelled": len(result.cancelled),
        "unchanged": len(result.unchanged),
        "findings": len(result.findings),
        "calls": result.calls,
        "agendas": agendas,
    }


def render_agendas(console: Console, agendas: Mapping[str, Sequence[Mapping[str, str]]]) -> None:
    for email, rows in agendas.items():
        table = Table(title=f"On {email}'s own Google Calendar")
        for column in ("When", "Event", "Where"):
            table.add_column(column)
        for row in rows:
            table.add_row(row["when"], row["event"], row["where"])
        console.print(table)
