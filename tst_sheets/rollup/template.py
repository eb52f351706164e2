"""``sheet_templates/coach_rollup.yaml``: the roll-up's tabs, the colours and words it adds, and
the Impact Report's tabs (the roll-up's Impact tab and an About of its own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from tst_sheets.config import DEFAULT_TEMPLATES
from tst_sheets.templates import TabSpec, WorkbookTemplate, load_template

TEMPLATE = "coach_rollup"


class ImpactWords(BaseModel):
    """The Impact tab's sections: titles, headers, words and colours (see the YAML)."""

    program_title: str
    program_rows: dict[str, str]
    goals_title: str
    goals_headers: list[str]
    completion_title: str
    completion_headers: list[str]
    completion: list[str]
    pace_words: dict[str, str]
    pace_colors: dict[str, str]
    section_color: str
    bar: dict[str, Any]
    chart_title: str
    years: YearWords = Field(default_factory=lambda: YearWords())


class YearWords(BaseModel):
    """The Impact Report's year-over-year section (see the YAML's ``impact.years``)."""

    title: str = "Year over year: {last} and {this}"
    headers: list[str] = Field(default_factory=lambda: ["Measure", "{last}", "{this}", "Change"])
    rows: dict[str, str] = Field(
        default_factory=lambda: {
            "teams": "Impact Teams",
            "with_target": "Teams with a SMART target",
            "met": "Teams that met their target",
            "completion": "{label}: completion",
            "retention": "Impact Team members who stayed",
        }
    )
    retention_note: str = "{stayed} of {members} members of {teams} continuing teams"


class RollupTemplate(BaseModel):
    """The workbook template, and the roll-up's own keys: order, colours, words."""

    workbook: WorkbookTemplate
    status_order: list[str]
    trend_colors: dict[str, str]
    header_color: str = "#1f4e79"
    column_colors: dict[str, dict[str, dict[str, str]]] = Field(
        default_factory=dict, description="tab key → column key → cell text → colour"
    )
    impact: ImpactWords
    report: WorkbookTemplate

    def tab(self, key: str) -> TabSpec:
        if key in {t.key for t in self.workbook.tabs}:
            return self.workbook.tab(key)
        return self.report.tab(key)

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
        column_colors=colors,
        impact=ImpactWords.model_validate(raw["impact"]),
        report=_report(workbook, raw["report"]),
    )


def _report(workbook: WorkbookTemplate, raw: dict[str, Any]) -> WorkbookTemplate:
    """The report's tabs: a roll-up tab named by its key, or a tab declared in place."""
    tabs = [
        workbook.tab(item) if isinstance(item, str) else TabSpec.model_validate(item)
        for item in raw["tabs"]
    ]
    return WorkbookTemplate(name=raw["name"], version=raw["version"], title=raw["title"], tabs=tabs)
