"""The viewer's HTML without a browser: escaping, links, formatting, highlighting."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import requests
from gspread.utils import ValueInputOption

from tst_sheets.emulator import RunningEmulator
from tst_sheets.emulator.viewer import agenda
from tst_sheets.emulator.viewer.grid import column_letter, parse_a1, render_sheet
from tst_sheets.emulator.viewer.links import rewriter, spreadsheet_url
from tst_sheets.workspace import Workspace

KNOWN = {"team-book-1"}
REWRITE = rewriter(lambda sid: sid in KNOWN, None)


def sheet(rows: list[list[dict[str, Any]]], **extra: Any) -> dict[str, Any]:
    grid = {"rowData": [{"values": row} for row in rows], **extra.pop("grid", {})}
    return {
        "properties": {"sheetId": 0, "title": "Tab", "gridProperties": extra.pop("props", {})},
        "data": [grid],
        **extra,
    }


def td(html: str, ref: str) -> str:
    found = re.search(rf'<td data-cell="{ref}"[^>]*>.*?</td>', html)
    assert found, f"no cell {ref}"
    return found.group(0)


# -- escaping ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "&lt;b&gt; & <b>bold</b>"],
)
def test_cell_text_is_escaped(text: str) -> None:
    html = render_sheet(sheet([[{"formattedValue": text, "note": text}]]), REWRITE, None)
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;" in html


def test_a_javascript_link_stays_text() -> None:
    cell = {
        "formattedValue": "click",
        "userEnteredValue": {"formulaValue": '=HYPERLINK("javascript:alert(1)", "click")'},
    }
    html = render_sheet(
        sheet([[cell, {"formattedValue": "x", "hyperlink": " JavaScript:x"}]]), REWRITE, None
    )
    assert "<a " not in html
    assert "javascript" not in html.lower()


def test_a_link_cannot_break_out_of_its_attribute() -> None:
    url = 'https://example.org/"><script>alert(1)</script>'
    html = render_sheet(sheet([[{"formattedValue": "x", "hyperlink": url}]]), REWRITE, None)
    assert "<script>" not in html


# -- links -------------------------------------------------------------------------------------


def test_a_link_into_an_emulated_spreadsheet_opens_it_in_the_viewer() -> None:
    url = "https://docs.google.com/spreadsheets/d/team-book-1/edit#gid=42&range=C7"
    cell = {"formattedValue": "Meetings!C7", "hyperlink": url}
    html = render_sheet(sheet([[cell]]), REWRITE, None)
    assert 'href="/view/spreadsheets/team-book-1?gid=42&amp;range=C7#cell-C7"' in html
    assert "noopener" not in td(html, "A1")


def test_a_hyperlink_formula_is_followed_when_the_backend_gives_no_hyperlink() -> None:
    formula = (
        '=HYPERLINK("https://docs.google.com/spreadsheets/d/team-book-1/edit#gid=0&range=A2","x")'
    )
    cell = {"formattedValue": "x", "userEnteredValue": {"formulaValue": formula}}
    html = render_sheet(sheet([[cell]]), REWRITE, None)
    assert "/view/spreadsheets/team-book-1?gid=0&amp;range=A2#cell-A2" in html


def test_the_viewing_identity_is_kept_across_links() -> None:
    rewrite = rewriter(lambda sid: True, "tl@school.org")
    href = rewrite("https://docs.google.com/spreadsheets/d/team-book-1/edit?usp=sharing#gid=5")
    assert href == "/view/spreadsheets/team-book-1?gid=5&as=tl%40school.org"


def test_other_links_open_as_they_are_in_a_new_tab() -> None:
    unknown = "https://docs.google.com/spreadsheets/d/somewhere-else/edit#gid=0"
    html = render_sheet(
        sheet(
            [
                [
                    {"formattedValue": "a", "hyperlink": unknown},
                    {"formattedValue": "b", "hyperlink": "https://example.org/x?a=1&b=2"},
                ]
            ]
        ),
        REWRITE,
        None,
    )
    assert f'href="{unknown}" target="_blank" rel="noopener noreferrer"' in td(html, "A1")
    assert 'href="https://example.org/x?a=1&amp;b=2"' in td(html, "B1")


def test_spreadsheet_url_anchors_the_first_cell_of_a_range() -> None:
    url = spreadsheet_url("s", gid="1", cells="B2:D9")
    assert url == "/view/spreadsheets/s?gid=1&range=B2%3AD9#cell-B2"


# -- formatting --------------------------------------------------------------------------------


def test_formats_become_styles() -> None:
    bold = {
        "formattedValue": "Team",
        "effectiveFormat": {
            "textFormat": {
                "bold": True,
                "italic": True,
                "foregroundColorStyle": {"rgbColor": {"red": 1}},
            },
            "backgroundColor": {"red": 0.85, "green": 0.92, "blue": 0.83},
            "horizontalAlignment": "CENTER",
        },
    }
    number = {"formattedValue": "$1,234.50", "effectiveValue": {"numberValue": 1234.5}}
    html = render_sheet(sheet([[bold, number]]), REWRITE, None)
    a1 = td(html, "A1")
    for css in (
        "font-weight:700",
        "font-style:italic",
        "color:rgb(255,0,0)",
        "background-color:rgb(217,235,212)",
        "text-align:center",
    ):
        assert css in a1
    assert "text-align:right" in td(html, "B1")
    assert ">$1,234.50<" in td(html, "B1")


def test_merges_widths_frozen_rows_and_notes() -> None:
    cells: list[list[dict[str, Any]]] = [
        [{"formattedValue": "Header", "note": "Fill one row per meeting"}],
        [],
        [{}],
    ]
    html = render_sheet(
        sheet(
            cells,
            props={"frozenRowCount": 1, "rowCount": 50, "columnCount": 4},
            grid={"columnMetadata": [{"pixelSize": 220}, {"pixelSize": 80}]},
            merges=[
                {"startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 0, "endColumnIndex": 2}
            ],
        ),
        REWRITE,
        None,
    )
    assert '<col style="width:220px"><col style="width:80px">' in html
    a1 = td(html, "A1")
    assert "position:sticky" in a1 and 'title="Fill one row per meeting"' in a1
    assert 'rowspan="2" colspan="2"' in td(html, "A2")
    assert 'data-cell="B2"' not in html and 'data-cell="A3"' not in html
    assert 'data-cell="C3"' in html


def test_the_target_range_is_highlighted_and_anchored() -> None:
    html = render_sheet(sheet([[{"formattedValue": "x"}] * 3] * 3), REWRITE, parse_a1("B2:C3"))
    assert 'id="cell-B2"' in td(html, "B2") and 'class="hl"' in td(html, "B2")
    assert 'class="hl"' in td(html, "C3") and "id=" not in td(html, "C3")
    assert "hl" not in td(html, "A1")


def test_a1_helpers() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    area = parse_a1("'Work Plan'!$B$3:A1")
    assert area is not None and (area.top, area.left, area.bottom, area.right) == (0, 0, 3, 2)
    assert parse_a1("nonsense") is None and parse_a1("A0") is None


# -- agenda ------------------------------------------------------------------------------------


def test_the_agenda_groups_by_month_and_escapes() -> None:
    events: list[dict[str, Any]] = [
        {
            "summary": "Roundtable <b>2</b>",
            "start": {"dateTime": "2026-10-08T16:00:00-05:00"},
            "end": {"dateTime": "2026-10-08T17:30:00-05:00"},
            "attendees": [{}, {}],
        },
        {
            "summary": "Fall Training",
            "start": {"date": "2026-09-14"},
            "end": {"date": "2026-09-16"},
            "location": "District office",
        },
        {
            "summary": "Old",
            "status": "cancelled",
            "start": {"date": "2026-09-01"},
            "end": {"date": "2026-09-02"},
        },
    ]
    html = agenda.render(events, "America/Chicago")
    assert html.index("September 2026") < html.index("October 2026")
    assert html.index("Fall Training") < html.index("Roundtable")
    assert "Roundtable &lt;b&gt;2&lt;/b&gt;" in html
    assert "Thu 8 Oct · 16:00–17:30" in html
    assert "Mon 14 Sep · all day (2 days)" in html
    assert "2 guests" in html and 'class="cancelled"' in html


# -- pages, through the emulator as the service and people left things ------------------------

TL = "tl@lincoln.example.org"


def get(emulator: RunningEmulator, path: str) -> requests.Response:
    return requests.get(emulator.url + path, timeout=10)


def test_each_identity_sees_only_what_is_shared_with_it(
    emulator: RunningEmulator, workspace: Workspace
) -> None:
    rollup = workspace.sheets.client.create(
        "Coach roll-up", folder_id=workspace.settings.drive_folder
    )
    team = workspace.sheets.client.create(
        "Team 7 workbook", folder_id=workspace.settings.drive_folder
    )
    team.share(TL, perm_type="user", role="writer", notify=False)

    everything = get(emulator, "/").text
    assert "Coach roll-up" in everything and "Team 7 workbook" in everything
    assert f'<option value="{TL}">' in everything

    as_tl = get(emulator, f"/?as={TL}").text
    assert "Team 7 workbook" in as_tl and "Coach roll-up" not in as_tl
    assert f"/view/spreadsheets/{team.id}?as=" in as_tl
    assert get(emulator, f"/view/spreadsheets/{rollup.id}?as={TL}").status_code == 404
    assert get(emulator, f"/view/spreadsheets/{team.id}?as={TL}").status_code == 200
    assert get(emulator, "/view/spreadsheets/no-such-id").status_code == 404


def test_what_a_team_types_is_shown_never_run(
    emulator: RunningEmulator, workspace: Workspace, connect_as: Callable[[str], Workspace]
) -> None:
    team = workspace.sheets.client.create(
        "Team <b>7</b>", folder_id=workspace.settings.drive_folder
    )
    team.share(TL, perm_type="user", role="writer", notify=False)
    sheet = connect_as(TL).sheets.client.open_by_key(team.id).sheet1
    sheet.update_title('<img src=x onerror="alert(1)">')
    sheet.update(
        [["<script>alert(1)</script>", '=HYPERLINK("javascript:alert(2)", "click me")']],
        "A1",
        value_input_option=ValueInputOption.user_entered,
    )
    html = get(emulator, f"/view/spreadsheets/{team.id}").text
    assert "<script>alert" not in html and "<img" not in html and "<b>7" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "javascript:" not in html and ">click me<" in html


def test_a_finding_links_to_the_team_cell_in_the_viewer(
    emulator: RunningEmulator, workspace: Workspace
) -> None:
    team = workspace.sheets.client.create(
        "Team 7 workbook", folder_id=workspace.settings.drive_folder
    )
    meetings = team.add_worksheet("Meetings", rows=20, cols=5)
    rollup = workspace.sheets.client.create(
        "Coach roll-up", folder_id=workspace.settings.drive_folder
    )
    link = f"https://docs.google.com/spreadsheets/d/{team.id}/edit#gid={meetings.id}&range=C4"
    rollup.sheet1.update(
        [
            [
                f'=HYPERLINK("{link}", "Meetings!C4")',
                '=HYPERLINK("https://example.org/?a=1&b=2", "x")',
            ]
        ],
        "A1",
        value_input_option=ValueInputOption.user_entered,
    )
    html = get(emulator, f"/view/spreadsheets/{rollup.id}").text
    href = f"/view/spreadsheets/{team.id}?gid={meetings.id}&amp;range=C4#cell-C4"
    assert f'<a href="{href}">Meetings!C4</a>' in html
    external = 'href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer"'
    assert external in html

    target = get(emulator, f"/view/spreadsheets/{team.id}?gid={meetings.id}&range=C4").text
    assert 'data-cell="C4" id="cell-C4" class="hl"' in target
    assert f'<a class="active" href="/view/spreadsheets/{team.id}?gid={meetings.id}"' in target


def test_formats_as_the_backend_renders_them(
    emulator: RunningEmulator, workspace: Workspace
) -> None:
    book = workspace.sheets.client.create("Formats", folder_id=workspace.settings.drive_folder)
    sheet = book.sheet1
    sheet.update(
        [["Date", "Amount"], ["2026-09-14", "1234.5"]],
        "A1",
        value_input_option=ValueInputOption.user_entered,
    )
    sheet.format("A1:B1", {"textFormat": {"bold": True}})
    sheet.format("B2", {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}})
    sheet.freeze(rows=1)
    sheet.merge_cells("C1:D2")
    html = get(emulator, f"/view/spreadsheets/{book.id}").text
    assert "font-weight:700" in td(html, "A1") and "position:sticky" in td(html, "A1")
    assert ">1,234.50<" in td(html, "B2") and "text-align:right" in td(html, "B2")
    assert ">2026-09-14<" in td(html, "A2")
    assert 'rowspan="2" colspan="2"' in td(html, "C1")


def test_a_column_chart_is_drawn_from_its_cells_at_its_anchor(
    emulator: RunningEmulator, workspace: Workspace
) -> None:
    book = workspace.sheets.client.create("Goals", folder_id=workspace.settings.drive_folder)
    sheet = book.sheet1
    sheet.update(
        [["Team", "Baseline", "Target"], ["T01", "40%", "70%"], ["<b>T02</b>", "48%", ""]],
        "A1",
        value_input_option=ValueInputOption.user_entered,
    )

    def column(index: int) -> dict[str, Any]:
        grid = {"sheetId": sheet.id, "startRowIndex": 0, "endRowIndex": 3}
        return {
            "sourceRange": {
                "sources": [{**grid, "startColumnIndex": index, "endColumnIndex": index + 1}]
            }
        }

    chart = {
        "spec": {
            "title": "Goals <script>",
            "basicChart": {
                "chartType": "COLUMN",
                "headerCount": 1,
                "domains": [{"domain": column(0)}],
                "series": [{"series": column(1)}, {"series": column(2)}],
            },
        },
        "position": {
            "overlayPosition": {
                "anchorCell": {"sheetId": sheet.id, "rowIndex": 0, "columnIndex": 4},
                "widthPixels": 400,
                "heightPixels": 300,
            }
        },
    }
    book.batch_update({"requests": [{"addChart": {"chart": chart}}]})
    html = get(emulator, f"/view/spreadsheets/{book.id}").text
    drawn = re.search(r'<div class="chart" style="left:(\d+)px;top:(\d+)px"><svg.*?</svg>', html)
    assert drawn, "no chart on the page"
    assert drawn.group(1, 2) == ("446", "22")  # row numbers + columns A-D; the letters row
    svg = drawn.group(0)
    assert "Goals &lt;script&gt;" in svg and "<script>" not in svg
    assert ">T01<" in svg and "&lt;b&gt;T02&lt;/b&gt;" in svg  # the domain's cells
    assert ">Baseline<" in svg and ">Target<" in svg and ">70%<" in svg  # legend, top tick
    assert svg.count("<rect x=") == 3 + 2  # 40%, 70%, 48% (an empty cell: no column); legend


def test_a_calendar_is_an_agenda_by_month(emulator: RunningEmulator, workspace: Workspace) -> None:
    calendar = workspace.calendar.resource
    cal = (
        calendar.calendars()
        .insert(body={"summary": "TST 2026-27", "timeZone": "America/Chicago"})
        .execute()
    )
    for summary, start, end in [
        (
            "Roundtable 2",
            {"dateTime": "2026-10-08T16:00:00-05:00"},
            {"dateTime": "2026-10-08T17:30:00-05:00"},
        ),
        ("Fall Training", {"date": "2026-09-14"}, {"date": "2026-09-15"}),
    ]:
        calendar.events().insert(
            calendarId=cal["id"],
            body={"summary": summary, "start": start, "end": end, "attendees": [{"email": TL}]},
        ).execute()
    index = get(emulator, "/").text
    assert "TST 2026-27" in index and "2 events" in index
    html = get(emulator, f"/view/calendars/{cal['id']}").text
    assert html.index("September 2026") < html.index("October 2026")
    assert "Thu 8 Oct · 16:00–17:30" in html and "Mon 14 Sep · all day" in html
    as_tl = get(emulator, f"/?as={TL}").text
    assert f"/view/calendars/{TL.replace('@', '%40')}" in as_tl
    invited = get(emulator, f"/view/calendars/{TL}?as={TL}").text
    assert "Roundtable 2" in invited and "Fall Training" in invited
    assert get(emulator, f"/view/calendars/{cal['id']}?as=stranger@else.org").status_code == 404


def test_hidden_rows_and_columns_are_not_shown() -> None:
    html = render_sheet(
        sheet(
            [[{"formattedValue": "a"}, {"formattedValue": "secret"}]] * 3,
            grid={
                "columnMetadata": [{}, {"hiddenByUser": True}],
                "rowMetadata": [{}, {"hiddenByUser": True}],
            },
        ),
        REWRITE,
        None,
    )
    assert '<col style="width:100px;visibility:collapse">' in html
    assert '<tr style="display:none"><th class="row">2</th>' in html


def test_a_long_tab_is_cut_but_never_above_the_linked_cell() -> None:
    rows = [[{"formattedValue": str(n)}] for n in range(3000)]
    html = render_sheet(sheet(rows, props={"rowCount": 3000}), REWRITE, parse_a1("A1500"))
    assert 'id="cell-A1500"' in html and 'data-cell="A1501"' not in html
    assert "1500 more rows not shown" in html
