"""An application to the program as staff keep it on the roster's Applications tab (typed,
or fed by a Google Form's response sheet): seed 000's "collaborative application which
includes school background, team vision and commitment review"."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

Decision = Literal["Pending", "Accepted", "Declined", "Waitlisted"]
DECISIONS: tuple[Decision, ...] = ("Pending", "Accepted", "Declined", "Waitlisted")


class NamedMember(BaseModel):
    """A colleague an application names for the Impact Team (an email when one was given)."""

    name: str = ""
    email: str = ""


class Application(BaseModel):
    row: int = Field(description="Roster row (1-based) on the Applications tab.")
    cells: dict[str, str] = Field(
        default_factory=dict, description="Column key → A1 cell, for findings."
    )
    submitted: date | None = None
    school: str = ""
    tl_name: str = ""
    tl_email: str = ""
    tl_years_teaching: float | None = None
    principal_name: str = ""
    principal_email: str = ""
    vision: str = ""
    focus_area: str = ""
    members: list[NamedMember] = Field(default_factory=list)
    tl_agreed: bool | None = None
    principal_agreed: bool | None = None
    coach_email: str = ""
    school_year: str = Field(default="", description='"2027-28"; "" : the roster\'s own year.')
    decision: Decision = "Pending"
    team_id: str = Field(default="", description="Recorded by the service once it is a team.")
    notes: str = ""

    @property
    def label(self) -> str:
        """How staff tell it apart: the school, else its row."""
        return self.school or f"row {self.row}"

    def others(self) -> list[NamedMember]:
        """The members named other than the TL."""
        tl = (self.tl_email.lower(), self.tl_name.strip().lower())
        return [
            m
            for m in self.members
            if not (m.email and m.email.lower() == tl[0])
            and not (m.name and m.name.strip().lower() == tl[1])
        ]
