"""The program as staff keep it in the roster spreadsheet."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field

from tst_sheets.model.a1 import cell_link
from tst_sheets.model.applications import Application
from tst_sheets.model.years import label_of

TeamState = Literal["Active", "Paused", "Withdrawn"]
EventKind = Literal[
    "fall_training",
    "roundtable",
    "principal_training",
    "data_deadline",
    "summer_planning",
    "coaching_series",
    "other",
]
EventMode = Literal["in_person", "virtual"]
# The words staff read and type on the roster's Events tab for each kind and mode.
KIND_LABELS: dict[str, str] = {
    "fall_training": "Fall Training",
    "roundtable": "Roundtable",
    "principal_training": "Principal Training",
    "data_deadline": "Data Deadline",
    "summer_planning": "Summer Planning",
    "coaching_series": "Coaching Series",
    "other": "Other",
}
MODE_LABELS: dict[str, str] = {"in_person": "In person", "virtual": "Virtual"}
Day = date  # for annotations inside classes whose field is named ``date``
DEFAULT_TIMEZONE = "America/Chicago"


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; the program's default when it is unknown or empty."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def today(timezone: str) -> date:
    """Today where the program is (never in the machine's own time zone)."""
    return datetime.now(zone(timezone)).date()


class DateRange(BaseModel):
    """A closed range of days, e.g. a school break."""

    start: date
    end: date
    label: str = ""

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


class Coach(BaseModel):
    name: str
    email: str
    active: bool = True


class Team(BaseModel):
    team_id: str
    school: str
    focus_area: str = ""
    tl_name: str
    tl_email: str
    tl_years_teaching: float | None = None
    principal_name: str = ""
    principal_email: str = ""
    coach_email: str = ""
    status: TeamState = "Active"
    sheet_url: str = ""
    program_year: int = Field(default=1, description="1, or 2 in the optional second year.")
    continuing: bool | None = Field(
        default=None, description="Staff's word that the team goes on next year (rollover)."
    )
    previous_sheet_url: str = Field(default="", description="Last year's workbook, if any.")
    row: int | None = Field(default=None, description="Roster row (1-based) this team came from.")


class EventSpec(BaseModel):
    """One Events row: a roundtable, a training, a deadline, a coaching series."""

    key: str
    title: str
    kind: EventKind = "other"
    date: date
    start: time | None = None  # None: an all-day event
    end: time | None = None
    mode: EventMode = "in_person"
    location: str = ""
    audience: list[str] = Field(default_factory=list)
    notes: str = ""
    row: int | None = None
    until: Day | None = Field(
        default=None, description="coaching_series: every two weeks until (default: year end)."
    )
    cells: dict[str, str] = Field(
        default_factory=dict, description="Roster cell (A1) of each field, for findings."
    )


class Attendance(BaseModel):
    event_key: str
    email: str
    attended: bool
    row: int | None = Field(default=None, description="Roster row (1-based), for links.")


class Observation(BaseModel):
    team_id: str
    date: date
    observer: str = ""
    notes: str = ""
    row: int | None = Field(default=None, description="Roster row (1-based), for links.")


class Program(BaseModel):
    name: str = "TST"
    roster_id: str = ""
    school_year_start: date
    school_year_end: date
    timezone: str = DEFAULT_TIMEZONE
    allowed_domains: list[str] = Field(default_factory=list)
    staff_emails: list[str] = Field(default_factory=list)
    digest_opt_outs: list[str] = Field(
        default_factory=list, description="Who asked not to get the weekly email."
    )
    mid_year_data_due: date | None = None
    end_of_year_data_due: date | None = None
    breaks: list[DateRange] = Field(default_factory=list)
    rollup_spreadsheet_id: str = ""
    calendar_id: str = ""
    coaches: list[Coach] = Field(default_factory=list)
    teams: list[Team] = Field(default_factory=list)
    events: list[EventSpec] = Field(default_factory=list)
    # Event keys whose rows could not be read this time (a time of "25:00"): their calendar
    # events stay as they are, neither made from a guess nor cancelled.
    held_events: list[str] = Field(default_factory=list)
    attendance: list[Attendance] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    applications: list[Application] = Field(default_factory=list)
    roster_tabs: dict[str, int] = Field(
        default_factory=dict, description="Roster tab key → its sheet id, for links to it."
    )

    @property
    def school_year(self) -> DateRange:
        return DateRange(start=self.school_year_start, end=self.school_year_end)

    @property
    def year(self) -> str:
        """The school year's name, e.g. "2026-27" (its files' ``tstYear`` label)."""
        return label_of(self.school_year_start)

    def today(self) -> date:
        return today(self.timezone)

    def active_teams(self) -> list[Team]:
        return [team for team in self.teams if team.status == "Active"]

    def email_allowed(self, email: str) -> bool:
        domain = email.rsplit("@", 1)[-1].lower()
        return any(domain == allowed.lower().lstrip("@") for allowed in self.allowed_domains)

    def wants_digest(self, email: str) -> bool:
        return email.lower() not in {e.lower() for e in self.digest_opt_outs}

    def coach(self, email: str) -> Coach | None:
        return next((c for c in self.coaches if c.email.lower() == email.lower()), None)

    def roster_link(self, tab_key: str | None = None, cell: str | None = None) -> str | None:
        """A link into the roster: a tab (by template key) and cell, as far as known."""
        if not self.roster_id:
            return None
        return cell_link(self.roster_id, self.roster_tabs.get(tab_key or ""), cell)
