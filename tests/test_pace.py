"""Pace, don't storm: the client-side limiter keeps a job inside the quota the target enforces,
so its requests are paced rather than refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from tst_sheets.config import Settings
from tst_sheets.emulator import RunningEmulator
from tst_sheets.errors import GoogleError
from tst_sheets.workspace import connect
from tst_sheets.workspace.clients import pace_for
from tst_sheets.workspace.pace import Pace


def take(pace: Pace, api: str, kind: str, patience_s: float = float("inf")) -> None:
    """One request's slot, answered at once."""
    with pace.slot(api, kind, patience_s):
        pass


def test_a_full_window_waits_for_its_oldest_answer() -> None:
    pace = Pace({("sheets", "read"): 3}, window_s=0.05)
    for _ in range(3):
        take(pace, "sheets", "read")
    assert pace.waited_s == 0
    take(pace, "sheets", "read")
    assert pace.waited_s > 0
    waited = pace.waited_s
    take(pace, "sheets", "write")  # writes have a quota of their own (here none)
    assert pace.waited_s == waited


def test_a_request_in_flight_holds_its_slot() -> None:
    pace = Pace({("sheets", "write"): 1}, window_s=60)
    with pace.slot("sheets", "write"), pytest.raises(GoogleError):
        take(pace, "sheets", "write", patience_s=0)  # nothing answered yet: no slot frees


def test_a_wait_past_the_retry_deadline_is_googles_429_at_once() -> None:
    pace = Pace({("sheets", "write"): 1}, window_s=60)
    take(pace, "sheets", "write")
    with pytest.raises(GoogleError) as refused:
        take(pace, "sheets", "write", patience_s=10)
    assert refused.value.status == 429 and pace.waited_s == 0


def test_each_refusal_lowers_the_limit_by_a_twentieth() -> None:
    pace = Pace({("sheets", "read"): 60})
    pace.refused("sheets", "read")
    pace.refused("calendar", "read")  # not paced: stays so
    assert pace.limits == {("sheets", "read"): 57}


def test_google_is_paced_to_its_defaults_and_a_quiet_emulator_not_at_all(
    settings: Settings,
) -> None:
    google = pace_for(Settings(target="google", sheets_reads_per_minute=100))
    assert google.limits[("sheets", "read")] == 100
    assert google.limits[("sheets", "write")] == 60
    assert google.limits[("calendar", "write")] == 600
    assert pace_for(settings).limits == {}


def test_a_job_paced_to_the_emulators_quota_is_never_refused(
    settings: Settings, knobs: Callable[..., None], emulator: RunningEmulator
) -> None:
    knobs(quota_read_per_user=4, quota_write_per_user=4, quota_window_s=1.0)
    ws = connect(settings)
    assert ws.pace.limits[("sheets", "read")] == 4 and ws.pace.window_s == 1.0
    book = ws.sheets.client.create("Paced", folder_id=settings.drive_folder)
    for n in range(10):
        book.sheet1.update([[str(n)]], "A1")
        assert book.sheet1.get_all_values() == [[str(n)]]
    assert ws.pace.waited_s > 0, "twenty requests at four a second must have waited"
    stats = emulator_stats(emulator)
    assert stats["knobs"]["quota"] == 0, "no request was refused"


def emulator_stats(emulator: RunningEmulator) -> dict[str, Any]:
    answer: dict[str, Any] = requests.get(f"{emulator.url}/_emulator/stats", timeout=5).json()
    return answer
