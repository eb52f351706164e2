"""The demo: the whole program on a fresh embedded emulator, exactly as production runs it.

Each step is a job the Cloud Functions also call (or what people do in their sheets), with
its API calls and time: create the roster, provision, TLs list their teams, provision again
(sharing with the members), TLs type a season, collect, roll up, sync calendars, send the
weekly emails, audit who can open what.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tst_sheets.config import Settings
from tst_sheets.demo.admin import prepare_program_drive, program_admin
from tst_sheets.demo.agenda import demo_calendar_step
from tst_sheets.demo.planted import DEMO_AS_OF
from tst_sheets.demo.sample import sample_program
from tst_sheets.demo.season import type_season
from tst_sheets.demo.write import fill_team_tabs
from tst_sheets.emulator import RunningEmulator, start_in_thread
from tst_sheets.emulator.viewer.links import spreadsheet_url as viewer_path
from tst_sheets.emulator.viewer.mail import mailbox_url
from tst_sheets.jobs.audit import audit
from tst_sheets.jobs.collect import collect
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.notify import notify
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.report import report
from tst_sheets.jobs.rollup import rollup
from tst_sheets.workspace import Workspace, add_calls, connect

PROGRAM = "TST"


class StepReport(BaseModel):
    name: str
    seconds: float
    calls: dict[str, dict[str, int]]
    detail: dict[str, Any] = Field(default_factory=dict)


class DemoSummary(BaseModel):
    """``--json``: ``{"teams", "byStatus", "statuses", "findings", "staffFindings",
    "rollupUrl", "viewerUrl", "reportViewerUrl", "emails", "calls", "seconds"}``."""

    model_config = ConfigDict(populate_by_name=True)

    teams: int = 0
    by_status: dict[str, int] = Field(default_factory=dict, alias="byStatus")
    statuses: list[dict[str, Any]] = Field(
        default_factory=list, description="Each team: teamId, status, why, goal"
    )
    findings: list[dict[str, Any]] = Field(default_factory=list)
    staff_findings: list[dict[str, Any]] = Field(default_factory=list, alias="staffFindings")
    rollup_url: str = Field("", alias="rollupUrl")
    viewer_url: str = Field("", alias="viewerUrl")
    report_viewer_url: str = Field("", alias="reportViewerUrl")
    emails: dict[str, Any] = Field(
        default_factory=dict,
        description="The weekly email: messages (to, roles, subject, items), byRole, quiet, "
        "optedOut, and a mailbox in the viewer",
    )
    audit: dict[str, Any] = Field(
        default_factory=dict,
        description="The access audit: ok, files, permissions, and each unexplained one",
    )
    calls: dict[str, Any] = Field(default_factory=dict)
    seconds: float = 0.0
    as_of: date | None = Field(None, alias="asOf")
    steps: list[StepReport] = Field(default_factory=list, exclude=True)
    agendas: dict[str, list[dict[str, str]]] = Field(default_factory=dict, exclude=True)


@dataclass
class DemoContext:
    """What the steps share: the emulator, the service's clients, and what earlier steps made."""

    emulator: RunningEmulator
    settings: Settings
    ws: Workspace
    data_dir: Path
    as_of: date
    state: dict[str, Any] = field(default_factory=dict)

    def connect_as(self, email: str) -> Workspace:
        return connect(self.settings, identity=email)


Step = Callable[[DemoContext], dict[str, Any]]


def start(port: int = 0, data_dir: Path | None = None, as_of: date | None = None) -> DemoContext:
    """A fresh emulator in a fresh data directory, set up as production is (a staff admin's
    shared drive, the service account its Content manager), and the service's clients."""
    directory = data_dir or Path(tempfile.mkdtemp(prefix="tst-sheets-demo-"))
    running = start_in_thread(directory / "emulator.db", port=port)
    day = as_of or DEMO_AS_OF
    # the demo's clock: every job takes its "today" to be the demo's date
    local = Settings(target="local", emulator_url=running.url, program=PROGRAM, as_of=day)
    admin = program_admin()
    drive_id = prepare_program_drive(local, admin)
    settings = local.model_copy(update={"drive_folder": drive_id, "subject": admin})
    return DemoContext(running, settings, connect(settings), directory, day)


# -- the steps ------------------------------------------------------------------------------


def create_roster(ctx: DemoContext) -> dict[str, Any]:
    result = init_roster(ctx.ws, PROGRAM, sample_program(PROGRAM))
    ctx.state["roster_id"] = result.roster_spreadsheet_id
    return {"roster": result.url}


def provision_teams(ctx: DemoContext) -> dict[str, Any]:
    result = provision(ctx.ws, ctx.state["roster_id"])
    books = {ref.team_id: ref.spreadsheet_id for ref in [*result.created, *result.existing]}
    ctx.state["books"] = books
    return {
        "created": len(result.created),
        "shared": len(result.shared),
        "findings": len(result.findings),
        "calls": result.calls,
    }


def tls_list_their_teams(ctx: DemoContext) -> dict[str, Any]:
    return {"teamTabs": fill_team_tabs(ctx.connect_as, ctx.state["books"])}


def tls_type_a_season(ctx: DemoContext) -> dict[str, Any]:
    season = type_season(ctx.connect_as, ctx.state["books"], ctx.as_of)
    return {"plantedMistakes": len(season.planted), "calls": season.calls}


def collect_teams(ctx: DemoContext) -> dict[str, Any]:
    result = collect(ctx.ws, ctx.state["roster_id"], ctx.as_of)
    return {"teams": len(result.teams), "findings": len(result.findings), "calls": result.calls}


def write_rollup(ctx: DemoContext) -> dict[str, Any]:
    result = rollup(ctx.ws, ctx.state["roster_id"], ctx.as_of)
    ctx.state["rollup"] = result
    return {"read": result.read, "findings": len(result.findings), "calls": result.calls}


def write_report(ctx: DemoContext) -> dict[str, Any]:
    result = report(ctx.ws, ctx.state["roster_id"], ctx.as_of)
    ctx.state["report"] = result
    return {"created": result.created, "calls": result.calls}


def sync_calendars(ctx: DemoContext) -> dict[str, Any]:
    return demo_calendar_step(ctx)


def send_weekly_email(ctx: DemoContext) -> dict[str, Any]:
    result = notify(ctx.ws, ctx.state["roster_id"], ctx.as_of)
    ctx.state["notify"] = result
    return {"messages": len(result.sent), "byRole": result.by_role, "calls": result.calls}


def audit_access(ctx: DemoContext) -> dict[str, Any]:
    result = audit(ctx.ws, ctx.state["roster_id"])
    ctx.state["audit"] = result
    return {"ok": result.ok, "unexplained": len(result.unexplained), "calls": result.calls}


STEPS: list[tuple[str, Step]] = [
    ("Create the program roster", create_roster),
    ("Provision team workbooks", provision_teams),
    ("TLs list their Impact Teams", tls_list_their_teams),
    ("Provision again: share with members", provision_teams),
    ("TLs type a season of entries", tls_type_a_season),
    ("Collect every team", collect_teams),
    ("Write the coach roll-up", write_rollup),
    ("Write the Impact Report", write_report),
    ("Sync program calendars", sync_calendars),
    ("Send the weekly emails", send_weekly_email),
    ("Audit who can open what", audit_access),
]


# -- running and summarising ----------------------------------------------------------------


def run_step(ctx: DemoContext, name: str, step: Step) -> StepReport:
    """Run one step; its calls are what the job reports, else what the service's clients sent."""
    before = ctx.ws.calls()
    started = time.perf_counter()
    detail = step(ctx)
    calls = detail.pop("calls", None) or ctx.ws.counter.since(before)
    return StepReport(
        name=name, seconds=round(time.perf_counter() - started, 2), calls=calls, detail=detail
    )


def summarise(ctx: DemoContext, steps: list[StepReport], seconds: float) -> DemoSummary:
    result = ctx.state["rollup"]
    findings = sorted(result.findings, key=lambda f: f.sort_key())
    calendar = next((s for s in steps if s.name.startswith("Sync")), None)
    return DemoSummary(
        teams=result.teams,
        by_status=result.by_status,
        statuses=[
            s.model_dump(by_alias=True, mode="json", include={"team_id", "overall", "why", "goal"})
            for s in result.statuses
        ],
        findings=[f.model_dump() for f in findings],
        staff_findings=[f.model_dump() for f in result.staff_findings],
        rollup_url=result.url,
        viewer_url=f"{ctx.emulator.url}{viewer_path(result.rollup_spreadsheet_id)}",
        report_viewer_url=_report_url(ctx),
        emails=_emails(ctx),
        audit=_audit(ctx),
        calls={
            "total": add_calls(*(s.calls for s in steps)),
            "byStep": {s.name: s.calls for s in steps},
        },
        seconds=round(seconds, 1),
        as_of=ctx.as_of,
        steps=steps,
        agendas=calendar.detail.get("agendas", {}) if calendar else {},
    )


def _emails(ctx: DemoContext) -> dict[str, Any]:
    """Who got the weekly email, and where to read one (a TL's inbox, as that TL)."""
    sent = ctx.state.get("notify")
    if sent is None:
        return {}
    tl = next((m.to for m in sent.sent if "tl" in m.roles), "")
    return {
        "messages": [
            m.model_dump(by_alias=True, include={"to", "roles", "subject", "items"})
            for m in sent.sent
        ],
        "byRole": sent.by_role,
        "quiet": len(sent.quiet),
        "optedOut": sent.opted_out,
        "inboxViewerUrl": f"{ctx.emulator.url}{mailbox_url(tl, tl)}" if tl else "",
    }


def _audit(ctx: DemoContext) -> dict[str, Any]:
    """What ``tst-sheets audit`` says of the demo's program: every permission explained?"""
    done = ctx.state.get("audit")
    if done is None:
        return {}
    return {
        "ok": done.ok,
        "files": len(done.files),
        "permissions": sum(f.explained + f.unexplained for f in done.files),
        "unexplained": [
            a.model_dump(by_alias=True, include={"file", "who", "role", "reason"})
            for a in done.unexplained
        ],
        "findings": len(done.findings),
    }


def _report_url(ctx: DemoContext) -> str:
    written = ctx.state.get("report")
    return f"{ctx.emulator.url}{viewer_path(written.report_spreadsheet_id)}" if written else ""


def run(ctx: DemoContext, on_step: Callable[[str], None] | None = None) -> DemoSummary:
    started = time.perf_counter()
    reports = []
    for name, step in STEPS:
        if on_step:
            on_step(name)
        reports.append(run_step(ctx, name, step))
    return summarise(ctx, reports, time.perf_counter() - started)
