"""Google's partial-response ``fields`` masks.

For example ``sheets(properties(sheetId,title)),spreadsheetId``.

Also accepts the slash and dot forms (``sheets/properties/title``, ``a.b``) and ``*``.
Update requests' field masks (``gridProperties.frozenRowCount``) parse the same way.
"""

from __future__ import annotations

from typing import Any

from tst_sheets.emulator.errors import ApiError

Mask = dict[str, "Mask | None"]  # None: keep the whole value


def parse_fields(expr: str) -> Mask | None:
    """Parse a mask; ``None`` (or ``*``) keeps everything."""
    expr = (expr or "").replace(" ", "")
    if not expr or expr == "*":
        return None
    mask, pos = _parse_list(expr, 0)
    if pos != len(expr):
        raise ApiError(400, f"Invalid field selection {expr}")
    return mask


def _parse_list(expr: str, pos: int) -> tuple[Mask, int]:
    mask: Mask = {}
    while pos < len(expr):
        start = pos
        while pos < len(expr) and expr[pos] not in ",()":
            pos += 1
        path = expr[start:pos]
        if not path:
            raise ApiError(400, f"Invalid field selection {expr}")
        sub: Mask | None = None
        if pos < len(expr) and expr[pos] == "(":
            sub, pos = _parse_list(expr, pos + 1)
            if pos >= len(expr) or expr[pos] != ")":
                raise ApiError(400, f"Invalid field selection {expr}")
            pos += 1
        _merge_path(mask, path.replace(".", "/").split("/"), sub)
        if pos < len(expr) and expr[pos] == ",":
            pos += 1
            continue
        break
    return mask, pos


def _merge_path(mask: Mask, parts: list[str], sub: Mask | None) -> None:
    head, rest = parts[0], parts[1:]
    if not rest:
        existing = mask.get(head, {})
        if head not in mask or sub is None:
            mask[head] = sub
        elif existing is not None:
            _merge_masks(existing, sub)
        return
    child = mask.get(head, {})
    if child is None:
        return
    mask[head] = child
    _merge_path(child, rest, sub)


def _merge_masks(into: Mask, other: Mask) -> None:
    for key, value in other.items():
        if key not in into or value is None:
            into[key] = value
        elif into[key] is not None:
            _merge_masks(into[key], value)  # type: ignore[arg-type]


def apply_fields(body: Any, mask: Mask | None) -> Any:
    """Keep only the masked parts of ``body``; lists apply the mask to each element."""
    if mask is None:
        return body
    if isinstance(body, list):
        return [apply_fields(item, mask) for item in body]
    if not isinstance(body, dict):
        return body
    if "*" in mask:
        sub = mask["*"]
        return {k: apply_fields(v, sub) for k, v in body.items()}
    out: dict[str, Any] = {}
    for key, sub in mask.items():
        if key in body:
            out[key] = apply_fields(body[key], sub)
    return out


def select(body: Any, expr: str | None) -> Any:
    """Parse ``expr`` and apply it in one step."""
    return apply_fields(body, parse_fields(expr or ""))
