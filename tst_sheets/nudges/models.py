"""A digest as data: one person, the sections of each role they hold, the lines, items,
changes and events of each. Rendering (HTML, text) and sending happen elsewhere."""

from __future__ import annotations

from datetime import date, time
from typing import Literal

from pydantic import Field

from tst_sheets.model import AutoCamel, Severity

Role = Literal["tl", "principal", "coach", "staff"]
ROLE_ORDER: tuple[Role, ...] = ("tl", "principal", "coach", "staff")
ROLE_WORDS: dict[str, str] = {
    "tl": "Teacher Liaison",
    "principal": "Principal",
    "coach": "TST coach",
    "staff": "program staff",
}


class Line(AutoCamel):
    """One sentence, linked where a cell or a spreadsheet shows it."""

    text: str
    link: str | None = None


class Item(AutoCamel):
    """One thing to do: what, where (a link to the exact cell) and by when."""

    team_id: str
    what: str
    expected: str = ""
    where: str = ""
    link: str | None = None
    by_when: str = ""
    due: date | None = None
    severity: Severity = "warning"


class Change(AutoCamel):
    """A team whose status changed since the person's last digest, and why."""

    team_id: str
    school: str = ""
    before: str
    after: str
    why: str = ""
    link: str | None = None


class Upcoming(AutoCamel):
    """A program event coming up (from the roster's Events)."""

    title: str
    date: date
    start: time | None = None
    end: time | None = None
    location: str = ""
    virtual: bool = False


class Section(AutoCamel):
    """What one role of the person gets: a heading, lines, items, changes, events."""

    role: Role
    title: str
    lines: list[Line] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    teams: list[Line] = Field(default_factory=list, description="coach: the caseload")
    behind: list[Line] = Field(default_factory=list, description="coach: who is behind")
    events: list[Upcoming] = Field(default_factory=list)
    link: Line | None = None  # e.g. the roll-up

    @property
    def news(self) -> bool:
        """Something to do or something new: worth an email on its own."""
        return bool(self.items or self.changes)


class Digest(AutoCamel):
    """One person's email for one ISO week."""

    to: str
    name: str = ""
    week: str
    subject: str = ""
    first: bool = Field(default=False, description="their first digest: says how it works")
    sections: list[Section] = Field(default_factory=list)
    # team id → status as this digest reports it: next week's "changed since last week"
    statuses: dict[str, str] = Field(default_factory=dict)

    @property
    def roles(self) -> list[Role]:
        return [s.role for s in self.sections]

    @property
    def items(self) -> list[Item]:
        return [i for s in self.sections for i in s.items]
