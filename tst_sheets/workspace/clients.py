"""One factory for every client of a target; the rest of the code cannot tell which target."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gspread
import requests
from google.auth.exceptions import GoogleAuthError
from googleapiclient.discovery import build

from tst_sheets.config import Settings
from tst_sheets.errors import ConfigError, GoogleError
from tst_sheets.workspace.auth import (
    GMAIL_SCOPES,
    TASKS_SCOPES,
    google_credentials,
    granted_scopes,
    is_service_account,
    local_credentials,
    service_account_email,
)
from tst_sheets.workspace.calendar import Calendar
from tst_sheets.workspace.counting import CallCounter
from tst_sheets.workspace.drive import Drive
from tst_sheets.workspace.gmail import Gmail
from tst_sheets.workspace.pace import Pace, emulator_pace, google_pace, unpaced
from tst_sheets.workspace.retry import RetryPolicy
from tst_sheets.workspace.sheets import Sheets
from tst_sheets.workspace.tasks import Tasks
from tst_sheets.workspace.transport import WorkspaceHttp, WorkspaceSession


@dataclass
class Workspace:
    """The gateway one job uses: Sheets, Drive, Calendar and Gmail, sharing one call counter."""

    sheets: Sheets
    drive: Drive
    calendar: Calendar
    # Drive as the staff user Calendar acts as (TST_SUBJECT): sharing emails then come from a
    # person the teacher knows, not from the service account's address.
    sharing: Drive
    counter: CallCounter
    identity: str
    settings: Settings
    policy: RetryPolicy
    pace: Pace = field(default_factory=unpaced)  # the service's own quota, shared by threads
    # who ``sharing`` and ``calendar`` act as: TST_SUBJECT, else the service ("" when that is
    # a service account behind an owner, whose address is not looked up)
    sharer: str = ""
    memo: dict[str, Any] = field(default_factory=dict)  # lookups a job makes once
    credentials: dict[str, Any] = field(default_factory=dict, repr=False)  # by role
    # whose mailbox the weekly email comes from (TST_SENDER, else TST_SUBJECT; "": nobody)
    sender: str = ""
    mail_factory: Callable[[], Gmail] | None = field(default=None, repr=False)
    mail_client: Gmail | None = field(default=None, repr=False)
    tasks_factory: Callable[[], Tasks] | None = field(default=None, repr=False)
    tasks_client: Tasks | None = field(default=None, repr=False)

    def calls(self) -> dict[str, dict[str, int]]:
        return self.counter.snapshot()

    @property
    def gmail(self) -> Gmail:
        """Gmail as the sender, built on first use: only the weekly email and the doctor need
        it, and on Google its delegated token is one more exchange."""
        if self.mail_client is None:
            if not self.sender or self.mail_factory is None:
                raise ConfigError(NO_SENDER)
            self.mail_client = self.mail_factory()
        return self.mail_client

    @property
    def tasks(self) -> Tasks:
        """Cloud Tasks as the service itself, built on first use: only a roll-up that runs
        out of time in Cloud Functions hands the rest on."""
        if self.tasks_client is None:
            assert self.tasks_factory is not None
            self.tasks_client = self.tasks_factory()
        return self.tasks_client

    def granted_scopes(self) -> dict[str, set[str]] | None:
        """The scopes Google granted each set of credentials (None on the emulator, which
        does not model OAuth); 1 tokeninfo request each."""
        if self.settings.target == "local":
            return None
        return {role: granted_scopes(creds) for role, creds in self.credentials.items()}

    @property
    def is_service_account(self) -> bool:
        """Google's service accounts own no files and invite nobody without delegation."""
        return is_service_account(self.identity)


NO_SENDER = (
    "No mailbox to send the weekly email from: set TST_SENDER (or TST_SUBJECT) to a staff "
    "user, authorised for gmail.send and gmail.metadata through domain-wide delegation."
)


def connect(settings: Settings | None = None, identity: str | None = None) -> Workspace:
    """Clients for ``settings.target``: gspread for Sheets, googleapiclient for Drive, Calendar
    and Gmail. Locally, ``identity`` is a person: every client (their mailbox too) is theirs."""
    settings = settings or Settings.load()
    counter = CallCounter()
    policy = RetryPolicy(
        max_attempts=settings.max_attempts,
        deadline_s=settings.retry_deadline_s,
        base_delay_s=settings.retry_base_delay_s,
    )
    if settings.target == "local":
        who = identity or settings.files_identity()
        creds = local_credentials(who)
        sharer = identity or settings.calendar_subject()
        calendar_creds = local_credentials(sharer)
        endpoint: str | None = settings.emulator_url.rstrip("/")
        one_user = who == sharer
    else:
        creds = google_credentials(settings, subject=settings.owner)
        calendar_creds = google_credentials(settings, subject=settings.subject)
        who = settings.owner or service_account_email(creds)
        sharer = settings.subject or (who if not settings.owner else "")
        endpoint = None
        one_user = settings.owner == settings.subject
    # Google's quotas are per user: the files' identity, and the one sharing and calendars act as.
    pace = pace_for(settings)
    sharer_pace = pace if one_user else pace.copy()
    session = WorkspaceSession(creds, counter, policy, emulator_url=endpoint, pace=pace)

    def http(credentials: Any, paced: Pace | None = None) -> WorkspaceHttp:
        return WorkspaceHttp(credentials, counter, policy, emulator_url=endpoint, pace=paced)

    sender = (identity if settings.target == "local" else None) or settings.mail_sender()
    credentials: dict[str, Any] = {"files": creds, "calendar": calendar_creds}

    def mail() -> Gmail:
        if settings.target == "local":
            mail_creds = local_credentials(sender)
        else:  # the sender's own token, with the Gmail scopes only
            try:
                mail_creds = google_credentials(settings, subject=sender, scopes=GMAIL_SCOPES)
            except GoogleAuthError as error:
                message = f"no token to act as {sender}: {error}"[:300]
                raise GoogleError(401, message, "unauthorized_client", "gmail") from error
        credentials["gmail"] = mail_creds
        return Gmail(_discovery("gmail", "v1", http(mail_creds), endpoint, path=""), sender)

    def tasks() -> Tasks:
        if settings.target == "local":
            tasks_creds = local_credentials(settings.identity)
        else:  # the function's own service account, never a delegated user
            tasks_creds = google_credentials(settings, scopes=TASKS_SCOPES)
        return Tasks(_discovery("cloudtasks", "v2", http(tasks_creds), endpoint, path=""))

    return Workspace(
        sheets=Sheets(gspread.Client(auth=creds, session=session)),
        drive=Drive(_discovery("drive", "v3", http(creds, pace), endpoint)),
        calendar=Calendar(
            _discovery("calendar", "v3", http(calendar_creds, sharer_pace), endpoint)
        ),
        sharing=Drive(_discovery("drive", "v3", http(calendar_creds, sharer_pace), endpoint)),
        counter=counter,
        identity=who,
        settings=settings,
        policy=policy,
        pace=pace,
        sharer=sharer,
        credentials=credentials,
        sender=sender,
        mail_factory=mail,
        tasks_factory=tasks,
    )


def pace_for(settings: Settings) -> Pace:
    """The limiter for one identity: Google's quotas, or the ones the emulator enforces (asked
    once, on its control endpoint; an emulator that does not answer is not paced)."""
    if settings.target == "google":
        return google_pace(settings.sheets_reads_per_minute, settings.sheets_writes_per_minute)
    try:
        knobs = requests.get(f"{settings.emulator_url.rstrip('/')}/_emulator/knobs", timeout=5)
        return emulator_pace(knobs.json() if knobs.ok else {})
    except (requests.RequestException, ValueError):
        return unpaced()


def _discovery(
    api: str, version: str, http: WorkspaceHttp, endpoint: str | None, path: str | None = None
) -> Any:
    """``path``: the service path the endpoint replaces ("" for Gmail, whose discovery paths
    begin ``gmail/v1/`` themselves); by default ``api/version/``."""
    service = f"{api}/{version}/" if path is None else path
    options = {"api_endpoint": f"{endpoint}/{service}"} if endpoint else None
    return build(
        api,
        version,
        http=http,
        client_options=options,
        static_discovery=True,
        cache_discovery=False,
    )
