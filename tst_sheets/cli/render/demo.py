"""How the demo looks in a terminal: a progress bar per step, then one rich summary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tst_sheets.cli.render.calendar import render_agendas
from tst_sheets.cli.render.common import SEVERITY_STYLE, STATUS_STYLE
from tst_sheets.demo.run import STEPS, DemoSummary

UPCOMING = 6  # events shown per person's calendar


@contextmanager
def step_progress(console: Console) -> Iterator[Any]:
    """Yields ``on_step(name)``: advances one bar over the demo's steps."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Starting", total=len(STEPS))
        seen: list[str] = []

        def on_step(name: str) -> None:
            if seen:
                progress.advance(task)
            seen.append(name)
            progress.update(task, description=name)

        yield on_step
        progress.advance(task)


def render(console: Console, summary: DemoSummary, serving: bool = False) -> None:
    console.print(_steps_table(summary))
    console.print(_status_table(summary))
    console.print(_findings_table(summary))
    _agendas(console, summary)
    _emails(console, summary)
    _audit(console, summary)
    inbox = summary.emails.get("inboxViewerUrl", "")
    console.print(
        Panel.fit(
            f"[bold]Open the coach roll-up:[/] {summary.viewer_url}\n"
            f"Its Google Sheets address would be {summary.rollup_url}\n"
            f"[bold]The Impact Report:[/] {summary.report_viewer_url}\n"
            + (f"[bold]A TL's weekly email:[/] {inbox}\n" if inbox else "")
            + f"{summary.teams} teams as of {summary.as_of}, in {summary.seconds:.1f} s"
            + ("" if serving else "\n[dim]Add --serve to keep the emulator and viewer up."),
            title="Where to look",
        )
    )


APIS = ("sheets", "drive", "calendar", "gmail")


def _calls(calls: dict[str, dict[str, int]]) -> list[str]:
    return [
        f"{calls.get(api, {}).get('read', 0)}/{calls.get(api, {}).get('write', 0)}" for api in APIS
    ]


def _steps_table(summary: DemoSummary) -> Table:
    table = Table(title="Steps (API calls read/write)")
    for column in ("step", *APIS, "seconds"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for step in summary.steps:
        table.add_row(step.name, *_calls(step.calls), f"{step.seconds:.2f}")
    total = summary.calls.get("total", {})
    table.add_row("[bold]total", *_calls(total), f"{summary.seconds:.1f}")
    return table


def _status_table(summary: DemoSummary) -> Table:
    """Each team's status and why, the teams needing attention first."""
    counts = ", ".join(f"{s} {n}" for s, n in summary.by_status.items() if n)
    table = Table(title=f"Teams by status ({counts})")
    for column in ("team", "status", "why"):
        table.add_column(column, overflow="fold")
    rank = {status: i for i, status in enumerate(STATUS_STYLE)}
    for team in sorted(summary.statuses, key=lambda t: (rank.get(t["status"], 9), t["teamId"])):
        style = STATUS_STYLE.get(team["status"], "")
        table.add_row(team["teamId"], f"[{style}]{team['status']}", team["why"]["text"])
    return table


def _findings_table(summary: DemoSummary, top: int = 12) -> Table:
    """The most severe findings; notes (info) are left to the roll-up."""
    serious = [f for f in summary.findings if f["severity"] != "info"]
    notes = len(summary.findings) - len(serious)
    table = Table(title=f"Top findings ({len(serious)} to act on, {notes} notes)")
    for column in ("team", "severity", "tab", "cell", "found", "expected"):
        table.add_column(column, overflow="fold")
    for finding in serious[:top]:
        severity = str(finding["severity"])
        table.add_row(
            str(finding["team"]),
            f"[{SEVERITY_STYLE[severity]}]{severity}",
            str(finding.get("tab") or ""),
            str(finding.get("cell") or ""),
            str(finding.get("found") or ""),
            str(finding.get("expected") or ""),
        )
    return table


def _emails(console: Console, summary: DemoSummary) -> None:
    """How many weekly emails went to whom."""
    emails = summary.emails
    if not emails:
        return
    counts = ", ".join(f"{n} {role}" for role, n in emails["byRole"].items() if n)
    table = Table(title=f"The weekly email: {len(emails['messages'])} messages ({counts})")
    for column in ("to", "as", "subject", "items"):
        table.add_column(column, overflow="fold")
    for message in emails["messages"]:
        roles = ", ".join(message["roles"])
        table.add_row(message["to"], roles, message["subject"], str(message["items"]))
    console.print(table)
    opted = ", ".join(emails["optedOut"]) or "nobody"
    console.print(
        f"Nothing to say this week: {emails['quiet']} people; opted out: {opted}", highlight=False
    )


def _audit(console: Console, summary: DemoSummary) -> None:
    """The access audit: one line when the roster explains every permission, else a table of
    each permission it does not."""
    done = summary.audit
    if not done:
        return
    unexplained = done["unexplained"]
    if not unexplained:
        mark = "[green]✓[/]" if done["ok"] else "[yellow]![/]"
        console.print(
            f"{mark} Audit: all {done['permissions']} permissions on {done['files']} program "
            "files (roster, roll-up, workbooks, drive, calendar) are explained by the roster "
            "(`tst-sheets audit`).",
            highlight=False,
        )
    else:
        n = len(unexplained)
        noun = "permission" if n == 1 else "permissions"
        table = Table(title=f"Audit: {n} {noun} the roster does not explain")
        for column in ("file", "who", "role", "why"):
            table.add_column(column, overflow="fold")
        for access in unexplained:
            table.add_row(access["file"], access["who"], access["role"], access["reason"])
        console.print(table)
    if done["findings"]:
        console.print(f"Audit findings: {done['findings']} (`tst-sheets audit` lists them).")


def _agendas(console: Console, summary: DemoSummary) -> None:
    render_agendas(
        console, {email: _shortlist(rows, summary) for email, rows in summary.agendas.items()}
    )


def _shortlist(rows: list[dict[str, str]], summary: DemoSummary) -> list[dict[str, str]]:
    """A short calendar in full; a long one from the as-of date on."""
    if len(rows) <= UPCOMING + 2:
        return rows
    return [row for row in rows if row["when"][:10] >= str(summary.as_of)][:UPCOMING]
