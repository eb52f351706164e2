"""What ``collect`` prints by default: teams by status, each with its top findings (tab!cell)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from tst_sheets.cli.render.common import STATUS_STYLE, calls_text, finding_line
from tst_sheets.jobs.collect import CollectResult
from tst_sheets.model import STATUS_ORDER, TeamStatus

# The terminal lists the teams a coach cannot see into first.
ORDER = ("Unreadable", *(s for s in STATUS_ORDER if s != "Unreadable"))


def _sorted(teams: list[TeamStatus]) -> list[TeamStatus]:
    rank = {s: i for i, s in enumerate(ORDER)}
    return sorted(teams, key=lambda t: (rank.get(t.overall, len(rank)), t.team_id))


def render_collect(console: Console, result: CollectResult, top: int = 3) -> None:
    """Teams by status (worst first), each with its ``top`` findings above info."""
    table = Table(title=f"Teams as of {result.as_of:%b %d, %Y}")
    table.add_column("Team", overflow="fold", max_width=28)
    table.add_column("Status", no_wrap=True)
    table.add_column("Why, then the top findings (tab!cell)", overflow="fold")
    for team in _sorted(result.teams):
        shown = [f for f in team.top_findings(top) if f.severity != "info"]
        style = STATUS_STYLE.get(team.overall, "")
        lines = [f"[bold]{team.why.text}[/]", *(finding_line(f) for f in shown)]
        table.add_row(
            f"{team.team_id} {team.school}\n[bright_black]{team.tl_name}[/]",
            f"[{style}]{team.overall}[/]",
            "\n".join(lines),
        )
    console.print(table)
    counts = {s: sum(1 for t in result.teams if t.overall == s) for s in ORDER}
    console.print(
        f"{len(result.teams)} teams: "
        + ", ".join(f"{status} {n}" for status, n in counts.items() if n)
    )
    for item in result.unreadable:
        console.print(f"[bright_black]Unreadable[/] {item.team}: {item.reason}")
    console.print(f"API calls: {calls_text(result.calls)}")
