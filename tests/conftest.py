"""Shared fixtures: an in-process emulator over real HTTP, and clients built as production
builds them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests

from tst_sheets.config import Settings
from tst_sheets.emulator import RunningEmulator, start_in_thread
from tst_sheets.workspace import Workspace, connect

SERVICE = "tst-service@tst.example.org"


@pytest.fixture
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    """A fresh emulator (its own SQLite file) on a free loopback port."""
    db = tmp_path_factory.mktemp("emulator") / "emulator.db"
    running = start_in_thread(db)
    yield running
    running.stop()


@pytest.fixture
def settings(emulator: RunningEmulator) -> Settings:
    return Settings(
        target="local",
        emulator_url=emulator.url,
        identity=SERVICE,
        retry_deadline_s=20.0,
        retry_base_delay_s=0.05,  # the same policy, on a test's time scale
    )


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
