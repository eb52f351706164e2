"""Messages as the product builds them (a weekly digest), and Gmail calls through a bare
googleapiclient client."""

from __future__ import annotations

import base64
from email.message import EmailMessage
from typing import Any

from tests.emulator.support import Clients

OFFICE = "program.office@tst.example.org"  # the staff mailbox the product sends from
TL_ONE = "tl.one@school.example.org"
TL_TWO = "tl.two@school.example.org"
COACH = "coach@school.example.org"
UNSUBSCRIBE = "<mailto:unsubscribe@tst.example.org?subject=unsubscribe>"


def digest(
    to: str = f"{TL_ONE}, TL Two <{TL_TWO}>",
    subject: str = "Your weekly digest: week 3",
    text: str = "Hello! Your team sheet: https://docs.google.com/spreadsheets/d/abc/edit",
    html: str | None = "<p>Hello! <a href='https://example.org/sheet'>Your team sheet</a></p>",
    **headers: str,
) -> EmailMessage:
    """A text/plain + text/html digest with a List-Unsubscribe header."""
    message = EmailMessage()
    message["From"] = f"Program Office <{OFFICE}>"
    message["To"] = to
    message["Subject"] = subject
    message["List-Unsubscribe"] = UNSUBSCRIBE
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def raw(message: EmailMessage | bytes) -> str:
    data = message if isinstance(message, bytes) else message.as_bytes()
    return base64.urlsafe_b64encode(data).decode("ascii")


def send(ws: Clients, message: EmailMessage | bytes, user_id: str = "me", **body: Any) -> Any:
    request = ws.gmail.users().messages().send(userId=user_id, body={"raw": raw(message), **body})
    return request.execute()


def listing(ws: Clients, **params: Any) -> dict[str, Any]:
    answer: dict[str, Any] = ws.gmail.users().messages().list(userId="me", **params).execute()
    return answer


def ids(ws: Clients, **params: Any) -> list[str]:
    return [m["id"] for m in listing(ws, **params).get("messages", [])]


def get(ws: Clients, message_id: str, **params: Any) -> dict[str, Any]:
    answer: dict[str, Any] = (
        ws.gmail.users().messages().get(userId="me", id=message_id, **params).execute()
    )
    return answer


def header(message: dict[str, Any], name: str) -> str | None:
    for item in message["payload"]["headers"]:
        if item["name"].lower() == name.lower():
            return str(item["value"])
    return None


def decoded(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64decode(part["body"]["data"]).decode("utf-8")
