"""The roll-up under Google's quota: the project's roll-up against a naive gspread reader.

Builds N teams (default 50) of realistic data on an in-process emulator (a season of entries
typed by each TL, with the usual mistakes), turns on the emulator's per-user quota — Google's
60 reads and 60 writes per minute, multiplied by a factor chosen so the naive reader's run
takes about a minute — and prints, side by side:

- the project's ``rollup`` (cold: no roll-up yet) and a naive reader (``open_by_key``, then
  ``get_all_records`` for every tab of every team): Sheets calls per team, total calls, 429s,
  wall time, and the ratios;
- the project's warm runs: nothing changed, then k teams changed (``--changed``, default 5);
  for each run, the bytes of the roll-up's own batchUpdate bodies (total and largest: each at
  most 2 MB) and the size of the state it keeps in its hidden tab.

    python -m bench.rollup [--teams 50] [--changed 5]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import requests
from gspread.exceptions import APIError, GSpreadException
from rich.console import Console
from rich.table import Table

from bench.cohort import (
    ADMIN,
    AS_OF,
    bench_program,
    log_a_meeting,
    program_settings,
    type_season,
)
from tst_sheets.config import Settings
from tst_sheets.emulator import start_in_thread
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.rollup import RollupResult, rollup
from tst_sheets.jobs.rollup_book import read_state_column
from tst_sheets.model import Program, Team
from tst_sheets.workspace import Workspace, connect

GOOGLE_PER_MINUTE = 60
NAIVE_USER = ADMIN  # program staff: may open every workbook
console = Console(width=140)


def build_cohort(settings: Settings, n: int) -> tuple[str, dict[str, str], Program]:
    ws = connect(settings)
    program = bench_program(n)
    roster_id = init_roster(ws, program=program).roster_spreadsheet_id
    books = {r.team_id: r.spreadsheet_id for r in provision(ws, roster_id).created}
    type_season(settings, program, books)
    return roster_id, books, program


# --- the two readers ---------------------------------------------------------------------------


def count_429s(ws: Workspace) -> Callable[[], int]:
    """How many 429 answers the Sheets client got (each one retried)."""
    seen = [0]

    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if response.status_code == 429:
            seen[0] += 1

    ws.sheets.client.http_client.session.hooks["response"].append(hook)
    return lambda: seen[0]


def naive_read(ws: Workspace, books: dict[str, str]) -> int:
    """The reader a script would write: open each workbook, then every tab's records."""
    records = 0
    for book_id in books.values():
        spreadsheet = ws.sheets.client.open_by_key(book_id)
        for worksheet in spreadsheet.worksheets():
            try:
                records += len(worksheet.get_all_records())
            except GSpreadException:  # e.g. a header row with blanks: the call was made anyway
                continue
    return records


def log_batch_updates(ws: Workspace) -> list[tuple[str, int]]:
    """Every applied spreadsheets.batchUpdate: its URL and the bytes of its body."""
    log: list[tuple[str, int]] = []

    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        url = str(response.request.url)
        if response.ok and url.endswith(":batchUpdate"):
            log.append((url, len(response.request.body or b"")))

    ws.sheets.client.http_client.session.hooks["response"].append(hook)
    return log


class Measure:
    """Sheets calls, 429s and wall time of one run."""

    def __init__(self, ws: Workspace, rejected: Callable[[], int]) -> None:
        self.ws, self.rejected = ws, rejected
        self.before = ws.calls()
        self.rejected_before = rejected()
        self.started = time.perf_counter()

    def done(self) -> dict[str, Any]:
        calls = self.ws.counter.since(self.before)
        rejected = self.rejected() - self.rejected_before
        return {
            "seconds": time.perf_counter() - self.started,
            "rejected": rejected,
            "reads": calls["sheets"]["read"] - rejected,
            "writes": calls["sheets"]["write"],
            "drive": calls["drive"]["read"] + calls["drive"]["write"],
        }


def project_run(
    ws: Workspace,
    rejected: Callable[[], int],
    roster_id: str,
    full: bool = False,
    sent: list[tuple[str, int]] | None = None,
) -> tuple[dict[str, Any], RollupResult]:
    measure = Measure(ws, rejected)
    start = len(sent) if sent is not None else 0
    result = rollup(ws, roster_id, AS_OF, full=full, write=True)
    out = measure.done()
    out["start_here"] = len(result.start_here_written)
    book = f"/{result.rollup_spreadsheet_id}:"
    out["sizes"] = [size for url, size in (sent or [])[start:] if book in url]
    return out, result


def state_chars(ws: Workspace, result: RollupResult) -> tuple[int, int]:
    """The state the roll-up keeps: characters, and cells they fill."""
    column = read_state_column(ws, result.rollup_spreadsheet_id, "_state")
    return sum(len(c) for c in column), len(column)


# --- the report ----------------------------------------------------------------------------------


def side_by_side(
    n: int, first: dict[str, Any], cold: dict[str, Any], naive: dict[str, Any]
) -> Table:
    table = Table(title=f"Reading {n} teams under quota: the project's roll-up vs a naive reader")
    for column in (
        "",
        "roll-up, first run",
        "roll-up --full",
        "naive gspread reader",
        "naive / first run",
        "naive / --full",
    ):
        table.add_column(column, justify="right")

    def total(m: dict[str, Any]) -> int:
        return int(m["reads"] + m["writes"])

    def row(label: str, value: Callable[[dict[str, Any]], float], fmt: str = "{:.0f}") -> None:
        ratios = [f"{value(naive) / value(m):.1f}x" if value(m) else "" for m in (first, cold)]
        table.add_row(label, *(fmt.format(value(m)) for m in (first, cold, naive)), *ratios)

    row("Sheets reads per team", lambda m: m["reads"] / n, "{:.2f}")
    row("Sheets calls per team", lambda m: total(m) / n, "{:.2f}")
    row("Sheets reads", lambda m: m["reads"])
    table.add_row(
        "Sheets writes: roll-up + roster",
        str(first["writes"] - first["start_here"]),
        str(cold["writes"] - cold["start_here"]),
        "0",
        "",
        "",
    )
    table.add_row(
        "Sheets writes: teams' Start Here",
        str(first["start_here"]),
        str(cold["start_here"]),
        "0",
        "",
        "",
    )
    row(
        "Sheets calls for the roll-up (all but Start Here)",
        lambda m: total(m) - m.get("start_here", 0),
    )
    row("Sheets calls total", total)
    table.add_row(
        "429 answers (retried, not counted above)",
        str(first["rejected"]),
        str(cold["rejected"]),
        str(naive["rejected"]),
        "",
        "",
    )
    row("wall time (s)", lambda m: m["seconds"], "{:.1f}")
    return table


def runs_table(rows: list[tuple[str, dict[str, Any], RollupResult]]) -> Table:
    """Per run: calls, time, and the bytes of the roll-up's batchUpdate bodies (all, largest)."""
    table = Table(title="The project's roll-up, cold and warm")
    for column in (
        "run",
        "teams read",
        "Sheets reads",
        "roll-up writes",
        "Start Here writes",
        "Sheets calls",
        "Drive calls",
        "wall time",
        "bytes sent",
        "largest",
    ):
        table.add_column(column, justify="right")
    for name, m, result in rows:
        rollup_writes = m["writes"] - m["start_here"]
        sizes = m.get("sizes", [])
        table.add_row(
            name,
            str(result.read),
            str(m["reads"]),
            str(rollup_writes),
            str(m["start_here"]),
            str(m["reads"] + m["writes"]),
            str(m["drive"]),
            f"{m['seconds']:.2f} s",
            f"{sum(sizes):,}",
            f"{max(sizes, default=0):,}",
        )
    return table


def change_teams(settings: Settings, program: Program, books: dict[str, str], k: int) -> None:
    """k TLs log one more meeting."""
    for team in program.teams[:k]:
        book = books[team.team_id]
        log_a_meeting(settings, team, book, date(2026, 11, 21), "Walkthrough debrief")


def team_names(teams: list[Team]) -> str:
    return ", ".join(t.team_id for t in teams)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=50, help="teams in the cohort")
    parser.add_argument("--changed", type=int, default=5, help="teams changed for the warm run")
    args = parser.parse_args()
    n, k = args.teams, args.changed
    with tempfile.TemporaryDirectory() as tmp:
        running = start_in_thread(Path(tmp) / "bench.db")
        try:
            # generous retries: under quota a request may wait out most of a minute
            settings = program_settings(running.url, max_attempts=60, retry_deadline_s=600)
            console.print(f"Building {n} teams (provision + a season typed by each TL)…")
            started = time.perf_counter()
            roster_id, books, program = build_cohort(settings, n)
            console.print(f"  done in {time.perf_counter() - started:.1f} s")

            naive_calls = n * (2 + len(sample_tabs(settings, books)))
            factor = max(1, math.ceil(naive_calls / GOOGLE_PER_MINUTE) - 1)
            quota = GOOGLE_PER_MINUTE * factor
            requests.post(
                f"{running.url}/_emulator/knobs",
                timeout=5,
                json={"quota_read_per_user": quota, "quota_write_per_user": quota},
            ).raise_for_status()
            console.print(
                f"Quota on: Google's {GOOGLE_PER_MINUTE} reads and writes per minute "
                f"per user x factor [bold]{factor}[/] = {quota} per minute (the naive "
                f"reader needs ~{naive_calls} reads)."
            )

            ws = connect(settings)
            rejected = count_429s(ws)
            sent = log_batch_updates(ws)
            first, first_result = project_run(ws, rejected, roster_id, sent=sent)
            naive_ws = connect(settings, NAIVE_USER)
            naive_rejected = count_429s(naive_ws)
            measure = Measure(naive_ws, naive_rejected)
            naive_read(naive_ws, books)
            naive = measure.done()
            cold, cold_result = project_run(ws, rejected, roster_id, full=True, sent=sent)
            console.print(side_by_side(n, first, cold, naive))

            warm0, warm0_result = project_run(ws, rejected, roster_id, sent=sent)
            change_teams(settings, program, books, k)
            warm5, warm5_result = project_run(ws, rejected, roster_id, sent=sent)
            console.print(
                runs_table(
                    [
                        ("first run (creates the roll-up)", first, first_result),
                        ("--full (every workbook read)", cold, cold_result),
                        ("warm, 0 changed", warm0, warm0_result),
                        (
                            f"warm, {k} changed ({team_names(program.teams[:k])})",
                            warm5,
                            warm5_result,
                        ),
                    ]
                )
            )
            chars, cells = state_chars(ws, warm5_result)
            console.print(f"State kept in the roll-up: {chars:,} characters in {cells} cells.")
            cold_result = first_result
            statuses = ", ".join(f"{k} {v}" for k, v in cold_result.by_status.items())
            console.print(f"Teams by status: {statuses}. Roll-up: {cold_result.url}")
        finally:
            running.stop()


def sample_tabs(settings: Settings, books: dict[str, str]) -> list[str]:
    """The tabs of one team workbook (the naive reader reads each of them)."""
    ws = connect(settings)
    meta = ws.sheets.client.http_client.fetch_sheet_metadata(
        next(iter(books.values())), params={"fields": "sheets.properties.title"}
    )
    return [s["properties"]["title"] for s in meta["sheets"]]


if __name__ == "__main__":
    try:
        main()
    except APIError as error:  # a bench that cannot finish says why, without a traceback
        console.print(f"[red]API error: {error}[/]")
        raise SystemExit(1) from error
