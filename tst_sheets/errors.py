"""The HTTP status of an error from Google's client libraries (gspread or googleapiclient)."""

from __future__ import annotations

from googleapiclient.errors import HttpError
from gspread.exceptions import APIError


def http_status(error: BaseException) -> int:
    """The status Google answered with; 0 for anything that is not a Google API error."""
    if isinstance(error, APIError):
        return int(getattr(error, "code", 0) or error.response.status_code)
    if isinstance(error, HttpError):
        return int(getattr(error.resp, "status", 0))
    return 0
