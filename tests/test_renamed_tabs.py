"""A TL renames a tab: the service still finds it by the mark it put on the tab (its sheet's
developer metadata), reads it, and an upgrade never adds a second one."""

from __future__ import annotations

from collections.abc import Callable

from tst_sheets.demo.sample import sample_program
from tst_sheets.jobs.collect import collect
from tst_sheets.jobs.files import set_labels
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.workspace import Workspace


def test_a_renamed_meetings_tab_is_still_read_and_never_added_again(
    workspace: Workspace, connect_as: Callable[[str], Workspace]
) -> None:
    roster_id = init_roster(workspace, program=sample_program()).roster_spreadsheet_id
    created = {r.team_id: r.spreadsheet_id for r in provision(workspace, roster_id).created}
    team = sample_program().active_teams()[0]
    book = connect_as(team.tl_email).sheets.client.open_by_key(created[team.team_id])
    book.worksheet("Meetings").update_title("Our get-togethers")

    checked = collect(workspace, roster_id)
    mine = [f for f in checked.findings if f.team == team.team_id]
    assert not [f for f in mine if f.rule.endswith("tab_missing")], mine

    set_labels(workspace, created[team.team_id], {"tstVersion": "0"})  # an older workbook
    again = provision(workspace, roster_id)
    assert team.team_id in {r.team_id for r in again.upgraded}
    titles = [w.title for w in book.worksheets()]
    assert "Our get-togethers" in titles and "Meetings" not in titles
