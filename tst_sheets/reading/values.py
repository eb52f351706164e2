"""Messy cell values, read in one place: text, numbers, percents, yes/no, emails, people.

Cells arrive from one ``values.batchGet`` with ``UNFORMATTED_VALUE`` and ``SERIAL_NUMBER`` dates:
real date cells are numbers, typed text stays text. Every parser returns the value, or a
``ParseError`` saying why it could not, never raises: the readers turn the reason into a finding.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

CellValue = str | int | float | bool | None

FORMULA_ERRORS = frozenset(
    {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#ERROR!", "#NUM!", "#NULL!"}
)


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
    if not isinstance(value, str) or "#" not in value:  # most cells: no formula error
        return None
    code = value.strip().upper()
    return code if code in FORMULA_ERRORS else None


def precheck(value: CellValue) -> ParseError | None:
    """The reasons shared by every parser: empty cell, formula error."""
    if is_blank(value):
        return fail("empty", value)
    code = formula_error(value)
    if code:
        return fail(f"formula error {code}", value)
    return None


def parse_text(value: CellValue) -> str | ParseError:
    return precheck(value) or as_text(value)


def parse_number(value: CellValue) -> float | ParseError:
    if err := precheck(value):
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


def parse_percent(value: CellValue) -> float | ParseError:
    """A percent 0–100 from "75%", "0.75", "75" or a number cell (a % cell arrives as 0.75)."""
    if err := precheck(value):
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
    # a % cell holds 0.58; 0.58 * 100 is 57.99999999999999, so round off the float noise
    return _percent_in_range(round(number * 100, 9) if 0 < number <= 1 else number, value)


def _percent_in_range(number: float, found: CellValue) -> float | ParseError:
    return number if 0 <= number <= 100 else fail("a percent must be 0–100", found)


_YES = frozenset({"yes", "y", "true", "x", "✓", "✔", "done", "attended", "present", "1"})
_NO = frozenset({"no", "n", "false", "0", "absent", "-", "✗", "✘", "missed"})


def parse_yes_no(value: CellValue) -> bool | ParseError:
    if err := precheck(value):
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
    if err := precheck(value):
        return err
    found = _EMAIL.findall(as_text(value))
    if len(found) != 1:
        return fail("expected one email address" if found else "not an email address", value)
    return str(found[0]).lower()


# "w/" before "/" so "Walker w/facilitator leads" splits into two, not "w" and "facilitator leads"
_PEOPLE_SEPARATORS = re.compile(r"\s*(?:\bw/|\bwith\b|\n|/|;|,|&|\+|\band\b)\s*", re.IGNORECASE)


def parse_people(value: CellValue) -> list[str] | ParseError:
    """Several people in one cell: "Ana Ruiz / J. Park", "A and B", one per line."""
    if err := precheck(value):
        return err
    names: list[str] = []
    for part in _PEOPLE_SEPARATORS.split(as_text(value)):
        name = part.strip(" .-•*")
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names or fail("no names", value)
