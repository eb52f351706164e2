"""Cloud Functions entry points: thin HTTP wrappers over ``tst_sheets.jobs``.

Every function takes POST with a JSON body (or query parameters; the body wins):
``roster`` (default ``TST_ROSTER_ID``, else the program's roster found in ``TST_DRIVE_FOLDER``
by its Drive labels), ``asOf`` (YYYY-MM-DD, default ``TST_AS_OF`` or today in
``TST_TIMEZONE``), ``dryRun``, ``full``, ``write`` and ``allowMassChange`` where the job has
them (``rollup`` with an ``asOf`` other than today writes nothing unless ``write`` is true).
It answers the job's result in the CLI's ``--json`` shape; a run the mass-change guard stopped
(it wrote nothing) gets 409 ABORTED with the reason and the plan under ``result``; a bad
request gets 400 (405 for a wrong method) with
``{"error": {"code", "message", "status"}}``; any other failure is logged and answered 500
without its details, so no stack trace or internal text reaches a caller.

``rollup`` reads for ``TST_ROLLUP_BUDGET_S`` (below the function's timeout); a run that had
more to read saves its progress, answers ``"complete": false`` with the teams ``remaining``,
and hands the rest to Cloud Tasks (``continuedBy``: the task), which calls the function again
with the same parameters and an OIDC token (``TST_TASKS_QUEUE``, ``TST_ROLLUP_URL``,
``TST_TASKS_SERVICE_ACCOUNT``).

The repository root's ``main.py`` re-exports these so ``gcloud functions deploy --source .``
finds them; see ``cloudbuild.yaml``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import flask
import functions_framework
from pydantic import BaseModel

from tst_sheets.config import Settings
from tst_sheets.errors import ConfigError, GoogleError
from tst_sheets.model.a1 import ID_ALPHABET, is_google_id
from tst_sheets.workspace import Workspace, connect

log = logging.getLogger("tst_sheets.functions")

MAX_BODY = 16 * 1024  # bytes: a few parameters, never a payload
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}
_STATUS = {400: "INVALID_ARGUMENT", 405: "METHOD_NOT_ALLOWED", 409: "ABORTED", 500: "INTERNAL"}


class BadRequest(Exception):
    """A request the caller must fix; ``status`` is 400 or 405."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class JobRequest:
    roster_id: str | None
    as_of: date
    dry_run: bool = False
    full: bool = False
    allow_mass_change: bool = False
    write: bool | None = None  # None: the job's own rule (write only as of today)
    today: date | None = None  # the service's today, to tell a what-if from today's run


Job = Callable[[Workspace, JobRequest], BaseModel]


# -- the functions ---------------------------------------------------------------------------


@functions_framework.http
def provision(request: flask.Request) -> flask.Response:
    """Create, share or upgrade every team workbook the roster lists (``dryRun``: plan only)."""
    return _serve(request, {"roster", "dryRun", "allowMassChange"}, _provision)


@functions_framework.http
def collect(request: flask.Request) -> flask.Response:
    """Read every team workbook and check it against the commitments as of ``asOf``."""
    return _serve(request, {"roster", "asOf"}, _collect)


@functions_framework.http
def rollup(request: flask.Request) -> flask.Response:
    """Collect, then write the coaches' roll-up (``full``: re-read unchanged workbooks too;
    ``write``: write it even as of a date other than today)."""
    return _serve(request, {"roster", "asOf", "full", "write", "allowMassChange"}, _rollup)


@functions_framework.http
def calendar_sync(request: flask.Request) -> flask.Response:
    """Put the roster's program events on participants' calendars (``dryRun``: plan only)."""
    return _serve(request, {"roster", "dryRun", "allowMassChange"}, _calendar_sync)


@functions_framework.http
def notify(request: flask.Request) -> flask.Response:
    """This week's emails, once per person per ISO week (``dryRun``: show them, send none;
    an ``asOf`` other than today is a what-if that sends nothing)."""
    return _serve(request, {"roster", "asOf", "dryRun"}, _notify)


@functions_framework.http
def doctor(request: flask.Request) -> flask.Response:
    """The preflight, run as the deployed function itself: ``{"ok", "checks": [...]}``."""
    try:
        settings = load_settings()
        parse_request(request, settings, set())
    except BadRequest as error:
        return _error(error.status, error.message)
    except ConfigError as error:
        return _error(500, str(error), "FAILED_PRECONDITION")
    from tst_sheets.jobs.doctor import doctor as job

    return _json(job(settings).model_dump(by_alias=True, mode="json"), 200)


# The jobs are imported when called, so a cold start loads only the one a function needs.


def _provision(ws: Workspace, req: JobRequest) -> BaseModel:
    from tst_sheets.jobs.provision import provision as job

    return job(ws, req.roster_id, dry_run=req.dry_run, allow_mass_change=req.allow_mass_change)


def _collect(ws: Workspace, req: JobRequest) -> BaseModel:
    from tst_sheets.jobs.collect import collect as job

    return job(ws, req.roster_id, req.as_of)


def _rollup(ws: Workspace, req: JobRequest) -> BaseModel:
    from tst_sheets.jobs.checkpoint import Budget
    from tst_sheets.jobs.continuation import ContinuedRollup, hand_on
    from tst_sheets.jobs.rollup import rollup as job

    settings, before = ws.settings, ws.calls()
    where = settings.continuation()  # half configured: say so before any work
    budget = Budget.seconds(settings.rollup_budget_s, settings.rollup_reads_per_run or None)
    as_of = None if req.as_of == req.today else req.as_of  # today's run writes; a what-if not
    allowed = req.allow_mass_change
    result = job(
        ws,
        req.roster_id,
        as_of,
        full=req.full,
        write=req.write,
        allow_mass_change=allowed,
        budget=budget,
    )
    if result.complete or not result.read:  # no progress: a task would only loop
        return result
    if where is None:
        log.error(
            "roll-up cut short with %d teams to read: set TST_TASKS_QUEUE, TST_ROLLUP_URL and "
            "TST_TASKS_SERVICE_ACCOUNT to continue it at once (the next run resumes anyway)",
            result.remaining,
        )
        return result
    task = hand_on(ws, where, continuation_params(req), result)
    calls = ws.counter.since(before)  # the task's create too
    answer = {**result.model_dump(by_alias=True), "continuedBy": task, "calls": calls}
    return ContinuedRollup.model_validate(answer)


def continuation_params(req: JobRequest) -> dict[str, Any]:
    """The request that carries on: the same roster, date and guard. Never ``full``: what
    this run read is kept, and the rest is read because it changed or was never read."""
    params: dict[str, Any] = {"roster": req.roster_id} if req.roster_id else {}
    if req.as_of != req.today:  # a past date that writes (``write``): the same date again
        params.update(asOf=req.as_of.isoformat(), write=True)
    if req.allow_mass_change:
        params["allowMassChange"] = True
    return params


def _notify(ws: Workspace, req: JobRequest) -> BaseModel:
    from tst_sheets.jobs.notify import notify as job

    as_of = None if req.as_of == req.today else req.as_of  # today's run sends; a what-if not
    return job(ws, req.roster_id, as_of, dry_run=req.dry_run)


def _calendar_sync(ws: Workspace, req: JobRequest) -> BaseModel:
    from tst_sheets.jobs.calendar import sync_calendar as job

    return job(ws, req.roster_id, dry_run=req.dry_run, allow_mass_change=req.allow_mass_change)


# -- the shared shell ------------------------------------------------------------------------


def _serve(request: flask.Request, accepts: set[str], job: Job) -> flask.Response:
    """Parse, connect, check the roster, run the job; map every failure to a clean answer."""
    try:
        settings = load_settings()
        job_request = parse_request(request, settings, accepts)
        ws = connect(settings)
        if job_request.roster_id:
            check_roster(ws, job_request.roster_id)
        result = job(ws, job_request)
    except BadRequest as error:
        return _error(error.status, error.message)
    except ConfigError as error:  # the deployment's settings: one line says what to set
        log.error("function misconfigured: %s", error)
        return _error(500, str(error), "FAILED_PRECONDITION")
    except Exception:  # logged with its traceback; the caller learns only that it failed
        log.exception("function failed: %s %s", request.method, request.path)
        return _error(500, "Internal error; the details are in the function's logs.")
    body = result.model_dump(by_alias=True, mode="json")
    stopped = getattr(result, "stopped", "")
    if stopped:  # the guard's plan, as a dry run; the caller re-runs with allowMassChange
        aborted = {"code": 409, "message": stopped, "status": _STATUS[409]}
        return _json({"error": aborted, "result": body}, 409)
    return _json(body, 200)


def load_settings() -> Settings:
    """Settings from ``TST_*`` (a bad value is a ``ConfigError`` naming its variable)."""
    return Settings.load()


def parse_request(request: flask.Request, settings: Settings, accepts: set[str]) -> JobRequest:
    """The one place a function's input is read and validated."""
    if request.method != "POST":
        raise BadRequest(f"Method {request.method} is not allowed; call it with POST.", 405)
    params = {**request.args.to_dict(), **_json_body(request)}
    unknown = sorted(set(params) - accepts)
    if unknown:
        expected = ", ".join(sorted(accepts))
        raise BadRequest(f"Unknown parameter(s) {', '.join(unknown)}; expected: {expected}.")
    roster = params.get("roster") or settings.roster_id
    if roster is not None and not (isinstance(roster, str) and is_google_id(roster.strip())):
        raise BadRequest(f"roster must be a spreadsheet id ({ID_ALPHABET} only).")
    return JobRequest(
        roster_id=roster.strip() if roster and roster.strip() else None,
        as_of=_as_of(params.get("asOf"), settings),
        dry_run=_flag(params, "dryRun"),
        full=_flag(params, "full"),
        allow_mass_change=_flag(params, "allowMassChange"),
        write=True if _flag(params, "write") else None,
        today=_as_of(None, settings),
    )


def _json_body(request: flask.Request) -> dict[str, Any]:
    """The JSON object the caller sent: small (its few parameters) and flat."""
    if (request.content_length or 0) > MAX_BODY:
        raise BadRequest(f"The body is larger than {MAX_BODY} bytes; send only the parameters.")
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY:
        raise BadRequest(f"The body is larger than {MAX_BODY} bytes; send only the parameters.")
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except RecursionError as error:
        raise BadRequest("The body is nested too deeply; send a flat JSON object.") from error
    except ValueError as error:
        raise BadRequest(f"The body is not valid JSON: {error}.") from error
    if not isinstance(body, dict):
        raise BadRequest('The body must be a JSON object, e.g. {"asOf": "2026-11-23"}.')
    return body


def _as_of(value: Any, settings: Settings) -> date:
    if value is None or value == "":
        return settings.as_of or datetime.now(ZoneInfo(settings.timezone)).date()
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError as error:
        raise BadRequest(f"asOf must be a date written YYYY-MM-DD, got {value!r}.") from error


def _flag(params: dict[str, Any], name: str) -> bool:
    value = params.get(name, False)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadRequest(f"{name} must be true or false, got {value!r}.")


def check_roster(ws: Workspace, roster_id: str) -> None:
    """One cheap metadata read, so an unknown or unshared roster is the caller's 400."""
    try:
        ws.sheets.get(roster_id, "spreadsheetId")
    except GoogleError as error:
        if error.status not in (400, 403, 404):
            raise
        raise BadRequest(
            f"Roster {roster_id!r} cannot be opened as {ws.identity}: check the id, and share "
            "the roster spreadsheet with the function's service account."
        ) from error


def _error(status: int, message: str, name: str = "") -> flask.Response:
    body = {"error": {"code": status, "message": message, "status": name or _STATUS[status]}}
    response = _json(body, status)
    if status == 405:
        response.headers["Allow"] = "POST"
    return response


def _json(body: Any, status: int) -> flask.Response:
    return flask.Response(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        mimetype="application/json",
    )
