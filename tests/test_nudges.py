"""The weekly digests' pure core: items and their deadlines, the sent log, the message itself."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

from tst_sheets.commitments import load_commitments
from tst_sheets.demo.sample import sample_program
from tst_sheets.model import Finding, TeamStatus, Why
from tst_sheets.nudges import (
    Digest,
    Item,
    Line,
    LogRow,
    Section,
    SentLog,
    digest_message,
    iso_week,
    message_id,
    render,
)
from tst_sheets.nudges.items import open_items

AS_OF = date(2026, 11, 23)
COMMITMENTS = load_commitments()
SENDER = "maya.thompson@tst.example.org"


def finding(rule: str, severity: str, cell: str = "A9", tab: str = "Meetings") -> Finding:
    return Finding.at(
        "T01",
        rule,
        severity,  # type: ignore[arg-type]
        spreadsheet_id="book1234567890",
        sheet_id=7,
        tab=tab,
        cell=cell,
        found=f"{rule} found",
        expected=f"{rule} expected",
    )


def status(*findings: Finding) -> TeamStatus:
    return TeamStatus(
        team_id="T01",
        as_of=AS_OF,
        status="Behind",
        why=Why(text="because"),
        findings=list(findings),
    )


def test_items_come_most_urgent_first_each_with_its_cell_and_by_when() -> None:
    program = sample_program()
    team = status(
        finding("work_plan", "warning", "E5", "Work Plan"),
        finding("team_meetings", "due_soon", "A12"),
        finding("formula_error", "error", "B5"),
        finding("coaching", "overdue", "A7", "Coaching"),
        finding("data_collection", "due_soon", "A3", "Data"),
        finding("coaching", "info", "B7", "Coaching"),  # a note: the roll-up's, not an item
        finding("principal_checkins", "warning", "A3", "Principal Check-ins"),
    )
    items = open_items(team, "TL", COMMITMENTS, program, AS_OF)
    assert [(i.severity, i.where) for i in items] == [
        ("error", "Meetings!B5"),
        ("overdue", "Coaching!A7"),
        ("due_soon", "Meetings!A12"),  # the month ends first
        ("due_soon", "Data!A3"),
        ("warning", "Work Plan!E5"),
    ]
    assert all(i.link and i.link.endswith(f"range={i.where.split('!')[1]}") for i in items)
    by_when = {i.where: (i.by_when, i.due) for i in items}
    assert by_when["Meetings!A12"] == ("by Mon, Nov 30", date(2026, 11, 30))
    assert by_when["Data!A3"] == ("by Fri, Jan 29", date(2027, 1, 29))  # mid-year data due
    assert by_when["Coaching!A7"][0] == "now: it is overdue"
    assert by_when["Work Plan!E5"][1] == date(2026, 11, 29)  # before next Monday's email
    assert items[0].what.startswith("Cells hold values, not formula errors")
    (mine,) = open_items(team, "principal", COMMITMENTS, program, AS_OF)
    assert mine.where == "Principal Check-ins!A3"


def test_the_sent_log_keeps_this_weeks_rows_and_each_persons_latest_digest() -> None:
    def row(week: str, email: str, state: str = "sent", **statuses: str) -> list[str]:
        return LogRow(week=week, email=email, state=state, statuses=statuses).cells()

    values = [
        ["Week", "Email", "Roles", "State", "Message ID", "Logged At", "Statuses"],
        row("2026-W46", "a@x.org", T01="On track"),
        row("2026-W47", "a@x.org", T01="Behind"),
        row("2026-W48", "a@x.org", "sending"),
        row("2026-W46", "b@x.org"),
        ["2026-W47", "not an email", "", "sent"],  # a hand edit: ignored
        ["", "", "", ""],
    ]
    log = SentLog.parse(values)
    assert len(log.rows) == 4
    last = log.last_sent("A@x.org", "2026-W48")
    assert last is not None and last.statuses == {"T01": "Behind"}
    this = log.this_week("a@x.org", "2026-W48")
    assert this is not None and this.state == "sending"
    kept = log.compacted("2026-W48")
    assert [(r.week, r.email) for r in kept] == [
        ("2026-W47", "a@x.org"),
        ("2026-W48", "a@x.org"),
        ("2026-W46", "b@x.org"),
    ]
    assert iso_week(date(2027, 1, 1)) == "2026-W53" and iso_week(AS_OF) == "2026-W48"


def digest(**changes: object) -> Digest:
    section = Section(
        role="tl",
        title="Your Impact Team at <b>Tubman</b>",
        lines=[Line(text="Status: Behind.", link="javascript:alert(1)")],
        items=[
            Item(
                team_id="T01",
                what='=HYPERLINK("http://evil.example","x") <script>alert(1)</script>',
                where="Meetings!A7",
                link="https://docs.google.com/spreadsheets/d/b/edit#gid=7&range=A7",
                by_when="now: it is overdue",
                severity="overdue",
            )
        ],
    )
    fields: dict[str, object] = {
        "to": "alicia.gomez@schools.example.edu",
        "name": "Alicia Gomez",
        "week": "2026-W48",
        "subject": "TST this week: 1 thing to do",
        "sections": [section],
        "first": True,
    }
    fields.update(changes)
    return Digest.model_validate(fields)


def sent(d: Digest) -> EmailMessage:
    mid = message_id("TST", d.week, d.to, SENDER)
    raw = digest_message(
        d,
        render(d, "TST", SENDER),
        program="TST",
        sender=SENDER,
        message_id=mid,
        sent_at=datetime(2026, 11, 23, 13, tzinfo=UTC),
    )
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_a_digest_is_html_with_a_text_alternative_and_a_list_unsubscribe_header() -> None:
    message = sent(digest())
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["List-Unsubscribe"] == (
        f"<mailto:{SENDER}?subject=Unsubscribe%20from%20the%20TST%20weekly%20email>"
    )
    assert message["From"] == f"TST Program <{SENDER}>"
    assert message["Message-ID"] == message_id(
        "TST", "2026-W48", "ALICIA.gomez@schools.example.edu", SENDER
    )
    assert message["Message-ID"] != message_id(
        "TST", "2026-W49", message["To"].addresses[0].addr_spec, SENDER
    )
    text = message.get_body(("plain",))
    assert text is not None and "About this email:" in text.get_content()
    later = sent(digest(first=False)).get_body(("plain",))
    assert later is not None and "About this email" not in later.get_content()


def test_every_piece_of_text_is_escaped_and_only_web_links_are_links() -> None:
    html_part = sent(digest()).get_body(("html",))
    assert html_part is not None
    html = html_part.get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Tubman&lt;/b&gt;" in html
    assert "=HYPERLINK(&quot;http://evil.example&quot;" in html
    assert 'href="http://evil.example' not in html
    assert "javascript:" not in html  # not a web link: the text stays, unlinked
    assert 'href="https://docs.google.com/spreadsheets/d/b/edit#gid=7&amp;range=A7"' in html


def test_a_name_or_subject_never_adds_a_header_of_its_own() -> None:
    message = sent(digest(name="Eve\r\nBcc: spy@evil.example", subject="Hi\nBcc: spy@evil.example"))
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"] and "\n" not in str(message["To"])
