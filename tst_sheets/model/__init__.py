"""The domain's language as pydantic models: the program, what teams logged, what the checks say."""

from tst_sheets.model.findings import SEVERITY_ORDER, Finding, Severity, cell_link
from tst_sheets.model.program import (
    Attendance,
    Coach,
    DateRange,
    EventKind,
    EventMode,
    EventSpec,
    Observation,
    Program,
    Team,
    TeamState,
)

__all__ = [
    "SEVERITY_ORDER",
    "Attendance",
    "Coach",
    "DateRange",
    "EventKind",
    "EventMode",
    "EventSpec",
    "Finding",
    "Observation",
    "Program",
    "Severity",
    "Team",
    "TeamState",
    "cell_link",
]
