"""The About tab (as of when, from what, how to read it) and the hidden state tab."""

from __future__ import annotations

from collections.abc import Sequence

from tst_sheets.model import cell_link
from tst_sheets.rollup.grid import Grid, Row, new_grid
from tst_sheets.rollup.inputs import RollupInput, RunFacts
from tst_sheets.rollup.template import RollupTemplate
from tst_sheets.templates.cells import Link, Value


def about_grid(inp: RollupInput, tpl: RollupTemplate, facts: RunFacts) -> Grid:
    """Facts: as of when, from what; the run's own facts are marked volatile."""
    grid = new_grid(tpl, "about")
    grid.header = False
    program = inp.program
    roster: Value = None
    if program.roster_id:
        roster = Link(url=cell_link(program.roster_id), text="Program roster")
    unreadable = [
        v.team.team_id + ": " + (v.status.findings[0].found if v.status.findings else "unreadable")
        for v in inp.teams
        if v.status.overall == "Unreadable"
    ]
    versions = ", ".join(f"{name} v{v}" for name, v in sorted(inp.versions.items()))
    counts = {s: sum(1 for v in inp.teams if v.status.overall == s) for s in tpl.status_order}
    by_status = ", ".join(f"{s} {n}" for s, n in counts.items())
    facts_rows: list[tuple[str, Value]] = [
        ("Program", program.name),
        ("As of", inp.as_of),
        ("School year", f"{program.school_year_start} to {program.school_year_end}"),
        ("Teams", f"{len(inp.teams)} active: {by_status}"),
        ("Roster", roster),
        ("Templates", versions),
        ("Unreadable workbooks", "; ".join(unreadable) or "none"),
        ("Written at", facts.generated_at.replace(microsecond=0)),
        ("Workbooks read / reused", f"{facts.read} read, {facts.reused} reused from the last run"),
        ("API calls (this run)", _calls_text(facts.calls)),
    ]
    grid.volatile_rows = [7, 8, 9]
    text = [(r[0] if r else "", r[1] if len(r) > 1 else "") for r in tpl.tab("about").text]
    grid.rows = [_fact(label, value) for label, value in [*facts_rows, *text]]
    return grid


def _fact(label: str, value: Value) -> Row:
    return {"label": label, "value": value}


def state_grid(tpl: RollupTemplate, column: Sequence[str]) -> Grid:
    """The hidden tab the next run reads back (see ``state``)."""
    grid = new_grid(tpl, "state")
    grid.header = False
    grid.hidden = True
    grid.text_limit = None  # chunks of the state, each under a cell's limit
    grid.rows = [{"data": text} for text in column]
    return grid


def _calls_text(calls: dict[str, dict[str, int]]) -> str:
    parts = [
        f"{api} {c.get('read', 0)} read / {c.get('write', 0)} write"
        for api, c in calls.items()
        if c.get("read", 0) or c.get("write", 0)
    ]
    return ", ".join(parts) or "none"
