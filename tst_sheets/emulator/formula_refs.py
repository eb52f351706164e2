"""Rewriting the references inside formulas: when rows or columns are inserted or deleted
(``shift``), when a formula is pasted elsewhere (``offset``), and finding the cell whose
number format a formula's result inherits (``format_source``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from tst_sheets.emulator import a1
from tst_sheets.emulator.formulas import (
    FormulaSyntaxError,
    Node,
    parse,
    reference_node,
    tokenize,
)


def format_source(formula: str) -> tuple[str | None, int, int] | None:
    """The cell whose number format a formula's result takes on in Sheets: a bare
    reference, or the left-most reference of a ``+``/``-`` chain (``=A1+14``)."""
    try:
        node = parse(formula)
    except (FormulaSyntaxError, a1.A1Error):
        return None
    while node[0] == "bin" and node[1] in ("+", "-"):
        node = node[2] if node[2][0] in ("ref", "bin") else node[3]
    if node[0] == "ref" and node[6]:
        return node[1], node[2], node[4]
    return None


# -- reference shifting (insert/delete rows and columns, copy/paste) -------------------------


def shift(formula: str, edit: Callable[[str | None, Node], Node | None]) -> str:
    """Rewrite every reference: ``edit(sheet, ref_node)`` returns the moved node, the same
    node, or None for a reference that no longer exists (written ``#REF!``)."""
    try:
        tokens = tokenize(formula[1:])
    except FormulaSyntaxError:
        return formula
    out, pos = ["="], 0
    body = formula[1:]
    for token in tokens:
        if token.kind != "ref":
            continue
        out.append(body[pos : token.start])
        out.append(_rewrite(token.text, edit))
        pos = token.end
    out.append(body[pos:])
    return "".join(out)


def _rewrite(text: str, edit: Callable[[str | None, Node], Node | None]) -> str:
    sheet, box_text = a1.split_sheet(text)
    node = reference_node(text)
    moved = edit(sheet, node)
    if moved is None:
        return "#REF!"
    if moved == node:
        return text
    prefix = text[: len(text) - len(box_text)]
    return prefix + _box_with_anchors(box_text, moved)


def _box_with_anchors(original: str, node: Node) -> str:
    """Write the moved box keeping the original's ``$`` anchors and its shape."""
    _, _, r0, r1, c0, c1, single = node
    parts = original.split(":")
    start = _endpoint_text(parts[0], c0, r0)
    if single:
        return start
    end = _endpoint_text(parts[1], None if c1 is None else c1 - 1, None if r1 is None else r1 - 1)
    return f"{start}:{end}"


def _endpoint_text(original: str, col: int | None, row: int | None) -> str:
    found = re.match(r"^(\$?)([A-Za-z]*)(\$?)([0-9]*)$", original)
    if not found:
        return original
    col_anchor, letters, row_anchor, digits = found.groups()
    text = ""
    if letters and col is not None:
        text += col_anchor + a1.column_letters(col)
    if digits and row is not None:
        text += row_anchor + str(row + 1)
    return text or original


_ENDPOINT_TEXT = re.compile(r"^(\$?)([A-Za-z]{0,3})(\$?)([0-9]*)$")


def offset(formula: str, rows: int, cols: int) -> str:
    """Move a pasted formula's relative references by (rows, cols); ``$`` parts stay."""
    try:
        tokens = tokenize(formula[1:])
    except FormulaSyntaxError:
        return formula
    body, out, pos = formula[1:], ["="], 0
    for token in tokens:
        if token.kind != "ref":
            continue
        _, box_text = a1.split_sheet(token.text)
        prefix = token.text[: len(token.text) - len(box_text)]
        moved = [_offset_endpoint(part, rows, cols) for part in box_text.split(":")]
        out.append(body[pos : token.start])
        out.append("#REF!" if None in moved else prefix + ":".join(m or "" for m in moved))
        pos = token.end
    out.append(body[pos:])
    return "".join(out)


def _offset_endpoint(text: str, rows: int, cols: int) -> str | None:
    found = _ENDPOINT_TEXT.match(text)
    if not found:
        return text
    col_anchor, letters, row_anchor, digits = found.groups()
    out = ""
    if letters:
        index = a1.column_index(letters) + (0 if col_anchor else cols)
        if index < 0:
            return None
        out += col_anchor + a1.column_letters(index)
    if digits:
        number = int(digits) + (0 if row_anchor else rows)
        if number < 1:
            return None
        out += row_anchor + str(number)
    return out
