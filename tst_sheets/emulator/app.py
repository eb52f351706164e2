"""The emulator as one WSGI application: identity, knobs, routing, errors, storage."""

from __future__ import annotations

import contextlib
import re
import socket
import traceback
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from tst_sheets.emulator import calendar, drive, gmail, sheets, tasks, viewer
from tst_sheets.emulator.clock import Clock
from tst_sheets.emulator.errors import ApiError, server_error, unauthenticated
from tst_sheets.emulator.http import Call, Route, json_response
from tst_sheets.emulator.knobs import Gate, Knobs, Stats
from tst_sheets.emulator.store import Store

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class EmulatorApp:
    """Sheets v4, Drive v3, Calendar v3, Gmail v1 and Cloud Tasks v2 on Google's own paths,
    plus ``/_emulator/*``.

    ``Authorization: Bearer <email>`` names the caller; Drive permissions decide access.
    """

    def __init__(self, db: str | Path = ":memory:", knobs: Knobs | None = None) -> None:
        self.store = Store(db)
        self.clock = Clock()
        self.knobs = knobs or Knobs()
        self.gate = Gate(self.knobs)
        self.stats = Stats()
        self.drive = drive.DriveBackend(self.clock)
        self.sheets = sheets.SheetsBackend(self.drive, self.clock)
        self.calendar = calendar.CalendarBackend(self.clock)
        self.gmail = gmail.GmailBackend(self.clock)
        self.tasks = tasks.TasksBackend(self.clock)
        self.routes: list[Route] = [
            *sheets.routes(self.sheets),
            *drive.routes(self.drive, self.gate),
            *calendar.routes(self.calendar),
            *gmail.routes(self.gmail.mailboxes),
            *tasks.routes(self.tasks),
        ]

    # -- WSGI ---------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self.dispatch(request)
        if response is _DROP:
            _drop_connection(environ)
            response = json_response(server_error("sheets", 503).body(), 503)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/_emulator/"):
            return self._control(request)
        if request.method == "GET" and viewer.handles(path):
            return viewer.render(self, request)
        route, params = self._match(request.method, path)
        if route is None:
            return json_response(
                ApiError(404, f"Method not found: {request.method} {path}").body(), 404
            )
        try:
            user = self._identity(request)
            self.stats.record(user, route.api, route.name, route.kind)
            self.gate.admit(route.api, user, route.kind)
            with self.store.transaction() as txn:
                call = Call(request, user, txn, params, request.host_url.rstrip("/"))
                result = route.handler(call)
        except ApiError as error:
            return json_response(error.body(), error.code)
        except Exception:  # the emulator answers 500 like Google instead of dying
            traceback.print_exc()
            return json_response(ApiError(500, "Internal error encountered.").body(), 500)
        lost = self.gate.lost_answer(route.name)  # the change is committed whatever happens next
        if lost == "drop":
            return _DROP
        if lost is not None:
            failure = server_error(route.api, int(lost))
            return json_response(failure.body(), failure.code)
        if isinstance(result, Response):
            return result
        return json_response(result if result is not None else {})

    def _match(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        for route in self.routes:
            if route.method != method:
                continue
            found = route.regex.match(path)
            if found:
                return route, found.groupdict()
        return None, {}

    @staticmethod
    def _identity(request: Request) -> str:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not _EMAIL.match(token):
            raise unauthenticated()
        return token.lower()

    # -- control endpoints for tests and benchmarks --------------------------------------

    def _control(self, request: Request) -> Response:
        path, method = request.path, request.method
        if path == "/_emulator/stats" and method == "GET":
            return json_response({**self.stats.snapshot(), "knobs": dict(self.gate.outcomes)})
        if path == "/_emulator/stats" and method == "DELETE":
            self.stats.reset()
            self.gate.outcomes = dict.fromkeys(self.gate.outcomes, 0)
            return json_response({})
        if path == "/_emulator/knobs" and method == "GET":
            return json_response(self.knobs.as_dict())
        if path == "/_emulator/knobs" and method in ("POST", "PATCH"):
            try:
                self.knobs.update(request.get_json(force=True) or {})
            except ApiError as error:
                return json_response(error.body(), error.code)
            self.gate.reseed()
            return json_response(self.knobs.as_dict())
        if path == "/_emulator/tasks":
            return self._tasks_control(request)
        if path == "/_emulator/health":
            return json_response({"ok": True})
        return json_response(ApiError(404, f"No such control endpoint: {path}").body(), 404)

    def _tasks_control(self, request: Request) -> Response:
        """Every task recorded, in FULL view (GET), so a test can deliver one; DELETE
        ``?name=`` removes one, as Cloud Tasks does once its handler answered 2xx."""
        with self.store.transaction() as txn:
            if request.method == "GET":
                return json_response(
                    {"tasks": [tasks.view(t, True) for t in self.tasks.all_tasks(txn)]}
                )
            if request.method == "DELETE":
                try:
                    self.tasks.delete_task(txn, request.args.get("name", ""))
                except ApiError as error:
                    return json_response(error.body(), error.code)
                return json_response({})
        return json_response(ApiError(405, "GET or DELETE").body(), 405)


_DROP = Response(status=599)  # marker: close the connection instead of answering


def _drop_connection(environ: dict[str, Any]) -> None:
    """Close the client's socket without a response, then let the server see a dropped
    connection (werkzeug ignores those quietly and keeps serving). Without a socket (the
    app called directly, not over HTTP) the caller answers 503 instead."""
    sock = environ.get("werkzeug.socket")
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionAbortedError("answer lost on purpose (lost_answer_rate)")
