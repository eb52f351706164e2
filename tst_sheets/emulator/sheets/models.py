"""Sheets' state model: spreadsheet documents, access through Drive, revisions and output.

A spreadsheet is a JSON document of kind ``spreadsheet`` (same id as its Drive file):
``properties`` (``SpreadsheetProperties``), ``sheets`` (see ``grid``), ``namedRanges``,
``developerMetadata`` (every location, placed where Google shows it on output) and
``rev``, a process-unique revision that keys the computed-value cache.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import threading
from collections import OrderedDict
from typing import Any

from tst_sheets.emulator import ids
from tst_sheets.emulator.accounts import is_service_account
from tst_sheets.emulator.clock import Clock
from tst_sheets.emulator.drive.models import ROLE_RANK, SPREADSHEET_MIME, DriveBackend
from tst_sheets.emulator.errors import sheets_error
from tst_sheets.emulator.fields import Mask
from tst_sheets.emulator.sheets import build, cells, defaults, export, grid, limits, locate
from tst_sheets.emulator.sheets.calc import Calc
from tst_sheets.emulator.sheets.grid import Box, Doc
from tst_sheets.emulator.store import Transaction
from tst_sheets.emulator.values import parse_input

KIND = "spreadsheet"
NOT_FOUND = "Requested entity was not found."
DENIED = "The caller does not have permission"
URL = "https://docs.google.com/spreadsheets/d/{}/edit"
CSV_IMPORT_TIME_ZONE = "America/Los_Angeles"  # what a Drive CSV conversion gets on Google

# Sheet members Google prints when present, in its order.
SHEET_MEMBERS = (
    "merges",
    "conditionalFormats",
    "filterViews",
    "protectedRanges",
    "basicFilter",
    "charts",
    "bandedRanges",
    "developerMetadata",
    "rowGroups",
    "columnGroups",
    "slicers",
)
_KEEP_ZERO = {"sheetId", "index", "rowCount", "columnCount"}
_REVISIONS = itertools.count(1)
_CACHE_SIZE = 64


class SheetsBackend:
    def __init__(self, drive: DriveBackend, clock: Clock) -> None:
        self.drive = drive
        self.clock = clock
        self._calcs: OrderedDict[str, tuple[int, Calc]] = OrderedDict()
        self._lock = threading.Lock()
        self._register_drive_hooks()

    # -- access --------------------------------------------------------------------------------

    def open(self, txn: Transaction, spreadsheet_id: str, user: str, need: str = "reader") -> Doc:
        """The spreadsheet if the caller may ``need`` it; Sheets' own 404/403 otherwise."""
        file = self.drive.find(txn, spreadsheet_id)
        if file is None or file.get("mimeType") != SPREADSHEET_MIME:
            raise sheets_error(404, NOT_FOUND)
        role = self.drive.effective_role(txn, file, user)
        if role < ROLE_RANK[need]:
            raise sheets_error(403, DENIED)
        doc = txn.get(KIND, spreadsheet_id)
        if doc is None:  # made through Drive before the hooks existed: a blank spreadsheet
            doc = self._blank(spreadsheet_id, str(file.get("name") or "Untitled spreadsheet"))
            txn.put(KIND, spreadsheet_id, doc)
        return doc

    def owner(self, txn: Transaction, spreadsheet_id: str) -> str:
        """The owner's address ("" in a shared drive, where the drive owns its files)."""
        file = self.drive.find(txn, spreadsheet_id) or {}
        return str(file.get("ownerEmail") or "")

    def changed(self, txn: Transaction, doc: Doc, user: str) -> None:
        """Record a content change: a new revision, the write, Drive's ``modifiedTime``.

        A change that takes the spreadsheet over 10 million cells is Sheets' 400."""
        _check_cell_count(doc)
        doc["rev"] = next(_REVISIONS)
        txn.put(KIND, doc["spreadsheetId"], doc)
        self.drive.touch(txn, doc["spreadsheetId"], user)

    def calc(self, doc: Doc) -> Calc:
        """The computed views of this revision (cached; a write makes a new revision)."""
        key, rev = doc["spreadsheetId"], int(doc.get("rev", 0))
        with self._lock:
            found = self._calcs.get(key)
            if found is not None and found[0] == rev and found[1].doc is doc:
                self._calcs.move_to_end(key)
                return found[1]
            calc = Calc(doc)
            self._calcs[key] = (rev, calc)
            while len(self._calcs) > _CACHE_SIZE:
                self._calcs.popitem(last=False)
            return calc

    # -- creation --------------------------------------------------------------------------------

    def create(self, txn: Transaction, user: str, body: Doc) -> Doc:
        """``spreadsheets.create``: the Drive file (owned by the caller) and its content.

        It always lands in the caller's My Drive, so a service account (which may own
        nothing) gets Sheets' 403, as on Google; it must create through Drive into a
        shared drive instead.
        """
        if is_service_account(user):
            raise sheets_error(403, DENIED)
        props = body.get("properties") or {}
        title = str(props.get("title") or "Untitled spreadsheet")
        file = self.drive.create_file(txn, user, {"name": title, "mimeType": SPREADSHEET_MIME})
        doc = self._blank(file["id"], title, props, with_sheet=False)
        build.add_body_content(doc, body, user)
        if not doc["sheets"]:
            doc["sheets"].append(_default_sheet(0, "Sheet1", 0))
        _check_cell_count(doc)
        doc["rev"] = next(_REVISIONS)
        txn.put(KIND, doc["spreadsheetId"], doc)
        return doc

    def _blank(
        self, spreadsheet_id: str, title: str, props: Doc | None = None, *, with_sheet: bool = True
    ) -> Doc:
        return {
            "spreadsheetId": spreadsheet_id,
            "properties": defaults.spreadsheet_properties(title, props),
            "sheets": [_default_sheet(0, "Sheet1", 0)] if with_sheet else [],
            "namedRanges": [],
            "developerMetadata": [],
            "rev": next(_REVISIONS),
        }

    # -- Drive hooks: a spreadsheet made, copied, renamed, deleted, exported through Drive -------

    def _register_drive_hooks(self) -> None:
        hooks = {
            "on_create_spreadsheet": self._drive_created,
            "on_copy_spreadsheet": self._drive_copied,
            "on_delete_spreadsheet": self._drive_deleted,
            "on_rename_spreadsheet": self._drive_renamed,
            "export_spreadsheet": self._drive_export,
            "import_spreadsheet_csv": self._drive_import_csv,
        }
        for name, hook in hooks.items():
            setattr(self.drive, name, hook)

    def _drive_created(self, txn: Transaction, file: Doc, owner: str) -> None:
        txn.put(KIND, file["id"], self._blank(file["id"], str(file.get("name") or "")))

    def _drive_copied(self, txn: Transaction, source: Doc, copy_file: Doc, user: str) -> None:
        original = txn.get(KIND, source["id"])
        if original is None:
            self._drive_created(txn, copy_file, user)
            return
        doc = copy.deepcopy(original)
        doc["spreadsheetId"] = copy_file["id"]
        doc["properties"]["title"] = copy_file["name"]
        doc["rev"] = next(_REVISIONS)
        txn.put(KIND, copy_file["id"], doc)

    def _drive_deleted(self, txn: Transaction, file: Doc) -> None:
        txn.delete(KIND, file["id"])

    def _drive_renamed(self, txn: Transaction, file: Doc) -> None:
        doc = txn.get(KIND, file["id"])
        if doc is not None:
            doc["properties"]["title"] = file["name"]
            doc["rev"] = next(_REVISIONS)
            txn.put(KIND, file["id"], doc)

    def _drive_export(self, txn: Transaction, file: Doc, mime: str) -> bytes:
        """What Drive exports a spreadsheet as (see ``export``)."""
        doc = txn.get(KIND, file["id"]) or self._blank(file["id"], str(file.get("name")))
        return export.export(doc, self.calc(doc), mime)

    def _drive_import_csv(self, txn: Transaction, file: Doc, text: str) -> None:
        """Drive's ``convert=true`` CSV upload: one sheet named after the file."""
        title = str(file.get("name") or "Sheet1")
        doc = self._blank(file["id"], title, {"timeZone": CSV_IMPORT_TIME_ZONE}, with_sheet=False)
        rows = list(csv.reader(io.StringIO(text)))
        sheet = _default_sheet(ids.numeric_id(), title, 0)
        width = max((len(r) for r in rows), default=0)
        grid.grow_to(sheet, len(rows), width)
        for r, line in enumerate(rows):
            for c, value in enumerate(line):
                cells.write_entered(sheet, r, c, parse_input(value, "USER_ENTERED"))
        doc["sheets"].append(sheet)
        txn.put(KIND, file["id"], doc)

    # -- output ---------------------------------------------------------------------------------

    def to_json(
        self,
        txn: Transaction,
        doc: Doc,
        user: str,
        boxes: list[Box] | None = None,
        *,
        with_grid: bool = False,
    ) -> Doc:
        """The ``Spreadsheet`` resource. With ``boxes`` only their sheets are listed, as on
        Google; ``with_grid`` adds GridData (of the boxes, or of every whole sheet)."""
        owner = self.owner(txn, doc["spreadsheetId"])
        out: Doc = {
            "spreadsheetId": doc["spreadsheetId"],
            "properties": copy.deepcopy(doc["properties"]),
        }
        metadata = doc.get("developerMetadata", [])
        rendered = []
        for sheet in sorted(doc["sheets"], key=lambda s: s["properties"].get("index", 0)):
            mine = None if boxes is None else [b for b in boxes if b.sheet is sheet]
            if mine is not None and not mine:
                continue
            body = self.sheet_json(sheet, user, owner, metadata)
            if with_grid:
                rows, cols = grid.size(sheet)
                calc = self.calc(doc)
                body["data"] = [
                    calc.grid_data(b, metadata) for b in mine or [Box(sheet, 0, rows, 0, cols)]
                ]
            rendered.append(body)
        out["sheets"] = rendered
        if doc.get("namedRanges"):
            out["namedRanges"] = [_named_json(n) for n in doc["namedRanges"]]
        top = [m for m in metadata if (m.get("location") or {}).get("spreadsheet")]
        if top:
            out["developerMetadata"] = copy.deepcopy(top)
        out["spreadsheetUrl"] = URL.format(doc["spreadsheetId"])
        return out

    def copy_sheet(self, txn: Transaction, source: Doc, destination: Doc, user: str) -> Doc:
        """``sheets.copyTo``: a copy of ``source`` appended to ``destination``."""
        title = f"Copy of {grid.title(source)}"
        number = 2
        while locate.sheet_by_title(destination, title) is not None:
            title, number = f"Copy of {grid.title(source)} {number}", number + 1
        props = copy.deepcopy(source["properties"])
        for key in ("sheetId", "index"):
            props.pop(key, None)
        props["title"] = title
        sheet = build.add_sheet(destination, {"properties": props}, None, user)
        sheet["rows"] = copy.deepcopy(source["rows"])
        for key in ("rowMeta", "colMeta"):
            sheet[key] = copy.deepcopy(source.get(key) or {})
        for merge in source.get("merges") or []:
            sheet.setdefault("merges", []).append({**merge, "sheetId": grid.sheet_id(sheet)})
        self.changed(txn, destination, user)
        return sheet

    def sheet_json(self, sheet: Doc, user: str, owner: str, metadata: list[Doc]) -> Doc:
        out: Doc = {"properties": prune(copy.deepcopy(sheet["properties"]))}
        for member in SHEET_MEMBERS:
            value = sheet.get(member)
            if member == "developerMetadata":
                value = [
                    m
                    for m in metadata
                    if (m.get("location") or {}).get("sheetId") == grid.sheet_id(sheet)
                ]
            if value:
                out[member] = _member_json(member, value, user, owner)
        return out

    def wants_grid(self, mask: Mask | None) -> bool:
        """Does a ``fields`` mask select grid data (``sheets.data…``)?"""
        if mask is None:
            return True
        sub = mask.get("sheets", {}) if "sheets" in mask else {}
        return sub is None or "data" in sub or "*" in sub


def _check_cell_count(doc: Doc) -> None:
    try:
        limits.check_cell_count(doc)
    except grid.RequestError as failure:
        raise sheets_error(400, str(failure)) from None


def _default_sheet(sheet_id: int, title: str, index: int) -> Doc:
    return grid.new_sheet(
        {
            "sheetId": sheet_id,
            "title": title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": grid.DEFAULT_ROWS, "columnCount": grid.DEFAULT_COLUMNS},
        }
    )


def prune(value: Any, key: str = "") -> Any:
    """Drop what proto3 JSON leaves out: false, zero (bar ids and sizes), empty strings."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = prune(v, k)
            if (
                v is None
                or v is False
                or v == ""
                or (v == 0 and not isinstance(v, bool) and k not in _KEEP_ZERO)
            ):
                continue
            out[k] = v
        return out
    return value


def _named_json(named: Doc) -> Doc:
    out = {k: v for k, v in named.items() if k != "range"}
    out["range"] = grid.clean_range(named.get("range") or {})
    return out


def _member_json(member: str, value: Any, user: str, owner: str) -> Any:
    value = copy.deepcopy(value)
    if member == "merges":
        return [grid.clean_range(r) for r in value]
    if member == "protectedRanges":
        return [_protected_json(p, user, owner) for p in value]
    if member in ("basicFilter",):
        value["range"] = grid.clean_range(value.get("range") or {})
        return value
    if member in ("filterViews", "bandedRanges"):
        for item in value:
            if "range" in item:
                item["range"] = grid.clean_range(item["range"])
        return value
    if member == "conditionalFormats":
        for rule in value:
            rule["ranges"] = [grid.clean_range(r) for r in rule.get("ranges", [])]
        return value
    if member in ("rowGroups", "columnGroups"):
        for group in value:
            group["range"] = {k: v for k, v in group["range"].items() if k != "sheetId"}
        return value
    return value


def _protected_json(protected: Doc, user: str, owner: str) -> Doc:
    out = {k: v for k, v in protected.items() if v not in (None, "", False)}
    if "range" in out:
        out["range"] = grid.clean_range(out["range"])
    out["unprotectedRanges"] = [grid.clean_range(r) for r in out.get("unprotectedRanges", [])]
    if not out["unprotectedRanges"]:
        del out["unprotectedRanges"]
    editors = out.get("editors") or {}
    out["requestingUserCanEdit"] = can_edit_protected(protected, user, owner)
    out["editors"] = {k: v for k, v in editors.items() if v}
    return out


def can_edit_protected(protected: Doc, user: str, owner: str) -> bool:
    """Owners, listed editors and anyone on a warning-only range may edit it."""
    if protected.get("warningOnly") or user == owner:
        return True
    editors = protected.get("editors") or {}
    users = [str(u).lower() for u in editors.get("users", [])]
    return user in users or bool(editors.get("domainUsersCanEdit"))
