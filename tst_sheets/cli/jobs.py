"""The commands that run the service's jobs against the configured target (``TST_TARGET``):
init, provision, collect, rollup, report, calendar, export-ics, audit and notify. Each prints a rich
summary, or with ``--json`` the job's result, the API calls it made included."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from tst_sheets.cli.app import (
    AllowMassChangeOption,
    AsOfOption,
    DryRunOption,
    JsonOption,
    RosterOption,
    app,
    as_of_date,
    console,
    err_console,
    exit_if_stopped,
    print_json,
    reported,
)
from tst_sheets.cli.render.common import team_progress
from tst_sheets.config import Settings
from tst_sheets.workspace import Workspace, connect


def _workspace() -> Workspace:
    return connect(Settings.load())


@app.command("init")
def init_command(
    program: Annotated[
        str | None, typer.Option(help="Program name (default: TST_PROGRAM, else TST).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create the program roster (or find it by its Drive labels), pre-filled with the school
    year's events. On the local emulator it also holds the sample program's coaches and teams."""
    from tst_sheets.cli.render.provision import render_init
    from tst_sheets.jobs.init import init_roster

    with reported():
        ws = _workspace()
        sample = None
        if ws.settings.target == "local":  # something to provision, without a Google account
            from tst_sheets.demo.sample import sample_program

            sample = sample_program(program or ws.settings.program, ws.settings.templates_dir)
        result = init_roster(ws, program, sample)
    if as_json:
        print_json(result.model_dump(by_alias=True, mode="json"))
    else:
        render_init(console, result)


@app.command("provision")
def provision_command(
    roster: RosterOption = None,
    dry_run: DryRunOption = False,
    allow_mass_change: AllowMassChangeOption = False,
    as_json: JsonOption = False,
) -> None:
    """Create, upgrade and share one workbook per Active team; report who got access."""
    from tst_sheets.cli.render.provision import render_provision
    from tst_sheets.jobs.provision import provision

    allowed = allow_mass_change
    with reported():
        ws = _workspace()
        if as_json:
            result = provision(ws, roster, dry_run=dry_run, allow_mass_change=allowed)
            print_json(result.model_dump(by_alias=True, mode="json"))
        else:
            with team_progress(console, "Provisioning") as step:
                result = provision(
                    ws, roster, dry_run=dry_run, progress=step, allow_mass_change=allowed
                )
    if not as_json:
        render_provision(console, result)
    exit_if_stopped(result.stopped)


@app.command("collect")
def collect_command(
    roster: RosterOption = None, as_of: AsOfOption = None, as_json: JsonOption = False
) -> None:
    """Read every Active team's workbook (one read each) and check it against the commitments."""
    from tst_sheets.cli.render.collect import render_collect
    from tst_sheets.jobs.collect import collect

    day = as_of_date(as_of)
    with reported():
        ws = _workspace()
        if as_json:
            print_json(collect(ws, roster, day).model_dump(by_alias=True, mode="json"))
            return
        with team_progress(console, "Reading team workbooks") as step:
            result = collect(ws, roster, day, progress=step)
    render_collect(console, result)


@app.command("rollup")
def rollup_command(
    roster: RosterOption = None,
    as_of: AsOfOption = None,
    full: Annotated[bool, typer.Option("--full", help="Read every workbook (a cold run).")] = False,
    write: Annotated[
        bool,
        typer.Option(
            "--write", help="Write the roll-up even as of a date other than today (a what-if)."
        ),
    ] = False,
    allow_mass_change: AllowMassChangeOption = False,
    as_json: JsonOption = False,
) -> None:
    """Write the coach roll-up: read what changed, check every team, update the roll-up.

    As of any date other than today it is a what-if: it prints what the roll-up would say and
    writes nothing, unless --write."""
    from tst_sheets.cli.render.rollup import render_rollup
    from tst_sheets.jobs.rollup import rollup

    day = as_of_date(as_of)
    run = partial(rollup, full=full, write=True if write else None)
    with reported():
        ws = _workspace()
        if as_json:
            result = run(ws, roster, day, allow_mass_change=allow_mass_change)
            print_json(result.model_dump(by_alias=True, mode="json"))
        else:
            with team_progress(console, "Reading team workbooks") as step:
                result = run(ws, roster, day, progress=step, allow_mass_change=allow_mass_change)
    if not as_json:
        render_rollup(console, result)
    exit_if_stopped(result.stopped)


@app.command("report")
def report_command(
    roster: RosterOption = None, as_of: AsOfOption = None, as_json: JsonOption = False
) -> None:
    """Write the dated, read-only Impact Report for the program's board and funders: each
    team's SMART goal against its target, teams on pace and met, commitments kept. Program
    staff can open it; nobody else."""
    from tst_sheets.cli.render.report import render_report
    from tst_sheets.jobs.report import report

    day = as_of_date(as_of)
    with reported():
        ws = _workspace()
        if as_json:
            print_json(report(ws, roster, day).model_dump(by_alias=True, mode="json"))
            return
        with team_progress(console, "Reading team workbooks") as step:
            result = report(ws, roster, day, progress=step)
    render_report(console, result)


@app.command("calendar")
def calendar_command(
    roster: RosterOption = None,
    dry_run: DryRunOption = False,
    allow_mass_change: AllowMassChangeOption = False,
    as_json: JsonOption = False,
) -> None:
    """Put the roster's Events on participants' calendars and the teams' Program Events tabs."""
    from tst_sheets.cli.render.calendar import render_calendar_result
    from tst_sheets.jobs.calendar import sync_calendar

    with reported():
        ws = _workspace()
        result = sync_calendar(ws, roster, dry_run=dry_run, allow_mass_change=allow_mass_change)
    if as_json:
        print_json(result.model_dump(by_alias=True, mode="json"))
    else:
        render_calendar_result(console, result)
    exit_if_stopped(result.stopped)


@app.command("export-ics")
def export_ics_command(
    roster: RosterOption = None,
    out: Annotated[Path, typer.Option(help="Where to write the iCalendar file.")] = Path(
        "program.ics"
    ),
    team: Annotated[str | None, typer.Option(help="Only the events of this Team ID.")] = None,
) -> None:
    """Write the program's events as an .ics file for people outside Google Workspace."""
    from tst_sheets.jobs.common import roster_id_of
    from tst_sheets.jobs.ics import export_ics

    with reported():
        ws = _workspace()
        export = export_ics(ws, roster_id_of(ws, roster), team=team)
    out.write_bytes(export.data)
    console.print(f"Wrote {export.events} events to [bold]{out}[/]")
    for finding in export.findings:
        err_console.print(f"{finding.where}: {finding.found} ({finding.expected})")


@app.command("audit")
def audit_command(
    roster: RosterOption = None,
    fix: Annotated[
        bool,
        typer.Option("--fix", help="Remove what the service may remove, then audit again."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Every permission on every program file (the roster, the roll-up, each team workbook,
    the shared drive's members, the program calendar) against what the roster explains.
    Exit 1 when anything is unexplained."""
    from tst_sheets.cli.render.audit import render_audit
    from tst_sheets.jobs.audit import audit

    with reported():
        ws = _workspace()
        if as_json:
            result = audit(ws, roster, fix=fix)
        else:
            with team_progress(console, "Reading Team tabs") as step:
                result = audit(ws, roster, fix=fix, progress=step)
    if as_json:
        print_json(result.model_dump(by_alias=True, mode="json"))
    else:
        render_audit(console, result)
    raise typer.Exit(0 if result.ok else 1)


@app.command("notify")
def notify_command(
    roster: RosterOption = None,
    as_of: AsOfOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show every message it would send; send none.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Send this week's emails: each person's open items linked to their cells, once per
    person per ISO week (a second run the same week sends nothing).

    As of a date other than today it is a what-if: it shows what it would send and sends
    nothing."""
    from tst_sheets.cli.render.notify import render_notify
    from tst_sheets.jobs.notify import notify

    day = as_of_date(as_of)
    with reported():
        ws = _workspace()
        if as_json:
            print_json(
                notify(ws, roster, day, dry_run=dry_run).model_dump(by_alias=True, mode="json")
            )
            return
        with team_progress(console, "Sending") as step:
            result = notify(ws, roster, day, dry_run=dry_run, progress=step)
    render_notify(console, result)


@app.command("doctor")
def doctor_command(as_json: JsonOption = False) -> None:
    """Check a deployment before its first run: credentials, identity, scopes, the APIs, the
    shared drive, the roster, calendar delegation, Allowed Domains. Exit 0 only if all pass."""
    from tst_sheets.cli.render.doctor import render_doctor
    from tst_sheets.jobs.doctor import doctor

    with reported():
        result = doctor(Settings.load())
    if as_json:
        print_json(result.model_dump(by_alias=True, mode="json"))
    else:
        render_doctor(console, result)
    raise typer.Exit(0 if result.ok else 1)
