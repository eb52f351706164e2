"""Helpers for the Sheets emulator tests: a googleapiclient Sheets v4 client per identity."""

from __future__ import annotations

from typing import Any

from tests.emulator.support import discovery
from tst_sheets.emulator import RunningEmulator


def sheets_client(emulator: RunningEmulator, identity: str) -> Any:
    """A bare googleapiclient Sheets v4 client acting as ``identity`` on the emulator."""
    return discovery("sheets", "v4", emulator.url, identity)


def values(api: Any, spreadsheet_id: str, text: str, **options: Any) -> list[list[Any]]:
    """``values.get`` and just its rows."""
    got = api.spreadsheets().values().get(spreadsheetId=spreadsheet_id, range=text, **options)
    return list(got.execute().get("values", []))


def put(api: Any, spreadsheet_id: str, text: str, rows: list[list[Any]], raw: bool = False) -> Any:
    """``values.update`` as USER_ENTERED (or RAW)."""
    return (
        api.spreadsheets()
        .values()
        .update(
            spreadsheetId=spreadsheet_id,
            range=text,
            valueInputOption="RAW" if raw else "USER_ENTERED",
            body={"values": rows},
        )
        .execute()
    )


def batch(api: Any, spreadsheet_id: str, *requests: dict[str, Any], **extra: Any) -> Any:
    body = {"requests": list(requests), **extra}
    return api.spreadsheets().batchUpdate(spreadsheetId=spreadsheet_id, body=body).execute()


def new_spreadsheet(api: Any, title: str = "Book", **body: Any) -> dict[str, Any]:
    created: dict[str, Any] = (
        api.spreadsheets().create(body={"properties": {"title": title}, **body}).execute()
    )
    return created
