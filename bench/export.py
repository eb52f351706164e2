"""Reading the teams' workbooks through Drive ``files.export`` instead of Sheets: measured.

The roll-up reads each changed workbook with one Sheets ``values.batchGet``, and Sheets allows
60 reads a minute per user, so a cold 2,000-team roll-up takes at least 34 minutes. Drive's
``files.export`` counts against Drive's quota instead (hundreds of thousands of units a minute).
Google exports a spreadsheet's every tab only as a file (.xlsx, .ods, zipped HTML; CSV and TSV
hold the first tab only), so the candidate reads the .xlsx with openpyxl; a workbook where the
export cannot place a tab (a TL renamed it: the service's tab marks, developer metadata, are
not exported) is read again through Sheets, as the service's own reader does.

For a bench.scale cohort (``--keep`` reuses one), with 1% of the TLs having renamed their
Meetings tab, under Google's quotas on a shortened window, each way in a process of its own:

- sheets: what the service does (``jobs.reader.read_teams``);
- export: one ``files.export`` per workbook, plus Sheets for the ones it cannot place;

it prints the calls served by API, the quota floor, the wall time (in seconds and in
quota-minutes), the client's CPU and the bytes per workbook, and how many records are exactly
those of the Sheets read (and the first differences). The export way's wall is this machine's
CPU (the emulator writing each .xlsx, the client reading it), not a quota: Google's own time to
convert a file is not modelled.

    python -m bench.export [--teams 200] [--window-s 3] [--keep DIR] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.datetime import to_excel
from rich.console import Console
from rich.table import Table

from bench.cohort import bench_program
from bench.scale import (
    GOOGLE_QUOTA,
    PER_USER,
    Cohort,
    child_figures,
    cohort_in,
    copy_database,
    served,
    set_knobs,
)
from tst_sheets.emulator import start_in_thread
from tst_sheets.jobs.common import team_template
from tst_sheets.jobs.reader import READERS, TeamRead, read_teams
from tst_sheets.jobs.roster import read_roster
from tst_sheets.model import TeamRecord
from tst_sheets.model.a1 import absolute_range_name
from tst_sheets.reading.workbook import data_tabs, match_titles, read_workbook
from tst_sheets.templates import WorkbookTemplate
from tst_sheets.workspace import Workspace, connect

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RENAMED = 0.01  # the share of TLs who renamed their Meetings tab
RENAMED_TITLE = "Our meetings"
console = Console(width=150, stderr=True)


# --- the candidate: one files.export per workbook -----------------------------------------------


def export_ranges(data: bytes) -> list[dict[str, Any]]:
    """An .xlsx as the ``valueRanges`` of a whole-tab ``values.batchGet`` with
    ``UNFORMATTED_VALUE`` and ``SERIAL_NUMBER`` dates: trailing empty cells and rows trimmed."""
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    out = []
    for sheet in book.worksheets:
        rows = [[_unformatted(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        out.append({"range": absolute_range_name(sheet.title), "values": _trim(rows)})
    return out


def _unformatted(value: Any) -> Any:
    """What ``UNFORMATTED_VALUE`` answers for a cell: serial numbers for dates and times."""
    if value is None:
        return ""
    if isinstance(value, datetime | date | clock_time):
        value = to_excel(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    trimmed = []
    for row in rows:
        while row and row[-1] == "":
            row.pop()
        trimmed.append(row)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def read_by_export(
    ws: Workspace, cohort: Cohort, template: WorkbookTemplate
) -> tuple[dict[str, TeamRecord | None], int, int]:
    """Every team's record; the bytes exported; the workbooks read through Sheets as well."""
    program = read_roster(ws, cohort.roster_id).program
    teams = {t.team_id: t for t in program.active_teams()}
    wanted = {t.key for t in data_tabs(template)}

    def one(team_id: str) -> tuple[str, TeamRecord | None, int]:
        data = ws.drive.export_file(cohort.books[team_id], XLSX)
        ranges = export_ranges(data)
        titles = match_titles(template, [r["range"].split("!")[0].strip("'") for r in ranges])
        if not wanted <= set(titles):
            return team_id, None, len(data)  # a tab it cannot place: Sheets reads this one
        record = read_workbook(
            ranges,
            team_id=team_id,
            spreadsheet_id=cohort.books[team_id],
            template=template,
            school_year=program.school_year,
        )
        return team_id, record, len(data)

    with ThreadPoolExecutor(max_workers=READERS) as pool:
        done = list(pool.map(one, teams))
    records: dict[str, TeamRecord | None] = {team_id: record for team_id, record, _ in done}
    unplaced = [teams[team_id] for team_id, record in records.items() if record is None]
    again = read_teams(ws, unplaced, program, cohort.books, template)
    records.update({team_id: read.record for team_id, read in again.items()})
    return records, sum(size for _, _, size in done), len(unplaced)


def read_by_sheets(ws: Workspace, cohort: Cohort, template: WorkbookTemplate) -> dict[str, Any]:
    program = read_roster(ws, cohort.roster_id).program
    reads: dict[str, TeamRead] = read_teams(
        ws, program.active_teams(), program, cohort.books, template
    )
    return {team_id: read.record for team_id, read in reads.items()}


# --- one way, in its own process ------------------------------------------------------------


def run_way(way: str, cohort: Cohort, url: str, out: Path) -> dict[str, Any]:
    ws = connect(cohort.settings(url))
    template = team_template(ws)
    started, cpu = time.perf_counter(), time.process_time()
    figures: dict[str, Any] = {}
    if way == "export":
        records, size, again = read_by_export(ws, cohort, template)
        figures.update(bytesPerWorkbook=size / cohort.teams, readThroughSheets=again)
    else:
        records = read_by_sheets(ws, cohort, template)
    figures.update(wallS=time.perf_counter() - started, cpuS=time.process_time() - cpu)
    out.write_text(
        json.dumps({k: r.model_dump(mode="json") if r else None for k, r in records.items()})
    )
    return figures


def in_child(way: str, cohort_file: Path, url: str, out: Path) -> dict[str, Any]:
    command = ["-m", "bench.export", "--way", way, "--out", str(out)]
    return child_figures(way, command, cohort_file, url)


def rename_meetings(cohort: Cohort, url: str, template: WorkbookTemplate) -> int:
    """A share of the TLs renamed their Meetings tab (the service's mark stays on it)."""
    ws = connect(cohort.settings(url))
    tab = template.tab("meetings")
    teams = bench_program(cohort.teams).teams
    renamed = teams[:: max(1, round(1 / RENAMED))]
    for team in renamed:
        props = {"sheetId": tab.sheet_id, "title": RENAMED_TITLE}
        request = {"updateSheetProperties": {"properties": props, "fields": "title"}}
        ws.sheets.batch_update(cohort.books[team.team_id], [request])
    return len(renamed)


# --- the measurement ----------------------------------------------------------------------------


def measure(home: Path, n: int, window_s: float) -> dict[str, Any]:
    cohort_file, built = cohort_in(home, n)
    cohort = Cohort.model_validate_json(cohort_file.read_text())
    work = home / f"export-{n}.db"
    copy_database(built, work)
    running = start_in_thread(work)
    url = running.url
    try:
        template = team_template(connect(cohort.settings(url)))
        renamed = rename_meetings(cohort, url, template)
        console.print(f"  {renamed} TLs renamed their Meetings tab")
        set_knobs(url, {**GOOGLE_QUOTA, "quota_window_s": window_s})
        figures: dict[str, Any] = {"renamed": renamed, "ways": {}}
        records = {}
        for way in ("sheets", "export"):
            console.print(f"  reading every workbook through {way}…")
            out = home / f"records-{way}.json"
            served(url, reset=True)
            way_figures = in_child(way, cohort_file, url, out)
            stats = served(url)
            records[way] = json.loads(out.read_text())
            way_figures.update(_quota(stats, way_figures["wallS"], window_s, n))
            figures["ways"][way] = way_figures
        figures["identical"], figures["differences"] = compare(records["sheets"], records["export"])
        return figures
    finally:
        set_knobs(url, {**dict.fromkeys(GOOGLE_QUOTA, 0)})
        running.stop()


def _quota(stats: dict[str, Any], wall_s: float, window_s: float, n: int) -> dict[str, Any]:
    by_kind: dict[str, dict[str, int]] = stats["byKind"]
    sheets_reads = by_kind.get("sheets", {}).get("read", 0)
    return {
        "served": by_kind,
        "refused": int(stats["knobs"]["quota"]),
        "floorQuotaMinutes": sheets_reads / PER_USER,  # Drive's quota is not the bound
        "quotaMinutes": wall_s / window_s,
    }


def compare(sheets: dict[str, Any], export: dict[str, Any]) -> tuple[int, list[str]]:
    identical = sum(1 for team_id, record in sheets.items() if export.get(team_id) == record)
    differences = list(_differences(sheets, export))
    return identical, differences[:8]


def _differences(sheets: dict[str, Any], export: dict[str, Any]) -> Iterator[str]:
    for team_id, record in sorted(sheets.items()):
        other = export.get(team_id)
        if other == record:
            continue
        if record is None or other is None:
            yield f"{team_id}: read by one way only"
            continue
        for key in sorted(record):
            if record[key] != other.get(key):
                mine, theirs = str(record[key])[:80], str(other.get(key))[:80]
                yield f"{team_id}.{key}: sheets {mine} / export {theirs}"


def report(n: int, window_s: float, figures: dict[str, Any]) -> Table:
    table = Table(
        title=f"{n} teams read two ways ({figures['renamed']} with a renamed tab); Google's "
        f"quotas, a quota-minute = {window_s:g} s; identical records: "
        f"{figures['identical']} of {n}"
    )
    for column in (
        "way",
        "calls served",
        "429s",
        "floor (quota-min)",
        "wall s",
        "wall (quota-min)",
        "client CPU s",
        "KB per workbook",
        "through Sheets",
    ):
        table.add_column(column, justify="right" if column != "way" else "left")
    for way, f in figures["ways"].items():
        served_text = ", ".join(
            f"{api} {k.get('read', 0)}r" for api, k in sorted(f["served"].items()) if k.get("read")
        )
        table.add_row(
            way,
            served_text,
            str(f["refused"]),
            f"{f['floorQuotaMinutes']:.2f}",
            f"{f['wallS']:.0f}",
            f"{f['quotaMinutes']:.2f}",
            f"{f['cpuS']:.1f}",
            f"{f['bytesPerWorkbook'] / 1024:.0f}" if "bytesPerWorkbook" in f else "",
            str(f.get("readThroughSheets", n)),
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=200, help="teams in the cohort")
    parser.add_argument("--window-s", type=float, default=3.0, help="seconds a quota-minute lasts")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the cohort here")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--way", help=argparse.SUPPRESS)
    parser.add_argument("--cohort", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way:
        cohort = Cohort.model_validate_json(args.cohort.read_text())
        print(json.dumps(run_way(args.way, cohort, args.url, args.out)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        home = args.keep or Path(tmp)
        home.mkdir(parents=True, exist_ok=True)
        figures = measure(home, args.teams, args.window_s)
    if args.json:
        print(json.dumps({"teams": args.teams, "windowS": args.window_s, **figures}))
    else:
        console.print(report(args.teams, args.window_s, figures))
        for line in figures["differences"]:
            console.print(f"  differs: {line}")


if __name__ == "__main__":
    main()
