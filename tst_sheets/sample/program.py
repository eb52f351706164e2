"""A realistic sample program for 2026-27: 4 coaches, 12 active Impact Teams (and one that
withdrew), their principals and members. The demo, the season of entries and the tests all
start from here, so there is exactly one copy of these people.

Everyone is at ``schools.example.edu`` (teachers, principals) or ``tst.example.org`` (coaches,
staff), except one member who signed up with a personal address: the sharing rules must never
share with them.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from tst_sheets.model import Coach, DateRange, Program, Team

SCHOOLS = "schools.example.edu"
TST = "tst.example.org"
ALLOWED_DOMAINS = [SCHOOLS, TST]
STAFF = ["maya.thompson@tst.example.org", "program.office@tst.example.org"]
OUTSIDE_MEMBER = "kelsey.morgan.teach@gmail.com"


class SampleMember(BaseModel):
    name: str
    subject_grade: str
    role: str = "Impact Team Member"
    joined: date = date(2026, 8, 24)
    left: date | None = None
    email: str = ""

    def address(self) -> str:
        return self.email or school_email(self.name)


class SampleTeam(BaseModel):
    team: Team
    tl_subject: str
    members: list[SampleMember]


def school_email(name: str) -> str:
    first, *rest = name.lower().replace(".", "").replace("'", "").split()
    return f"{first}.{rest[-1]}@{SCHOOLS}"


def _coach(name: str) -> Coach:
    first, last = name.lower().split()
    return Coach(name=name, email=f"{first}.{last}@{TST}")


COACHES = [_coach(n) for n in ("Dana Whitfield", "Marcus Bell", "Priya Raman", "Luis Herrera")]

# team id, school, focus area, TL, TL subject, TL years, principal, coach index, members
_TEAMS: list[tuple[str, str, str, str, str, float, str, int, list[tuple[str, str]]]] = [
    ("T01", "Harriet Tubman Elementary", "Teacher mentorship", "Alicia Gomez", "Grade 3", 6,
     "Dr. Karen Mitchell", 0, [("Brian O'Neal", "Grade 1"), ("Tasha Greene", "Grade 2"),
                               ("Omar Haddad", "Grade 4"), ("Lena Park", "Special Education")]),
    ("T02", "Roberto Clemente Middle", "Instructional alignment", "Derek Washington",
     "Grade 7 Math", 9, "Mr. Samuel Ortiz", 0,
     [("Hannah Cho", "Grade 6 Math"), ("Victor Ramos", "Grade 8 Math"),
      ("Grace Adeyemi", "Grade 7 Science"), ("Ethan Brooks", "Math Intervention"),
      ("Sofia Alvarez", "Grade 6 Science")]),
    ("T03", "Jane Addams Elementary", "Climate and culture", "Monique Harris", "Grade 5", 4,
     "Ms. Rebecca Stein", 0,
     [("Kelsey Morgan", "Grade 5"), ("Andre Collins", "Physical Education"),
      ("Priscilla Nguyen", "Grade 4"), ("Jamal Reed", "Counselor")]),
    ("T04", "Gwendolyn Brooks Academy", "Teacher-led PD", "Rachel Kim", "English 10", 7,
     "Dr. Anthony Rivera", 0,
     [("Marcus Lee", "English 9"), ("Tiffany Howard", "English 11"),
      ("Carlos Mendez", "ELL"), ("Nadia Petrova", "English 12"), ("Will Turner", "Library")]),
    ("T05", "Ida B. Wells Preparatory", "Student achievement", "Jorge Castillo",
     "Algebra I", 5, "Ms. Denise Carter", 1,
     [("Amy Fischer", "Geometry"), ("Kwame Mensah", "Algebra II"),
      ("Laura Bennett", "Special Education"), ("Hector Ruiz", "Physics")]),
    ("T06", "Mae Jemison STEM Academy", "Instructional alignment", "Keisha Robinson",
     "Grade 8 Science", 8, "Mr. David Kowalski", 1,
     [("Ryan Patel", "Grade 6 Science"), ("Mei Lin", "Grade 7 Science"),
      ("Jasmine Ford", "Grade 8 Math"), ("Tom Sullivan", "Technology"),
      ("Angela Diaz", "Grade 6 Math"), ("Ben Okafor", "Grade 7 Math")]),
    ("T07", "Carter G. Woodson Middle", "Family engagement", "Stephanie Moore", "Grade 6 ELA",
     3, "Dr. Lisa Grant", 1,
     [("Darnell Jackson", "Grade 6 Social Science"), ("Erin Walsh", "Grade 7 ELA"),
      ("Miguel Torres", "Bilingual"), ("Patrice Young", "Grade 8 ELA")]),
    ("T08", "Lorraine Hansberry Elementary", "Teacher mentorship", "Nicole Bailey",
     "Kindergarten", 11, "Ms. Patricia Owens", 2,
     [("Chloe Adams", "Kindergarten"), ("Isaac Freeman", "Grade 1"),
      ("Yolanda Pierce", "Grade 2"), ("Kevin Shah", "Art"), ("Monica Reyes", "Pre-K")]),
    ("T09", "Studs Terkel Middle", "Climate and culture", "Brandon Hughes", "Grade 8 History",
     6, "Mr. Raymond Foster", 2,
     [("Alyssa Grant", "Grade 7 History"), ("Jerome Wallace", "Dean"),
      ("Samantha Cruz", "Grade 6 ELA"), ("Dylan Kerr", "Music")]),
    ("T10", "Sandra Cisneros Elementary", "Student achievement", "Elena Vargas",
     "Grade 2 Bilingual", 10, "Dr. Maria Delgado", 2,
     [("Rosa Jimenez", "Grade 1 Bilingual"), ("Paul Novak", "Grade 3"),
      ("Imani Scott", "Reading Specialist"), ("Luis Navarro", "Grade 3 Bilingual")]),
    ("T11", "Bessie Coleman Elementary", "Teacher-led PD", "Courtney Ellis", "Grade 4", 5,
     "Ms. Gloria Bradley", 3,
     [("Aaron Wright", "Grade 4"), ("Fatima Yusuf", "Grade 5"),
      ("Greg Lawson", "Grade 3"), ("Naomi Feldman", "Math Coach"),
      ("Trevor Banks", "Grade 5")]),
    ("T12", "Daniel Hale Williams Prep", "Instructional alignment", "Marcus Johnson",
     "Biology", 4, "Mr. Curtis Hammond", 3,
     [("Olivia Brennan", "Chemistry"), ("Sanjay Iyer", "Biology"),
      ("Tanya Mitchell", "Environmental Science"), ("Rafael Soto", "Physics")]),
]

# A team that withdrew in October: it is on the roster but gets no workbook.
_WITHDRAWN = Team(
    team_id="T13", school="Lucy Flower Middle", focus_area="Climate and culture",
    tl_name="Jenna Price", tl_email=school_email("Jenna Price"), tl_years_teaching=3,
    principal_name="Mr. Frank Dorsey", principal_email=school_email("Frank Dorsey"),
    coach_email=COACHES[3].email, status="Withdrawn",
)


def _principal_email(name: str) -> str:
    parts = [p for p in name.split() if not p.endswith(".")]
    return school_email(" ".join(parts))


def _sample_team(row: tuple[str, str, str, str, str, float, str, int, list[tuple[str, str]]]
                 ) -> SampleTeam:
    team_id, school, focus, tl, tl_subject, years, principal, coach, members = row
    team = Team(
        team_id=team_id, school=school, focus_area=focus, tl_name=tl,
        tl_email=school_email(tl), tl_years_teaching=years, principal_name=principal,
        principal_email=_principal_email(principal), coach_email=COACHES[coach].email,
    )
    people = [SampleMember(name=n, subject_grade=s) for n, s in members]
    return SampleTeam(team=team, tl_subject=tl_subject, members=_quirks(team_id, people))


def _quirks(team_id: str, people: list[SampleMember]) -> list[SampleMember]:
    """The real-world exceptions the rules must handle, each in one team."""
    if team_id == "T03":  # signed up with a personal address: never shared
        people[0] = people[0].model_copy(update={"email": OUTSIDE_MEMBER})
    if team_id == "T09":  # moved schools in October: no access from then on
        people[-1] = people[-1].model_copy(update={"left": date(2026, 10, 30)})
    if team_id == "T06":  # joined late
        people[-1] = people[-1].model_copy(update={"joined": date(2026, 10, 5)})
    return people


def sample_teams() -> list[SampleTeam]:
    """The 12 active teams with their members."""
    return [_sample_team(row) for row in _TEAMS]


def sample_coaches() -> list[Coach]:
    return [c.model_copy() for c in COACHES]


def sample_program(name: str = "TST") -> Program:
    """The program as the roster holds it (the events come from the roster's seed year)."""
    from tst_sheets.roster import seed_events

    return Program(
        name=name,
        school_year_start=date(2026, 8, 17),
        school_year_end=date(2027, 6, 10),
        timezone="America/Chicago",
        allowed_domains=list(ALLOWED_DOMAINS),
        staff_emails=list(STAFF),
        mid_year_data_due=date(2027, 1, 29),
        end_of_year_data_due=date(2027, 5, 28),
        breaks=[
            DateRange(start=date(2026, 11, 25), end=date(2026, 11, 27), label="Thanksgiving"),
            DateRange(start=date(2026, 12, 21), end=date(2027, 1, 1), label="Winter Break"),
            DateRange(start=date(2027, 3, 29), end=date(2027, 4, 2), label="Spring Break"),
        ],
        coaches=sample_coaches(),
        teams=[t.team for t in sample_teams()] + [_WITHDRAWN.model_copy()],
        events=seed_events(2026),
    )


def team_tab_rows(sample: SampleTeam) -> list[list[str]]:
    """The Team tab as the TL fills it: Name | Email | Role | Subject / Grade | Joined | Left."""
    tl = [sample.team.tl_name, sample.team.tl_email, "Teacher Liaison", sample.tl_subject,
          "2026-08-17", ""]
    rows = [tl]
    for m in sample.members:
        left = m.left.isoformat() if m.left else ""
        rows.append([m.name, m.address(), m.role, m.subject_grade, m.joined.isoformat(), left])
    return rows
