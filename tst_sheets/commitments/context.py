"""One team on one date: what every rule reads, how it writes a finding, and which school days
and months a commitment asks for."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from tst_sheets.commitments.base import month_of
from tst_sheets.model import DateRange, Finding, Program, Severity, Team, TeamRecord
from tst_sheets.model.records import month_end

if TYPE_CHECKING:
    from tst_sheets.commitments.rules import Commitment

CountsFrom = Literal["team_start", "team_formed"]
MONDAY_TO_FRIDAY = frozenset(range(5))


@lru_cache(maxsize=256)
def break_days(breaks: tuple[tuple[date, date], ...]) -> frozenset[date]:
    """Every day of the program's breaks (asked for each month of each team: computed once)."""
    return frozenset(
        start + timedelta(n) for start, end in breaks for n in range((end - start).days + 1)
    )


@lru_cache(maxsize=1 << 14)
def counted_school_days(
    month: date,
    first: date,
    last: date,
    school_days: frozenset[int],
    breaks: tuple[tuple[date, date], ...],
) -> int:
    """A month's school weekdays in [first, last] outside breaks (the same months and dates
    recur for every team)."""
    off = break_days(breaks)
    return sum(
        1 for d in school_weekdays(month, school_days) if first <= d <= last and d not in off
    )


@lru_cache(maxsize=1024)
def school_weekdays(month: date, school_days: frozenset[int]) -> tuple[date, ...]:
    """The days of ``month`` that fall on a school weekday."""
    span = (month_end(month) - month).days + 1
    days = (month + timedelta(n) for n in range(span))
    return tuple(d for d in days if d.weekday() in school_days)


@dataclass(frozen=True)
class Context:
    """One team, one date: what every rule reads, and how it writes a finding."""

    record: TeamRecord
    team: Team
    program: Program
    as_of: date
    school_year: DateRange
    start: date  # the team's first countable day
    # the day the Impact Team had its size (at the latest, that commitment's deadline)
    formed: date | None = None
    school_days: frozenset[int] = MONDAY_TO_FRIDAY
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
        self,
        c: Commitment,
        severity: Severity,
        tab: str,
        found: str,
        expected: str,
        row: int | None = None,
    ) -> Finding:
        """A finding on the program roster (attendance, observations, the TL's experience),
        linked to the roster's tab (``tab`` is its template key) and row as far as known."""
        cell = f"A{row}" if row else None
        title = tab.replace("_", " ").title()
        return Finding(
            team=self.team.team_id,
            rule=c.id,
            severity=severity,
            tab=f"Roster: {title}",
            cell=cell,
            found=found,
            expected=expected,
            link=self.program.roster_link(tab, cell),
        )

    def tab_cell(self, tab: str, field: str, row: int | None = None) -> str | None:
        read = self.record.tabs.get(tab)
        return read.cell(field, row) if read else None

    # -- days and months ------------------------------------------------------------------------

    def counts_from(self, which: CountsFrom) -> date:
        """When a commitment starts to count for this team."""
        if which == "team_formed" and self.formed is not None:
            return max(self.formed, self.start)
        return self.start

    def on_break(self, day: date) -> bool:
        return day in self._breaks()

    def _breaks(self) -> frozenset[date]:
        return break_days(tuple((b.start, b.end) for b in self.program.breaks))

    def countable_days(self, first: date, last: date) -> int:
        """Days in [first, last] inside the school year, from the team's start, outside breaks."""
        first = max(first, self.start, self.school_year.start)
        last = min(last, self.school_year.end)
        span = max((last - first).days + 1, 0)
        return span - sum(1 for d in self._breaks() if first <= d <= last)

    def counted_days(self, month: date, since: date, until: date | None = None) -> int:
        """A month's school days that count: inside the school year, from ``since`` (through
        ``until``), outside breaks."""
        first, last = max(since, self.school_year.start), self.school_year.end
        if until is not None:
            last = min(last, until)
        breaks = tuple((b.start, b.end) for b in self.program.breaks)
        return counted_school_days(month, first, last, self.school_days, breaks)

    def month_share(self, month: date, since: date) -> float:
        """The share of a month's school days that count: inside the school year, from
        ``since``, outside breaks (1.0 for a whole month of school, 0.5 for half of one)."""
        weekdays = len(school_weekdays(month, self.school_days))
        return self.counted_days(month, since) / weekdays if weekdays else 0.0

    def months(self, since: date) -> Iterator[date]:
        """First days of the months from ``since`` (or the year's start) to the as-of month."""
        month = month_of(max(since, self.school_year.start))
        while month <= min(self.as_of, self.school_year.end):
            yield month
            month = month_end(month) + timedelta(1)


def team_start(record: TeamRecord, program: Program) -> date:
    """When the team started: its earliest Team-tab "joined" date, else the school year's start."""
    joined = [m.joined for m in record.members if m.joined]
    return max(program.school_year_start, min(joined, default=program.school_year_start))


def round_half_up(value: float) -> int:
    """1.5 → 2, 0.5 → 1, 0.49 → 0 (Python's round() would make 0.5 → 0)."""
    return int(value + 0.5 + 1e-9)
