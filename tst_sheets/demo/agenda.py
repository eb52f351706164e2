"""The demo's last step: sync the calendars, then look at two people's own calendars, each read
with that person's own identity, as they would see it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tst_sheets.calendar.team_tab import local_moment, meet_link
from tst_sheets.jobs.calendar import sync_calendar
from tst_sheets.workspace import Workspace

if TYPE_CHECKING:
    from tst_sheets.demo.run import DemoContext


def when_text(item: Mapping[str, Any]) -> str:
    start = item.get("start") or {}
    if start.get("date"):
        return f"{start['date']} (all day)"
    if not start.get("dateTime"):
        return "?"
    begin, end = local_moment(start), local_moment(item.get("end") or start)
    return f"{begin:%Y-%m-%d %H:%M}–{end:%H:%M} {start.get('timeZone', '')}".rstrip()


def own_calendar(ws: Workspace) -> list[dict[str, Any]]:
    """The events on the caller's own primary calendar, a series once (1 read a page)."""
    items = ws.calendar.list_events("primary")
    return sorted((i for i in items if i.get("status") != "cancelled"), key=_sort_key)


def _sort_key(item: Mapping[str, Any]) -> str:
    start = item.get("start") or {}
    if start.get("date"):
        return str(start["date"])
    return local_moment(start).isoformat() if start.get("dateTime") else ""


def agenda_rows(items: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "when": when_text(item) + (" (every 2 weeks)" if item.get("recurrence") else ""),
            "event": str(item.get("summary", "")),
            "where": str(meet_link(item) or item.get("location") or ""),
        }
        for item in items
    ]


def demo_calendar_step(ctx: DemoContext) -> dict[str, Any]:
    """Sync the calendar, then look at one TL's and one principal's own calendars.

    Expects ``ctx.state["roster_id"]``; returns the step's detail with ``calls`` (the
    service's calls only: the two people read with their own clients) and ``agendas``.
    """
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
