"""The commands of the program's year: ``applications`` (each application against the
program's rules) and ``rollover`` (the next school year's roster, last year's files archived)."""

from __future__ import annotations

from typing import Annotated

import typer

from tst_sheets.cli.app import (
    DryRunOption,
    JsonOption,
    RosterOption,
    app,
    console,
    print_json,
    reported,
)
from tst_sheets.config import Settings
from tst_sheets.workspace import connect


@app.command("applications")
def applications_command(roster: RosterOption = None, as_json: JsonOption = False) -> None:
    """Check every application on the roster's Applications tab against the program's rules
    (sheet_templates/applications.yaml): each finding names its cell. Set Decision to
    Accepted and the next `provision` adds the team."""
    from tst_sheets.cli.render.applications import render_applications
    from tst_sheets.jobs.applications import check_roster_applications

    with reported():
        result = check_roster_applications(connect(Settings.load()), roster)
    if as_json:
        print_json(result.model_dump(by_alias=True, mode="json"))
    else:
        render_applications(console, result)


@app.command("rollover")
def rollover_command(
    to: Annotated[str, typer.Option("--to", help="The new school year, e.g. 2027-28.")],
    roster: RosterOption = None,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
) -> None:
    """Start the next school year: a new roster (its events re-dated, continuing teams as
    their next program year), last year's workbooks archived read-only, last year's roll-up
    frozen, and the continuing teams provisioned. Safe to run again: it finishes what a
    stopped run left and otherwise changes nothing."""
    from tst_sheets.cli.render.rollover import render_rollover
    from tst_sheets.jobs.rollover import rollover

    with reported():
        result = rollover(connect(Settings.load()), to, roster, dry_run=dry_run)
    if as_json:
        print_json(result.model_dump(by_alias=True, mode="json"))
    else:
        render_rollover(console, result)
