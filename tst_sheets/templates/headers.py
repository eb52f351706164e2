"""Finding a tab's header row and its columns by text (aliases too), never by position.

A TL may move, rename to an alias, add or delete columns and insert rows above the header;
the template's example rows ("Example: …") are skipped by every reader.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from tst_sheets.model.text import normalize
from tst_sheets.templates.schema import ColumnSpec, TabSpec

EXAMPLE_PREFIX = "example:"
HEADER_SCAN_ROWS = 10  # a TL may insert a few rows above the header


class HeaderMatch(BaseModel):
    """Where a tab's header row is and which column holds each template column."""

    row: int  # 0-based index of the header row in the values read
    columns: dict[str, int]  # column key -> 0-based column index
    extra: dict[int, str] = {}  # a TL's own columns: index -> header text

    def missing(self, tab: TabSpec) -> list[ColumnSpec]:
        return [c for c in tab.columns if c.key not in self.columns]


def match_columns(tab: TabSpec, header_row: Sequence[object]) -> HeaderMatch:
    """Columns of one header row by text (first match wins; a TL's own columns kept aside)."""
    found: dict[str, int] = {}
    extra: dict[int, str] = {}
    for index, cell in enumerate(header_row):
        text = "" if cell is None else str(cell)
        name = normalize(text)
        if not name:
            continue
        col = next((c for c in tab.columns_named(name) if c.key not in found), None)
        if col is None:
            extra[index] = text
        else:
            found[col.key] = index
    return HeaderMatch(row=0, columns=found, extra=extra)


def find_header(tab: TabSpec, rows: Sequence[Sequence[object]]) -> HeaderMatch | None:
    """The row among the first few that names the most template columns (None: no header)."""
    best: HeaderMatch | None = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        match = match_columns(tab, row)
        if match.columns and (best is None or len(match.columns) > len(best.columns)):
            best = match.model_copy(update={"row": index})
            if len(match.columns) == len(tab.columns):
                break  # no later row can name more
    return best


def is_example_row(row: Sequence[object]) -> bool:
    """The template's example rows start with "Example:"; readers skip them."""
    first = next((str(v) for v in row if v not in (None, "")), "")
    return first.strip().lower().startswith(EXAMPLE_PREFIX)
