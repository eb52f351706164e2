"""What every command's terminal output shares: the styles of statuses and severities, the API
calls line, where a finding is, and a progress bar the jobs' callbacks advance."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from tst_sheets.model import Finding

STATUS_STYLE = {
    "Behind": "red",
    "Unreadable": "bright_black",
    "At risk": "yellow",
    "On track": "green",
}
SEVERITY_STYLE = {
    "error": "bold red",
    "overdue": "red",
    "due_soon": "yellow",
    "warning": "dark_orange",
    "info": "bright_black",
}
Step = Callable[[int, int, str], None]


def calls_text(calls: dict[str, dict[str, int]]) -> str:
    """ "sheets: 13 read / 0 write  drive: 1 read / 0 write  calendar: …"."""
    return "  ".join(
        f"{api}: {c.get('read', 0)} read / {c.get('write', 0)} write" for api, c in calls.items()
    )


def finding_line(finding: Finding) -> str:
    """ "overdue Meetings!A9: 0 meetings in October 2026" (what is missing when nothing is)."""
    style = SEVERITY_STYLE.get(finding.severity, "")
    said = finding.found or f"missing {finding.expected}"
    return f"[{style}]{finding.severity}[/] [bold]{finding.where or finding.rule}[/]: {said}"


@contextmanager
def team_progress(console: Console, what: str) -> Iterator[Step]:
    """A transient bar, one team at a time; yields the job's ``progress`` callback. Output
    that is not a terminal (a pipe, a log) gets no bar at all."""
    if not console.is_terminal:
        yield lambda done, total, team_id: None
        return
    bar = Progress(
        TextColumn(f"{what} {{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    )
    with bar:
        task = bar.add_task("", total=None)

        def step(done: int, total: int, team_id: str) -> None:
            bar.update(task, completed=done, total=total, description=team_id)

        yield step
