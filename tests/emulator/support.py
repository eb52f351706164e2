"""Small helpers for the emulator's API tests (googleapiclient only, no HTTP mocks)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httplib2
import pytest
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError


def api_error(call: Callable[[], Any]) -> tuple[int, dict[str, Any]]:
    """Run a request that must fail; its status and the ``error`` object of its body."""
    with pytest.raises(HttpError) as failure:
        call()
    body = json.loads(failure.value.content)
    return int(failure.value.resp.status), dict(body["error"])


def reason(error: dict[str, Any]) -> str:
    return str(error["errors"][0]["reason"])


class LoopbackHttp(httplib2.Http):  # type: ignore[misc]
    """An httplib2 transport for uploads: googleapiclient keeps ``https`` on media paths
    when ``api_endpoint`` is overridden, so point them back at the plain-HTTP emulator."""

    def __init__(self, base_url: str, identity: str) -> None:
        super().__init__()
        self.secure_base = base_url.replace("http://", "https://", 1)
        self.base_url = base_url
        self.identity = identity

    def request(
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


def drive_client(base_url: str, identity: str) -> Any:
    """A bare googleapiclient Drive v3 client on the emulator (for media uploads)."""
    return build(
        "drive",
        "v3",
        http=LoopbackHttp(base_url, identity),
        static_discovery=True,
        client_options={"api_endpoint": f"{base_url}/drive/v3/"},
        cache_discovery=False,
    )
