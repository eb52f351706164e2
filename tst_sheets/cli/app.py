"""The ``tst-sheets`` typer app and what its commands share: options, JSON output, one-line
errors (exit 2) for whatever a person can fix, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console

from tst_sheets.errors import TstError

app = typer.Typer(
    help="TST Sheets: a teacher-leadership program on Google Sheets, Drive and Calendar.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

# Options several commands share.
RosterOption = Annotated[
    str | None, typer.Option(help="Roster spreadsheet id (default: TST_ROSTER_ID).")
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Evaluate as of YYYY-MM-DD (default: today).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Plan only; write nothing.")]
AllowMassChangeOption = Annotated[
    bool,
    typer.Option(
        "--allow-mass-change",
        help="Go on even if the run removes more than a quarter of what exists.",
    ),
]


@app.callback()
def main() -> None:
    """TST Sheets: provision team workbooks, check commitments, roll up, sync calendars."""


def print_json(data: Any) -> None:
    """Machine-readable output: plain JSON on stdout, nothing else."""
    typer.echo(json.dumps(data, indent=2, default=str))


def as_of_date(as_of: str | None) -> date | None:
    """``--as-of`` as a date (None: the settings' date, else today); exit 2 if malformed."""
    try:
        return date.fromisoformat(as_of) if as_of else None
    except ValueError as error:
        err_console.print(f"--as-of: expected YYYY-MM-DD, got {as_of!r}")
        raise typer.Exit(2) from error


def exit_if_stopped(stopped: str) -> None:
    """A run the mass-change guard stopped: its plan was shown; say why, exit 1."""
    if stopped:
        err_console.print(stopped, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)


@contextmanager
def reported() -> Iterator[None]:
    """A problem a person can fix is one line on stderr and exit 2, never a traceback."""
    try:
        yield
    except TstError as error:
        err_console.print(str(error), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from error
