"""Workbook templates as data (``sheet_templates/*.yaml``): their schema, header matching by
text, and the Sheets API bodies that create a workbook or upgrade an older one in place."""

from tst_sheets.templates.create import render_create, sheet_body
from tst_sheets.templates.headers import (
    HeaderMatch,
    find_header,
    is_example_row,
    match_columns,
)
from tst_sheets.templates.schema import (
    CellInput,
    ColumnSpec,
    ColumnType,
    SettingSpec,
    TabSpec,
    TemplateError,
    WorkbookTemplate,
    load_template,
)
from tst_sheets.templates.upgrade import FoundTab, outstanding, render_upgrade

__all__ = [
    "CellInput",
    "ColumnSpec",
    "ColumnType",
    "FoundTab",
    "HeaderMatch",
    "SettingSpec",
    "TabSpec",
    "TemplateError",
    "WorkbookTemplate",
    "find_header",
    "is_example_row",
    "load_template",
    "match_columns",
    "outstanding",
    "render_create",
    "render_upgrade",
    "sheet_body",
]
