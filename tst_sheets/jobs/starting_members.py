"""Who a new team workbook's Team tab starts with: the colleagues an accepted application
named, or, for a team continuing into its next program year, last year's members who had not
left (1 values.batchGet of last year's Team tab). TLs then mark who did not come back."""

from __future__ import annotations

from tst_sheets.jobs.reader import read_team
from tst_sheets.model import Member, Program, Team, TeamRecord
from tst_sheets.model.a1 import id_from_url
from tst_sheets.model.years import first_year_of, year_label
from tst_sheets.provision.sharing import is_tl_row
from tst_sheets.provision.workbook import starting_record
from tst_sheets.templates import WorkbookTemplate
from tst_sheets.workspace import Workspace

MEMBER_ROLE = "Impact Team Member"


def first_members(
    ws: Workspace, program: Program, team: Team, template: WorkbookTemplate
) -> tuple[list[Member], TeamRecord | None]:
    """The colleagues placed on the new Team tab, and the record sharing reads them from
    (None: nobody but the TL, as for a team staff typed in)."""
    people = _from_application(program, team) or _from_last_year(ws, program, team, template)
    if not people:
        return [], None
    return starting_record(template, team, people)


def _from_application(program: Program, team: Team) -> list[Member]:
    app = next((a for a in program.applications if a.team_id.lower() == team.team_id.lower()), None)
    if app is None:
        return []
    return [
        Member(
            row=0,
            name=m.name,
            email=m.email or None,
            role=MEMBER_ROLE,
            notes="Named in the application",
        )
        for m in app.others()
    ]


def _from_last_year(
    ws: Workspace, program: Program, team: Team, template: WorkbookTemplate
) -> list[Member]:
    book = id_from_url(team.previous_sheet_url)
    if not book:
        return []
    read = read_team(ws, team, program, template, spreadsheet_id=book, keys=["team"])
    if read.record is None:  # unreadable: the TL lists the team afresh
        return []
    last = year_label(first_year_of(program.school_year_start) - 1)
    tl = team.tl_email.lower()
    return [
        Member(
            row=0,
            name=m.name,
            email=m.email,
            role=m.role or MEMBER_ROLE,
            subject_grade=m.subject_grade,
            notes=f"On the team in {last}",
        )
        for m in read.record.members
        if m.left is None
        and not is_tl_row(m)
        and (m.email or "").lower() != tl
        and (m.name or m.email)
    ]
