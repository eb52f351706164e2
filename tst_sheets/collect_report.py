"""What ``collect`` prints by default: a progress bar while reading, then teams by status with
their top findings, each at its tab and cell."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from tst_sheets.jobs.collect import CollectResult
from tst_sheets.model import Finding, TeamStatus

STATUS_ORDER = ("Unreadable", "Behind", "At risk", "On track")
STATUS_STYLE = {"Behind": "red", "Unreadable": "bright_black", "At risk": "yellow",
                "On track": "green"}  # fmt: skip
SEVERITY_STYLE = {"error": "bold red", "overdue": "red", "due_soon": "yellow",
                  "warning": "dark_orange", "info": "bright_black"}  # fmt: skip


@contextmanager
def read_progress(console: Console) -> Iterator[Progress]:
    """A transient bar the job's ``progress`` callback advances, one team at a time."""
    bar = Progress(
        TextColumn("Reading team workbooks {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    )
    with bar:
        bar.add_task("", total=None)
        yield bar


def where(finding: Finding) -> str:
    """ "Meetings!A9", "Sprints" (a whole tab), or "" (the workbook itself)."""
    if finding.tab and finding.cell:
        return f"{finding.tab}!{finding.cell}"
    return finding.tab or ""


def _finding_line(finding: Finding) -> str:
    """ "overdue Meetings!A9: 0 meetings in October 2026" (what is missing when nothing is)."""
    style = SEVERITY_STYLE.get(finding.severity, "")
    place = where(finding)
    said = finding.found or f"missing {finding.expected}"
    return f"[{style}]{finding.severity}[/] [bold]{place or finding.rule}[/]: {said}"


def _sorted(teams: list[TeamStatus]) -> list[TeamStatus]:
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(teams, key=lambda t: (rank.get(t.overall, len(rank)), t.team_id))


def render_collect(console: Console, result: CollectResult, top: int = 3) -> None:
    """Teams by status (worst first), each with its ``top`` findings above info."""
    table = Table(title=f"Teams as of {result.as_of:%b %d, %Y}")
    table.add_column("Team", overflow="fold", max_width=28)
    table.add_column("Status", no_wrap=True)
    table.add_column("Top findings (tab!cell)", overflow="fold")
    for team in _sorted(result.teams):
        shown = [f for f in team.top_findings(top) if f.severity != "info"]
        style = STATUS_STYLE.get(team.overall, "")
        table.add_row(
            f"{team.team_id} {team.school}\n[bright_black]{team.tl_name}[/]",
            f"[{style}]{team.overall}[/]",
            "\n".join(_finding_line(f) for f in shown) or "[green]nothing to fix[/]",
        )
    console.print(table)
    counts = {s: sum(1 for t in result.teams if t.overall == s) for s in STATUS_ORDER}
    console.print(
        f"{len(result.teams)} teams: "
        + ", ".join(f"{status} {n}" for status, n in counts.items() if n)
    )
    for item in result.unreadable:
        console.print(f"[bright_black]Unreadable[/] {item.team}: {item.reason}")
    sheets = result.calls.get("sheets", {})
    console.print(
        f"API calls: Sheets {sheets.get('read', 0)} read / {sheets.get('write', 0)} write, "
        f"Drive {result.calls.get('drive', {}).get('read', 0)} read"
    )
