"""What ``doctor`` prints: a checklist, ✓ or ✗, and for each ✗ the fix in one sentence."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from tst_sheets.jobs.doctor import DoctorResult


def render_doctor(console: Console, result: DoctorResult) -> None:
    table = Table(title="tst-sheets doctor", show_lines=False)
    for column in ("", "Check", "Found", "Fix"):
        table.add_column(column, overflow="fold")
    for check in result.checks:
        mark = "[green]✓[/]" if check.ok else "[red]✗[/]"
        table.add_row(mark, check.id.replace("_", " "), check.detail, check.fix)
    console.print(table)
    failed = [c for c in result.checks if not c.ok]
    if failed:
        console.print(f"[red]{len(failed)} check(s) failed.[/] Fix them in order, then run again.")
    else:
        console.print("[green]All checks pass:[/] ready for `tst-sheets provision`.")
