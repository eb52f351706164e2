"""The weekly digests (pure): what each person needs to do this week, as one email.

From the teams' statuses (each with its reason, findings linked to their cells, goal progress),
the roster (people, events, opt-outs) and what earlier digests said (the sent log), build one
digest per person — TL, principal, coach, staff, or several of these at once — render it as
HTML with a plain-text alternative (every piece of user text escaped), and as the RFC 2822
message Gmail sends. No I/O here: the ``notify`` job reads, sends and records.
"""

from tst_sheets.nudges.build import DigestInputs, Plan, build_digests
from tst_sheets.nudges.log import LogRow, SentLog, iso_week
from tst_sheets.nudges.message import digest_message, message_id
from tst_sheets.nudges.models import Change, Digest, Item, Line, Role, Section, Upcoming
from tst_sheets.nudges.render import Rendered, render

__all__ = [
    "Change",
    "Digest",
    "DigestInputs",
    "Item",
    "Line",
    "LogRow",
    "Plan",
    "Rendered",
    "Role",
    "Section",
    "SentLog",
    "Upcoming",
    "build_digests",
    "digest_message",
    "iso_week",
    "message_id",
    "render",
]
