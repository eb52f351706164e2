"""School years by name: "2026-27" is the year whose fall is in 2026 (July starts a new one).

Files carry the name as their ``tstYear`` label; ``rollover --to 2027-28`` takes it as typed.
"""

from __future__ import annotations

import re
from datetime import date

FIRST_MONTH = 7  # July to December: the first calendar year of a school year
_YEAR = re.compile(r"^\s*(\d{4})\s*(?:[-/–]\s*(\d{2}|\d{4}))?\s*$")


def first_year_of(day: date) -> int:
    """The first calendar year of the school year a day falls in (July starts a new one)."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def year_label(first_year: int) -> str:
    """2026 → "2026-27"."""
    return f"{first_year}-{(first_year + 1) % 100:02d}"


def label_of(day: date) -> str:
    """The name of the school year a day falls in."""
    return year_label(first_year_of(day))


def parse_year(text: str) -> int | None:
    """ "2027-28", "2027-2028", "2027/28" or "2027" → 2027; None when it names no school
    year (a second part that does not follow the first)."""
    match = _YEAR.match(str(text))
    if match is None:
        return None
    first = int(match[1])
    if match[2] and int(match[2][-2:]) != (first + 1) % 100:
        return None
    return first


def window_start(first_year: int) -> date:
    """The first day that belongs to a school year (July 1): its summer events come first."""
    return date(first_year, FIRST_MONTH, 1)
