"""The commands that run on this machine only: the demo and the emulator.

Both need the emulator's extra (``pip install 'tst-sheets[emulator]'``); without it they say
so in one line.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from typing import Annotated

import typer

from tst_sheets.cli.app import app, console, err_console, print_json

EMULATOR_EXTRA = ("werkzeug", "formulas", "platformdirs")  # pyproject's `emulator` extra
NEEDS_EMULATOR = "This command needs the local emulator: pip install 'tst-sheets[emulator]'."


def default_db() -> Path:
    from platformdirs import user_data_dir  # the emulator's extra

    return Path(user_data_dir("tst-sheets")) / "emulator.db"


def _emulator_installed() -> None:
    missing = [name for name in EMULATOR_EXTRA if importlib.util.find_spec(name) is None]
    if missing:
        err_console.print(NEEDS_EMULATOR, markup=False)
        raise typer.Exit(2)


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Emulator port (0: any free port).")] = 0,
    serve: Annotated[bool, typer.Option(help="Keep the emulator and viewer up until Ctrl-C.")] = (
        False
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Run the whole program on a fresh local emulator: provision, collect, roll up, calendar."""
    _emulator_installed()
    from tst_sheets.cli.render.demo import render, step_progress
    from tst_sheets.demo import run as demo_run

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
    quota_window_s: Annotated[
        float, typer.Option(help="The quota window in seconds (Google's: 60).")
    ] = 60.0,
    quota_api: Annotated[
        list[str] | None,
        typer.Option(help="An API the quotas apply to, e.g. sheets (repeat; default: all)."),
    ] = None,
    sharing_per_user: Annotated[
        int, typer.Option(help="Drive permissions.create per user per window (0: off).")
    ] = 0,
    latency_ms: Annotated[float, typer.Option(help="Added latency per request.")] = 0.0,
    fault_rate: Annotated[
        float, typer.Option(help="Share of requests answered 500/503 before they apply.")
    ] = 0.0,
    lost_answer_rate: Annotated[
        float, typer.Option(help="Share of requests applied, then answered 5xx or cut off.")
    ] = 0.0,
    seed: Annotated[int | None, typer.Option(help="Seed for the fault knobs.")] = None,
) -> None:
    """Serve the local Google Sheets, Drive, Calendar and Gmail emulator until Ctrl-C.

    Like a Workspace admin would, a staff user makes the program's shared drive on it and
    adds the service account as Content manager; the command prints the settings to use.
    """
    _emulator_installed()
    from tst_sheets.config import Settings
    from tst_sheets.demo.admin import prepare_program_drive, program_admin
    from tst_sheets.emulator import Knobs, start_in_thread

    knobs = Knobs(
        quota_read_per_user=quota_read_per_user,
        quota_write_per_user=quota_write_per_user,
        quota_read_per_project=quota_read_per_project,
        quota_write_per_project=quota_write_per_project,
        quota_window_s=quota_window_s,
        quota_apis=list(quota_api or []),
        sharing_per_user=sharing_per_user,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        lost_answer_rate=lost_answer_rate,
        seed=seed,
    )
    path = db or str(default_db())
    running = start_in_thread(path, knobs, host, port)
    settings = Settings(target="local", emulator_url=running.url)
    admin = program_admin()
    drive_id = prepare_program_drive(settings, admin)
    console.print(f"Emulator serving at [bold]{running.url}[/] (data: {path})")
    console.print(f"Viewer: {running.url}/   Stats: {running.url}/_emulator/stats")
    console.print(
        f"Shared drive {drive_id} made by {admin}; the service ({settings.identity}) is a "
        "Content manager. Point the service at it:"
    )
    console.print(
        f"export TST_TARGET=local TST_EMULATOR_URL={running.url} TST_DRIVE_FOLDER={drive_id} "
        f"TST_SUBJECT={admin}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    try:
        _wait_forever()
    finally:
        running.stop()
