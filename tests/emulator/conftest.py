"""The emulator tests' own fixtures: a fresh emulator over real HTTP and bare clients
(gspread, googleapiclient) for any identity. Nothing here uses the service's code."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from tests.emulator.support import Clients, connect
from tst_sheets.emulator import RunningEmulator, start_in_thread

SERVICE = "tst-service@tst.example.org"  # a person's account: it owns what it creates


@pytest.fixture
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    """A fresh emulator (its own SQLite file) on a free loopback port."""
    db = tmp_path_factory.mktemp("emulator") / "emulator.db"
    running = start_in_thread(db)
    yield running
    running.stop()


@pytest.fixture
def workspace(emulator: RunningEmulator) -> Clients:
    """Clients acting as ``SERVICE``."""
    return connect(emulator.url, SERVICE)


@pytest.fixture
def connect_as(emulator: RunningEmulator) -> Callable[[str], Clients]:
    """Clients acting as anyone else: a TL, a coach, a service account."""
    return lambda email: connect(emulator.url, email)


@pytest.fixture
def knobs(emulator: RunningEmulator) -> Callable[..., None]:
    """Turn emulator knobs on over HTTP, as a benchmark would."""

    def set_knobs(**changes: Any) -> None:
        answer = requests.post(f"{emulator.url}/_emulator/knobs", json=changes, timeout=5)
        answer.raise_for_status()

    return set_knobs
