"""Bare clients for the emulator's tests: gspread and googleapiclient, nothing of the
service's own code, pointed at a loopback emulator with the caller's email as the token."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gspread
import httplib2
import pytest
import requests
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

GOOGLE_ORIGINS = ("https://sheets.googleapis.com", "https://www.googleapis.com")


def api_error(call: Callable[[], Any]) -> tuple[int, dict[str, Any]]:
    """Run a request that must fail; its status and the ``error`` object of its body."""
    with pytest.raises(HttpError) as failure:
        call()
    body = json.loads(failure.value.content)
    return int(failure.value.resp.status), dict(body["error"])


def reason(error: dict[str, Any]) -> str:
    return str(error["errors"][0]["reason"])


class LoopbackHttp(httplib2.Http):
    """googleapiclient's transport: the bearer token is the identity, and media paths (which
    keep ``https`` when ``api_endpoint`` is overridden) go back to the plain-HTTP emulator."""

    def __init__(self, base_url: str, identity: str) -> None:
        super().__init__(timeout=30)
        self.secure_base = base_url.replace("http://", "https://", 1)
        self.base_url = base_url
        self.identity = identity

    def request(  # type: ignore[override]
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        if uri.startswith(self.secure_base):
            uri = self.base_url + uri[len(self.secure_base) :]
        headers = {**(headers or {}), "authorization": f"Bearer {self.identity}"}
        return super().request(uri, method, body=body, headers=headers, **kwargs)


class LoopbackSession(requests.Session):
    """gspread's session: Google's origins become the emulator's, the token the identity."""

    def __init__(self, base_url: str, identity: str) -> None:
        super().__init__()
        self.trust_env = False  # never a proxy for loopback
        self.base_url = base_url.rstrip("/")
        self.headers["Authorization"] = f"Bearer {identity}"

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        target = url.decode() if isinstance(url, bytes) else url
        for origin in GOOGLE_ORIGINS:
            if target.startswith(origin):
                target = self.base_url + target[len(origin) :]
        verb = method.decode() if isinstance(method, bytes) else method
        return super().request(verb, target, *args, **kwargs)


def discovery(api: str, version: str, base_url: str, identity: str) -> Any:
    """A googleapiclient resource on the emulator (``/drive/v3/``, ``/calendar/v3/``, ``/``).

    Sheets', Gmail's and Cloud Tasks' discovery documents have an empty ``servicePath`` (their
    method paths begin ``v4/``, ``gmail/v1/``, ``v2/``), so their endpoint is the bare base URL."""
    bare = api in ("sheets", "gmail", "cloudtasks")
    endpoint = f"{base_url}/" if bare else f"{base_url}/{api}/{version}/"
    return build(
        api,
        version,
        http=LoopbackHttp(base_url, identity),
        static_discovery=True,
        client_options={"api_endpoint": endpoint},
        cache_discovery=False,
    )


def drive_client(base_url: str, identity: str) -> Any:
    return discovery("drive", "v3", base_url, identity)


@dataclass
class Clients:
    """One identity's clients: gspread for Sheets, googleapiclient for Drive, Calendar and
    Gmail."""

    sheets: gspread.Client
    drive: Any
    calendar: Any
    gmail: Any
    identity: str


def connect(base_url: str, identity: str) -> Clients:
    session = LoopbackSession(base_url, identity)
    return Clients(
        sheets=gspread.Client(auth=None, session=session),  # type: ignore[arg-type]
        drive=discovery("drive", "v3", base_url, identity),
        calendar=discovery("calendar", "v3", base_url, identity),
        gmail=discovery("gmail", "v1", base_url, identity),
        identity=identity,
    )
