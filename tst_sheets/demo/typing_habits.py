"""How TLs really type: dates as "9/14", "Sept 14" or "Tues 9/15", durations as "30 min" or
"0.5 h", names with initials and typos. Seeded, so a season types the same way every time."""

from __future__ import annotations

import random
from datetime import date

MONTHS = [
    "",
    *["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"],
]
WEEKDAYS = ["Mon", "Tues", "Wed", "Thurs", "Fri", "Sat", "Sun"]
MEETING_MINUTES = ["45", "45 min", "1 h", "0.75 h", "60 mins", "50", "1:00", "40"]
COACHING_MINUTES = ["30", "30 min", "0.5 h", "half hour", "30m", "35 min", "30"]


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def typed_date(day: date, rng: random.Random, fall_year: int) -> str:
    """A date as a TL types it; year-less only in the fall.

    Google gives a year-less date the year it is typed in, and a TL types an entry in the
    year it happened, so a spring date typed without its year would land in the wrong year.
    """
    mon = MONTHS[day.month]
    with_year = [
        day.isoformat(),
        f"{day.month}/{day.day}/{day.year}",
        f"{day.month:02d}/{day.day:02d}/{day.year}",
        f"{mon} {day.day}, {day.year}",
        f"{day.day} {mon} {day.year}",
    ]
    yearless = [
        f"{day.month}/{day.day}",
        f"{mon} {day.day}",
        f"{mon[:3]} {_ordinal(day.day)}",
        f"{WEEKDAYS[day.weekday()]} {day.month}/{day.day}",
    ]
    return rng.choice(with_year + yearless if day.year == fall_year else with_year)


def typo(name: str, rng: random.Random) -> str:
    """A name as people type it in a hurry: initials, a dropped or swapped letter, or right."""
    first, *rest = name.split()
    last = rest[-1] if rest else ""
    roll = rng.random()
    if roll < 0.2 and last:
        return f"{first} {last[0]}."
    if roll < 0.35 and len(last) > 4:
        i = rng.randrange(1, len(last) - 1)
        return f"{first} {last[:i]}{last[i + 1 :]}"
    if roll < 0.45 and len(first) > 3:
        i = rng.randrange(1, len(first) - 2)
        return f"{first[:i]}{first[i + 1]}{first[i]}{first[i + 2 :]} {last}".strip()
    if roll < 0.6:
        return first
    return name
