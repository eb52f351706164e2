"""At scale under Google's real quotas: what the nightly, daily and weekly jobs cost for N teams.

Builds N teams with a whole school year of entries on an in-process emulator (quota off while
building), then turns on Google's quotas (60 reads and 60 writes a minute per user, 300 per
project) on a shortened window, so a quota-minute lasts ``--window-s`` seconds, and runs, each
in a process of its own (so its CPU and memory are its own):

- core: the pure core (parse, check, lay out the roll-up) over every team, no I/O;
- cold roll-up: the first, which reads every workbook and writes every Start Here;
- nightly roll-up: after 5% of the TLs logged one more meeting;
- daily calendar: nothing changed since its last run;
- weekly provision: after the roll-ups and the calendar wrote to the workbooks (provision reads
  a Team tab again only where its workbook changed), then again with nothing changed.

For each: calls by API and read/write as the emulator served them (429s apart), the quota
floor (the most calls of one kind over the per-minute limit), the wall time in quota-minutes
and its ratio to the floor, teams Unreadable, peak memory and CPU.

    python -m bench.scale [--teams 200] [--window-s 3] [--keep DIR] [--json]

``--keep DIR`` keeps the emulator's data and the cohort there, and reuses them next time
(building 2,000 teams takes a while).
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import requests
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from bench.cohort import bench_program, log_a_meeting, program_settings, type_season
from tst_sheets.commitments import load_commitments
from tst_sheets.config import Settings
from tst_sheets.emulator import start_in_thread
from tst_sheets.jobs.calendar import sync_calendar
from tst_sheets.jobs.collect import team_status
from tst_sheets.jobs.common import team_template
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.reader import TeamRead, read_teams
from tst_sheets.jobs.rollup import rollup
from tst_sheets.jobs.roster import read_roster
from tst_sheets.reading.workbook import read_workbook
from tst_sheets.rollup.build import build
from tst_sheets.rollup.inputs import RollupInput, RunFacts, team_view
from tst_sheets.rollup.template import load_rollup_template
from tst_sheets.workspace import Workspace, connect

YEAR_END = date(2027, 6, 10)  # a whole school year typed, and checked as of its last weeks
PER_USER, PER_PROJECT = 60, 300  # Google's Sheets defaults, per minute
GOOGLE_QUOTA = {
    "quota_read_per_user": PER_USER,
    "quota_write_per_user": PER_USER,
    "quota_read_per_project": PER_PROJECT,
    "quota_write_per_project": PER_PROJECT,
    "quota_apis": ["sheets"],  # Drive's and Calendar's per-minute quotas are far larger
}
PHASES = (
    "core",
    "cold roll-up",
    "nightly roll-up",
    "daily calendar",
    "weekly provision",
    "provision again",
)
console = Console(width=150, stderr=True)


class Cohort(BaseModel):
    """What a phase's process needs to find the program on the emulator."""

    teams: int
    roster_id: str
    drive_folder: str
    subject: str
    books: dict[str, str]

    def settings(self, url: str) -> Settings:
        return Settings(
            target="local",
            emulator_url=url,
            drive_folder=self.drive_folder,
            subject=self.subject,
            as_of=YEAR_END,
            retry_deadline_s=600.0,  # a request may wait out a quota-minute or more
            max_attempts=30,
        )


# --- building the cohort (quota off) --------------------------------------------------------------


def build_cohort(url: str, n: int) -> Cohort:
    settings = program_settings(url, as_of=YEAR_END)
    ws = connect(settings)
    program = bench_program(n)
    roster_id = init_roster(ws, program=program).roster_spreadsheet_id
    step = _timed(f"provision {n} workbooks")
    books = {r.team_id: r.spreadsheet_id for r in provision(ws, roster_id).created}
    step()
    step = _timed("each TL types a school year")
    type_season(settings, program, books, as_of=YEAR_END)
    step()
    step = _timed("provision again (the members the TLs named get access), calendar")
    provision(ws, roster_id)
    sync_calendar(ws, roster_id)
    step()
    return Cohort(
        teams=n,
        roster_id=roster_id,
        drive_folder=settings.drive_folder or "",
        subject=settings.subject or "",
        books=books,
    )


def _timed(what: str) -> Callable[[], None]:
    console.print(f"  {what}…")
    started = time.perf_counter()
    return lambda: console.print(f"    done in {time.perf_counter() - started:.0f} s")


def change_teams(cohort: Cohort, url: str, share: float) -> int:
    """A share of the TLs log one more meeting."""
    settings = cohort.settings(url)
    program = bench_program(cohort.teams)
    changed = program.teams[: max(1, round(len(program.teams) * share))]
    for team in changed:
        book = cohort.books[team.team_id]
        log_a_meeting(settings, team, book, date(2027, 6, 8), "End-of-year data review")
    return len(changed)


# --- one phase, in its own process -----------------------------------------------------------


def run_phase(name: str, cohort: Cohort, url: str) -> dict[str, Any]:
    """Runs in a child process: the job, and what it cost this process."""
    ws = connect(cohort.settings(url))
    started, cpu = time.perf_counter(), time.process_time()
    extra = PHASE_JOBS[name](ws, cohort)
    return {
        "wallS": time.perf_counter() - started,
        "cpuS": time.process_time() - cpu,
        "peakMiB": peak_mib(),
        "pacedS": ws.pace.waited_s,
        "clientCalls": ws.calls(),
        **extra,
    }


def peak_mib() -> float:
    """This process's peak resident memory (VmHWM: unlike ``ru_maxrss``, not inherited from
    the parent that forked it, which holds the emulator and all its data)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _core(ws: Workspace, cohort: Cohort) -> dict[str, Any]:
    """Reads every workbook (not timed), then times the pure core over what was read."""
    program = read_roster(ws, cohort.roster_id).program
    template = team_template(ws)
    raw = read_teams(ws, program.active_teams(), program, cohort.books, template)
    templates = ws.settings.templates_dir
    commitments = load_commitments(templates / "commitments.yaml")
    tpl = load_rollup_template(templates)
    started = time.process_time()
    views = []
    for team in program.active_teams():
        r = raw[team.team_id]
        record = read_workbook(
            r.value_ranges,
            team_id=team.team_id,
            spreadsheet_id=r.spreadsheet_id,
            template=template,
            school_year=program.school_year,
            sheet_ids=r.sheet_ids or None,
            tab_keys=r.tab_keys,
        )
        read = TeamRead(team_id=team.team_id, spreadsheet_id=r.spreadsheet_id, record=record)
        status = team_status(read, team, program, YEAR_END, commitments)
        views.append(team_view(team, status, record, program, commitments))
    inp = RollupInput(
        program=program,
        as_of=YEAR_END,
        teams=views,
        commitments=commitments,
        first_seen={},
        versions={},
    )
    build(inp, tpl, RunFacts(generated_at=datetime(2027, 6, 10, 5)))
    core_s = time.process_time() - started
    return {"coreCpuS": core_s, "corePer200S": core_s * 200 / cohort.teams}


def _rollup(ws: Workspace, cohort: Cohort) -> dict[str, Any]:
    result = rollup(ws, cohort.roster_id, YEAR_END, write=True)
    return {"unreadable": len(result.unreadable), "read": result.read, "teamsShown": result.teams}


def _calendar(ws: Workspace, cohort: Cohort) -> dict[str, Any]:
    result = sync_calendar(ws, cohort.roster_id)
    return {"changed": len(result.created) + len(result.updated) + len(result.cancelled)}


def _provision(ws: Workspace, cohort: Cohort) -> dict[str, Any]:
    result = provision(ws, cohort.roster_id)
    return {"changed": len(result.created) + len(result.shared) + len(result.unshared)}


PHASE_JOBS: dict[str, Callable[[Workspace, Cohort], dict[str, Any]]] = {
    "core": _core,
    "cold roll-up": _rollup,
    "nightly roll-up": _rollup,
    "daily calendar": _calendar,
    "weekly provision": _provision,
    "provision again": _provision,
}


def in_child(name: str, cohort_file: Path, url: str) -> dict[str, Any]:
    return child_figures(name, ["-m", "bench.scale", "--phase", name], cohort_file, url)


def child_figures(name: str, command: list[str], cohort_file: Path, url: str) -> dict[str, Any]:
    """Run ``python <command> --cohort … --url …`` in a process of its own (so its CPU and
    memory are its own): the JSON figures on the last line it prints."""
    done = subprocess.run(
        [sys.executable, *command, "--cohort", str(cohort_file), "--url", url],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{name} failed:\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


# --- what the emulator served ----------------------------------------------------------------


def served(url: str, reset: bool = False) -> dict[str, Any]:
    """What the emulator served since the last reset (``reset``: start counting afresh)."""
    if reset:
        requests.delete(f"{url}/_emulator/stats", timeout=10).raise_for_status()
        return {}
    stats: dict[str, Any] = requests.get(f"{url}/_emulator/stats", timeout=10).json()
    return stats


def measure(name: str, cohort_file: Path, url: str, window_s: float) -> dict[str, Any]:
    served(url, reset=True)
    figures = in_child(name, cohort_file, url)
    stats = served(url)
    by_kind: dict[str, dict[str, int]] = stats["byKind"]
    refused = int(stats["knobs"]["quota"])
    sheets = by_kind.get("sheets", {})
    busiest = max(sheets.get("read", 0), sheets.get("write", 0))
    floor_minutes = max(0, busiest - refused) / PER_USER  # every Sheets call is the service's
    quota_minutes = figures["wallS"] / window_s
    figures.update(
        served=by_kind,
        refused=refused,
        floorQuotaMinutes=floor_minutes,
        quotaMinutes=quota_minutes,
        ratioToFloor=quota_minutes / floor_minutes if floor_minutes >= 1 else None,
    )
    return figures


# --- the report ---------------------------------------------------------------------------------


def calls_text(by_kind: dict[str, dict[str, int]]) -> str:
    parts = [
        f"{api} {kinds.get('read', 0)}r/{kinds.get('write', 0)}w"
        for api, kinds in sorted(by_kind.items())
        if sum(kinds.values())
    ]
    return ", ".join(parts) or "none"


def report(n: int, window_s: float, figures: dict[str, dict[str, Any]]) -> Table:
    table = Table(
        title=f"{n} teams, a school year each; Google's quotas ({PER_USER}/min per user, "
        f"{PER_PROJECT}/min per project), a quota-minute = {window_s:g} s"
    )
    for column in (
        "run",
        "calls served (read/write)",
        "429s",
        "floor (quota-min)",
        "wall (quota-min)",
        "wall / floor",
        "Unreadable",
        "peak MiB",
        "CPU s",
    ):
        table.add_column(column, justify="right" if column != "run" else "left")
    for name, f in figures.items():
        if name == "core":
            table.add_row(
                "core (parse, check, lay out)",
                "(read first, not timed)",
                "",
                "",
                "",
                "",
                "",
                f"{f['peakMiB']:.0f}",
                f"{f['coreCpuS']:.2f} ({f['corePer200S']:.2f} per 200 teams)",
            )
            continue
        ratio = f["ratioToFloor"]
        table.add_row(
            name,
            calls_text(f["served"]),
            str(f["refused"]),
            f"{f['floorQuotaMinutes']:.2f}",
            f"{f['quotaMinutes']:.2f}",
            f"{ratio:.2f}" if ratio is not None else "under a minute",
            str(f.get("unreadable", "")),
            f"{f['peakMiB']:.0f}",
            f"{f['cpuS']:.1f}",
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=200, help="teams in the cohort")
    parser.add_argument("--window-s", type=float, default=3.0, help="seconds a quota-minute lasts")
    parser.add_argument("--changed", type=float, default=0.05, help="share changed for nightly")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the emulator's data here")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--cohort", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        cohort = Cohort.model_validate_json(args.cohort.read_text())
        print(json.dumps(run_phase(args.phase, cohort, args.url)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        home = args.keep or Path(tmp)
        home.mkdir(parents=True, exist_ok=True)
        figures = run_all(home, args.teams, args.window_s, args.changed)
    if args.json:
        print(json.dumps({"teams": args.teams, "windowS": args.window_s, "runs": figures}))
    else:
        Console(width=150).print(report(args.teams, args.window_s, figures))


def cohort_in(home: Path, n: int) -> tuple[Path, Path]:
    """The cohort's file and the emulator's data as built, in ``home`` (built if not there)."""
    cohort_file, built = home / f"cohort-{n}.json", home / f"cohort-{n}.db"
    if cohort_file.exists():
        console.print(f"Reusing the {n}-team cohort in {home}")
        return cohort_file, built
    console.print(f"Building {n} teams (quota off)…")
    for stale in (built, built.with_name(built.name + "-wal")):
        stale.unlink(missing_ok=True)  # a build that stopped half way: start afresh
    running = start_in_thread(built)
    try:
        cohort = build_cohort(running.url, n)
    finally:
        running.stop()
    cohort_file.write_text(cohort.model_dump_json())
    return cohort_file, built


def run_all(home: Path, n: int, window_s: float, share: float) -> dict[str, dict[str, Any]]:
    cohort_file, built = cohort_in(home, n)
    cohort = Cohort.model_validate_json(cohort_file.read_text())
    work = home / f"run-{n}.db"  # every run starts from the cohort as built: the roll-up cold
    copy_database(built, work)
    running = start_in_thread(work)
    url = running.url
    try:
        set_knobs(url, {"quota_read_per_user": 0, "quota_write_per_user": 0})
        set_knobs(url, {"quota_read_per_project": 0, "quota_write_per_project": 0})
        figures = {"core": in_child("core", cohort_file, url)}
        set_knobs(url, {**GOOGLE_QUOTA, "quota_window_s": window_s})
        for name in PHASES[1:]:
            if name == "nightly roll-up":
                console.print(f"  {change_teams(cohort, url, share)} TLs log a meeting")
            console.print(f"  {name}…")
            figures[name] = measure(name, cohort_file, url, window_s)
        return figures
    finally:
        set_knobs(url, {**dict.fromkeys(GOOGLE_QUOTA, 0)})
        running.stop()


def copy_database(source: Path, target: Path) -> None:
    """SQLite's own backup: what is still in the source's write-ahead log is copied too."""
    for stale in (target, target.with_name(target.name + "-wal")):
        stale.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def set_knobs(url: str, changes: dict[str, Any]) -> None:
    requests.post(f"{url}/_emulator/knobs", json=changes, timeout=10).raise_for_status()


if __name__ == "__main__":
    main()
