"""The demo end to end, as a new user runs it: the CLI on a fresh emulator, JSON summary."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tst_sheets.cli import app


def test_demo_json_summarises_a_whole_program() -> None:
    result = CliRunner().invoke(app, ["demo", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert set(summary) >= {
        "teams",
        "byStatus",
        "findings",
        "rollupUrl",
        "viewerUrl",
        "calls",
        "seconds",
    }
    assert summary["teams"] >= 12
    assert len([s for s, n in summary["byStatus"].items() if n]) >= 2
    serious = [f for f in summary["findings"] if f["severity"] != "info"]
    assert serious and all(f["tab"] for f in serious)
    assert any(f["cell"] and f["link"].endswith(f"range={f['cell']}") for f in serious)
    assert summary["viewerUrl"].startswith("http://127.0.0.1:")
    total = summary["calls"]["total"]
    assert total["sheets"]["write"] > 0 and total["calendar"]["write"] > 0


def test_demo_every_team_has_its_why_and_no_team_drowns_in_not_recorded_notes() -> None:
    result = CliRunner().invoke(app, ["demo", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert len(summary["statuses"]) == summary["teams"]
    assert all(s["why"]["text"] and s["why"]["link"] for s in summary["statuses"])
    not_recorded = [f for f in summary["findings"] if "not recorded" in f["found"]]
    assert not_recorded == []  # attendance staff have not entered is theirs, once per event
    staff = summary["staffFindings"]
    assert staff and all(f["team"] == "roster" for f in staff if "not recorded" in f["found"])
    assert summary["reportViewerUrl"].startswith("http://127.0.0.1:")
