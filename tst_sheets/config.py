"""Settings from the environment (prefix ``TST_``). Program facts live in the roster, not here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tst_sheets.errors import ConfigError
from tst_sheets.model.a1 import ID_ALPHABET, is_google_id

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL_SERVICE_ACCOUNT = "tst-service@tst-sheets.iam.gserviceaccount.com"
QUEUE_NAME = re.compile(r"^projects/[^/]+/locations/[^/]+/queues/[A-Za-z0-9-]{1,100}$")


def _templates_home() -> Path:
    """``sheet_templates/`` beside the package (a checkout, an editable install), else in the
    working directory (Cloud Functions runs from the deployed source's root)."""
    for home in (REPO_ROOT / "sheet_templates", Path.cwd() / "sheet_templates"):
        if home.is_dir():
            return home
    return REPO_ROOT / "sheet_templates"  # missing: loading one says to set TST_TEMPLATES_DIR


DEFAULT_TEMPLATES = _templates_home()


@dataclass(frozen=True)
class Continuation:
    """A Cloud Tasks queue, the URL its task calls, and whose OIDC token the task carries."""

    queue: str
    url: str
    service_account: str


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TST_", extra="ignore")

    target: Literal["local", "google"] = Field(
        default="local", description="local: the emulator at emulator_url; google: the real APIs."
    )
    emulator_url: str = Field(
        default="http://127.0.0.1:8787", description="Base URL of the emulator."
    )
    identity: str = Field(
        default=LOCAL_SERVICE_ACCOUNT,
        description="Local target only: the service's identity (the emulator's bearer token); "
        "a service account, as in production.",
    )
    drive_folder: str | None = Field(
        default=None,
        description="The shared drive (or a folder in one) where the service creates the "
        "roster, the team workbooks and the roll-up; the service account is a Content manager.",
    )
    owner: str | None = Field(
        default=None,
        description="Instead of a shared drive: the staff user the service acts as (domain-wide "
        "delegation) for Sheets and Drive, who then owns the files.",
    )
    credentials: Literal["adc", "key-file"] = Field(
        default="adc", description="google target: Application Default Credentials or a key file."
    )
    key_file: Path | None = Field(
        default=None, description="Service-account key file (credentials=key-file)."
    )
    subject: str | None = Field(
        default=None,
        description="Workspace user the Calendar client acts as (domain-wide delegation); "
        "locally, the identity that organizes events.",
    )
    sender: str | None = Field(
        default=None,
        description="The staff mailbox the weekly email is sent from (Gmail, domain-wide "
        "delegation with gmail.send); default: the subject.",
    )
    roster_id: str | None = Field(default=None, description="The program roster spreadsheet id.")
    program: str = Field(
        default="TST", description="Program key used to find the roster and workbooks."
    )
    timezone: str = Field(default="America/Chicago", description="Default program time zone.")
    as_of: date | None = Field(default=None, description="Evaluate commitments as of this date.")
    templates_dir: Path = Field(
        default=DEFAULT_TEMPLATES, description="Where sheet_templates/ lives."
    )
    sheets_reads_per_minute: int = Field(
        default=60,
        ge=0,
        description="google target: the Sheets reads a minute the service paces itself to "
        "(Google's per-user default; 0: no pacing).",
    )
    sheets_writes_per_minute: int = Field(
        default=60, ge=0, description="google target: the same for Sheets writes."
    )
    checkpoint_every: int = Field(
        default=100,
        ge=0,
        description="The roll-up saves its progress every this many teams read (0: only when "
        "cut short), so a run cut off resumes where it stopped.",
    )
    rollup_budget_s: float = Field(
        default=1500.0,
        gt=0,
        description="Cloud Functions: seconds a roll-up starts reads for; then it saves its "
        "progress and hands the rest to Cloud Tasks (below the function's 1,800 s timeout).",
    )
    rollup_reads_per_run: int = Field(
        default=0, ge=0, description="Cloud Functions: workbooks one invocation reads (0: any)."
    )
    tasks_queue: str | None = Field(
        default=None,
        description="Cloud Functions: the Cloud Tasks queue a roll-up out of time hands the "
        "rest to, projects/P/locations/L/queues/Q.",
    )
    rollup_url: str | None = Field(
        default=None, description="The roll-up function's own URL: where the task calls."
    )
    tasks_service_account: str | None = Field(
        default=None,
        description="The service account whose OIDC token the task carries (the functions').",
    )
    max_attempts: int = Field(
        default=10, ge=1, description="Attempts per request, retries included."
    )
    retry_base_delay_s: float = Field(
        default=0.5, gt=0, description="First backoff delay; each retry doubles it (jittered)."
    )
    retry_deadline_s: float = Field(
        default=150.0,
        gt=0,
        description="Give up retrying a request after this long (over one quota minute).",
    )

    @field_validator(
        "drive_folder",
        "owner",
        "subject",
        "sender",
        "roster_id",
        "key_file",
        "tasks_queue",
        "rollup_url",
        "tasks_service_account",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """A deploy passes ``TST_OWNER=`` for "none"; an empty value is no value."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("drive_folder", "roster_id")
    @classmethod
    def _google_id(cls, value: str | None) -> str | None:
        if value is not None and not is_google_id(value):
            raise ValueError(f"not a Google file id ({ID_ALPHABET} only)")
        return value

    @field_validator("tasks_queue")
    @classmethod
    def _queue_name(cls, value: str | None) -> str | None:
        if value is not None and not QUEUE_NAME.match(value):
            raise ValueError("not a queue name (projects/P/locations/L/queues/Q)")
        return value

    @field_validator("rollup_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("not a URL (https://…)")
        return value

    @field_validator("tasks_service_account")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and "@" not in value:
            raise ValueError("not a service account's email")
        return value

    def continuation(self) -> Continuation | None:
        """Where a roll-up out of time hands the rest: all three settings, or none (then a
        cut-short run waits for the next scheduled one). Some but not all: a ConfigError."""
        named = {
            "TST_TASKS_QUEUE": self.tasks_queue,
            "TST_ROLLUP_URL": self.rollup_url,
            "TST_TASKS_SERVICE_ACCOUNT": self.tasks_service_account,
        }
        missing = [name for name, value in named.items() if not value]
        if len(missing) == len(named):
            return None
        if missing:
            raise ConfigError(
                f"Set {' and '.join(missing)} too: a roll-up hands the rest of a long run to "
                "Cloud Tasks only with the queue, the function's URL and its service account."
            )
        assert self.tasks_queue and self.rollup_url and self.tasks_service_account
        return Continuation(self.tasks_queue, self.rollup_url, self.tasks_service_account)

    @classmethod
    def load(cls) -> Settings:
        """Settings from the environment; a bad value is one line naming its variable."""
        try:
            return cls()
        except ValidationError as error:
            first = error.errors()[0]
            name = "TST_" + str(first["loc"][0]).upper() if first["loc"] else "a TST_ variable"
            got = first.get("input")
            raise ConfigError(f"{name}={got!r} is not valid: {first['msg']}.") from None

    def files_identity(self) -> str:
        """Who owns and edits the program's files locally: the owner, else the service."""
        return self.owner or self.identity

    def calendar_subject(self) -> str:
        return self.subject or self.files_identity()

    def mail_sender(self) -> str:
        """Whose mailbox the weekly email comes from: TST_SENDER, else the staff subject ("":
        nobody, and a service account has no mailbox)."""
        return self.sender or self.subject or ""
