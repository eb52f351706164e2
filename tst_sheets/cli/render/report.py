"""What ``report`` prints by default: the report's address, the program at a glance, each
team's goal against its target, and the commitments kept."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from tst_sheets.cli.render.common import calls_text
from tst_sheets.jobs.report import ReportResult
from tst_sheets.model import GoalProgress
from tst_sheets.templates.cells import Percent, Value


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole}" + (f" ({part / whole:.0%})" if whole else "")


def _value(value: float | None, goal: GoalProgress) -> str:
    return "—" if value is None else f"{value:g}{goal.unit}"


def render_report(console: Console, result: ReportResult) -> None:
    verb = "written" if result.created else "rewritten"
    console.print(f"[bold]{result.title}[/] {verb}: {result.url}")
    console.print(f"Read-only for program staff: {', '.join(result.shared_with) or 'nobody'}")
    figures = result.program
    console.print(
        f"{figures.teams} teams: {_share(figures.with_target, figures.teams)} with a SMART "
        f"target, {_share(figures.measured, figures.teams)} measured since their baseline, "
        f"{_share(figures.on_pace, figures.teams)} on pace, {_share(figures.met, figures.teams)} "
        "met their target."
    )
    goals = Table(title=f"SMART goals as of {result.as_of}")
    for column in ("Team", "Baseline", "Mid-year", "End of year", "Target", "Progress", "Note"):
        goals.add_column(column, overflow="fold")
    for team in result.teams:
        g = team.goal
        progress = "" if g.progress is None else f"{g.progress:.0%}"
        goals.add_row(
            f"{team.team_id} {team.school}",
            _value(g.baseline, g),
            _value(g.mid_year, g),
            _value(g.end_of_year, g),
            _value(g.target, g),
            progress,
            g.note,
        )
    console.print(goals)
    kept = Table(title="Commitments kept, school year to date")
    for column in ("Commitment", "Held", "Expected", "Completion", "Teams on track"):
        kept.add_column(column)
    for item in figures.completion:
        completion = "" if item.completion is None else f"{item.completion:.0%}"
        kept.add_row(
            item.label,
            str(item.held),
            str(item.expected),
            completion,
            f"{item.teams_on_track} of {item.teams}",
        )
    console.print(kept)
    if result.year_rows:
        _years(console, result.year_rows)
    console.print(f"API calls: {calls_text(result.calls)}")


def _years(console: Console, rows: list[list[Value]]) -> None:
    """The same rows as the report's own section: title, headers, one row per measure."""
    table = Table(title=str(rows[0][0]))
    for header in rows[1]:
        table.add_column(str(header))
    for row in rows[2:]:
        table.add_row(*(_text(v) for v in row))
    console.print(table)


def _text(value: Value) -> str:
    if isinstance(value, Percent):
        return f"{value.value:.0%}"
    return "" if value is None else str(value)
