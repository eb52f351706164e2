"""``spreadsheets.batchUpdate``: the request registry and the dispatcher.

Each request kind is a function registered with :func:`kind`; it receives the batch and
its request body and returns the reply body (or None). The dispatcher wraps a kind's
:class:`RequestError` as Google does (``Invalid requests[i].<kind>: …``); since the whole
request runs in one store transaction, any error leaves the spreadsheet untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tst_sheets.emulator.errors import ApiError, sheets_error
from tst_sheets.emulator.sheets import grid, limits, locate
from tst_sheets.emulator.sheets.grid import Box, Doc, RequestError
from tst_sheets.emulator.sheets.models import SheetsBackend
from tst_sheets.emulator.store import Transaction

# Every request kind of the Sheets v4 discovery document, and those with a reply body.
KNOWN_KINDS = frozenset(
    {
        "addBanding",
        "addChart",
        "addCommentReply",
        "addConditionalFormatRule",
        "addDataSource",
        "addDimensionGroup",
        "addFilterView",
        "addNamedRange",
        "addProtectedRange",
        "addSheet",
        "addSlicer",
        "addTable",
        "appendCells",
        "appendDimension",
        "autoFill",
        "autoResizeDimensions",
        "cancelDataSourceRefresh",
        "clearBasicFilter",
        "copyPaste",
        "createDeveloperMetadata",
        "cutPaste",
        "deleteBanding",
        "deleteComment",
        "deleteCommentReply",
        "deleteConditionalFormatRule",
        "deleteDataSource",
        "deleteDeveloperMetadata",
        "deleteDimension",
        "deleteDimensionGroup",
        "deleteDuplicates",
        "deleteEmbeddedObject",
        "deleteFilterView",
        "deleteNamedRange",
        "deleteProtectedRange",
        "deleteRange",
        "deleteSheet",
        "deleteTable",
        "duplicateFilterView",
        "duplicateSheet",
        "findReplace",
        "insertComment",
        "insertDimension",
        "insertRange",
        "mergeCells",
        "moveDimension",
        "pasteData",
        "randomizeRange",
        "refreshDataSource",
        "repeatCell",
        "setBasicFilter",
        "setDataValidation",
        "sortRange",
        "textToColumns",
        "trimWhitespace",
        "unmergeCells",
        "updateBanding",
        "updateBorders",
        "updateCells",
        "updateChartSpec",
        "updateCommentPost",
        "updateConditionalFormatRule",
        "updateDataSource",
        "updateDeveloperMetadata",
        "updateDimensionGroup",
        "updateDimensionProperties",
        "updateEmbeddedObjectBorder",
        "updateEmbeddedObjectPosition",
        "updateFilterView",
        "updateNamedRange",
        "updateProtectedRange",
        "updateSheetProperties",
        "updateSlicerSpec",
        "updateSpreadsheetProperties",
        "updateTable",
    }
)
REPLY_KINDS = frozenset(
    {
        "addBanding",
        "addChart",
        "addCommentReply",
        "addDataSource",
        "addDimensionGroup",
        "addFilterView",
        "addNamedRange",
        "addProtectedRange",
        "addSheet",
        "addSlicer",
        "addTable",
        "cancelDataSourceRefresh",
        "createDeveloperMetadata",
        "deleteConditionalFormatRule",
        "deleteDeveloperMetadata",
        "deleteDimensionGroup",
        "deleteDuplicates",
        "duplicateFilterView",
        "duplicateSheet",
        "findReplace",
        "insertComment",
        "refreshDataSource",
        "trimWhitespace",
        "updateConditionalFormatRule",
        "updateDataSource",
        "updateDeveloperMetadata",
        "updateEmbeddedObjectPosition",
    }
)


@dataclass
class Batch:
    backend: SheetsBackend
    txn: Transaction
    doc: Doc
    user: str

    def sheet(self, sheet_id: Any) -> Doc:
        found = locate.sheet_by_id(self.doc, sheet_id)
        if found is None:
            raise RequestError(f"No grid with id: {sheet_id}")
        return found

    def box(self, grid_range: Doc | None) -> Box:
        grid_range = grid_range or {}
        return grid.box_of(self.sheet(grid_range.get("sheetId", 0)), grid_range)


Handler = Callable[[Batch, Doc], Doc | None]
HANDLERS: dict[str, Handler] = {}


def kind(name: str) -> Callable[[Handler], Handler]:
    """Register the function handling request kind ``name``."""

    def register(function: Handler) -> Handler:
        HANDLERS[name] = function
        return function

    return register


def apply(batch: Batch, requests: Any) -> list[Doc]:
    """Run every request in order; the replies in Google's shape (``{}`` without a body)."""
    if not isinstance(requests, list):
        raise sheets_error(400, "Invalid JSON payload received. 'requests' must be a list.")
    replies = []
    for index, request in enumerate(requests):
        name, body = _split(request, index)
        handler = HANDLERS.get(name)
        if handler is None:
            raise ApiError(
                501,
                f"Request kind '{name}' is not supported by this emulator.",
                status="UNIMPLEMENTED",
            )
        try:
            reply = handler(batch, body)
            limits.check_cell_count(batch.doc)
        except RequestError as failure:
            raise sheets_error(400, f"Invalid requests[{index}].{name}: {failure}") from None
        batch.backend.changed(batch.txn, batch.doc, batch.user)
        replies.append({name: reply or {}} if name in REPLY_KINDS else {})
    return replies


def _split(request: Any, index: int) -> tuple[str, Doc]:
    if not isinstance(request, dict) or not request:
        raise sheets_error(400, f"Invalid requests[{index}]: No request set.")
    unknown = [key for key in request if key not in KNOWN_KINDS]
    if unknown:
        message = (
            f"Invalid JSON payload received. Unknown name {json.dumps(unknown[0])} at "
            f"'requests[{index}]': Cannot find field."
        )
        raise ApiError(
            400,
            message,
            details=[
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": f"requests[{index}]", "description": message}],
                }
            ],
        )
    set_kinds = [key for key, value in request.items() if value is not None]
    if len(set_kinds) != 1:
        raise sheets_error(
            400, f"Invalid requests[{index}]: exactly one kind of request must be set."
        )
    body = request[set_kinds[0]]
    return set_kinds[0], body if isinstance(body, dict) else {}
