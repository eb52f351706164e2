"""Templates as data: loading, clear errors, header matching and the rendered API bodies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tst_sheets.config import DEFAULT_TEMPLATES
from tst_sheets.model.text import normalize as normalize_header
from tst_sheets.templates import (
    FoundTab,
    TemplateError,
    WorkbookTemplate,
    find_header,
    is_example_row,
    load_template,
    match_columns,
    render_create,
    render_upgrade,
)

TEAM_TABS = {
    "start_here": "Start Here",
    "team": "Team",
    "goals": "Goals",
    "work_plan": "Work Plan",
    "meetings": "Meetings",
    "coaching": "Coaching",
    "checkins": "Principal Check-ins",
    "data": "Data",
    "sprints": "Sprints",
    "program_events": "Program Events",
}
HEADERS = {
    "team": ["Name", "Email", "Role", "Subject / Grade", "Joined", "Left", "Notes"],
    "goals": [
        "Goal",
        "Focus Area",
        "Data Source",
        "Baseline",
        "Target",
        "Target Date",
        "Set With Principal On",
        "Status",
    ],
    "work_plan": [
        "Goal",
        "Key Action Step",
        "Timeline",
        "Expected Outcome",
        "Data Source, Baseline & Target",
        "Person Responsible",
        "Status",
        "Comments",
    ],
    "meetings": ["Date", "Minutes", "Attendees", "Focus", "Decisions / Next Steps"],
    "coaching": ["Date", "Minutes", "Coach", "Mode", "Focus", "Next Steps"],
    "checkins": ["Date", "Minutes", "Principal", "Topics", "Agreements"],
    "data": ["Collection Point", "Date", "Measure", "Value", "Target", "Notes"],
    "sprints": ["Sprint", "Start", "End", "Focus", "Result", "Reflection"],
    "program_events": ["Date", "Time", "Event", "Mode", "Location / Link"],
}


@pytest.fixture(scope="module")
def team() -> WorkbookTemplate:
    return load_template("team_workbook", DEFAULT_TEMPLATES)


def test_team_workbook_has_the_issue_tabs_and_headers(team: WorkbookTemplate) -> None:
    assert {t.key: t.title for t in team.tabs} == TEAM_TABS
    for key, headers in HEADERS.items():
        assert team.tab(key).headers() == headers
    assert team.tab("start_here").owner == "service"
    assert team.tab("program_events").owner == "service"
    assert team.tab("data").column("collection_point").allowed == [
        "Baseline",
        "Mid-Year",
        "End-of-Year",
    ]


def test_every_team_tab_has_one_recognisable_example_row(team: WorkbookTemplate) -> None:
    for tab in team.tabs:
        if tab.owner == "team":
            assert len(tab.example_rows) == 1, tab.key
            row = [tab.example_rows[0].get(c.key, "") for c in tab.columns]
            assert is_example_row(row)


def test_roster_and_rollup_templates_load() -> None:
    roster = load_template("program_roster", DEFAULT_TEMPLATES)
    assert [t.key for t in roster.tabs] == [
        "program",
        "coaches",
        "teams",
        "events",
        "attendance",
        "observations",
        "applications",
    ]
    assert roster.tab("teams").headers() == [
        "Team ID",
        "School",
        "Focus Area",
        "TL Name",
        "TL Email",
        "TL Years Teaching",
        "Principal Name",
        "Principal Email",
        "Coach Email",
        "Status",
        "Sheet",
        "Program Year",
        "Continuing",
        "Last Year's Sheet",
    ]
    assert roster.tab("teams").column("sheet").owner == "service"
    assert roster.tab("events").headers() == [
        "Event Key",
        "Title",
        "Kind",
        "Date",
        "Start",
        "End",
        "Mode",
        "Location",
        "Audience",
        "Notes",
    ]
    labels = [s.label for s in roster.tab("program").settings]
    assert labels == [
        "Program Name",
        "School Year Start",
        "School Year End",
        "Time Zone",
        "Allowed Domains",
        "Staff Emails",
        "Digest Opt-outs",
        "Mid-Year Data Due",
        "End-of-Year Data Due",
        "Breaks",
        "Roll-up Spreadsheet",
        "Program Calendar",
    ]
    rollup = load_template("coach_rollup", DEFAULT_TEMPLATES)
    titles = [t.title for t in rollup.tabs]
    assert {"Summary", "Findings", "By Coach", "Trends", "Events", "About"} <= set(titles)


# --- broken templates ---------------------------------------------------------------------------


def _broken(tmp_path: Path, edit: object) -> str:
    raw = yaml.safe_load((DEFAULT_TEMPLATES / "team_workbook.yaml").read_text())
    edit(raw)  # type: ignore[operator]
    (tmp_path / "team_workbook.yaml").write_text(yaml.safe_dump(raw))
    with pytest.raises(TemplateError) as caught:
        load_template("team_workbook", tmp_path)
    return str(caught.value)


def test_a_bad_column_type_names_file_tab_column_and_field(tmp_path: Path) -> None:
    def edit(raw: dict) -> None:  # type: ignore[type-arg]
        raw["tabs"][4]["columns"][1]["type"] = "duration"

    message = _broken(tmp_path, edit)
    assert "team_workbook.yaml" in message
    assert "'meetings' (Meetings)" in message
    assert "'minutes' (Minutes)" in message
    assert "field 'type'" in message


def test_a_missing_header_names_the_field(tmp_path: Path) -> None:
    def edit(raw: dict) -> None:  # type: ignore[type-arg]
        del raw["tabs"][2]["columns"][0]["header"]

    message = _broken(tmp_path, edit)
    assert "'goals' (Goals)" in message and "field 'header'" in message


def test_a_choice_without_values_and_a_duplicate_tab_are_errors(tmp_path: Path) -> None:
    def no_values(raw: dict) -> None:  # type: ignore[type-arg]
        raw["tabs"][7]["columns"][0]["allowed"] = []

    assert "'data' (Data)" in _broken(tmp_path, no_values)

    def duplicate(raw: dict) -> None:  # type: ignore[type-arg]
        raw["tabs"].append(dict(raw["tabs"][1]))

    assert "duplicate tab keys" in _broken(tmp_path, duplicate)


def test_invalid_yaml_and_missing_file_are_clear(tmp_path: Path) -> None:
    (tmp_path / "team_workbook.yaml").write_text("name: x\ntabs: [unclosed\n")
    with pytest.raises(TemplateError, match=r"team_workbook.yaml: not valid YAML"):
        load_template("team_workbook", tmp_path)
    with pytest.raises(TemplateError, match="cannot read"):
        load_template("nope", tmp_path)


# --- header matching -------------------------------------------------------------------------


def test_normalize_header_ignores_case_spacing_and_punctuation() -> None:
    assert normalize_header(" Data Source, Baseline & Target ") == normalize_header(
        "data source baseline and target"
    )
    assert normalize_header("Person/Area Responsible") == "personarearesponsible"
    assert normalize_header("Subject/Grade") == normalize_header("Subject / Grade")


def test_columns_match_by_header_and_alias_in_any_order(team: WorkbookTemplate) -> None:
    tab = team.tab("work_plan")
    row = [
        "My own notes",
        "Person/Area Responsible",
        "KEY ACTION STEPS",
        "timeline",
        "",
        "Data Source and Evaluation Methodology",
        "Goal",
    ]
    match = match_columns(tab, row)
    assert match.columns == {
        "person_responsible": 1,
        "action_step": 2,
        "timeline": 3,
        "measure": 5,
        "goal": 6,
    }
    assert match.extra == {0: "My own notes"}
    assert [c.key for c in match.missing(tab)] == ["expected_outcome", "status", "comments"]


def test_the_header_may_sit_below_inserted_rows(team: WorkbookTemplate) -> None:
    tab = team.tab("meetings")
    rows: list[list[object]] = [
        [],
        ["Our meetings, fall 2026"],
        ["Date", "Duration", "Present", "Topic"],
        ["2026-09-08", 45, "A, B", "x"],
    ]
    match = find_header(tab, rows)
    assert match is not None and match.row == 2
    assert match.columns == {"date": 0, "minutes": 1, "attendees": 2, "focus": 3}
    assert find_header(tab, [["nothing"], ["here"]]) is None


# --- rendering -------------------------------------------------------------------------------


def test_create_body_carries_everything(team: WorkbookTemplate) -> None:
    body = render_create(
        team, "T01", {"start_here": [["Team", "T01"]]}, {"tstKind": "team", "tstTeamId": "T01"}
    )
    json.dumps(body)  # plain JSON
    sheets = {s["properties"]["title"]: s for s in body["sheets"]}
    assert list(sheets) == list(TEAM_TABS.values())
    meetings = sheets["Meetings"]
    assert meetings["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert meetings["properties"]["sheetId"] == team.tab("meetings").sheet_id
    header = meetings["data"][0]["rowData"][0]["values"]
    assert [c["userEnteredValue"]["stringValue"] for c in header] == HEADERS["meetings"]
    assert header[1]["note"].startswith("Required.")
    widths = [m["pixelSize"] for m in meetings["data"][0]["columnMetadata"]]
    assert widths == [c.width for c in team.tab("meetings").columns]
    coaching = sheets["Coaching"]["data"][0]["rowData"]
    rule = coaching[5]["values"][3]["dataValidation"]
    assert rule["strict"] is False and rule["condition"]["type"] == "ONE_OF_LIST"
    assert coaching[5]["values"][0]["userEnteredFormat"]["numberFormat"]["type"] == "DATE"
    example = coaching[1]["values"][0]["userEnteredValue"]["stringValue"]
    assert example.startswith("Example:")
    protected = sheets["Program Events"]["protectedRanges"]
    assert protected and all(p["warningOnly"] for p in protected)
    assert sheets["Team"]["protectedRanges"] == []
    meta = {m["metadataKey"]: m["metadataValue"] for m in body["developerMetadata"]}
    assert meta == {"tstKind": "team", "tstTeamId": "T01"}
    start = sheets["Start Here"]["data"][0]["rowData"]
    assert start[0]["values"][1]["userEnteredValue"] == {"stringValue": "T01"}


def test_text_that_looks_like_a_formula_goes_in_as_text(team: WorkbookTemplate) -> None:
    body = render_create(team, "x", {"team": [['=IMPORTRANGE("x")', "a@b.org"]]}, {})
    team_rows = next(s for s in body["sheets"] if s["properties"]["title"] == "Team")
    cell = team_rows["data"][0]["rowData"][1]["values"][0]
    assert cell["userEnteredValue"] == {"stringValue": '=IMPORTRANGE("x")'}


def test_upgrade_appends_after_the_last_used_column_and_never_writes_typed_values(
    team: WorkbookTemplate,
) -> None:
    v2 = team.model_copy(deep=True, update={"version": 2})
    meetings = v2.tab("meetings")
    meetings.columns.append(
        meetings.columns[0].model_copy(
            update={"key": "agenda", "header": "Agenda Link", "type": "url", "required": False}
        )
    )
    values = [
        ["Date", "Minutes", "Attendees", "Focus", "Decisions / Next Steps", "", "Mine"],
        ["2026-09-08", 45, "A", "", "", "", "typed far right"],
    ]
    found = [
        FoundTab(
            sheet_id=t.sheet_id,
            title=t.title,
            row_count=201,
            column_count=9,
            values=values if t.key == "meetings" else [t.headers()],
        )
        for t in team.tabs
        if t.key != "sprints"
    ]
    requests = render_upgrade(v2, found, {"tstVersion": "2"})
    adds = [r for r in requests if "addSheet" in r]
    assert [r["addSheet"]["properties"]["title"] for r in adds] == ["Sprints"]
    header_writes = [
        r["updateCells"]
        for r in requests
        if "updateCells" in r
        and "userEnteredValue" in r["updateCells"]["fields"]
        and r["updateCells"]["start"]["sheetId"] == meetings.sheet_id
    ]
    new_header = [
        w
        for w in header_writes
        if w["rows"][0]["values"][0].get("userEnteredValue") == {"stringValue": "Agenda Link"}
    ]
    assert new_header and new_header[0]["start"]["columnIndex"] == 7  # after "Mine" (G)
    for write in header_writes:
        assert write["start"]["rowIndex"] == 0 and write["start"]["columnIndex"] >= 7
    assert requests[-1]["updateDeveloperMetadata"]["developerMetadata"]["metadataValue"] == "2"
