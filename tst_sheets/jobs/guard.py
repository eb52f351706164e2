"""The mass-change guard: a run that would remove more than a quarter of what exists (events,
guests, permissions, teams; three or more of them) stops before it writes, unless a person
said it is meant.

A broken roster usually reads as "everything was deleted"; the roster check catches the
tabs it knows, this catches the rest (a column emptied, a filter pasted over the Teams tab).
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

SHARE = 4  # more than 1/SHARE of what exists is a mass change...
AT_LEAST = 3  # ...of at least this many: one staff member leaving a tiny roster is not


class Removal(BaseModel):
    """``removed`` of the ``existing`` ``what`` (plural noun, e.g. "events")."""

    what: str
    removed: int
    existing: int

    @property
    def massive(self) -> bool:
        return self.removed >= AT_LEAST and self.removed * SHARE > self.existing

    def __str__(self) -> str:
        return f"{self.removed} of {self.existing} {self.what}"


def stop_reason(job: str, removals: Sequence[Removal], *, allowed: bool) -> str:
    """Why ``job`` must stop before writing ("" to go on): a massive removal not allowed.
    The job then reports its plan as a dry run would, with this reason."""
    massive = [r for r in removals if r.massive]
    if not massive or allowed:
        return ""
    what = " and ".join(str(r) for r in massive)
    return (
        f"{job} stopped before writing: it would remove {what}, more than a quarter. Check "
        "the roster; if this is meant, run again with --allow-mass-change (allowMassChange "
        "in a function call)."
    )
