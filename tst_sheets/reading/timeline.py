"""Work-plan timelines as seed 003 writes them: "May/2013", "April-May/2013",
"Quarterly/2013-14", "August 15", "Sept 2013 - Jan 2014", "Ongoing"."""

from __future__ import annotations

import calendar
import re
from datetime import date

from pydantic import BaseModel, Field

from tst_sheets.model.program import DateRange
from tst_sheets.model.records import Timeline, TimelineKind
from tst_sheets.reading.dates import parse_date, place_in_school_year, serial_to_date
from tst_sheets.reading.values import CellValue, ParseError, as_text, fail, precheck

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
    if err := precheck(value):
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
