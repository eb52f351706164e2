"""The program's commitments, as data, checked against one team's record as of a date (pure).

``sheet_templates/commitments.yaml`` holds every commitment and every number its check uses;
each module here knows how one *kind* of rule reads a ``TeamRecord`` and the roster.
"""

from tst_sheets.commitments.context import Context, team_start
from tst_sheets.commitments.evaluate import (
    context_for,
    evaluate,
    merge_findings,
    unreadable_status,
)
from tst_sheets.commitments.rules import (
    COMMITMENTS_FILE,
    Commitment,
    CommitmentSet,
    Rule,
    load_commitments,
)

__all__ = [
    "COMMITMENTS_FILE",
    "Commitment",
    "CommitmentSet",
    "Context",
    "Rule",
    "context_for",
    "evaluate",
    "load_commitments",
    "merge_findings",
    "team_start",
    "unreadable_status",
]
