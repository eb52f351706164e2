"""batchUpdate kinds for objects laid over the grid: named and protected ranges, filters,
conditional formats, bandings, charts, dimension groups and developer metadata."""

from __future__ import annotations

import copy
from typing import Any

from tst_sheets.emulator.sheets import build, cells, grid, locate
from tst_sheets.emulator.sheets.batch import Batch, kind
from tst_sheets.emulator.sheets.grid import Doc, RequestError

# -- named ranges --------------------------------------------------------------------------


@kind("addNamedRange")
def add_named_range(batch: Batch, body: Doc) -> Doc:
    stored = build.add_named(batch.doc, body.get("namedRange") or {})
    return {"namedRange": _named_reply(stored)}


def _named_reply(named: Doc) -> Doc:
    out = {k: copy.deepcopy(v) for k, v in named.items() if k != "range"}
    out["range"] = grid.clean_range(named.get("range") or {})
    return out


def _named(batch: Batch, named_id: Any) -> Doc:
    for named in batch.doc.get("namedRanges", []):
        if str(named.get("namedRangeId")) == str(named_id):
            return named  # type: ignore[no-any-return]
    raise RequestError(f"No NamedRange with id {named_id} exists.")


@kind("updateNamedRange")
def update_named_range(batch: Batch, body: Doc) -> None:
    given = body.get("namedRange") or {}
    named = _named(batch, given.get("namedRangeId"))
    mask = cells.mask_of(body.get("fields"), "updateNamedRange")
    updated = copy.deepcopy(named)
    cells.apply_mask(updated, given, mask)
    updated["namedRangeId"] = named["namedRangeId"]
    other = locate.named_range(batch.doc, str(updated.get("name") or ""))
    if other is not None and other is not named:
        raise RequestError(f"Named range with the name {updated.get('name')} already exists.")
    sheet = build.sheet_of_range(batch.doc, updated.get("range") or {})
    updated["range"] = {**(updated.get("range") or {}), "sheetId": grid.sheet_id(sheet)}
    named.clear()
    named.update(updated)


@kind("deleteNamedRange")
def delete_named_range(batch: Batch, body: Doc) -> None:
    named = _named(batch, body.get("namedRangeId"))
    batch.doc["namedRanges"] = [n for n in batch.doc["namedRanges"] if n is not named]


# -- protected ranges ----------------------------------------------------------------------


@kind("addProtectedRange")
def add_protected_range(batch: Batch, body: Doc) -> Doc:
    given = body.get("protectedRange") or {}
    stored = build.add_protected(batch.doc, given, batch.user)
    reply = {k: copy.deepcopy(v) for k, v in stored.items() if v not in (None, "", False)}
    reply["range"] = grid.clean_range(stored.get("range") or {}) if "range" in stored else None
    if reply["range"] is None:
        del reply["range"]
    reply["requestingUserCanEdit"] = True
    requested = given.get("editors") or {}
    reply["editors"] = {k: v for k, v in requested.items() if v}
    return {"protectedRange": reply}


def _protected(batch: Batch, protected_id: Any) -> tuple[Doc, Doc]:
    for sheet in batch.doc["sheets"]:
        for protected in sheet.get("protectedRanges") or []:
            if str(protected.get("protectedRangeId")) == str(protected_id):
                return sheet, protected
    raise RequestError(f"No protected range with id: {protected_id}")


@kind("updateProtectedRange")
def update_protected_range(batch: Batch, body: Doc) -> None:
    given = body.get("protectedRange") or {}
    sheet, protected = _protected(batch, given.get("protectedRangeId"))
    mask = cells.mask_of(body.get("fields"), "updateProtectedRange")
    cells.apply_mask(protected, given, mask)
    protected["protectedRangeId"] = int(given.get("protectedRangeId") or 0)
    if "range" in protected:
        protected["range"]["sheetId"] = protected["range"].get("sheetId", grid.sheet_id(sheet))


@kind("deleteProtectedRange")
def delete_protected_range(batch: Batch, body: Doc) -> None:
    sheet, protected = _protected(batch, body.get("protectedRangeId"))
    sheet["protectedRanges"] = [p for p in sheet["protectedRanges"] if p is not protected]
    if not sheet["protectedRanges"]:
        del sheet["protectedRanges"]


# -- filters -------------------------------------------------------------------------------


@kind("setBasicFilter")
def set_basic_filter(batch: Batch, body: Doc) -> None:
    given = copy.deepcopy(body.get("filter") or {})
    sheet = batch.sheet((given.get("range") or {}).get("sheetId", 0))
    grid.box_of(sheet, given.get("range") or {})
    given["range"] = grid.full_range(given.get("range") or {}, sheet)
    sheet["basicFilter"] = given


@kind("clearBasicFilter")
def clear_basic_filter(batch: Batch, body: Doc) -> None:
    batch.sheet(body.get("sheetId", 0)).pop("basicFilter", None)


@kind("addFilterView")
def add_filter_view(batch: Batch, body: Doc) -> Doc:
    stored = build.add_filter_view(batch.doc, body.get("filter") or {})
    return {"filter": _with_clean_range(stored)}


def _with_clean_range(item: Doc) -> Doc:
    out = copy.deepcopy(item)
    if "range" in out:
        out["range"] = grid.clean_range(out["range"])
    return out


def _find(batch: Batch, member: str, id_key: str, wanted: Any) -> tuple[Doc, Doc]:
    for sheet in batch.doc["sheets"]:
        for item in sheet.get(member) or []:
            if str(item.get(id_key)) == str(wanted):
                return sheet, item
    raise RequestError(f"No {member[:-1]} with id: {wanted}")


def _remove(sheet: Doc, member: str, item: Doc) -> None:
    sheet[member] = [x for x in sheet[member] if x is not item]
    if not sheet[member]:
        del sheet[member]


def _update_ranged(
    batch: Batch, body: Doc, given_key: str, member: str, id_key: str, request: str
) -> None:
    """Apply an update request's field mask to a sheet object that has an id and a range."""
    given = body.get(given_key) or {}
    sheet, item = _find(batch, member, id_key, given.get(id_key))
    cells.apply_mask(item, given, cells.mask_of(body.get("fields"), request))
    item[id_key] = int(given[id_key])
    item["range"] = grid.full_range(item.get("range") or {}, sheet)


@kind("updateFilterView")
def update_filter_view(batch: Batch, body: Doc) -> None:
    _update_ranged(batch, body, "filter", "filterViews", "filterViewId", "updateFilterView")


@kind("deleteFilterView")
def delete_filter_view(batch: Batch, body: Doc) -> None:
    sheet, view = _find(batch, "filterViews", "filterViewId", body.get("filterId"))
    _remove(sheet, "filterViews", view)


@kind("duplicateFilterView")
def duplicate_filter_view(batch: Batch, body: Doc) -> Doc:
    _, view = _find(batch, "filterViews", "filterViewId", body.get("filterId"))
    clone = copy.deepcopy(view)
    clone.pop("filterViewId", None)
    clone["title"] = f"Copy of {view.get('title', 'Filter')}"
    stored = build.add_filter_view(batch.doc, clone)
    return {"filter": _with_clean_range(stored)}


# -- conditional formats and bandings ------------------------------------------------------


def _rule_sheet(batch: Batch, rule: Doc) -> Doc:
    ranges = rule.get("ranges") or []
    if not ranges:
        raise RequestError("A conditional format rule needs at least one range.")
    return batch.sheet(ranges[0].get("sheetId", 0))


@kind("addConditionalFormatRule")
def add_conditional_format_rule(batch: Batch, body: Doc) -> None:
    rule = copy.deepcopy(body.get("rule") or {})
    sheet = _rule_sheet(batch, rule)
    rules = sheet.setdefault("conditionalFormats", [])
    index = int(body.get("index") or 0)
    rules.insert(max(0, min(index, len(rules))), rule)


@kind("updateConditionalFormatRule")
def update_conditional_format_rule(batch: Batch, body: Doc) -> Doc:
    sheet = batch.sheet(body.get("sheetId", 0))
    rules = sheet.get("conditionalFormats") or []
    index = int(body.get("index") or 0)
    if index >= len(rules):
        raise RequestError(
            f"No conditional format on sheet {grid.sheet_id(sheet)} at index {index}"
        )
    old = rules.pop(index)
    if body.get("rule") is not None:
        new_index = index
        rules.insert(index, copy.deepcopy(body["rule"]))
    else:
        new_index = int(body.get("newIndex") or 0)
        rules.insert(new_index, old)
    sheet["conditionalFormats"] = rules
    return {"oldIndex": index, "oldRule": old, "newIndex": new_index, "newRule": rules[new_index]}


@kind("deleteConditionalFormatRule")
def delete_conditional_format_rule(batch: Batch, body: Doc) -> Doc:
    sheet = batch.sheet(body.get("sheetId", 0))
    rules = sheet.get("conditionalFormats") or []
    index = int(body.get("index") or 0)
    if index >= len(rules):
        raise RequestError(
            f"No conditional format on sheet {grid.sheet_id(sheet)} at index {index}"
        )
    rule = rules.pop(index)
    if not rules:
        sheet.pop("conditionalFormats", None)
    return {"rule": rule}


@kind("addBanding")
def add_banding(batch: Batch, body: Doc) -> Doc:
    stored = build.add_banding(batch.doc, body.get("bandedRange") or {})
    return {"bandedRange": _with_clean_range(stored)}


@kind("updateBanding")
def update_banding(batch: Batch, body: Doc) -> None:
    _update_ranged(batch, body, "bandedRange", "bandedRanges", "bandedRangeId", "updateBanding")


@kind("deleteBanding")
def delete_banding(batch: Batch, body: Doc) -> None:
    sheet, banded = _find(batch, "bandedRanges", "bandedRangeId", body.get("bandedRangeId"))
    _remove(sheet, "bandedRanges", banded)


# -- charts --------------------------------------------------------------------------------


@kind("addChart")
def add_chart(batch: Batch, body: Doc) -> Doc:
    return {"chart": copy.deepcopy(build.add_chart(batch.doc, body.get("chart") or {}))}


@kind("updateChartSpec")
def update_chart_spec(batch: Batch, body: Doc) -> None:
    _, chart = _find(batch, "charts", "chartId", body.get("chartId"))
    chart["spec"] = copy.deepcopy(body.get("spec") or {})


@kind("updateEmbeddedObjectPosition")
def update_embedded_object_position(batch: Batch, body: Doc) -> Doc:
    _, chart = _find(batch, "charts", "chartId", body.get("objectId"))
    position = chart.setdefault("position", {})
    cells.apply_mask(
        position,
        body.get("newPosition") or {},
        cells.mask_of(body.get("fields") or "*", "updateEmbeddedObjectPosition"),
    )
    return {"position": copy.deepcopy(position)}


@kind("deleteEmbeddedObject")
def delete_embedded_object(batch: Batch, body: Doc) -> None:
    sheet, chart = _find(batch, "charts", "chartId", body.get("objectId"))
    _remove(sheet, "charts", chart)


# -- dimension groups ----------------------------------------------------------------------


def _groups(batch: Batch, span: Doc) -> tuple[Doc, str, Doc]:
    sheet = batch.sheet(span.get("sheetId", 0))
    dim = span.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        raise RequestError("The dimension must be ROWS or COLUMNS.")
    wanted = {
        "dimension": dim,
        "startIndex": int(span.get("startIndex") or 0),
        "endIndex": int(span.get("endIndex") or 0),
    }
    if wanted["endIndex"] <= wanted["startIndex"]:
        raise RequestError("A dimension group needs at least one row or column.")
    return sheet, "rowGroups" if dim == "ROWS" else "columnGroups", wanted


def _group_reply(sheet: Doc, key: str) -> Doc:
    groups = [
        {
            "range": {k: v for k, v in g["range"].items() if k != "sheetId"},
            "depth": g["depth"],
            **({"collapsed": True} if g.get("collapsed") else {}),
        }
        for g in sheet.get(key) or []
    ]
    return {"dimensionGroups": groups} if groups else {}


def _inside(inner: Doc, outer: Doc) -> bool:
    return bool(
        outer["startIndex"] <= inner["startIndex"] and inner["endIndex"] <= outer["endIndex"]
    )


@kind("addDimensionGroup")
def add_dimension_group(batch: Batch, body: Doc) -> Doc:
    sheet, key, wanted = _groups(batch, body.get("range") or {})
    groups = sheet.setdefault(key, [])
    for group in groups:
        if _inside(group["range"], wanted) and group["range"] != wanted:
            group["depth"] += 1
    depth = 1 + sum(1 for g in groups if _inside(wanted, g["range"]))
    groups.append({"range": wanted, "depth": depth})
    groups.sort(key=lambda g: (g["depth"], g["range"]["startIndex"]))
    control = "rowGroupControlAfter" if key == "rowGroups" else "columnGroupControlAfter"
    sheet["properties"].setdefault("gridProperties", {})[control] = True
    return _group_reply(sheet, key)


@kind("deleteDimensionGroup")
def delete_dimension_group(batch: Batch, body: Doc) -> Doc:
    sheet, key, wanted = _groups(batch, body.get("range") or {})
    groups = sheet.get(key) or []
    matching = [g for g in groups if g["range"] == wanted]
    if not matching:
        raise RequestError("No dimension group matches the range.")
    deepest = max(matching, key=lambda g: g["depth"])
    groups.remove(deepest)
    for group in groups:
        if _inside(group["range"], wanted) and group["range"] != wanted:
            group["depth"] = max(1, group["depth"] - 1)
    if not groups:
        sheet.pop(key, None)
    return _group_reply(sheet, key)


@kind("updateDimensionGroup")
def update_dimension_group(batch: Batch, body: Doc) -> None:
    given = body.get("dimensionGroup") or {}
    sheet, key, wanted = _groups(batch, given.get("range") or {})
    for group in sheet.get(key) or []:
        if group["range"] == wanted and group["depth"] == int(given.get("depth") or group["depth"]):
            cells.apply_mask(
                group, given, cells.mask_of(body.get("fields"), "updateDimensionGroup")
            )
            group["range"] = wanted
            return
    raise RequestError("No dimension group matches the range.")


# -- developer metadata --------------------------------------------------------------------


@kind("createDeveloperMetadata")
def create_developer_metadata(batch: Batch, body: Doc) -> Doc:
    stored = build.add_metadata(batch.doc, body.get("developerMetadata") or {})
    return {"developerMetadata": copy.deepcopy(stored)}


def _filtered(batch: Batch, filters: list[Doc]) -> list[Doc]:
    found: list[Doc] = []
    for data_filter in filters:
        lookup = data_filter.get("developerMetadataLookup")
        if lookup is None:
            raise RequestError("Only developerMetadataLookup filters select developer metadata.")
        found.extend(m for m in locate.matching_metadata(batch.doc, lookup) if m not in found)
    return found


@kind("updateDeveloperMetadata")
def update_developer_metadata(batch: Batch, body: Doc) -> Doc:
    mask = cells.mask_of(body.get("fields"), "updateDeveloperMetadata")
    given = copy.deepcopy(body.get("developerMetadata") or {})
    if "location" in given:
        given["location"] = build.metadata_location(batch.doc, given["location"])
    updated = _filtered(batch, body.get("dataFilters") or [])
    for meta in updated:
        keep = meta["metadataId"]
        cells.apply_mask(meta, given, mask)
        meta["metadataId"] = keep
    return {"developerMetadata": copy.deepcopy(updated)} if updated else {}


@kind("deleteDeveloperMetadata")
def delete_developer_metadata(batch: Batch, body: Doc) -> Doc:
    doomed = _filtered(batch, [body.get("dataFilter") or {}])
    batch.doc["developerMetadata"] = [
        m for m in batch.doc.get("developerMetadata", []) if m not in doomed
    ]
    return {"deletedDeveloperMetadata": copy.deepcopy(doomed)} if doomed else {}
