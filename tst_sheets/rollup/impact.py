"""The Impact tab (in the roll-up and in the Impact Report): the program at a glance, each
team's SMART goal from baseline to its target (with a chart), and the commitments kept.

Three sections on one tab, each with its own title and headers (words and colours from
``coach_rollup.yaml``'s ``impact``); every figure is the checks' own (``TeamStatus.goal``, the
commitments' ``held``/``kept``/``expected`` figures).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import Field

from tst_sheets.model import AutoCamel, GoalProgress, TeamStatus
from tst_sheets.rollup.grid import Grid, new_grid, stable_id
from tst_sheets.rollup.inputs import RollupInput, TeamView
from tst_sheets.rollup.summary import pace_word
from tst_sheets.rollup.template import ImpactWords, RollupTemplate
from tst_sheets.templates.cells import Link, Percent, Value

GOAL_VALUES = ("baseline", "mid_year", "end_of_year", "target")  # the charted columns, in order
# Where the goals section puts things (its headers in the YAML follow this order).
TEAM_COLUMN, FIRST_VALUE_COLUMN, PACE_COLUMN = 0, 3, 8


def impact_grid(
    inp: RollupInput, tpl: RollupTemplate, teams: Sequence[TeamView], *, links: bool = True
) -> Grid:
    """The tab; ``links``: each team linked to its Goals tab (not in a report for funders,
    who cannot open the workbooks)."""
    grid = new_grid(tpl, "impact")
    grid.header = False
    words = tpl.impact
    keys = [c.key for c in grid.columns]
    readable = [v for v in teams if v.status.overall != "Unreadable"]
    figures = program_impact(inp, words, readable)
    program = _program_rows(words, figures, inp.as_of.isoformat())
    goals_at = len(program) + 1
    goals = _goal_rows(words, readable, links)
    completion = _completion_rows(words, figures)
    blank: list[list[Value]] = [[]]
    rows = [*program, *blank, *goals, *blank, *completion]
    grid.rows = [{keys[i]: v for i, v in enumerate(row)} for row in rows]
    completion_at = goals_at + len(goals) + 1
    grid.merged_rows = [0, goals_at, completion_at]
    titles = [0, goals_at, goals_at + 1, completion_at, completion_at + 1]
    grid.bold_rows = titles
    grid.backgrounds = _backgrounds(grid, words, titles, goals_at + 2, len(goals) - 2)
    if len(goals) > 2:
        grid.charts = [_chart(grid, words, goals_at + 1, goals_at + len(goals))]
    return grid


def _share(part: int, whole: int) -> Value:
    return Percent(value=round(part / whole, 4)) if whole else None


class CommitmentKept(AutoCamel):
    """One commitment over the program: held and expected to date, summed over the teams."""

    commitment: str
    label: str
    held: int
    expected: int
    completion: float | None = None
    teams_on_track: int = 0
    teams: int = 0


class ProgramImpact(AutoCamel):
    """The program at a glance: how many teams have a target, are measured, on pace, met it."""

    teams: int
    with_target: int
    measured: int
    on_pace: int
    met: int
    mean_progress: float | None = None
    completion: list[CommitmentKept] = Field(default_factory=list)


def program_impact(
    inp: RollupInput, words: ImpactWords, teams: Sequence[TeamView]
) -> ProgramImpact:
    """The figures of the Impact tab's first and last sections (readable teams only)."""
    goals = [v.status.goal for v in teams]
    with_target = [g for g in goals if g.has_goal]
    measured = [g for g in with_target if g.progress is not None]
    mean = sum(g.progress or 0 for g in measured) / len(measured) if measured else None
    return ProgramImpact(
        teams=len(teams),
        with_target=len(with_target),
        measured=len(measured),
        on_pace=sum(1 for g in measured if g.on_pace or g.met),
        met=sum(1 for g in measured if g.met),
        mean_progress=round(mean, 4) if mean is not None else None,
        completion=[
            kept
            for commitment_id in words.completion
            if (kept := _kept(inp, commitment_id, teams)) is not None
        ],
    )


def _kept(inp: RollupInput, commitment_id: str, teams: Sequence[TeamView]) -> CommitmentKept | None:
    """Held and expected to date, summed; completion is the share of what was expected that
    was held (a month's extra meetings make up for no other month's)."""
    found = [s for v in teams if (s := v.status.commitment(commitment_id)) is not None]
    if not found or inp.commitments.find(commitment_id) is None:
        return None
    held, kept, expected = (
        sum(int(s.figures.get(k) or 0) for s in found) for k in ("held", "kept", "expected")
    )
    return CommitmentKept(
        commitment=commitment_id,
        label=inp.commitments.words(commitment_id),
        held=held,
        expected=expected,
        completion=round(kept / expected, 4) if expected else None,
        teams_on_track=sum(1 for s in found if s.status in ("on_track", "due_soon")),
        teams=len(found),
    )


def _program_rows(words: ImpactWords, figures: ProgramImpact, as_of: str) -> list[list[Value]]:
    labels, n = words.program_rows, figures.teams
    mean = figures.mean_progress
    return [
        [words.program_title.format(as_of=as_of)],
        [labels["teams"], _share(figures.with_target, n), f"{figures.with_target} of {n} teams"],
        [labels["measured"], _share(figures.measured, n), f"{figures.measured} of {n} teams"],
        [labels["on_pace"], _share(figures.on_pace, n), f"{figures.on_pace} of {n} teams"],
        [labels["met"], _share(figures.met, n), f"{figures.met} of {n} teams"],
        [labels["progress"], Percent(value=mean) if mean is not None else None, ""],
    ]


def _amount(value: float | None, goal: GoalProgress) -> Value:
    if value is None:
        return None
    return Percent(value=round(value / 100, 4)) if goal.unit == "%" else value


def progress_bar(progress: float | None, words: ImpactWords) -> str:
    """ "█████░░░░░ 50%": the share of the way from the baseline to the target."""
    if progress is None:
        return ""
    width = int(words.bar["width"])
    filled = max(0, min(width, round(progress * width)))
    full, empty = str(words.bar["full"]), str(words.bar["empty"])
    return full * filled + empty * (width - filled) + f" {progress:.0%}"


def _goal_rows(words: ImpactWords, teams: Sequence[TeamView], links: bool) -> list[list[Value]]:
    rows: list[list[Value]] = [[words.goals_title], list(words.goals_headers)]
    rows.append(_average_row(words, [v.status for v in teams]))
    for view in teams:
        goal = view.status.goal
        link = view.facts.goals_link if view.facts and links else None
        team: Value = Link(url=link, text=view.team.team_id) if link else view.team.team_id
        amounts = [_amount(getattr(goal, key), goal) for key in GOAL_VALUES]
        rows.append(
            [
                team,
                view.team.school,
                goal.measure,
                *amounts,
                progress_bar(goal.progress, words),
                pace_word(goal, words.pace_words),
                goal.note,
            ]
        )
    return rows


def _average_row(words: ImpactWords, statuses: Sequence[TeamStatus]) -> list[Value]:
    """All teams: the mean of each figure over the teams that have it."""
    goals = [s.goal for s in statuses if s.goal.has_goal]
    means: list[Value] = []
    for key in GOAL_VALUES:
        values = [v for g in goals if (v := getattr(g, key)) is not None]
        means.append(Percent(value=round(sum(values) / len(values) / 100, 4)) if values else None)
    progress = [g.progress for g in goals if g.progress is not None]
    mean = sum(progress) / len(progress) if progress else None
    on_pace = sum(1 for g in goals if g.on_pace or g.met)
    note = f"{on_pace} of {len(statuses)} on pace" if progress else ""
    return ["All teams", "", "mean of the teams", *means, progress_bar(mean, words), "", note]


def _completion_rows(words: ImpactWords, figures: ProgramImpact) -> list[list[Value]]:
    rows: list[list[Value]] = [[words.completion_title], list(words.completion_headers)]
    for kept in figures.completion:
        completion = Percent(value=kept.completion) if kept.completion is not None else None
        on_track = f"{kept.teams_on_track} of {kept.teams} teams"
        rows.append([kept.label, kept.held, kept.expected, completion, on_track])
    return rows


def _backgrounds(
    grid: Grid, words: ImpactWords, titles: Sequence[int], first_team: int, teams: int
) -> dict[str, str]:
    """Section titles and headers shaded; each team's pace in its colour."""
    out = {f"{r},{c}": words.section_color for r in titles for c in range(len(grid.columns))}
    pace = grid.columns[PACE_COLUMN].key
    for r in range(first_team, first_team + teams):
        color = words.pace_colors.get(str(grid.rows[r].get(pace) or ""))
        if color:
            out[f"{r},{PACE_COLUMN}"] = color
    return out


def _chart(grid: Grid, words: ImpactWords, header: int, end: int) -> dict[str, Any]:
    """Each team's baseline, mid-year, end of year and target, side by side."""

    def column(index: int) -> dict[str, Any]:
        source = {
            "sheetId": grid.sheet_id,
            "startRowIndex": header,
            "endRowIndex": end,
            "startColumnIndex": index,
            "endColumnIndex": index + 1,
        }
        return {"sourceRange": {"sources": [source]}}

    anchor = {"sheetId": grid.sheet_id, "rowIndex": 0, "columnIndex": len(grid.columns)}
    return {
        "chartId": stable_id("chart:impact"),
        "spec": {
            "title": words.chart_title,
            "basicChart": {
                "chartType": "COLUMN",
                "legendPosition": "BOTTOM_LEGEND",
                "headerCount": 1,
                "axis": [
                    {"position": "BOTTOM_AXIS", "title": "Team"},
                    {"position": "LEFT_AXIS", "title": "Share"},
                ],
                "domains": [{"domain": column(TEAM_COLUMN)}],
                "series": [
                    {"series": column(FIRST_VALUE_COLUMN + i), "targetAxis": "LEFT_AXIS"}
                    for i in range(len(GOAL_VALUES))
                ],
            },
        },
        "position": {
            "overlayPosition": {
                "anchorCell": anchor,
                "offsetXPixels": 12,
                "offsetYPixels": 12,
                "widthPixels": 640,
                "heightPixels": 360,
            }
        },
    }
