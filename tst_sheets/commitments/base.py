"""What every rule kind shares: the rule's base model and how a check reports its outcome."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from tst_sheets.model import SEVERITY_ORDER, CommitmentStatus, Finding, Severity
from tst_sheets.model.status import CommitmentState, Figure, TeamMetrics

if TYPE_CHECKING:
    from tst_sheets.commitments.context import Context
    from tst_sheets.commitments.rules import Commitment

Owner = Literal["TL", "principal", "TST", "team"]


class RuleBase(BaseModel):
    """One kind of rule: its parameters (from commitments.yaml), its check, its roll-up columns."""

    model_config = ConfigDict(extra="forbid")  # a misspelt parameter fails loudly, not silently

    def check(self, c: Commitment, ctx: Context) -> CommitmentStatus:
        raise NotImplementedError

    def fill_metrics(self, metrics: TeamMetrics, figures: dict[str, Figure]) -> None:
        """Copy the figures the roll-up shows as columns (most kinds show none)."""


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_name(month: date) -> str:
    return month.strftime("%B %Y")


def status(
    c: Commitment,
    state: CommitmentState,
    summary: str,
    findings: list[Finding],
    **figures: Figure,
) -> CommitmentStatus:
    return CommitmentStatus(
        id=c.id,
        label=c.label or c.text,
        text=c.text,
        owner=c.owner,
        status=state,
        summary=summary,
        figures=figures,
        findings=findings,
    )


def state_from(findings: list[Finding], c: Commitment) -> CommitmentState:
    """behind if a finding carries the commitment's own severity (or worse), at risk on warnings."""
    worst = min((SEVERITY_ORDER[f.severity] for f in findings), default=SEVERITY_ORDER["info"])
    if worst <= SEVERITY_ORDER[c.severity] and worst < SEVERITY_ORDER["due_soon"]:
        return "behind"
    if worst == SEVERITY_ORDER["due_soon"]:
        return "due_soon"
    return "at_risk" if worst <= SEVERITY_ORDER["warning"] else "on_track"


def missing_tab(c: Commitment, tab: str) -> CommitmentStatus:
    """The tab-missing finding already explains; the commitment cannot be judged."""
    return status(c, "unknown", f"cannot check: {tab} tab missing", [])


def due_severity(c: Commitment, ctx: Context, due: date) -> Severity:
    return c.severity if ctx.as_of > due else "due_soon"


def int_figure(value: Figure) -> int | None:
    return int(value) if isinstance(value, int | float) else None
