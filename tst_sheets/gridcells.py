"""Sheets ``CellData`` built in one place, so no text from a team can ever become a formula.

Every string goes in as ``stringValue`` (never parsed, whatever it starts with: ``=``, ``+``,
``@``); the only formulas are the ``HYPERLINK``\\ s the service builds itself, with ``"``
doubled inside their literals.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

SHEETS_EPOCH = date(1899, 12, 30)  # day 0 of Sheets' serial dates
DATE_FORMAT = {"type": "DATE", "pattern": "yyyy-mm-dd"}
DATETIME_FORMAT = {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"}
PERCENT_FORMAT = {"type": "PERCENT", "pattern": "0%"}

Cell = dict[str, Any]  # a Sheets API CellData


class Link(BaseModel):
    """A link the service builds: rendered as ``=HYPERLINK("url","text")``."""

    model_config = ConfigDict(frozen=True)

    url: str
    text: str


class Percent(BaseModel):
    """A share (0..1) shown as a percentage."""

    model_config = ConfigDict(frozen=True)

    value: float


Value = str | int | float | bool | date | datetime | Link | Percent | None


def rgb(hex_colour: str) -> dict[str, float]:
    """``"#RRGGBB"`` → a Sheets ``Color`` (0..1 floats, rounded so JSON stays stable)."""
    h = hex_colour.lstrip("#")
    return {
        name: round(int(h[i : i + 2], 16) / 255, 4)
        for name, i in (("red", 0), ("green", 2), ("blue", 4))
    }


def escape_literal(text: str) -> str:
    """Text for a formula string literal: ``"`` doubled, so it cannot close the literal."""
    return text.replace('"', '""')


def hyperlink_formula(link: Link) -> str:
    return f'=HYPERLINK("{escape_literal(link.url)}","{escape_literal(link.text)}")'


def serial(day: date | datetime) -> float | int:
    """A Sheets serial number: days since 1899-12-30 (a fraction for the time of day)."""
    if isinstance(day, datetime):
        delta = day.replace(tzinfo=None) - datetime(1899, 12, 30)
        return round(delta.total_seconds() / 86400, 6)
    return (day - SHEETS_EPOCH).days


def entered(value: Value) -> dict[str, Any] | None:
    """The ``userEnteredValue`` of a value; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, Link):
        return {"formulaValue": hyperlink_formula(value)}
    if isinstance(value, Percent):
        return {"numberValue": value.value}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, date):  # datetime is a date too
        return {"numberValue": serial(value)}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"stringValue": str(value)}


def number_format(value: Value) -> dict[str, str] | None:
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, Percent):
        return PERCENT_FORMAT
    return None


def cell(value: Value, fmt: dict[str, Any] | None = None) -> Cell:
    """One ``CellData``: the value, its number format, and any extra ``userEnteredFormat``."""
    out: Cell = {}
    user_value = entered(value)
    if user_value is not None:
        out["userEnteredValue"] = user_value
    style = dict(fmt or {})
    numbers = number_format(value)
    if numbers:
        style["numberFormat"] = numbers
    if style:
        out["userEnteredFormat"] = style
    return out


def plain(value: Value) -> str | int | float | bool | None:
    """What a reader of the sheet sees, for tests and JSON (a link shows its text)."""
    if isinstance(value, Link):
        return value.text
    if isinstance(value, Percent):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value
