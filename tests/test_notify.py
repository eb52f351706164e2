"""The weekly email, end to end: the notify job and CLI on the emulator over HTTP, Gmail through
googleapiclient, and each message read back by its recipient with their own identity."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from html import escape
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import ADMIN
from tst_sheets.cli import app
from tst_sheets.commitments import load_commitments
from tst_sheets.config import Settings
from tst_sheets.demo.planted import MistakeKind
from tst_sheets.demo.sample import sample_program
from tst_sheets.demo.season import type_season
from tst_sheets.errors import GoogleError
from tst_sheets.jobs.init import init_roster
from tst_sheets.jobs.notify import NotifyResult, notify
from tst_sheets.jobs.provision import provision
from tst_sheets.jobs.rollup import RollupResult, rollup
from tst_sheets.jobs.sent_log import TITLE
from tst_sheets.model import Program, TeamStatus
from tst_sheets.workspace import Workspace, connect

AS_OF = date(2026, 11, 23)  # the demo's date: a Monday, ISO week 2026-W48
OPTED_OUT = "rachel.kim@schools.example.edu"  # the sample program's Digest Opt-outs
COMMITMENTS = load_commitments()  # the test's own reading of who keeps what
PRINCIPAL_OWNED = {c.id for c in COMMITMENTS.commitments if c.owner == "principal"}
STAFF_OWNED = {c.id for c in COMMITMENTS.commitments if c.owner in COMMITMENTS.staff_owners}


@dataclass
class World:
    """A provisioned program with a season typed, its roll-up written as of ``AS_OF``."""

    ws: Workspace  # the service, its clock at AS_OF (as the Monday run's)
    settings: Settings
    roster_id: str
    program: Program
    rolled: RollupResult
    connect_as: Callable[[str], Workspace]

    def run(self, dry_run: bool = False) -> NotifyResult:
        return notify(self.ws, self.roster_id, dry_run=dry_run)


def build(
    settings: Settings,
    connect_as: Callable[[str], Workspace],
    program: Program,
    plan: Mapping[str, Sequence[MistakeKind]] | None = None,
    typed_in_date: Mapping[str, str] | None = None,
    as_of: date = AS_OF,
) -> World:
    on_the_day = settings.model_copy(update={"as_of": as_of})
    ws = connect(on_the_day)
    roster_id = init_roster(ws, program=program).roster_spreadsheet_id
    books = {r.team_id: r.spreadsheet_id for r in provision(ws, roster_id).created}
    type_season(connect_as, books, as_of, plan=plan, program=program, typed_in_date=typed_in_date)
    rolled = rollup(ws, roster_id)  # the nightly roll-up, before Monday's email
    return World(ws, on_the_day, roster_id, program, rolled, connect_as)


def three_teams(**changes: Any) -> Program:
    full = sample_program()
    teams = [t.model_copy(update=changes.get(t.team_id, {})) for t in full.active_teams()[:3]]
    return full.model_copy(update={"teams": teams})


@pytest.fixture
def demo_program(settings: Settings, connect_as: Callable[[str], Workspace]) -> World:
    """The demo's program: 12 teams, its season and its mistakes, as of its date."""
    return build(settings, connect_as, sample_program())


@pytest.fixture
def small_program(settings: Settings, connect_as: Callable[[str], Workspace]) -> World:
    """Three teams of the sample (one coach), T02 and T03 with mistakes."""
    plan: dict[str, tuple[MistakeKind, ...]] = {
        "T02": ("missed_month", "short_first_coaching"),
        "T03": ("goal_without_target",),
    }
    return build(settings, connect_as, three_teams(), plan=plan)


# -- reading a mailbox as its owner --------------------------------------------------------------


def inbox(ws: Workspace) -> list[EmailMessage]:
    """Every message in the caller's own inbox, parsed (googleapiclient, as the caller)."""
    messages = ws.gmail.resource.users().messages()
    listed = messages.list(userId="me", labelIds=["INBOX"]).execute()
    out = []
    for ref in listed.get("messages", []):
        raw = messages.get(userId="me", id=ref["id"], format="raw").execute()["raw"]
        parsed = message_from_bytes(_b64(raw), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        out.append(parsed)
    return out


def _b64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parts(message: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a multipart/alternative digest."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()).replace("\r\n", "\n"), str(html.get_content())


def open_findings(status: TeamStatus, principal: bool) -> list[Any]:
    """What a digest must list (the test's own reading of commitments.yaml's owners)."""
    return [
        f
        for f in status.findings
        if f.severity != "info"
        and f.rule not in STAFF_OWNED
        and (f.rule in PRINCIPAL_OWNED) == principal
    ]


# -- what each person receives --------------------------------------------------------------------


def test_each_tl_with_open_items_each_coach_and_each_principal_with_something_to_do_get_one_email(
    demo_program: World, service_env: Settings
) -> None:
    """``notify --json`` on the demo program: one message per TL with open items (but the one
    who opted out), per coach, per principal with something to do, per staff member, none for
    anybody else; each read back by its recipient, every item linked to its cell; a second
    run the same week sends nothing."""
    env = {"TST_AS_OF": AS_OF.isoformat(), "TST_ROSTER_ID": demo_program.roster_id}
    out = CliRunner().invoke(app, ["notify", "--json"], env=env)
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["week"] == "2026-W48" and result["dryRun"] is False
    sent = {m["to"]: m for m in result["messages"]}
    assert {m["state"] for m in sent.values()} == {"sent"}

    program, statuses = demo_program.program, {s.team_id: s for s in demo_program.rolled.statuses}
    teams = program.active_teams()
    tls = {t.tl_email for t in teams if open_findings(statuses[t.team_id], principal=False)}
    principals = {
        t.principal_email for t in teams if open_findings(statuses[t.team_id], principal=True)
    }
    coaches = {c.email for c in program.coaches}
    staff = set(program.staff_emails)
    assert OPTED_OUT in tls and OPTED_OUT in result["optedOut"]  # T04's TL: items, opted out
    assert set(sent) == (tls - {OPTED_OUT}) | principals | coaches | staff
    assert principals == {"maria.delgado@schools.example.edu"}  # T10: no check-in yet
    assert result["byRole"] == {
        "tl": len(tls) - 1,
        "principal": len(principals),
        "coach": len(coaches),
        "staff": len(staff),
    }
    everyone = {t.tl_email for t in teams} | {t.principal_email for t in teams}
    assert set(result["quiet"]) == everyone - set(sent) - {OPTED_OUT}

    for email, message in sent.items():
        assert message["items"] == message["linkedItems"]
        (received,) = inbox(demo_program.connect_as(email))  # as the recipient, exactly one
        assert received["Subject"] == message["subject"]
        assert received["Message-ID"] == message["messageId"]
        assert received["List-Unsubscribe"].startswith(f"<mailto:{ADMIN}?subject=")
        text, html = parts(received)
        mine = [t for t in teams if email in (t.tl_email, t.principal_email)]
        for team in mine:
            findings = open_findings(statuses[team.team_id], principal=email != team.tl_email)
            assert message["items"] >= len(findings)
            for finding in findings:  # every item: what, where, and the link to its cell
                assert finding.link and f'href="{escape(finding.link)}"' in html
                assert f"{finding.where} <{finding.link}>" in text
                assert finding.link.endswith(f"&range={finding.cell}") or not finding.cell
        assert "About this email" in html  # everyone's first digest says how it works

    again = CliRunner().invoke(app, ["notify", "--json"], env=env)
    assert again.exit_code == 0, again.output
    second = json.loads(again.output)
    assert second["messages"] == [] and sorted(second["alreadySent"]) == sorted(sent)
    assert second["calls"]["sheets"]["write"] == 0
    assert second["calls"].get("gmail", {"write": 0})["write"] == 0


def test_a_coach_reads_their_caseload_who_is_behind_and_the_next_roundtable(
    demo_program: World,
) -> None:
    demo_program.run()
    (message,) = inbox(demo_program.connect_as("dana.whitfield@tst.example.org"))
    text, html = parts(message)
    for team in ("T01", "T02", "T03", "T04"):
        assert team in text
    assert "Behind:\n- T01 Harriet Tubman Elementary (Alicia Gomez): Behind." in text
    assert "Cohort Roundtable 4 (December)" in text
    assert demo_program.rolled.url in html  # the roll-up, one click away
    assert "T05" not in text  # another coach's team


def test_a_dry_run_shows_every_message_it_would_send_and_sends_none(
    small_program: World, service_env: Settings
) -> None:
    env = {
        "TST_AS_OF": AS_OF.isoformat(),
        "TST_ROSTER_ID": small_program.roster_id,
        "COLUMNS": "250",
    }
    out = CliRunner().invoke(app, ["notify", "--dry-run"], env=env)
    assert out.exit_code == 0, out.output
    planned = small_program.run(dry_run=True)
    assert planned.messages and {m.state for m in planned.messages} == {"would send"}
    assert f"{len(planned.messages)} message(s) would go" in out.output
    for message in planned.messages:
        assert f"To {message.to}: {message.subject}" in out.output
        assert message.text.startswith("Hello")
        assert inbox(small_program.connect_as(message.to)) == []
    assert planned.calls["sheets"]["write"] == 0 and "gmail" not in planned.calls
    tabs = small_program.ws.sheets.get(small_program.roster_id, "sheets.properties.title")
    assert TITLE not in [s["properties"]["title"] for s in tabs["sheets"]]


def test_a_date_other_than_today_is_a_what_if_that_sends_nothing(small_program: World) -> None:
    result = notify(small_program.ws, small_program.roster_id, AS_OF + timedelta(days=7))
    assert result.dry_run and "what-if" in result.note
    assert {m.state for m in result.messages} == {"would send"}
    assert all(inbox(small_program.connect_as(m.to)) == [] for m in result.messages)


# -- escaping -------------------------------------------------------------------------------------

SCRIPT = "<script>alert('tst')</script>"
HYPERLINK = '=HYPERLINK("http://evil.example/x","Open me")'


def test_a_roster_name_or_finding_holding_script_or_hyperlink_arrives_escaped_in_the_html(
    settings: Settings, connect_as: Callable[[str], Workspace]
) -> None:
    program = three_teams(T01={"school": f"Tubman {SCRIPT} Elementary", "tl_name": HYPERLINK})
    plan: dict[str, tuple[MistakeKind, ...]] = {
        "T01": ("formula_in_date",),
        "T02": ("formula_in_date",),
    }
    typed = {"T01": "'" + SCRIPT, "T02": "'" + HYPERLINK}
    world = build(settings, connect_as, program, plan=plan, typed_in_date=typed)
    world.run()
    tl = program.teams[0].tl_email
    coach = program.teams[0].coach_email
    seen = 0
    for email in (tl, program.teams[1].tl_email, coach):
        (message,) = inbox(world.connect_as(email))
        text, html = parts(message)
        assert "<script" not in html.lower()
        assert 'href="http://evil.example' not in html
        if SCRIPT in text:
            assert escape(SCRIPT) in html
            seen += 1
        if HYPERLINK in text:
            assert escape(HYPERLINK) in html and "=HYPERLINK(" in html
            seen += 1
    assert seen >= 3  # the school, the TL's name, and each typed cell's finding arrived


# -- exactly once ---------------------------------------------------------------------------------


def recipients(world: World) -> dict[str, int]:
    """How many messages each person of the program has in their inbox, read as them."""
    people = {t.tl_email for t in world.program.teams} | {
        t.coach_email for t in world.program.teams
    }
    people |= {t.principal_email for t in world.program.teams} | set(world.program.staff_emails)
    return {email: len(inbox(world.connect_as(email))) for email in sorted(people)}


def test_a_crash_between_two_sends_then_a_rerun_sends_each_person_exactly_one(
    small_program: World, knobs: Callable[..., None]
) -> None:
    """The service's Sheets write quota runs out just after the second message went and
    before it was logged (the run gives up and stops); a later run sends the others and
    finds the second in the Sent mail instead of sending it again."""
    planned = small_program.run(dry_run=True)
    expected = {m.to for m in planned.messages}
    impatient = small_program.settings.model_copy(update={"retry_deadline_s": 1.0})
    # 3 service writes: the log's tab, the log, the first message's row; then none for a while
    knobs(quota_write_per_user=3, quota_window_s=60)
    with pytest.raises(GoogleError) as stopped:
        notify(connect(impatient), small_program.roster_id)
    assert stopped.value.status == 429
    delivered = {e for e, n in recipients(small_program).items() if n}
    assert 1 <= len(delivered) < len(expected)
    knobs(quota_write_per_user=0)

    rerun = small_program.run()
    states = {m.to: m.state for m in rerun.messages}
    assert list(states.values()).count("found sent") == 1  # sent, never logged: looked up
    assert set(states) | set(rerun.already_sent) == expected
    assert {e: n for e, n in recipients(small_program).items() if n} == dict.fromkeys(expected, 1)
    assert small_program.run().messages == []


def test_a_send_whose_answer_is_lost_is_looked_up_in_the_sent_mail_not_sent_again(
    small_program: World, knobs: Callable[..., None]
) -> None:
    knobs(lost_answer_rate=1.0, lost_answer_methods=["users.messages.send"], seed=17)
    result = small_program.run()
    assert result.messages and {m.state for m in result.messages} == {"sent"}
    assert all(m.gmail_id for m in result.messages)  # found in the Sent mail by Message-ID
    assert result.calls["gmail"]["read"] >= len(result.messages)
    sent_to = {m.to for m in result.messages}
    assert {e: n for e, n in recipients(small_program).items() if n} == dict.fromkeys(sent_to, 1)


# -- the next week --------------------------------------------------------------------------------


def test_next_week_the_coach_reads_who_changed_status_and_why(
    small_program: World, connect_as: Callable[[str], Workspace]
) -> None:
    small_program.run()
    t01 = small_program.program.teams[0]
    assert {s.team_id: s.overall for s in small_program.rolled.statuses}["T01"] == "On track"
    book = {s.team_id: s.spreadsheet_id for s in small_program.rolled.statuses}["T01"]
    tl = connect_as(t01.tl_email)
    meta = tl.sheets.get(book, "sheets.properties(sheetId,title)")
    sprints = next(s for s in meta["sheets"] if s["properties"]["title"] == "Sprints")
    tl.sheets.batch_update(book, [{"deleteSheet": {"sheetId": sprints["properties"]["sheetId"]}}])

    next_monday = small_program.settings.model_copy(update={"as_of": AS_OF + timedelta(days=7)})
    week = notify(connect(next_monday), small_program.roster_id)
    assert week.week == "2026-W49"
    coach = next(m for m in week.messages if "coach" in m.roles)
    messages = inbox(connect_as(coach.to))
    assert len(messages) == 2
    text, html = next(parts(m) for m in messages if "2026-W49" in parts(m)[0])
    assert "Changed since last week:" in text
    assert "- T01 Harriet Tubman Elementary: On track -> At risk. No tab named" in text  # why
    assert "About this email" not in html  # said once, in the first digest
    staff = next(m for m in week.messages if "staff" in m.roles)
    staff_mail = [parts(m) for m in inbox(connect_as(staff.to))]
    _, staff_html = next(p for p in staff_mail if "2026-W49" in p[0])
    assert "changed status since last week: T01 On track → At risk" in staff_html
    assert t01.tl_email in {m.to for m in week.messages}  # a new item: the TL hears of it


# -- the sender -----------------------------------------------------------------------------------


def test_doctor_says_the_sender_can_send_or_what_to_set(service_env: Settings) -> None:
    from tst_sheets.jobs.doctor import doctor

    checks = {c.id: c for c in doctor(service_env).checks}
    assert checks["sender"].ok and ADMIN in checks["sender"].detail
    robot = service_env.model_copy(update={"sender": service_env.identity})
    check = {c.id: c for c in doctor(robot).checks}["sender"]
    assert not check.ok and "TST_SENDER" in check.fix
    nobody = service_env.model_copy(update={"subject": None, "sender": None})
    check = {c.id: c for c in doctor(nobody).checks}["sender"]
    assert not check.ok and "TST_SENDER" in check.fix


def test_the_senders_token_asks_only_the_gmail_scopes(tmp_path: Any) -> None:
    """On Google the sender is a delegated identity of its own: gmail.send and gmail.metadata,
    never the files' or the calendar's scopes (and they never ask for Gmail's)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tst_sheets.workspace.auth import ALL_SCOPES, GMAIL_SCOPES, google_credentials

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key = tmp_path / "key.json"
    key.write_text(
        json.dumps(
            {
                "type": "service_account",
                "client_email": "tst-functions@p.iam.gserviceaccount.com",
                "private_key": pem.decode(),
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    on_google = Settings(target="google", credentials="key-file", key_file=key)
    sender: Any = google_credentials(on_google, subject="tst@your.org", scopes=GMAIL_SCOPES)
    assert sender.scopes == list(GMAIL_SCOPES) and sender._subject == "tst@your.org"
    calendar: Any = google_credentials(on_google, subject="staff@your.org")
    assert set(calendar.scopes) == set(ALL_SCOPES) and not set(GMAIL_SCOPES) & set(ALL_SCOPES)


def test_notify_without_a_sender_says_what_to_set(small_program: World) -> None:
    nobody = small_program.settings.model_copy(update={"subject": None, "sender": None})
    out = CliRunner().invoke(
        app,
        ["notify"],
        env={
            "TST_EMULATOR_URL": nobody.emulator_url,
            "TST_DRIVE_FOLDER": nobody.drive_folder or "",
            "TST_SUBJECT": "",
            "TST_SENDER": "",
        },
    )
    assert out.exit_code == 2 and "TST_SENDER" in out.output


def test_a_workbook_that_cannot_be_read_just_now_sends_nobody_a_wrong_email(
    small_program: World, knobs: Callable[..., None]
) -> None:
    """A week's email cannot be taken back: a passing read failure (Google's quota) on a
    workbook changed since the roll-up stops the run before any message, and the next run
    sends them all."""
    for status in small_program.rolled.statuses:  # every TL logs one more meeting
        tl = next(t for t in small_program.program.teams if t.team_id == status.team_id)
        small_program.connect_as(tl.tl_email).sheets.client.http_client.values_append(
            status.spreadsheet_id,
            "Meetings!A1",
            params={"valueInputOption": "USER_ENTERED"},
            body={"values": [["2026-11-20", "40", tl.tl_name, "Data dive", ""]]},
        )
    service = connect(small_program.settings.model_copy(update={"max_attempts": 1}))
    knobs(quota_read_per_user=4, quota_apis=["sheets"])  # the roster, the state; not 3 books
    with pytest.raises(GoogleError) as stopped:
        notify(service, small_program.roster_id)
    assert "could not be read just now" in stopped.value.message
    assert "nothing was sent" in stopped.value.message
    assert not any(recipients(small_program).values())
    knobs(quota_read_per_user=0)
    sent = small_program.run()
    assert sent.messages and {m.state for m in sent.messages} == {"sent"}
