"""A digest as the RFC 2822 message Gmail sends: ``multipart/alternative`` (plain text, then
HTML), a ``Message-ID`` that is the same for a person and a week whichever run sends it (so a
run can find in the Sent mail what an earlier one sent), and a ``List-Unsubscribe`` mailto."""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from urllib.parse import quote

from tst_sheets.nudges.models import Digest
from tst_sheets.nudges.render import Rendered


def message_id(program: str, week: str, email: str, sender: str) -> str:
    """``<tst-digest.2026-w48.…@sender's domain>``: one per program, week and person."""
    key = hashlib.sha256(f"{program}|{week}|{email.lower()}".encode()).hexdigest()[:24]
    domain = sender.rpartition("@")[2] or "localhost"
    return f"<tst-digest.{week.lower()}.{key}@{domain.lower()}>"


def unsubscribe(sender: str, program: str) -> str:
    """Mail to the sender with a subject that says what to do (staff keep the opt-outs)."""
    subject = quote(f"Unsubscribe from the {program} weekly email")
    return f"<mailto:{sender}?subject={subject}>"


def one_line(text: str) -> str:
    """Header text on one line: a name or a subject never adds a header of its own."""
    return " ".join(text.split())


def digest_message(
    digest: Digest,
    rendered: Rendered,
    *,
    program: str,
    sender: str,
    message_id: str,
    sent_at: datetime,
) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"] = formataddr((one_line(f"{program} Program"), sender))
    message["To"] = formataddr((one_line(digest.name), digest.to))
    message["Subject"] = one_line(rendered.subject)
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = unsubscribe(sender, program)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to it
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message.as_bytes()
