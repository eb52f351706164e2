"""The notify job: each person's weekly email, with exactly what they need to do, exactly once
per ISO week.

The statuses are the roll-up's (``rollup(write=False)``: it reads only the workbooks changed
since the last roll-up, and writes nothing); the digests are ``nudges``'; the sent log is a
hidden tab of the roster (``sent_log``). Exactly once: every message to send is first logged
``sending`` (one write), then sent, then its row turned ``sent`` right away. A row still
``sending`` the next time (the run stopped in between) means "look before sending again": the
sender's Sent mail is searched for its ``Message-ID``, which is the same for a person and a
week in every run. A send whose answer is lost is looked up the same way, never resent blind.

Calls, for N active teams (k changed since the last roll-up) and m messages:

- reads: the roll-up's (1 roster values.batchGet, 1 Drive files.list, 1 state values.get,
  k values.batchGet), 1 roster values.batchGet (people, events, opt-outs), 1 values.get of
  the log;
- m > 0: 1 values.batchUpdate of the log, then per message 1 Gmail ``messages.send`` and 1
  values.update of its row (the first run: +1 batchUpdate adding the log's tab);
- a row left ``sending`` (or a lost answer): 1 Gmail ``messages.list`` + 1 ``messages.get``
  (headers only) per message sent since.

A second run the same week sends nothing and writes nothing. ``dry_run``, or a date other
than today (a what-if), sends and writes nothing and returns every message it would send.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import Field

from tst_sheets.commitments import load_commitments
from tst_sheets.errors import ConfigError, GoogleError
from tst_sheets.jobs.common import roster_id_of, today_of
from tst_sheets.jobs.rollup import rollup
from tst_sheets.jobs.roster import read_roster
from tst_sheets.jobs.sent_log import LogTab, read_log, write_log, write_row
from tst_sheets.model import AutoCamel, Program
from tst_sheets.nudges import (
    Digest,
    DigestInputs,
    LogRow,
    Plan,
    SentLog,
    build_digests,
    digest_message,
    message_id,
    render,
)
from tst_sheets.workspace import Workspace, once

NEEDS = ("program", "teams", "coaches", "events")
SKEW = timedelta(minutes=10)  # our clock against Gmail's, when looking in the Sent mail
Progress = Callable[[int, int, str], None]
State = Literal["sent", "would send", "found sent", "refused"]


class Message(AutoCamel):
    """One digest: to whom, as what, what it says in short, and what became of it."""

    to: str
    name: str = ""
    roles: list[str] = Field(default_factory=list)
    subject: str
    items: int = 0
    linked_items: int = 0
    first: bool = False
    state: State
    message_id: str
    gmail_id: str = ""
    reason: str = ""  # refused: Google's answer
    text: str = ""  # a dry run: the plain-text body, as it would go


class NotifyResult(AutoCamel):
    """``--json``: ``{"asOf", "week", "dryRun", "sender", "messages", "alreadySent",
    "quiet", "optedOut", "byRole", "note", "calls"}``."""

    as_of: date
    week: str
    dry_run: bool = False
    sender: str = ""
    messages: list[Message] = Field(default_factory=list)
    already_sent: list[str] = Field(default_factory=list)
    quiet: list[str] = Field(default_factory=list)
    opted_out: list[str] = Field(default_factory=list)
    by_role: dict[str, int] = Field(default_factory=dict)
    note: str = ""
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)

    @property
    def sent(self) -> list[Message]:
        return [m for m in self.messages if m.state == "sent"]


class Outgoing:
    """A digest on its way: the message, and its row in the log."""

    def __init__(self, digest: Digest, raw: bytes, text: str, mid: str, row: LogRow) -> None:
        self.digest, self.raw, self.text, self.mid, self.row = digest, raw, text, mid, row

    def report(self, state: State, gmail_id: str = "", reason: str = "") -> Message:
        items = self.digest.items
        return Message(
            to=self.digest.to,
            name=self.digest.name,
            roles=list(dict.fromkeys(self.digest.roles)),
            subject=self.digest.subject,
            items=len(items),
            linked_items=sum(1 for i in items if i.link),
            first=self.digest.first,
            state=state,
            message_id=self.mid,
            gmail_id=gmail_id,
            reason=reason,
            text=self.text if state == "would send" else "",
        )


def notify(
    ws: Workspace,
    roster_id: str | None = None,
    as_of: date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> NotifyResult:
    """This week's digests: built, and (unless a dry run or a what-if) sent once each."""
    before = ws.calls()
    if not ws.sender:
        raise ConfigError(
            "No mailbox to send the weekly email from: set TST_SENDER (or TST_SUBJECT) to a "
            "staff user authorised for gmail.send and gmail.metadata (domain-wide delegation)."
        )
    roster_id = roster_id_of(ws, roster_id)
    program = read_roster(ws, roster_id, NEEDS, "notify").program
    today = today_of(ws, program)
    day = as_of or today
    plan, tab = this_week(ws, roster_id, program, day)
    result = NotifyResult(
        as_of=day,
        week=plan.week,
        dry_run=dry_run or day != today,
        sender=ws.sender,
        quiet=plan.quiet,
        opted_out=plan.opted_out,
    )
    if day != today and not dry_run:
        result.note = f"{day} is not today ({today}): a what-if; nothing was sent."
    pending, outbox = sort_out(ws, program.name, plan, tab.sent_log, result)
    if result.dry_run:
        result.messages += [o.report("would send") for o in outbox]
    else:
        deliver(ws, roster_id, tab, plan.week, pending, outbox, result, progress)
    result.by_role = by_role(result.messages)
    result.calls = ws.counter.since(before)
    return result


def this_week(ws: Workspace, roster_id: str, program: Program, day: date) -> tuple[Plan, LogTab]:
    """Every person's digest, from the roll-up's statuses (reading only the workbooks that
    changed since it ran, writing nothing) and the sent log."""
    rolled = rollup(ws, roster_id, day, write=False)
    passing = [u for u in rolled.unreadable if not u.permanent]
    if passing:  # a week's email cannot be taken back: never send one a passing error wrote
        first = passing[0]
        raise GoogleError(
            503,
            f"{len(passing)} workbook(s) could not be read just now ({first.team}: "
            f"{first.reason}); nothing was sent: the next run sends",
            "backendError",
            "sheets",
        )
    tab = read_log(ws, roster_id)
    inputs = DigestInputs(
        program=program,
        statuses=rolled.statuses,
        as_of=day,
        commitments=load_commitments(ws.settings.templates_dir / "commitments.yaml"),
        log=tab.sent_log,
        rollup_url=rolled.url,
    )
    return build_digests(inputs), tab


def sort_out(
    ws: Workspace, program: str, plan: Plan, log: SentLog, result: NotifyResult
) -> tuple[list[Outgoing], list[Outgoing]]:
    """(pending, outbox): the digests an earlier run logged but did not mark sent, and those
    to send now. Logged ``sent``: already sent. Pending and found in the Sent mail: sent."""
    now = datetime.now(UTC)
    outbox: list[Outgoing] = []
    pending: list[Outgoing] = []
    for digest in plan.digests:
        earlier = log.this_week(digest.to, plan.week)
        if earlier is not None and earlier.state == "sent":
            result.already_sent.append(digest.to)
            continue
        out = outgoing(ws, program, digest, now, earlier)
        (pending if earlier is not None else outbox).append(out)
    found = look_in_sent(ws, [o.mid for o in pending], since(o.row for o in pending))
    for out in pending:
        if out.mid.lower() in found:
            out.row.state = "sent"
            result.messages.append(out.report("found sent", found[out.mid.lower()]))
        else:
            outbox.append(out)
    return pending, outbox


def outgoing(
    ws: Workspace, program: str, digest: Digest, now: datetime, earlier: LogRow | None
) -> Outgoing:
    """The message as it goes, and its log row (the earlier run's row, when there is one:
    the same ``Message-ID``, so a look in the Sent mail finds what that run sent)."""
    mid = (earlier.message_id if earlier else "") or message_id(
        program, digest.week, digest.to, ws.sender
    )
    rendered = render(digest, program, ws.sender)
    raw = digest_message(
        digest, rendered, program=program, sender=ws.sender, message_id=mid, sent_at=now
    )
    row = earlier or LogRow(
        week=digest.week,
        email=digest.to,
        roles=",".join(dict.fromkeys(digest.roles)),
        state="sending",
        message_id=mid,
        logged_at=now.isoformat(timespec="seconds"),
        statuses=digest.statuses,
    )
    return Outgoing(digest, raw, rendered.text, mid, row)


def deliver(
    ws: Workspace,
    roster_id: str,
    tab: LogTab,
    week: str,
    pending: list[Outgoing],
    outbox: list[Outgoing],
    result: NotifyResult,
    progress: Progress | None,
) -> None:
    """Log every message ``sending`` (one write), then send each and log it ``sent``."""
    if not outbox and not pending:
        return
    kept = tab.sent_log.compacted(week)  # rows of earlier runs this week are among them
    known = {id(row) for row in kept}
    rows = [*kept, *(o.row for o in outbox if id(o.row) not in known)]
    tab = write_log(ws, roster_id, tab, rows)
    position = {id(row): index for index, row in enumerate(rows)}
    for done, out in enumerate(outbox, 1):
        message = send_one(ws, out)
        result.messages.append(message)
        if message.state == "sent":
            out.row.state = "sent"
            write_row(ws, roster_id, tab, position[id(out.row)], out.row)
        if progress is not None:
            progress(done, len(outbox), out.digest.to)


def send_one(ws: Workspace, out: Outgoing) -> Message:
    """Gmail sends it; after an answer that may have followed the send, look, never resend
    blind. A refusal (a bad address) is reported and the run goes on."""
    started = datetime.now(UTC)
    try:
        sent = once(
            lambda: ws.gmail.send(out.raw),
            lambda: found_one(ws, out.mid, started),
            ws.policy,
        )
    except GoogleError as error:
        if error.ambiguous or error.transient:
            raise  # the next run looks in the Sent mail before sending it again
        return out.report("refused", reason=str(error))
    return out.report("sent", str(sent.get("id", "")))


def found_one(ws: Workspace, mid: str, started: datetime) -> dict[str, str] | None:
    found = look_in_sent(ws, [mid], started - SKEW)
    return {"id": found[mid.lower()]} if mid.lower() in found else None


def since(rows: Iterable[LogRow]) -> datetime:
    """The earliest a message of these rows can have gone: when the first was logged (a
    stamp that does not read as one: any time this week)."""
    week_ago = datetime.now(UTC) - timedelta(days=7)
    stamps = [_stamp(r.logged_at) or week_ago for r in rows]
    return min(stamps, default=week_ago) - SKEW


def _stamp(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def look_in_sent(ws: Workspace, ids: list[str], after: datetime) -> dict[str, str]:
    """``Message-ID`` → Gmail id of those of ``ids`` in the sender's Sent mail since ``after``:
    newest first, headers only, stopping at the first older message or when all are found."""
    wanted = {i.lower() for i in ids}
    found: dict[str, str] = {}
    cutoff = int(after.timestamp() * 1000)
    token: str | None = None
    while wanted - found.keys():
        page = ws.gmail.list_messages(["SENT"], token)
        for ref in page.get("messages", []):
            meta = ws.gmail.get_headers(ref["id"], ["Message-ID"])
            if int(meta.get("internalDate", 0)) < cutoff:
                return found
            header = _header(meta, "Message-ID").lower()
            if header in wanted:
                found[header] = str(ref["id"])
                if not wanted - found.keys():
                    return found
        token = page.get("nextPageToken")
        if not token:
            break
    return found


def _header(meta: Mapping[str, object], name: str) -> str:
    payload = meta.get("payload")
    headers = payload.get("headers", []) if isinstance(payload, dict) else []
    wanted = (h for h in headers if str(h.get("name", "")).lower() == name.lower())
    return next((str(h.get("value", "")) for h in wanted), "")


def by_role(messages: Iterable[Message]) -> dict[str, int]:
    counts = {"tl": 0, "principal": 0, "coach": 0, "staff": 0}
    for message in messages:
        if message.state == "refused":
            continue
        for role in message.roles:
            counts[role] = counts.get(role, 0) + 1
    return counts
