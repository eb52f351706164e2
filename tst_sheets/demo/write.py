"""Put the sample program where the service reads it: the roster, and the teams' Team tabs
(typed as each TL would type them). For the demo and the tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tst_sheets.demo.sample import sample_program, sample_teams, team_tab_rows
from tst_sheets.jobs.roster import write_program
from tst_sheets.model.a1 import absolute_range_name
from tst_sheets.workspace import Workspace

TEAM_TAB_START = "A3"  # below the template's example row, over the TL row made at creation


def write_sample_roster(ws: Workspace, roster_id: str, name: str = "TST") -> None:
    """Overwrite an existing roster's settings, coaches, teams and events with the sample."""
    write_program(ws, roster_id, sample_program(name))


def fill_team_tabs(connect_as: Callable[[str], Workspace], books: Mapping[str, str]) -> int:
    """Each TL lists their Impact Team on their own Team tab (1 write per team, as the TL).

    ``books`` maps team id -> spreadsheet id; returns how many Team tabs were written.
    """
    written = 0
    for sample in sample_teams():
        book = books.get(sample.team.team_id)
        if not book:
            continue
        tl = connect_as(sample.team.tl_email)
        a1 = absolute_range_name("Team", TEAM_TAB_START)
        tl.sheets.values_update(book, a1, team_tab_rows(sample), raw=False)
        written += 1
    return written
