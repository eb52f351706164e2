"""What the benchmarks share: a program of N teams modelled on the 12 sample teams, set up on
an emulator the way production is (a staff admin's shared drive, the service account its
Content manager), and a season of entries typed by each TL with the usual mistakes."""

from __future__ import annotations

from datetime import date

from tst_sheets.config import Settings
from tst_sheets.demo.admin import prepare_program_drive, program_admin
from tst_sheets.demo.planted import MistakeKind
from tst_sheets.demo.sample import sample_program, sample_teams
from tst_sheets.demo.season import write_typing
from tst_sheets.demo.typist import plan_team
from tst_sheets.model import Program, Team
from tst_sheets.templates import load_template
from tst_sheets.workspace import connect

AS_OF = date(2026, 11, 23)
SCHOOLS = "schools.example.edu"
ADMIN = program_admin()


def program_settings(emulator_url: str, **overrides: object) -> Settings:
    """The service's settings for a fresh emulator: the admin makes the program's drive."""
    local = Settings(target="local", emulator_url=emulator_url, as_of=AS_OF)
    drive = prepare_program_drive(local, ADMIN)
    return local.model_copy(update={"drive_folder": drive, "subject": ADMIN, **overrides})


def bench_program(n: int) -> Program:
    """N teams modelled on the 12 sample teams, each with its own TL and principal."""
    base = sample_program()
    samples = sample_teams()
    coaches = [c.email for c in base.coaches]
    teams = []
    for i in range(n):
        s = samples[i % len(samples)].team
        teams.append(
            s.model_copy(
                update={
                    "team_id": f"T{i + 1:02d}",
                    "school": f"{s.school} #{i // len(samples) + 1}",
                    "tl_email": f"tl{i + 1:02d}@{SCHOOLS}",
                    "principal_email": f"principal{i + 1:02d}@{SCHOOLS}",
                    "coach_email": coaches[i % len(coaches)],
                    "sheet_url": "",
                    "row": None,
                }
            )
        )
    return base.model_copy(update={"teams": teams})


def mistakes(i: int) -> tuple[MistakeKind, ...]:
    """The mistakes real teams make, spread over the cohort."""
    spread: list[tuple[int, int, MistakeKind]] = [
        (5, 1, "missed_month"),
        (7, 2, "short_coaching"),
        (11, 3, "formula_in_date"),
        (13, 4, "goal_without_target"),
    ]
    return tuple(kind for every, at, kind in spread if i % every == at)


def type_season(
    settings: Settings, program: Program, books: dict[str, str], as_of: date = AS_OF
) -> None:
    """Each TL types a season up to ``as_of`` into their own workbook, as themselves."""
    samples = sample_teams()
    template = load_template("team_workbook", settings.templates_dir)
    for i, team in enumerate(program.teams):
        if team.team_id not in books:
            continue
        sample = samples[i % len(samples)].model_copy(update={"team": team})
        typing = plan_team(sample, program, as_of, mistakes(i), template=template)
        write_typing(connect(settings, team.tl_email), books[team.team_id], typing)


def log_a_meeting(settings: Settings, team: Team, book_id: str, day: date, focus: str) -> None:
    """The TL logs one more meeting, as themselves (one values.append, as the Sheets UI)."""
    tl = connect(settings, team.tl_email)
    tl.sheets.client.http_client.values_append(
        book_id,
        "Meetings!A1",
        params={"valueInputOption": "USER_ENTERED"},
        body={"values": [[day.isoformat(), "40", team.tl_name, focus, ""]]},
    )
