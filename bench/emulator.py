"""How fast the emulator answers, so it is never what makes a job slow.

Prints requests per second on this machine for:
- ``values.batchGet`` of every tab of a 10-tab, 200-row workbook;
- a 10-tab ``spreadsheets.create`` carrying 200 rows per tab.
Each is run from 1 client thread and from 4, through a bare gspread client (the emulator
needs nothing of the service to be measured).

    python -m bench.emulator [--seconds 5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import gspread
import requests
from rich.console import Console
from rich.table import Table

from tst_sheets.emulator import start_in_thread

TABS, ROWS, COLS = 10, 200, 8
IDENTITY = "bench@tst.example.org"


class LoopbackSession(requests.Session):
    """gspread's session: Google's Sheets origin becomes the emulator, the token the email."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.trust_env = False
        self.base_url = base_url
        self.headers["Authorization"] = f"Bearer {IDENTITY}"

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        target = url.decode() if isinstance(url, bytes) else url
        target = target.replace("https://sheets.googleapis.com", self.base_url, 1)
        verb = method.decode() if isinstance(method, bytes) else method
        return super().request(verb, target, *args, **kwargs)


def create_body(title: str) -> dict[str, Any]:
    def cell(r: int, c: int) -> dict[str, Any]:
        if c == 0:
            return {"userEnteredValue": {"numberValue": 46200 + r}}
        return {"userEnteredValue": {"stringValue": f"row {r} col {c} some typed text"}}

    sheets = []
    for t in range(TABS):
        rows = [{"values": [{"userEnteredValue": {"stringValue": f"H{c}"}} for c in range(COLS)]}]
        rows += [{"values": [cell(r, c) for c in range(COLS)]} for r in range(ROWS)]
        sheets.append(
            {
                "properties": {"title": f"Tab {t}", "gridProperties": {"rowCount": ROWS + 50}},
                "data": [{"startRow": 0, "startColumn": 0, "rowData": rows}],
            }
        )
    return {"properties": {"title": title}, "sheets": sheets}


def rate(fn: Callable[[], None], seconds: float, threads: int) -> float:
    deadline = time.monotonic() + seconds
    counts = [0] * threads

    def worker(i: int) -> None:
        while time.monotonic() < deadline:
            fn()
            counts[i] += 1

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    return sum(counts) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time per measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        running = start_in_thread(Path(tmp) / "bench.db")
        try:
            client = gspread.Client(auth=None, session=LoopbackSession(running.url))  # type: ignore[arg-type]
            sid = client.http_client.request(
                "post", "https://sheets.googleapis.com/v4/spreadsheets", json=create_body("bench")
            ).json()["spreadsheetId"]
            book = client.open_by_key(sid)
            ranges = [f"'Tab {t}'!A1:H{ROWS + 1}" for t in range(TABS)]

            def batch_get() -> None:
                book.values_batch_get(ranges, params={"valueRenderOption": "UNFORMATTED_VALUE"})

            body = create_body("c")  # built once: the figure is the emulator's, not the client's

            def create() -> None:
                client.http_client.request(
                    "post", "https://sheets.googleapis.com/v4/spreadsheets", json=body
                )

            table = Table(title=f"Emulator throughput ({TABS} tabs x {ROWS} rows x {COLS} cols)")
            table.add_column("request")
            table.add_column("1 thread, req/s", justify="right")
            table.add_column("4 threads, req/s", justify="right")
            for name, fn in (
                ("values.batchGet (10 tabs)", batch_get),
                ("spreadsheets.create (10 tabs)", create),
            ):
                table.add_row(
                    name, f"{rate(fn, args.seconds, 1):.1f}", f"{rate(fn, args.seconds, 4):.1f}"
                )
            Console().print(table)
        finally:
            running.stop()


if __name__ == "__main__":
    main()
