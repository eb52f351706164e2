"""Dates and durations as people type them: "9/14", "Sept 14", "Tues 9/15", a date cell;
"30", "30 min", "0.5 h", "1:30", "half hour"; times of day such as "5:30 pm".

A date without a year takes the one that puts it in (or nearest) the school year.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, datetime, time
from functools import lru_cache

from dateutil import parser as dateparser

from tst_sheets.model.program import DateRange
from tst_sheets.reading.values import CellValue, ParseError, as_text, fail, precheck
from tst_sheets.templates.cells import serial_day

SANE_YEARS = range(1990, 2101)  # a serial outside these years is a number typed in a date cell


# dateutil knows "Tue" and "Thu" but not the spellings people type ("Tues 9/14", "Thurs")
_WEEKDAY_SPELLINGS = re.compile(r"\b(tue)s\b|\b(wed)s\b|\b(thu)rs?\b", re.IGNORECASE)
_DEFAULT_A = datetime(2000, 1, 1)  # two defaults that differ in year, month and day reveal
_DEFAULT_B = datetime(2004, 2, 2)  # which parts the text left out
_HAS_MONTH_OR_SEPARATOR = re.compile(r"[a-z]{3}|\d\s*[/.\-]\s*\d", re.IGNORECASE)


def serial_to_date(serial: float) -> date | ParseError:
    """A Sheets serial number (days since 1899-12-30; the fraction is the time of day)."""
    try:
        day = serial_day(serial)
    except (OverflowError, ValueError):  # 1e308, inf, nan
        return fail("number too large for a date", serial)
    if day.year not in SANE_YEARS:
        return fail("a number, not a date", serial)
    return day


def place_in_school_year(month: int, day: int | None, school_year: DateRange) -> date:
    """The year putting a month (and day) in or nearest the school year: Sept→fall, March→spring."""
    candidates = []
    for year in range(school_year.start.year - 1, school_year.end.year + 2):
        last = calendar.monthrange(year, month)[1]
        nearest = min(day, last) if day else None  # Feb 29 still picks a year
        first, end = date(year, month, nearest or 1), date(year, month, nearest or last)
        gap = max((school_year.start - end).days, (first - school_year.end).days, 0)
        candidates.append((gap, first))
    return min(candidates)[1]


def parse_date(value: CellValue, school_year: DateRange | None = None) -> date | ParseError:
    """A date from a date cell (serial number) or text, the year from the school year if missing."""
    if err := precheck(value):
        return err
    if isinstance(value, bool):
        return fail("a checkbox, not a date", value)
    if isinstance(value, int | float):
        return serial_to_date(value)
    return _parse_date_text(as_text(value), school_year)


def _parse_date_text(text: str, school_year: DateRange | None) -> date | ParseError:
    year = (school_year.start, school_year.end) if school_year else None
    return _parse_text(text, year)


@lru_cache(maxsize=1 << 14)
def _parse_text(text: str, year: tuple[date, date] | None) -> date | ParseError:
    """Cached: the same dates are typed again and again, and dateutil is slow."""
    school_year = DateRange(start=year[0], end=year[1]) if year else None
    if not _HAS_MONTH_OR_SEPARATOR.search(text):
        return fail("not a date", text)
    text = _WEEKDAY_SPELLINGS.sub(lambda m: next(g for g in m.groups() if g), text)
    try:
        a = dateparser.parse(text, default=_DEFAULT_A)
        b = dateparser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError):
        return fail("not a date", text)
    if a.month != b.month or a.day != b.day:
        return fail("no day of the month", text)
    if a.year == b.year:
        return a.date() if a.year in SANE_YEARS else fail("year out of range", text)
    if school_year is None:
        return fail("no year, and no school year to infer it", text)
    return place_in_school_year(a.month, a.day, school_year)


_HOUR_UNITS = frozenset({"h", "hr", "hrs", "hour", "hours"})
_MINUTE_UNITS = frozenset({"m", "min", "mins", "minute", "minutes"})
_DURATION_WORDS = {  # phrases people write instead of numbers
    "hour and a half": 90,
    "an hour and a half": 90,
    "half an hour": 30,
    "half hour": 30,
    "half hr": 30,
    "quarter hour": 15,
    "an hour": 60,
    "one hour": 60,
    "hour": 60,
}
_DURATION_TOKEN = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")
MAX_MINUTES = 24 * 60  # nothing the program logs lasts longer than a day
_HOURS_BELOW = 5  # a bare 1.5 is hours; a bare 30 is minutes: nobody logs a 3-minute meeting


def parse_duration(value: CellValue) -> int | ParseError:
    """Minutes from "30", "30 min", "0.5 h", "1:30", "1.5 hrs", "half hour", or a number cell."""
    if err := precheck(value):
        return err
    if isinstance(value, bool):
        return fail("a checkbox, not a duration", value)
    if isinstance(value, int | float):
        return _minutes_from_number(float(value), value)
    minutes = _parse_duration_text(as_text(value).lower().replace("½", ".5"))
    if isinstance(minutes, int) and minutes > MAX_MINUTES:
        return fail("not a plausible duration", value)
    return minutes


def _minutes_from_number(number: float, found: CellValue) -> int | ParseError:
    if not math.isfinite(number) or number > MAX_MINUTES:
        return fail("not a plausible duration", found)
    if number <= 0:
        return fail("not a positive duration", found)
    if number < 1 and not (number * 4).is_integer():
        return round(number * 24 * 60)  # a time cell: "0:30" typed USER_ENTERED is 1/48 of a day
    if number < _HOURS_BELOW:
        return round(number * 60)
    return round(number)


def _parse_duration_text(text: str) -> int | ParseError:
    text = text.strip().rstrip(".")
    if text in _DURATION_WORDS:
        return _DURATION_WORDS[text]
    if clock := re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", text):
        return int(clock[1]) * 60 + int(clock[2])
    if re.search(r"\d\s*(?:-|–|to)\s*\d", text):
        return fail("a range, expected one duration", text)
    tokens = _DURATION_TOKEN.findall(text)
    if not tokens or re.sub(r"[\d.\s]|and|[a-z]+", "", text):
        return fail("not a duration", text)
    if len(tokens) == 1 and not tokens[0][1]:
        return _minutes_from_number(float(tokens[0][0]), text)
    return _sum_duration_tokens(tokens, text)


def _sum_duration_tokens(tokens: list[tuple[str, str]], text: str) -> int | ParseError:
    """ "1 h 30 min", "1h30", "45 mins": a unit per number; a bare number after hours is minutes."""
    total, previous = 0.0, ""
    for number, unit in tokens:
        if unit in _HOUR_UNITS:
            total += float(number) * 60
        elif unit in _MINUTE_UNITS or (not unit and previous in _HOUR_UNITS):
            total += float(number)
        else:
            return fail(f"unknown unit {unit!r}" if unit else "not a duration", text)
        previous = unit
    return round(total) if total > 0 else fail("not a positive duration", text)


# --- times of day -------------------------------------------------------------------------------

_TIME = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*([ap])?\.?\s*m?\.?\s*$", re.IGNORECASE)


def parse_time(value: CellValue) -> time | None:
    """``"17:30"``, ``"5:30 pm"``, ``"5pm"`` or a time cell (a fraction of a day)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not 0 <= value < 1:
            return None
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60)
    match = _TIME.match(as_text(value))
    if match is None:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half == "p" and hour < 12:
        hour += 12
    if half == "a" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
