"""A1 notation, in one place: parsing ranges and writing them back the way Google does.

Accepted forms, each optionally prefixed by a sheet name (``Sheet1!``, ``'Sheet 1'!``,
``'O''Brien''s'!``): a cell ``B2``, a box ``A1:C3`` (either corner first), whole columns
``A:C``, half-open boxes ``A2:C`` and ``A1:1``, whole rows ``2:5``, ``$`` anchors, a bare
sheet name (the whole sheet) and a named range (``Totals`` or ``Sheet1!Totals``).
Indices in :class:`A1Range` are zero-based and end-exclusive; ``None`` is unbounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_COLUMN_LETTERS = 3  # Google's grid stops at column ZZZ (18,278 columns)

_ENDPOINT = re.compile(r"^\$?([A-Za-z]{1,3})?\$?([0-9]+)?$")
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELL_LIKE = re.compile(r"^[A-Za-z]{1,3}[0-9]+$")
_R1C1_LIKE = re.compile(r"^[Rr][0-9]*[Cc][0-9]*$")


class A1Error(ValueError):
    """The text is not A1 notation."""


@dataclass(frozen=True)
class A1Range:
    """A parsed range. ``named`` is set (and the indices unused) for a named range."""

    sheet: str | None
    start_row: int = 0
    end_row: int | None = None
    start_col: int = 0
    end_col: int | None = None
    named: str | None = None
    whole_sheet: bool = False


def column_index(letters: str) -> int:
    """``A`` → 0, ``Z`` → 25, ``AA`` → 26."""
    index = 0
    for char in letters.upper():
        index = index * 26 + (ord(char) - 64)
    return index - 1


def column_letters(index: int) -> str:
    """0 → ``A``, 26 → ``AA``."""
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    return f"{column_letters(col)}{row + 1}"


def split_sheet(text: str) -> tuple[str | None, str]:
    """``'It''s'!A1`` → (``It's``, ``A1``); text without ``!`` has no sheet part."""
    text = text.strip()
    if text.startswith("'"):
        name, pos = _read_quoted(text)
        rest = text[pos:]
        if rest == "":
            return name, ""
        if not rest.startswith("!"):
            raise A1Error(text)
        return name, rest[1:]
    if "!" in text:
        name, _, rest = text.rpartition("!")
        return name, rest
    return None, text


def _read_quoted(text: str) -> tuple[str, int]:
    """The name inside leading quotes (``''`` is an apostrophe) and where it ends."""
    out, pos = [], 1
    while pos < len(text):
        char = text[pos]
        if char == "'":
            if text[pos + 1 : pos + 2] == "'":
                out.append("'")
                pos += 2
                continue
            return "".join(out), pos + 1
        out.append(char)
        pos += 1
    raise A1Error(text)


def parse(text: str) -> A1Range:
    """Parse a range; a sheet-less name that is not a cell reference comes back as
    ``A1Range(sheet=name, whole_sheet=True, named=name)`` so the caller can decide
    between a sheet title and a named range."""
    sheet, ref = split_sheet(text)
    if ref == "":
        if sheet is None or sheet == "":
            raise A1Error(text)
        return A1Range(sheet=sheet, whole_sheet=True)
    box = parse_box(ref)
    if box is not None:
        return A1Range(sheet, *box)
    if sheet is None:  # Google accepts unquoted titles with spaces when nothing follows
        return A1Range(sheet=ref.strip(), whole_sheet=True, named=ref.strip())
    if _PLAIN_NAME.match(ref):
        return A1Range(sheet=sheet, named=ref)
    raise A1Error(text)


def parse_box(ref: str) -> tuple[int, int | None, int, int | None] | None:
    """``A2:C`` → (start_row, end_row, start_col, end_col) or None if not a reference."""
    first, sep, second = ref.partition(":")
    start = _endpoint(first)
    if start is None:
        return None
    if not sep:
        col, row = start
        if col is None or row is None:
            return None
        return row, row + 1, col, col + 1
    end = _endpoint(second)
    if end is None or not _compatible(start, end):
        return None
    return _normalise(start, end)


def _endpoint(text: str) -> tuple[int | None, int | None] | None:
    found = _ENDPOINT.match(text.strip())
    if not found or not (found.group(1) or found.group(2)):
        return None
    letters, digits = found.group(1), found.group(2)
    if digits is not None and int(digits) < 1:
        return None
    col = column_index(letters) if letters else None
    row = int(digits) - 1 if digits else None
    return col, row


def _compatible(start: tuple[int | None, int | None], end: tuple[int | None, int | None]) -> bool:
    """``A:1`` is meaningless: a bare column cannot start a row range and so on."""
    if start[0] is None and end[0] is not None and end[1] is None:
        return False
    return not (start[1] is None and end[1] is not None and end[0] is None)


def _normalise(
    start: tuple[int | None, int | None], end: tuple[int | None, int | None]
) -> tuple[int, int | None, int, int | None]:
    (c0, r0), (c1, r1) = start, end
    if c0 is not None and c1 is not None and c1 < c0:
        c0, c1 = c1, c0
    if r0 is not None and r1 is not None and r1 < r0:
        r0, r1 = r1, r0
    return (
        r0 or 0,
        None if r1 is None else r1 + 1,
        c0 or 0,
        None if c1 is None else c1 + 1,
    )


# -- writing ranges back ------------------------------------------------------------------


def quote_sheet(title: str) -> str:
    """Quote a sheet title only where Google does: names that are not plain words or that
    read like a cell (``D3``) or an R1C1 reference."""
    if _PLAIN_NAME.match(title) and not _CELL_LIKE.match(title) and not _R1C1_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def box_text(start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    """``A1:C3``, or ``B2`` for a single cell (ends exclusive)."""
    first = cell_name(start_row, start_col)
    if end_row - start_row <= 1 and end_col - start_col <= 1:
        return first
    return f"{first}:{cell_name(end_row - 1, end_col - 1)}"


def format_range(title: str, start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    """``'Sheet 1'!A1:C3`` as Google writes ranges in replies."""
    return f"{quote_sheet(title)}!{box_text(start_row, end_row, start_col, end_col)}"
