"""Where things are in a spreadsheet: A1 notation, ranges, links to cells, ids from URLs.

gspread's ``utils`` in one place (pure helpers, no HTTP), plus the few pieces it lacks.
"""

from __future__ import annotations

import re
from functools import lru_cache

from gspread.utils import (
    a1_to_rowcol,
    absolute_range_name,
    column_letter_to_index,
    extract_id_from_url,
)
from gspread.utils import rowcol_to_a1 as _rowcol_to_a1

__all__ = [
    "a1_to_rowcol",
    "absolute_range_name",
    "cell_link",
    "column_letter",
    "column_letter_to_index",
    "id_from_url",
    "range_start",
    "range_title",
    "rowcol_to_a1",
    "split_range",
    "spreadsheet_url",
]

SPREADSHEET_URL = "https://docs.google.com/spreadsheets/d/{id}/edit"


@lru_cache(maxsize=1 << 16)
def rowcol_to_a1(row: int, col: int) -> str:
    """gspread's, remembered: every cell read is named, and the same cells recur."""
    return str(_rowcol_to_a1(row, col))


# Google's ids: letters, digits, "-" and "_" (spreadsheets, files, drives, folders).
_BARE_ID = re.compile(r"[A-Za-z0-9_-]{10,}")
_GOOGLE_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")  # Drive's file and drive ids: no / ? . %
ID_ALPHABET = "letters, digits, - and _"


def is_google_id(text: str) -> bool:
    """Whether ``text`` can be a Drive file or shared drive id (never a path or a query)."""
    return bool(_GOOGLE_ID.fullmatch(text))


def spreadsheet_url(spreadsheet_id: str) -> str:
    return SPREADSHEET_URL.format(id=spreadsheet_id)


def cell_link(spreadsheet_id: str, sheet_id: int | None = None, cell: str | None = None) -> str:
    """A link that opens a spreadsheet at a tab and cell (``…/edit#gid=SHEET_ID&range=A1``)."""
    url = spreadsheet_url(spreadsheet_id)
    if sheet_id is None:
        return url
    url += f"#gid={sheet_id}"
    if cell:
        url += f"&range={cell}"
    return url


def id_from_url(text: str) -> str:
    """The spreadsheet id in a Sheet URL, or a bare id as it is; "" when there is none."""
    text = text.strip()
    if "/" in text:
        try:
            return str(extract_id_from_url(text))
        except Exception:  # gspread's NoValidUrlKeyFound: not a spreadsheet URL
            return ""
    return text if _BARE_ID.fullmatch(text) else ""


def column_letter(index: int) -> str:
    """A 0-based column index as its letters (0 → A, 26 → AA)."""
    return "".join(ch for ch in rowcol_to_a1(1, index + 1) if ch.isalpha())


def split_range(a1: str) -> tuple[str, str]:
    """An absolute range's tab title and cells: ``'Tom''s tab'!B3:Z`` → ("Tom's tab", "B3:Z")."""
    if a1.startswith("'"):
        end = 1
        while end < len(a1):
            if a1[end] == "'" and a1[end + 1 : end + 2] != "'":
                break
            end += 2 if a1[end] == "'" else 1
        return a1[1:end].replace("''", "'"), a1[end + 1 :].lstrip("!")
    title, _, cells = a1.partition("!")
    return title, cells


def range_title(a1: str) -> str:
    """The tab title of an absolute range."""
    return split_range(a1)[0]


def range_start(a1: str) -> tuple[int, int]:
    """The first row and column (1-based) of an absolute range; a whole tab starts at A1."""
    first = split_range(a1)[1].split(":")[0]
    letters = "".join(ch for ch in first if ch.isalpha())
    digits = "".join(ch for ch in first if ch.isdigit())
    row = int(digits) if digits else 1
    column = column_letter_to_index(letters) if letters else 1
    return row, column
