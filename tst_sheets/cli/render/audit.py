"""What ``audit`` prints: each file's explained and unexplained access, every unexplained
permission with why (and whether the service may remove it), what ``--fix`` removed and what
it left, and why."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from tst_sheets.access.models import Access
from tst_sheets.cli.render.common import calls_text, finding_line
from tst_sheets.jobs.audit import BLOCKING, AuditResult


def render_audit(console: Console, result: AuditResult) -> None:
    files = Table(title="Access audit")
    for column in ("File", "Explained", "Unexplained", "Link"):
        files.add_column(column, overflow="fold")
    for f in result.files:
        bad = f"[red]{f.unexplained}[/]" if f.unexplained else "0"
        if f.error:
            bad = "[red]unreadable[/]"
        files.add_row(f.name, str(f.explained), bad, f.url)
    console.print(files)
    if result.fixed:
        _accesses(console, "Removed", result.removed, "Why")
        _accesses(console, "Not removed", result.not_removed, "Why it stays")
    _accesses(console, "Unexplained access", result.unexplained, "Why")
    for finding in result.findings:
        console.print(finding_line(finding))
    console.print(_verdict(result))
    console.print(f"API calls: {calls_text(result.calls)}")


def _verdict(result: AuditResult) -> str:
    """The last line: all explained, or what is left and what to do about it."""
    if result.ok:
        return "[green]Every permission is explained by the roster.[/]"
    parts: list[str] = []
    if result.unexplained:
        removable = sum(a.removable for a in result.unexplained)
        said = f"[red]{len(result.unexplained)} unexplained[/]"
        if removable and not result.fixed:
            said += f" ({removable} the service may remove: `tst-sheets audit --fix`)"
        elif not removable:
            said += " (the service may not remove them: see why above)"
        parts.append(said)
    unchecked = [f for f in result.findings if f.severity in BLOCKING]
    if unchecked:
        parts.append(f"[red]{len(unchecked)} not checked[/] (the findings above)")
    return "; ".join(parts) + "."


def _accesses(console: Console, title: str, rows: list[Access], why: str) -> None:
    if not rows:
        return
    table = Table(title=f"{title} ({len(rows)})")
    for column in ("File", "Who", "Role", why):
        table.add_column(column, overflow="fold")
    for a in rows:
        said = a.kept_because if title == "Not removed" else a.reason
        table.add_row(a.file, a.who, a.role, said)
    console.print(table)
