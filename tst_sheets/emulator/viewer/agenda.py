"""A calendar's events (Calendar v3 ``Event`` resources) as an agenda, month by month."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def render(events: list[dict[str, Any]], time_zone: str) -> str:
    tz = _zone(time_zone)
    dated = sorted(((_start(e, tz), e) for e in events), key=lambda pair: pair[0])
    if not dated:
        return '<p class="muted">No events.</p>'
    out = [f'<p class="muted">Times in {escape(time_zone)}.</p>']
    for month, group in groupby(dated, key=lambda pair: (pair[0].year, pair[0].month)):
        out.append(f'<h2>{date(month[0], month[1], 1):%B %Y}</h2><ol class="agenda">')
        out += [_item(event, start, tz) for start, event in group]
        out.append("</ol>")
    return "".join(out)


def _item(event: dict[str, Any], start: datetime, tz: ZoneInfo) -> str:
    cancelled = event.get("status") == "cancelled"
    title = escape(str(event.get("summary") or "(no title)"))
    details = []
    if event.get("location"):
        details.append(escape(str(event["location"])))
    attendees = event.get("attendees") or []
    if attendees:
        details.append(f"{len(attendees)} guest{'s' if len(attendees) != 1 else ''}")
    extra = f' <span class="muted">· {" · ".join(details)}</span>' if details else ""
    css = ' class="cancelled"' if cancelled else ""
    return (
        f'<li><span class="when">{escape(_when(event, start, tz))}</span>'
        f"<span{css}>{title}{' (cancelled)' if cancelled else ''}</span>{extra}</li>"
    )


def _when(event: dict[str, Any], start: datetime, tz: ZoneInfo) -> str:
    day = f"{start:%a} {start.day} {start:%b}"
    if "date" in (event.get("start") or {}):
        end = _parse(event.get("end") or {}, tz)
        days = (end - start).days if end else 1
        return f"{day} · all day" + (f" ({days} days)" if days > 1 else "")
    end = _parse(event.get("end") or {}, tz)
    until = f"–{end:%H:%M}" if end else ""
    return f"{day} · {start:%H:%M}{until}"


def _start(event: dict[str, Any], tz: ZoneInfo) -> datetime:
    return _parse(event.get("start") or {}, tz) or datetime.max.replace(tzinfo=tz) - timedelta(1)


def _parse(when: dict[str, Any], tz: ZoneInfo) -> datetime | None:
    try:
        if "dateTime" in when:
            moment = datetime.fromisoformat(str(when["dateTime"]).replace("Z", "+00:00"))
            return moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=tz)
        if "date" in when:
            return datetime.combine(date.fromisoformat(str(when["date"])), datetime.min.time(), tz)
    except ValueError:
        return None
    return None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
