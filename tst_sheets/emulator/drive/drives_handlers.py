"""Drive v3 ``drives.*`` over HTTP; the state lives in ``shared_drives``.

``drives.list`` takes a ``q`` over ``name`` (``=``, ``!=``, ``contains``), ``hidden`` and
``createdTime``; the counts (``memberCount``, ``organizerCount``) are not modelled and
answer Drive's 400 like any term it cannot read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Response

from tst_sheets.emulator.drive import query, resources
from tst_sheets.emulator.drive.models import DriveBackend
from tst_sheets.emulator.drive.shared_drives import SharedDrives
from tst_sheets.emulator.errors import drive_error
from tst_sheets.emulator.fields import select
from tst_sheets.emulator.http import Call, Handler, Kind, Route, no_content
from tst_sheets.emulator.store import Doc

_DRIVES = "/drive/v3/drives"
_DRIVE = _DRIVES + r"/(?P<driveId>[^/]+)"


def routes(backend: DriveBackend) -> list[Route]:
    api = DrivesApi(SharedDrives(backend))

    def route(method: str, pattern: str, name: str, kind: Kind, handler: Handler) -> Route:
        return Route(method, pattern, "drive", name, kind, handler)

    return [
        route("POST", _DRIVES, "drives.create", "write", api.create),
        route("GET", _DRIVES, "drives.list", "read", api.list),
        route("GET", _DRIVE, "drives.get", "read", api.get),
        route("PATCH", _DRIVE, "drives.update", "write", api.update),
        route("DELETE", _DRIVE, "drives.delete", "write", api.delete),
        route("POST", _DRIVE + "/hide", "drives.hide", "write", api.hide),
        route("POST", _DRIVE + "/unhide", "drives.unhide", "write", api.unhide),
    ]


class DrivesApi:
    def __init__(self, drives: SharedDrives) -> None:
        self.drives = drives

    def create(self, call: Call) -> dict[str, Any]:
        root = self.drives.create(call.txn, call.user, call.arg("requestId"), call.json())
        return self._view(call, root)

    def get(self, call: Call) -> dict[str, Any]:
        root = self.drives.get(
            call.txn, call.user, call.params["driveId"], admin=call.flag("useDomainAdminAccess")
        )
        return self._view(call, root)

    def update(self, call: Call) -> dict[str, Any]:
        root = self.drives.update(
            call.txn,
            call.user,
            call.params["driveId"],
            call.json(),
            admin=call.flag("useDomainAdminAccess"),
        )
        return self._view(call, root)

    def delete(self, call: Call) -> Response:
        self.drives.delete(
            call.txn,
            call.user,
            call.params["driveId"],
            admin=call.flag("useDomainAdminAccess"),
            allow_item_deletion=call.flag("allowItemDeletion"),
        )
        return no_content()

    def hide(self, call: Call) -> dict[str, Any]:
        return self._view(call, self.drives.hide(call.txn, call.user, call.params["driveId"], True))

    def unhide(self, call: Call) -> dict[str, Any]:
        root = self.drives.hide(call.txn, call.user, call.params["driveId"], False)
        return self._view(call, root)

    def list(self, call: Call) -> dict[str, Any]:
        if call.flag("useDomainAdminAccess"):
            raise drive_error(
                403,
                "The user does not have the administrator privileges to list shared drives.",
                "insufficientAdministratorPrivileges",
            )
        size = _page_size(call.arg("pageSize"))
        offset = _offset(call.arg("pageToken"))
        matches = _compile(call.arg("q") or "")
        views = [
            resources.render_drive(r, call.user) for r in self.drives.list(call.txn, call.user)
        ]
        found = [v for v in views if matches(v)]
        body: dict[str, Any] = {"kind": "drive#driveList", "drives": found[offset : offset + size]}
        if offset + size < len(found):
            body["nextPageToken"] = str(offset + size)
        return dict(select(body, call.arg("fields") or resources.DRIVE_LIST_DEFAULT))

    @staticmethod
    def _view(call: Call, root: Doc) -> dict[str, Any]:
        body = resources.render_drive(root, call.user)
        return dict(select(body, call.arg("fields") or resources.DRIVE_DEFAULT))


def _page_size(raw: str | None) -> int:
    """At most 10 by default; above 100 is coerced to 100, as the reference says."""
    if not raw:
        return 10
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if size < 1:
        raise drive_error(
            400,
            f"Invalid value '{raw}'. Values must be within the range: [1, 100]",
            "invalid",
            "pageSize",
        )
    return min(size, 100)


def _offset(token: str | None) -> int:
    if not token:
        return 0
    if not token.isdigit():
        raise drive_error(400, "Invalid Value", "invalid", "pageToken")
    return int(token)


def _compile(text: str) -> Callable[[Doc], bool]:
    if not text.strip():
        return lambda view: True
    parser = _DriveQuery(query.tokenize(text), query.QueryContext("", ""))
    predicate = parser.expr()
    if parser.peek() is not None:
        raise query.invalid_query()
    return predicate


class _DriveQuery(query.Parser):
    """The ``drives.list`` terms, evaluated on the rendered ``Drive`` resource."""

    def clause(self) -> query.Predicate:
        field = self.expect("word").text
        op = self.next()
        if field == "name" and op.kind == "word" and op.text.lower() == "contains":
            needle = self.expect("string").text.lower()
            return lambda view: needle in str(view["name"]).lower()
        if op.kind != "op":
            raise query.invalid_query()
        value = self.next()
        if field == "name" and op.text in ("=", "!=") and value.kind == "string":
            wanted, equal = value.text, op.text == "="
            return lambda view: (view["name"] == wanted) == equal
        if field == "hidden" and op.text in ("=", "!=") and value.kind == "word":
            flag = value.text.lower() == "true"
            if value.text.lower() not in ("true", "false"):
                raise query.invalid_query()
            equal = op.text == "="
            return lambda view: (bool(view["hidden"]) == flag) == equal
        if field == "createdTime" and value.kind == "string":
            return self.compare("createdTime", op.text, value)
        raise query.invalid_query()
