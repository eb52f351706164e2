"""One team on one date: what every rule reads, and how it writes a finding."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tst_sheets.commitments.base import month_of
from tst_sheets.model import DateRange, Finding, Program, Severity, Team, TeamRecord, cell_link
from tst_sheets.model.records import month_end

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment


@dataclass(frozen=True)
class Context:
    """One team, one date: what every rule reads, and how it writes a finding."""

    record: TeamRecord
    team: Team
    program: Program
    as_of: date
    school_year: DateRange
    start: date  # the team's first countable day
    # cells a check judges itself: readback's "required" finding there gives way to its verdict
    # (a Target cell may stay empty when the goal's sentence states the target)
    judged: set[tuple[str, str]] = dataclasses.field(default_factory=set)

    def judge(self, tab: str, cell: str | None) -> None:
        read = self.record.tabs.get(tab)
        if read and cell:
            self.judged.add((read.title, cell))

    def finding(
        self,
        c: Commitment,
        severity: Severity,
        tab: str,
        cell: str | None,
        found: str,
        expected: str,
    ) -> Finding:
        """A finding on a workbook tab (template key) and cell, linked to that cell."""
        read = self.record.tabs.get(tab)
        return Finding(
            team=self.team.team_id,
            rule=c.id,
            severity=severity,
            tab=read.title if read else tab,
            cell=cell,
            found=found,
            expected=expected,
            link=self.record.link(tab, cell),
        )

    def roster_finding(
        self, c: Commitment, severity: Severity, tab: str, found: str, expected: str
    ) -> Finding:
        """A finding on the program roster (attendance, observations, the TL's experience)."""
        link = cell_link(self.program.roster_id) if self.program.roster_id else None
        return Finding(
            team=self.team.team_id,
            rule=c.id,
            severity=severity,
            tab=f"Roster: {tab}",
            found=found,
            expected=expected,
            link=link,
        )

    def tab_cell(self, tab: str, field: str, row: int | None = None) -> str | None:
        read = self.record.tabs.get(tab)
        return read.cell(field, row) if read else None

    def countable_days(self, first: date, last: date) -> int:
        """Days in [first, last] inside the school year, from the team's start, outside breaks."""
        first = max(first, self.start, self.school_year.start)
        last = min(last, self.school_year.end)
        days = (first + timedelta(n) for n in range((last - first).days + 1))
        return sum(1 for d in days if not any(b.contains(d) for b in self.program.breaks))

    def months(self, min_days: int) -> Iterator[date]:
        """First days of the months that count, from the team's start to the as-of month."""
        month = month_of(max(self.start, self.school_year.start))
        while month <= min(self.as_of, self.school_year.end):
            if self.countable_days(month, month_end(month)) >= min_days:
                yield month
            month = month_end(month) + timedelta(1)


def team_start(record: TeamRecord, program: Program) -> date:
    """When the team started: its earliest Team-tab "joined" date, else the school year's start."""
    joined = [m.joined for m in record.members if m.joined]
    return max(program.school_year_start, min(joined, default=program.school_year_start))
