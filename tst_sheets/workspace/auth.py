"""Credentials for each target, with the least scopes the jobs need.

Scopes, and why each:
- ``spreadsheets``: read the roster and team workbooks staff share with the service, write
  the workbooks it creates. (There is no narrower Sheets scope that can read a shared roster.)
- ``drive``: the program's shared drive. ``drive.file`` ("only the specific Google Drive files
  you use with this app") would not let the service create files in a folder an admin made,
  nor list the shared drive's members for the access audit. A service account reaches only
  what it was given (the program's shared drive, files shared with it), so ``drive`` adds
  nothing beyond the program's own drive.
- ``calendar.app.created``: create the program's own secondary calendar and manage events on
  it, and nothing else of anyone's calendars. Inviting attendees from a service account needs
  domain-wide delegation with a ``subject`` (a program staff user).
- ``calendar.calendarlist.readonly``: only the names of the subject's calendars, so a program
  calendar that a crashed run created but never recorded in the roster is found again
  (``calendarList.list`` is not open to ``calendar.app.created``). Never any events.
- ``calendar.acls``: who may see the program calendar, for the access audit (``acl.list``)
  and its ``--fix`` (``acl.delete``), on calendars the subject owns only; neither method is
  open to ``calendar.app.created``.

A roll-up that runs out of time in Cloud Functions hands the rest to Cloud Tasks as the service
account itself (never delegated), with ``cloud-platform``: Cloud Tasks has no narrower scope,
so the account's IAM role (Cloud Tasks Enqueuer on the one queue) is what bounds it.

The weekly email has credentials of its own, delegated to the sender (``TST_SENDER``) with
only the Gmail scopes, never the files' or the calendar's:
- ``gmail.send``: send the digests (``users.messages.send``), nothing else.
- ``gmail.metadata``: after a crash or a lost answer, look in the sender's Sent mail for a
  digest's ``Message-ID`` before sending it again (``users.messages.list``/``get`` of
  headers), and the doctor's ``users.getProfile``. Headers only: Google never gives this
  scope a message's body, its attachments or a search (``q``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import google.auth
from google.auth import iam
from google.auth.credentials import Credentials
from google.auth.exceptions import DefaultCredentialsError
from google.auth.transport.requests import Request
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from tst_sheets.config import Settings
from tst_sheets.errors import ConfigError

SHEETS_SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
DRIVE_SCOPES = ("https://www.googleapis.com/auth/drive",)
CALENDAR_SCOPES = (
    "https://www.googleapis.com/auth/calendar.app.created",
    "https://www.googleapis.com/auth/calendar.calendarlist.readonly",
    "https://www.googleapis.com/auth/calendar.acls",
)
ALL_SCOPES = SHEETS_SCOPES + DRIVE_SCOPES + CALENDAR_SCOPES
# Cloud Tasks has no narrower scope; the service account's IAM role (Cloud Tasks Enqueuer on
# the one queue) is what limits it.
TASKS_SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
GMAIL_SCOPES = (
    "https://www.googleapis.com/auth/gmail.send",
    "https://www.googleapis.com/auth/gmail.metadata",
)
_TOKEN_URI = "https://oauth2.googleapis.com/token"


SERVICE_ACCOUNT_DOMAIN = "gserviceaccount.com"


def is_service_account(email: str) -> bool:
    """``…@project.iam.gserviceaccount.com`` (and Google's App Engine / Compute defaults)."""
    return email.lower().rpartition("@")[2].endswith(SERVICE_ACCOUNT_DOMAIN)


def service_account_email(credentials: Credentials) -> str:
    """The service account the credentials are (Compute's ADC says "default" until refreshed)."""
    email = str(getattr(credentials, "service_account_email", "") or "")
    if email in ("", "default") and hasattr(credentials, "refresh"):
        credentials.refresh(Request())
        email = str(getattr(credentials, "service_account_email", "") or "")
    return email or "(unknown account)"


def local_credentials(identity: str) -> Credentials:
    """The emulator reads the bearer token as the caller's email; it never expires."""
    return user_credentials.Credentials(token=identity)


def google_credentials(
    settings: Settings, subject: str | None = None, scopes: Sequence[str] = ALL_SCOPES
) -> Credentials:
    """ADC or a key file; with ``subject``, domain-wide delegation as that user, asking
    ``scopes`` only (the sender's token: the Gmail scopes, nothing else).

    A missing or unreadable key, or no ADC at all, is a ``ConfigError`` saying what to set.
    """
    if settings.credentials == "key-file":
        base = _key_file(settings.key_file, scopes)
    else:
        try:
            base, _ = google.auth.default(scopes=list(scopes))
        except DefaultCredentialsError as error:
            raise ConfigError(
                "No Google credentials found: run `gcloud auth application-default login` "
                "(or deploy with a service account), or set TST_CREDENTIALS=key-file and "
                "TST_KEY_FILE."
            ) from error
    if subject is None:
        return base
    return _delegated(base, subject, scopes)


def _key_file(path: Path | None, scopes: Sequence[str]) -> Credentials:
    if path is None:
        raise ConfigError("TST_CREDENTIALS=key-file needs TST_KEY_FILE: the service account's key.")
    try:
        key: Credentials = service_account.Credentials.from_service_account_file(
            str(path), scopes=list(scopes)
        )
    except FileNotFoundError as error:
        raise ConfigError(f"TST_KEY_FILE {path} does not exist: set it to the key file.") from error
    except (ValueError, OSError) as error:
        raise ConfigError(
            f"TST_KEY_FILE {path} is not a service-account key ({error}); download a JSON key "
            "for the service account and point TST_KEY_FILE at it."
        ) from error
    return key


def _delegated(base: Credentials, subject: str, scopes: Sequence[str]) -> Credentials:
    if isinstance(base, service_account.Credentials):
        return base.with_subject(subject).with_scopes(list(scopes))
    # Keyless delegation (e.g. on Cloud Functions): sign the JWT through the IAM API.
    email = getattr(base, "service_account_email", None)
    if not email:
        raise ConfigError(
            "Domain-wide delegation (TST_SUBJECT, TST_OWNER or TST_SENDER) needs service-account "
            "credentials: set TST_CREDENTIALS=key-file and TST_KEY_FILE, or run as the service "
            "account."
        )
    base.refresh(Request())
    signer = iam.Signer(Request(), base, email)
    return service_account.Credentials(
        signer, email, _TOKEN_URI, scopes=list(scopes), subject=subject
    )


TOKENINFO_URL = "https://oauth2.googleapis.com/tokeninfo"


def granted_scopes(credentials: Credentials) -> set[str]:
    """The scopes Google granted these credentials (its tokeninfo endpoint, 1 request)."""
    request = Request()
    if not credentials.valid:
        credentials.refresh(request)
    reply = request(f"{TOKENINFO_URL}?access_token={credentials.token}", method="GET")
    if reply.status != 200:
        return set()
    return set(json.loads(reply.data).get("scope", "").split())
