"""The emulator's pure pieces: A1 notation, value parsing/rendering, formulas."""

from __future__ import annotations

from datetime import datetime

import pytest

from tst_sheets.emulator import a1, formula_refs, formulas, values
from tst_sheets.emulator.values import CellError, Scalar


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'O''Brien''s'!A1:B2", ("O'Brien's", 0, 2, 0, 2)),
        ("A:C", (None, 0, None, 0, 3)),
        ("A2:C", (None, 1, None, 0, 3)),
        ("2:5", (None, 1, 5, 0, None)),
        ("D4:A1", (None, 0, 4, 0, 4)),
        ("Sheet1!$B$2", ("Sheet1", 1, 2, 1, 2)),
    ],
)
def test_a1_ranges(text: str, expected: tuple[object, ...]) -> None:
    parsed = a1.parse(text)
    got = (parsed.sheet, parsed.start_row, parsed.end_row, parsed.start_col, parsed.end_col)
    assert got == expected


def test_a1_names_and_quoting() -> None:
    assert a1.parse("Sheet1").whole_sheet and a1.parse("Totals").named == "Totals"
    assert a1.parse("'Sheet1'!Totals").named == "Totals"
    assert [a1.quote_sheet(t) for t in ("Sheet1", "D3", "My tab", "It's")] == [
        "Sheet1",
        "'D3'",
        "'My tab'",
        "'It''s'",
    ]
    assert a1.format_range("Sheet1", 0, 1000, 0, 26) == "Sheet1!A1:Z1000"
    assert (a1.column_letters(701), a1.column_index("ZZ")) == ("ZZ", 701)


@pytest.mark.parametrize(
    ("typed", "value", "pattern"),
    [
        ("9/14/2026", 46279, "M/d/yyyy"),
        ("2020-01-01", 43831, "yyyy-mm-dd"),
        ("12.5%", 0.125, "0.00%"),
        ("$1,234.5", 1234.5, '"$"#,##0.00'),
        ("2,000,000.01", 2000000.01, "#,##0.00"),
        ("0042", 42, None),
    ],
)
def test_user_entered_numbers(typed: str, value: float, pattern: str | None) -> None:
    entered = values.parse_user_entered(typed)
    assert entered.value == {"numberValue": value}
    assert (entered.number_format or {}).get("pattern") == pattern


def test_rendering_matches_sheets() -> None:
    assert values.general(1 / 1024) == "0.0009765625"
    assert values.general(1 / 3) == "0.3333333333"
    assert values.format_number(2000000.01, "#,##0.00") == "2,000,000.01"
    assert values.format_number(46279.4375, "M/d/yyyy H:mm:ss") == "9/14/2026 10:30:00"
    assert values.format_number(0.604166667, "h:mm am/pm") == "2:30 PM"
    assert values.normalise_color({"red": 1, "green": 0, "blue": 0.5}) == {
        "red": 1,
        "blue": 0.49803922,
    }


class _Grid:
    """A tiny formula context: A1=1, A2=2, B1="abc"; other sheets hold 5 everywhere."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], Scalar] = {(0, 0): 1.0, (1, 0): 2.0, (0, 1): "abc"}

    def cell(self, sheet: str | None, row: int, col: int) -> Scalar:
        return self.cells.get((row, col)) if sheet is None else 5.0

    def area(
        self, sheet: str | None, r0: int, r1: int | None, c0: int, c1: int | None
    ) -> list[list[Scalar]]:
        return [[self.cell(sheet, r, c) for c in range(c0, c1 or 2)] for r in range(r0, r1 or 3)]

    def named(self, name: str) -> tuple[str, int, int | None, int, int | None] | None:
        return None

    def now(self) -> datetime:
        return datetime(2026, 11, 23, 12, 0)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=SUM(A1:A2)*2", 6.0),
        ("=2^3^2", 64.0),
        ("=-2^2", 4.0),
        ('=A1&"-"&B1', "1-abc"),
        ('=IF(COUNTIF(A1:A3,">1")=1,"one","many")', "one"),
        ("='Other tab'!C9+1", 6.0),
        ('=IFERROR(1/0,"none")', "none"),
        ("=PROPER(B1)", "Abc"),  # from the ``formulas`` package's library
    ],
)
def test_formulas_evaluate(formula: str, expected: Scalar) -> None:
    assert formulas.evaluate(formula, _Grid()).value == expected


def test_formula_errors_are_googles() -> None:
    assert formulas.evaluate("=nope(1)", _Grid()).value == CellError(
        "NAME", "Unknown function: 'nope'."
    )
    divide = formulas.evaluate("=A1/0", _Grid()).value
    assert isinstance(divide, CellError) and divide.code == "#DIV/0!"
    assert formulas.evaluate("=1+", _Grid()).value == CellError("ERROR", "Formula parse error.")


def test_references_move_with_rows_and_pastes() -> None:
    def down_two(sheet: str | None, node: formulas.Node) -> formulas.Node | None:
        kind, name, r0, r1, c0, c1, single = node
        return (kind, name, r0 + 2, None if r1 is None else r1 + 2, c0, c1, single)

    assert formula_refs.shift('=SUM(A1:A2)+$B$3+"A1"', down_two) == '=SUM(A3:A4)+$B$5+"A1"'
    assert formula_refs.offset("=A1+$B$1+'My tab'!C2", 1, 1) == "=B2+$B$1+'My tab'!D3"
