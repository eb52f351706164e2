"""Provision's record of each Team tab on the workbook itself (see ``provision.look``): written
with one Drive files.update, and stamped with the modifiedTime Drive gives after the service's
own write: provision's own, or another job's (``held_look`` and ``restamp``)."""

from __future__ import annotations

from contextlib import suppress
from datetime import date

from tst_sheets.errors import GoogleError
from tst_sheets.jobs import files as drive_files
from tst_sheets.model import DriveFile, Program, TeamRecord
from tst_sheets.provision.look import Look, look_changes, look_of, members_record, recorded_look
from tst_sheets.workspace import Workspace


def remember(ws: Workspace, book: DriveFile, look: Look | None) -> None:
    """Record ``look`` (1 Drive write, only when the record changes); None forgets any
    record, so the next run reads the tab."""
    changes = look_changes(book.app_properties, look)
    if not changes:
        return
    with suppress(GoogleError):  # unrecorded: the next run reads the tab, nothing worse
        drive_files.set_labels(ws, book.id, changes)
        for key, value in changes.items():
            if value is None:
                book.app_properties.pop(key, None)
            else:
                book.app_properties[key] = value


def stamped(ws: Workspace, look: Look | None, book_id: str) -> Look | None:
    """``look`` as of the workbook's modifiedTime right after the service's own write (1 Drive
    read), so that write is not taken for a TL's edit next run; None if Drive cannot say."""
    if look is None:
        return None
    try:
        modified = ws.drive.get_file(book_id, "id,modifiedTime").modified_time
    except GoogleError:
        return None
    return look.model_copy(update={"modified_time": modified}) if modified else None


Held = tuple[DriveFile, Look]  # a workbook as listed just before a write, and its record


def held_look(ws: Workspace, book_id: str) -> Held | None:
    """Provision's record of the Team tab when it holds for the workbook as it is now (1 Drive
    read), asked just before another job's own write to it (see ``restamp``)."""
    with suppress(GoogleError):  # unknown: nothing is moved, the next provision reads the tab
        book = ws.drive.get_file(book_id, "id,modifiedTime,appProperties")
        look = recorded_look(book.app_properties)
        if look is not None and book.modified_time and look.modified_time == book.modified_time:
            return book, look
    return None


def restamp(ws: Workspace, held: Held | None) -> None:
    """After another job's own write (the roll-up's Start Here, the calendar's Program Events):
    the record that ``held_look`` found holding just before it, moved to the version after it
    (``stamped``, then 1 Drive write), so the next provision does not take the service's write
    for a TL's edit and read the tab again. Unmoved, the next provision reads the tab."""
    if held is None:
        return
    book, look = held
    moved = stamped(ws, look, book.id)
    if moved is not None:
        remember(ws, book, moved)


def recorded_members(
    book: DriveFile, team_id: str, program: Program, today: date, title: str
) -> TeamRecord | None:
    """The Team tab as recorded, when the record still says what a read would (no read)."""
    look = recorded_look(book.app_properties)
    if look is None or not look.holds(book.modified_time, today, program):
        return None
    return members_record(look, team_id, book.id, title)


def remember_read(
    ws: Workspace, book: DriveFile, record: TeamRecord | None, program: Program, today: date
) -> None:
    """Record what a read found, as of the modifiedTime listed before it: an edit made since
    is read next run."""
    look = look_of(record, program, today)
    remember(ws, book, look and look.model_copy(update={"modified_time": book.modified_time}))
