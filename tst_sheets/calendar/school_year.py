"""The program's year as a pattern (``sheet_templates/school_year.yaml``) → dated events.

One pattern serves every year: ``init`` fills a new roster's Events from it for the current
school year, and a rollover re-dates them for the next.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from tst_sheets.config import DEFAULT_TEMPLATES
from tst_sheets.model import EventKind, EventMode, EventSpec, Program
from tst_sheets.model.years import FIRST_MONTH, first_year_of

PATTERN_FILE = "school_year.yaml"
_DAY = re.compile(r"^(\d{2})-(\d{2})(?: (\d{1,2}):(\d{2}))?$")
_NTH = re.compile(r"^(\d)(?:st|nd|rd|th) (\w+)$", re.IGNORECASE)
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
__all__ = ["FIRST_MONTH", "EventPattern", "YearPattern", "first_year_of", "load_year_pattern"]


class EventPattern(BaseModel):
    """One Events row, or a series of them (``months`` × ``dates``), for any year."""

    model_config = ConfigDict(extra="forbid")

    key: str
    title: str
    kind: EventKind
    dates: list[str]
    months: list[int] = Field(default_factory=list)
    time: str = ""  # "17:00-18:30"; empty: an all-day event (or the time in each date)
    minutes: int | None = None
    modes: list[EventMode] = Field(default_factory=lambda: list[EventMode](["in_person"]))
    place: str = ""
    audience: list[str] = Field(default_factory=list)
    notes: str = ""


class YearPattern(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    version: int
    school_year: dict[str, str]
    mid_year_data_due: str
    end_of_year_data_due: str
    places: dict[str, str] = Field(default_factory=dict)
    events: list[EventPattern]

    def events_for(self, first_year: int) -> list[EventSpec]:
        """Every event of the school year starting in ``first_year``, in date order."""
        out = [e for pattern in self.events for e in _expand(pattern, first_year, self.places)]
        return sorted(out, key=lambda e: (e.date, e.start or time(0)))

    def program(self, name: str, first_year: int) -> Program:
        """A new roster's program: the year's dates and events, no people yet."""
        return Program(
            name=name,
            school_year_start=_day(self.school_year["start"], first_year),
            school_year_end=_day(self.school_year["end"], first_year),
            mid_year_data_due=_day(self.mid_year_data_due, first_year),
            end_of_year_data_due=_day(self.end_of_year_data_due, first_year),
            events=self.events_for(first_year),
        )


def load_year_pattern(directory: Path | None = None) -> YearPattern:
    path = Path(directory or DEFAULT_TEMPLATES) / PATTERN_FILE
    return YearPattern.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def _year(month: int, first_year: int) -> int:
    return first_year if month >= FIRST_MONTH else first_year + 1


def _day(text: str, first_year: int) -> date:
    match = _DAY.match(text)
    if match is None:
        raise ValueError(f"{PATTERN_FILE}: {text!r} is not MM-DD")
    month, day = int(match[1]), int(match[2])
    return date(_year(month, first_year), month, day)


def _clock(text: str) -> tuple[time | None, time | None]:
    if not text:
        return None, None
    start, _, end = text.partition("-")
    return time.fromisoformat(start), time.fromisoformat(end) if end else None


def _dated(text: str, month: int | None, first_year: int) -> tuple[date, time | None]:
    """ "07-14 10:00" (a day and its time), or "2nd Tuesday" of ``month``."""
    if match := _DAY.match(text):
        day = _day(f"{match[1]}-{match[2]}", first_year)
        at = time(int(match[3]), int(match[4])) if match[3] else None
        return day, at
    nth = _NTH.match(text)
    if nth is None or month is None or nth[2].lower() not in _WEEKDAYS:
        raise ValueError(f"{PATTERN_FILE}: {text!r} needs MM-DD, or 'Nth weekday' with months")
    first = date(_year(month, first_year), month, 1)
    offset = (_WEEKDAYS[nth[2].lower()] - first.weekday()) % 7 + 7 * (int(nth[1]) - 1)
    return first + timedelta(days=offset), None


def _expand(pattern: EventPattern, first_year: int, places: dict[str, str]) -> list[EventSpec]:
    start, end = _clock(pattern.time)
    months: list[int | None] = list(pattern.months) or [None]
    out: list[EventSpec] = []
    for month in months:
        for text in pattern.dates:
            day, at = _dated(text, month, first_year)
            begins = at or start
            ends = end if at is None else None
            if begins and pattern.minutes:
                ends = (datetime.combine(day, begins) + timedelta(minutes=pattern.minutes)).time()
            mode = pattern.modes[len(out) % len(pattern.modes)]
            fill = {
                "year": first_year,
                "next_year": first_year + 1,
                "date": day,
                "number": len(out) + 1,
            }
            out.append(
                EventSpec(
                    key=pattern.key.format(**fill),
                    title=pattern.title.format(**fill),
                    kind=pattern.kind,
                    date=day,
                    start=begins,
                    end=ends,
                    mode=mode,
                    location=places.get(pattern.place, "") if mode == "in_person" else "",
                    audience=list(pattern.audience),
                    notes=pattern.notes,
                )
            )
    return out
