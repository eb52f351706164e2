"""What a team logged in its workbook, row by row, each value traceable to its cell."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from tst_sheets.model.a1 import cell_link
from tst_sheets.model.findings import Finding

TimelineKind = Literal["date", "months", "recurring", "relative"]


def month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


class Timeline(BaseModel):
    """When a work-plan step is due, as the TL wrote it: days, months, or a recognised phrase."""

    text: str
    kind: TimelineKind
    dates: list[dt.date] = Field(default_factory=list)
    months: list[dt.date] = Field(default_factory=list, description="First day of each due month.")
    phrases: list[str] = Field(default_factory=list, description="Recurring/relative phrases.")
    year_inferred: bool = False
    unrecognised: list[str] = Field(default_factory=list)

    @property
    def due(self) -> dt.date | None:
        """The last day named (end of the last month); None when only phrases say when."""
        ends = [*self.dates, *(month_end(m) for m in self.months)]
        return max(ends) if ends else None


class Row(BaseModel):
    """One sheet row: its 1-based number and where each field sits (field → A1), for findings."""

    row: int
    cells: dict[str, str] = Field(default_factory=dict)

    def cell(self, field: str) -> str | None:
        return self.cells.get(field)


class Member(Row):
    name: str = ""
    email: str | None = None
    role: str = ""
    subject_grade: str = ""
    joined: dt.date | None = None
    left: dt.date | None = None
    notes: str = ""

    def active_on(self, day: dt.date) -> bool:
        return (self.joined is None or self.joined <= day) and (
            self.left is None or self.left > day
        )


class Goal(Row):
    goal: str = ""
    focus_area: str = ""
    data_source: str = ""
    baseline: float | None = None
    target: float | None = None
    target_date: dt.date | None = None
    set_with_principal_on: dt.date | None = None
    status: str = ""


class WorkPlanStep(Row):
    goal: str = ""
    action_step: str = ""
    timeline: Timeline | None = None
    timeline_text: str = ""
    expected_outcome: str = ""
    measure: str = ""
    person_responsible: list[str] = Field(default_factory=list)
    status: str = ""
    comments: str = ""


class Meeting(Row):
    date: dt.date | None = None
    minutes: int | None = None
    attendees: list[str] = Field(default_factory=list)
    focus: str = ""
    decisions: str = ""


class CoachingSession(Row):
    date: dt.date | None = None
    minutes: int | None = None
    coach: str = ""
    mode: str = ""
    focus: str = ""
    next_steps: str = ""


class PrincipalCheckIn(Row):
    date: dt.date | None = None
    minutes: int | None = None
    principal: str = ""
    topics: str = ""
    agreements: str = ""


class DataPoint(Row):
    collection_point: str = ""
    date: dt.date | None = None
    measure: str = ""
    value: float | None = None
    value_text: str = ""
    target: float | None = None
    notes: str = ""


class Sprint(Row):
    sprint: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    focus: str = ""
    result: str = ""
    reflection: str = ""


class TabRead(BaseModel):
    """How one tab was found: its real title and id, its header row, and where each column is."""

    key: str
    title: str
    sheet_id: int | None = None
    header_row: int | None = None
    columns: dict[str, str] = Field(default_factory=dict, description="field → column letter")
    next_row: int = 2

    def cell(self, field: str, row: int | None = None) -> str | None:
        """A1 of a field in a row (default: the first free row, where the TL would type next)."""
        column = self.columns.get(field)
        return f"{column}{row or self.next_row}" if column else None


class TeamRecord(BaseModel):
    """One team workbook read back: its rows by tab, and what could not be read (findings)."""

    team_id: str
    spreadsheet_id: str
    tabs: dict[str, TabRead] = Field(default_factory=dict, description="template tab key → read")
    members: list[Member] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    work_plan: list[WorkPlanStep] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    coaching: list[CoachingSession] = Field(default_factory=list)
    checkins: list[PrincipalCheckIn] = Field(default_factory=list)
    data: list[DataPoint] = Field(default_factory=list)
    sprints: list[Sprint] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)

    def has_tab(self, key: str) -> bool:
        return key in self.tabs

    def link(self, key: str, cell: str | None = None) -> str:
        tab = self.tabs.get(key)
        return cell_link(self.spreadsheet_id, tab.sheet_id if tab else None, cell)

    def last_activity(self, until: dt.date | None = None) -> dt.date | None:
        """The latest dated entry (meeting, coaching, check-in, data), up to ``until``."""
        logs: list[Meeting | CoachingSession | PrincipalCheckIn | DataPoint] = [
            *self.meetings,
            *self.coaching,
            *self.checkins,
            *self.data,
        ]
        days = [e.date for e in logs if e.date and (until is None or e.date <= until)]
        return max(days, default=None)
