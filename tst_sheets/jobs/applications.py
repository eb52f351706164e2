"""The applications job and provision's admissions: the roster's Applications tab checked
against the program's rules, and accepted applications turned into Teams rows.

Calls: ``applications`` reads the roster (1 values.batchGet; 2 more when the roster has no
Applications tab) and writes nothing. Provision's admission adds, when an accepted
application is new, 1 Drive files.list (the Team IDs of earlier years) and 1 values.batchUpdate
of the roster (the new Teams rows and their Team ID cells); 0 calls otherwise.
"""

from __future__ import annotations

from pydantic import Field

from tst_sheets.applications.admit import plan_admission
from tst_sheets.applications.check import ApplicationCheck, TabPlace, check_applications
from tst_sheets.applications.rules import load_application_rules
from tst_sheets.jobs.common import roster_id_of
from tst_sheets.jobs.files import list_program_files
from tst_sheets.jobs.roster import read_roster, roster_template, write_cells
from tst_sheets.model import AutoCamel, Finding, spreadsheet_url
from tst_sheets.model.files import all_of_program
from tst_sheets.reading.roster import RosterRead
from tst_sheets.workspace import Workspace

TAB = "applications"


class ApplicationsResult(AutoCamel):
    """``--json``: ``{"rosterUrl", "schoolYear", "deadline", "applications", "findings",
    "calls"}``; each application with its ``eligible`` verdict and findings."""

    roster_url: str
    school_year: str
    deadline: str
    applications: list[ApplicationCheck] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list, description="Unreadable cells.")
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)


def check_roster_applications(ws: Workspace, roster_id: str | None = None) -> ApplicationsResult:
    """Every application on the roster, checked against ``applications.yaml``."""
    before = ws.calls()
    read = read_roster(ws, roster_id_of(ws, roster_id))
    program = read.program
    rules = load_application_rules(ws.settings.templates_dir)
    layout = read.tabs.get(TAB)
    tab = roster_template(ws).tab(TAB)
    place = TabPlace(
        title=layout.title if layout else tab.title, sheet_id=layout.sheet_id if layout else None
    )
    checks = check_applications(program.applications, program, rules, tab, place)
    return ApplicationsResult(
        roster_url=spreadsheet_url(program.roster_id),
        school_year=program.year,
        deadline=rules.deadline_for(program.year).isoformat(),
        applications=checks,
        findings=[f for f in read.findings if f.tab == place.title],
        calls=ws.counter.since(before),
    )


def admit_applications(ws: Workspace, read: RosterRead, dry_run: bool) -> RosterRead:
    """Provision's first step: accepted applications of this school year become Teams rows
    (1 roster write, none when nothing is new; then 1 Drive read too, so no Team ID of an
    earlier year is given again). The roster as it reads after that write."""
    admission = plan_admission(read)
    if admission.teams:
        files = list_program_files(ws)
        used = [f.team_id for f in all_of_program(files, read.program.name, "team")]
        admission = plan_admission(read, used)
    if admission.cells and not dry_run:
        write_cells(ws, read.program.roster_id, admission.cells)
    program = read.program.model_copy(
        update={
            "teams": [*read.program.teams, *admission.teams],
            "applications": admission.applications,
        }
    )
    findings = [*read.findings, *admission.findings]
    return read.model_copy(update={"program": program, "findings": findings})
