"""Credentials for each target, with the least scopes the jobs need.

Scopes, and why each:
- ``spreadsheets``: read the roster and team workbooks staff share with the service, write
  the workbooks it creates. (There is no narrower Sheets scope that can read a shared roster.)
- ``drive.file``: Drive metadata, sharing and listing of only the files the service itself
  created or was given; never the rest of anyone's Drive.
- ``calendar.app.created``: create the program's own secondary calendar and manage events on
  it, and nothing else of anyone's calendars. Inviting attendees from a service account needs
  domain-wide delegation with a ``subject`` (a program staff user).
- ``calendar.calendarlist.readonly``: only the names of the subject's calendars, so a program
  calendar that a crashed run created but never recorded in the roster is found again
  (``calendarList.list`` is not open to ``calendar.app.created``). Never any events.
"""

from __future__ import annotations

import google.auth
from google.auth import iam
from google.auth.credentials import Credentials
from google.auth.transport.requests import Request
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from tst_sheets.config import Settings

SHEETS_SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
DRIVE_SCOPES = ("https://www.googleapis.com/auth/drive.file",)
CALENDAR_SCOPES = (
    "https://www.googleapis.com/auth/calendar.app.created",
    "https://www.googleapis.com/auth/calendar.calendarlist.readonly",
)
ALL_SCOPES = SHEETS_SCOPES + DRIVE_SCOPES + CALENDAR_SCOPES
_TOKEN_URI = "https://oauth2.googleapis.com/token"


def local_credentials(identity: str) -> Credentials:
    """The emulator reads the bearer token as the caller's email; it never expires."""
    return user_credentials.Credentials(token=identity)


def google_credentials(settings: Settings, subject: str | None = None) -> Credentials:
    """ADC or a key file; with ``subject``, domain-wide delegation as that user."""
    if settings.credentials == "key-file":
        if settings.key_file is None:
            raise ValueError("TST_CREDENTIALS=key-file needs TST_KEY_FILE")
        base: Credentials = service_account.Credentials.from_service_account_file(
            str(settings.key_file), scopes=ALL_SCOPES
        )
    else:
        base, _ = google.auth.default(scopes=ALL_SCOPES)
    if subject is None:
        return base
    return _delegated(base, subject)


def _delegated(base: Credentials, subject: str) -> Credentials:
    if isinstance(base, service_account.Credentials):
        return base.with_subject(subject)
    # Keyless delegation (e.g. on Cloud Functions): sign the JWT through the IAM API.
    email = getattr(base, "service_account_email", None)
    if not email:
        raise ValueError("domain-wide delegation needs service-account credentials")
    base.refresh(Request())
    signer = iam.Signer(Request(), base, email)
    return service_account.Credentials(
        signer, email, _TOKEN_URI, scopes=ALL_SCOPES, subject=subject
    )
