"""Shared fixtures: an in-process emulator over real HTTP, set up as production is (a staff
admin's shared drive with the service account as its Content manager), and clients built as
production builds them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
import requests

from tst_sheets.config import LOCAL_SERVICE_ACCOUNT, Settings
from tst_sheets.demo.admin import prepare_program_drive, program_admin
from tst_sheets.emulator import RunningEmulator, start_in_thread
from tst_sheets.workspace import Workspace, connect

# Only loopback is ever contacted: google-auth, looking for credentials, must never probe the
# Compute Engine metadata server.
os.environ["NO_GCE_CHECK"] = "True"
os.environ["GCE_METADATA_HOST"] = os.environ["GCE_METADATA_IP"] = "127.0.0.1:9"
for _name in ("GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG"):
    os.environ.pop(_name, None)

SERVICE = LOCAL_SERVICE_ACCOUNT
ADMIN = program_admin()  # a staff user: made the shared drive; the calendar acts as them


@pytest.fixture
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    """A fresh emulator (its own SQLite file) on a free loopback port."""
    db = tmp_path_factory.mktemp("emulator") / "emulator.db"
    running = start_in_thread(db)
    yield running
    running.stop()


@pytest.fixture
def program_drive(emulator: RunningEmulator) -> str:
    """The program's shared drive, as the deploy guide asks an admin to make it."""
    return prepare_program_drive(Settings(target="local", emulator_url=emulator.url), ADMIN)


@pytest.fixture
def settings(emulator: RunningEmulator, program_drive: str) -> Settings:
    return Settings(
        target="local",
        emulator_url=emulator.url,
        identity=SERVICE,
        drive_folder=program_drive,
        subject=ADMIN,
        retry_deadline_s=20.0,
        retry_base_delay_s=0.05,  # the same policy, on a test's time scale
    )


@pytest.fixture
def service_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The service's settings in the environment, as a deployed function or a CLI user has."""
    for name, value in {
        "TST_TARGET": settings.target,
        "TST_EMULATOR_URL": settings.emulator_url,
        "TST_IDENTITY": settings.identity,
        "TST_DRIVE_FOLDER": settings.drive_folder or "",
        "TST_SUBJECT": settings.subject or "",
        "TST_RETRY_DEADLINE_S": str(settings.retry_deadline_s),
        "TST_RETRY_BASE_DELAY_S": str(settings.retry_base_delay_s),
    }.items():
        monkeypatch.setenv(name, value)
    return settings


@pytest.fixture
def workspace(settings: Settings) -> Workspace:
    """The service's own clients (identity ``SERVICE``)."""
    return connect(settings)


@pytest.fixture
def connect_as(settings: Settings) -> Callable[[str], Workspace]:
    """Clients acting as another person, e.g. a TL or a coach."""
    return lambda email: connect(settings, identity=email)


@pytest.fixture
def knobs(emulator: RunningEmulator) -> Callable[..., None]:
    """Turn emulator knobs on over HTTP, as a benchmark would."""

    def set_knobs(**changes: object) -> None:
        requests.post(f"{emulator.url}/_emulator/knobs", json=changes, timeout=5).raise_for_status()

    return set_knobs
