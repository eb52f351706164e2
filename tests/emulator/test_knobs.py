"""The test knobs: quotas answered in each API's words, the sharing rate, faults before a
write, and answers lost after one."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httplib2
import pytest
import requests

from tests.emulator.support import Clients, api_error, reason
from tst_sheets.emulator import RunningEmulator

ME = "tst-service@tst.example.org"


def raw(emulator: RunningEmulator, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {ME}"}
    return requests.request(method, emulator.url + path, headers=headers, timeout=10, **kwargs)


def test_unknown_knobs_are_refused_and_all_knobs_are_listed(emulator: RunningEmulator) -> None:
    answer = requests.post(f"{emulator.url}/_emulator/knobs", json={"nope": 1}, timeout=5)
    assert answer.status_code == 400
    listed = requests.get(f"{emulator.url}/_emulator/knobs", timeout=5).json()
    assert {"quota_read_per_user", "sharing_per_user", "lost_answer_rate", "seed"} <= set(listed)


def test_drive_over_the_per_user_quota_answers_403_user_rate_limit(
    workspace: Clients, knobs: Callable[..., None]
) -> None:
    knobs(quota_read_per_user=1, quota_window_s=30)
    workspace.drive.files().list().execute()
    status, error = api_error(lambda: workspace.drive.files().list().execute())
    assert status == 403 and reason(error) == "userRateLimitExceeded"
    assert error["errors"][0]["domain"] == "usageLimits"
    assert error["message"].startswith("User Rate Limit Exceeded.")
    assert "status" not in error


def test_drive_over_the_project_quota_answers_403_rate_limit(
    workspace: Clients, connect_as: Callable[[str], Clients], knobs: Callable[..., None]
) -> None:
    knobs(quota_read_per_project=1, quota_window_s=30)
    workspace.drive.files().list().execute()
    status, error = api_error(
        lambda: connect_as("other@tst.example.org").drive.files().list().execute()
    )
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


def test_sheets_over_quota_keeps_its_429(
    emulator: RunningEmulator, knobs: Callable[..., None]
) -> None:
    knobs(quota_read_per_user=1, quota_window_s=30)
    raw(emulator, "GET", "/v4/spreadsheets/abc")
    answer = raw(emulator, "GET", "/v4/spreadsheets/abc")
    assert answer.status_code == 429
    assert "Retry-After" not in answer.headers
    error = answer.json()["error"]
    assert error["status"] == "RESOURCE_EXHAUSTED" and "errors" not in error
    assert error["message"] == (
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per "
        "user' of service 'sheets.googleapis.com' for consumer 'project_number:0'."
    )


def test_calendar_over_quota_answers_403_usage_limits(
    workspace: Clients, knobs: Callable[..., None]
) -> None:
    knobs(quota_read_per_user=1, quota_window_s=30)
    workspace.calendar.calendarList().list().execute()
    status, error = api_error(lambda: workspace.calendar.calendarList().list().execute())
    assert status == 403 and reason(error) == "userRateLimitExceeded"
    assert error["errors"][0]["domain"] == "usageLimits"


def test_sharing_faster_than_the_sharing_rate_answers_403(
    workspace: Clients, knobs: Callable[..., None]
) -> None:
    created = workspace.drive.files().create(body={"name": "Roster"}).execute()
    knobs(sharing_per_user=1, quota_window_s=30)

    def share(email: str) -> Any:
        body = {"type": "user", "role": "reader", "emailAddress": email}
        return workspace.drive.permissions().create(fileId=created["id"], body=body).execute()

    share("a@tst.example.org")
    status, error = api_error(lambda: share("b@tst.example.org"))
    assert status == 403 and reason(error) == "sharingRateLimitExceeded"
    assert error["message"] == (
        'Rate limit exceeded. User message: "These item(s) could not be shared because a rate '
        'limit was exceeded: Roster"'
    )
    listed = workspace.drive.permissions().list(fileId=created["id"]).execute()["permissions"]
    assert len(listed) == 2  # the owner and the first share only


def test_faults_come_before_the_write(
    emulator: RunningEmulator, knobs: Callable[..., None]
) -> None:
    knobs(fault_rate=1.0, seed=3)
    answer = raw(emulator, "POST", "/drive/v3/files", json={"name": "never"})
    assert answer.status_code in (500, 503)
    assert answer.json()["error"]["errors"][0]["reason"] == "backendError"
    knobs(fault_rate=0.0)
    assert raw(emulator, "GET", "/drive/v3/files").json()["files"] == []


def _lost_answers(emulator: RunningEmulator, count: int) -> list[str]:
    outcomes = []
    for n in range(count):
        try:
            answer = raw(emulator, "POST", "/drive/v3/files", json={"name": f"file {n}"})
            outcomes.append(str(answer.status_code))
        except requests.ConnectionError:
            outcomes.append("dropped")
    return outcomes


def test_lost_answers_apply_the_change_and_are_repeatable_with_a_seed(
    emulator: RunningEmulator, knobs: Callable[..., None]
) -> None:
    knobs(lost_answer_rate=1.0, seed=5)
    first = _lost_answers(emulator, 12)
    assert set(first) <= {"500", "503", "dropped"}
    assert "dropped" in first and ({"500", "503"} & set(first))  # both kinds happen
    knobs(lost_answer_rate=0.0)
    names = {f["name"] for f in raw(emulator, "GET", "/drive/v3/files").json()["files"]}
    assert names == {f"file {n}" for n in range(12)}  # every lost answer's change was kept
    knobs(lost_answer_rate=1.0, seed=5)
    assert _lost_answers(emulator, 12) == first


def test_the_server_keeps_serving_after_a_dropped_connection(
    emulator: RunningEmulator, knobs: Callable[..., None]
) -> None:
    knobs(lost_answer_rate=1.0, seed=5)
    outcomes = _lost_answers(emulator, 4)
    assert "dropped" in outcomes
    knobs(lost_answer_rate=0.0)
    http = httplib2.Http(timeout=5)
    response, content = http.request(
        f"{emulator.url}/drive/v3/files", headers={"authorization": f"Bearer {ME}"}
    )
    assert response.status == 200 and len(json.loads(content)["files"]) == 4


def test_a_dropped_answer_to_a_create_can_leave_duplicates(
    workspace: Clients, knobs: Callable[..., None]
) -> None:
    """httplib2 quietly sends a request again once when the connection drops, so a create
    whose answers are lost is applied twice before the client sees an error."""
    knobs(lost_answer_rate=1.0, seed=4)  # seed 4 drops the first two answers
    with pytest.raises((ConnectionError, httplib2.HttpLib2Error, OSError)):
        workspace.drive.files().create(body={"name": "sent"}).execute()
    knobs(lost_answer_rate=0.0)
    names = [f["name"] for f in workspace.drive.files().list().execute()["files"]]
    assert names == ["sent", "sent"]
