"""What the checks say: findings that point at a cell."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Severity = Literal["info", "warning", "due_soon", "overdue", "error"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "overdue": 1, "due_soon": 2, "warning": 3, "info": 4}
SEVERITY_WORDS: dict[str, str] = {
    "error": "Error",
    "overdue": "Overdue",
    "due_soon": "Due soon",
    "warning": "Warning",
    "info": "Info",
}


class Finding(BaseModel):
    """One thing a coach should know: where it is, what was found, what was expected."""

    team: str
    rule: str
    severity: Severity
    tab: str | None = None
    cell: str | None = None
    found: str = ""
    expected: str = ""
    link: str | None = None

    @property
    def where(self) -> str:
        """ "Meetings!A9", "Sprints" (a whole tab), or "" (the workbook itself)."""
        return "!".join(part for part in (self.tab, self.cell) if part)

    def sort_key(self) -> tuple[int, str, str, str]:
        return (SEVERITY_ORDER[self.severity], self.team, self.tab or "", self.cell or "")
