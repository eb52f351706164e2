"""The project's own errors. The gateway (``tst_sheets.workspace``) turns every error of the
client libraries into ``GoogleError``; a misconfiguration is a ``ConfigError`` whose message is
one line saying what to set."""

from __future__ import annotations

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


class TstError(Exception):
    """Anything the service reports in words rather than as a traceback."""


class ConfigError(TstError):
    """A setting is missing or wrong; the message says what to set."""


class GoogleError(TstError):
    """Google answered with an error (or could not be reached: ``status`` 0)."""

    def __init__(self, status: int, message: str, reason: str = "", api: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.api = api

    @property
    def ambiguous(self) -> bool:
        """The request may or may not have been applied: a 5xx, or no answer (but a refused
        connection: that request never left)."""
        if self.status == 0:
            return self.reason != "refused"
        return self.status in TRANSIENT_STATUSES and self.status != 429

    @property
    def transient(self) -> bool:
        """Worth trying again later: quota, a server error, or no answer at all."""
        return self.status in TRANSIENT_STATUSES or self.status == 0

    def __str__(self) -> str:
        if self.status == 0:
            return self.message
        return f"HTTP {self.status}: {self.message}" if self.message else f"HTTP {self.status}"


class Unreachable(GoogleError):
    """No answer: the connection failed or was dropped."""

    def __init__(self, message: str, api: str = "", reason: str = "unreachable") -> None:
        super().__init__(0, message, reason, api)


class RosterUnreadable(ConfigError):
    """A roster tab or column a job depends on is missing, renamed or has no header: the job
    stops before it writes anything (staff fix the roster; the message says where)."""
