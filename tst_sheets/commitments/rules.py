"""The program's commitments as data (``sheet_templates/commitments.yaml``), validated.

``Rule`` is the typed registry: a union of every rule kind, told apart by ``kind``; each kind
knows its own check and the roll-up columns it fills.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field

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


class Commitment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    text: str
    owner: Owner
    severity: Severity
    rule: Rule


class CommitmentSet(BaseModel):
    name: str = "tst_commitments"
    version: int = 1
    commitments: list[Commitment]

    def get(self, commitment_id: str) -> Commitment:
        return next(c for c in self.commitments if c.id == commitment_id)


def load_commitments(path: Path | str | None = None) -> CommitmentSet:
    """The commitments file (default: ``sheet_templates/commitments.yaml``), validated."""
    text = Path(path or COMMITMENTS_FILE).read_text(encoding="utf-8")
    return CommitmentSet.model_validate(yaml.safe_load(text))
