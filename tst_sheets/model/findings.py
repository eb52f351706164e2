"""What the checks say: findings that point at a cell."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from tst_sheets.model.a1 import cell_link
from tst_sheets.model.text import clip

ROSTER = "roster"  # Finding.team for problems in the roster itself
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
    # What makes it the same finding on the next run when its cell or words may change
    # (a missed commitment gaining months); "" : its team, rule, tab, cell and expectation.
    key: str = Field(default="", exclude=True)

    @field_validator("found", "expected")
    @classmethod
    def _readable(cls, text: str) -> str:
        """A pasted essay is quoted, not copied: the link leads to the whole cell."""
        return clip(text)

    @classmethod
    def at(
        cls,
        team: str,
        rule: str,
        severity: Severity,
        *,
        spreadsheet_id: str,
        sheet_id: int | None,
        tab: str | None,
        cell: str | None,
        found: str,
        expected: str,
    ) -> Finding:
        """A finding linked to its cell (or its tab, or the workbook, as far as known)."""
        link = cell_link(spreadsheet_id, sheet_id, cell) if spreadsheet_id else None
        return cls(
            team=team,
            rule=rule,
            severity=severity,
            tab=tab,
            cell=cell,
            found=found,
            expected=expected,
            link=link,
        )

    @property
    def where(self) -> str:
        """ "Meetings!A9", "Sprints" (a whole tab), or "" (the workbook itself)."""
        return "!".join(part for part in (self.tab, self.cell) if part)

    def sort_key(self) -> tuple[int, str, str, str]:
        return (SEVERITY_ORDER[self.severity], self.team, self.tab or "", self.cell or "")
