"""SMART goals as seed 003 phrases them: "Because no more than X% …, at least Y% will … by DATE",
taken apart into baseline, target, target date and direction.

The numbers are read by their phrases, not by their order: the baseline is the percentage a
quantifier ("no more than", "at least", "only", …) puts in the "Because …" clause, the target
the one a quantifier puts in the clause that says what will happen ("at least 75% will …");
"from 42% to 60%" reads as baseline and target too. Other percentages in the sentence ("of our
120 students, 15% of them new") are left alone. A part the sentence does not state clearly
stays None, and the check says which.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel

from tst_sheets.model.program import DateRange
from tst_sheets.model.progress import Direction
from tst_sheets.model.records import Timeline
from tst_sheets.reading.dates import parse_date
from tst_sheets.reading.timeline import parse_timeline

__all__ = ["Direction", "SmartGoal", "parse_smart_goal"]

_PERCENT = r"(\d+(?:\.\d+)?)\s*(?:%|percent\b)"
# Longest phrases first, so "no more than" is never read as "more than".
_DOWN = ("no more than", "not more than", "no higher than", "at most", "fewer than", "less than",
         "under", "below")  # fmt: skip
_UP = ("no fewer than", "no less than", "not less than", "no lower than", "at least", "more than",
       "over", "above")  # fmt: skip
_PLAIN = ("only", "just", "about", "around", "approximately", "nearly", "roughly", "currently")
_PHRASES = sorted((*_DOWN, *_UP, *_PLAIN), key=len, reverse=True)
_QUANTIFIED = re.compile(
    r"\b(?P<phrase>" + "|".join(re.escape(p) for p in _PHRASES) + r")\s+" + _PERCENT,
    re.IGNORECASE,
)
_FROM_TO = re.compile(r"\bfrom\s+" + _PERCENT + r"\s+to\s+" + _PERCENT, re.IGNORECASE)
_DOWN_WORDS = re.compile(r"\b(reduce|decrease|lower|fewer|drop|cut)\b", re.IGNORECASE)
_UP_WORDS = re.compile(r"\b(increase|improve|raise|grow|more)\b", re.IGNORECASE)
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
    goal = SmartGoal(target_date=_goal_date(text, school_year))
    span = _FROM_TO.search(text)
    if span:
        goal.baseline, goal.target = float(span[1]), float(span[2])
    else:
        _by_phrases(text, goal)
    goal.direction = goal.direction or _direction(text)
    return goal


def _by_phrases(text: str, goal: SmartGoal) -> None:
    """Baseline from the "Because …" clause, target from the clause after it."""
    end = _because_end(text)
    quantified = list(_QUANTIFIED.finditer(text))
    before = [m for m in quantified if m.start() < end]
    after = [m for m in quantified if m.start() >= end]
    if before:
        goal.baseline = float(before[0][2])
    elif end:
        plain = list(re.finditer(_PERCENT, text[:end], re.IGNORECASE))
        goal.baseline = float(plain[0][1]) if len(plain) == 1 else None
    if after:
        goal.target = float(after[0][2])
        goal.direction = _phrase_direction(after[0]["phrase"])
        return
    rest = list(re.finditer(_PERCENT, text[end:], re.IGNORECASE))
    if len(rest) == 1:
        goal.target = float(rest[0][1])
    elif not end and len(rest) == 2 and not quantified:  # "40% … 60% by May": as written
        goal.baseline, goal.target = float(rest[0][1]), float(rest[1][1])


def _because_end(text: str) -> int:
    """Where seed 003's baseline clause ends: a leading "Because" up to its first comma."""
    stripped = text.lstrip()
    if not stripped.lower().startswith("because"):
        return 0
    offset = len(text) - len(stripped)
    comma = re.search(r",\s", stripped)
    return offset + (comma.start() if comma else len(stripped))


def _phrase_direction(phrase: str) -> Direction | None:
    lowered = phrase.lower()
    if lowered in _DOWN:
        return "down"
    return "up" if lowered in _UP else None


def _direction(text: str) -> Direction | None:
    """The words' way ("reduce", "increase"); quantifiers aside ("no more than" is no "more")."""
    words = _QUANTIFIED.sub(" ", text)
    if _DOWN_WORDS.search(words):
        return "down"
    return "up" if _UP_WORDS.search(words) else None


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
