"""A team's SMART goal measured: baseline → mid-year → end of year against its target."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from tst_sheets.model.camel import AutoCamel

Direction = Literal["up", "down"]


class GoalProgress(AutoCamel):
    """``{"baseline", "midYear", "endOfYear", "target", "progress", "onPace", …}``.

    ``progress`` is (latest − baseline) / (target − baseline): 0 at the baseline, 1 at the
    target, negative when the measure moved away from it. ``on_pace`` compares it with the
    share of the time from the baseline to the target date gone by the latest measurement;
    None until there is a measurement after the baseline.
    """

    measure: str = ""
    unit: str = Field(default="", description='"%" when the goal is a percentage')
    direction: Direction | None = None
    baseline: float | None = None
    mid_year: float | None = None
    end_of_year: float | None = None
    target: float | None = None
    target_date: date | None = None
    latest: float | None = None
    latest_date: date | None = None
    progress: float | None = None
    expected_progress: float | None = Field(
        default=None, description="The share of the time to the target date gone by the latest"
    )
    on_pace: bool | None = None
    met: bool | None = None
    note: str = Field(default="", description="Why a figure is missing, in plain words")
    links: dict[str, str] = Field(
        default_factory=dict, exclude=True, description="baseline/mid_year/… → the cell's link"
    )

    @property
    def has_goal(self) -> bool:
        return self.baseline is not None and self.target is not None
