"""One roster row: typed getters that flag the exact cell when a value is unusable."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from typing import TYPE_CHECKING

from tst_sheets.model import Severity
from tst_sheets.model.a1 import rowcol_to_a1
from tst_sheets.reading.dates import parse_date, parse_time
from tst_sheets.reading.values import (
    CellValue,
    ParseError,
    as_text,
    is_blank,
    parse_email,
    parse_number,
    parse_yes_no,
)
from tst_sheets.templates import HeaderMatch, TabSpec

if TYPE_CHECKING:
    from tst_sheets.reading.roster import RosterReader


class RosterRow:
    """One roster row: typed getters that flag the exact cell when a value is unusable."""

    def __init__(
        self,
        reader: RosterReader,
        tab: TabSpec,
        header: HeaderMatch,
        cells: Sequence[CellValue],
        number: int,
    ) -> None:
        self.reader, self.tab, self.header, self.values = reader, tab, header, cells
        self.number_1based = number

    def raw(self, key: str) -> CellValue:
        index = self.header.columns.get(key)
        return None if index is None else cell_at(self.values, index)

    def blank(self, key: str) -> bool:
        return is_blank(self.raw(key))

    def a1(self, key: str) -> str:
        return rowcol_to_a1(self.number_1based, self.header.columns.get(key, 0) + 1)

    def cells(self) -> dict[str, str]:
        return {k: rowcol_to_a1(self.number_1based, i + 1) for k, i in self.header.columns.items()}

    def flag(self, key: str, found: str, expected: str, severity: Severity = "error") -> None:
        self.reader.flag(
            self.tab.key,
            self.a1(key),
            "roster.bad_value",
            severity,
            found,
            f"{self.tab.column(key).header}: {expected}",
        )

    def missing(self, key: str) -> None:
        self.flag(key, "empty", "a value (this row is skipped)")

    def text(self, key: str) -> str:
        return as_text(self.raw(key))

    def email(self, key: str, required: bool = False) -> str:
        value = self.raw(key)
        if is_blank(value):
            if required:
                self.flag(key, "empty", "an email address")
            return ""
        parsed = parse_email(value)
        if isinstance(parsed, ParseError):
            self.flag(key, f"{parsed.found!r}: {parsed.reason}", "an email address")
            return ""
        return parsed

    def number(self, key: str) -> float | None:
        value = self.raw(key)
        if is_blank(value):
            return None
        parsed = parse_number(value)
        if isinstance(parsed, ParseError):
            self.flag(key, f"{parsed.found!r}: {parsed.reason}", "a number", "warning")
            return None
        return parsed

    def yes_no(self, key: str, default: bool | None) -> bool | None:
        value = self.raw(key)
        if is_blank(value):
            return default
        parsed = parse_yes_no(value)
        if isinstance(parsed, ParseError):
            self.flag(key, f"{parsed.found!r}: {parsed.reason}", "Yes or No", "warning")
            return default
        return parsed

    def date(self, key: str, required: bool = False) -> date | None:
        value = self.raw(key)
        if is_blank(value):
            if required:
                self.flag(key, "empty", "a date (YYYY-MM-DD); row skipped")
            return None
        parsed = parse_date(value, self.reader.school_year)
        if isinstance(parsed, ParseError):
            self.flag(key, f"{parsed.found!r}: {parsed.reason}", "a date (YYYY-MM-DD)")
            return None
        return parsed

    def time(self, key: str, unreadable: str = "") -> time | None:
        """The cell's time; one it cannot read is an error finding (``unreadable`` says what
        becomes of the row)."""
        value = self.raw(key)
        if is_blank(value):
            return None
        parsed = parse_time(value)
        if parsed is None:
            expected = "a time such as 17:30 or 5:30 pm" + (f"; {unreadable}" if unreadable else "")
            self.flag(key, repr(as_text(value)), expected, "error")
        return parsed


def cell_at(row: Sequence[CellValue], index: int) -> CellValue:
    return row[index] if 0 <= index < len(row) else None
