"""A tab's column charts (``EmbeddedChart`` with a ``basicChart`` of type COLUMN) as inline SVG.

The chart is drawn from the tab's own cells, as Sheets draws it: the domain's cells name the
groups, each series is a column of numbers, ``headerCount`` rows give the series their names.
A chart of another kind, or with ranges on another tab, is shown as its title only, so the page
never pretends to show what it cannot. Every text goes through ``html.escape``; coordinates
are numbers the code computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

PALETTE = ("#4285f4", "#db4437", "#f4b400", "#0f9d58", "#ab47bc", "#00acc1")  # Sheets' defaults
DEFAULT_SIZE = (600, 371)  # Sheets' size for a chart added without one
_TOP, _BOTTOM, _LEFT, _RIGHT = 34, 64, 48, 12  # room for the title, the labels and legend, ticks

Rows = list[list[dict[str, Any]]]


@dataclass(frozen=True)
class _Series:
    name: str
    values: list[float | None]


@dataclass(frozen=True)
class _Data:
    groups: list[str]
    series: list[_Series]
    percent: bool  # the series' cells are formatted as percents: so are the axis ticks


def chart_svg(chart: dict[str, Any], rows: Rows, sheet_id: int) -> str:
    """One chart, ``widthPixels`` × ``heightPixels``, as ``<svg class="chart">``."""
    spec = chart.get("spec") or {}
    title = str(spec.get("title") or "")
    width, height = _size(chart)
    basic = spec.get("basicChart") or {}
    data = _data(basic, rows, sheet_id) if basic.get("chartType") == "COLUMN" else None
    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title, quote=True)}">',
        f'<rect width="{width}" height="{height}" fill="#fff" stroke="#dadce0"/>',
        f'<text x="{width // 2}" y="22" text-anchor="middle" font-size="14">{escape(title)}</text>',
    ]
    if data is not None and data.groups:
        out += _columns(data, width, height)
    out.append("</svg>")
    return "".join(out)


def anchor(chart: dict[str, Any]) -> tuple[int, int, int, int]:
    """(row, column, x offset, y offset) of the chart's top-left corner on its tab."""
    overlay = (chart.get("position") or {}).get("overlayPosition") or {}
    cell = overlay.get("anchorCell") or {}
    return (
        int(cell.get("rowIndex", 0)),
        int(cell.get("columnIndex", 0)),
        int(overlay.get("offsetXPixels", 0)),
        int(overlay.get("offsetYPixels", 0)),
    )


def _size(chart: dict[str, Any]) -> tuple[int, int]:
    overlay = (chart.get("position") or {}).get("overlayPosition") or {}
    width = int(overlay.get("widthPixels") or DEFAULT_SIZE[0])
    height = int(overlay.get("heightPixels") or DEFAULT_SIZE[1])
    return min(max(width, 120), 2000), min(max(height, 120), 2000)


def _data(basic: dict[str, Any], rows: Rows, sheet_id: int) -> _Data | None:
    """The groups and series the chart's ranges hold; None if a range is on another tab."""
    header = int(basic.get("headerCount") or 0)
    domains = [d.get("domain") or {} for d in basic.get("domains") or []]
    series = [s.get("series") or {} for s in basic.get("series") or []]
    ranges = [_range(d, sheet_id) for d in domains[:1] + series]
    if not ranges or any(r is None for r in ranges):
        return None
    columns = [_column(rows, r) for r in ranges if r is not None]
    groups = [_text(c) for c in columns[0][header:]]
    out = [
        _Series(
            name=" ".join(_text(c) for c in cells[:header]) or f"Series {i + 1}",
            values=[_number(c) for c in cells[header:]],
        )
        for i, cells in enumerate(columns[1:])
    ]
    percent = any(_is_percent(c) for cells in columns[1:] for c in cells[header:])
    return _Data(groups=groups, series=out, percent=percent)


def _range(source: dict[str, Any], sheet_id: int) -> tuple[int, int, int] | None:
    """(first row, end row, column) of a one-column ``ChartSourceRange`` on this tab."""
    sources = (source.get("sourceRange") or {}).get("sources") or []
    if len(sources) != 1 or int(sources[0].get("sheetId", 0)) != sheet_id:
        return None
    grid = sources[0]
    return (
        int(grid.get("startRowIndex", 0)),
        int(grid.get("endRowIndex", 0)),
        int(grid.get("startColumnIndex", 0)),
    )


def _column(rows: Rows, where: tuple[int, int, int]) -> list[dict[str, Any]]:
    top, bottom, col = where
    return [rows[r][col] if col < len(rows[r]) else {} for r in range(top, min(bottom, len(rows)))]


def _text(cell: dict[str, Any]) -> str:
    return str(cell.get("formattedValue") or "")


def _number(cell: dict[str, Any]) -> float | None:
    value = (cell.get("effectiveValue") or {}).get("numberValue")
    return float(value) if isinstance(value, int | float) else None


def _is_percent(cell: dict[str, Any]) -> bool:
    number_format = (cell.get("effectiveFormat") or {}).get("numberFormat") or {}
    return number_format.get("type") == "PERCENT"


def _columns(data: _Data, width: int, height: int) -> list[str]:
    """Axis, one group of columns per domain value (an empty cell: no column), legend."""
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    values = [v for s in data.series for v in s.values if v is not None]
    top = max([*values, 0.0]) or 1.0
    base = _TOP + plot_h
    out = [_tick(_LEFT, base, "0"), _tick(_LEFT, _TOP, _label(top, data.percent))]
    out.append(f'<line x1="{_LEFT}" y1="{base}" x2="{width - _RIGHT}" y2="{base}" stroke="#999"/>')
    slot = plot_w / len(data.groups)
    bar = slot * 0.8 / max(len(data.series), 1)
    for g, group in enumerate(data.groups):
        x0 = _LEFT + g * slot + slot * 0.1
        for s, series in enumerate(data.series):
            value = series.values[g] if g < len(series.values) else None
            if value is None or value <= 0:
                continue
            h = plot_h * value / top
            out.append(
                f'<rect x="{x0 + s * bar:.1f}" y="{base - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}"/>'
            )
        out.append(
            f'<text x="{x0 + slot * 0.4:.1f}" y="{base + 14}" text-anchor="middle" '
            f'font-size="11">{escape(group)}</text>'
        )
    out += _legend(data.series, width, height)
    return out


def _tick(x: int, y: float, text: str) -> str:
    return f'<text x="{x - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{text}</text>'


def _label(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else f"{value:g}"


def _legend(series: list[_Series], width: int, height: int) -> list[str]:
    out: list[str] = []
    step = (width - _LEFT - _RIGHT) / max(len(series), 1)
    for s, one in enumerate(series):
        x, y, fill = _LEFT + s * step, height - 18, PALETTE[s % len(PALETTE)]
        out.append(f'<rect x="{x:.1f}" y="{y - 9}" width="10" height="10" fill="{fill}"/>')
        out.append(f'<text x="{x + 14:.1f}" y="{y}" font-size="11">{escape(one.name)}</text>')
    return out
