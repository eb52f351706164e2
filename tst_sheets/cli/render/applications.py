"""What ``applications`` prints by default: each application, eligible or not, and each
finding with its cell."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from tst_sheets.cli.render.common import calls_text, finding_line
from tst_sheets.jobs.applications import ApplicationsResult


def render_applications(console: Console, result: ApplicationsResult) -> None:
    console.print(
        f"Applications on the {result.school_year} roster (deadline {result.deadline}): "
        f"{result.roster_url}"
    )
    table = Table()
    for column in ("Row", "School", "TL", "For", "Members", "Decision", "Eligible", "Team"):
        table.add_column(column)
    for app in result.applications:
        table.add_row(
            str(app.row),
            app.school,
            app.tl_name,
            app.school_year,
            str(app.members_named),
            app.decision,
            "[green]yes[/]" if app.eligible else "[red]no[/]",
            app.team_id,
        )
    console.print(table if result.applications else "No applications yet.")
    for finding in [f for a in result.applications for f in a.findings] + result.findings:
        console.print(f"  {finding_line(finding)} (expected {finding.expected})")
    console.print(f"API calls: {calls_text(result.calls)}")
