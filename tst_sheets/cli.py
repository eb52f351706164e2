"""The ``tst-sheets`` command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from platformdirs import user_data_dir
from rich.console import Console

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from rich.progress import Progress

app = typer.Typer(
    help="TST Sheets: a teacher-leadership program on Google Sheets, Drive and Calendar.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()

# Options several commands share.
RosterOption = Annotated[
    str | None, typer.Option(help="Roster spreadsheet id (default: TST_ROSTER_ID).")
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Evaluate as of YYYY-MM-DD (default: today).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
err_console = Console(stderr=True)


@app.callback()
def main() -> None:
    """TST Sheets: provision team workbooks, check commitments, roll up, sync calendars."""


def default_db() -> Path:
    return Path(user_data_dir("tst-sheets")) / "emulator.db"


def print_json(data: Any) -> None:
    """Machine-readable output: plain JSON on stdout, nothing else."""
    typer.echo(json.dumps(data, indent=2, default=str))


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Emulator port (0: any free port).")] = 0,
    serve: Annotated[
        bool, typer.Option(help="Keep the emulator and viewer up until Ctrl-C.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Run the whole program on a fresh local emulator: provision, collect, roll up, calendar."""
    from tst_sheets import demo as demo_run
    from tst_sheets.demo_report import render, step_progress

    ctx = demo_run.start(port=port)
    try:
        if as_json:
            summary = demo_run.run(ctx)
            print_json(summary.model_dump(by_alias=True, mode="json"))
        else:
            console.print(f"Emulator at {ctx.emulator.url} (data in {ctx.data_dir})")
            with step_progress(console) as on_step:
                summary = demo_run.run(ctx, on_step)
            render(console, summary, serving=serve)
        if serve:
            err_console.print(f"Serving {ctx.emulator.url} until Ctrl-C")
            _wait_forever()
    finally:
        ctx.emulator.stop()


def _wait_forever() -> None:
    import time

    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        err_console.print("Stopped.")


@app.command()
def emulator(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8787,
    db: Annotated[
        str | None, typer.Option(help="SQLite file (default: in your data directory) or :memory:.")
    ] = None,
    quota_read_per_user: Annotated[
        int, typer.Option(help="Reads per minute per user (0: off).")
    ] = 0,
    quota_write_per_user: Annotated[int, typer.Option(help="Writes per minute per user.")] = 0,
    quota_read_per_project: Annotated[int, typer.Option(help="Reads per minute, all users.")] = 0,
    quota_write_per_project: Annotated[int, typer.Option(help="Writes per minute, all users.")] = 0,
    latency_ms: Annotated[float, typer.Option(help="Added latency per request.")] = 0.0,
    fault_rate: Annotated[float, typer.Option(help="Share of requests answered 500/503.")] = 0.0,
    seed: Annotated[int | None, typer.Option(help="Seed for the fault knob.")] = None,
) -> None:
    """Serve the local Google Sheets, Drive and Calendar emulator until Ctrl-C."""
    from tst_sheets.emulator import EmulatorApp, Knobs
    from tst_sheets.emulator.server import serve

    knobs = Knobs(
        quota_read_per_user=quota_read_per_user,
        quota_write_per_user=quota_write_per_user,
        quota_read_per_project=quota_read_per_project,
        quota_write_per_project=quota_write_per_project,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        seed=seed,
    )
    path = db or str(default_db())
    running = serve(EmulatorApp(path, knobs), host, port)
    console.print(f"Emulator serving at [bold]{running.url}[/] (data: {path})")
    console.print(f"Viewer: {running.url}/   Stats: {running.url}/_emulator/stats")
    console.print(f"Point the service at it: TST_TARGET=local TST_EMULATOR_URL={running.url}")
    try:
        running.server.serve_forever()
    except KeyboardInterrupt:
        console.print("Stopped.")
    finally:
        running.server.server_close()


# -- calendar ---------------------------------------------------------------------------------


def _calendar_roster(roster: str | None) -> tuple[Any, str]:
    """Settings and the roster id (``--roster`` or ``TST_ROSTER_ID``)."""
    from tst_sheets.config import Settings

    settings = Settings()
    roster_id = roster or settings.roster_id
    if not roster_id:
        err_console.print("No roster: pass --roster ID or set TST_ROSTER_ID.")
        raise typer.Exit(2)
    return settings, roster_id


@app.command("calendar")
def calendar_command(
    roster: RosterOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan only; write nothing.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Put the roster's Events on participants' calendars and the teams' Program Events tabs."""
    from tst_sheets.jobs.calendar import sync_calendar
    from tst_sheets.workspace import connect

    settings, roster_id = _calendar_roster(roster)
    result = sync_calendar(connect(settings), roster_id, dry_run=dry_run)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    from tst_sheets.calendar_report import render_calendar_result

    render_calendar_result(console, result)


@app.command("export-ics")
def export_ics(
    roster: RosterOption = None,
    out: Annotated[Path, typer.Option(help="Where to write the iCalendar file.")] = Path(
        "program.ics"
    ),
    team: Annotated[str | None, typer.Option(help="Only the events of this Team ID.")] = None,
) -> None:
    """Write the program's events as an .ics file for people outside Google Workspace."""
    from tst_sheets.jobs.calendar import export_ics as job
    from tst_sheets.workspace import connect

    settings, roster_id = _calendar_roster(roster)
    export = job(connect(settings), roster_id, team=team)
    out.write_bytes(export.data)
    console.print(f"Wrote {export.events} events to [bold]{out}[/]")
    for finding in export.findings:
        err_console.print(f"{finding.tab}!{finding.cell}: {finding.found} ({finding.expected})")


# -- init and provision ------------------------------------------------------------------


@app.command("init")
def init_command(
    program: Annotated[
        str | None, typer.Option(help="Program name (default: TST_PROGRAM, else TST).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create the program roster (or find it by its Drive labels), pre-filled with the school
    year's events. On the local emulator it also holds the sample program's coaches and teams."""
    from tst_sheets.config import Settings
    from tst_sheets.jobs.provision import init_roster
    from tst_sheets.workspace import connect

    result = init_roster(connect(Settings()), program)
    if as_json:
        print_json(result.model_dump(by_alias=True, mode="json"))
        return
    from tst_sheets.provision_report import render_init

    render_init(console, result)


@app.command("provision")
def provision_command(
    roster: RosterOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan only; write nothing.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Create, upgrade and share one workbook per Active team; report who got access."""
    from tst_sheets.config import Settings
    from tst_sheets.jobs.provision import provision
    from tst_sheets.workspace import connect

    settings = Settings()
    ws = connect(settings)
    roster_id = roster or settings.roster_id
    try:
        if as_json:
            result = provision(ws, roster_id, dry_run=dry_run)
            print_json(result.model_dump(by_alias=True, mode="json"))
            return
        from tst_sheets.provision_report import render_provision, team_progress

        with team_progress(console) as bar:
            step = _advance(bar)
            result = provision(ws, roster_id, dry_run=dry_run, progress=step)
    except LookupError as error:
        err_console.print(str(error))
        raise typer.Exit(2) from error
    render_provision(console, result)


def _as_of_date(as_of: str | None) -> date | None:
    """``--as-of`` as a date (None: the settings' date, else today); exit 2 if malformed."""
    from datetime import date

    try:
        return date.fromisoformat(as_of) if as_of else None
    except ValueError as error:
        err_console.print(f"--as-of: expected YYYY-MM-DD, got {as_of!r}")
        raise typer.Exit(2) from error


def _advance(bar: Progress) -> Callable[[int, int, str], None]:
    """A job's ``progress`` callback that moves the bar's first task, one team at a time."""
    task = bar.task_ids[0]

    def step(done: int, total: int, team_id: str) -> None:
        bar.update(task, completed=done, total=total, description=team_id)

    return step


# -- collect ---------------------------------------------------------------------------------


@app.command("collect")
def collect_command(
    roster: RosterOption = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read every Active team's workbook (one read each) and check it against the commitments."""
    from gspread.exceptions import APIError
    from requests import RequestException

    from tst_sheets.config import Settings
    from tst_sheets.jobs.collect import collect
    from tst_sheets.workspace import connect

    day = _as_of_date(as_of)
    ws = connect(Settings())
    try:
        if as_json:
            result = collect(ws, roster, day)
            print_json(result.model_dump(by_alias=True, mode="json"))
            return
        from tst_sheets.collect_report import read_progress, render_collect

        with read_progress(console) as bar:
            step = _advance(bar)
            result = collect(ws, roster, day, progress=step)
    except (LookupError, APIError, RequestException) as error:  # the roster itself unreadable
        err_console.print(f"Cannot read the roster: {error}")
        raise typer.Exit(2) from error
    render_collect(console, result)


# -- rollup ---------------------------------------------------------------------------------


@app.command("rollup")
def rollup_command(
    roster: RosterOption = None,
    as_of: AsOfOption = None,
    full: Annotated[bool, typer.Option("--full", help="Read every workbook (a cold run).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write the coach roll-up: read what changed, check every team, update the roll-up."""
    from tst_sheets.config import Settings
    from tst_sheets.jobs.rollup import rollup
    from tst_sheets.workspace import connect

    day = _as_of_date(as_of)
    ws = connect(Settings())
    try:
        if as_json:
            result = rollup(ws, roster, day, full=full)
            print_json(result.model_dump(by_alias=True, mode="json"))
            return
        from tst_sheets.collect_report import read_progress
        from tst_sheets.rollup_report import render_rollup

        with read_progress(console) as bar:
            step = _advance(bar)
            result = rollup(ws, roster, day, full=full, progress=step)
    except LookupError as error:
        err_console.print(str(error))
        raise typer.Exit(2) from error
    render_rollup(console, result)


if __name__ == "__main__":
    app()
