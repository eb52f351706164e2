"""Inserting and deleting rows or columns, with everything that points into the grid
moving along: cells, dimension properties, merges, protected/named/filter/banded ranges,
conditional formats, groups, developer metadata and formula references in every sheet."""

from __future__ import annotations

from tst_sheets.emulator import formula_refs as refs
from tst_sheets.emulator import formulas as fx
from tst_sheets.emulator.sheets import grid
from tst_sheets.emulator.sheets.grid import Doc, Edit, RequestError

_ONE_RANGE_MEMBERS = ("protectedRanges", "filterViews", "bandedRanges")


def insert(doc: Doc, sheet: Doc, dim: str, start: int, count: int) -> None:
    rows, cols = grid.size(sheet)
    limit = rows if dim == "ROWS" else cols
    if start > limit or start < 0:
        raise RequestError(
            f"Invalid insert index {start}: the grid has only {limit} {dim.lower()}."
        )
    _apply(doc, sheet, dim, Edit(start, count))
    _resize(sheet, dim, count)


def delete(doc: Doc, sheet: Doc, dim: str, start: int, end: int) -> None:
    rows, cols = grid.size(sheet)
    limit = rows if dim == "ROWS" else cols
    end = min(end, limit)
    if start >= end:
        return
    if start == 0 and end == limit:
        kind = "rows" if dim == "ROWS" else "columns"
        raise RequestError(f"You can't delete all the {kind} on the sheet.")
    _apply(doc, sheet, dim, Edit(start, start - end))
    _resize(sheet, dim, start - end)


def _resize(sheet: Doc, dim: str, delta: int) -> None:
    props = sheet["properties"].setdefault("gridProperties", {})
    key = "rowCount" if dim == "ROWS" else "columnCount"
    props[key] = int(props.get(key, 0)) + delta
    frozen = "frozenRowCount" if dim == "ROWS" else "frozenColumnCount"
    if props.get(frozen, 0) > props[key]:
        props[frozen] = props[key]


def _apply(doc: Doc, sheet: Doc, dim: str, edit: Edit) -> None:
    grid.edit_cells(sheet, dim, edit)
    _edit_members(sheet, dim, edit)
    sid = grid.sheet_id(sheet)
    doc["namedRanges"] = [
        n
        for n in doc.get("namedRanges", [])
        if int((n.get("range") or {}).get("sheetId", 0)) != sid
        or grid.edit_grid_range(n.setdefault("range", {}), dim, edit)
    ]
    doc["developerMetadata"] = [
        m for m in doc.get("developerMetadata", []) if _keep_metadata(m, sid, dim, edit)
    ]
    _shift_formulas(doc, sheet, dim, edit)


def _edit_members(sheet: Doc, dim: str, edit: Edit) -> None:
    if sheet.get("merges"):
        sheet["merges"] = [m for m in sheet["merges"] if grid.edit_grid_range(m, dim, edit)]
    for member in _ONE_RANGE_MEMBERS:
        if sheet.get(member):
            sheet[member] = [
                item
                for item in sheet[member]
                if "range" not in item or grid.edit_grid_range(item["range"], dim, edit)
            ]
    basic = sheet.get("basicFilter")
    if basic and not grid.edit_grid_range(basic.setdefault("range", {}), dim, edit):
        del sheet["basicFilter"]
    for rule in sheet.get("conditionalFormats") or []:
        rule["ranges"] = [r for r in rule.get("ranges", []) if grid.edit_grid_range(r, dim, edit)]
    if sheet.get("conditionalFormats"):
        sheet["conditionalFormats"] = [r for r in sheet["conditionalFormats"] if r["ranges"]]
    key = "rowGroups" if dim == "ROWS" else "columnGroups"
    if sheet.get(key):
        sheet[key] = [g for g in sheet[key] if grid.edit_dimension_range(g["range"], edit)]


def _keep_metadata(meta: Doc, sheet_id: int, dim: str, edit: Edit) -> bool:
    span = (meta.get("location") or {}).get("dimensionRange")
    if not span or int(span.get("sheetId", 0)) != sheet_id or span.get("dimension") != dim:
        return True
    return grid.edit_dimension_range(span, edit)


def _shift_formulas(doc: Doc, target: Doc, dim: str, edit: Edit) -> None:
    """Rewrite references into ``target`` in every formula of the spreadsheet."""
    title = grid.title(target).casefold()
    for sheet in doc["sheets"]:
        own = sheet is target
        for row in sheet["rows"]:
            for cell in row or []:
                if not isinstance(cell, dict):
                    continue  # bare values hold no formula
                entered = cell.get("userEnteredValue") or {}
                formula = entered.get("formulaValue")
                if formula:
                    entered["formulaValue"] = refs.shift(formula, _Mover(own, title, dim, edit))


class _Mover:
    """The reference edit for one formula's sheet (``own``: the edited sheet itself)."""

    def __init__(self, own: bool, title: str, dim: str, edit: Edit) -> None:
        self.own, self.title, self.dim, self.edit = own, title, dim, edit

    def __call__(self, name: str | None, node: fx.Node) -> fx.Node | None:
        return _move_ref(name, node, self.own, self.title, self.dim, self.edit)


def _move_ref(
    name: str | None, node: fx.Node, own: bool, title: str, dim: str, edit: Edit
) -> fx.Node | None:
    if not ((name is None and own) or (name is not None and name.casefold() == title)):
        return node
    kind, sheet, r0, r1, c0, c1, single = node
    if dim == "ROWS":
        if single:
            moved = edit.index(r0)
            return None if moved is None else (kind, sheet, moved, moved + 1, c0, c1, single)
        if r1 is None and r0 == 0:
            return node  # whole columns (``A:A``) do not move with rows
        span = edit.span(r0, r1)
        return None if span is None else (kind, sheet, span[0], span[1], c0, c1, single)
    if single:
        moved = edit.index(c0)
        return None if moved is None else (kind, sheet, r0, r1, moved, moved + 1, single)
    if c1 is None and c0 == 0:
        return node
    span = edit.span(c0, c1)
    return None if span is None else (kind, sheet, r0, r1, span[0], span[1], single)
