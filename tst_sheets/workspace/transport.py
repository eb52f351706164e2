"""The HTTP transports the client libraries run on: counting, retries, and (locally) the
emulator's address in place of Google's hosts. The libraries themselves are unmodified.

gspread takes a ``requests.Session``; googleapiclient takes an httplib2-style ``http``.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any, Protocol

import httplib2
import requests
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession
from google_auth_httplib2 import AuthorizedHttp

from tst_sheets.errors import Unreachable
from tst_sheets.workspace.counting import CallCounter
from tst_sheets.workspace.retry import RetryPolicy, reason_of, retryable

GOOGLE_ORIGINS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    requests.ConnectionError,
    requests.Timeout,
    ConnectionError,
    socket.timeout,
    httplib2.ServerNotFoundError,
)


class Answer(Protocol):
    """What the retry loop needs to know of either library's response."""

    def __call__(self, response: Any) -> tuple[int, bytes | str, str | None]: ...


def _with_retries(
    send: Callable[[], Any], answer: Answer, policy: RetryPolicy, *, emulator: str | None
) -> Any:
    """Send, and resend what is worth another try (see ``retry``), within the policy's bounds.

    ``answer(response)`` is the status, the body and the ``Retry-After`` header. Locally
    (``emulator`` is its URL) a refused connection means it is not running: say so at once.
    """
    started = time.monotonic()
    attempt = 1
    while True:
        try:
            response = send()
        except _CONNECTION_ERRORS as error:
            wait = policy.delay(attempt)
            if emulator and _refused(error):
                raise Unreachable(
                    f"Nothing answers at {emulator}: start the emulator (`tst-sheets emulator`) "
                    "or set TST_EMULATOR_URL to where it runs."
                ) from error
            if not policy.should_retry(attempt, started, wait):
                raise
        else:
            status, body, retry_after = answer(response)
            if not retryable(status, reason_of(body) if status == 403 else ""):
                return response
            wait = policy.delay(attempt, retry_after)
            if not policy.should_retry(attempt, started, wait):
                return response
        policy.pause(wait)
        attempt += 1


def _refused(error: BaseException) -> bool:
    """Nothing listens at the address (the local emulator is not running): waiting won't help."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "Connection refused" in str(error) or "[Errno 111]" in str(error)


class WorkspaceSession(AuthorizedSession):
    """The session gspread uses: Google auth, counting, retries, optional host rewrite."""

    def __init__(
        self,
        credentials: Credentials,
        counter: CallCounter,
        policy: RetryPolicy,
        emulator_url: str | None = None,
    ) -> None:
        super().__init__(credentials)
        self.counter = counter
        self.policy = policy
        self.emulator_url = emulator_url.rstrip("/") if emulator_url else None

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        target = self._rewrite(url)

        def send() -> requests.Response:
            self.counter.record(method, url)
            return super(WorkspaceSession, self).request(method, target, *args, **kwargs)

        response: requests.Response = _with_retries(
            send,
            lambda r: (r.status_code, r.content, r.headers.get("Retry-After")),
            self.policy,
            emulator=self.emulator_url,
        )
        return response

    def _rewrite(self, url: str) -> str:
        if self.emulator_url:
            for origin in GOOGLE_ORIGINS:
                if url.startswith(origin):
                    return self.emulator_url + url[len(origin) :]
        return url


class WorkspaceHttp:
    """The ``http`` googleapiclient uses: an authorized httplib2 with counting and retries.

    The endpoint itself comes from ``client_options={"api_endpoint": ...}``, so nothing
    here rewrites URLs.
    """

    def __init__(
        self,
        credentials: Credentials,
        counter: CallCounter,
        policy: RetryPolicy,
        *,
        emulator_url: str | None,
    ) -> None:
        self._http = AuthorizedHttp(credentials, http=httplib2.Http(timeout=60))
        self.counter = counter
        self.policy = policy
        self.emulator_url = emulator_url

    def request(
        self, uri: str, method: str = "GET", body: Any = None, headers: Any = None, **kwargs: Any
    ) -> tuple[httplib2.Response, bytes]:
        def send() -> tuple[httplib2.Response, bytes]:
            self.counter.record(method, uri)
            return self._http.request(uri, method, body=body, headers=headers, **kwargs)

        result: tuple[httplib2.Response, bytes] = _with_retries(
            send,
            lambda r: (int(r[0].status), r[1], r[0].get("retry-after")),
            self.policy,
            emulator=self.emulator_url,
        )
        return result

    def __getattr__(self, name: str) -> Any:
        # googleapiclient reads attributes such as ``timeout`` and ``credentials``.
        return getattr(self._http, name)
