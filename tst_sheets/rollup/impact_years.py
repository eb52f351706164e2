"""The Impact Report's year-over-year section: last school year (as of its end) beside this
one (as of the report) — teams, SMART targets met, each commitment's completion — and the
members who stayed on the continuing teams (words from ``coach_rollup.yaml``'s
``impact.years``)."""

from __future__ import annotations

from collections.abc import Sequence

from tst_sheets.model import AutoCamel
from tst_sheets.rollup.grid import Grid
from tst_sheets.rollup.impact import CommitmentKept, ProgramImpact
from tst_sheets.rollup.template import ImpactWords
from tst_sheets.templates.cells import Percent, Value
from tst_sheets.year.retention import Retention


class YearFigures(AutoCamel):
    year: str
    as_of: str
    figures: ProgramImpact


class YearOverYear(AutoCamel):
    """``last`` and ``this`` school year's figures, and teacher retention between them."""

    last: YearFigures
    this: YearFigures
    retention: Retention


def year_rows(words: ImpactWords, yoy: YearOverYear) -> list[list[Value]]:
    """Title, headers, then one row per measure: last year, this year, the change."""
    years = words.years
    names = {"last": yoy.last.year, "this": yoy.this.year}
    last, this = yoy.last.figures, yoy.this.figures
    rows: list[list[Value]] = [
        [years.title.format(**names)],
        [h.format(**names) for h in years.headers],
    ]
    for key in ("teams", "with_target", "met"):
        before, after = getattr(last, key), getattr(this, key)
        rows.append([years.rows[key], before, after, _change(after - before)])
    for label, before_kept, after_kept in _completion_pairs(last.completion, this.completion):
        before_share, after_share = _completion(before_kept), _completion(after_kept)
        rows.append(
            [
                years.rows["completion"].format(label=label),
                _percent(before_share),
                _percent(after_share),
                _points(before_share, after_share),
            ]
        )
    kept = yoy.retention
    note = years.retention_note.format(stayed=kept.stayed, members=kept.members, teams=kept.teams)
    rows.append([years.rows["retention"], "", _percent(kept.share), note])
    return rows


def add_year_section(grid: Grid, words: ImpactWords, yoy: YearOverYear) -> None:
    """Below the Impact tab's sections, after a blank row, shaded like them."""
    keys = [c.key for c in grid.columns]
    start = len(grid.rows) + 1
    rows = [[], *year_rows(words, yoy)]
    grid.rows += [{keys[i]: v for i, v in enumerate(row)} for row in rows]
    grid.merged_rows.append(start)
    grid.bold_rows += [start, start + 1]
    for row in (start, start + 1):
        for column in range(len(keys)):
            grid.backgrounds[f"{row},{column}"] = words.section_color


def _completion_pairs(
    last: Sequence[CommitmentKept], this: Sequence[CommitmentKept]
) -> list[tuple[str, CommitmentKept | None, CommitmentKept | None]]:
    """Each commitment either year lists, in order, with its figures of each year."""
    before = {k.commitment: k for k in last}
    after = {k.commitment: k for k in this}
    out = []
    for commitment in dict.fromkeys([*before, *after]):
        either = before.get(commitment) or after[commitment]
        out.append((either.label, before.get(commitment), after.get(commitment)))
    return out


def _completion(kept: CommitmentKept | None) -> float | None:
    return kept.completion if kept else None


def _percent(share: float | None) -> Value:
    return Percent(value=share) if share is not None else None


def _change(delta: int) -> str:
    return f"{delta:+d}" if delta else "same"


def _points(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return ""
    delta = round((after - before) * 100)
    return f"{delta:+d} pts" if delta else "same"
