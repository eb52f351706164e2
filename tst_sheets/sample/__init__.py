"""The sample program: one place for the demo's and the tests' people, schools and teams."""

from tst_sheets.sample.program import (
    ALLOWED_DOMAINS,
    OUTSIDE_MEMBER,
    SampleMember,
    SampleTeam,
    sample_coaches,
    sample_program,
    sample_teams,
    team_tab_rows,
)
from tst_sheets.sample.write import fill_team_tabs, write_sample_roster

__all__ = [
    "ALLOWED_DOMAINS",
    "OUTSIDE_MEMBER",
    "SampleMember",
    "SampleTeam",
    "fill_team_tabs",
    "sample_coaches",
    "sample_program",
    "sample_teams",
    "team_tab_rows",
    "write_sample_roster",
]
