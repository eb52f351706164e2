"""One tab of ``spreadsheets.get?includeGridData=true`` as an HTML table.

It reads Google's own JSON shape (``Sheet``, ``GridData``, ``CellData``), so what the page
shows is what the API answers: ``formattedValue`` as the backend renders FORMATTED_VALUE,
``effectiveFormat`` for bold, colours and alignment, merges, frozen rows and column widths.
Every text and attribute goes through ``html.escape``; styles are built from numbers and
fixed keywords only, so no cell content can reach the markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from tst_sheets.emulator.viewer import charts

DEFAULT_WIDTH = 100  # Sheets' default column width and row height, in pixels
DEFAULT_HEIGHT = 21
HEADER_HEIGHT = 22  # the column-letter row above the grid
ROWNUM_WIDTH = 46
MAX_ROWS = 1000  # a pasted 5,000-row tab stays a usable page

LinkRewriter = Callable[[str], str | None]  # a cell's URL -> a safe href, or None: no link

_COLLAPSE = ";visibility:collapse"  # a hidden column keeps its place for merges, shows nothing
_INHERITED = ("color:", "font-", "text-decoration:")  # what a table passes on to its cells
_H_ALIGN = {"LEFT": "left", "CENTER": "center", "RIGHT": "right"}
_V_ALIGN = {"TOP": "top", "MIDDLE": "middle", "BOTTOM": "bottom"}
_HYPERLINK = re.compile(r'^=\s*HYPERLINK\(\s*"((?:[^"]|"")*)"', re.IGNORECASE)


@dataclass(frozen=True)
class Area:
    """A rectangle of cells, zero-based and end-exclusive, like a ``GridRange``."""

    top: int
    left: int
    bottom: int
    right: int

    def holds(self, row: int, col: int) -> bool:
        return self.top <= row < self.bottom and self.left <= col < self.right


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse_a1(ref: str) -> Area | None:
    """``B3`` or ``B3:D5`` (a sheet name before ``!`` is ignored) as an Area; None if not A1."""
    ref = ref.rsplit("!", 1)[-1].replace("$", "").upper()
    corners = []
    for part in ref.split(":"):
        match = re.fullmatch(r"([A-Z]{1,3})([0-9]{1,7})", part)
        if not match:
            return None
        col = 0
        for char in match.group(1):
            col = col * 26 + ord(char) - 64
        corners.append((int(match.group(2)) - 1, col - 1))
    if len(corners) not in (1, 2) or corners[0][0] < 0:
        return None
    (r1, c1), (r2, c2) = corners[0], corners[-1]
    return Area(min(r1, r2), min(c1, c2), max(r1, r2) + 1, max(c1, c2) + 1)


# -- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    rewrite: LinkRewriter
    target: Area | None
    base: frozenset[str]  # the spreadsheet's default format: on the table, not on each cell


@dataclass(frozen=True)
class _Layout:
    """The drawn grid: its size, sizes of rows and columns, what is frozen or hidden."""

    rows: int
    cols: int
    widths: list[int]
    heights: list[int]
    frozen_rows: int
    frozen_cols: int
    hidden_rows: set[int]
    hidden_cols: set[int]


def render_sheet(
    sheet: dict[str, Any],
    rewrite: LinkRewriter,
    target: Area | None,
    default_format: dict[str, Any] | None = None,
) -> str:
    """The tab as ``<table>``; ``target`` cells are highlighted and the first is ``#cell-A1``.

    ``default_format`` (the spreadsheet's ``defaultFormat``) is styled once on the table,
    so cells carry only what differs from it.
    """
    base = declarations({"effectiveFormat": default_format or {}})
    ctx = _Context(rewrite, target, frozenset(base))
    grid = (sheet.get("data") or [{}])[0]
    rows = _rows(grid)
    n_rows, layout = _layout(sheet, grid, rows, target)
    spans, covered = _merges(sheet.get("merges", []))
    inherited = ";".join(d for d in base if d.startswith(_INHERITED))
    out = [f'<table class="grid" style="{inherited}">', _colgroup(layout), _column_letters(layout)]
    out.append("<tbody>")
    top = HEADER_HEIGHT
    for r in range(layout.rows):
        frozen = r < layout.frozen_rows
        out.append(_row_start(r, layout, top))
        for c in range(layout.cols):
            if (r, c) not in covered:
                cell = rows[r][c] if r < len(rows) and c < len(rows[r]) else {}
                place = _Place(r, c, frozen, top, _sticky_left_px(c, layout))
                out.append(_cell(cell, place, spans.get((r, c)), ctx))
        out.append("</tr>")
        top += layout.heights[r] if frozen else 0
    out.append("</tbody></table>")
    out += [_chart(chart, rows, layout, sheet) for chart in sheet.get("charts") or []]
    if n_rows > layout.rows:
        out.append(f'<p class="more">{n_rows - layout.rows} more rows not shown.</p>')
    return "".join(out)


def _chart(
    chart: dict[str, Any], rows: list[list[dict[str, Any]]], layout: _Layout, sheet: dict[str, Any]
) -> str:
    """A chart over the grid at its anchor cell, as Sheets floats it above the cells."""
    row, col, dx, dy = charts.anchor(chart)
    widths = layout.widths + [DEFAULT_WIDTH] * max(col - len(layout.widths), 0)
    heights = layout.heights + [DEFAULT_HEIGHT] * max(row - len(layout.heights), 0)
    left = ROWNUM_WIDTH + sum(widths[:col]) + dx
    top = HEADER_HEIGHT + sum(heights[:row]) + dy
    sheet_id = int(sheet.get("properties", {}).get("sheetId", 0))
    svg = charts.chart_svg(chart, rows, sheet_id)
    return f'<div class="chart" style="left:{left}px;top:{top}px">{svg}</div>'


def _layout(
    sheet: dict[str, Any],
    grid: dict[str, Any],
    rows: list[list[dict[str, Any]]],
    target: Area | None,
) -> tuple[int, _Layout]:
    """All rows there are, and the layout of those drawn (up to MAX_ROWS, or the target)."""
    props = sheet.get("properties", {}).get("gridProperties", {})
    n_rows, n_cols = _extent(rows, props, sheet.get("merges", []), target)
    shown = max(min(n_rows, MAX_ROWS), target.bottom if target else 0)
    top, left = grid.get("startRow", 0), grid.get("startColumn", 0)
    return n_rows, _Layout(
        rows=shown,
        cols=n_cols,
        widths=_sizes(grid.get("columnMetadata"), left, n_cols, DEFAULT_WIDTH),
        heights=_sizes(grid.get("rowMetadata"), top, shown, DEFAULT_HEIGHT),
        frozen_rows=min(int(props.get("frozenRowCount", 0) or 0), shown),
        frozen_cols=min(int(props.get("frozenColumnCount", 0) or 0), n_cols),
        hidden_rows=_hidden(grid.get("rowMetadata"), top),
        hidden_cols=_hidden(grid.get("columnMetadata"), left),
    )


def _colgroup(layout: _Layout) -> str:
    cols = [f'<col style="width:{ROWNUM_WIDTH}px">']
    cols += [
        f'<col style="width:{layout.widths[c]}px{_COLLAPSE if c in layout.hidden_cols else ""}">'
        for c in range(layout.cols)
    ]
    return f"<colgroup>{''.join(cols)}</colgroup>"


def _column_letters(layout: _Layout) -> str:
    letters = [
        f'<th class="col"{_sticky_left(c, layout)}>{column_letter(c)}</th>'
        for c in range(layout.cols)
    ]
    return f'<thead><tr><th class="corner"></th>{"".join(letters)}</tr></thead>'


def _row_start(r: int, layout: _Layout, top: int) -> str:
    """``<tr>`` and its row number; frozen rows stick under the column letters."""
    size = "display:none" if r in layout.hidden_rows else f"height:{layout.heights[r]}px"
    if r >= layout.frozen_rows:
        return f'<tr style="{size}"><th class="row">{r + 1}</th>'
    last = " last" if r == layout.frozen_rows - 1 else ""
    sticky = f' style="top:{top}px;z-index:4"'
    return f'<tr class="frozen{last}" style="{size}"><th class="row"{sticky}>{r + 1}</th>'


@dataclass(frozen=True)
class _Place:
    row: int
    col: int
    frozen_row: bool
    top: int
    left: int | None  # sticky offset when the column is frozen


def _cell(
    cell: dict[str, Any],
    place: _Place,
    span: tuple[int, int] | None,
    ctx: _Context,
) -> str:
    target = ctx.target
    ref = f"{column_letter(place.col)}{place.row + 1}"
    attrs = [f'data-cell="{ref}"']
    classes = []
    if target is not None and target.holds(place.row, place.col):
        classes.append("hl")
        if (place.row, place.col) == (target.top, target.left):
            attrs.append(f'id="cell-{ref}"')
    note = cell.get("note")
    if note:
        classes.append("note")
        attrs.append(f'title="{escape(str(note), quote=True)}"')
    if span:
        pairs = zip(("rowspan", "colspan"), span, strict=True)
        attrs += [f'{name}="{n}"' for name, n in pairs if n > 1]
    own = [d for d in declarations(cell) if d not in ctx.base]
    style = ";".join(part for part in (*own, _sticky_style(place)) if part)
    if classes:
        attrs.append(f'class="{" ".join(classes)}"')
    if style:
        attrs.append(f'style="{style}"')
    return f"<td {' '.join(attrs)}>{_content(cell, ctx.rewrite)}</td>"


def _content(cell: dict[str, Any], rewrite: LinkRewriter) -> str:
    text = escape(cell_text(cell))
    url = cell_link(cell)
    href = rewrite(url) if url else None
    if href is None:
        return text
    external = href.startswith(("http://", "https://", "mailto:"))
    extra = ' target="_blank" rel="noopener noreferrer"' if external else ""
    return f'<a href="{escape(href, quote=True)}"{extra}>{text}</a>'


def cell_text(cell: dict[str, Any]) -> str:
    """What Sheets shows: ``formattedValue``, else the effective or entered value."""
    if "formattedValue" in cell:
        return str(cell["formattedValue"])
    value = cell.get("effectiveValue") or cell.get("userEnteredValue") or {}
    for key in ("stringValue", "numberValue", "formulaValue"):
        if key in value:
            return str(value[key])
    if "boolValue" in value:
        return "TRUE" if value["boolValue"] else "FALSE"
    if "errorValue" in value:
        return str(value["errorValue"].get("type", "#ERROR!"))
    return ""


def cell_link(cell: dict[str, Any]) -> str | None:
    """The cell's link: ``hyperlink``, a rich-text link, or a literal ``=HYPERLINK("url", …)``."""
    if cell.get("hyperlink"):
        return str(cell["hyperlink"])
    for fmt in (cell.get("effectiveFormat"), cell.get("userEnteredFormat")):
        uri = ((fmt or {}).get("textFormat") or {}).get("link", {}).get("uri")
        if uri:
            return str(uri)
    formula = (cell.get("userEnteredValue") or {}).get("formulaValue")
    match = _HYPERLINK.match(formula) if isinstance(formula, str) else None
    return match.group(1).replace('""', '"') if match else None


# -- formatting --------------------------------------------------------------------------------


def declarations(cell: dict[str, Any]) -> list[str]:
    """CSS declarations from the cell's effective format; numbers and keywords only."""
    fmt = _merged_format(cell)
    text = fmt.get("textFormat") or {}
    css = []
    background = color(fmt.get("backgroundColorStyle") or fmt.get("backgroundColor"))
    if background:
        css.append(f"background-color:{background}")
    foreground = color(text.get("foregroundColorStyle") or text.get("foregroundColor"))
    if foreground:
        css.append(f"color:{foreground}")
    if text.get("bold"):
        css.append("font-weight:700")
    if text.get("italic"):
        css.append("font-style:italic")
    lines = [name for name in ("underline", "strikethrough") if text.get(name)]
    if lines:
        css.append("text-decoration:" + " ".join(_line(n) for n in lines))
    size = text.get("fontSize")
    if isinstance(size, int | float) and 4 <= size <= 72:
        css.append(f"font-size:{float(size):g}pt")
    align = _H_ALIGN.get(str(fmt.get("horizontalAlignment", "")))
    if align is None and _is_number(cell):
        align = "right"  # Sheets' default for numbers and dates
    if align:
        css.append(f"text-align:{align}")
    valign = _V_ALIGN.get(str(fmt.get("verticalAlignment", "")))
    if valign:
        css.append(f"vertical-align:{valign}")
    if fmt.get("wrapStrategy") == "WRAP":
        css.append("white-space:pre-wrap")
    return css


def color(value: Any) -> str | None:
    """A ``Color`` or ``ColorStyle`` as ``rgb()``; theme colours are left to the page."""
    if not isinstance(value, dict):
        return None
    rgb = value.get("rgbColor", value) if "themeColor" not in value else None
    if not isinstance(rgb, dict):
        return None
    try:
        r, g, b = (_channel(rgb.get(k)) for k in ("red", "green", "blue"))
    except (TypeError, ValueError):
        return None
    return f"rgb({r},{g},{b})"


def _channel(value: Any) -> int:
    return round(255 * min(1.0, max(0.0, float(value or 0))))


def _merged_format(cell: dict[str, Any]) -> dict[str, Any]:
    """``effectiveFormat`` where the backend computed it, else what the user entered."""
    entered = cell.get("userEnteredFormat") or {}
    effective = cell.get("effectiveFormat") or {}
    merged = {**entered, **effective}
    text = {**(entered.get("textFormat") or {}), **(effective.get("textFormat") or {})}
    merged["textFormat"] = text
    return merged


def _line(name: str) -> str:
    return "underline" if name == "underline" else "line-through"


def _is_number(cell: dict[str, Any]) -> bool:
    value = cell.get("effectiveValue") or cell.get("userEnteredValue") or {}
    return "numberValue" in value


# -- layout ------------------------------------------------------------------------------------


def _rows(grid: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """``rowData`` placed at ``startRow``/``startColumn`` (an empty row is ``{}``)."""
    top, left = int(grid.get("startRow", 0)), int(grid.get("startColumn", 0))
    rows: list[list[dict[str, Any]]] = [[] for _ in range(top)]
    for row in grid.get("rowData") or []:
        values = row.get("values") or []
        rows.append([{}] * left + list(values))
    return rows


def _extent(
    rows: list[list[dict[str, Any]]],
    props: dict[str, Any],
    merges: list[dict[str, Any]],
    target: Area | None,
) -> tuple[int, int]:
    """Rows and columns to draw: what holds content or a merge or the target, at least a screen."""
    last_row = max((r + 1 for r, row in enumerate(rows) if any(row)), default=0)
    last_col = max((len(row) for row in rows), default=0)
    for merge in merges:
        last_row = max(last_row, int(merge.get("endRowIndex", 0)))
        last_col = max(last_col, int(merge.get("endColumnIndex", 0)))
    if target is not None:
        last_row, last_col = max(last_row, target.bottom), max(last_col, target.right)
    # At least a screenful, as Sheets shows, but never past the grid's own size.
    n_rows = max(last_row, min(20, int(props.get("rowCount") or 20)))
    n_cols = max(last_col, min(8, int(props.get("columnCount") or 8)))
    return n_rows, n_cols


def _sizes(meta: Any, start: int, count: int, default: int) -> list[int]:
    sizes = [default] * count
    for i, entry in enumerate(meta or []):
        index = start + i
        size = (entry or {}).get("pixelSize")
        if index < count and isinstance(size, int) and 0 < size <= 2000:
            sizes[index] = size
    return sizes


def _hidden(meta: Any, start: int) -> set[int]:
    return {start + i for i, e in enumerate(meta or []) if (e or {}).get("hiddenByUser")}


Cell = tuple[int, int]


def _merges(merges: list[dict[str, Any]]) -> tuple[dict[Cell, Cell], set[Cell]]:
    """Top-left cell -> (rowspan, colspan), and the cells a merge covers."""
    spans: dict[Cell, Cell] = {}
    covered: set[Cell] = set()
    for m in merges:
        r0, r1 = int(m.get("startRowIndex", 0)), int(m.get("endRowIndex", 0))
        c0, c1 = int(m.get("startColumnIndex", 0)), int(m.get("endColumnIndex", 0))
        if r1 - r0 < 1 or c1 - c0 < 1 or (r1 - r0) * (c1 - c0) == 1:
            continue
        spans[(r0, c0)] = (r1 - r0, c1 - c0)
        covered |= {(r, c) for r in range(r0, r1) for c in range(c0, c1)} - {(r0, c0)}
    return spans, covered


def _sticky_left_px(col: int, layout: _Layout) -> int | None:
    if col >= layout.frozen_cols:
        return None
    return ROWNUM_WIDTH + sum(layout.widths[:col])


def _sticky_left(col: int, layout: _Layout) -> str:
    left = _sticky_left_px(col, layout)
    return "" if left is None else f' style="left:{left}px;z-index:6"'


def _sticky_style(place: _Place) -> str:
    """Frozen rows stick under the column letters; frozen columns stick after the row numbers."""
    if not place.frozen_row and place.left is None:
        return ""
    css = ["position:sticky"]
    if place.frozen_row:
        css.append(f"top:{place.top}px")
    if place.left is not None:
        css.append(f"left:{place.left}px")
    css.append(f"z-index:{3 if place.frozen_row and place.left is not None else 2}")
    return ";".join(css)
