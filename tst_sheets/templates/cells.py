"""Sheets ``CellData`` built in one place, so no text from a team can ever become a formula.

Every string goes in as ``stringValue`` (never parsed, whatever it starts with: ``=``, ``+``,
``@``); the only formulas are the ``HYPERLINK``\\ s the service builds itself, with ``"``
doubled inside their literals. Dates are Sheets serial numbers (days since 1899-12-30).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from tst_sheets.model.text import CELL_LIMIT, SHOWN, clip
from tst_sheets.templates.schema import CellInput, ColumnSpec, ColumnType

SHEETS_EPOCH = date(1899, 12, 30)  # day 0 of Sheets' serial dates
DATE_FORMAT = {"type": "DATE", "pattern": "yyyy-mm-dd"}
DATETIME_FORMAT = {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"}
PERCENT_FORMAT = {"type": "PERCENT", "pattern": "0%"}
HEADER_BACKGROUND = {"red": 0.85, "green": 0.9, "blue": 0.96}
# The number format of each template column type (other types keep Sheets' automatic one).
NUMBER_FORMATS: dict[str, dict[str, str]] = {
    "date": DATE_FORMAT,
    "month": {"type": "DATE", "pattern": "mmm yyyy"},
    "minutes": {"type": "NUMBER", "pattern": "0"},
    "percent": PERCENT_FORMAT,
}

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
    text = clip(link.text, SHOWN)
    return f'=HYPERLINK("{escape_literal(link.url)}","{escape_literal(text)}")'


def serial(day: date | datetime) -> float | int:
    """A Sheets serial number: days since 1899-12-30 (a fraction for the time of day)."""
    if isinstance(day, datetime):
        delta = day.replace(tzinfo=None) - datetime(1899, 12, 30)
        return round(delta.total_seconds() / 86400, 6)
    return (day - SHEETS_EPOCH).days


def serial_day(number: float) -> date:
    """The day a serial number falls on (its fraction, the time of day, dropped).

    Raises OverflowError or ValueError for numbers no date has (1e308, inf, nan).
    """
    return SHEETS_EPOCH + timedelta(days=int(number))


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
    return {"stringValue": clip(str(value), CELL_LIMIT)}  # nothing written exceeds a cell


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


# --- template cells: headers, typed body cells, facts ----------------------------------------


def cell_value(value: CellInput, kind: ColumnType = "text") -> dict[str, Any]:
    """A ``userEnteredValue``; text goes in as a string (RAW), never as a formula."""
    if value is None or value == "":
        return {}
    if isinstance(value, date):
        return {"numberValue": serial(value)}
    if isinstance(value, int | float):
        return {"numberValue": value}
    if kind in ("date", "month"):
        parsed = _iso_date(value)
        if parsed:
            return {"numberValue": serial(parsed)}
    if kind == "minutes" and value.isdigit():
        return {"numberValue": int(value)}
    return {"stringValue": clip(value, CELL_LIMIT)}


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def header_cell(col: ColumnSpec) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "userEnteredValue": {"stringValue": col.header},
        "userEnteredFormat": {
            "backgroundColor": HEADER_BACKGROUND,
            "textFormat": {"bold": True},
            "wrapStrategy": "WRAP",
            "verticalAlignment": "MIDDLE",
        },
    }
    note = col.header_note()
    if note:
        cell["note"] = note
    return cell


def validation(col: ColumnSpec) -> dict[str, Any] | None:
    """Warning-only rules: a value outside the list stays (and becomes a finding)."""
    if col.choices():
        values = [{"userEnteredValue": v} for v in col.choices()]
        condition = {"type": "ONE_OF_LIST", "values": values}
        return {"condition": condition, "strict": False, "showCustomUi": True}
    if col.type == "email":
        return {"condition": {"type": "TEXT_IS_EMAIL"}, "strict": False}
    return None


def data_cell(col: ColumnSpec, value: CellInput = None) -> dict[str, Any]:
    """A body cell: the column's number format, validation and (optional) value."""
    cell: dict[str, Any] = {}
    entered = cell_value(value, col.type)
    if entered:
        cell["userEnteredValue"] = entered
    fmt = NUMBER_FORMATS.get(col.type)
    if fmt:
        cell["userEnteredFormat"] = {"numberFormat": fmt}
    rule = validation(col)
    if rule:
        cell["dataValidation"] = rule
    return cell


def text_cell(value: str, *, bold: bool = False, link: str = "") -> dict[str, Any]:
    cell: dict[str, Any] = {"userEnteredValue": cell_value(value)} if value else {}
    fmt: dict[str, Any] = {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
    text_format: dict[str, Any] = {}
    if bold:
        text_format["bold"] = True
    if link:
        text_format["link"] = {"uri": link}
    if text_format:
        fmt["textFormat"] = text_format
    cell["userEnteredFormat"] = fmt
    return cell
