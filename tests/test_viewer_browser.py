"""The viewer in real headless Chromium: open a roll-up, follow a finding to its cell.

Needs Debian's ``chromium`` (``.ci/run`` installs it). A developer's machine without it
skips, saying why. ``TST_SCREENSHOT=docs/rollup.png`` also saves the roll-up as an image, and
``TST_IMPACT_SCREENSHOT=docs/impact.png`` the demo's Impact tab.
"""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import gspread
import pytest
from gspread.utils import ValueInputOption

from tst_sheets.demo.sample import sample_program
from tst_sheets.emulator import RunningEmulator
from tst_sheets.workspace import Workspace

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parent.parent
GREEN = {"red": 0.85, "green": 0.94, "blue": 0.83}
AMBER = {"red": 1.0, "green": 0.95, "blue": 0.8}
RED = {"red": 0.96, "green": 0.8, "blue": 0.8}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        reason = "browser tests skipped: Debian's chromium is missing (apt-get install chromium)"
        warnings.warn(reason, stacklevel=1)  # shown in pytest's summary even with -q
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=CHROMIUM_ARGS,
        )
        yield launched
        launched.close()


def team_workbook(ws: Workspace) -> tuple[gspread.Spreadsheet, gspread.Worksheet]:
    book = ws.sheets.client.create(
        "Team 7 · Lincoln Elementary", folder_id=ws.settings.drive_folder
    )
    book.sheet1.update_title("Start Here")
    meetings = book.add_worksheet("Meetings", rows=80, cols=6)
    rows = [["Date", "Minutes", "Attendees", "Focus", "Notes"]]
    rows += [[f"2026-09-{day:02d}", "45", "5", "Data review", ""] for day in range(1, 29, 3)]
    rows[4][1] = "0.5 h"  # what a TL types; the roll-up's finding points here
    meetings.update(rows, "A1", value_input_option=ValueInputOption.user_entered)
    meetings.format("A1:E1", {"textFormat": {"bold": True}, "backgroundColor": GREEN})
    meetings.freeze(rows=1)
    return book, meetings


def rollup_workbook(ws: Workspace, team: gspread.Spreadsheet, gid: int) -> gspread.Spreadsheet:
    book = ws.sheets.client.create("Coach roll-up · Fall 2026", folder_id=ws.settings.drive_folder)
    sheet = book.sheet1
    sheet.update_title("Findings")
    link = f"https://docs.google.com/spreadsheets/d/{team.id}/edit#gid={gid}&range=B5"
    rows = [
        ["Team", "School", "Status", "Finding", "Where"],
        [
            "Team 7",
            "Lincoln Elementary",
            "Behind",
            "Meeting length is not a number of minutes",
            f'=HYPERLINK("{link}", "Meetings!B5")',
        ],
        ["Team 3", "Roosevelt Middle", "On track", "", ""],
        ["Team 9", "Adams High", "At risk", "<script>alert(1)</script>", ""],
    ]
    sheet.update(rows, "A1", value_input_option=ValueInputOption.user_entered)
    sheet.format("A1:E1", {"textFormat": {"bold": True}, "backgroundColor": GREEN})
    for row, colour in ((2, RED), (3, GREEN), (4, AMBER)):
        sheet.format(f"C{row}", {"backgroundColor": colour})
    sheet.freeze(rows=1)
    book.batch_update(
        {
            "requests": [
                {
                    "updateDimensionProperties": {
                        "range": {
                            "sheetId": sheet.id,
                            "dimension": "COLUMNS",
                            "startIndex": 3,
                            "endIndex": 4,
                        },
                        "properties": {"pixelSize": 320},
                        "fields": "pixelSize",
                    }
                }
            ]
        }
    )
    return book


def test_a_finding_link_lands_on_the_team_workbook_cell(
    browser: Any, emulator: RunningEmulator, workspace: Workspace
) -> None:
    team, meetings = team_workbook(workspace)
    rollup = rollup_workbook(workspace, team, meetings.id)
    page = browser.new_page(viewport={"width": 1200, "height": 560})
    alerts: list[str] = []

    def dismiss(dialog: Any) -> None:
        alerts.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(f"{emulator.url}/view/spreadsheets/{rollup.id}")

    assert "Coach roll-up" in page.title()
    header = page.locator("td[data-cell='A1']")
    assert header.evaluate("e => getComputedStyle(e).fontWeight") == "700"
    assert page.locator("td[data-cell='D4']").inner_text() == "<script>alert(1)</script>"

    page.get_by_role("link", name="Meetings!B5").click()
    page.wait_for_url(f"**/view/spreadsheets/{team.id}?**")
    assert "Team 7" in page.title()
    target = page.locator("td#cell-B5")
    assert target.inner_text() == "0.5 h"
    assert "hl" in (target.get_attribute("class") or "")
    assert page.locator("td.hl").count() == 1
    assert page.locator("nav.tabs a.active").inner_text() == "Meetings"
    target.wait_for(state="visible")
    assert target.evaluate(_IN_VIEW), "the highlighted cell is scrolled into view"
    assert alerts == [], "no script from a cell ever runs"
    page.close()


def test_the_rollup_a_job_wrote_leads_from_a_finding_to_its_cell(
    browser: Any, emulator: RunningEmulator, workspace: Workspace
) -> None:
    """The product's path: provision, roll up, then a coach follows a finding."""
    from tst_sheets.jobs.init import init_roster
    from tst_sheets.jobs.provision import provision
    from tst_sheets.jobs.rollup import rollup

    roster = init_roster(workspace, "TST", sample_program()).roster_spreadsheet_id
    provision(workspace, roster)
    result = rollup(workspace, roster, date(2026, 11, 23), write=True)
    page = browser.new_page(viewport={"width": 1400, "height": 700})
    page.goto(f"{emulator.url}/view/spreadsheets/{result.rollup_spreadsheet_id}")
    assert page.locator("nav.tabs a.active").inner_text() == "Summary"
    save_screenshot(page)

    page.locator("nav.tabs a", has_text="Findings").click()
    link = page.locator("table.grid a[href*='range=']").first
    href = link.get_attribute("href") or ""
    query = parse_qs(urlsplit(href).query)
    team_id = urlsplit(href).path.rsplit("/", 1)[-1]
    link.click()
    page.wait_for_url(f"**/view/spreadsheets/{team_id}?**")
    cell = query["range"][0].split(":")[0]
    target = page.locator(f"td#cell-{cell}")
    assert "hl" in (target.get_attribute("class") or "")
    assert page.locator("nav.tabs a.active").get_attribute("data-gid") == query["gid"][0]
    assert target.evaluate(_IN_VIEW)
    findings = {(f.tab, f.cell) for f in result.findings}
    assert (page.locator("nav.tabs a.active").inner_text(), cell) in findings
    page.close()


def test_the_frozen_header_stays_on_screen(
    browser: Any, emulator: RunningEmulator, workspace: Workspace
) -> None:
    team, meetings = team_workbook(workspace)
    meetings.update([[f"2026-10-{d:02d}", "30"] for d in range(1, 31)] * 2, "A12")
    page = browser.new_page(viewport={"width": 900, "height": 400})
    page.goto(f"{emulator.url}/view/spreadsheets/{team.id}?gid={meetings.id}&range=A70")
    header = page.locator("td[data-cell='A1']")
    assert header.inner_text() == "Date"
    assert header.evaluate(_IN_VIEW), "the frozen header row sticks while row 70 is shown"
    assert page.locator("td#cell-A70").evaluate(_IN_VIEW)
    page.close()


_IN_VIEW = """e => { const r = e.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; }"""


def save_screenshot(page: Any, variable: str = "TST_SCREENSHOT") -> None:
    """``TST_SCREENSHOT=docs/rollup.png pytest tests/test_viewer_browser.py`` refreshes it."""
    target = os.environ.get(variable)
    if target:
        path = Path(target) if Path(target).is_absolute() else ROOT / target
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path))


def test_the_demos_impact_tab_renders_in_the_viewer(browser: Any) -> None:
    """A program director opens the Impact tab: the program, each goal against its target in
    a chart beside the table, commitments kept."""
    from tst_sheets.demo import run as demo_run

    ctx = demo_run.start()
    try:
        summary = demo_run.run(ctx)
        page = browser.new_page(viewport={"width": 2300, "height": 740})
        page.goto(summary.viewer_url)
        page.locator("nav.tabs a", has_text="Impact").first.click()
        page.wait_for_load_state()
        assert page.locator("nav.tabs a.active").inner_text() == "Impact"
        text = page.locator("table.grid").inner_text()
        for words in ("The program as of", "Each team's SMART goal", "Commitments kept"):
            assert words in text
        assert "T01" in text and "Not measured yet" in text
        chart = page.locator("div.chart svg")
        assert "baseline, mid-year, end of year and target" in (chart.text_content() or "")
        save_screenshot(page, "TST_IMPACT_SCREENSHOT")
        assert chart.evaluate(_IN_VIEW)  # beside the table, on the first screen
        page.close()
    finally:
        ctx.emulator.stop()
