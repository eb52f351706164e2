"""The sent log: one row per person and ISO week, what makes the weekly email go exactly once.

A row is written ``sending`` before its message goes (with the message's ``Message-ID``) and
turned ``sent`` right after Gmail accepts it. A run finds a person's row of the week ``sent``:
nothing to do; ``sending``: an earlier run stopped between the two, so the sender's Sent mail
says whether it went. Each row also keeps the teams' statuses the digest reported, so next
week's digest can say who changed since. The log keeps, per person, the rows of the current
week and their latest earlier digest, nothing older.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, PrivateAttr

HEADER = ["Week", "Email", "Roles", "State", "Message ID", "Logged At", "Statuses"]
State = Literal["sending", "sent"]
STATES: tuple[State, ...] = ("sending", "sent")


def iso_week(day: date) -> str:
    """ "2026-W48": the ISO year and week (Monday to Sunday) ``day`` falls in."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class LogRow(BaseModel):
    week: str
    email: str
    roles: str = ""
    state: State = "sending"
    message_id: str = ""
    logged_at: str = Field(default="", description="UTC, ISO 8601: when the row was written")
    statuses: dict[str, str] = Field(default_factory=dict)

    def cells(self) -> list[str]:
        statuses = json.dumps(self.statuses, sort_keys=True, ensure_ascii=False)
        return [
            self.week,
            self.email,
            self.roles,
            self.state,
            self.message_id,
            self.logged_at,
            statuses if self.statuses else "",
        ]

    @classmethod
    def from_cells(cls, cells: Sequence[object]) -> LogRow | None:
        """A row as the tab holds it; None for a blank or unusable one (a hand edit)."""
        text = [str(c).strip() if c is not None else "" for c in cells]
        text += [""] * (len(HEADER) - len(text))
        week, email, roles, state, message_id, logged_at, statuses = text[: len(HEADER)]
        if not week or "@" not in email or state not in STATES:
            return None
        return cls(
            week=week,
            email=email.lower(),
            roles=roles,
            state=state,
            message_id=message_id,
            logged_at=logged_at,
            statuses=_statuses(statuses),
        )


def _statuses(text: str) -> dict[str, str]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


class SentLog(BaseModel):
    rows: list[LogRow] = Field(default_factory=list)
    _by_email: dict[str, list[LogRow]] | None = PrivateAttr(default=None)

    @classmethod
    def parse(cls, values: Sequence[Sequence[object]]) -> SentLog:
        """The tab's values, header first."""
        rows = (LogRow.from_cells(r) for r in values[1:])
        return cls(rows=[r for r in rows if r is not None])

    def of(self, email: str) -> list[LogRow]:
        if self._by_email is None:
            self._by_email = {}
            for row in self.rows:
                self._by_email.setdefault(row.email, []).append(row)
        return self._by_email.get(email.lower(), [])

    def this_week(self, email: str, week: str) -> LogRow | None:
        """The person's row of ``week`` (a ``sent`` one first)."""
        mine = [r for r in self.of(email) if r.week == week]
        return next((r for r in mine if r.state == "sent"), mine[0] if mine else None)

    def last_sent(self, email: str, week: str) -> LogRow | None:
        """Their latest digest before ``week``."""
        earlier = [r for r in self.of(email) if r.state == "sent" and r.week < week]
        return max(earlier, key=lambda r: r.week, default=None)

    def compacted(self, week: str) -> list[LogRow]:
        """The rows worth keeping: this week's, and each person's latest earlier digest."""
        kept: list[LogRow] = []
        for email in dict.fromkeys(r.email for r in self.rows):
            last = self.last_sent(email, week)
            kept += [last] if last else []
            kept += [r for r in self.of(email) if r.week == week]
        return kept
