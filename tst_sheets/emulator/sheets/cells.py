"""Writing cells: field-mask updates, Google's colour normalisation, stored cell shape."""

from __future__ import annotations

import copy
from typing import Any

from tst_sheets.emulator.fields import Mask, parse_fields
from tst_sheets.emulator.sheets import grid, limits
from tst_sheets.emulator.sheets.grid import Cell, Doc
from tst_sheets.emulator.values import Entered, normalise_color

# What a cell stores; the rest of CellData (effective*, formatted*) is computed on read.
STORED = ("userEnteredValue", "userEnteredFormat", "note", "dataValidation", "textFormatRuns")
_COLOR_PAIRS = (("backgroundColor", "backgroundColorStyle"),)
_TEXT_COLOR_PAIRS = (("foregroundColor", "foregroundColorStyle"),)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == []


def apply_mask(target: Doc, source: Doc, mask: Mask | None) -> None:
    """Set in ``target`` exactly the fields ``mask`` names, from ``source`` (absent → cleared).

    This is how every ``fields`` of an update request (``updateCells``, ``repeatCell``,
    ``updateSheetProperties`` …) behaves on Google.
    """
    if mask is None or "*" in mask:
        target.clear()
        target.update({k: copy.deepcopy(v) for k, v in source.items() if not _blank(v)})
        return
    for key, sub in mask.items():
        value = source.get(key) if isinstance(source, dict) else None
        if sub is None:
            if _blank(value):
                target.pop(key, None)
            else:
                target[key] = copy.deepcopy(value)
            continue
        child = target.get(key)
        child = child if isinstance(child, dict) else {}
        apply_mask(child, value if isinstance(value, dict) else {}, sub)
        if child:
            target[key] = child
        else:
            target.pop(key, None)


def mask_of(fields: Any, kind: str) -> Mask | None:
    """The parsed ``fields`` of an update request; Google requires one."""
    if not fields:
        raise grid.RequestError(
            f"At least one field must be updated, but 'fields' was empty in {kind}."
        )
    return parse_fields(str(fields))


def update_cell(sheet: Doc, row: int, col: int, source: Doc, mask: Mask | None) -> None:
    """One ``updateCells``/``repeatCell`` step on the stored cell at (row, col)."""
    limits.check_entered(source.get("userEnteredValue"))
    cell = grid.writable(sheet, row, col)
    apply_mask(cell, {k: source[k] for k in STORED if k in source}, _stored_mask(mask))
    if "userEnteredFormat" in cell:
        normalise_format(cell["userEnteredFormat"])
        if not cell["userEnteredFormat"]:
            del cell["userEnteredFormat"]
    grid.tidy(sheet, row, col)


def _stored_mask(mask: Mask | None) -> Mask | None:
    if mask is None or "*" in mask:
        return {key: None for key in STORED}
    return {k: v for k, v in mask.items() if k in STORED}


_STORED_KEYS = frozenset(STORED)


def stored_cell(data: Doc) -> Cell:
    """The stored part of an input ``CellData`` (``spreadsheets.create``). It takes over the
    parsed request's objects rather than copying them: nothing else holds on to them."""
    if len(data) == 1 and data.get("userEnteredValue"):
        return data  # the common case: a value and nothing else
    cell = {k: v for k, v in data.items() if k in _STORED_KEYS and not _blank(v)}
    if "userEnteredFormat" in cell:
        normalise_format(cell["userEnteredFormat"])
    return cell


def normalise_format(fmt: Doc) -> Doc:
    """Colours as Google keeps them: 8-bit float32 channels, each colour and its ``*Style``
    twin both present."""
    _pair_colors(fmt, _COLOR_PAIRS)
    text = fmt.get("textFormat")
    if isinstance(text, dict):
        _pair_colors(text, _TEXT_COLOR_PAIRS)
    borders = fmt.get("borders")
    if isinstance(borders, dict):
        for border in borders.values():
            if isinstance(border, dict):
                _pair_colors(border, (("color", "colorStyle"),))
    return fmt


def _pair_colors(holder: Doc, pairs: tuple[tuple[str, str], ...]) -> None:
    for plain, styled in pairs:
        style = holder.get(styled)
        if isinstance(style, dict) and style.get("themeColor"):
            continue
        if isinstance(style, dict) and "rgbColor" in style:
            rgb = normalise_color(style.get("rgbColor"))
        elif plain in holder:
            rgb = normalise_color(holder.get(plain))
        else:
            continue
        holder[plain] = rgb
        holder[styled] = {"rgbColor": dict(rgb)}


def write_entered(sheet: Doc, row: int, col: int, entered: Entered) -> None:
    """Store a parsed input value; an empty input clears the value but keeps the format."""
    if entered.number_format is None and entered.value and grid.raw(sheet, row, col) is None:
        grid.put(sheet, row, col, {"userEnteredValue": entered.value})  # fast path: new value
        return
    cell = grid.writable(sheet, row, col)
    if entered.value is None:
        cell.pop("userEnteredValue", None)
    else:
        cell["userEnteredValue"] = entered.value
        if entered.number_format is not None:
            fmt = cell.setdefault("userEnteredFormat", {})
            fmt["numberFormat"] = dict(entered.number_format)
    grid.tidy(sheet, row, col)


def clear_value(sheet: Doc, row: int, col: int) -> None:
    stored = grid.raw(sheet, row, col)
    if stored is None:
        return
    if not isinstance(stored, dict):
        grid.put(sheet, row, col, None)
        return
    if "userEnteredValue" in stored:
        del stored["userEnteredValue"]
        grid.tidy(sheet, row, col)
