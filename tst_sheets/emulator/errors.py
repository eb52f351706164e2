"""Google's error bodies: ``{"error": {"code", "message", "status", "errors"}}``."""

from __future__ import annotations

from typing import Any

STATUS_BY_CODE = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}

REASON_BY_CODE = {
    400: "badRequest",
    401: "authError",
    403: "forbidden",
    404: "notFound",
    409: "duplicate",
    429: "rateLimitExceeded",
    500: "backendError",
    503: "backendError",
}


class ApiError(Exception):
    """An error answered the way the Google API answers it.

    ``style`` picks the body shape: Sheets (``code, message, status``), Drive v3 and
    Calendar v3 (``code, message, errors[]`` and, where Google sends it, ``status``).
    """

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: str | None = None,
        reason: str | None = None,
        location: str | None = None,
        location_type: str | None = None,
        with_status: bool = True,
        with_errors: bool = False,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_BY_CODE.get(code, "UNKNOWN")
        self.reason = reason or REASON_BY_CODE.get(code, "unknown")
        self.location = location
        self.location_type = location_type
        self.with_status = with_status
        self.with_errors = with_errors
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.with_errors:
            item: dict[str, Any] = {
                "message": self.message,
                "domain": "global",
                "reason": self.reason,
            }
            if self.location is not None:
                item["location"] = self.location
                item["locationType"] = self.location_type or "parameter"
            error["errors"] = [item]
        if self.with_status:
            error["status"] = self.status
        if self.details:
            error["details"] = self.details
        return {"error": error}


def sheets_error(code: int, message: str) -> ApiError:
    """Sheets v4 errors carry code, message and status only."""
    return ApiError(code, message)


def drive_error(
    code: int,
    message: str,
    reason: str | None = None,
    location: str | None = None,
    *,
    with_status: bool = False,
) -> ApiError:
    """Drive v3 errors carry an ``errors`` list; most have no ``status``."""
    return ApiError(
        code,
        message,
        reason=reason,
        location=location,
        location_type="parameter" if location else None,
        with_status=with_status,
        with_errors=True,
    )


def calendar_error(code: int, message: str, reason: str | None = None) -> ApiError:
    """Calendar v3 errors carry an ``errors`` list, like Drive v3."""
    return ApiError(code, message, reason=reason, with_status=False, with_errors=True)


def unauthenticated() -> ApiError:
    return ApiError(
        401,
        "Request is missing required authentication credential. Expected OAuth 2 access "
        "token, login cookie or other valid authentication credential. See "
        "https://developers.google.com/identity/sign-in/web/devconsole-project.",
    )


def quota_exceeded(api: str, scope: str, kind: str) -> ApiError:
    metric = f"{kind.capitalize()} requests per minute per {scope}"
    return ApiError(
        429,
        f"Quota exceeded for quota metric '{metric}' and limit '{metric}' of service "
        f"'{api}.googleapis.com' for consumer 'project_number:0'.",
        reason="rateLimitExceeded",
        with_errors=True,
    )
