"""How one call of the gateway runs: a googleapiclient request executed, every page of a list
followed, and every error of the client libraries (gspread, googleapiclient, requests,
httplib2) turned into the project's own ``GoogleError``, so nothing outside knows them."""

from __future__ import annotations

import functools
import json
import socket
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import httplib2
import requests
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError
from gspread.exceptions import APIError

from tst_sheets.errors import GoogleError, Unreachable

P = ParamSpec("P")
R = TypeVar("R")
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    requests.RequestException,
    httplib2.HttpLib2Error,
    ConnectionError,
    socket.timeout,
    OSError,
)


def http_status(error: BaseException) -> int:
    """The status Google answered with; 0 for anything that is not a Google API error."""
    if isinstance(error, GoogleError):
        return error.status
    if isinstance(error, APIError):
        return int(getattr(error, "code", 0) or error.response.status_code)
    if isinstance(error, HttpError):
        return int(getattr(error.resp, "status", 0))
    return 0


def as_google_error(error: BaseException, api: str) -> GoogleError:
    """The project's error for a library's error (status, Google's message and reason)."""
    if isinstance(error, APIError):
        body = error.error if isinstance(error.error, dict) else {}
        reasons = [e.get("reason", "") for e in body.get("errors", []) if isinstance(e, dict)]
        reason = reasons[0] if reasons else str(body.get("status", ""))
        return GoogleError(http_status(error), str(body.get("message", "")), reason, api)
    if isinstance(error, HttpError):
        message, reason = _http_error_body(error)
        return GoogleError(http_status(error), message, reason, api)
    if isinstance(error, RefreshError):  # no token: e.g. a delegation not authorised
        return GoogleError(401, f"no access token: {error}"[:300], "unauthorized_client", api)
    return Unreachable(f"no answer from {api} ({type(error).__name__}: {error})"[:300], api)


def _http_error_body(error: HttpError) -> tuple[str, str]:
    try:
        body = json.loads(error.content.decode("utf-8")).get("error", {})
    except (ValueError, AttributeError, UnicodeDecodeError):
        return str(error.reason or ""), ""
    reasons = [e.get("reason", "") for e in body.get("errors", []) if isinstance(e, dict)]
    return str(body.get("message", error.reason or "")), reasons[0] if reasons else ""


def google_call(api: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a gateway method: any library error leaves it as a ``GoogleError``."""

    def wrap(method: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(method)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(*args, **kwargs)
            except (APIError, HttpError, RefreshError, *CONNECTION_ERRORS) as error:
                raise as_google_error(error, api) from error

        return call

    return wrap


def execute(request: Any) -> Any:
    """Run one googleapiclient request (the only ``.execute()`` of the service)."""
    return request.execute()


def all_pages(fetch: Callable[[str | None], dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Every item of a paged list: ``fetch(page_token)`` until there is no next page."""
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = fetch(token)
        items += page.get(key, [])
        token = page.get("nextPageToken")
        if not token:
            return items
