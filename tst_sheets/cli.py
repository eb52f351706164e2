"""The ``tst-sheets`` command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from platformdirs import user_data_dir
from rich.console import Console

app = typer.Typer(
    help="TST Sheets: a teacher-leadership program on Google Sheets, Drive and Calendar.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
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
def emulator(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8787,
    db: Annotated[
        str | None, typer.Option(help="SQLite file (default: in your data directory) or :memory:.")
    ] = None,
    quota_read_per_user: Annotated[int, typer.Option(help="Reads per minute per user (0: off).")] = 0,
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


if __name__ == "__main__":
    app()
