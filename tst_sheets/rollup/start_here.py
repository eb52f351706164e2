"""A team's own status on its Start Here tab (pure), so a TL never has to ask what is missing.

Start Here is service-owned. Provisioning leaves a "Last checked" and a "Status" row near the
top: the service writes the team's status there with its reason, linked to the cell that shows
it, so the first screen says where the team stands and why. Below the facts it keeps a block
headed ``MARKER``: each commitment the team keeps, the goal's progress, and the open findings,
each linked to its cell. The block is found again by its marker, rewritten in place, and the
grid sized to it, so nothing above it ever moves. Staff-owned commitments are not shown: they
are not the team's, and their roster tabs are not the TL's to open.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel

from tst_sheets.commitments import CommitmentSet
from tst_sheets.model import COMMITMENT_WORDS, SEVERITY_WORDS, Finding, GoalProgress, TeamStatus
from tst_sheets.provision.workbook import STATUS_LABELS
from tst_sheets.reading.values import CellValue
from tst_sheets.rollup.state import StartHereLayout, digest
from tst_sheets.templates.cells import Cell, Link, Value, cell, rgb

MARKER = "Where your team stands"
MAX_FINDINGS = 40  # the roll-up has them all; the TL needs the most urgent first
Request = dict[str, Any]


def locate(values: Sequence[Sequence[CellValue]], sheet_id: int, title: str) -> StartHereLayout:
    """The marker's row (or two rows below the last used row) and the status label rows."""
    labels: dict[str, int] = {}
    block = 0
    last = 0
    for index, row in enumerate(values, start=1):
        first = str(row[0]).strip() if row and row[0] is not None else ""
        if first == MARKER and not block:
            block = index
        if first in STATUS_LABELS and not block:
            labels.setdefault(first, index)
        if any(v not in (None, "") for v in row) and not block:
            last = index
    return StartHereLayout(
        sheet_id=sheet_id, title=title, block_row=block or last + 2, labels=labels
    )


def block(status: TeamStatus, commitments: CommitmentSet) -> list[list[Value]]:
    """The block's rows: status and why, each commitment, the goal, then the open findings."""
    why = status.why
    rows: list[list[Value]] = [
        [MARKER, "Filled in by the TST service after each check; edits here are replaced."],
        ["Overall", status.overall],
        ["Why", Link(url=why.link, text=why.text) if why.link else why.text],
    ]
    for c in status.commitments:
        if c.status != "not_applicable" and not commitments.is_staff(c.id):
            rows.append([c.label or c.text, f"{COMMITMENT_WORDS[c.status]}: {c.summary}"])
    rows.append(["Goal progress", goal_line(status.goal)])
    open_findings = status.open_findings()
    rows.append(
        [
            "Open findings",
            f"{len(open_findings)} to fix, most urgent first"
            if open_findings
            else "None: nothing to fix",
        ]
    )
    shown = sorted(open_findings, key=lambda f: f.sort_key())[:MAX_FINDINGS]
    rows += [finding_row(f) for f in shown]
    if len(open_findings) > len(shown):
        rows.append(
            [
                "",
                f"…and {len(open_findings) - len(shown)} more: your coach sees every "
                "one in the roll-up.",
            ]
        )
    return rows


def goal_line(goal: GoalProgress) -> str:
    """ "Baseline 40% → mid-year 55% → end of year —; target 70%: 50% of the way, on pace"."""

    def show(value: float | None) -> str:
        return "—" if value is None else f"{value:g}{goal.unit}"

    if not goal.has_goal:
        return goal.note or "no target yet"
    text = (
        f"Baseline {show(goal.baseline)} → mid-year {show(goal.mid_year)} → end of year "
        f"{show(goal.end_of_year)}; target {show(goal.target)}"
    )
    if goal.progress is None:
        return f"{text}: {goal.note}" if goal.note else text
    pace = "met" if goal.met else "on pace" if goal.on_pace else "behind pace"
    return f"{text}: {goal.progress:.0%} of the way, {pace}"


def finding_row(finding: Finding) -> list[Value]:
    where = finding.where or "Workbook"
    target: Value = Link(url=finding.link, text=where) if finding.link else where
    text = f"{SEVERITY_WORDS[finding.severity]}: {finding.found}"
    if finding.expected:
        text += f" (expected: {finding.expected})"
    return [target, text]


def block_digest(status: TeamStatus, commitments: CommitmentSet) -> str:
    """Changes exactly when what the TL would see changes (the as-of date aside)."""
    return digest([[_plain(v) for v in row] for row in block(status, commitments)])


def _plain(value: Value) -> Any:
    return value.model_dump() if isinstance(value, BaseModel) else value


def requests(
    layout: StartHereLayout,
    status: TeamStatus,
    as_of: date,
    commitments: CommitmentSet,
    colors: Mapping[str, str],
) -> list[Request]:
    """ONE batchUpdate's requests: size the grid to the block, rewrite it, set the status rows."""
    rows = block(status, commitments)
    start = layout.block_row - 1
    row_count = start + len(rows) + 1
    out: list[Request] = [
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": layout.sheet_id,
                    "gridProperties": {"rowCount": row_count},
                },
                "fields": "gridProperties.rowCount",
            }
        }
    ]
    cells = [
        [_styled(i, j, v, status, colors) for j, v in enumerate(row)] for i, row in enumerate(rows)
    ]
    out.append(
        {
            "updateCells": {
                "range": {
                    "sheetId": layout.sheet_id,
                    "startRowIndex": start,
                    "endRowIndex": row_count,
                    "startColumnIndex": 0,
                    "endColumnIndex": 2,
                },
                "rows": [{"values": r} for r in cells],
                "fields": "userEnteredValue,userEnteredFormat",
            }
        }
    )
    facts: dict[str, Value] = {STATUS_LABELS[0]: as_of, STATUS_LABELS[1]: status_line(status)}
    for label, row in layout.labels.items():
        color = colors.get(status.overall) if label == STATUS_LABELS[1] else None
        fmt: dict[str, Any] = {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
        if color:
            fmt["backgroundColor"] = rgb(color)
        out.append(
            {
                "updateCells": {
                    "start": {"sheetId": layout.sheet_id, "rowIndex": row - 1, "columnIndex": 1},
                    "rows": [{"values": [cell(facts[label], fmt)]}],
                    "fields": "userEnteredValue,userEnteredFormat",
                }
            }
        )
    return out


def status_line(status: TeamStatus) -> Value:
    """The top "Status" row: the status and its reason, linked to the cell that shows it."""
    text = f"{status.overall}: {status.why.text}" if status.why.text else status.overall
    return Link(url=status.why.link, text=text) if status.why.link else text


def _styled(
    row: int, column: int, value: Value, status: TeamStatus, colors: Mapping[str, str]
) -> Cell:
    fmt: dict[str, Any] = {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
    if column == 0 or row == 0:
        fmt["textFormat"] = {"bold": True}
    text = str(value) if isinstance(value, str) else ""
    word = status.overall if row == 1 and column == 1 else text.split(":")[0]
    if column == 1 and row >= 1 and word in colors:
        fmt["backgroundColor"] = rgb(colors[word])
    return cell(value, fmt)
