"""The season's vocabulary: the mistakes real TLs make, where each one went, what one TL types."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

IMPORTXML = '\'=IMPORTXML("https://tst.example.org/resources","//h2")'
SEED = 2026
DEMO_AS_OF = date(2026, 11, 23)  # the demo's "today": a quarter into the sample school year
MistakeKind = Literal[
    "missed_month",  # no team meetings in one whole month
    "short_coaching",  # a 20-minute coaching session (does not count)
    "renamed_header",  # a required header retyped ("Attendees" → "Who came")
    "deleted_tab",  # the Sprints tab deleted
    "goal_without_target",  # a SMART goal that never says where it is going
    "step_without_measure",  # a work-plan step with no evaluative measure
    "formula_text",  # formula-looking text in a note: must stay text, never a finding
    "formula_error",  # a formula copied from last year's log: #REF!
    "member_left",  # a member left and the team is below its minimum size
    "short_first_coaching",  # the season's first coaching session typed as "20" (minutes)
    "formula_in_date",  # formula-looking text typed as a meeting's date: a finding, kept as text
    "no_checkins",  # the principal has not met the TL yet: the Principal Check-ins tab is empty
]
ALL_MISTAKES: tuple[MistakeKind, ...] = (
    "missed_month",
    "short_coaching",
    "renamed_header",
    "deleted_tab",
    "goal_without_target",
    "step_without_measure",
    "formula_text",
    "formula_error",
)
# the demo's cohort: eight teams with mistakes, the rest clean (T09's member leaves on its own)
DEFAULT_PLAN: dict[str, tuple[MistakeKind, ...]] = {
    "T01": ("missed_month",),
    "T02": ("short_coaching", "formula_text"),
    "T03": ("renamed_header",),
    "T04": ("deleted_tab",),
    "T05": ("goal_without_target",),
    "T06": ("step_without_measure",),
    "T07": ("formula_error", "formula_text"),
    "T10": ("no_checkins",),  # a principal with something to do in the weekly email
}


class Planted(BaseModel):
    """One mistake typed into a workbook, and where ``collect`` must report it."""

    team: str
    kind: MistakeKind
    tab: str = Field(description="Tab title the finding names")
    cell: str | None = Field(default=None, description="A1; None for a whole tab")
    rule: str | None = Field(
        default=None, description="The finding's rule; None: kept as typed text, no finding"
    )
    typed: str = Field(default="", description="What the TL typed there")
    found: str = Field(default="", description="Words the finding's `found` contains")


class TeamTyping(BaseModel):
    """What one TL types: the values (one write) and any structural change (one more)."""

    team_id: str
    tl_email: str
    data: list[dict[str, Any]] = Field(default_factory=list)
    requests: list[dict[str, Any]] = Field(default_factory=list)
    planted: list[Planted] = Field(default_factory=list)


class Season(BaseModel):
    as_of: date
    teams: list[str] = Field(default_factory=list, description="Team ids typed into")
    clean: list[str] = Field(default_factory=list, description="Teams without a mistake")
    planted: list[Planted] = Field(default_factory=list)
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)

    def of(self, team_id: str) -> list[Planted]:
        return [p for p in self.planted if p.team == team_id]


_TYPED_TABS = ("team", "goals", "work_plan", "meetings", "coaching", "checkins", "data", "sprints")
