"""The program's commitments as data (``sheet_templates/commitments.yaml``), validated.

``Rule`` is the typed registry: a union of every rule kind, told apart by ``kind``; each kind
knows its own check and the roll-up columns it fills.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from tst_sheets.commitments.attendance import AttendanceRule
from tst_sheets.commitments.base import Owner
from tst_sheets.commitments.data_collection import DataCollectionRule
from tst_sheets.commitments.goal_with_principal import GoalWithPrincipalRule
from tst_sheets.commitments.monthly_count import MonthlyCountRule
from tst_sheets.commitments.per_year import PerYearRule
from tst_sheets.commitments.roster_min import RosterMinRule
from tst_sheets.commitments.smart_goal import SmartGoalRule
from tst_sheets.commitments.team_size import TeamSizeRule
from tst_sheets.commitments.work_plan import WorkPlanRule
from tst_sheets.config import DEFAULT_TEMPLATES
from tst_sheets.model import Severity

COMMITMENTS_FILE = DEFAULT_TEMPLATES / "commitments.yaml"

Rule = Annotated[
    TeamSizeRule
    | MonthlyCountRule
    | PerYearRule
    | DataCollectionRule
    | SmartGoalRule
    | GoalWithPrincipalRule
    | WorkPlanRule
    | AttendanceRule
    | RosterMinRule,
    Field(discriminator="kind"),
]


Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKDAYS: tuple[Weekday, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class Commitment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    label: str = ""
    text: str
    owner: Owner
    severity: Severity
    rule: Rule
    # The program years it applies to (1, 2 = the optional second year); empty: every year.
    years: list[int] = Field(default_factory=list)

    def applies_to(self, program_year: int) -> bool:
        return not self.years or program_year in self.years


class CommitmentSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = "tst_commitments"
    version: int = 1
    staff_owners: list[Owner] = Field(default_factory=lambda: list[Owner](["TST"]))
    school_days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS[:5]))
    finding_labels: dict[str, str] = Field(default_factory=dict)
    commitments: list[Commitment]

    @model_validator(mode="after")
    def _one_per_year(self) -> CommitmentSet:
        """An id may repeat (a second year's own version) only for years none other has."""
        for year in range(1, 1 + max((y for c in self.commitments for y in c.years), default=1)):
            ids = [c.id for c in self.commitments if c.applies_to(year)]
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                raise ValueError(f"commitments {twice} apply twice to program year {year}")
        return self

    def for_year(self, program_year: int) -> CommitmentSet:
        """The commitments a team in its ``program_year`` keeps (each id at most once)."""
        mine = [c for c in self.commitments if c.applies_to(program_year)]
        return self.model_copy(update={"commitments": mine})

    def get(self, commitment_id: str) -> Commitment:
        return next(c for c in self.commitments if c.id == commitment_id)

    def find(self, commitment_id: str) -> Commitment | None:
        return next((c for c in self.commitments if c.id == commitment_id), None)

    def is_staff(self, commitment_id: str) -> bool:
        """A commitment program staff keep: listed for staff, never part of a team's status."""
        found = self.find(commitment_id)
        return found is not None and found.owner in self.staff_owners

    def words(self, rule: str) -> str:
        """A commitment or a readback rule in a few plain words."""
        if rule in self.finding_labels:
            return self.finding_labels[rule]
        found = self.find(rule)
        if found is not None:
            return found.label or found.text
        return rule.replace("_", " ").capitalize()

    def weekdays(self) -> frozenset[int]:
        """The school days as ``date.weekday()`` numbers (Monday 0)."""
        return frozenset(WEEKDAYS.index(day) for day in self.school_days)


def load_commitments(path: Path | str | None = None) -> CommitmentSet:
    """The commitments file (default: ``sheet_templates/commitments.yaml``), validated."""
    text = Path(path or COMMITMENTS_FILE).read_text(encoding="utf-8")
    return CommitmentSet.model_validate(yaml.safe_load(text))
