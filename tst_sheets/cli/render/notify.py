"""What ``notify`` prints: each message (to whom, as what, its subject and items), who got
nothing and why, the API calls; on a dry run, every message's text as it would go."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from tst_sheets.cli.render.common import calls_text
from tst_sheets.jobs.notify import NotifyResult

SHOWN = 8  # people named per line; --json lists them all
STATE_STYLE = {"sent": "green", "found sent": "green", "would send": "cyan", "refused": "red"}


def render_notify(console: Console, result: NotifyResult) -> None:
    if result.dry_run:
        for message in result.messages:
            title = f"To {message.to}: {message.subject}"
            console.print(Panel(message.text.rstrip(), title=title, title_align="left"))
    table = Table(title=f"Weekly email, {result.week} (as of {result.as_of}), from {result.sender}")
    for column in ("to", "as", "subject", "items", "state"):
        table.add_column(column, overflow="fold")
    for message in result.messages:
        style = STATE_STYLE.get(message.state, "")
        state = f"[{style}]{message.state}[/]" + (f": {message.reason}" if message.reason else "")
        roles = ", ".join(message.roles)
        table.add_row(message.to, roles, message.subject, str(message.items), state)
    if result.messages:
        console.print(table)
    verb = "would go" if result.dry_run else "sent"
    counts = ", ".join(f"{n} {role}" for role, n in result.by_role.items() if n) or "none"
    console.print(f"{len(result.messages)} message(s) {verb}: {counts}")
    for label, people in (
        ("Already sent this week", result.already_sent),
        ("Nothing to say this week", result.quiet),
        ("Opted out (roster: Digest Opt-outs)", result.opted_out),
    ):
        if people:
            shown = ", ".join(people[:SHOWN]) + (", …" if len(people) > SHOWN else "")
            console.print(f"{label}: {len(people)} ({shown})", highlight=False)
    if result.note:
        console.print(f"[yellow]{result.note}")
    console.print(f"API calls: {calls_text(result.calls)}")
