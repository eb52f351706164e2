"""When Google applies a write and the answer never comes back (a 5xx, a dropped connection),
the service finds what it made instead of making it twice: one roster, one workbook per team,
one program calendar, each laid out once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from tst_sheets.config import Settings
from tst_sheets.demo.sample import sample_program
from tst_sheets.jobs.calendar import sync_calendar
from tst_sheets.jobs.files import list_program_files
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.roster import read_roster
from tst_sheets.model.files import SPREADSHEET_MIME, labels
from tst_sheets.templates import load_template
from tst_sheets.workspace import Workspace

Knobs = Callable[..., None]


def kinds(ws: Workspace) -> Counter[str]:
    return Counter(f"{f.kind}:{f.label('tstTeamId') or ''}" for f in list_program_files(ws))


@pytest.mark.parametrize("method", ["files.create", "batchUpdate"])
def test_a_lost_answer_never_makes_a_second_roster_or_workbook(
    workspace: Workspace, settings: Settings, knobs: Knobs, method: str
) -> None:
    knobs(lost_answer_rate=1.0, lost_answer_methods=[method], seed=7)
    roster_id = init_roster(workspace, program=sample_program()).roster_spreadsheet_id
    result = provision(workspace, roster_id)
    knobs(lost_answer_rate=0.0, lost_answer_methods=[])
    assert [f for f in result.findings if f.severity == "error"] == []
    made = kinds(workspace)
    teams = sample_program().active_teams()
    assert made["roster:"] == 1
    assert all(made[f"team:{t.team_id}"] == 1 for t in teams), made
    template = load_template("team_workbook", settings.templates_dir)
    for ref in result.created:
        titles = [
            s["properties"]["title"]
            for s in workspace.sheets.get(ref.spreadsheet_id, "sheets.properties.title")["sheets"]
        ]
        assert titles == [tab.title for tab in template.tabs], "laid out once, nothing left over"


def test_a_lost_answer_never_makes_a_second_program_calendar(
    workspace: Workspace, knobs: Knobs
) -> None:
    roster_id = init_roster(workspace, program=sample_program()).roster_spreadsheet_id
    knobs(lost_answer_rate=1.0, lost_answer_methods=["calendars.insert"], seed=3)
    first = sync_calendar(workspace, roster_id)
    knobs(lost_answer_rate=0.0, lost_answer_methods=[])
    calendars = [
        c for c in workspace.calendar.list_calendars() if "tstProgram=" in c.get("description", "")
    ]
    assert [c["id"] for c in calendars] == [first.calendar_id]
    again = sync_calendar(workspace, roster_id)
    assert again.calendar_id == first.calendar_id and not again.created


def test_a_roster_created_but_never_laid_out_is_laid_out_by_the_next_init(
    workspace: Workspace, settings: Settings
) -> None:
    """A run died between the roster's Drive create and its layout: the file carries its
    labels but holds only Drive's empty tab. Running init again finishes it."""
    program = sample_program()
    template = load_template("program_roster", settings.templates_dir)
    props = labels("roster", program.name, template.name, template.version, year=program.year)
    home = settings.drive_folder or ""
    made = workspace.drive.create_file("TST roster", SPREADSHEET_MIME, [home], props)
    again = init_roster(workspace, program=program)
    assert again.roster_spreadsheet_id == made.id and not again.created
    read = read_roster(workspace, made.id)
    assert len(read.program.active_teams()) == 12
    assert [f for f in read.findings if f.severity == "error"] == []
    titles = [
        s["properties"]["title"]
        for s in workspace.sheets.get(made.id, "sheets.properties.title")["sheets"]
    ]
    assert titles == [tab.title for tab in template.tabs], "laid out once, Drive's tab gone"
    assert init_roster(workspace, program=program).calls["sheets"]["write"] == 0
