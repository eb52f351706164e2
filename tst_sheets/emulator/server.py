"""Serving the emulator over real HTTP: in the foreground (CLI) or in a thread (tests, demo)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tst_sheets.emulator.app import EmulatorApp
from tst_sheets.emulator.knobs import Knobs


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class RunningEmulator:
    app: EmulatorApp
    server: BaseWSGIServer
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)


def serve(
    app: EmulatorApp, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True
) -> RunningEmulator:
    """Bind a threaded server (``port=0`` picks a free one) without starting it."""
    handler = _QuietHandler if quiet else WSGIRequestHandler
    server = make_server(host, port, app, threaded=True, request_handler=handler)
    return RunningEmulator(app, server)


def start_in_thread(
    db: str | Path = ":memory:",
    knobs: Knobs | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> RunningEmulator:
    """Start an emulator on a free loopback port in a daemon thread; ``.url`` is its base."""
    running = serve(EmulatorApp(db, knobs), host, port)
    running.thread = threading.Thread(
        target=running.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    running.thread.start()
    return running
