"""One cell of a team workbook → the row fields it fills, or a finding on that cell.

Each column's type picks its parser (dates, durations, numbers, percents, people, timelines);
a value outside a dropdown's list or a log date outside the school year is kept and flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from tst_sheets.model import DateRange, Finding, Severity
from tst_sheets.model.text import normalize
from tst_sheets.reading.dates import parse_date, parse_duration
from tst_sheets.reading.timeline import parse_timeline
from tst_sheets.reading.values import (
    CellValue,
    ParseError,
    as_text,
    formula_error,
    parse_email,
    parse_number,
    parse_people,
    parse_percent,
    parse_text,
    parse_yes_no,
)
from tst_sheets.templates import ColumnSpec, TabSpec

LOG_TABS = frozenset({"meetings", "coaching", "checkins", "data"})  # dated entries of the year
PEOPLE_FIELDS = frozenset({"attendees", "person_responsible"})
PERCENT_FIELDS = frozenset({("goals", "baseline"), ("goals", "target")})


class CellReader:
    """What every finding of one workbook needs: who, where, and the school year for dates."""

    def __init__(self, team_id: str, spreadsheet_id: str, school_year: DateRange) -> None:
        self.team_id, self.spreadsheet_id, self.school_year = team_id, spreadsheet_id, school_year
        self.findings: list[Finding] = []

    def flag(
        self,
        rule: str,
        severity: Severity,
        tab: str,
        sheet_id: int | None,
        cell: str | None,
        found: str,
        expected: str,
    ) -> None:
        self.findings.append(
            Finding.at(
                self.team_id,
                rule,
                severity,
                spreadsheet_id=self.spreadsheet_id,
                sheet_id=sheet_id,
                tab=tab,
                cell=cell,
                found=found,
                expected=expected,
            )
        )


Parser = Callable[[CellValue, DateRange], Any]
PARSERS: dict[str, Parser] = {
    "date": parse_date,
    "month": parse_timeline,
    "minutes": lambda v, _sy: parse_duration(v),
    "number": lambda v, _sy: parse_number(v),
    "percent": lambda v, _sy: parse_percent(v),
    "email": lambda v, _sy: parse_email(v),
    "yes_no": lambda v, _sy: parse_yes_no(v),
}
EXPECTED = {
    "date": "a date, e.g. 2026-09-14 or 9/14",
    "month": "a month and year, e.g. May 2027 or April-May/2027",
    "minutes": "minutes, e.g. 30, 45 min or 1:30",
    "number": "a number, e.g. 68 or 68%",
    "percent": "a percent, e.g. 75%",
    "email": "one email address",
    "yes_no": "Yes or No",
    "people": "one or more names",
    "text": "text (type ' first to start text with = or +)",
}


def _kind(tab: TabSpec, spec: ColumnSpec) -> str:
    if spec.key in PEOPLE_FIELDS:
        return "people"
    if (tab.key, spec.key) in PERCENT_FIELDS:
        return "percent"
    return spec.type


def read_cell(
    reader: CellReader,
    tab: TabSpec,
    spec: ColumnSpec,
    value: CellValue,
    title: str,
    sheet_id: int,
    cell: str,
) -> dict[str, Any]:
    """One cell → the row fields it fills ({} when unreadable, with a finding)."""
    kind = _kind(tab, spec)
    code = formula_error(value)
    if code:  # a formula broke and its value is gone: an error, whatever the cell (see status)
        reader.flag(
            "formula_error",
            "error",
            title,
            sheet_id,
            cell,
            code,
            EXPECTED.get(kind, EXPECTED["text"]),
        )
        return {}
    parsed = _parse(kind, tab, spec, value, reader.school_year)
    if isinstance(parsed, ParseError):
        reader.flag(
            "unreadable_value",
            "warning",
            title,
            sheet_id,
            cell,
            f"{parsed.found} ({parsed.reason})",
            EXPECTED.get(kind, EXPECTED["text"]),
        )
        return _raw_text(spec.key, value)
    _check_value(reader, tab, spec, parsed, value, title, sheet_id, cell)
    return _fields(spec.key, parsed, value)


def _parse(
    kind: str, tab: TabSpec, spec: ColumnSpec, value: CellValue, school_year: DateRange
) -> Any:
    if kind == "people":
        return parse_people(value)
    if tab.key == "data" and spec.key in ("value", "target"):
        return _parse_amount(value)
    if kind == "month" and isinstance(value, int | float) and not isinstance(value, bool):
        return _month_from_serial(value, school_year)
    parser = PARSERS.get(kind)
    return parser(value, school_year) if parser else parse_text(value)


def _parse_amount(value: CellValue) -> float | ParseError:
    """A data value: "68%" and a % cell (0.68) are percents; other numbers stay as typed."""
    if isinstance(value, str) and "%" in value:
        return parse_percent(value)
    return parse_number(value)


def _month_from_serial(value: float, school_year: DateRange) -> Any:
    """ "May 2027" typed USER_ENTERED becomes May 1: a first of the month means the month."""
    parsed = parse_timeline(value, school_year)
    if isinstance(parsed, ParseError) or not parsed.dates or parsed.dates[0].day != 1:
        return parsed
    return parsed.model_copy(update={"kind": "months", "months": parsed.dates, "dates": []})


def _raw_text(key: str, value: CellValue) -> dict[str, Any]:
    """Keep what was typed where the model has a text twin, so checks can quote it."""
    if key == "timeline":
        return {"timeline_text": as_text(value)}
    if key == "value":
        return {"value_text": as_text(value)}
    return {}


def _fields(key: str, parsed: Any, value: CellValue) -> dict[str, Any]:
    fields = {key: parsed}
    if key == "timeline":
        fields["timeline_text"] = as_text(value)
    if key == "value":
        fields["value_text"] = as_text(value)
    return fields


def _check_value(
    reader: CellReader,
    tab: TabSpec,
    spec: ColumnSpec,
    parsed: Any,
    value: CellValue,
    title: str,
    sheet_id: int,
    cell: str,
) -> None:
    """Readable but doubtful: outside the dropdown's list, or a log date outside the year."""
    choices = spec.choices()
    if (
        choices
        and spec.type == "choice"
        and normalize(as_text(value)) not in {normalize(c) for c in choices}
    ):
        reader.flag(
            "not_in_list",
            "info",
            title,
            sheet_id,
            cell,
            as_text(value),
            "one of: " + ", ".join(choices),
        )
    sy = reader.school_year
    if tab.key in LOG_TABS and isinstance(parsed, date) and not sy.contains(parsed):
        reader.flag(
            "date_outside_year",
            "warning",
            title,
            sheet_id,
            cell,
            f"{parsed:%b %d, %Y}",
            f"a date in the school year ({sy.start:%b %d, %Y} – {sy.end:%b %d, %Y})",
        )
