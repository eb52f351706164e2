"""Each application against the program's rules: a finding per miss, on the cell that shows
it (the roster's Applications tab), and whether the application is eligible as it stands."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from tst_sheets.applications.rules import ApplicationRules
from tst_sheets.model import Application, AutoCamel, Decision, Finding, Program
from tst_sheets.templates import TabSpec

APPLICATIONS = "applications"  # Finding.team of an application's findings


class TabPlace(AutoCamel):
    """Where the Applications tab is, for findings: its title and sheet id as read."""

    title: str
    sheet_id: int | None = None


class ApplicationCheck(AutoCamel):
    """One application as the rules see it."""

    row: int
    school: str
    tl_name: str
    tl_email: str
    school_year: str
    submitted: str = ""
    members_named: int = 0
    decision: Decision
    team_id: str = ""
    eligible: bool
    findings: list[Finding] = Field(default_factory=list)


def year_of(app: Application, program: Program) -> str:
    """The school year an application is for: as typed, else the roster's own."""
    return app.school_year or program.year


def check_application(
    app: Application,
    program: Program,
    rules: ApplicationRules,
    tab: TabSpec,
    place: TabPlace,
) -> ApplicationCheck:
    year = year_of(app, program)
    deadline = rules.deadline_for(year)
    findings = []
    for rule in rules.rules:
        for miss in rule.misses(app, deadline):
            header = tab.column(miss.column).header
            cell = app.cells.get(miss.column)
            findings.append(
                Finding.at(
                    APPLICATIONS,
                    f"application.{rule.id}",
                    rule.severity,
                    spreadsheet_id=program.roster_id,
                    sheet_id=place.sheet_id,
                    tab=place.title,
                    cell=cell,
                    found=f"{app.label}: {miss.found}" + ("" if cell else f" (no {header} column)"),
                    expected=f"{header}: {miss.expected}",
                )
            )
    return ApplicationCheck(
        row=app.row,
        school=app.school,
        tl_name=app.tl_name,
        tl_email=app.tl_email,
        school_year=year,
        submitted=app.submitted.isoformat() if app.submitted else "",
        members_named=len(app.others()),
        decision=app.decision,
        team_id=app.team_id,
        eligible=not any(f.severity == "error" for f in findings),
        findings=findings,
    )


def check_applications(
    apps: Sequence[Application],
    program: Program,
    rules: ApplicationRules,
    tab: TabSpec,
    place: TabPlace,
) -> list[ApplicationCheck]:
    return [check_application(a, program, rules, tab, place) for a in apps]
