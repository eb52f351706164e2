"""What one read of the roster found: the program, its findings, and where things are for the
write-backs (settings, the Attendance tab)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tst_sheets.model import Finding, Program
from tst_sheets.model.a1 import absolute_range_name, rowcol_to_a1
from tst_sheets.reading.values import CellValue
from tst_sheets.templates import HeaderMatch

__all__ = ["AttendanceRow", "RosterRead", "TabLayout"]


class TabLayout(BaseModel):
    title: str
    sheet_id: int
    header: HeaderMatch | None = None


class AttendanceRow(BaseModel):
    """One Attendance row as staff keep it, "Attended" blank or not (for the write-back)."""

    event_key: str
    email: str
    attended: bool | None = None
    rsvp: str = ""
    row: int


class RosterRead(BaseModel):
    """The program, what was wrong with the roster, and where things are for write-backs."""

    program: Program
    findings: list[Finding] = Field(default_factory=list)
    attendance_rows: list[AttendanceRow] = Field(default_factory=list)
    attendance_values: list[list[CellValue]] = Field(
        default_factory=list, description="The Attendance tab as read (for the write-back)."
    )
    tabs: dict[str, TabLayout] = Field(default_factory=dict)  # template tab key -> layout
    setting_rows: dict[str, int] = Field(default_factory=dict)  # setting key -> 0-based row
    program_rows: int = 0  # rows the Program tab holds (for appending a setting)
    tab_rows: dict[str, int] = Field(
        default_factory=dict, description="Template tab key → rows read (the last filled one)."
    )

    def cell(self, tab_key: str, row: int, column_key: str) -> str | None:
        """The A1 range (with tab) of a column on a 1-based row, None if the column is gone."""
        layout = self.tabs.get(tab_key)
        if layout is None or layout.header is None:
            return None
        index = layout.header.columns.get(column_key)
        if index is None:
            return None
        return absolute_range_name(layout.title, rowcol_to_a1(row, index + 1))
