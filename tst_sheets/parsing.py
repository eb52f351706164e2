"""Messy cell values, parsed in one place.

Cells arrive from one ``values.batchGet`` with ``UNFORMATTED_VALUE`` and ``SERIAL_NUMBER`` dates:
real date cells are numbers, typed text stays text. Every parser returns the value, or a
``ParseError`` saying why it could not, never raises: readback turns the reason into a finding.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, datetime, timedelta
from typing import Literal

from dateutil import parser as dateparser
from pydantic import BaseModel, ConfigDict, Field

from tst_sheets.model.program import DateRange
from tst_sheets.model.records import Timeline, TimelineKind

CellValue = str | int | float | bool | None

FORMULA_ERRORS = frozenset(
    {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#ERROR!", "#NUM!", "#NULL!"}
)
SHEETS_EPOCH = date(1899, 12, 30)  # day 0 of Sheets' (and Lotus') serial dates
SANE_YEARS = range(1990, 2101)  # a serial outside these years is a number typed in a date cell


class ParseError(BaseModel):
    """Why a value could not be read, with the value as found (for the finding's ``found``)."""

    model_config = ConfigDict(frozen=True)

    reason: str
    found: str = ""


def fail(reason: str, value: CellValue) -> ParseError:
    return ParseError(reason=reason, found=as_text(value))


# --- basics ------------------------------------------------------------------------------------


def as_text(value: CellValue) -> str:
    """A cell as the text a person would read (``3.0`` → ``"3"``, ``None`` → ``""``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def formula_error(value: CellValue) -> str | None:
    """The error code if the cell holds a formula error (``#REF!``…), else None."""
    if isinstance(value, str) and value.strip().upper() in FORMULA_ERRORS:
        return value.strip().upper()
    return None


def _precheck(value: CellValue) -> ParseError | None:
    """The reasons shared by every parser: empty cell, formula error."""
    if is_blank(value):
        return fail("empty", value)
    code = formula_error(value)
    if code:
        return fail(f"formula error {code}", value)
    return None


def parse_text(value: CellValue) -> str | ParseError:
    return _precheck(value) or as_text(value)


def parse_number(value: CellValue) -> float | ParseError:
    if err := _precheck(value):
        return err
    if isinstance(value, bool):
        return fail("a checkbox, not a number", value)
    if isinstance(value, int | float):
        return float(value)
    text = as_text(value).replace(",", "")
    try:
        return float(text)
    except ValueError:
        return fail("not a number", value)


# --- dates --------------------------------------------------------------------------------------


# dateutil knows "Tue" and "Thu" but not the spellings people type ("Tues 9/14", "Thurs")
_WEEKDAY_SPELLINGS = re.compile(r"\b(tue)s\b|\b(wed)s\b|\b(thu)rs?\b", re.IGNORECASE)
_DEFAULT_A = datetime(2000, 1, 1)  # two defaults that differ in year, month and day reveal
_DEFAULT_B = datetime(2004, 2, 2)  # which parts the text left out
_HAS_MONTH_OR_SEPARATOR = re.compile(r"[a-z]{3}|\d\s*[/.\-]\s*\d", re.IGNORECASE)


def serial_to_date(serial: float) -> date | ParseError:
    """A Sheets serial number (days since 1899-12-30; the fraction is the time of day)."""
    try:
        day = SHEETS_EPOCH + timedelta(days=int(serial))
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
    if err := _precheck(value):
        return err
    if isinstance(value, bool):
        return fail("a checkbox, not a date", value)
    if isinstance(value, int | float):
        return serial_to_date(value)
    return _parse_date_text(as_text(value), school_year)


def _parse_date_text(text: str, school_year: DateRange | None) -> date | ParseError:
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


# --- durations ----------------------------------------------------------------------------------

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
    if err := _precheck(value):
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


# --- percents, yes/no, emails, people -----------------------------------------------------------


def parse_percent(value: CellValue) -> float | ParseError:
    """A percent 0–100 from "75%", "0.75", "75" or a number cell (a % cell arrives as 0.75)."""
    if err := _precheck(value):
        return err
    if isinstance(value, bool):
        return fail("a checkbox, not a percent", value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        match = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(%|percent)?", as_text(value).lower())
        if not match:
            return fail("not a percent", value)
        number = float(match[1])
        if match[2]:
            return _percent_in_range(number, value)
    return _percent_in_range(number * 100 if 0 < number <= 1 else number, value)


def _percent_in_range(number: float, found: CellValue) -> float | ParseError:
    return number if 0 <= number <= 100 else fail("a percent must be 0–100", found)


_YES = frozenset({"yes", "y", "true", "x", "✓", "✔", "done", "attended", "present", "1"})
_NO = frozenset({"no", "n", "false", "0", "absent", "-", "✗", "✘", "missed"})


def parse_yes_no(value: CellValue) -> bool | ParseError:
    if err := _precheck(value):
        return err
    if isinstance(value, bool):
        return value
    text = as_text(value).lower().rstrip(".!")
    if text in _YES:
        return True
    if text in _NO:
        return False
    return fail("expected yes or no", value)


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


def parse_email(value: CellValue) -> str | ParseError:
    """One address, also from "Ana Ruiz <ana@school.org>" or "mailto:ana@school.org"."""
    if err := _precheck(value):
        return err
    found = _EMAIL.findall(as_text(value))
    if len(found) != 1:
        return fail("expected one email address" if found else "not an email address", value)
    return str(found[0]).lower()


# "w/" before "/" so "Walker w/facilitator leads" splits into two, not "w" and "facilitator leads"
_PEOPLE_SEPARATORS = re.compile(r"\s*(?:\bw/|\bwith\b|\n|/|;|,|&|\+|\band\b)\s*", re.IGNORECASE)


def parse_people(value: CellValue) -> list[str] | ParseError:
    """Several people in one cell: "Ana Ruiz / J. Park", "A and B", one per line."""
    if err := _precheck(value):
        return err
    names: list[str] = []
    for part in _PEOPLE_SEPARATORS.split(as_text(value)):
        name = part.strip(" .-•*")
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names or fail("no names", value)


# --- work-plan timelines ------------------------------------------------------------------------

_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
    r"(?:\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?!\s*[:/]))?"
)
_MONTH_RE = re.compile(_MONTH, re.IGNORECASE)
_YEAR_RE = re.compile(r"(?<!\d)(?P<y1>(?:19|20)\d{2})(?:\s*[-–/]\s*(?P<y2>\d{2}|\d{4}))?(?!\d)")
# what may stand between the two months of a range: "April-May", "Sept 2013 - Jan 2014"
_RANGE_JOIN = re.compile(
    r"\s*(?:[/,]?\s*(?:19|20)\d{2}\s*)?(?:-|–|—|to|through|thru|until)\s*", re.IGNORECASE
)
_NUMERIC_DATE = re.compile(r"(?<!\d)\d{1,4}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?(?!\d)")
_RECURRING = re.compile(
    r"quarterly|monthly|weekly|bi-?weekly|daily|annually|yearly|ongoing|on-going|throughout"
    r"|\bevery\b|\beach\b|\bper (?:month|quarter|session|semester)",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"prior to|\bbefore\b|\bafter\b|mid-?way|midpoint|mid-?year|\bfinal\b|end of|beginning of"
    r"|start of|check[- ]?in|\bfall\b|\bspring\b|\bwinter\b|\bsummer\b|semester|\bterm\b",
    re.IGNORECASE,
)
_MONTH_NUMBERS = {name: number for number, name in enumerate(calendar.month_abbr) if name}


class _Chunk(BaseModel):
    dates: list[date] = Field(default_factory=list)
    months: list[date] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    inferred: bool = False


def parse_timeline(value: CellValue, school_year: DateRange | None = None) -> Timeline | ParseError:
    """Seed 003's timelines: "May/2013", "April-May/2013", "Quarterly/2013-14", "August 15"…"""
    if err := _precheck(value):
        return err
    if isinstance(value, bool):
        return fail("a checkbox, not a timeline", value)
    if isinstance(value, int | float):
        day = serial_to_date(value)
        return (
            day
            if isinstance(day, ParseError)
            else Timeline(text=as_text(value), kind="date", dates=[day])
        )
    text = as_text(value)
    parsed: list[_Chunk] = []
    unrecognised: list[str] = []
    for chunk in (c.strip() for c in re.split(r"[\n;]+", text)):
        if chunk:
            result = _parse_timeline_chunk(chunk, school_year)
            if result is None:
                unrecognised.append(chunk)
            else:
                parsed.append(result)
    if not parsed:
        return fail("no month, date or recognised schedule", text)
    return _merge_chunks(text, parsed, unrecognised)


def _merge_chunks(text: str, chunks: list[_Chunk], unrecognised: list[str]) -> Timeline:
    dates = sorted({d for c in chunks for d in c.dates})
    months = sorted({m for c in chunks for m in c.months})
    phrases = [p for c in chunks for p in c.phrases]
    kind: TimelineKind = "date" if dates else "months" if months else "relative"
    if not dates and not months and any(_RECURRING.search(p) for p in phrases):
        kind = "recurring"
    inferred = any(c.inferred for c in chunks)
    return Timeline(
        text=text,
        kind=kind,
        dates=dates,
        months=months,
        phrases=phrases,
        year_inferred=inferred,
        unrecognised=unrecognised,
    )


def _parse_timeline_chunk(chunk: str, school_year: DateRange | None) -> _Chunk | None:
    years = list(_YEAR_RE.finditer(chunk))
    without_years = _YEAR_RE.sub(" ", chunk)
    if _NUMERIC_DATE.search(without_years) or (
        not _MONTH_RE.search(chunk) and years and _NUMERIC_DATE.search(chunk)
    ):
        day = parse_date(chunk, school_year)
        if isinstance(day, date):
            return _Chunk(dates=[day])
    months = list(_MONTH_RE.finditer(chunk))
    if months:
        return _chunk_from_months(chunk, months, years, school_year)
    if _RECURRING.search(chunk) or _RELATIVE.search(chunk):
        return _Chunk(phrases=[chunk])
    return None


def _month_number(match: re.Match[str]) -> int:
    return _MONTH_NUMBERS[match["mon"][:3].title()]


def _chunk_from_months(
    chunk: str,
    months: list[re.Match[str]],
    years: list[re.Match[str]],
    school_year: DateRange | None,
) -> _Chunk | None:
    """Group months into singles and ranges ("April-May"), give each group its year, expand."""
    groups: list[list[re.Match[str]]] = []
    for i, match in enumerate(months):
        joined = i and _RANGE_JOIN.fullmatch(chunk[months[i - 1].end() : match.start()] or "x")
        if joined and len(groups[-1]) == 1:
            groups[-1].append(match)
        else:
            groups.append([match])
    out = _Chunk()
    for g, group in enumerate(groups):
        limit = groups[g + 1][0].start() if g + 1 < len(groups) else len(chunk)
        after = next((y for y in years if group[-1].end() <= y.start() < limit), None)
        inside = next((y for y in years if group[0].end() <= y.start() < group[-1].start()), None)
        if not _add_group(out, group, inside or after, school_year):
            return None
    return out


def _span(year: re.Match[str]) -> tuple[int, int]:
    """(first, last) year of "2013" or "2013-14" / "2013-2014"."""
    first = int(year["y1"])
    if not year["y2"]:
        return first, first
    second = int(year["y2"]) if len(year["y2"]) == 4 else first // 100 * 100 + int(year["y2"])
    return (first, second) if second == first + 1 else (first, first)


def _add_group(
    out: _Chunk,
    group: list[re.Match[str]],
    year: re.Match[str] | None,
    school_year: DateRange | None,
) -> bool:
    first_month, last_month = _month_number(group[0]), _month_number(group[-1])
    wraps = first_month > last_month  # "August-May" runs into the next year
    if year is not None:
        start_year = _start_year(first_month, wraps, _span(year), school_year)
    elif school_year is not None:
        day = int(group[0]["day"]) if group[0]["day"] and len(group) == 1 else None
        start_year = place_in_school_year(first_month, day, school_year).year
        out.inferred = True
    else:
        return False
    if len(group) == 1 and group[0]["day"]:
        return _add_day(out, start_year, first_month, int(group[0]["day"]))
    out.months.extend(_expand(start_year, first_month, last_month))
    return True


def _start_year(
    month: int, wraps: bool, span: tuple[int, int], school_year: DateRange | None
) -> int:
    first, last = span
    if first == last:
        return first  # "April-May/2013", and "August-May/2013" starts in 2013
    if wraps:
        return first  # "August-May/2013-14"
    turn = school_year.start.month if school_year else 7
    return first if month >= turn else last  # "May/2013-14" is the spring


def _add_day(out: _Chunk, year: int, month: int, day: int) -> bool:
    try:
        out.dates.append(date(year, month, day))
    except ValueError:
        return False
    return True


def _expand(year: int, first: int, last: int) -> list[date]:
    months, current = [], date(year, first, 1)
    while True:
        months.append(current)
        if current.month == last:
            return months
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)


# --- SMART goals --------------------------------------------------------------------------------

Direction = Literal["up", "down"]

_PERCENT = r"(\d+(?:\.\d+)?)\s*(?:%|percent)"
_DOWN_WORDS = re.compile(
    r"no more than|at most|(?<!no )fewer than|(?<!no )less than|\bbelow\b|\bunder\b|reduce"
    r"|decrease|\blower\b|\bdrop",
    re.IGNORECASE,
)
_UP_WORDS = re.compile(
    r"at least|(?<!no )more than|\bover\b|\babove\b|increase|improve|raise|\bgrow"
    r"|no fewer than|no less than",
    re.IGNORECASE,
)
_BY_DATE = re.compile(r"\bby\s+(?:the\s+)?(.+?)\s*(?:[.;!]|$)", re.IGNORECASE)
_END_OF_YEAR = re.compile(r"end of (?:the )?(?:school )?year|\beoy\b|year'?s end", re.IGNORECASE)


class SmartGoal(BaseModel):
    """Seed 003's "Because no more than X% …, at least Y% will … by DATE", taken apart."""

    baseline: float | None = None
    target: float | None = None
    target_date: date | None = None
    direction: Direction | None = None


def parse_smart_goal(text: str, school_year: DateRange | None = None) -> SmartGoal:
    """Whatever the sentence states; parts it does not state stay None (the check says which)."""
    percents = list(re.finditer(_PERCENT, text, re.IGNORECASE))
    goal = SmartGoal()
    if len(percents) >= 2:
        goal.baseline, goal.target = float(percents[0][1]), float(percents[1][1])
        goal.direction = _target_direction(text[percents[0].end() : percents[1].start()])
    elif len(percents) == 1 and _in_because_clause(text, percents[0].start()):
        goal.baseline = float(percents[0][1])  # "Because no more than 60% …, students will …"
    elif len(percents) == 1:
        goal.target = float(percents[0][1])
        goal.direction = _target_direction(text[: percents[0].start()])
    goal.target_date = _goal_date(text, school_year)
    return goal


def _in_because_clause(text: str, position: int) -> bool:
    """Seed 003's baseline clause: from a leading "Because" to its first comma."""
    head = text.lstrip().lower()
    clause_end = head.find(",")
    offset = len(text) - len(head)
    return head.startswith("because") and (clause_end < 0 or position - offset < clause_end)


def _target_direction(lead_in: str) -> Direction | None:
    """The quantifier nearest the target: "…, at least 85%" is up, "…, no more than 10%" down."""
    lead_in = lead_in[-40:]
    down, up = _last_match(_DOWN_WORDS, lead_in), _last_match(_UP_WORDS, lead_in)
    if down == up:
        return None
    return "down" if down > up else "up"


def _last_match(pattern: re.Pattern[str], text: str) -> int:
    return max((m.end() for m in pattern.finditer(text)), default=-1)


def _goal_date(text: str, school_year: DateRange | None) -> date | None:
    # the last "by …" is the deadline; earlier ones are part of the sentence
    match = next(reversed(list(_BY_DATE.finditer(text))), None)
    if match is None:
        return None
    phrase = match[1]
    if _END_OF_YEAR.search(phrase) and school_year:
        return school_year.end
    day = parse_date(phrase, school_year)
    if isinstance(day, date):
        return day
    timeline = parse_timeline(phrase, school_year)
    return timeline.due if isinstance(timeline, Timeline) else None
