"""The program's rules for an application, as data (``sheet_templates/applications.yaml``):
one model per rule kind behind a union told apart by ``kind``, each with its own check."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from tst_sheets.config import DEFAULT_TEMPLATES
from tst_sheets.model import Application, Severity
from tst_sheets.model.years import FIRST_MONTH, parse_year

RULES_FILE = "applications.yaml"


class Miss(BaseModel):
    """What a rule found wrong with one application: the column, what was there, and what
    the rule asks."""

    column: str
    found: str
    expected: str


class RuleBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    label: str = ""
    text: str = ""
    severity: Severity = "error"


class RequiredRule(RuleBase):
    kind: Literal["required"]
    columns: list[str]

    def misses(self, app: Application, deadline: date) -> list[Miss]:
        values = app.model_dump()
        return [
            Miss(column=c, found="empty", expected=self.label or "a value")
            for c in self.columns
            if not values.get(c)
        ]


class AtLeastRule(RuleBase):
    kind: Literal["at_least"]
    column: str
    min: float
    unit: str = ""

    def misses(self, app: Application, deadline: date) -> list[Miss]:
        value = getattr(app, self.column, None)
        expected = f"at least {self.min:g} {self.unit}".strip()
        if value is None:
            return [Miss(column=self.column, found="empty", expected=expected)]
        if float(value) < self.min:
            return [Miss(column=self.column, found=f"{value:g}", expected=expected)]
        return []


class MembersRule(RuleBase):
    kind: Literal["members"]
    column: str = "members"
    min_others: int

    def misses(self, app: Application, deadline: date) -> list[Miss]:
        named = len(app.others())
        if named >= self.min_others:
            return []
        found = f"{named} other faculty named" if named != 1 else "1 other faculty member named"
        expected = f"at least {self.min_others} other faculty named, one per line"
        return [Miss(column=self.column, found=found, expected=expected)]


class AgreedRule(RuleBase):
    kind: Literal["agreed"]
    column: Literal["tl_commitments", "principal_commitments"]

    def misses(self, app: Application, deadline: date) -> list[Miss]:
        answer = app.tl_agreed if self.column == "tl_commitments" else app.principal_agreed
        if answer:
            return []
        found = "not answered" if answer is None else "No"
        return [Miss(column=self.column, found=found, expected=f"Yes: {self.label}")]


class DeadlineRule(RuleBase):
    kind: Literal["by_deadline"]
    column: str = "submitted"

    def misses(self, app: Application, deadline: date) -> list[Miss]:
        expected = f"submitted by {deadline.isoformat()}, the application deadline"
        if app.submitted is None:
            return [Miss(column=self.column, found="no date", expected=expected)]
        if app.submitted > deadline:
            return [Miss(column=self.column, found=app.submitted.isoformat(), expected=expected)]
        return []


ApplicationRule = Annotated[
    RequiredRule | AtLeastRule | MembersRule | AgreedRule | DeadlineRule,
    Field(discriminator="kind"),
]


class ApplicationRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = "tst_applications"
    version: int = 1
    deadline: str = Field(pattern=r"^\d{2}-\d{2}$", description="MM-DD before the school year")
    program_years: int = Field(default=2, ge=1)
    rules: list[ApplicationRule]

    def deadline_for(self, year: str) -> date:
        """The deadline of the school year named ``year`` ("2026-27" → 2026-05-27)."""
        first = parse_year(year)
        if first is None:
            raise ValueError(f"not a school year: {year!r}")
        month, day = (int(part) for part in self.deadline.split("-"))
        return date(first if month < FIRST_MONTH else first - 1, month, day)


def load_application_rules(directory: Path | None = None) -> ApplicationRules:
    path = Path(directory or DEFAULT_TEMPLATES) / RULES_FILE
    return ApplicationRules.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
