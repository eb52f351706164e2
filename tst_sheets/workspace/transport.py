"""The HTTP transport both client libraries run on: one ``requests`` session per identity, with
counting, retries, and (locally) the emulator's address in place of Google's hosts. The
libraries themselves are unmodified.

gspread takes a ``requests.Session``; googleapiclient takes an httplib2-style ``http``, which
``WorkspaceHttp`` provides on the same stack. (httplib2 itself resends any request once when a
connection drops before the answer, a POST that created a file included; urllib3 does not.)
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

from tst_sheets.errors import Unreachable
from tst_sheets.workspace.counting import CallCounter, classify
from tst_sheets.workspace.pace import Pace, unpaced
from tst_sheets.workspace.retry import RetryPolicy, ambiguous, applies_once, reason_of, retryable

GOOGLE_ORIGINS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
TIMEOUT_S = 60.0
_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    requests.ConnectionError,
    requests.Timeout,
    ConnectionError,
    socket.timeout,
)


class Answer(Protocol):
    """What the retry loop needs to know of a response: status, body, ``Retry-After``."""

    def __call__(self, response: Any) -> tuple[int, bytes | str, str | None]: ...


def _with_retries(
    send: Callable[[], Any],
    answer: Answer,
    policy: RetryPolicy,
    *,
    emulator: str | None,
    once: bool,
    on_rate_limit: Callable[[], None] = lambda: None,
) -> Any:
    """Send, and resend what is worth another try (see ``retry``), within the policy's bounds.

    Locally (``emulator`` is its URL) a refused connection means it is not running: say so
    at once. A request that must apply ``once`` is not resent after an answer that may have
    followed its write (a 5xx, a dropped connection): its caller looks before trying again.
    """
    started = time.monotonic()
    attempt = 1
    while True:
        try:
            response = send()
        except _CONNECTION_ERRORS as error:
            refused = _refused(error)
            if emulator and refused:
                raise Unreachable(
                    f"Nothing answers at {emulator}: start the emulator (`tst-sheets emulator`) "
                    "or set TST_EMULATOR_URL to where it runs.",
                    reason="refused",
                ) from error
            wait = policy.delay(attempt)
            if (once and not refused) or not policy.should_retry(attempt, started, wait):
                raise
        else:
            status, body, retry_after = answer(response)
            if not retryable(status, reason_of(body) if status == 403 else ""):
                return response
            if status in (403, 429):
                on_rate_limit()  # the quota left is smaller than the pace believed
            wait = policy.delay(attempt, retry_after)
            if (once and ambiguous(status)) or not policy.should_retry(attempt, started, wait):
                return response
        policy.pause(wait)
        attempt += 1


def _refused(error: BaseException) -> bool:
    """Nothing listens at the address: the request never left, so it never applied."""
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
        rewrite: bool = True,
        pace: Pace | None = None,
    ) -> None:
        super().__init__(credentials)
        self.counter = counter
        self.policy = policy
        self.pace = pace or unpaced()
        self.emulator_url = emulator_url.rstrip("/") if emulator_url else None
        self.rewrite = rewrite

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        target = self._rewrite(url)
        kwargs.setdefault("timeout", TIMEOUT_S)
        api, kind = classify(method, url)

        def send() -> requests.Response:
            with self.pace.slot(api, kind, self.policy.deadline_s):
                self.counter.record(method, url)
                return super(WorkspaceSession, self).request(method, target, *args, **kwargs)

        response: requests.Response = _with_retries(
            send,
            lambda r: (r.status_code, r.content, r.headers.get("Retry-After")),
            self.policy,
            emulator=self.emulator_url,
            once=applies_once(method, url),
            on_rate_limit=lambda: self.pace.refused(api, kind),
        )
        return response

    def _rewrite(self, url: str) -> str:
        if self.emulator_url and self.rewrite:
            for origin in GOOGLE_ORIGINS:
                if url.startswith(origin):
                    return self.emulator_url + url[len(origin) :]
        return url


class WorkspaceHttp:
    """The ``http`` googleapiclient uses, on a ``WorkspaceSession``: the answer comes back as
    httplib2's ``(Response, content)`` pair. The endpoint itself comes from
    ``client_options={"api_endpoint": ...}``, so nothing here rewrites URLs."""

    def __init__(
        self,
        credentials: Credentials,
        counter: CallCounter,
        policy: RetryPolicy,
        *,
        emulator_url: str | None,
        pace: Pace | None = None,
    ) -> None:
        self._session = WorkspaceSession(
            credentials, counter, policy, emulator_url=emulator_url, rewrite=False, pace=pace
        )
        self.credentials = credentials
        self.timeout = TIMEOUT_S

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        redirections: int = 5,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        reply = self._session.request(
            method, uri, data=body, headers=headers, allow_redirects=redirections > 0
        )
        info = {key.lower(): value for key, value in reply.headers.items()}
        info.pop("content-encoding", None)  # requests has already decoded the body
        info["status"] = str(reply.status_code)
        response = httplib2.Response(info)
        response.reason = reply.reason
        return response, reply.content

    def close(self) -> None:
        self._session.close()
