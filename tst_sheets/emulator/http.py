"""The pieces every API's handlers share: a parsed call, routes, JSON responses."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from tst_sheets.emulator.errors import ApiError
from tst_sheets.emulator.store import Transaction

Kind = Literal["read", "write"]


@dataclass
class Call:
    """One request as a handler sees it: who calls, the path parameters, query and body."""

    request: Request
    user: str
    txn: Transaction
    params: dict[str, str]
    base_url: str

    @property
    def query(self) -> MultiDict[str, str]:
        return self.request.args

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.request.args.get(name, default)

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.request.args.get(name)
        if value is None:
            return default
        return value.lower() in ("true", "1")

    def json(self) -> dict[str, Any]:
        raw = self.request.get_data(cache=True)
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise ApiError(400, f"Invalid JSON payload received. {exc}") from exc
        if not isinstance(body, dict):
            raise ApiError(400, "Invalid JSON payload received. Expected an object.")
        return body


Handler = Callable[[Call], "Response | dict[str, Any] | None"]


@dataclass
class Route:
    """``pattern`` is a regex over the path with named groups,
    e.g. ``/drive/v3/files/(?P<fileId>[^/]+)``."""

    method: str
    pattern: str
    api: str
    name: str
    kind: Kind
    handler: Handler
    regex: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.regex = re.compile(self.pattern + r"\Z")


def json_response(body: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, indent=2),
        status=status,
        content_type="application/json; charset=UTF-8",
    )


def no_content() -> Response:
    return Response(b"", status=204)
