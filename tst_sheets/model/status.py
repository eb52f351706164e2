"""Where a team stands on each commitment as of a date, why, and the figures a roll-up shows.

Everything here prints as camelCase JSON (``--json``): a team is ``{"teamId", "status", "why",
"commitments", "goal", …}``, each commitment ``{"id", "label", "owner", "status", "summary",
"figures"}``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_serializer
from pydantic.alias_generators import to_camel

from tst_sheets.model.camel import AutoCamel
from tst_sheets.model.findings import SEVERITY_ORDER, Finding
from tst_sheets.model.progress import GoalProgress

CommitmentState = Literal[
    "on_track", "due_soon", "at_risk", "behind", "not_recorded", "unknown", "not_applicable"
]
Overall = Literal["On track", "At risk", "Behind", "Unreadable"]
DataState = Literal["collected", "late", "due_soon", "missing", "not_due", "unknown"]
Figure = int | float | str | bool | None

# The words a person reads for each state, in every workbook and in the terminal.
COMMITMENT_WORDS: dict[str, str] = {
    "on_track": "On track",
    "due_soon": "Due soon",
    "at_risk": "At risk",
    "behind": "Behind",
    "not_recorded": "Not recorded",
    "unknown": "Unknown",
    "not_applicable": "N/A",
}
DATA_WORDS: dict[str, str] = {
    "collected": "Collected",
    "late": "Late",
    "due_soon": "Due soon",
    "missing": "Missing",
    "not_due": "Not due",
    "unknown": "Unknown",
}
# Who needs attention first.
STATUS_ORDER: tuple[Overall, ...] = ("Behind", "Unreadable", "At risk", "On track")


class Why(AutoCamel):
    """A status's reason in plain words, and the cell (or workbook) that shows it."""

    text: str
    link: str | None = None


class CommitmentStatus(AutoCamel):
    """One commitment for one team: its state, a one-line summary and the figures behind it."""

    id: str
    label: str = ""
    text: str = Field(default="", exclude=True)  # the seed's words; the label is what prints
    owner: str
    status: CommitmentState
    summary: str = ""
    figures: dict[str, Figure] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list, exclude=True)  # listed on the team

    @field_serializer("figures", when_used="json")
    def _camel_figures(self, figures: dict[str, Figure]) -> dict[str, Figure]:
        return {to_camel(key): value for key, value in figures.items()}


class TeamMetrics(AutoCamel):
    """The roll-up's columns for one team (None: the commitment is not configured or not known)."""

    meetings_this_month: int | None = None
    meetings_last_month: int | None = None
    meetings_required_per_month: int | None = None
    coaching_sessions_this_month: int | None = None
    coaching_minutes_this_month: int | None = None
    checkins_to_date: int | None = None
    checkins_expected_by_now: int | None = None
    checkins_per_year: int | None = None
    data_mid_year: DataState | None = None
    data_end_of_year: DataState | None = None
    work_plan_steps: int | None = None
    work_plan_complete_steps: int | None = None
    smart_goal: bool | None = None
    last_activity: date | None = None
    open_findings: int = 0


class TeamStatus(AutoCamel):
    """Where one team stands as of a date: overall and why, per commitment, every finding.

    ``findings`` are the team's to fix (TL, team, principal); ``staff_findings`` are what the
    program's staff owe this team (observation visits, the TL's experience on the roster):
    listed for staff, never part of the team's status.
    """

    team_id: str
    school: str = ""
    tl_name: str = ""
    coach_email: str = ""
    spreadsheet_id: str = ""
    as_of: date
    overall: Overall = Field(alias="status")
    why: Why
    commitments: list[CommitmentStatus] = Field(default_factory=list)
    goal: GoalProgress = Field(default_factory=GoalProgress)
    findings: list[Finding] = Field(default_factory=list)
    staff_findings: list[Finding] = Field(default_factory=list)
    metrics: TeamMetrics = Field(default_factory=TeamMetrics)

    def commitment(self, commitment_id: str) -> CommitmentStatus | None:
        return next((c for c in self.commitments if c.id == commitment_id), None)

    def top_findings(self, limit: int = 3) -> list[Finding]:
        """The most severe findings first (error, overdue, due soon, warning, info)."""
        return sorted(self.findings, key=lambda f: f.sort_key())[:limit]

    def open_findings(self, worse_than: str = "info") -> list[Finding]:
        return [f for f in self.findings if SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[worse_than]]
