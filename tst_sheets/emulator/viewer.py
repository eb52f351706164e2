"""A read-only HTML viewer of what the emulator holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from tst_sheets.emulator.app import EmulatorApp


def handles(path: str) -> bool:
    return path == "/" or path.startswith("/view/")


def render(app: EmulatorApp, request: Request) -> Response:
    return Response("<!doctype html><title>TST Sheets emulator</title><p>Emulator running.</p>",
                    content_type="text/html; charset=utf-8")
