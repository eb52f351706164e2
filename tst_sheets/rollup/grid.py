"""One roll-up tab as data: its columns (from the template) and rows keyed by column key."""

from __future__ import annotations

import zlib
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from tst_sheets.model.text import SHOWN
from tst_sheets.rollup.state import digest
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.templates import ColumnSpec
from tst_sheets.templates.cells import Link, Percent, Value, plain

Row = dict[str, Value]  # column key → value


class Grid(BaseModel):
    """One tab: a header row, rows of values, and how to show them."""

    key: str
    title: str
    sheet_id: int
    columns: list[ColumnSpec]
    header: bool = True
    rows: list[Row] = Field(default_factory=list)
    frozen_columns: int = 0
    hidden: bool = False
    colors: dict[int, dict[str, str]] = Field(
        default_factory=dict, description="column index → cell text → background"
    )
    backgrounds: dict[str, str] = Field(
        default_factory=dict, description="'row,column' (in ``rows``) → background colour"
    )
    rules: list[dict[str, Any]] = Field(
        default_factory=list, description="conditional format rules (formula based)"
    )
    filter_views: list[dict[str, Any]] = Field(default_factory=list)
    charts: list[dict[str, Any]] = Field(default_factory=list)
    volatile_rows: list[int] = Field(
        default_factory=list, description="rows (0-based, in ``rows``) that change every run"
    )
    bold_rows: list[int] = Field(
        default_factory=list, description="rows (0-based, in ``rows``) in bold: section headers"
    )
    text_limit: int | None = Field(
        default=SHOWN, description="longest text a cell shows (None: the service's own data)"
    )
    merged_rows: list[int] = Field(
        default_factory=list, description="rows (0-based, in ``rows``) merged across: titles"
    )

    def cells(self, row: Row) -> list[Value]:
        """A row in the template's column order."""
        return [row.get(c.key) for c in self.columns]

    def all_rows(self) -> list[list[Value]]:
        head: list[list[Value]] = [[c.header for c in self.columns]] if self.header else []
        return head + [self.cells(row) for row in self.rows]

    def values(self) -> list[list[Any]]:
        """What a reader sees, cell by cell (links show their text)."""
        return [[plain(v) for v in row] for row in self.all_rows()]

    def background(self, row: int, column: int) -> str | None:
        """A data cell's colour: computed for the cell, else by its column's text."""
        computed = self.backgrounds.get(f"{row},{column}")
        if computed:
            return computed
        value = self.rows[row].get(self.columns[column].key)
        return self.colors.get(column, {}).get(str(plain(value))) if value is not None else None

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def stable(self) -> dict[str, Any]:
        """Everything but the volatile rows, for comparing runs."""
        rows = [r for i, r in enumerate(self.rows) if i not in self.volatile_rows]
        data = self.model_dump(mode="json", exclude={"rows", "volatile_rows"})
        data["rows"] = [[_stable_value(v) for v in self.cells(row)] for row in rows]
        return data


def _stable_value(value: Value) -> Any:
    if isinstance(value, Link | Percent):
        return value.model_dump()
    return plain(value)


class RollupContent(BaseModel):
    tabs: list[Grid]
    first_seen: dict[str, date] = Field(default_factory=dict)

    def tab(self, key: str) -> Grid:
        return next(t for t in self.tabs if t.key == key)

    def digest(self) -> str:
        """Same digest ⇔ the same roll-up a coach sees (run facts aside)."""
        return digest([t.stable() for t in self.tabs])


def new_grid(tpl: RollupTemplate, key: str, columns: list[ColumnSpec] | None = None) -> Grid:
    """An empty tab as the template declares it (or with ``columns`` expanded)."""
    tab = tpl.tab(key)
    cols = columns or tab.columns
    colors = {i: tpl.colors(key, c.key) for i, c in enumerate(cols) if tpl.colors(key, c.key)}
    return Grid(key=key, title=tab.title, sheet_id=tab.sheet_id, columns=cols, colors=colors)


def stable_id(text: str) -> int:
    """A filter view's or chart's id from its name, the same on every run."""
    return zlib.crc32(text.encode()) & 0x3FFFFFFF
