"""A TL pastes an essay into a cell: the roll-up and Start Here quote it, cut short with a link
to the cell, and nothing the service writes comes near Google's 50,000-character cell limit."""

from __future__ import annotations

from collections.abc import Callable

from gspread.utils import ValueInputOption

from tst_sheets.config import Settings
from tst_sheets.demo.sample import sample_program
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.rollup import rollup
from tst_sheets.model.text import CELL_LIMIT, QUOTED, SHOWN
from tst_sheets.workspace import Workspace

ESSAY = "Our meeting was long. " * 2_272  # 49,984 characters


def test_an_essay_pasted_into_a_meetings_date_is_quoted_not_copied(
    workspace: Workspace, settings: Settings, connect_as: Callable[[str], Workspace]
) -> None:
    assert len(ESSAY) < CELL_LIMIT
    roster_id = init_roster(workspace, program=sample_program()).roster_spreadsheet_id
    created = provision(workspace, roster_id).created
    team = sample_program().active_teams()[0]
    book_id = next(r.spreadsheet_id for r in created if r.team_id == team.team_id)
    meetings = connect_as(team.tl_email).sheets.client.open_by_key(book_id).worksheet("Meetings")
    cell = f"{chr(64 + meetings.row_values(1).index('Date') + 1)}3"
    meetings.update([[ESSAY]], cell, value_input_option=ValueInputOption.raw)

    result = rollup(workspace, roster_id, as_of=None)
    assert result.written and result.problems == []
    mine = [f for f in result.findings if f.team == team.team_id and f.tab == "Meetings"]
    quoted = [f for f in mine if f.cell == cell]
    assert quoted and all(len(f.found) <= QUOTED and f.found.endswith("…") for f in quoted)
    assert quoted[0].link and "range=" in quoted[0].link
    for book in (result.rollup_spreadsheet_id, book_id):
        spreadsheet = workspace.sheets.client.open_by_key(book)
        for tab in spreadsheet.worksheets():
            if tab.isSheetHidden:
                continue  # the roll-up's own state, the service's data
            longest = max((len(str(v)) for row in tab.get_all_values() for v in row), default=0)
            limit = CELL_LIMIT if book == book_id and tab.title == "Meetings" else SHOWN
            assert longest <= limit, (tab.title, longest)
