"""Workbook templates as data: ``sheet_templates/*.yaml`` -> pydantic models.

A broken file raises ``TemplateError`` naming the file, the tab, the column and the field.
"""

from __future__ import annotations

import zlib
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from tst_sheets.config import DEFAULT_TEMPLATES
from tst_sheets.errors import TstError
from tst_sheets.model.text import normalize

ColumnType = Literal[
    "text", "date", "month", "minutes", "number", "percent", "choice", "email", "url", "yes_no"
]
Owner = Literal["team", "service"]
Layout = Literal["table", "facts", "settings"]
CellInput = str | int | float | date | None


@lru_cache(maxsize=4096)
def names_of(*texts: str) -> frozenset[str]:
    """The normalized forms of a header and its aliases (asked for every cell of every header
    row read, so computed once per spelling)."""
    return frozenset(normalize(t) for t in texts if t.strip())


class TemplateError(TstError, ValueError):
    """A template file that cannot be used; the message names the file, tab and field."""


# --- the models ----------------------------------------------------------------------------


class ColumnSpec(BaseModel):
    key: str
    header: str
    aliases: list[str] = []
    type: ColumnType = "text"
    required: bool = False
    note: str = ""
    allowed: list[str] = []
    width: int = Field(140, ge=20, le=2000)
    owner: Owner = "team"

    @model_validator(mode="after")
    def _allowed_fits_type(self) -> ColumnSpec:
        if self.allowed and self.type not in ("choice", "yes_no"):
            raise ValueError(f"allowed values need type choice, not {self.type}")
        if self.type == "choice" and not self.allowed:
            raise ValueError("a choice column needs allowed values")
        return self

    def choices(self) -> list[str]:
        return self.allowed or (["Yes", "No"] if self.type == "yes_no" else [])

    def names(self) -> frozenset[str]:
        """Every normalized header this column answers to."""
        return names_of(self.header, *self.aliases)

    def header_note(self) -> str:
        parts = ["Required." if self.required else ""]
        parts.append(self.note)
        if self.choices():
            parts.append("Choose: " + ", ".join(self.choices()) + ".")
        return " ".join(p for p in parts if p)


class SettingSpec(BaseModel):
    """One row of a settings tab (Setting | Value), e.g. the roster's Program tab."""

    key: str
    label: str
    aliases: list[str] = []
    type: ColumnType = "text"
    note: str = ""
    owner: Owner = "team"
    default: str = ""

    def names(self) -> frozenset[str]:
        return names_of(self.label, *self.aliases)


class TabSpec(BaseModel):
    key: str
    title: str
    aliases: list[str] = []
    owner: Owner = "team"
    optional: bool = False  # a workbook without it is no finding (a tab added later)
    columns: list[ColumnSpec] = []
    example_rows: list[dict[str, str]] = []  # by column key
    layout: Layout = "table"
    help: str = ""
    rows: int = Field(200, ge=1, le=5000, description="Data rows formatted and validated.")
    text: list[list[str]] = []  # fixed rows of a facts tab
    settings: list[SettingSpec] = []  # rows of a settings tab
    color: str = ""

    @cached_property
    def by_name(self) -> dict[str, list[ColumnSpec]]:
        """Normalized header → the columns answering to it, in template order (built once:
        every cell of every header row read asks)."""
        out: dict[str, list[ColumnSpec]] = {}
        for col in self.columns:
            for name in col.names():
                out.setdefault(name, []).append(col)
        return out

    def columns_named(self, name: str) -> list[ColumnSpec]:
        """The columns a normalized header text names (an alias may serve two)."""
        return self.by_name.get(name, [])

    @model_validator(mode="after")
    def _consistent(self) -> TabSpec:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate column keys in {keys}")
        for row in self.example_rows:
            unknown = set(row) - set(keys)
            if unknown:
                raise ValueError(f"example row names unknown columns {sorted(unknown)}")
        if self.layout == "table" and any(not c.header.strip() for c in self.columns):
            raise ValueError("every column of a table tab needs a header")
        return self

    @property
    def sheet_id(self) -> int:
        """A stable gid from the key, so links to a tab work without reading the workbook."""
        return zlib.crc32(self.key.encode()) & 0x3FFFFFFF

    def column(self, key: str) -> ColumnSpec:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"tab {self.key!r} has no column {key!r}")

    def names(self) -> frozenset[str]:
        return names_of(self.title, *self.aliases)

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def setting(self, key: str) -> SettingSpec:
        for item in self.settings:
            if item.key == key:
                return item
        raise KeyError(f"tab {self.key!r} has no setting {key!r}")


class WorkbookTemplate(BaseModel):
    name: str
    version: int = Field(ge=1)
    title: str = "{name}"
    tabs: list[TabSpec]

    @model_validator(mode="after")
    def _unique_tabs(self) -> WorkbookTemplate:
        for attr in ("key", "title"):
            values = [getattr(t, attr) for t in self.tabs]
            if len(set(values)) != len(values):
                raise ValueError(f"duplicate tab {attr}s in {values}")
        return self

    def tab(self, key: str) -> TabSpec:
        for tab in self.tabs:
            if tab.key == key:
                return tab
        raise KeyError(f"template {self.name!r} has no tab {key!r}")

    def find_tab(self, title: str) -> TabSpec | None:
        """The template tab a workbook tab title (or one of its aliases) stands for."""
        wanted = normalize(title)
        return next((t for t in self.tabs if wanted in t.names()), None)


# --- loading -------------------------------------------------------------------------------


def load_template(name: str, directory: Path | None = None) -> WorkbookTemplate:
    """``sheet_templates/<name>.yaml`` as a model; a broken file raises ``TemplateError``."""
    path = Path(directory or DEFAULT_TEMPLATES) / f"{name}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TemplateError(
            f"{path}: cannot read the template ({exc.strerror}); set TST_TEMPLATES_DIR to the "
            "sheet_templates folder"
        ) from exc
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise TemplateError(f"{path}: expected a mapping with name, version and tabs")
    try:
        return WorkbookTemplate.model_validate(raw)
    except ValidationError as exc:
        raise TemplateError(_describe(path, raw, exc)) from exc


def _describe(path: Path, raw: dict[str, Any], exc: ValidationError) -> str:
    """One line per problem: file, tab (key and title), column and field."""
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = [str(path)]
        if len(loc) >= 2 and loc[0] == "tabs" and isinstance(loc[1], int):
            where.append(_tab_label(raw, loc[1]))
            loc = loc[2:]
            if len(loc) >= 2 and loc[0] == "columns" and isinstance(loc[1], int):
                where.append(_column_label(raw, int(err["loc"][1]), loc[1]))
                loc = loc[2:]
        field = ".".join(str(part) for part in loc) or "(the entry itself)"
        lines.append(f"{': '.join(where)}: field {field!r}: {err['msg']}")
    return "\n".join(lines)


def _tab_label(raw: dict[str, Any], index: int) -> str:
    tabs = raw.get("tabs") or []
    tab = tabs[index] if index < len(tabs) and isinstance(tabs[index], dict) else {}
    return f"tab #{index + 1} {tab.get('key', '?')!r} ({tab.get('title', 'no title')})"


def _column_label(raw: dict[str, Any], tab_index: int, index: int) -> str:
    tab = (raw.get("tabs") or [])[tab_index]
    columns = tab.get("columns") or [] if isinstance(tab, dict) else []
    col = columns[index] if index < len(columns) and isinstance(columns[index], dict) else {}
    return f"column #{index + 1} {col.get('key', '?')!r} ({col.get('header', 'no header')})"
