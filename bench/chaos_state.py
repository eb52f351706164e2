"""What a run left behind, in a form two runs on two emulators can be compared by.

Ids differ from one emulator to the next (files, tabs, calendars, messages) and so do time
stamps: every text is normalized, each id replaced by what it names (``team:T05``,
``team:T05/Meetings``, ``roster``, ``calendar``) and each time stamp by ``<time>``. The
snapshot is read with the faults off, as program staff (the shared drive's organizer, the
calendars' owner and the weekly email's sender).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from pydantic import BaseModel, Field

from tst_sheets.model import DriveFile
from tst_sheets.rollup.state import STATE_MARKER, decode_state
from tst_sheets.workspace import Workspace

PROGRAM_TABS = ("Start Here", "Program Events")
ABOUT = "About"
CALENDAR_MARK = "tstProgram="
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}| ?UTC)?")
# The About tab's figures of one run (when, calls, workbooks read or reused), not the program's
RUN_FIGURES = ("Written at", "Workbooks read", "API calls")


class Snapshot(BaseModel):
    """Each artifact of one run, normalized; and what must never be there at all."""

    artifacts: dict[str, Any] = Field(default_factory=dict)
    duplicates: list[str] = Field(default_factory=list)


class Names:
    """Every id of one run mapped to what it names, and texts rewritten with those names."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None

    def add(self, raw: str, name: str) -> None:
        if raw:
            self.ids[raw] = name
            self._pattern = None

    def text(self, value: object) -> str:
        text = str(value)
        if self.ids:
            if self._pattern is None:
                ordered = sorted(self.ids, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(i) for i in ordered))
            text = self._pattern.sub(lambda m: f"<{self.ids[m.group(0)]}>", text)
        return STAMP.sub("<time>", text)

    def grid(self, rows: list[list[Any]]) -> list[list[str]]:
        return [[self.text(v) for v in row] for row in rows]


def file_name(file: DriveFile) -> str:
    """``roster``, ``rollup``, ``team:T05``; an unlabelled file by its title."""
    if file.kind == "team":
        return f"team:{file.team_id}"
    return file.kind or f"unlabelled:{file.name}"


def drive_files(staff: Workspace, drive_id: str) -> list[DriveFile]:
    """Every file in the program's shared drive that is not in the trash."""
    return staff.drive.list_files("trashed = false", drive_id=drive_id)


def tab_titles(staff: Workspace, book: str) -> list[str]:
    meta = staff.sheets.get(book, "sheets.properties.title")
    return [str(s["properties"]["title"]) for s in meta.get("sheets", [])]


def values(staff: Workspace, book: str, titles: list[str]) -> dict[str, list[list[Any]]]:
    """Every cell of the given tabs (one values.batchGet)."""
    if not titles:
        return {}
    ranges = [f"'{t}'" for t in titles]
    answers = staff.sheets.values_batch_get(book, ranges)
    return {t: a.get("values", []) for t, a in zip(titles, answers, strict=True)}


def about_rows(rows: list[list[str]]) -> list[list[str]]:
    """The About tab without the run's own figures (calls, time, teams read)."""
    return [row for row in rows if not (row and row[0].startswith(RUN_FIGURES))]


def permissions(staff: Workspace, file_id: str, names: Names) -> list[str]:
    out = []
    for p in staff.drive.list_permissions(file_id):
        who = p.email or p.domain or p.type
        out.append(f"{p.type}:{names.text(who)}:{p.role}")
    return sorted(out)


def duplicates(
    files: list[DriveFile], calendars: list[dict[str, Any]], sent: list[str]
) -> list[str]:
    """Two of one thing (a workbook, a roll-up, a program calendar, a week's email to one
    person), or a file the program cannot name."""
    counts = Counter(file_name(f) for f in files if f.mime_type.endswith("spreadsheet"))
    out = [f"{n} {name}" for name, n in sorted(counts.items()) if n > 1]
    out += [f"orphan {file_name(f)}" for f in files if not f.kind]
    if len(calendars) > 1:
        out.append(f"{len(calendars)} program calendars")
    to = Counter(line.split(" | ", 1)[0] for line in sent)  # one week: one email each
    out += [f"{n} emails to {who}" for who, n in sorted(to.items()) if n > 1]
    return out


def program_calendars(staff: Workspace) -> list[dict[str, Any]]:
    return [c for c in staff.calendar.list_calendars() if CALENDAR_MARK in c.get("description", "")]


def events(items: list[dict[str, Any]], names: Names) -> list[str]:
    """Each event: summary, start, end and attendees (a changed one shows as different)."""
    out = []
    for e in items:
        start = e.get("start", {})
        end = e.get("end", {})
        people = sorted(a.get("email", "") for a in e.get("attendees", []))
        out.append(
            " | ".join(
                [
                    names.text(e.get("summary", "")),
                    str(start.get("dateTime") or start.get("date")),
                    str(end.get("dateTime") or end.get("date")),
                    ", ".join(people),
                ]
            )
        )
    return sorted(out)


def emails(staff: Workspace) -> list[str]:
    """Every message in the sender's Sent mail: recipient and subject, one line each."""
    out = []
    token: str | None = None
    while True:
        page = staff.gmail.list_messages(["SENT"], token)
        for ref in page.get("messages", []):
            meta = staff.gmail.get_headers(ref["id"], ["To", "Subject"])
            headers = {h["name"].lower(): h["value"] for h in meta["payload"]["headers"]}
            out.append(f"{headers.get('to', '')} | {headers.get('subject', '')}")
        token = page.get("nextPageToken")
        if not token:
            return sorted(out)


def take(staff: Workspace, drive_id: str, extra: dict[str, Any]) -> Snapshot:
    """Read everything the loop left (``extra``: what the jobs said, e.g. their findings)."""
    names = Names()
    files = drive_files(staff, drive_id)
    calendars = program_calendars(staff)
    for file in files:
        names.add(file.id, file_name(file))
    listed = {c["id"]: staff.calendar.list_events(c["id"]) for c in calendars}
    for calendar_id, items in listed.items():
        names.add(calendar_id, "calendar")
        for item in items:
            names.add(item.get("hangoutLink", ""), f"meet {item.get('summary', '')}")
    sent = emails(staff)
    snap = Snapshot(duplicates=duplicates(files, calendars, sent))
    books = [f for f in files if f.mime_type.endswith("spreadsheet")]
    for book in sorted(books, key=file_name):
        snap.artifacts.update(workbook(staff, book, names))
    for calendar_id, items in listed.items():
        snap.artifacts["calendar events"] = events(items, names)
        snap.artifacts["calendar acl"] = acl(staff, calendar_id)
    snap.artifacts["emails"] = sent
    for key, said in extra.items():
        snap.artifacts[key] = [names.text(v) for v in said]
    return snap


def workbook(staff: Workspace, book: DriveFile, names: Names) -> dict[str, Any]:
    """One spreadsheet's permissions and every tab's cells (the roll-up's state decoded)."""
    label = file_name(book)
    grids = values(staff, book.id, tab_titles(staff, book.id))
    out: dict[str, Any] = {f"{label} permissions": permissions(staff, book.id, names)}
    for title, rows in grids.items():
        if rows and rows[0] and rows[0][0] == STATE_MARKER:
            out[f"{label}/{title}"] = state_view([r[0] if r else "" for r in rows], names)
        elif label == "rollup" and title == ABOUT:
            out[f"{label}/{title}"] = about_rows(names.grid(rows))
        else:
            out[f"{label}/{title}"] = names.grid(rows)
    return out


def state_view(column: list[str], names: Names) -> list[str]:
    """What the roll-up remembers of each team (what it read, why it could not), and when
    it first saw each finding; not its digests, layout or modified times."""
    state = decode_state(column)
    out = [f"first seen {key}: {day}" for key, day in sorted(state.first_seen.items())]
    for team_id, entry in sorted(state.teams.items()):
        record = entry.record_json or ""
        out.append(f"{team_id}: failure={entry.failure} record={names.text(record)}")
    return out


def acl(staff: Workspace, calendar_id: str) -> list[str]:
    rules = staff.calendar.list_acl(calendar_id)
    return sorted(f"{r.get('scope', {}).get('value', '')}:{r.get('role', '')}" for r in rules)
