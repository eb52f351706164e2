"""Sheets v4 through gspread's HTTP client: one method per REST call, plain data back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import gspread

from tst_sheets.workspace.calls import google_call

SHEETS_URL = "https://sheets.googleapis.com/v4/spreadsheets"
# Typed text stays text, numbers stay numbers, and real date cells arrive as serial numbers.
UNFORMATTED = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}

Values = list[list[Any]]


class Sheets:
    """The Sheets API of one identity (a ``gspread.Client`` on the workspace's session)."""

    def __init__(self, client: gspread.Client) -> None:
        self.client = client
        self._http = client.http_client

    @google_call("sheets")
    def create(self, body: Mapping[str, Any]) -> str:
        """``spreadsheets.create``: the new spreadsheet's id."""
        reply = self._http.request(
            "post", SHEETS_URL, json=dict(body), params={"fields": "spreadsheetId"}
        ).json()
        return str(reply["spreadsheetId"])

    @google_call("sheets")
    def get(self, spreadsheet_id: str, fields: str, *, grid_data: bool = False) -> dict[str, Any]:
        """``spreadsheets.get`` with a ``fields`` mask (and the cells, with ``grid_data``)."""
        params: dict[str, Any] = {"fields": fields}
        if grid_data:
            params["includeGridData"] = "true"
        meta = self._http.fetch_sheet_metadata(spreadsheet_id, params=params)
        return dict(meta)

    @google_call("sheets")
    def batch_update(
        self, spreadsheet_id: str, requests: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """``spreadsheets.batchUpdate``: every request applies, or none does."""
        body = {"requests": list(requests)}
        reply: dict[str, Any] = self._http.batch_update(spreadsheet_id, body)
        return reply

    @google_call("sheets")
    def values_get(self, spreadsheet_id: str, a1: str, *, columns: bool = False) -> Values:
        """``values.get`` of one range, unformatted (``columns``: column-major)."""
        params: dict[str, Any] = {
            **UNFORMATTED,
            "majorDimension": "COLUMNS" if columns else "ROWS",
        }
        reply = self._http.values_get(spreadsheet_id, a1, params=params)
        return [list(row) for row in reply.get("values", [])]

    @google_call("sheets")
    def values_batch_get(self, spreadsheet_id: str, ranges: Sequence[str]) -> list[dict[str, Any]]:
        """``values.batchGet``: one ``{"range", "values"}`` per range asked, in order."""
        reply = self._http.values_batch_get(spreadsheet_id, list(ranges), params=dict(UNFORMATTED))
        return list(reply.get("valueRanges", []))

    @google_call("sheets")
    def values_update(
        self, spreadsheet_id: str, a1: str, values: Values, *, raw: bool = True
    ) -> None:
        """``values.update``; RAW by default, so no text is ever evaluated as a formula."""
        option = "RAW" if raw else "USER_ENTERED"
        self._http.values_update(
            spreadsheet_id, a1, params={"valueInputOption": option}, body={"values": values}
        )

    @google_call("sheets")
    def values_batch_update(
        self, spreadsheet_id: str, data: Mapping[str, Values], *, raw: bool = True
    ) -> None:
        """``values.batchUpdate``: several ranges in one call; RAW by default."""
        body = {
            "valueInputOption": "RAW" if raw else "USER_ENTERED",
            "data": [{"range": a1, "values": values} for a1, values in data.items()],
        }
        self._http.values_batch_update(spreadsheet_id, body=body)
