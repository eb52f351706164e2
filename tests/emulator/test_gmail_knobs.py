"""The knobs on Gmail: quotas in Gmail's words, faults before a send, answers lost after one."""

from __future__ import annotations

from collections.abc import Callable

import httplib2
import pytest
import requests
from googleapiclient.errors import HttpError

from tests.emulator.gmail_support import OFFICE, TL_ONE, digest, ids, send
from tests.emulator.support import Clients, api_error, reason
from tst_sheets.emulator import RunningEmulator


@pytest.fixture
def office(connect_as: Callable[[str], Clients]) -> Clients:
    return connect_as(OFFICE)


def test_over_the_per_user_quota_answers_403_user_rate_limit(
    office: Clients, knobs: Callable[..., None]
) -> None:
    knobs(quota_write_per_user=1, quota_window_s=30)
    send(office, digest(to=TL_ONE))
    status, error = api_error(lambda: send(office, digest(to=TL_ONE)))
    assert status == 403 and reason(error) == "userRateLimitExceeded"
    assert error["errors"][0]["domain"] == "usageLimits"
    assert error["message"].startswith("User Rate Limit Exceeded.")
    assert "gmail.googleapis.com" in error["errors"][0]["extendedHelp"]
    assert ids(office) != []  # reads have their own quota


def test_over_the_project_quota_answers_403_rate_limit(
    office: Clients, connect_as: Callable[[str], Clients], knobs: Callable[..., None]
) -> None:
    knobs(quota_read_per_project=1, quota_window_s=30)
    ids(office)
    status, error = api_error(lambda: ids(connect_as(TL_ONE)))
    assert (status, error) == (
        403,
        {
            "code": 403,
            "message": "Rate Limit Exceeded",
            "errors": [
                {
                    "message": "Rate Limit Exceeded",
                    "domain": "usageLimits",
                    "reason": "rateLimitExceeded",
                }
            ],
        },
    )


def test_a_fault_comes_before_the_send(
    office: Clients, connect_as: Callable[[str], Clients], knobs: Callable[..., None]
) -> None:
    knobs(fault_rate=1.0, seed=3)
    status, error = api_error(lambda: send(office, digest(to=TL_ONE)))
    assert status in (500, 503) and reason(error) == "backendError"
    knobs(fault_rate=0.0)
    assert ids(connect_as(TL_ONE)) == [] and ids(office) == []


def test_a_lost_answer_after_send_still_delivered_it(
    emulator: RunningEmulator,
    office: Clients,
    connect_as: Callable[[str], Clients],
    knobs: Callable[..., None],
) -> None:
    knobs(lost_answer_rate=1.0, seed=7)
    with pytest.raises((HttpError, httplib2.error.HttpLib2Error, ConnectionError, OSError)):
        send(office, digest(to=TL_ONE))
    knobs(lost_answer_rate=0.0)
    delivered = ids(connect_as(TL_ONE))
    assert len(delivered) >= 1  # httplib2 may have resent once on a dropped connection
    assert len(ids(office)) == len(delivered)
    stats = requests.get(f"{emulator.url}/_emulator/stats", timeout=5).json()
    assert stats["byApi"]["gmail"]["users.messages.send"] >= 1
    assert stats["byKind"]["gmail"]["write"] >= 1
