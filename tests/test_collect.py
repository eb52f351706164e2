"""Collect through the emulator: provision two sample teams, let their TLs type a season with
gspread (``USER_ENTERED``, the way people type), plant known mistakes, and read it all back."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from gspread.utils import absolute_range_name
from typer.testing import CliRunner

from tests.conftest import ADMIN
from tst_sheets.cli import app
from tst_sheets.config import Settings
from tst_sheets.demo.planted import ALL_MISTAKES, MistakeKind, Season
from tst_sheets.demo.sample import sample_program, sample_teams
from tst_sheets.demo.season import type_season
from tst_sheets.demo.typist import plan_team
from tst_sheets.jobs.collect import CollectResult, collect
from tst_sheets.jobs.common import team_template
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.reader import read_team
from tst_sheets.model import Finding, Program
from tst_sheets.workspace import Workspace, connect

AS_OF = date(2026, 11, 23)
PLANTED, CLEAN = "T01", "T02"
ConnectAs = Callable[[str], Workspace]


def two_teams() -> Program:
    program = sample_program()
    return program.model_copy(update={"teams": program.teams[:2]})


class Cohort:
    """Two provisioned sample teams, ready for their TLs to type."""

    def __init__(self, service: Workspace, connect_as: ConnectAs) -> None:
        self.service, self.connect_as = service, connect_as
        self.program = two_teams()
        self.roster_id = init_roster(service, program=self.program).roster_spreadsheet_id
        created = provision(service, self.roster_id).created
        self.books = {ref.team_id: ref.spreadsheet_id for ref in created}

    def type(
        self, plan: dict[str, tuple[MistakeKind, ...]] | None = None, as_of: date = AS_OF
    ) -> Season:
        plan = {PLANTED: ALL_MISTAKES, CLEAN: ()} if plan is None else plan
        return type_season(self.connect_as, self.books, as_of, plan=plan, program=self.program)

    def collect(self, as_of: date = AS_OF) -> CollectResult:
        return collect(self.service, self.roster_id, as_of)

    def tl(self, team_id: str) -> Workspace:
        team = next(t for t in self.program.teams if t.team_id == team_id)
        return self.connect_as(team.tl_email)


@pytest.fixture
def service(settings: Settings) -> Workspace:
    return connect(settings.model_copy(update={"as_of": AS_OF}))


@pytest.fixture
def cohort(service: Workspace, connect_as: ConnectAs) -> Cohort:
    return Cohort(service, connect_as)


def key(finding: Finding) -> tuple[str, str | None, str | None, str | None]:
    return (finding.team, finding.rule, finding.tab, finding.cell)


def above_info(result: CollectResult, team_id: str) -> list[Finding]:
    status = result.status(team_id)
    assert status is not None
    return [f for f in status.findings if f.severity != "info"]


# --- planted mistakes come back where they were typed ---------------------------------------------


def test_every_planted_mistake_is_found_at_its_tab_and_cell(cohort: Cohort) -> None:
    season = cohort.type()
    result = cohort.collect()
    expected = [p for p in season.of(PLANTED) if p.rule]
    assert {p.kind for p in expected} == set(ALL_MISTAKES) - {"formula_text"}
    found = {key(f): f for f in result.findings}
    for planted in expected:
        finding = found.get((PLANTED, planted.rule, planted.tab, planted.cell))
        assert finding is not None, f"{planted.kind} not found at {planted.tab}!{planted.cell}"
        assert planted.found in finding.found
        assert finding.link and finding.link.startswith("https://docs.google.com/spreadsheets/d/")
    # ...and nothing else above info: a coach can trust every line (a short coaching session
    # is a note: the month's count says whether it mattered)
    assert {key(f) for f in above_info(result, PLANTED)} == {
        (PLANTED, p.rule, p.tab, p.cell) for p in expected if p.kind != "short_coaching"
    }
    assert result.status(PLANTED).overall == "Behind"  # type: ignore[union-attr]


def test_a_clean_team_has_nothing_above_info(cohort: Cohort) -> None:
    season = cohort.type()
    result = cohort.collect()
    assert season.clean == [CLEAN]
    assert above_info(result, CLEAN) == []
    status = result.status(CLEAN)
    assert status is not None and status.overall == "On track"
    meetings = status.commitment("team_meetings")
    assert meetings is not None and meetings.figures["this_month"] == 2


def test_formula_looking_text_stays_text_and_is_no_finding(cohort: Cohort) -> None:
    season = cohort.type()
    result = cohort.collect()
    texts = [p for p in season.of(PLANTED) if p.kind == "formula_text"]
    assert {p.typed for p in texts} == {
        "@SUM(B3:B9)",
        '=IMPORTXML("https://tst.example.org/resources","//h2")',
    }
    flagged = {(f.tab, f.cell) for f in result.findings}
    assert all((p.tab, p.cell) not in flagged for p in texts)
    team = next(t for t in cohort.program.teams if t.team_id == PLANTED)
    template = team_template(cohort.service)
    read = read_team(
        cohort.service, team, cohort.program, template, spreadsheet_id=cohort.books[PLANTED]
    )
    assert read.record is not None
    record = read.record
    notes = [m.decisions for m in record.meetings] + [c.next_steps for c in record.coaching]
    assert all(p.typed in notes for p in texts)


# --- the call budget ------------------------------------------------------------------------------


def test_n_teams_cost_n_plus_one_reads_and_a_broken_workbook_one_more(cohort: Cohort) -> None:
    cohort.type({PLANTED: (), CLEAN: ()})
    calls = cohort.collect().calls
    assert calls["sheets"] == {"read": 2 + 1, "write": 0}
    assert calls["drive"] == {"read": 0, "write": 0}
    cohort.type({PLANTED: ("deleted_tab",), CLEAN: ()})  # the refused batchGet, then 1 get
    assert cohort.collect().calls["sheets"] == {"read": 2 + 1 + 1, "write": 0}


def test_a_season_is_one_write_per_team_plus_one_for_structure(cohort: Cohort) -> None:
    season = cohort.type()
    assert season.calls["sheets"] == {"read": 0, "write": 2 + 1}


# --- broken workbooks never stop the run ----------------------------------------------------------


def test_a_deleted_workbook_is_unreadable_and_the_others_complete(cohort: Cohort) -> None:
    cohort.type()
    admin = connect(cohort.service.settings, identity=ADMIN)  # an organizer of the drive
    admin.drive.resource.files().delete(
        fileId=cohort.books[CLEAN], supportsAllDrives=True
    ).execute()
    result = cohort.collect()
    assert [u.team for u in result.unreadable] == [CLEAN]
    assert "not found" in result.unreadable[0].reason
    gone = result.status(CLEAN)
    assert gone is not None and gone.overall == "Unreadable"
    assert gone.findings[0].rule == "workbook_readable" and gone.findings[0].severity == "error"
    still = result.status(PLANTED)
    assert still is not None and still.overall == "Behind"  # its deleted tab did not stop it


def test_a_workbook_without_access_is_unreadable(cohort: Cohort, connect_as: ConnectAs) -> None:
    private = connect_as("someone.else@schools.example.edu").sheets.client.create("Not shared")
    team = cohort.program.teams[0]
    template = team_template(cohort.service)
    read = read_team(cohort.service, team, cohort.program, template, spreadsheet_id=private.id)
    assert read.record is None and read.failure is not None and "no access" in read.failure
    nothing = read_team(cohort.service, team, cohort.program, template, spreadsheet_id="")
    assert nothing.failure is not None and "provision" in nothing.failure


def test_quota_still_exhausted_after_retries_is_one_teams_finding(
    cohort: Cohort, settings: Settings, knobs: Callable[..., None]
) -> None:
    cohort.type({PLANTED: (), CLEAN: ()})
    impatient = connect(settings.model_copy(update={"max_attempts": 2, "retry_deadline_s": 0.5}))
    knobs(quota_read_per_user=2)  # the roster and one workbook; the other is refused
    result = collect(impatient, cohort.roster_id, AS_OF)
    assert len(result.teams) == 2
    (refused,) = result.unreadable
    assert "quota" in refused.reason
    other = PLANTED if refused.team == CLEAN else CLEAN
    assert result.status(other).overall == "On track"  # type: ignore[union-attr]


def test_a_tab_renamed_to_an_alias_is_still_read(cohort: Cohort) -> None:
    cohort.type({PLANTED: (), CLEAN: ()})
    checkins = next(t for t in cohort.program.teams if t.team_id == CLEAN)
    tl = cohort.tl(CLEAN)
    sheet_id = tl.sheets.client.open_by_key(cohort.books[CLEAN]).worksheet("Principal Check-ins").id
    rename = {"properties": {"sheetId": sheet_id, "title": "Check-ins"}, "fields": "title"}
    tl.sheets.client.http_client.batch_update(
        cohort.books[CLEAN], {"requests": [{"updateSheetProperties": rename}]}
    )
    result = cohort.collect()
    assert above_info(result, checkins.team_id) == []
    status = result.status(CLEAN)
    assert status is not None
    figures = status.commitment("principal_checkins")
    assert figures is not None and figures.figures["count"] == 3


# --- as of a date ---------------------------------------------------------------------------------


def test_one_october_meeting_is_on_pace_on_the_10th_due_soon_on_the_28th_overdue_on_november_1(
    cohort: Cohort,
) -> None:
    cohort.type({PLANTED: (), CLEAN: ()}, as_of=date(2026, 10, 10))
    tl = cohort.tl(CLEAN)
    first = tl.sheets.client.http_client.values_get(
        cohort.books[CLEAN], absolute_range_name("Meetings", "A3:A20")
    )
    assert len(first.get("values", [])) >= 3  # Aug, Sept and one October meeting

    def october(as_of: date) -> list[Finding]:
        findings = cohort.collect(as_of).findings
        return [f for f in findings if f.team == CLEAN and "October 2026" in f.found
                and f.rule == "team_meetings"]  # fmt: skip

    assert october(date(2026, 10, 10)) == []  # a third of the month gone: on pace
    (soon,) = october(date(2026, 10, 28))
    assert soon.severity == "due_soon" and soon.found == "1 meetings in October 2026 so far"
    (late,) = october(date(2026, 11, 1))
    assert late.severity == "overdue" and late.tab == "Meetings"


# --- the command ----------------------------------------------------------------------------------


def test_collect_json_reports_teams_findings_and_calls(cohort: Cohort, settings: Settings) -> None:
    cohort.type()
    env = {"TST_TARGET": "local", "TST_EMULATOR_URL": settings.emulator_url,
           "TST_IDENTITY": settings.identity, "TST_ROSTER_ID": cohort.roster_id}  # fmt: skip
    out = CliRunner().invoke(app, ["collect", "--as-of", "2026-11-23", "--json"], env=env)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert list(data) == ["asOf", "teams", "findings", "unreadable", "calls"]
    assert data["asOf"] == "2026-11-23" and len(data["teams"]) == 2
    assert data["calls"]["sheets"]["read"] <= 2 + 1 + 1  # + the fallback for the deleted tab
    team = data["teams"][0]  # one JSON style: camelCase inside each team too
    assert {"teamId", "status", "why", "commitments", "goal", "metrics"} <= set(team)
    assert "team_id" not in team and "meetingsThisMonth" in team["metrics"]
    assert {"text", "link"} == set(team["why"])
    assert all("_" not in k for c in team["commitments"] for k in [*c, *c["figures"]])
    table = CliRunner().invoke(app, ["collect", "--as-of", "2026-11-23"], env=env)
    assert table.exit_code == 0 and "Meetings!" in table.output and "On track" in table.output


# --- the season itself (pure) ---------------------------------------------------------------------


def test_a_season_is_deterministic_and_stops_at_the_as_of_date() -> None:
    program, team = sample_program(), sample_teams()[0]
    one = plan_team(team, program, AS_OF, ALL_MISTAKES)
    assert one == plan_team(team, program, AS_OF, ALL_MISTAKES)
    early = plan_team(team, program, date(2026, 9, 1))
    meetings = next(d for d in early.data if d["range"].startswith("'Meetings'"))
    assert 1 <= len(meetings["values"]) <= 2  # only August's
    assert early.requests == [] and early.planted == []
    dates = [row[0] for d in one.data if d["range"] == "'Meetings'!A3" for row in d["values"]]
    assert any(d.count("/") == 1 for d in dates)  # "9/16": no year, as TLs type
    assert any(d[:4].isdigit() or d.count("/") == 2 or "," in d for d in dates)  # with a year
