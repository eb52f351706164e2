"""A digest as an email body: HTML, and the same in plain text for mail clients (and people)
that prefer it. Every piece of text that came from a person — a name, a school, a finding's
words, an event's title — is HTML-escaped, and only http(s) links become links, so nothing a
sheet or the roster holds (``<script>``, ``=HYPERLINK(``) can act in a mail client."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TypeVar

from pydantic import BaseModel

from tst_sheets.nudges.items import day_text
from tst_sheets.nudges.models import ROLE_WORDS, Change, Digest, Item, Line, Section, Upcoming

STYLE = "font-family:Arial,Helvetica,sans-serif;color:#202124;font-size:14px;max-width:640px"
MUTED = "color:#5f6368;font-size:12px"
SEVERITY_COLOR = {"error": "#b3261e", "overdue": "#b3261e", "due_soon": "#b06000"}
T = TypeVar("T")
ABOUT = {
    "tl": "your team's open items, each linked to the exact cell, and the next program events",
    "principal": "your own commitments: check-ins, the goal you set with your TL, the training",
    "coach": "your caseload: who changed status and why, who is behind, the next roundtables",
    "staff": "the program in five lines, with the roll-up",
}


class Rendered(BaseModel):
    subject: str
    text: str
    html: str


def render(digest: Digest, program: str, sender: str) -> Rendered:
    return Rendered(
        subject=digest.subject,
        text=as_text(digest, program, sender),
        html=as_html(digest, program, sender),
    )


def greeting(digest: Digest) -> str:
    """ "Hello Alicia," or, after a title, "Hello Dr. Delgado,"."""
    words = digest.name.split()
    if not words:
        return "Hello,"
    if words[0].endswith(".") and len(words) > 1:
        return f"Hello {words[0]} {words[-1]},"
    return f"Hello {words[0]},"


def about(digest: Digest, program: str, sender: str) -> str:
    """The first digest says how the weekly email works."""
    what = "; ".join(dict.fromkeys(ABOUT[r] for r in digest.roles))
    acts = bool({"tl", "principal"} & set(digest.roles))
    weekly = not acts or bool({"coach", "staff"} & set(digest.roles))
    when = (
        "It comes every week."
        if weekly
        else "It comes only when there is something for you: a week with nothing to do brings "
        "no email."
    )
    fix = (
        " Open a link, fix or fill in that cell, and the item is gone from next week's email."
        if acts
        else ""
    )
    return (
        f"Every Monday morning {program} sends you one email with what needs "
        f"your attention this week ({what}). {when}{fix} To stop these emails, reply with "
        f'"unsubscribe" (or write to {sender}) and program staff will take you off the list.'
    )


def footer(digest: Digest, program: str, sender: str) -> str:
    roles = ", ".join(dict.fromkeys(ROLE_WORDS[r] for r in digest.roles))
    return (
        f"You get this weekly email because the {program} roster lists you ({roles}); "
        f'{digest.week}. Reply "unsubscribe" or write to {sender} to stop it.'
    )


# -- plain text -------------------------------------------------------------------------------


def as_text(digest: Digest, program: str, sender: str) -> str:
    out = [greeting(digest), ""]
    for section in digest.sections:
        out += text_section(section)
    if digest.first:
        out += [f"About this email: {about(digest, program, sender)}", ""]
    out += ["--", footer(digest, program, sender)]
    return "\n".join(out) + "\n"


def text_section(section: Section) -> list[str]:
    out = [section.title.upper(), ""]
    out += [text_line(line) for line in section.lines]
    blocks: list[tuple[str, list[str]]] = [
        ("Changed since last week", [text_change(c) for c in section.changes]),
        ("Your teams, most urgent first", [f"- {text_line(t)}" for t in section.teams]),
        ("Behind", [f"- {text_line(b)}" for b in section.behind]),
        ("To do, most urgent first", [text_item(n, i) for n, i in enumerate(section.items, 1)]),
        ("Coming up", [f"- {event_text(e)}" for e in section.events]),
    ]
    for heading, lines in blocks:
        if lines:
            out += ["", f"{heading}:", *lines]
    if section.link:
        out += ["", text_line(section.link)]
    return [*out, ""]


def text_line(line: Line) -> str:
    return f"{line.text} <{line.link}>" if safe_link(line.link) else line.text


def text_change(change: Change) -> str:
    link = f" <{change.link}>" if safe_link(change.link) else ""
    head = f"{change.team_id} {change.school}: {change.before} -> {change.after}."
    return f"- {head} {change.why}{link}"


def text_item(number: int, item: Item) -> str:
    where = f"{item.where} <{item.link}>" if safe_link(item.link) else item.where
    lines = [f"{number}. {item.what}"]
    if item.expected:
        lines.append(f"   Expected: {item.expected}")
    lines.append(f"   Where: {where or 'the workbook'}; by when: {item.by_when}")
    return "\n".join(lines)


def event_text(event: Upcoming) -> str:
    when = day_text(event.date)
    if event.start:
        end = f"-{event.end:%H:%M}" if event.end else ""
        when += f", {event.start:%H:%M}{end}"
    where = " (virtual)" if event.virtual else ""
    place = f", {event.location}" if event.location else ""
    return f"{when}: {event.title}{where}{place}"


# -- HTML -------------------------------------------------------------------------------------


def as_html(digest: Digest, program: str, sender: str) -> str:
    parts = [f"<p>{escape(greeting(digest))}</p>"]
    parts += [html_section(s) for s in digest.sections]
    if digest.first:
        parts.append('<h3 style="font-size:14px">About this email</h3>')
        parts.append(f"<p>{escape(about(digest, program, sender))}</p>")
    parts.append(f'<p style="{MUTED}">{escape(footer(digest, program, sender))}</p>')
    body = "\n".join(parts)
    title = escape(digest.subject)
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><div style="{STYLE}">\n{body}\n</div></body></html>\n'
    )


def html_section(section: Section) -> str:
    out = [f'<h2 style="font-size:16px;margin:20px 0 8px">{escape(section.title)}</h2>']
    out += [f"<p>{html_line(line)}</p>" for line in section.lines]
    out += html_list("Changed since last week", section.changes, html_change)
    out += html_list("Your teams, most urgent first", section.teams, html_line)
    out += html_list("Behind", section.behind, html_line)
    out += html_list("To do, most urgent first", section.items, html_item, ordered=True)
    out += html_list("Coming up", section.events, lambda e: escape(event_text(e)))
    if section.link:
        out.append(f"<p><strong>{html_line(section.link)}</strong></p>")
    return "\n".join(out)


def html_list(
    heading: str, entries: list[T], show: Callable[[T], str], ordered: bool = False
) -> list[str]:
    if not entries:
        return []
    tag = "ol" if ordered else "ul"
    items = "".join(f'<li style="margin-bottom:8px">{show(e)}</li>' for e in entries)
    title = f'<h3 style="font-size:14px;margin:12px 0 4px">{escape(heading)}</h3>'
    return [title, f"<{tag}>{items}</{tag}>"]


def html_line(line: Line) -> str:
    return anchor(line.link, escape(line.text))


def html_change(change: Change) -> str:
    head = escape(f"{change.team_id} {change.school}: {change.before} → {change.after}.")
    return f"<strong>{head}</strong> {anchor(change.link, escape(change.why))}"


def html_item(item: Item) -> str:
    color = SEVERITY_COLOR.get(item.severity, "#202124")
    where = anchor(item.link, escape(item.where or "the workbook"))
    expected = f"<br>Expected: {escape(item.expected)}" if item.expected else ""
    return (
        f'<strong style="color:{color}">{escape(item.what)}</strong>{expected}'
        f"<br>Where: {where} · By when: {escape(item.by_when)}"
    )


def anchor(link: str | None, inner: str) -> str:
    """``inner`` (already escaped) as a link, when ``link`` is a web address."""
    if not safe_link(link):
        return inner
    return f'<a href="{escape(str(link), quote=True)}">{inner}</a>'


def safe_link(link: str | None) -> bool:
    return bool(link) and str(link).lower().startswith(("https://", "http://"))
