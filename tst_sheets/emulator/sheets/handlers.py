"""Sheets v4 over HTTP: parsing requests and shaping responses; the state lives in the
model modules (``models``, ``values_api``, ``batch`` and its ``requests_*`` kinds)."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response

from tst_sheets.emulator.errors import sheets_error
from tst_sheets.emulator.fields import parse_fields, select
from tst_sheets.emulator.http import Call, Route, json_response
from tst_sheets.emulator.sheets import (
    batch,
    locate,
    requests_cells,  # noqa: F401  (registers its batchUpdate kinds)
    requests_objects,  # noqa: F401
    requests_sheets,  # noqa: F401
    values_api,
)
from tst_sheets.emulator.sheets.grid import Box, Doc, RequestError
from tst_sheets.emulator.sheets.models import SheetsBackend, prune
from tst_sheets.emulator.sheets.values_api import ReadOptions, Session

_S = r"/v4/spreadsheets"
_ID = r"(?P<spreadsheetId>[^/:]+)"
_RANGE = r"(?P<range>.+)"
_ENUMS = {
    "valueRenderOption": ("ValueRenderOption", ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")),
    "responseValueRenderOption": (
        "ValueRenderOption",
        ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"),
    ),
    "dateTimeRenderOption": ("DateTimeRenderOption", ("SERIAL_NUMBER", "FORMATTED_STRING")),
    "responseDateTimeRenderOption": ("DateTimeRenderOption", ("SERIAL_NUMBER", "FORMATTED_STRING")),
    "majorDimension": ("Dimension", ("ROWS", "COLUMNS")),
    "valueInputOption": ("ValueInputOption", ("RAW", "USER_ENTERED")),
    "insertDataOption": ("InsertDataOption", ("OVERWRITE", "INSERT_ROWS")),
}


def routes(backend: SheetsBackend) -> list[Route]:
    api = SheetsApi(backend)

    def route(method: str, pattern: str, name: str, kind: str, handler: Any) -> Route:
        return Route(method, pattern, "sheets", f"spreadsheets.{name}", kind, handler)  # type: ignore[arg-type]

    return [
        route("POST", _S, "create", "write", api.create),
        route("GET", f"{_S}/{_ID}", "get", "read", api.get),
        route("POST", f"{_S}/{_ID}:getByDataFilter", "getByDataFilter", "read", api.get_by_filter),
        route("POST", f"{_S}/{_ID}:batchUpdate", "batchUpdate", "write", api.batch_update),
        route(
            "GET", f"{_S}/{_ID}/values:batchGet", "values.batchGet", "read", api.values_batch_get
        ),
        route(
            "POST",
            f"{_S}/{_ID}/values:batchUpdate",
            "values.batchUpdate",
            "write",
            api.values_batch_update,
        ),
        route(
            "POST",
            f"{_S}/{_ID}/values:batchClear",
            "values.batchClear",
            "write",
            api.values_batch_clear,
        ),
        route(
            "POST",
            f"{_S}/{_ID}/values:batchGetByDataFilter",
            "values.batchGetByDataFilter",
            "read",
            api.values_batch_get_by_filter,
        ),
        route(
            "POST",
            f"{_S}/{_ID}/values:batchUpdateByDataFilter",
            "values.batchUpdateByDataFilter",
            "write",
            api.values_batch_update_by_filter,
        ),
        route(
            "POST",
            f"{_S}/{_ID}/values:batchClearByDataFilter",
            "values.batchClearByDataFilter",
            "write",
            api.values_batch_clear_by_filter,
        ),
        route(
            "POST",
            f"{_S}/{_ID}/values/{_RANGE}:append",
            "values.append",
            "write",
            api.values_append,
        ),
        route(
            "POST", f"{_S}/{_ID}/values/{_RANGE}:clear", "values.clear", "write", api.values_clear
        ),
        route("GET", f"{_S}/{_ID}/values/{_RANGE}", "values.get", "read", api.values_get),
        route("PUT", f"{_S}/{_ID}/values/{_RANGE}", "values.update", "write", api.values_update),
        route(
            "POST",
            f"{_S}/{_ID}/sheets/(?P<sheetId>[0-9]+):copyTo",
            "sheets.copyTo",
            "write",
            api.copy_to,
        ),
        route(
            "GET",
            f"{_S}/{_ID}/developerMetadata/(?P<metadataId>[0-9]+)",
            "developerMetadata.get",
            "read",
            api.metadata_get,
        ),
        route(
            "POST",
            f"{_S}/{_ID}/developerMetadata:search",
            "developerMetadata.search",
            "read",
            api.metadata_search,
        ),
    ]


# -- request parsing helpers ---------------------------------------------------------------------


def _enum(call: Call, name: str, default: str | None, source: dict[str, Any] | None = None) -> str:
    raw = (source.get(name) if source is not None else call.arg(name)) or default
    type_name, allowed = _ENUMS[name]
    if raw is None:
        raise sheets_error(400, f"'{name}' is required but not specified")
    if raw not in allowed:
        snake = "".join("_" + c.lower() if c.isupper() else c for c in name)
        raise sheets_error(
            400,
            f"Invalid value at '{snake}' (type.googleapis.com/google.apps.sheets.v4.{type_name}), "
            f'"{raw}"',
        )
    return str(raw)


def _read_options(call: Call, body: dict[str, Any] | None = None) -> ReadOptions:
    return ReadOptions(
        _enum(call, "valueRenderOption", "FORMATTED_VALUE", body),
        _enum(call, "dateTimeRenderOption", "SERIAL_NUMBER", body),
        _enum(call, "majorDimension", "ROWS", body),
    )


def _response_options(call: Call, body: dict[str, Any] | None = None) -> ReadOptions | None:
    wanted = (body or {}).get("includeValuesInResponse") if body is not None else None
    if not (wanted or call.flag("includeValuesInResponse")):
        return None
    return ReadOptions(
        _enum(call, "responseValueRenderOption", "FORMATTED_VALUE", body),
        _enum(call, "responseDateTimeRenderOption", "SERIAL_NUMBER", body),
    )


def _respond(call: Call, body: Doc, *, compact: bool = False) -> Response:
    """Apply ``fields`` and encode. Value and grid bodies go out without indentation: the
    indenting encoder is pure Python and several times slower on large bodies."""
    body = select(body, call.arg("fields"))
    if not compact:
        return json_response(body)
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json; charset=UTF-8",
    )


class SheetsApi:
    def __init__(self, backend: SheetsBackend) -> None:
        self.backend = backend

    def _session(self, call: Call, need: str) -> Session:
        doc = self.backend.open(call.txn, call.params["spreadsheetId"], call.user, need)
        return Session(self.backend, call.txn, doc, call.user)

    # -- spreadsheets ------------------------------------------------------------------------

    def create(self, call: Call) -> Response:
        body = call.json()
        try:
            doc = self.backend.create(call.txn, call.user, body)
        except RequestError as failure:
            raise sheets_error(400, f"Invalid spreadsheet: {failure}") from None
        return _respond(call, self.backend.to_json(call.txn, doc, call.user))

    def get(self, call: Call) -> Response:
        session = self._session(call, "reader")
        ranges = call.query.getlist("ranges")
        return self._spreadsheet(call, session, ranges, call.flag("includeGridData"))

    def get_by_filter(self, call: Call) -> Response:
        session = self._session(call, "reader")
        body = call.json()
        boxes = [
            target.box()
            for data_filter in body.get("dataFilters") or []
            for target in locate.filter_targets(session.doc, data_filter)
        ]
        return self._spreadsheet(call, session, None, bool(body.get("includeGridData")), boxes)

    def _spreadsheet(
        self,
        call: Call,
        session: Session,
        ranges: list[str] | None,
        include: bool,
        boxes: list[Box] | None = None,
    ) -> Response:
        fields = call.arg("fields")
        with_grid = include or (
            bool(fields) and self.backend.wants_grid(parse_fields(fields or ""))
        )
        if ranges:
            boxes = [locate.resolve(session.doc, text).box() for text in ranges]
        body = self.backend.to_json(
            call.txn, session.doc, call.user, boxes or None, with_grid=with_grid
        )
        return _respond(call, body, compact=with_grid)

    def batch_update(self, call: Call) -> Response:
        session = self._session(call, "writer")
        body = call.json()
        requests = body.get("requests")
        if not requests:
            raise sheets_error(400, "Must specify at least one request.")
        context = batch.Batch(self.backend, call.txn, session.doc, call.user)
        replies = batch.apply(context, requests)
        out: Doc = {"spreadsheetId": session.spreadsheet_id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            ranges = body.get("responseRanges") or []
            boxes = [locate.resolve(session.doc, r).box() for r in ranges] or None
            out["updatedSpreadsheet"] = self.backend.to_json(
                call.txn,
                session.doc,
                call.user,
                boxes,
                with_grid=bool(body.get("responseIncludeGridData")),
            )
        return _respond(call, out)

    def copy_to(self, call: Call) -> Response:
        session = self._session(call, "reader")
        body = call.json()
        target_id = str(body.get("destinationSpreadsheetId") or "")
        if not target_id:
            raise sheets_error(400, "Invalid destinationSpreadsheetId: it must be set.")
        destination = self.backend.open(call.txn, target_id, call.user, "writer")
        source = locate.sheet_by_id(session.doc, call.params["sheetId"])
        if source is None:
            raise sheets_error(404, "Requested entity was not found.")
        copied = self.backend.copy_sheet(call.txn, source, destination, call.user)
        return _respond(call, prune(dict(copied["properties"])))

    # -- developer metadata -------------------------------------------------------------------

    def metadata_get(self, call: Call) -> Response:
        session = self._session(call, "reader")
        wanted = int(call.params["metadataId"])
        for meta in session.doc.get("developerMetadata", []):
            if int(meta.get("metadataId", -1)) == wanted:
                return _respond(call, meta)
        raise sheets_error(404, f"No developer metadata with ID: {wanted}")

    def metadata_search(self, call: Call) -> Response:
        session = self._session(call, "reader")
        found = []
        for data_filter in call.json().get("dataFilters") or []:
            lookup = data_filter.get("developerMetadataLookup")
            if lookup is None:
                continue
            for meta in locate.matching_metadata(session.doc, lookup):
                found.append({"developerMetadata": meta, "dataFilters": [data_filter]})
        return _respond(call, {"matchedDeveloperMetadata": found} if found else {})

    # -- values ---------------------------------------------------------------------------------

    def values_get(self, call: Call) -> Response:
        session = self._session(call, "reader")
        if call.arg("fields"):
            reply = values_api.get(session, call.params["range"], _read_options(call))
            return _respond(call, reply, compact=True)
        text = values_api.get_json(session, call.params["range"], _read_options(call))
        return Response(text, content_type="application/json; charset=UTF-8")

    def values_batch_get(self, call: Call) -> Response:
        session = self._session(call, "reader")
        ranges = call.query.getlist("ranges")
        if call.arg("fields"):
            reply = values_api.batch_get(session, ranges, _read_options(call))
            return _respond(call, reply, compact=True)
        text = values_api.batch_get_json(session, ranges, _read_options(call))
        return Response(text, content_type="application/json; charset=UTF-8")

    def values_batch_get_by_filter(self, call: Call) -> Response:
        session = self._session(call, "reader")
        body = call.json()
        options = _read_options(call, body)
        reply = values_api.batch_get_by_filter(session, body.get("dataFilters") or [], options)
        return _respond(call, reply, compact=True)

    def values_update(self, call: Call) -> Response:
        body = call.json()
        values_api.matrix(body.get("values"), str(body.get("majorDimension") or "ROWS"))
        option = _enum(call, "valueInputOption", None)
        session = self._session(call, "writer")
        reply = values_api.update(
            session, call.params["range"], body, option, _response_options(call)
        )
        return _respond(call, reply)

    def values_append(self, call: Call) -> Response:
        body = call.json()
        values_api.matrix(body.get("values"), str(body.get("majorDimension") or "ROWS"))
        option = _enum(call, "valueInputOption", None)
        insert = _enum(call, "insertDataOption", "OVERWRITE") == "INSERT_ROWS"
        session = self._session(call, "writer")
        reply = values_api.append(
            session, call.params["range"], body, option, insert, _response_options(call)
        )
        return _respond(call, reply)

    def values_clear(self, call: Call) -> Response:
        session = self._session(call, "writer")
        return _respond(call, values_api.clear(session, call.params["range"]))

    def values_batch_update(self, call: Call) -> Response:
        return self._values_batch_update(call, by_filter=False)

    def values_batch_update_by_filter(self, call: Call) -> Response:
        return self._values_batch_update(call, by_filter=True)

    def _values_batch_update(self, call: Call, *, by_filter: bool) -> Response:
        body = call.json()
        option = _enum(call, "valueInputOption", None, body)
        session = self._session(call, "writer")
        respond = _response_options(call, body)
        reply = values_api.batch_update(session, body, option, respond, by_filter=by_filter)
        return _respond(call, reply)

    def values_batch_clear(self, call: Call) -> Response:
        session = self._session(call, "writer")
        ranges = [str(r) for r in call.json().get("ranges") or []]
        return _respond(call, values_api.batch_clear(session, ranges))

    def values_batch_clear_by_filter(self, call: Call) -> Response:
        session = self._session(call, "writer")
        filters = call.json().get("dataFilters") or []
        return _respond(call, values_api.batch_clear_by_filter(session, filters))
