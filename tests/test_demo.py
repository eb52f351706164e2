"""The demo end to end, as a new user runs it: the CLI on a fresh emulator, JSON summary."""

from __future__ import annotations

import json

from rich.console import Console
from typer.testing import CliRunner

from tst_sheets.cli import app
from tst_sheets.cli.render.demo import render
from tst_sheets.demo.run import DemoSummary


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
    audit = summary["audit"]  # what `tst-sheets audit` says of the demo's program: exit 0
    assert audit["ok"] and audit["unexplained"] == [] and audit["findings"] == 0
    assert audit["files"] >= summary["teams"] + 2 and audit["permissions"] > audit["files"]


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


def test_the_demo_names_each_permission_the_audit_cannot_explain() -> None:
    summary = DemoSummary(
        audit={
            "ok": False,
            "files": 16,
            "permissions": 138,
            "unexplained": [
                {
                    "file": "T02's workbook",
                    "who": "alicia.gomez@schools.example.edu",
                    "role": "writer",
                    "reason": "TL of T01; the roster gives them no access to T02's workbook",
                }
            ],
            "findings": 0,
        }
    )
    console = Console(record=True, width=200)
    render(console, summary)
    text = console.export_text()
    assert "Audit: 1 permission the roster does not explain" in text
    assert "alicia.gomez@schools.example.edu" in text and "T02's workbook" in text
