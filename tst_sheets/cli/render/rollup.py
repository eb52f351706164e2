"""What ``rollup`` prints by default: the roll-up's address, teams by status, top findings."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from tst_sheets.cli.render.common import SEVERITY_STYLE, STATUS_STYLE, calls_text
from tst_sheets.jobs.rollup import RollupResult


def render_rollup(console: Console, result: RollupResult, top: int = 10) -> None:
    if result.what_if and not result.written:
        console.print(
            f"[bold yellow]What-if as of {result.as_of}:[/] nothing written "
            "(pass --write to write the roll-up and Start Here as of that date)."
        )
    if result.url:
        console.print(f"Roll-up: [bold]{result.url}[/]")
    verb = "written" if result.written else "unchanged (nothing written)"
    if result.what_if and not result.written:
        verb = "not written (a what-if)"
    console.print(
        f"{result.teams} teams: {result.read} workbooks read, {result.reused} reused "
        f"from the last run; roll-up {verb}; Start Here updated for "
        f"{len(result.start_here_written)} team(s)."
    )
    counts = Table(title="Teams by status")
    counts.add_column("Status")
    counts.add_column("Teams", justify="right")
    for status, n in result.by_status.items():
        counts.add_row(f"[{STATUS_STYLE.get(status, '')}]{status}[/]", str(n))
    console.print(counts)
    why = Table(title="Why")
    for column in ("Team", "Status", "Why"):
        why.add_column(column, overflow="fold")
    for team in result.statuses:
        if team.overall != "On track":
            style = STATUS_STYLE.get(team.overall, "")
            why.add_row(team.team_id, f"[{style}]{team.overall}[/]", team.why.text)
    if why.row_count:
        console.print(why)
    if result.findings:
        shown = min(top, len(result.findings))
        table = Table(title=f"Top findings ({shown} of {len(result.findings)})")
        for column in ("Team", "Severity", "Tab", "Cell", "Found", "Expected"):
            table.add_column(column)
        for f in result.findings[:top]:
            style = SEVERITY_STYLE.get(f.severity, "")
            table.add_row(
                f.team, f"[{style}]{f.severity}[/]", f.tab or "", f.cell or "", f.found, f.expected
            )
        console.print(table)
    for item in result.unreadable:
        console.print(f"[bright_black]Unreadable[/] {item.team}: {item.reason}")
    for problem in result.problems:
        console.print(f"[yellow]{problem}[/]")
    console.print(f"API calls: {calls_text(result.calls)}")
