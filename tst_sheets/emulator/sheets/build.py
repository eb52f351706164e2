"""Adding things to a spreadsheet document, shared by ``spreadsheets.create`` and
``batchUpdate``: sheets (with their GridData), protected and named ranges, developer
metadata, filter views, bandings and charts, each given an id the way Google does."""

from __future__ import annotations

import copy
from typing import Any

from tst_sheets.emulator import ids
from tst_sheets.emulator.errors import sheets_error
from tst_sheets.emulator.sheets import cells, grid, limits, locate
from tst_sheets.emulator.sheets.grid import Doc, RequestError
from tst_sheets.emulator.values import normalise_color

_LOCATION_TYPES = {"spreadsheet": "SPREADSHEET", "sheetId": "SHEET"}


def add_body_content(doc: Doc, body: Doc, user: str) -> None:
    """The ``sheets``, ``namedRanges`` and ``developerMetadata`` of a create body."""
    for number, given in enumerate(body.get("sheets") or []):
        try:
            add_sheet(doc, given, len(doc["sheets"]), user)
        except limits.TooLong as failure:  # Google names the GridData: sheets[0].data[1]
            where = f"sheets[{number}].{failure.where}"
            raise sheets_error(400, f"Invalid {where}: {failure}") from None
    for named in body.get("namedRanges") or []:
        add_named(doc, named)
    for meta in body.get("developerMetadata") or []:
        add_metadata(doc, meta)


def add_sheet(doc: Doc, given: Doc, index: int | None, user: str) -> Doc:
    """A new sheet from a ``Sheet`` body (properties, data, merges, …), placed at ``index``."""
    props = copy.deepcopy(given.get("properties") or {})
    sheet = grid.new_sheet(_sheet_properties(doc, props))
    position = len(doc["sheets"]) if index is None else max(0, min(index, len(doc["sheets"])))
    ordered = sorted(doc["sheets"], key=lambda s: s["properties"].get("index", 0))
    ordered.insert(position, sheet)
    doc["sheets"] = ordered
    reindex(doc)
    for number, data in enumerate(given.get("data") or []):
        try:
            write_grid_data(sheet, data)
        except limits.TooLong as failure:
            failure.where = f"data[{number}]"
            raise
    _add_members(doc, sheet, given, user)
    return sheet


def reindex(doc: Doc) -> None:
    for number, sheet in enumerate(doc["sheets"]):
        sheet["properties"]["index"] = number


def _sheet_properties(doc: Doc, props: Doc) -> Doc:
    taken_ids = {grid.sheet_id(s) for s in doc["sheets"]}
    if "sheetId" in props and props["sheetId"] is not None:
        if int(props["sheetId"]) in taken_ids:
            raise RequestError(f"Sheet with id {props['sheetId']} already exists.")
        sheet_id = int(props["sheetId"])
    else:
        sheet_id = 0 if not doc["sheets"] and 0 not in taken_ids else _fresh(taken_ids)
    title = props.get("title") or _next_title(doc)
    if locate.sheet_by_title(doc, title) is not None:
        raise RequestError(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )
    grid_props = {"rowCount": grid.DEFAULT_ROWS, "columnCount": grid.DEFAULT_COLUMNS}
    grid_props.update(
        {k: v for k, v in (props.get("gridProperties") or {}).items() if v is not None}
    )
    out = {k: v for k, v in props.items() if v is not None}
    out.update(sheetId=sheet_id, title=title, sheetType=props.get("sheetType") or "GRID")
    out["gridProperties"] = grid_props
    set_tab_color(out, "tabColorStyle" if props.get("tabColorStyle") else "tabColor")
    return out


def set_tab_color(props: Doc, changed: str = "tabColorStyle") -> None:
    """Keep ``tabColorStyle`` and its legacy twin ``tabColor`` in step after ``changed`` was
    set; a null colour (``{"rgbColor": null}``) clears both."""
    style, plain = props.get("tabColorStyle"), props.get("tabColor")
    props.pop("tabColor", None)
    props.pop("tabColorStyle", None)
    if changed == "tabColorStyle" and isinstance(style, dict):
        if style.get("themeColor"):
            props["tabColorStyle"] = {"themeColor": style["themeColor"]}
            return
        rgb = style.get("rgbColor")
    else:
        rgb = plain
    if rgb is None:
        return
    color = normalise_color(rgb)
    props["tabColor"], props["tabColorStyle"] = color, {"rgbColor": dict(color)}


def _next_title(doc: Doc) -> str:
    number = len(doc["sheets"]) + 1
    while locate.sheet_by_title(doc, f"Sheet{number}") is not None:
        number += 1
    return f"Sheet{number}"


def _fresh(taken: set[int]) -> int:
    while True:
        candidate = ids.numeric_id()
        if candidate not in taken:
            return candidate


def write_grid_data(sheet: Doc, data: Doc) -> None:
    """Store a ``GridData`` (cells and row/column metadata) into ``sheet``."""
    r0, c0 = int(data.get("startRow") or 0), int(data.get("startColumn") or 0)
    rows = data.get("rowData") or []
    width = max((len(r.get("values") or []) for r in rows), default=0)
    grid.grow_to(sheet, r0 + len(rows), c0 + width)
    for i, row in enumerate(rows):
        grid.put_line(sheet, r0 + i, c0, [_ingest(v) for v in row.get("values") or []])
    for key, start, meta in (("rowMeta", r0, "rowMetadata"), ("colMeta", c0, "columnMetadata")):
        for offset, props in enumerate(data.get(meta) or []):
            kept = {k: v for k, v in (props or {}).items() if k != "developerMetadata"}
            if kept:
                sheet.setdefault(key, {})[str(start + offset)] = kept
    grid.compact(sheet)


def _ingest(data: Doc | None) -> grid.Stored:
    """An input ``CellData`` in stored form; plain values (the bulk of a create) go straight
    to their bare form."""
    if not data:
        return None
    entered = data.get("userEnteredValue")
    limits.check_entered(entered)
    if len(data) == 1 and type(entered) is dict and len(entered) == 1:
        for key in ("stringValue", "numberValue", "boolValue"):
            value = entered.get(key)
            if value is not None:
                return value  # type: ignore[no-any-return]
    return grid.shrink(cells.stored_cell(data))


def _add_members(doc: Doc, sheet: Doc, given: Doc, user: str) -> None:
    sid = grid.sheet_id(sheet)
    for merge in given.get("merges") or []:
        sheet.setdefault("merges", []).append({**merge, "sheetId": sid})
    for rule in given.get("conditionalFormats") or []:
        stored = copy.deepcopy(rule)
        stored["ranges"] = [{**r, "sheetId": sid} for r in rule.get("ranges") or []]
        sheet.setdefault("conditionalFormats", []).append(stored)
    for protected in given.get("protectedRanges") or []:
        add_protected(
            doc, {**protected, "range": {**(protected.get("range") or {}), "sheetId": sid}}, user
        )
    if given.get("basicFilter"):
        stored = copy.deepcopy(given["basicFilter"])
        stored["range"] = grid.full_range(stored.get("range") or {}, sheet)
        sheet["basicFilter"] = stored
    for view in given.get("filterViews") or []:
        add_filter_view(doc, {**view, "range": {**(view.get("range") or {}), "sheetId": sid}})
    for banded in given.get("bandedRanges") or []:
        add_banding(doc, {**banded, "range": {**(banded.get("range") or {}), "sheetId": sid}})
    for chart in given.get("charts") or []:
        add_chart(doc, chart, sheet)
    for meta in given.get("developerMetadata") or []:
        add_metadata(doc, {**meta, "location": meta.get("location") or {"sheetId": sid}})
    for key in ("rowGroups", "columnGroups"):
        if given.get(key):
            sheet[key] = copy.deepcopy(given[key])


def sheet_of_range(doc: Doc, grid_range: Doc) -> Doc:
    sheet = locate.sheet_by_id(doc, grid_range.get("sheetId", 0))
    if sheet is None:
        raise RequestError(f"No grid with id: {grid_range.get('sheetId', 0)}")
    return sheet


def all_ids(doc: Doc) -> set[int]:
    """Every numeric object id in use, so new ids never collide."""
    found: set[int] = {grid.sheet_id(s) for s in doc["sheets"]}
    for sheet in doc["sheets"]:
        for key, id_key in (
            ("protectedRanges", "protectedRangeId"),
            ("filterViews", "filterViewId"),
            ("bandedRanges", "bandedRangeId"),
            ("charts", "chartId"),
        ):
            found.update(int(item.get(id_key, 0)) for item in sheet.get(key) or [])
    found.update(int(m.get("metadataId", 0)) for m in doc.get("developerMetadata", []))
    return found


def _id_for(doc: Doc, given: Any) -> int:
    if given is not None:
        if int(given) in all_ids(doc):
            raise RequestError(f"An object with id {given} already exists.")
        return int(given)
    return _fresh(all_ids(doc))


def add_protected(doc: Doc, protected: Doc, user: str) -> Doc:
    """Store a protected range; the requesting user always becomes an editor, as on Google."""
    stored = copy.deepcopy(protected)
    stored.pop("requestingUserCanEdit", None)
    target = _protected_sheet(doc, stored)
    stored["protectedRangeId"] = _id_for(doc, stored.get("protectedRangeId"))
    if "range" in stored:
        stored["range"] = grid.clean_range(stored["range"]) | {"sheetId": grid.sheet_id(target)}
    editors = stored.get("editors") or {}
    users = [user] + [u for u in editors.get("users") or [] if u and u.lower() != user]
    stored["editors"] = {**{k: v for k, v in editors.items() if v}, "users": users}
    target.setdefault("protectedRanges", []).append(stored)
    return stored


def _protected_sheet(doc: Doc, protected: Doc) -> Doc:
    if protected.get("namedRangeId"):
        named = next(
            (n for n in doc["namedRanges"] if n["namedRangeId"] == protected["namedRangeId"]), None
        )
        if named is None:
            raise RequestError(f"No named range with id {protected['namedRangeId']}.")
        return sheet_of_range(doc, named.get("range") or {})
    return sheet_of_range(doc, protected.get("range") or {})


def add_named(doc: Doc, named: Doc) -> Doc:
    name = str(named.get("name") or "")
    if not name or not name.replace("_", "a").replace(".", "a").isalnum() or name[0].isdigit():
        raise RequestError(f"The name {name} is not a valid named range name.")
    if locate.named_range(doc, name) is not None:
        raise RequestError(f"Named range with the name {name} already exists.")
    stored = copy.deepcopy(named)
    stored["namedRangeId"] = str(stored.get("namedRangeId") or _fresh(all_ids(doc)))
    sheet = sheet_of_range(doc, stored.get("range") or {})
    stored["range"] = {**(stored.get("range") or {}), "sheetId": grid.sheet_id(sheet)}
    doc.setdefault("namedRanges", []).append(stored)
    return stored


def add_metadata(doc: Doc, meta: Doc) -> Doc:
    stored = copy.deepcopy(meta)
    stored["metadataId"] = _id_for(doc, stored.get("metadataId"))
    stored["location"] = metadata_location(doc, stored.get("location") or {"spreadsheet": True})
    stored.setdefault("visibility", "DOCUMENT")
    doc.setdefault("developerMetadata", []).append(stored)
    return stored


def metadata_location(doc: Doc, location: Doc) -> Doc:
    if location.get("spreadsheet"):
        return {"locationType": "SPREADSHEET", "spreadsheet": True}
    if location.get("sheetId") is not None:
        sheet_of_range(doc, {"sheetId": location["sheetId"]})
        return {"locationType": "SHEET", "sheetId": int(location["sheetId"])}
    span = location.get("dimensionRange")
    if span:
        sheet_of_range(doc, span)
        kind = "ROW" if span.get("dimension") == "ROWS" else "COLUMN"
        return {"locationType": kind, "dimensionRange": copy.deepcopy(span)}
    raise RequestError("Developer metadata must have a location.")


def add_filter_view(doc: Doc, view: Doc) -> Doc:
    stored = copy.deepcopy(view)
    sheet = sheet_of_range(doc, stored.get("range") or {})
    stored["filterViewId"] = _id_for(doc, stored.get("filterViewId"))
    stored["range"] = grid.full_range(stored.get("range") or {}, sheet)
    sheet.setdefault("filterViews", []).append(stored)
    return stored


def add_banding(doc: Doc, banded: Doc) -> Doc:
    stored = copy.deepcopy(banded)
    sheet = sheet_of_range(doc, stored.get("range") or {})
    stored["bandedRangeId"] = _id_for(doc, stored.get("bandedRangeId"))
    stored["range"] = grid.full_range(stored.get("range") or {}, sheet)
    sheet.setdefault("bandedRanges", []).append(stored)
    return stored


def add_chart(doc: Doc, chart: Doc, sheet: Doc | None = None) -> Doc:
    stored = copy.deepcopy(chart)
    stored["chartId"] = _id_for(doc, stored.get("chartId"))
    if sheet is None:
        position = stored.get("position") or {}
        anchor = (position.get("overlayPosition") or {}).get("anchorCell") or {}
        sheet_id = position.get("sheetId", anchor.get("sheetId", 0))
        sheet = sheet_of_range(doc, {"sheetId": sheet_id})
    sheet.setdefault("charts", []).append(stored)
    return stored
