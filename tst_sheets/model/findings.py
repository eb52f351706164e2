"""What the checks say: findings that point at a cell."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Severity = Literal["info", "warning", "due_soon", "overdue", "error"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "overdue": 1, "due_soon": 2, "warning": 3, "info": 4}

SHEETS_URL = "https://docs.google.com/spreadsheets/d/{id}/edit"


def cell_link(spreadsheet_id: str, sheet_id: int | None = None, cell: str | None = None) -> str:
    """A link that opens a spreadsheet at a tab and cell (``…/edit#gid=SHEET_ID&range=A1``)."""
    url = SHEETS_URL.format(id=spreadsheet_id)
    if sheet_id is None:
        return url
    url += f"#gid={sheet_id}"
    if cell:
        url += f"&range={cell}"
    return url


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

    def sort_key(self) -> tuple[int, str, str, str]:
        return (SEVERITY_ORDER[self.severity], self.team, self.tab or "", self.cell or "")
