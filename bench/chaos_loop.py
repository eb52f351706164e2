"""One run of the whole program on its own fresh emulator, clean or under faults, as a
scheduler runs it: a job that fails outright, or says part of it failed and is retried on
its next run, is run again (and counted). See ``bench.chaos``."""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import requests
from pydantic import Field

from bench.chaos_state import Snapshot, take
from bench.cohort import ADMIN, AS_OF, mistakes, program_settings
from tst_sheets.demo.planted import TeamTyping
from tst_sheets.demo.sample import SampleMember, SampleTeam, sample_teams, team_tab_rows
from tst_sheets.demo.season import write_typing
from tst_sheets.demo.typist import plan_team
from tst_sheets.emulator import start_in_thread
from tst_sheets.errors import TstError
from tst_sheets.jobs.audit import audit
from tst_sheets.jobs.calendar import sync_calendar
from tst_sheets.jobs.collect import collect
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.notify import notify
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.rollup import rollup
from tst_sheets.model import AutoCamel, Finding, Program
from tst_sheets.model.a1 import absolute_range_name
from tst_sheets.templates import load_template
from tst_sheets.workspace import Workspace, connect

T = TypeVar("T")
MAX_RUNS = 6  # a job still failing after this many scheduled runs is a difference
# Findings that say "this part failed; the next run does it": the scheduler runs the job again
RETRIED_NEXT_RUN = frozenset(
    {
        "provision.failed",
        "sharing.failed",
        "sharing.team_tab_unreadable",
        "calendar.write_failed",
        "calendar.tab_not_written",
        "calendar.tab_unreadable",
        "calendar.attendance_not_written",
        "audit.unreadable",
        "audit.team_tab_unreadable",
    }
)
TEAM_TAB = "A3"  # below the template's example row, over the TL row made at creation


class Faults(AutoCamel):
    """The faulty run's knobs: about 10% of requests fail each way, and Google's per-user
    quota on a short window, part of it taken by another job (so 429s come too)."""

    fault_rate: float = 0.10
    lost_answer_rate: float = 0.10
    quota_per_user: int = 60  # Google's per-user reads and writes per minute...
    quota_window_s: float = 3.0  # ...over a window shortened from a minute
    shared: float = 0.25  # the share another job of the same user spends: the service's
    # limiter paces at the quota it was told, and learns the rest from the 429s
    max_attempts: int = 10  # per request, as the service's default; fewer: jobs fail outright

    def knobs(self, seed: int) -> dict[str, Any]:
        return {
            "fault_rate": self.fault_rate,
            "lost_answer_rate": self.lost_answer_rate,
            "quota_read_per_user": self.quota_per_user,
            "quota_write_per_user": self.quota_per_user,
            "quota_window_s": self.quota_window_s,
            "seed": seed,
        }

    def squeezed(self) -> dict[str, Any]:
        left = max(1, round(self.quota_per_user * (1 - self.shared)))
        return {"quota_read_per_user": left, "quota_write_per_user": left}


OFF = {
    "fault_rate": 0.0,
    "lost_answer_rate": 0.0,
    "quota_read_per_user": 0,
    "quota_write_per_user": 0,
}


class RunFigures(AutoCamel):
    """What one run took: requests the emulator saw, what its knobs did, the re-runs."""

    requests: int = 0
    faulted: int = 0
    lost: int = 0
    quota: int = 0
    reruns: Counter[str] = Field(default_factory=Counter)
    gave_up: list[str] = Field(default_factory=list)
    crashes: list[str] = Field(default_factory=list)  # not the job's own error: a traceback
    unreadable: int = 0
    seconds: float = 0.0


class Run:
    """One run of the loop on its own fresh emulator."""

    def __init__(
        self, url: str, program: Program, seed: int, figures: RunFigures, attempts: int = 10
    ) -> None:
        # the retry policy on the bench's time scale, as the quota window is
        self.settings = program_settings(
            url, retry_base_delay_s=0.05, retry_deadline_s=60.0, max_attempts=attempts
        )
        self.url, self.program, self.seed, self.figures = url, program, seed, figures
        self.ws: Workspace | None = None
        self.roster_id = ""
        self.books: dict[str, str] = {}
        self.said: dict[str, list[str]] = {}

    @property
    def service(self) -> Workspace:
        assert self.ws is not None
        return self.ws

    def knobs(self, changes: dict[str, Any]) -> None:
        requests.post(f"{self.url}/_emulator/knobs", json=changes, timeout=5).raise_for_status()

    def stats(self) -> dict[str, Any]:
        reply = requests.get(f"{self.url}/_emulator/stats", timeout=5)
        reply.raise_for_status()
        answer: dict[str, Any] = reply.json()
        return answer

    def scheduled(self, name: str, job: Callable[[], T], failed: Callable[[T], str]) -> T | None:
        """Run ``job``; while it raises or says it failed, run it again (a scheduler's re-run).
        The last answer it gave (None: it never answered), whatever it says."""
        why = ""
        last: T | None = None
        for attempt in range(MAX_RUNS):
            if attempt:
                self.figures.reruns[name] += 1
            try:
                result = job()
            except TstError as error:  # the job's own one line (a 500 from the function)
                why = str(error)[:200]
                continue
            except Exception as error:
                why = f"{type(error).__name__}: {error}"[:200]
                self.figures.crashes.append(f"{name}: {why}")
                continue
            last, why = result, failed(result)
            if not why:
                return result
        self.figures.gave_up.append(f"{name}: {why}")
        return last


def retried(findings: list[Finding]) -> str:
    return next((f"{f.rule} {f.team}" for f in findings if f.rule in RETRIED_NEXT_RUN), "")


def never(_: object) -> str:
    return ""


def bench_sample(program: Program, i: int) -> SampleTeam:
    """Team ``i`` of the bench program as a sample team: its own members, its own addresses."""
    sample = sample_teams()[i % len(sample_teams())]
    team = program.teams[i]
    suffix = team.team_id.lower()
    members = [
        SampleMember.model_validate(
            {**m.model_dump(), "email": m.email.replace("@", f".{suffix}@", 1)}
        )
        for m in sample.members
    ]
    return sample.model_copy(update={"team": team, "members": members})


# --- the loop ----------------------------------------------------------------------------------


def run_loop(run: Run) -> None:
    """init → provision → Team tabs → provision → typing → collect → rollup → calendar →
    notify → audit, each step as the service (or a TL) would run it."""
    ws = run.service
    init = run.scheduled("init", lambda: init_roster(ws, program=run.program), never)
    if init is None:
        return
    run.roster_id = init.roster_spreadsheet_id
    run_provision(run)
    tls_list_their_teams(run)
    run_provision(run)
    tls_type_a_season(run)
    jobs(run)


def run_provision(run: Run) -> None:
    result = run.scheduled(
        "provision",
        lambda: provision(run.service, run.roster_id),
        lambda r: r.stopped or retried(r.findings),
    )
    if result is not None:
        refs = [*result.created, *result.existing]
        run.books.update({ref.team_id: ref.spreadsheet_id for ref in refs})


def tls_list_their_teams(run: Run) -> None:
    """Each TL lists their Impact Team on their own Team tab (1 write each, as the TL)."""
    for i, team in enumerate(run.program.teams):
        book = run.books.get(team.team_id)
        if not book:
            continue
        rows = team_tab_rows(bench_sample(run.program, i))
        tl = connect(run.settings, team.tl_email)
        run.scheduled("TLs list their teams", lists(tl, book, rows), never)


def tls_type_a_season(run: Run) -> None:
    """Each TL types a season up to ``AS_OF`` (the seed decides what), with the usual mistakes."""
    template = load_template("team_workbook", run.settings.templates_dir)
    for i, team in enumerate(run.program.teams):
        book = run.books.get(team.team_id)
        if not book:
            continue
        sample = bench_sample(run.program, i)
        typing = plan_team(
            sample, run.program, AS_OF, mistakes(i), template=template, seed=run.seed
        )
        tl = connect(run.settings, team.tl_email)
        run.scheduled("TLs type a season", types(tl, book, typing), never)


def lists(tl: Workspace, book: str, rows: list[list[str]]) -> Callable[[], object]:
    """As the TL types it (USER_ENTERED, as the Sheets UI does)."""
    a1 = absolute_range_name("Team", TEAM_TAB)
    return lambda: tl.sheets.values_update(book, a1, rows, raw=False)


def types(tl: Workspace, book: str, typing: TeamTyping) -> Callable[[], object]:
    return lambda: write_typing(tl, book, typing)


def jobs(run: Run) -> None:
    ws, roster = run.service, run.roster_id
    collected = run.scheduled(
        "collect",
        lambda: collect(ws, roster, AS_OF),
        lambda r: f"{len(r.unreadable)} Unreadable" if r.unreadable else "",
    )
    rolled = run.scheduled(
        "rollup",
        lambda: rollup(ws, roster, AS_OF),
        lambda r: r.stopped or (f"{len(r.unreadable)} Unreadable" if r.unreadable else ""),
    )
    synced = run.scheduled(
        "calendar",
        lambda: sync_calendar(ws, roster),
        lambda r: r.stopped or retried(r.findings),
    )
    sent = run.scheduled("notify", lambda: notify(ws, roster, AS_OF), never)
    audited = run.scheduled("audit", lambda: audit(ws, roster), lambda r: retried(r.findings))
    run.figures.unreadable = len(rolled.unreadable) if rolled else -1
    run.said = {
        "findings (collect)": [line(f) for f in collected.findings] if collected else ["failed"],
        "findings (rollup)": [line(f) for f in rolled.findings] if rolled else ["failed"],
        "findings (calendar)": [line(f) for f in synced.findings] if synced else ["failed"],
        "emails (notify)": (
            sorted(f"{m.to} {m.state} {m.subject}" for m in sent.messages) if sent else ["failed"]
        ),
        "audit": (
            [
                f"ok={audited.ok}",
                *sorted(f"{a.file_id} {a.who} {a.role}" for a in audited.unexplained),
            ]
            if audited
            else ["failed"]
        ),
    }


def line(f: Finding) -> str:
    return " | ".join(
        str(x) for x in (f.team, f.rule, f.severity, f.tab, f.cell, f.found, f.expected, f.link)
    )


def one_run(
    program: Program,
    seed: int,
    faults: Faults | None,
    after: Callable[[Run], None] | None = None,
) -> tuple[RunFigures, Snapshot]:
    """The whole loop on a fresh emulator (with ``faults``, or clean), then its end state
    (``after``: something done once the loop is over, e.g. a test's own damage)."""
    figures = RunFigures()
    with tempfile.TemporaryDirectory() as tmp:
        running = start_in_thread(Path(tmp) / "chaos.db")
        try:
            attempts = faults.max_attempts if faults else Faults().max_attempts
            run = Run(running.url, program, seed, figures, attempts)
            if faults is not None:
                run.knobs(faults.knobs(seed))
            requests.delete(f"{running.url}/_emulator/stats", timeout=5).raise_for_status()
            run.ws = connect(run.settings)  # paced by the quota the emulator says it has
            if faults is not None:
                run.knobs(faults.squeezed())
            started = time.perf_counter()
            run_loop(run)
            figures.seconds = time.perf_counter() - started
            stats = run.stats()
            figures.requests = int(stats["total"])
            figures.faulted = int(stats["knobs"]["faulted"])
            figures.lost = int(stats["knobs"]["lost"])
            figures.quota = int(stats["knobs"]["quota"])
            run.knobs(OFF)
            if after is not None:
                after(run)
            staff = connect(run.settings, ADMIN)
            drive_id = run.settings.drive_folder or ""
            snap = take(staff, drive_id, run.said)
        finally:
            running.stop()
    return figures, snap
