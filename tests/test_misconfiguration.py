"""Every misconfiguration is one line on stderr saying what is wrong and what to set, exit 2,
never a traceback. The table below is the one the docs show."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tst_sheets.cli import app
from tst_sheets.config import Settings

Case = tuple[str, dict[str, str], list[str], str]


def cases(tmp: Path, live: Settings) -> list[Case]:
    emulator = {"TST_TARGET": "local", "TST_EMULATOR_URL": live.emulator_url}
    drive = {**emulator, "TST_DRIVE_FOLDER": live.drive_folder or ""}
    not_a_key = tmp / "key.json"
    not_a_key.write_text("{}")
    return [
        ("unknown TST_TARGET", {"TST_TARGET": "prod"}, ["rollup"], "TST_TARGET='prod'"),
        ("no credentials", {"TST_TARGET": "google"}, ["provision"], "No Google credentials"),
        (
            "key file missing",
            {"TST_TARGET": "google", "TST_CREDENTIALS": "key-file", "TST_KEY_FILE": "/no/key"},
            ["calendar"],
            "TST_KEY_FILE /no/key does not exist",
        ),
        (
            "key file not a key",
            {"TST_TARGET": "google", "TST_CREDENTIALS": "key-file", "TST_KEY_FILE": str(not_a_key)},
            ["collect"],
            "is not a service-account key",
        ),
        (
            "wrong roster id",
            {**drive, "TST_ROSTER_ID": "1NoSuchRosterAnywhere0"},
            ["rollup"],
            "cannot be opened",
        ),
        (
            "roster id with a path in it",
            drive,
            ["provision", "--roster", "../../drive/v3/files?x=1"],
            "is not a Google file id",
        ),
        (
            "TST_ROSTER_ID with a path in it",
            {**drive, "TST_ROSTER_ID": "../x"},
            ["calendar"],
            "TST_ROSTER_ID='../x' is not valid",
        ),
        (
            "emulator not running",
            {**drive, "TST_EMULATOR_URL": "http://127.0.0.1:9"},
            ["export-ics"],
            "Nothing answers at http://127.0.0.1:9",
        ),
        ("no drive folder for a service account", emulator, ["provision"], "TST_DRIVE_FOLDER"),
        ("no roster yet", drive, ["collect"], "run `tst-sheets init`"),
        (
            "a retry setting that is not a number",
            {**drive, "TST_MAX_ATTEMPTS": "many"},
            ["rollup"],
            "TST_MAX_ATTEMPTS='many' is not valid",
        ),
    ]


def test_each_misconfiguration_is_one_line_and_exit_2(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TST_ROSTER_ID", "TST_DRIVE_FOLDER", "TST_SUBJECT", "TST_IDENTITY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TST_RETRY_DEADLINE_S", "5")
    for name, env, args, expected in cases(tmp_path, settings):
        out = CliRunner().invoke(app, args, env=env)
        lines = [line for line in out.output.splitlines() if line.strip()]
        assert out.exit_code == 2, (name, out.output)
        assert len(lines) == 1 and expected in lines[0], (name, lines)
        assert "Traceback" not in out.output
