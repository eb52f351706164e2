"""Retries that fit Google: a request Google keeps refusing is tried again through at least a
whole quota minute before the job gives up on it; a ``Retry-After`` is honoured; nothing is
tried again where waiting cannot help. The waits are recorded, never slept."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tst_sheets.config import Settings
from tst_sheets.emulator import RunningEmulator
from tst_sheets.errors import GoogleError
from tst_sheets.workspace import connect
from tst_sheets.workspace.retry import RetryPolicy, retryable

QUOTA_WINDOW_S = 60.0  # Google counts requests per user per minute


def test_a_request_google_keeps_refusing_is_retried_through_a_whole_quota_minute(
    emulator: RunningEmulator, knobs: Callable[..., None]
) -> None:
    ws = connect(Settings(target="local", emulator_url=emulator.url))  # the default policy
    waits: list[float] = []
    ws.policy.sleep = waits.append
    knobs(fault_rate=1.0, seed=5)
    with pytest.raises(GoogleError):
        ws.drive.about()
    assert len(waits) == ws.policy.max_attempts - 1
    assert sum(waits) >= QUOTA_WINDOW_S


def test_retry_after_is_waited_as_google_says() -> None:
    assert RetryPolicy().delay(2, retry_after="45") == 45.0


@pytest.mark.parametrize(
    ("status", "reason"),
    [(400, ""), (403, "insufficientPermissions"), (403, "storageQuotaExceeded"), (404, "")],
)
def test_an_answer_no_wait_can_change_is_not_tried_again(status: int, reason: str) -> None:
    assert not retryable(status, reason)
