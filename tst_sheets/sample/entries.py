"""A season of entries as a TL types them (``USER_ENTERED``), for the roll-up's tests and bench.

Each team gets a SMART goal, a work plan, two meetings and two coaching sessions a month, a
principal check-in every other month and a baseline, up to a date. ``Quirks`` plant the
mistakes real teams make, so a cohort has teams on track, at risk and behind.
"""

from __future__ import annotations

from datetime import date, timedelta

from gspread.utils import absolute_range_name
from pydantic import BaseModel

from tst_sheets.model import Team
from tst_sheets.workspace import Workspace

FIRST_ROW = 3  # below the header and the template's example row


class Quirks(BaseModel):
    missed_month: date | None = None  # first day of a month without any team meeting
    short_session: bool = False  # one 20-minute coaching session (does not count)
    typed_in_date: str | None = None  # text typed in a Meetings date cell (e.g. "=IMPORTXML(…)")
    no_goal: bool = False


def _months(start: date, until: date) -> list[date]:
    month = start.replace(day=1)
    out = []
    while month <= until:
        out.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def _days(months: list[date], days: tuple[int, ...], until: date) -> list[date]:
    return [m.replace(day=d) for m in months for d in days if m.replace(day=d) <= until]


def season(team: Team, members: list[tuple[str, str]], until: date,
           quirks: Quirks | None = None) -> dict[str, list[list[str]]]:
    """Tab title → rows (from ``FIRST_ROW``), as the TL would type them up to ``until``."""
    q = quirks or Quirks()
    months = _months(date(2026, 9, 1), until)
    meetings = [d for d in _days(months, (8, 22), until)
                if q.missed_month is None or d.replace(day=1) != q.missed_month]
    coaching = _days(months, (6, 20), until)
    checkins = _days(months[::2], (15,), until)
    out: dict[str, list[list[str]]] = {
        "Team": [[team.tl_name, team.tl_email, "Teacher Liaison", "", "2026-08-24"]]
        + [[name, email, "Impact Team Member", "", "2026-08-24"] for name, email in members],
        "Work Plan": [
            ["Reading", f"Peer observation round {i}", f"{m:%B/%Y}", "Shared strategies",
             "Observation log: baseline 0, target 12", team.tl_name,
             "Done" if m < until.replace(day=1) else "In progress", ""]
            for i, m in enumerate([*months, _months(until, until)[0]][:3], start=1)
        ],
        "Meetings": [[d.isoformat(), "45", team.tl_name, "Data review", "Next steps agreed"]
                     for d in meetings],
        "Coaching": [[d.isoformat(), "20" if q.short_session and i == 0 else "30", "Coach",
                      "Virtual", "Planning", ""] for i, d in enumerate(coaching)],
        "Principal Check-ins": [[d.isoformat(), "30", team.principal_name, "Goal progress", ""]
                                for d in checkins],
        "Data": [["Baseline", "2026-09-15", "Students reading at grade level", "40%", "60%", ""]],
    }
    if not q.no_goal:
        out["Goals"] = [[
            "Because no more than 40% of our students read at grade level, at least 60% will "
            "by May 2027", team.focus_area or "Reading", "STAR reading", "40%", "60%",
            "2027-05-31", "2026-09-10", "On track"]]
    if q.typed_in_date is not None:
        out["Meetings"].append([q.typed_in_date, "30", team.tl_name, "Notes", ""])
    return out


def type_season(tl: Workspace, book_id: str, rows: dict[str, list[list[str]]]) -> None:
    """ONE values.batchUpdate as the TL, ``USER_ENTERED`` (a leading ' keeps text as text)."""
    data = [{"range": absolute_range_name(title, f"A{FIRST_ROW}"), "values": values}
            for title, values in rows.items() if values]
    tl.sheets.http_client.values_batch_update(
        book_id, body={"valueInputOption": "USER_ENTERED", "data": data})
