"""The note a person's sharing email carries: what this workbook is, what to do first, and who
their coach is, written for a teacher (not Drive's bare "X shared a spreadsheet")."""

from __future__ import annotations

from tst_sheets.model import Program, Team
from tst_sheets.provision.sharing import Reason


def _coach(program: Program, team: Team) -> str:
    coach = program.coach(team.coach_email)
    if coach is None:
        return "Your TST coach will be in touch."
    return f"Your TST coach is {coach.name} ({coach.email})."


def welcome_message(program: Program, team: Team, reason: Reason | str) -> str:
    """The plain-text note for one person, by why they have access."""
    school, tl = team.school or team.team_id, team.tl_name or "your Teacher Liaison"
    coach = _coach(program, team)
    if reason == "TL":
        return (
            f"Welcome to {program.name}! This is your Impact Team's workbook for {school}. "
            "Start with the Team tab: list your Impact Team members with their school emails "
            "(they get access within a day). Then log meetings, coaching sessions and "
            "principal check-ins as they happen; Start Here shows what is expected and where "
            f"your team stands. {coach}"
        )
    if reason == "member":
        return (
            f"You are on {tl}'s Impact Team at {school} ({program.name}). This workbook is where "
            f"the team keeps its goal, work plan and meeting notes; {tl} keeps it up to date "
            f"and you can add to it. {coach}"
        )
    if reason == "principal":
        return (
            f"{tl} leads {school}'s Impact Team in {program.name}. This is the team's workbook: "
            "its goal, work plan and meetings. Your check-ins with "
            f"{tl} (at least 5 a year) are logged on the Principal Check-ins tab. {coach}"
        )
    if reason == "coach":
        return (
            f"You coach {school}'s Impact Team ({tl}) in {program.name}. This is the team's "
            "workbook; the coach roll-up links every finding to its cell here."
        )
    return f"Staff access to {school}'s Impact Team workbook ({program.name})."


def rollup_message(program: Program, role: str) -> str:
    """The note for a coach (reader) or staff member (writer) of the roll-up."""
    what = (
        f"The {program.name} coach roll-up: every team's status, why, and each finding linked "
        "to the exact cell of the team's workbook. Start on the Summary tab."
    )
    return what if role == "reader" else f"{what} You can edit it as program staff."


def roster_message(program: Program) -> str:
    """The note for a staff member the roster is shared with."""
    return (
        f"This is the {program.name} program roster: the one spreadsheet staff keep. List the "
        "coaches, the teams and the program's events here; the service provisions each team's "
        "workbook and keeps the calendars from it."
    )
