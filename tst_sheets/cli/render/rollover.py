"""What ``rollover`` prints by default: the new roster, the teams carried over, last year's
files archived and who lost edit access, and the workbooks made for the new year."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from tst_sheets.cli.render.common import calls_text, finding_line
from tst_sheets.jobs.rollover import RolloverResult


def render_rollover(console: Console, result: RolloverResult) -> None:
    would = "would be" if result.dry_run else ""
    head = f"Rollover {result.from_year or '?'} → {result.to_year}"
    console.print(f"[bold]{head}[/]" + (" (dry run: nothing written)" if result.dry_run else ""))
    if not result.changed:
        console.print(f"No change: {result.to_year} is rolled over already ({result.roster.url}).")
        console.print(f"API calls: {calls_text(result.calls)}")
        return
    made = f"{would} created" if result.roster.created else "found"
    console.print(
        f"New roster {made}: {result.roster.url or '(new)'} ({result.events} events, "
        f"{len(result.continuing)} continuing teams, {result.applications_carried} "
        "applications carried)"
    )
    if result.continuing:
        table = Table(title="Continuing teams")
        for column in ("Team", "School", "Program year", "Last year's workbook"):
            table.add_column(column)
        for team in result.continuing:
            table.add_row(team.team_id, team.school, str(team.program_year), team.previous_sheet)
        console.print(table)
    for team in result.admitted:
        console.print(f"Accepted application: {team.team_id} {team.school} (program year 1)")
    if result.finishing:
        console.print(f"Finishing (not carried over): {', '.join(result.finishing)}")
    _archived(console, result)
    for ref in result.provisioned:
        console.print(f"New workbook {would or 'made'} for {ref.team_id}: {ref.url}")
    for finding in result.findings:
        console.print(f"  {finding_line(finding)} (expected {finding.expected})")
    console.print(f"API calls: {calls_text(result.calls)}")


def _archived(console: Console, result: RolloverResult) -> None:
    for book in result.frozen:
        console.print(f"Roll-up frozen as [bold]{book.title}[/]: {book.url}")
    if not result.archived:
        return
    table = Table(title="Archived read-only (staff keep edit access)")
    for column in ("File", "Team", "Now read-only for"):
        table.add_column(column)
    for file in result.archived:
        who = ", ".join(d.email for d in file.downgraded)
        table.add_row(file.title or file.id, file.team_id or file.kind, who or "-")
    console.print(table)
