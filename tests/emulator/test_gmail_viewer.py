"""The viewer's mail pages: each person's mailbox, a message's HTML only inside a sandboxed
iframe, plain text escaped with its links kept, nothing of a message ever run."""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Callable, Iterator
from html import escape, unescape
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.emulator.gmail_support import COACH, OFFICE, TL_ONE, TL_TWO, digest, ids, send
from tests.emulator.support import Clients
from tst_sheets.emulator import RunningEmulator
from tst_sheets.emulator.viewer import mailhtml
from tst_sheets.emulator.viewer.links import rewriter

HOSTILE_HTML = (
    "<p id=hello>Hello</p><script>document.title='PWNED';"
    "document.body.setAttribute('data-ran','yes')</script>"
    "<img src=x onerror=\"document.body.setAttribute('data-ran','img')\">"
    "<a id=bad href=\"javascript:document.body.setAttribute('data-ran','link')\">bad</a> "
    "<a id=good href='https://example.org/sheet'>good</a>"
)
FORMULA = '=HYPERLINK("javascript:alert(1)","click me") and https://example.org/a.'
CHROMIUM = "/usr/bin/chromium"


def view(emulator: RunningEmulator, path: str, **params: str) -> requests.Response:
    return requests.get(emulator.url + path, params=params, timeout=10)


def message_path(emulator: RunningEmulator, email: str) -> str:
    listing = view(emulator, f"/view/mail/{email}").text
    found = re.search(r'data-id="([0-9a-f]{16})"', listing)
    assert found, "no message listed"
    return f"/view/mail/{email}/{found.group(1)}"


@pytest.fixture
def hostile(connect_as: Callable[[str], Clients]) -> Clients:
    office = connect_as(OFFICE)
    send(office, digest(text=FORMULA, html=HOSTILE_HTML, Bcc=COACH))
    return office


def test_mailbox_owners_are_identities_and_listed(
    emulator: RunningEmulator, hostile: Clients
) -> None:
    index = view(emulator, "/").text
    for person in (OFFICE, TL_ONE, TL_TWO, COACH):
        assert f'<option value="{person}"' in index
        assert f'href="/view/mail/{person}"' in index
    mine = view(emulator, "/", **{"as": TL_ONE}).text
    assert f'href="/view/mail/{TL_ONE}?as=' in mine and f"/view/mail/{TL_TWO}" not in mine
    listing = view(emulator, f"/view/mail/{TL_ONE}").text
    assert "Your weekly digest: week 3" in listing and 'class="unread"' in listing
    assert "Program Office &lt;program.office@tst.example.org&gt;" in listing


def test_only_ones_own_mailbox_when_viewing_as_someone(
    emulator: RunningEmulator, hostile: Clients
) -> None:
    path = message_path(emulator, TL_ONE)
    assert view(emulator, f"/view/mail/{TL_ONE}", **{"as": TL_TWO}).status_code == 404
    assert view(emulator, path, **{"as": TL_TWO}).status_code == 404
    assert view(emulator, path, **{"as": TL_ONE}).status_code == 200
    assert view(emulator, f"/view/mail/{TL_ONE}/0123456789abcdef").status_code == 404


def test_html_only_in_a_sandboxed_iframe_and_text_escaped(
    emulator: RunningEmulator, hostile: Clients
) -> None:
    page = view(emulator, message_path(emulator, TL_ONE)).text
    outside = re.sub(r'srcdoc="[^"]*"', 'srcdoc=""', page)
    assert outside.count("<script") == 1  # the viewer's own scroll helper, nothing of the mail
    assert "PWNED" not in outside and "data-ran" not in outside
    frame = re.search(r'<iframe class="mail" sandbox="([^"]*)"[^>]*srcdoc="([^"]*)"', page)
    assert frame, "no sandboxed iframe"
    assert "allow-scripts" not in frame.group(1) and "allow-same-origin" not in frame.group(1)
    srcdoc = unescape(frame.group(2))
    assert "script-src" not in srcdoc and "default-src 'none'" in srcdoc  # CSP: no scripts
    assert "<script" not in srcdoc and "onerror" not in srcdoc and "javascript:" not in srcdoc
    assert '<a id="good" href="https://example.org/sheet" rel="noopener noreferrer">' in srcdoc
    assert '<base target="_blank">' in srcdoc
    assert "=HYPERLINK(&quot;javascript:alert(1)&quot;,&quot;click me&quot;)" in page
    assert 'href="javascript:' not in page
    assert '<a href="https://example.org/a" target="_blank" rel="noopener noreferrer">' in page
    sender_copy = view(emulator, message_path(emulator, OFFICE)).text
    assert f"<th>Bcc</th><td>{COACH}</td>" in sender_copy  # only the sender's copy has it


def test_a_plain_text_message_is_escaped_text(
    emulator: RunningEmulator, connect_as: Callable[[str], Clients]
) -> None:
    send(connect_as(OFFICE), digest(to=TL_TWO, text="<script>alert(1)</script> " + FORMULA,
                                    html=None))  # fmt: skip
    page = view(emulator, message_path(emulator, TL_TWO)).text
    assert "<iframe" not in page
    assert '<pre class="mailtext">&lt;script&gt;alert(1)&lt;/script&gt; =HYPERLINK(' in page


def test_links_into_emulated_spreadsheets_open_in_the_viewer() -> None:
    rewrite = rewriter(lambda sid: sid == "book1", "tl@x.org")
    cleaned = mailhtml.clean(
        '<a href="https://docs.google.com/spreadsheets/d/book1/edit#gid=7">Team</a>'
        '<a href="vbscript:x" onclick="x()">v</a><svg><script>x</script></svg>'
        "<style>p > b { color: red }</style><img src='https://tracker.example/p.gif'>",
        rewrite,
    )
    assert cleaned == (
        '<a href="/view/spreadsheets/book1?gid=7&amp;as=tl%40x.org" rel="noopener noreferrer">'
        'Team</a><a rel="noopener noreferrer">v</a><style>p > b { color: red }</style><img>'
    )


# -- in a real browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        reason = "browser test skipped: Debian's chromium is missing (apt-get install chromium)"
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        yield launched
        launched.close()


def test_in_a_browser_nothing_of_the_message_runs(
    emulator: RunningEmulator, hostile: Clients, browser: Any
) -> None:
    page = browser.new_page()
    try:
        page.goto(emulator.url + message_path(emulator, TL_ONE))
        page.wait_for_load_state("load")
        frame = page.frame_locator("iframe.mail")
        assert frame.locator("#hello").inner_text() == "Hello"
        assert frame.locator("#good").get_attribute("href") == "https://example.org/sheet"
        assert frame.locator("#bad").get_attribute("href") is None
        assert frame.locator("body").get_attribute("data-ran") is None
        assert page.title() != "PWNED" and "PWNED" not in page.content()
        assert ids(hostile) != []
    finally:
        page.close()


def test_in_a_browser_the_sandbox_alone_stops_scripts(browser: Any) -> None:
    """The iframe's sandbox and CSP hold even for markup the cleaner never saw."""
    raw = (
        '<!doctype html><html><head><meta http-equiv="Content-Security-Policy" '
        f'content="{mailhtml.CSP}"></head><body><p id=p>x</p>'
        "<script>document.body.setAttribute('data-ran','yes')</script></body></html>"
    )
    page = browser.new_page()
    try:
        page.set_content(
            f'<iframe sandbox="{mailhtml.SANDBOX}" srcdoc="{escape(raw, quote=True)}"></iframe>'
        )
        frame = page.frame_locator("iframe")
        assert frame.locator("#p").inner_text() == "x"
        assert frame.locator("body").get_attribute("data-ran") is None
    finally:
        page.close()
