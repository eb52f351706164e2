"""The whole program under faults, against a clean run of the same program: the same end state.

For each seed, a program of N teams (modelled on the sample teams; the seed decides what each
TL types) runs the whole loop twice, on two fresh emulators: init the roster, provision, TLs
list their teams, provision again (sharing with the members), TLs type a season (with the
usual mistakes), collect, roll up, sync the calendar, send the weekly email, audit. Once clean;
once with faults of both kinds — errors (500/503 before the request is applied) and lost
answers (applied, then a 500/503 or a dropped connection) — and a per-user quota on a short
window. A job that fails outright, or reports a failure it retries on its next run (a team
Unreadable, a workbook not provisioned), is run again as a scheduler would; those re-runs are
counted.

Then the two end states are compared: every roll-up tab's cells (time stamps and the About
tab's run figures aside), the findings, the calendar's events (summary, start, end,
attendees), the permissions on every program file, every workbook's tabs (Start Here, Program
Events, and everything the TLs typed), the roster, the weekly emails (one per person) and the
audit. And in the faulty run: no duplicate (two workbooks for one team, two program
calendars, two roll-ups, an unlabelled leftover), no team Unreadable after re-runs.

    python -m bench.chaos [--teams 30] [--seeds 3] [--json]
                          [--fault-rate 0.1] [--lost-rate 0.1] [--max-attempts 10]

Fewer ``--max-attempts`` per request make jobs fail outright, so the re-runs are exercised.

Exit 1 if anything differs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from pydantic import Field
from rich.console import Console
from rich.table import Table

from bench.chaos_loop import Faults, RunFigures, one_run
from bench.chaos_state import Snapshot
from bench.cohort import bench_program
from tst_sheets.model import AutoCamel

# --- one seed: a clean run and a faulty run ----------------------------------------------------


class Difference(AutoCamel):
    artifact: str
    detail: str


class SeedResult(AutoCamel):
    seed: int
    teams: int
    clean: RunFigures
    faulty: RunFigures
    artifacts: int = 0
    identical: int = 0
    keys: list[str] = Field(default_factory=list, description="The artifacts compared")
    differences: list[Difference] = Field(default_factory=list)
    duplicates: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def compare(clean: Snapshot, faulty: Snapshot) -> list[Difference]:
    out = []
    for key in sorted(set(clean.artifacts) | set(faulty.artifacts)):
        a, b = clean.artifacts.get(key), faulty.artifacts.get(key)
        if a != b:
            out.append(Difference(artifact=key, detail=first_difference(a, b)))
    return out


def first_difference(a: Any, b: Any) -> str:
    if a is None or b is None:
        return "only in the clean run" if b is None else "only in the faulty run"
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return f"item {i + 1}: clean {str(x)[:160]!r} / faulty {str(y)[:160]!r}"
        return f"clean has {len(a)} items, faulty {len(b)}"
    return f"clean {str(a)[:160]!r} / faulty {str(b)[:160]!r}"


def one_seed(teams: int, seed: int, faults: Faults) -> SeedResult:
    """The same seed-built program run clean, then under ``faults``, and the two judged."""
    program = bench_program(teams)
    clean = one_run(program, seed, None)
    return judge(teams, seed, clean, one_run(program, seed, faults))


Ran = tuple[RunFigures, Snapshot]


def judge(teams: int, seed: int, clean_run: Ran, faulty_run: Ran) -> SeedResult:
    """Every artifact compared; any duplicate, job given up or team Unreadable is one more
    difference."""
    (clean_figures, clean), (faulty_figures, faulty) = clean_run, faulty_run
    differences = compare(clean, faulty)
    for snap, which in ((clean, "clean"), (faulty, "faulty")):
        differences += [
            Difference(artifact="duplicates", detail=f"{which}: {d}") for d in snap.duplicates
        ]
    for figures, which in ((clean_figures, "clean"), (faulty_figures, "faulty")):
        differences += [
            Difference(artifact="gave up", detail=f"{which}: {g}") for g in figures.gave_up
        ]
        if figures.unreadable:
            differences.append(
                Difference(artifact="unreadable", detail=f"{which}: {figures.unreadable} teams")
            )
    keys = set(clean.artifacts) | set(faulty.artifacts)
    differing = {d.artifact for d in differences}
    return SeedResult(
        seed=seed,
        teams=teams,
        clean=clean_figures,
        faulty=faulty_figures,
        artifacts=len(keys),
        keys=sorted(keys),
        identical=len(keys - differing),
        differences=differences,
        duplicates=faulty.duplicates + clean.duplicates,
    )


# --- the report --------------------------------------------------------------------------------


class Report(AutoCamel):
    """``--json``: the seeds, their figures and differences, and the totals."""

    teams: int
    faults: Faults
    seeds: list[SeedResult]
    totals: dict[str, int]
    ok: bool


def totals(seeds: list[SeedResult]) -> dict[str, int]:
    def add(pick: Callable[[SeedResult], int]) -> int:
        return sum(pick(s) for s in seeds)

    return {
        "requestsClean": add(lambda s: s.clean.requests),
        "requestsFaulty": add(lambda s: s.faulty.requests),
        "faultsInjected": add(lambda s: s.faulty.faulted),
        "lostAnswers": add(lambda s: s.faulty.lost),
        "quota429s": add(lambda s: s.faulty.quota),
        "reruns": add(lambda s: sum(s.faulty.reruns.values()) + sum(s.clean.reruns.values())),
        "errorsEscapingAJob": add(lambda s: len(s.faulty.crashes) + len(s.clean.crashes)),
        "artifactsCompared": add(lambda s: s.artifacts),
        "differences": add(lambda s: len(s.differences)),
        "duplicates": add(lambda s: len(s.duplicates)),
        "unreadableAfterReruns": add(lambda s: max(0, s.faulty.unreadable)),
    }


def seed_table(s: SeedResult) -> Table:
    verdict = "[green]identical[/]" if s.ok else f"[red]{len(s.differences)} differences[/]"
    table = Table(title=f"Seed {s.seed}: {s.teams} teams, clean vs faulty: {verdict}")
    table.add_column("")
    table.add_column("clean", justify="right")
    table.add_column("faulty", justify="right")
    rows: list[tuple[str, Callable[[RunFigures], object]]] = [
        ("requests", lambda f: f.requests),
        ("errors injected (500/503)", lambda f: f.faulted),
        ("answers lost (applied, then 5xx/drop)", lambda f: f.lost),
        ("429s (quota)", lambda f: f.quota),
        ("job re-runs", lambda f: sum(f.reruns.values())),
        ("  of which", lambda f: ", ".join(f"{k} {v}" for k, v in sorted(f.reruns.items())) or "-"),
        ("teams Unreadable after re-runs", lambda f: f.unreadable),
        ("jobs that never succeeded", lambda f: len(f.gave_up)),
        ("errors escaping a job (re-run)", lambda f: len(f.crashes)),
        ("wall time (s)", lambda f: f"{f.seconds:.1f}"),
    ]
    for label, pick in rows:
        table.add_row(label, str(pick(s.clean)), str(pick(s.faulty)))
    table.add_row("artifacts compared", "", str(s.artifacts))
    table.add_row("identical", "", str(s.identical))
    table.add_row("duplicates (both runs)", "", str(len(s.duplicates)))
    return table


def groups(s: SeedResult) -> Table:
    """Per kind of artifact: how many were compared, and whether all were identical."""
    table = Table(title=f"Seed {s.seed}: each artifact, identical?")
    table.add_column("artifact")
    table.add_column("compared", justify="right")
    table.add_column("identical")
    differing = {d.artifact for d in s.differences}
    for name, keys in artifact_groups(s).items():
        same = not differing & set(keys)
        table.add_row(name, str(len(keys)), "[green]yes[/]" if same else "[red]NO[/]")
    return table


def artifact_groups(s: SeedResult) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key in s.keys:
        out.setdefault(group_of(key), []).append(key)
    return out


def group_of(key: str) -> str:
    if key.endswith(" permissions"):
        return "permissions (roster, roll-up, each workbook)"
    if key.startswith("rollup/"):
        return "roll-up cells, every tab"
    if key.startswith("roster/"):
        return "roster cells, every tab"
    if key.startswith("team:"):
        tab = key.split("/", 1)[1]
        if tab in ("Start Here", "Program Events"):
            return f"workbooks: {tab}"
        return "workbooks: what the TLs typed"
    return key


def totals_table(t: dict[str, int]) -> Table:
    table = Table(title="Totals")
    table.add_column("")
    table.add_column("", justify="right")
    for key, value in t.items():
        table.add_row(key, str(value))
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=30, help="teams in the program")
    parser.add_argument(
        "--seeds", type=int, default=3, help="seeds 1..N, each a clean and a faulty run"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--fault-rate", type=float, default=0.10, help="500/503 before a request")
    parser.add_argument("--lost-rate", type=float, default=0.10, help="answers lost after one")
    parser.add_argument(
        "--max-attempts", type=int, default=10, help="tries per request (fewer: jobs fail)"
    )
    args = parser.parse_args(argv)
    faults = Faults(
        fault_rate=args.fault_rate,
        lost_answer_rate=args.lost_rate,
        max_attempts=args.max_attempts,
    )
    console = Console(width=120, stderr=args.json)
    results = []
    for seed in range(1, args.seeds + 1):
        console.print(f"Seed {seed}: {args.teams} teams, a clean run, then a faulty run…")
        result = one_seed(args.teams, seed, faults)
        results.append(result)
        if not args.json:
            print_seed(console, result)
    t = totals(results)
    report = Report(
        teams=args.teams, faults=faults, seeds=results, totals=t, ok=not t["differences"]
    )
    if args.json:
        print(report.model_dump_json(indent=2, by_alias=True))
    else:
        console.print(totals_table(t))
    return 0 if report.ok else 1


def print_seed(console: Console, s: SeedResult) -> None:
    console.print(seed_table(s))
    console.print(groups(s))
    for d in s.differences:
        console.print(f"  [red]✗[/] {d.artifact}: {d.detail}")
    for crash in s.clean.crashes + s.faulty.crashes:
        console.print(f"  [yellow]![/] escaped a job, then re-run: {crash}")


if __name__ == "__main__":
    sys.exit(main())
