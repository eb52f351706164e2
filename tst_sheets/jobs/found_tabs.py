"""An existing workbook as an upgrade sees it: every tab with its size, the service's mark
and its values (2 Sheets reads), and the Team tab read from those same values."""

from __future__ import annotations

from collections.abc import Sequence

from tst_sheets.jobs.reader import tab_key
from tst_sheets.model import DateRange, TeamRecord
from tst_sheets.model.a1 import absolute_range_name
from tst_sheets.reading.workbook import read_workbook
from tst_sheets.templates import FoundTab, WorkbookTemplate
from tst_sheets.workspace import Workspace


def found_tabs(ws: Workspace, book_id: str) -> list[FoundTab]:
    """Every tab with its size and the service's mark (2 reads: properties, then values)."""
    fields = (
        "sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),"
        "developerMetadata(metadataKey,metadataValue))"
    )
    found = []
    for sheet in ws.sheets.get(book_id, fields).get("sheets", []):
        props = sheet.get("properties", {})
        grid = props.get("gridProperties", {})
        found.append(
            FoundTab(
                sheet_id=int(props.get("sheetId", 0)),
                title=str(props["title"]),
                row_count=int(grid.get("rowCount", 0)),
                column_count=int(grid.get("columnCount", 0)),
                key=tab_key(sheet),
            )
        )
    ranges = [absolute_range_name(f.title) for f in found]
    grids = [r.get("values", []) for r in ws.sheets.values_batch_get(book_id, ranges)]
    return [f.model_copy(update={"values": g}) for f, g in zip(found, grids, strict=True)]


def team_tab_of(
    found: Sequence[FoundTab],
    team_id: str,
    book_id: str,
    template: WorkbookTemplate,
    school_year: DateRange,
) -> TeamRecord | None:
    """The Team tab from the values the upgrade read (an upgrade that just added an empty
    Team tab: members unknown, nobody's access removed)."""
    value_ranges = [{"range": absolute_range_name(f.title), "values": f.values} for f in found]
    record = read_workbook(
        value_ranges,
        team_id=team_id,
        spreadsheet_id=book_id,
        template=template,
        school_year=school_year,
        sheet_ids={f.title: f.sheet_id for f in found},
        keys=["team"],
        tab_keys={f.title: f.key for f in found if f.key},
    )
    return record if "team" in record.tabs else None
