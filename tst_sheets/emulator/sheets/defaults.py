"""What Google puts in a new spreadsheet: default cell format, theme, locale and time zone."""

from __future__ import annotations

import copy
from typing import Any

LOCALE = "en_US"
TIME_ZONE = "Etc/GMT"
AUTO_RECALC = "ON_CHANGE"

_WHITE = {"red": 1, "green": 1, "blue": 1}

DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": dict(_WHITE),
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": dict(_WHITE)},
}


def _theme_color(kind: str, red: float = 0, green: float = 0, blue: float = 0) -> dict[str, Any]:
    rgb = {k: v for k, v in (("red", red), ("green", green), ("blue", blue)) if v}
    return {"colorType": kind, "color": {"rgbColor": rgb}}


THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        _theme_color("TEXT"),
        _theme_color("BACKGROUND", 1, 1, 1),
        _theme_color("ACCENT1", 0.25882354, 0.52156866, 0.95686275),
        _theme_color("ACCENT2", 0.91764706, 0.2627451, 0.20784314),
        _theme_color("ACCENT3", 0.9843137, 0.7372549, 0.015686275),
        _theme_color("ACCENT4", 0.20392157, 0.65882355, 0.3254902),
        _theme_color("ACCENT5", 1, 0.42745098, 0.003921569),
        _theme_color("ACCENT6", 0.27450982, 0.7411765, 0.7764706),
        _theme_color("LINK", 0.06666667, 0.33333334, 0.8),
    ],
}


def spreadsheet_properties(title: str, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """``SpreadsheetProperties`` of a new spreadsheet; ``given`` overrides the defaults."""
    props: dict[str, Any] = {
        "title": title,
        "locale": LOCALE,
        "autoRecalc": AUTO_RECALC,
        "timeZone": TIME_ZONE,
        "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
        "spreadsheetTheme": copy.deepcopy(THEME),
    }
    for key, value in (given or {}).items():
        if value is not None and key != "title":
            props[key] = copy.deepcopy(value)
    return props
