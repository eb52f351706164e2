"""The roster's Applications tab row by row (typed by staff, or a Google Form's response
sheet), and the Teams tab's program-year columns: lenient about the words a Form or a person
uses ("I agree", "Year 2"), and a finding on the cell when a value cannot be used."""

from __future__ import annotations

import re

from tst_sheets.model import Application, Decision, NamedMember
from tst_sheets.model.applications import DECISIONS
from tst_sheets.model.text import normalize
from tst_sheets.model.years import parse_year, year_label
from tst_sheets.reading.roster_row import RosterRow
from tst_sheets.reading.values import (
    ParseError,
    as_text,
    is_blank,
    parse_number,
    parse_yes_no,
)

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_ENTRIES = re.compile(r"[\n;]+")
_NAME_TRIM = " \t<>()[],:;-–•*"
# What a person or a Form writes for each decision, normalised.
_DECISIONS: dict[str, Decision] = {
    **{normalize(d): d for d in DECISIONS},
    "": "Pending",
    "accept": "Accepted",
    "admitted": "Accepted",
    "yes": "Accepted",
    "decline": "Declined",
    "rejected": "Declined",
    "no": "Declined",
    "waitlist": "Waitlisted",
    "inreview": "Pending",
    "review": "Pending",
}
_AGREE = ("yes", "iagree", "agree", "reviewed", "ihavereviewed", "true")
_DISAGREE = ("no", "idonotagree", "disagree", "false")
_YEAR_WORDS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}


def read_application(row: RosterRow) -> Application | None:
    """One Applications row (None for a row naming neither school nor TL)."""
    if not any(row.text(k) for k in ("school", "tl_name", "tl_email")):
        return None
    return Application(
        row=row.number_1based,
        cells=row.cells(),
        submitted=row.date("submitted"),
        school=row.text("school"),
        tl_name=row.text("tl_name"),
        tl_email=row.email("tl_email"),
        tl_years_teaching=row.number("tl_years_teaching"),
        principal_name=row.text("principal_name"),
        principal_email=row.email("principal_email"),
        vision=row.text("vision"),
        focus_area=row.text("focus_area"),
        members=parse_members(row.text("members")),
        tl_agreed=agreed(row, "tl_commitments"),
        principal_agreed=agreed(row, "principal_commitments"),
        coach_email=row.email("coach_email"),
        school_year=school_year(row),
        decision=decision(row),
        team_id=row.text("team_id"),
        notes=row.text("notes"),
    )


def parse_members(text: str) -> list[NamedMember]:
    """One colleague per line or per ";": "Name <email>", "Name, email", or a name alone; a
    line of several emails (or of names only) is split at its commas too."""
    out: list[NamedMember] = []
    for entry in _ENTRIES.split(text):
        emails = _EMAIL.findall(entry)
        parts = [entry] if len(emails) == 1 or (not emails and "," not in entry) else None
        for part in parts or entry.split(","):
            member = _member(part)
            if (member.name or member.email) and not _seen(out, member):
                out.append(member)
    return out


def _member(text: str) -> NamedMember:
    found = _EMAIL.findall(text)
    email = found[0].lower() if found else ""
    name = text.replace(found[0], " ") if found else text
    return NamedMember(name=" ".join(name.split()).strip(_NAME_TRIM), email=email)


def _seen(people: list[NamedMember], member: NamedMember) -> bool:
    if member.email:
        return any(p.email == member.email for p in people)
    return any(normalize(p.name) == normalize(member.name) for p in people)


def agreed(row: RosterRow, key: str) -> bool | None:
    """A commitment review: Yes/No, or a Form's "I agree…" (None: not answered)."""
    value = row.raw(key)
    if is_blank(value):
        return None
    parsed = parse_yes_no(value)
    if not isinstance(parsed, ParseError):
        return parsed
    text = normalize(as_text(value))
    if text.startswith(_DISAGREE):
        return False
    if text.startswith(_AGREE):
        return True
    row.flag(key, repr(as_text(value)), "Yes (reviewed and agreed) or No", "warning")
    return None


def decision(row: RosterRow) -> Decision:
    text = row.text("decision")
    found = _DECISIONS.get(normalize(text))
    if found is None:
        row.flag("decision", repr(text), ", ".join(DECISIONS) + " (read as Pending)", "warning")
    return found or "Pending"


def school_year(row: RosterRow) -> str:
    """ "2027-28" as typed in any usual way; "" when empty (the roster's own year)."""
    text = row.text("school_year")
    if not text:
        return ""
    first = parse_year(text)
    if first is None:
        row.flag("school_year", repr(text), "a school year such as 2027-28", "warning")
        return ""
    return year_label(first)


def program_year(row: RosterRow) -> int:
    """The Teams tab's Program Year: 1, 2, "Year 2", "2nd"; empty is 1."""
    text = row.text("program_year")
    if not text:
        return 1
    number = parse_number(row.raw("program_year"))
    if not isinstance(number, ParseError) and number >= 1 and number.is_integer():
        return int(number)
    words = normalize(text).removeprefix("year").removesuffix("year")
    if words.isdigit() and int(words) >= 1:
        return int(words)
    if words in _YEAR_WORDS:
        return _YEAR_WORDS[words]
    row.flag("program_year", repr(text), "1, or 2 in the second year (read as 1)", "warning")
    return 1
