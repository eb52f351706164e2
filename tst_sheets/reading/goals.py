"""SMART goals as seed 003 phrases them: "Because no more than X% …, at least Y% will … by DATE",
taken apart into baseline, target, target date and direction."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel

from tst_sheets.model.program import DateRange
from tst_sheets.model.records import Timeline
from tst_sheets.reading.dates import parse_date
from tst_sheets.reading.timeline import parse_timeline

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
