"""The roll-up writes only what changed, in requests of at most 2 MB, and always ends equal to a
roll-up written whole from nothing: the plan on its own, then through the emulator."""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.test_rollup import content
from tests.test_rollup_job import PLAN, TYPED_IN_DATE, World, admin_deletes
from tst_sheets.commitments import CommitmentSet, load_commitments
from tst_sheets.demo.sample import sample_program
from tst_sheets.demo.season import type_season
from tst_sheets.jobs import rollup_book
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.rollup import RollupResult
from tst_sheets.jobs.roster import read_roster
from tst_sheets.rollup.about import state_grid
from tst_sheets.rollup.grid import Grid, RollupContent
from tst_sheets.rollup.state import (
    STATE_WRITING,
    RollupState,
    SheetLayout,
    decode_state,
    encode_state,
)
from tst_sheets.rollup.template import RollupTemplate, load_rollup_template
from tst_sheets.rollup.write_plan import body_bytes, layout_of, plan, render
from tst_sheets.workspace import Workspace

AS_OF = date(2026, 10, 5)
LATER = date(2026, 11, 2)
LATE = date(2026, 11, 23)  # the job's runs: a season typed up to here
SMALL = 12_000  # bytes: small enough that the sample roll-up needs several batches


COMMITMENTS: CommitmentSet = load_commitments()
TPL: RollupTemplate = load_rollup_template()


def with_state(tabs: list[Grid]) -> list[Grid]:
    """The tabs and the hidden state tab, as the job writes them."""
    layout = layout_of([*tabs, state_grid(TPL, [])], TPL)
    return [*tabs, state_grid(TPL, encode_state(RollupState(layout=layout)))]


def layout(grids: list[Grid]) -> dict[int, SheetLayout]:
    return decode_state([str(r["data"]) for r in grids[-1].rows]).layout


def written() -> tuple[RollupContent, dict[int, SheetLayout]]:
    """The sample roll-up, and the layout its state remembers once written."""
    built = content(COMMITMENTS, TPL)
    return built, layout(with_state(built.tabs))


def kinds(requests: list[dict[str, Any]]) -> list[str]:
    return [next(iter(r)) for r in requests]


# --- the plan ----------------------------------------------------------------------------------


def test_nothing_changed_touches_each_tab_once() -> None:
    grids = with_state(content(COMMITMENTS, TPL).tabs)
    before = layout(grids)
    about = grids[-2]
    reqs = render(grids[:-2], before, TPL)
    # one no-op per tab: refused if someone deleted the tab, so the write can put it back
    assert kinds(reqs) == ["updateSheetProperties"] * (len(grids) - 2)
    # About's run facts (written at, calls) change every run: only they are written
    facts = render([about], before, TPL)
    updates = [r["updateCells"]["range"] for r in facts if "updateCells" in r]
    assert [(u["startRowIndex"], u["endRowIndex"]) for u in updates] == [(7, 10)]


def test_a_changed_row_is_the_only_row_written() -> None:
    built, before = written()
    summary = built.tab("summary")
    summary.rows[1] = {**summary.rows[1], "school": "Renamed Elementary"}
    reqs = render([summary], before, TPL)
    updates = [r["updateCells"] for r in reqs if "updateCells" in r]
    assert [(u["range"]["startRowIndex"], u["range"]["endRowIndex"]) for u in updates] == [(2, 3)]
    assert "Renamed Elementary" in json.dumps(updates)
    # the formats that updateCells reset are put back; nothing is taken away or added
    assert "repeatCell" in kinds(reqs)
    assert not {"deleteFilterView", "addFilterView", "setBasicFilter"} & set(kinds(reqs))


def test_a_row_gone_or_added_moves_the_rows_below_instead_of_rewriting_them() -> None:
    built, before = written()
    findings = built.tab("findings")
    old_rows = len(findings.all_rows())
    gone = findings.rows.pop(1)  # a finding closed: row 2 of the tab
    reqs = render([findings], before, TPL)
    assert {"deleteDimension": {"range": rows_of(findings, 2, 3)}} in reqs
    assert not [r for r in reqs if "updateCells" in r]
    props = reqs[kinds(reqs).index("updateSheetProperties")]["updateSheetProperties"]
    assert props["properties"]["gridProperties"]["rowCount"] == old_rows  # with the spare row
    # the filter views, rules and merges moved with the rows: taken away and added again
    assert kinds(reqs).count("deleteFilterView") == kinds(reqs).count("addFilterView") > 0
    findings.rows.insert(1, gone | {"found": "A new finding"})
    again = render([findings], before, TPL)
    updates = [r["updateCells"]["range"] for r in again if "updateCells" in r]
    assert [(u["startRowIndex"], u["endRowIndex"]) for u in updates] == [(2, 3)]


def rows_of(grid: Grid, start: int, end: int) -> dict[str, Any]:
    return {"sheetId": grid.sheet_id, "dimension": "ROWS", "startIndex": start, "endIndex": end}


def test_an_old_state_rewrites_every_tab_whole() -> None:
    built, before = written()
    old = {
        sheet: SheetLayout.model_validate(kept.model_dump(exclude={"rows", "look"}))
        for sheet, kept in before.items()
    }
    reqs = render(built.tabs, old, TPL)
    ends = {
        r["updateCells"]["range"]["sheetId"]: r["updateCells"]["range"]["endRowIndex"]
        for r in reqs
        if "updateCells" in r
    }
    assert ends == {t.sheet_id: len(t.all_rows()) + 1 for t in built.tabs}


def test_batches_stay_under_the_limit_and_mark_the_state_first() -> None:
    grids = with_state(content(COMMITMENTS, TPL).tabs)
    before = {g.sheet_id: SheetLayout(title=g.title) for g in grids}
    batches = list(plan(grids, before, TPL, SMALL))
    assert len(batches) > 2 and all(body_bytes(b) <= SMALL for b in batches)
    marker = batches[0][0]["updateCells"]
    assert marker["rows"][0]["values"][0]["userEnteredValue"] == {"stringValue": STATE_WRITING}
    # the same requests as one big batch would send, in the same order, the state tab last
    assert [r for b in batches for r in b][1:] == render(grids, before, TPL, SMALL)
    state_sheet = grids[-1].sheet_id
    last = [r for r in batches[-1] if "updateCells" in r]
    assert last[-1]["updateCells"]["range"]["sheetId"] == state_sheet
    one = list(plan(grids, before, TPL))
    assert len(one) == 1 and kinds(one[0])[0] != "updateCells"  # one batch: no marker


def test_a_state_being_written_trusts_no_digest() -> None:
    grids = with_state(content(COMMITMENTS, TPL).tabs)
    column = [str(r["data"]) for r in grids[-1].rows]
    stopped = decode_state([STATE_WRITING, *column[1:]])
    assert stopped.layout and all(
        x.rows is None and x.look is None for x in stopped.layout.values()
    )
    assert [x.filter_views for x in stopped.layout.values()] == [
        x.filter_views for x in decode_state(column).layout.values()
    ]


def test_a_state_written_before_is_still_read() -> None:
    """A v1 state (zlib, no digests) reads back; its tabs are then rewritten whole, once."""
    old = {"version": 1, "layout": {"7": {"title": "Findings", "rules": 2}}, "teams": {}}
    text = json.dumps(old).encode()
    column = ["tst-rollup-state v1", base64.b64encode(zlib.compress(text, 9)).decode()]
    state = decode_state(column)
    assert state.layout == {7: SheetLayout(title="Findings", rules=2)}
    assert state.layout[7].rows is None and state.layout[7].look is None
    assert decode_state(encode_state(state)) == state


# --- through the emulator: several batches, a stop half way ----------------------------------


def snapshot(ws: Workspace, book_id: str, volatile: dict[str, tuple[int, ...]]) -> dict[str, Any]:
    """Every tab but the state as stored: size, cells (values and formats), widths, merges,
    rules, filters and charts; the run's own facts (``volatile``: title → rows) left out."""
    fields = (
        "sheets(properties(title,index,hidden,gridProperties),"
        "data(rowData.values(userEnteredValue,userEnteredFormat),columnMetadata.pixelSize),"
        "merges,conditionalFormats,filterViews,basicFilter,charts)"
    )
    meta = ws.sheets.client.http_client.fetch_sheet_metadata(
        book_id, params={"includeGridData": "true", "fields": fields}
    )
    out = {}
    for sheet in meta["sheets"]:
        title = sheet["properties"]["title"]
        if title == "_state":
            continue
        for block in sheet.get("data", []):
            for i in volatile.get(title, ()):
                for value in block.get("rowData", [{}] * (i + 1))[i].get("values", []):
                    value.pop("userEnteredValue", None)
        out[title] = sheet
    return out


def new_book(ws: Workspace, name: str) -> str:
    program = sample_program().model_copy(update={"name": name})
    book_id, created = rollup_book.find_or_create(ws, program, TPL, [])
    assert created
    return book_id


def template_layout() -> dict[int, SheetLayout]:
    return {t.sheet_id: SheetLayout(title=t.title) for t in TPL.workbook.tabs}


def fresh(ws: Workspace, grids: list[Grid], name: str) -> dict[str, Any]:
    """The same grids written whole into a new roll-up, in one request."""
    book = new_book(ws, name)
    rollup_book.write(ws, book, grids, template_layout(), TPL)
    return snapshot(ws, book, {})


def versions() -> list[RollupContent]:
    """Findings growing (a later date), shrinking (half of them closed), and back."""
    first, later = content(COMMITMENTS, TPL), content(COMMITMENTS, TPL, as_of=LATER)
    fewer = content(COMMITMENTS, TPL, as_of=LATER)
    findings = fewer.tab("findings")
    findings.rows = findings.rows[: len(findings.rows) // 2]
    return [first, later, fewer, content(COMMITMENTS, TPL)]


def test_delta_writes_in_small_batches_equal_a_fresh_write(workspace: Workspace) -> None:
    book = new_book(workspace, "Delta")
    current = template_layout()
    for n, version in enumerate(versions()):
        grids = with_state(version.tabs)
        rollup_book.write(workspace, book, grids, current, TPL, limit=SMALL)
        expected = fresh(workspace, grids, f"Fresh {n}")
        assert snapshot(workspace, book, {}) == expected, f"version {n}"
        current = layout(grids)


def test_a_write_stopped_between_batches_is_put_right_by_the_next(workspace: Workspace) -> None:
    book = new_book(workspace, "Stopped")
    first, later = versions()[:2]
    grids = with_state(first.tabs)
    rollup_book.write(workspace, book, grids, template_layout(), TPL)
    after = with_state(later.tabs)
    batches = list(plan(after, layout(grids), TPL, SMALL))
    assert len(batches) > 2
    for batch in batches[:2]:  # the function is stopped here
        workspace.sheets.batch_update(book, batch)
    column = rollup_book.read_state_column(workspace, book, "_state")
    assert column[0] == STATE_WRITING
    state = decode_state(column)
    # the next run writes the first content again: every tab, since none can be trusted
    rollup_book.write(workspace, book, grids, state.layout, TPL, limit=SMALL)
    assert snapshot(workspace, book, {}) == fresh(workspace, grids, "Fresh")


# --- the job, over a season of changes -------------------------------------------------------


VOLATILE: dict[str, tuple[int, ...]] = {"About": (7, 8, 9)}  # written at, read, calls


@pytest.fixture
def world(workspace: Workspace, connect_as: Callable[[str], Workspace]) -> World:
    """Four sample teams, the fourth paused; three typed a season (as ``test_rollup_job``)."""
    full = sample_program()
    teams = full.active_teams()[:4]
    teams[3] = teams[3].model_copy(update={"status": "Paused"})
    program = full.model_copy(update={"teams": teams})
    roster_id = init_roster(workspace, program=program).roster_spreadsheet_id
    books = {r.team_id: r.spreadsheet_id for r in provision(workspace, roster_id).created}
    type_season(connect_as, books, LATE, plan=PLAN, program=program, typed_in_date=TYPED_IN_DATE)
    return World(workspace, roster_id, read_roster(workspace, roster_id).program, books, connect_as)


def park(ws: Workspace, book_id: str, kind: str) -> None:
    """Relabel the roll-up so that the job does (not) find it."""
    body = {"appProperties": {"tstKind": kind}}
    ws.drive.resource.files().update(fileId=book_id, body=body, supportsAllDrives=True).execute()


def same_as_fresh(world: World, run: RollupResult, as_of: date) -> None:
    """The roll-up as the runs left it equals the same content written whole into a new one:
    a new roll-up whose state knows only when each finding was first seen (the rest of the
    content comes from the workbooks)."""
    book = run.rollup_spreadsheet_id
    kept = snapshot(world.ws, book, VOLATILE)
    seen = decode_state(rollup_book.read_state_column(world.ws, book, "_state")).first_seen
    park(world.ws, book, "parked")
    other, _ = rollup_book.find_or_create(world.ws, world.program, TPL, [])
    column = encode_state(RollupState(first_seen=seen))
    world.ws.sheets.client.http_client.values_update(
        other,
        "_state!A1",
        params={"valueInputOption": "RAW"},
        body={"values": [[c] for c in column]},
    )
    cold = world.run(as_of)
    assert cold.rollup_spreadsheet_id == other and cold.written
    assert snapshot(world.ws, other, VOLATILE) == kept
    admin_deletes(world, other)
    park(world.ws, book, "rollup")


def set_status(world: World, team_id: str, status: str) -> None:
    roster = world.ws.sheets.client.open_by_key(world.roster_id).worksheet("Teams")
    header = roster.row_values(1)
    row = roster.col_values(header.index("Team ID") + 1).index(team_id) + 1
    roster.update_cell(row, header.index("Status") + 1, status)


def log_meetings(world: World, team_id: str, days: list[str]) -> None:
    team = next(t for t in world.program.teams if t.team_id == team_id)
    tl = world.connect_as(team.tl_email)
    tl.sheets.client.http_client.values_append(
        world.books[team_id],
        "Meetings!A1",
        params={"valueInputOption": "USER_ENTERED"},
        body={"values": [[day, "45", team.tl_name, "Data dive", ""] for day in days]},
    )


def edit_by_hand(world: World, book: str) -> None:
    """Staff delete a filter view and the Events tab (the next write is refused, then right)."""
    staff = world.connect_as("maya.thompson@tst.example.org")
    meta = staff.sheets.client.http_client.fetch_sheet_metadata(
        book, params={"fields": "sheets(properties(title,sheetId),filterViews.filterViewId)"}
    )
    sheets = {s["properties"]["title"]: s for s in meta["sheets"]}
    view = sheets["Findings"]["filterViews"][0]["filterViewId"]
    events = sheets["Events"]["properties"]["sheetId"]
    staff.sheets.client.http_client.batch_update(
        book,
        {
            "requests": [
                {"deleteFilterView": {"filterId": view}},
                {"deleteSheet": {"sheetId": events}},
            ]
        },
    )


def test_a_season_of_changes_ends_as_a_fresh_rollup_would(world: World) -> None:
    first = world.run(LATE)
    book = first.rollup_spreadsheet_id
    steps: list[tuple[str, Callable[[], None], date]] = [
        ("one team logs a meeting", lambda: log_meetings(world, "T01", ["2026-11-20"]), LATE),
        (
            "a team catches up (its status and findings change)",
            lambda: log_meetings(world, "T02", ["2026-10-06", "2026-10-20"]),
            LATE,
        ),
        ("a team added", lambda: set_status(world, world.program.teams[3].team_id, "Active"), LATE),
        ("a team removed", lambda: set_status(world, "T03", "Paused"), LATE),
        ("findings grow with the weeks", lambda: None, date(2027, 1, 25)),
        ("edited by hand", lambda: edit_by_hand(world, book), date(2027, 1, 26)),
    ]
    for n, (what, change, as_of) in enumerate(steps):
        change()
        if what == "a team added":
            provision(world.ws, world.roster_id)
        run = world.run(as_of)
        assert run.rollup_spreadsheet_id == book and run.written, what
        # one roll-up write (two when refused), and the roster's record of it after a fresh one
        refused = 1 if what == "edited by hand" else 0
        expected = 1 + refused + (1 if n else 0)
        assert run.calls["sheets"]["write"] - len(run.start_here_written) == expected, what
        same_as_fresh(world, run, as_of)


def test_a_warm_run_sends_a_fraction_of_a_whole_rewrite(world: World) -> None:
    whole = world.run(LATE)
    log_meetings(world, "T01", ["2026-11-20"])
    sent = bytes_sent(world, lambda: world.run(LATE))
    park(world.ws, whole.rollup_spreadsheet_id, "parked")
    fresh_bytes = bytes_sent(world, lambda: world.run(LATE))
    assert sent and sent * 3 < fresh_bytes


def bytes_sent(world: World, run: Callable[[], RollupResult]) -> int:
    """The bytes of the roll-up's batchUpdate bodies the service sends during ``run``."""
    seen: list[int] = []

    def hook(response: Any, *args: Any, **kwargs: Any) -> None:
        url = response.request.url
        if url.endswith(":batchUpdate") and not any(b in url for b in world.books.values()):
            seen.append(len(response.request.body or b""))  # the roll-up's, not Start Here

    hooks = world.ws.sheets.client.http_client.session.hooks["response"]
    hooks.append(hook)
    try:
        run()
    finally:
        hooks.remove(hook)
    return sum(seen)
