"""The domain's language as pydantic models: the program, what teams logged, what the checks
say, and the program's files in Drive."""

from tst_sheets.model.a1 import cell_link, spreadsheet_url
from tst_sheets.model.applications import Application, Decision, NamedMember
from tst_sheets.model.camel import AutoCamel, Camel
from tst_sheets.model.files import DriveFile, Permission
from tst_sheets.model.findings import SEVERITY_ORDER, SEVERITY_WORDS, Finding, Severity
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
    today,
)
from tst_sheets.model.progress import GoalProgress
from tst_sheets.model.records import (
    CoachingSession,
    DataPoint,
    Goal,
    Meeting,
    Member,
    PrincipalCheckIn,
    Row,
    Sprint,
    TabRead,
    TeamRecord,
    Timeline,
    WorkPlanStep,
)
from tst_sheets.model.status import (
    COMMITMENT_WORDS,
    DATA_WORDS,
    STATUS_ORDER,
    CommitmentStatus,
    TeamMetrics,
    TeamStatus,
    Why,
)

__all__ = [
    "COMMITMENT_WORDS",
    "DATA_WORDS",
    "SEVERITY_ORDER",
    "SEVERITY_WORDS",
    "STATUS_ORDER",
    "Application",
    "Attendance",
    "AutoCamel",
    "Camel",
    "Coach",
    "CoachingSession",
    "CommitmentStatus",
    "DataPoint",
    "DateRange",
    "Decision",
    "DriveFile",
    "EventKind",
    "EventMode",
    "EventSpec",
    "Finding",
    "Goal",
    "GoalProgress",
    "Meeting",
    "Member",
    "NamedMember",
    "Observation",
    "Permission",
    "PrincipalCheckIn",
    "Program",
    "Row",
    "Severity",
    "Sprint",
    "TabRead",
    "Team",
    "TeamMetrics",
    "TeamRecord",
    "TeamState",
    "TeamStatus",
    "Timeline",
    "Why",
    "WorkPlanStep",
    "cell_link",
    "spreadsheet_url",
    "today",
]
