"""Applications to the program, as staff meet them: each checked against the program's rules
with findings on its cells, and the accepted one made a team by provision, once."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from gspread.utils import absolute_range_name
from typer.testing import CliRunner

from tst_sheets.applications.admit import next_team_id
from tst_sheets.applications.rules import load_application_rules
from tst_sheets.cli import app
from tst_sheets.config import Settings
from tst_sheets.demo.sample import sample_program
from tst_sheets.jobs.applications import check_roster_applications
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.roster import read_roster
from tst_sheets.reading.roster import TEMPLATE, parse_roster
from tst_sheets.reading.roster_applications import parse_members
from tst_sheets.reading.values import CellValue
from tst_sheets.templates import WorkbookTemplate, load_template
from tst_sheets.workspace import Workspace

SCHOOLS = "schools.example.edu"
OFFICE = "program.office@tst.example.org"  # staff, not a member of the shared drive
HEADERS = [
    "Submitted",
    "School",
    "TL Name",
    "TL Email",
    "TL Years Teaching",
    "Principal Name",
    "Principal Email",
    "Vision",
    "Focus Area",
    "Impact Team Members",
    "TL Commitment Review",
    "Principal Commitment Review",
    "School Year",
    "Coach Email",
    "Decision",
    "Team ID",
]
ELIGIBLE = [
    "2026-05-20",
    "George Washington Carver High School",
    "Imani Brooks",
    f"imani.brooks@{SCHOOLS}",
    "7",
    "Dr. Leon Shaw",
    f"leon.shaw@{SCHOOLS}",
    "Ninth graders read on grade level by spring",
    "Student achievement",
    "\n".join(
        f"{n} <{n.lower().replace(' ', '.')}@{SCHOOLS}>"
        for n in ("Ada Quinn", "Bo Rhee", "Cy Tran", "Di Uhl")
    ),
    "Yes",
    "Yes",
    "",
    "dana.whitfield@tst.example.org",
    "",
]
THREE_NAMED = [
    "2026-05-22",
    "Marquette Elementary",
    "Omar Said",
    f"omar.said@{SCHOOLS}",
    "4",
    "Ms. Vera Lynn",
    f"vera.lynn@{SCHOOLS}",
    "A mentoring circle for new teachers",
    "Teacher mentorship",
    f"Eve Park, eve.park@{SCHOOLS}; Finn Ode, finn.ode@{SCHOOLS}; Gil Ray, gil.ray@{SCHOOLS}",
    "I agree",
    "",
    "",
    "",
    "",
]


def type_rows(ws: Workspace, roster_id: str, a1: str, rows: list[list[str]]) -> None:
    ws.sheets.values_update(roster_id, absolute_range_name("Applications", a1), rows, raw=False)


def cells(ws: Workspace, book_id: str, tab: str) -> list[list[Any]]:
    reply = ws.sheets.client.http_client.values_get(book_id, absolute_range_name(tab))
    return list(reply.get("values", []))


@pytest.fixture
def demo_roster(workspace: Workspace) -> str:
    """The demo's roster with its 12 teams provisioned (and next year's 2 applications)."""
    roster_id = init_roster(workspace, program=sample_program()).roster_spreadsheet_id
    provision(workspace, roster_id)
    return roster_id


# --- pure: the rules and the words people type ------------------------------------------------


def test_members_are_read_one_per_line_with_or_without_their_emails() -> None:
    named = parse_members("Ana Ruiz <ana@x.org>\nBen Lee, ben@x.org; Carla Diaz\n\n")
    assert [(m.name, m.email) for m in named] == [
        ("Ana Ruiz", "ana@x.org"),
        ("Ben Lee", "ben@x.org"),
        ("Carla Diaz", ""),
    ]
    assert [m.name for m in parse_members("Ana, Ben, Carla")] == ["Ana", "Ben", "Carla"]
    assert [m.email for m in parse_members("a@x.org, b@x.org")] == ["a@x.org", "b@x.org"]


def test_the_deadline_is_may_27_before_the_school_year_and_ids_follow_the_roster() -> None:
    rules = load_application_rules()
    assert rules.deadline_for("2026-27") == date(2026, 5, 27)
    assert rules.deadline_for("2027-2028") == date(2027, 5, 27)
    assert next_team_id({"t01", "t12", "t13"}) == "T14"
    assert next_team_id(set()) == "T01"
    assert next_team_id({"tst-007"}) == "TST-008"


def test_a_google_form_response_tab_is_read_as_the_applications_tab() -> None:
    template = roster_template_offline()
    form: list[list[CellValue]] = [
        [
            "Timestamp",
            "School Name",
            "Teacher Liaison Name",
            "Teacher Liaison Email",
            "Years of Teaching Experience",
            "Administrator Name",
            "Administrator Email",
            "Vision for the Impact Team",
            "Focus Area",
            "Team Members",
            "TL Agrees to the Commitments",
            "Principal Agrees to the Commitments",
            "Decision",
        ],
        [
            46162.5,  # 2026-05-20 12:00, as a Form's Timestamp arrives unformatted
            "Carver High",
            "Imani Brooks",
            "imani.brooks@schools.example.edu",
            7,
            "Leon Shaw",
            "leon.shaw@schools.example.edu",
            "Reading on grade level",
            "Literacy",
            "Ada Quinn\nBo Rhee\nCy Tran\nDi Uhl",
            "I agree to the TL commitments",
            "Yes",
            "accept",
        ],
    ]
    titles = {t.key: t.title for t in template.tabs} | {"applications": "Form Responses 1"}
    read = parse_roster("R1", {"applications": form}, template, titles)
    (found,) = read.program.applications
    assert found.submitted == date(2026, 5, 20) and found.tl_years_teaching == 7
    assert (found.tl_agreed, found.principal_agreed, found.decision) == (True, True, "Accepted")
    assert len(found.others()) == 4
    assert not [f for f in read.findings if f.tab == "Form Responses 1"]


def roster_template_offline() -> WorkbookTemplate:
    return load_template(TEMPLATE)


# --- through the emulator ----------------------------------------------------------------------


def test_an_application_naming_3_members_gets_findings_at_its_cells_and_provision_adds_exactly_the_accepted_team(  # noqa: E501
    workspace: Workspace,
    demo_roster: str,
    connect_as: Callable[[str], Workspace],
    service_env: Settings,
) -> None:
    staff = connect_as(OFFICE)
    type_rows(staff, demo_roster, "A4", [ELIGIBLE, THREE_NAMED])  # below next year's two
    shown = CliRunner().invoke(app, ["applications", "--json"])
    assert shown.exit_code == 0, shown.output
    checked = {a["school"]: a for a in json.loads(shown.output)["applications"]}
    assert checked["George Washington Carver High School"]["eligible"] is True
    three = checked["Marquette Elementary"]
    assert three["eligible"] is False and three["membersNamed"] == 3
    where = {(f["cell"], f["rule"]): f for f in three["findings"]}
    assert set(where) == {
        ("J5", "application.team_named"),
        ("L5", "application.principal_commitments"),
    }
    members = where[("J5", "application.team_named")]
    assert members["tab"] == "Applications"
    assert members["found"] == "Marquette Elementary: 3 other faculty named"
    assert members["expected"].startswith("Impact Team Members: at least 4 other faculty")
    assert members["link"].endswith("range=J5")
    assert where[("L5", "application.principal_commitments")]["found"].endswith("not answered")
    # next year's applications are checked against next year's deadline
    assert checked["Chico Mendes Elementary"]["schoolYear"] == "2027-28"

    text = CliRunner().invoke(app, ["applications"]).output
    assert "Applications!J5: Marquette Elementary: 3 other faculty named" in text

    type_rows(staff, demo_roster, "O4", [["Accepted"]])  # staff accept the eligible one
    before = read_roster(workspace, demo_roster).program
    result = provision(workspace, demo_roster)
    assert [r.team_id for r in result.created] == ["T14"]  # T13 is the team that withdrew
    after = read_roster(workspace, demo_roster).program
    new = next(t for t in after.teams if t.team_id == "T14")
    assert len(after.teams) == len(before.teams) + 1
    assert (new.school, new.tl_email, new.program_year) == (
        "George Washington Carver High School",
        f"imani.brooks@{SCHOOLS}",
        1,
    )
    assert new.sheet_url == result.created[0].url and new.row == (before.teams[-1].row or 0) + 1
    assert {a.school: a.team_id for a in after.applications}[ELIGIBLE[1]] == "T14"
    # the named colleagues are on the new workbook's Team tab, and can open it
    book = result.created[0].spreadsheet_id
    team_tab = cells(workspace, book, "Team")
    assert [r[1] for r in team_tab[3:]] == [
        f"{n}@{SCHOOLS}" for n in ("ada.quinn", "bo.rhee", "cy.tran", "di.uhl")
    ]
    assert f"ada.quinn@{SCHOOLS}" in {g.email for g in result.shared if g.team_id == "T14"}
    assert connect_as(f"ada.quinn@{SCHOOLS}").sheets.values_get(book, "Team!A1")

    again = provision(workspace, demo_roster)
    assert again.created == [] and again.shared == []
    assert again.calls["sheets"]["write"] == 0 and again.calls["drive"]["write"] == 0
    assert len(read_roster(workspace, demo_roster).program.teams) == len(after.teams)


def test_a_team_staff_typed_themselves_is_recognised_by_school_and_tl_email(
    workspace: Workspace, demo_roster: str, connect_as: Callable[[str], Workspace]
) -> None:
    staff = connect_as(OFFICE)
    t01 = sample_program().teams[0]
    typed = [*ELIGIBLE[:1], t01.school, t01.tl_name, t01.tl_email, *ELIGIBLE[4:14], "Accepted"]
    type_rows(staff, demo_roster, "A4", [typed])
    result = provision(workspace, demo_roster)
    assert result.created == []
    apps = read_roster(workspace, demo_roster).program.applications
    assert {a.school: a.team_id for a in apps}[t01.school] == "T01"


def test_applications_costs_one_roster_read(workspace: Workspace, demo_roster: str) -> None:
    result = check_roster_applications(workspace, demo_roster)
    assert [a.school for a in result.applications] == [
        "Lorraine Hansberry High School",
        "Chico Mendes Elementary",
    ]
    assert result.calls["sheets"] == {"read": 1, "write": 0}
    assert result.calls["drive"] == {"read": 0, "write": 0}


def test_a_roster_made_before_there_were_applications_reads_without_a_finding() -> None:
    template = roster_template_offline()
    titles = {t.key: t.title for t in template.tabs if t.key != "applications"}
    read = parse_roster("R1", {}, template, titles)
    assert "Applications" not in {f.tab for f in read.findings}
    assert read.program.applications == []


def test_a_named_member_outside_the_allowed_domains_is_reported_at_the_new_workbooks_cell(
    workspace: Workspace, demo_roster: str, connect_as: Callable[[str], Workspace]
) -> None:
    members = next(i for i, v in enumerate(ELIGIBLE) if "Ada Quinn" in v)
    outsider = [*ELIGIBLE]
    outsider[members] += "\nZed Out <zed.out@gmail.com>"
    staff = connect_as(OFFICE)
    type_rows(staff, demo_roster, "A4", [outsider])
    type_rows(staff, demo_roster, "O4", [["Accepted"]])
    result = provision(workspace, demo_roster)
    (book,) = result.created
    (finding,) = [f for f in result.findings if "zed.out@gmail.com" in f.found]
    assert finding.tab == "Team" and finding.link
    assert finding.link.startswith(f"{book.url}#gid="), "linked to the workbook just made"
    assert "zed.out@gmail.com" not in {g.email for g in result.shared}
