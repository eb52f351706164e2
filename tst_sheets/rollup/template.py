"""``sheet_templates/coach_rollup.yaml``: the roll-up's tabs, and the colours and words it adds."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from tst_sheets.config import DEFAULT_TEMPLATES
from tst_sheets.templates import TabSpec, WorkbookTemplate, load_template

TEMPLATE = "coach_rollup"


class RollupTemplate(BaseModel):
    """The workbook template, and the roll-up's own keys: order, colours, words."""

    workbook: WorkbookTemplate
    status_order: list[str]
    trend_colors: dict[str, str]
    header_color: str = "#1f4e79"
    rule_words: dict[str, str] = Field(default_factory=dict)
    column_colors: dict[str, dict[str, dict[str, str]]] = Field(
        default_factory=dict, description="tab key → column key → cell text → colour"
    )

    def tab(self, key: str) -> TabSpec:
        return self.workbook.tab(key)

    def colors(self, tab: str, column: str) -> dict[str, str]:
        return self.column_colors.get(tab, {}).get(column, {})

    def status_colors(self) -> dict[str, str]:
        """Every word the roll-up colours (statuses, severities, states) → its colour."""
        out: dict[str, str] = {}
        for tab, column in (("summary", "status"), ("findings", "severity"), ("trends", "status")):
            out.update(self.colors(tab, column))
        return out


def load_rollup_template(directory: Path | None = None) -> RollupTemplate:
    workbook = load_template(TEMPLATE, directory)
    path = (directory or DEFAULT_TEMPLATES) / f"{TEMPLATE}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    colors = {
        tab["key"]: {c["key"]: c["colors"] for c in tab.get("columns", []) if c.get("colors")}
        for tab in raw["tabs"]
    }
    return RollupTemplate(
        workbook=workbook,
        status_order=raw["status_order"],
        trend_colors=raw["trend_colors"],
        header_color=raw.get("header_color", "#1f4e79"),
        rule_words=raw.get("rule_words", {}),
        column_colors=colors,
    )
