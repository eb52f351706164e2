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
    501: "UNIMPLEMENTED",
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

    ``style`` picks the body shape: Sheets (``code, message, status``), Drive v3,
    Calendar v3 and Gmail v1 (``code, message, errors[]`` and, where Google sends it,
    ``status``).
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
        domain: str = "global",
        extended_help: str | None = None,
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
        self.domain = domain
        self.extended_help = extended_help

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.with_errors:
            item: dict[str, Any] = {
                "message": self.message,
                "domain": self.domain,
                "reason": self.reason,
            }
            if self.extended_help is not None:
                item["extendedHelp"] = self.extended_help
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
    domain: str = "global",
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
        domain=domain,
    )


def calendar_error(
    code: int, message: str, reason: str | None = None, *, domain: str = "global"
) -> ApiError:
    """Calendar v3 errors carry an ``errors`` list, like Drive v3."""
    return ApiError(
        code, message, reason=reason, with_status=False, with_errors=True, domain=domain
    )


def gmail_error(
    code: int,
    message: str,
    reason: str | None = None,
    *,
    status: str | None = None,
    domain: str = "global",
) -> ApiError:
    """Gmail v1 errors carry ``errors[]`` and a ``status``, e.g. 404 ``notFound`` /
    ``NOT_FOUND`` "Requested entity was not found." (see the README)."""
    return ApiError(
        code,
        message,
        status=status,
        reason=reason,
        with_status=True,
        with_errors=True,
        domain=domain,
    )


def unauthenticated() -> ApiError:
    return ApiError(
        401,
        "Request is missing required authentication credential. Expected OAuth 2 access "
        "token, login cookie or other valid authentication credential. See "
        "https://developers.google.com/identity/sign-in/web/devconsole-project.",
    )


_CONSOLE = "https://console.developers.google.com/apis/api/{}.googleapis.com/quotas?project=0"


def quota_exceeded(api: str, scope: str, kind: str) -> ApiError:
    """The answer to a request over a per-minute quota, as each API words it.

    Sheets: 429 ``RESOURCE_EXHAUSTED`` naming the quota metric and limit. Drive, Calendar
    and Gmail: 403 with domain ``usageLimits``, reason ``userRateLimitExceeded`` for the
    per-user quota and ``rateLimitExceeded`` for the project's (see the README).
    """
    if api == "sheets":
        metric = f"{kind.capitalize()} requests"
        limit = f"{metric} per minute" + (" per user" if scope == "user" else "")
        return ApiError(
            429,
            f"Quota exceeded for quota metric '{metric}' and limit '{limit}' of service "
            "'sheets.googleapis.com' for consumer 'project_number:0'.",
            details=[
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED",
                    "domain": "googleapis.com",
                    "metadata": {
                        "service": "sheets.googleapis.com",
                        "quota_metric": f"sheets.googleapis.com/{kind}_requests",
                        "quota_limit": f"{kind.capitalize()}RequestsPerMinutePer"
                        + ("User" if scope == "user" else "Project"),
                        "consumer": "projects/0",
                    },
                }
            ],
        )
    if api == "cloudtasks":  # Google's Cloud APIs: 429 RESOURCE_EXHAUSTED, no errors[]
        return ApiError(
            429,
            f"Quota exceeded for quota metric 'Requests' and limit 'Requests per minute"
            f"{' per user' if scope == 'user' else ''}' of service 'cloudtasks.googleapis.com' "
            "for consumer 'project_number:0'.",
        )
    if scope == "user" and api in ("drive", "gmail"):
        message = (
            "User Rate Limit Exceeded. Rate of requests for user exceed configured project "
            "quota. You may consider re-evaluating expected per-user traffic to the API and "
            "adjust project quota limits accordingly. You may monitor aggregate quota usage "
            f"and adjust limits in the API Console: {_CONSOLE.format(api)}"
        )
        return ApiError(
            403,
            message,
            reason="userRateLimitExceeded",
            with_status=False,
            with_errors=True,
            domain="usageLimits",
            extended_help=_CONSOLE.format(api),
        )
    user = scope == "user"
    return ApiError(
        403,
        "User Rate Limit Exceeded" if user else "Rate Limit Exceeded",
        reason="userRateLimitExceeded" if user else "rateLimitExceeded",
        with_status=False,
        with_errors=True,
        domain="usageLimits",
    )


def sharing_rate_exceeded(name: str) -> ApiError:
    """Drive's answer when ``permissions.create`` outruns the sharing rate."""
    message = (
        'Rate limit exceeded. User message: "These item(s) could not be shared because a '
        f'rate limit was exceeded: {name}"'
    )
    return drive_error(403, message, "sharingRateLimitExceeded")


def server_error(api: str, code: int) -> ApiError:
    """A 500 or 503 in the API's own words (Drive, Calendar and Gmail: ``backendError``)."""
    if api in ("sheets", "cloudtasks"):
        if code == 500:
            return ApiError(500, "Internal error encountered.")
        return ApiError(503, "The service is currently unavailable.")
    return ApiError(
        code, "Backend Error", reason="backendError", with_status=False, with_errors=True
    )
