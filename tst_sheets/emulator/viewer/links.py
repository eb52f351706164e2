"""Links in cells: into another emulated spreadsheet they open in the viewer; others as-is.

Only ``http``, ``https`` and ``mailto`` links are ever made clickable, so a
``=HYPERLINK("javascript:…")`` typed into a team sheet stays text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, quote, urlencode

from tst_sheets.emulator.viewer.grid import LinkRewriter, column_letter, parse_a1

_SHEET_URL = re.compile(
    r"^https://docs\.google\.com/spreadsheets/d/(?P<id>[A-Za-z0-9_-]+)"
    r"(?:/[^?#]*)?(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?$"
)
_SAFE_EXTERNAL = re.compile(r"^(?:https?://|mailto:)[^\s\x00-\x1f\x7f]+$", re.IGNORECASE)


def spreadsheet_url(
    spreadsheet_id: str,
    *,
    gid: str | None = None,
    cells: str | None = None,
    as_user: str | None = None,
) -> str:
    """The viewer's page of a spreadsheet, at tab ``gid`` with ``cells`` highlighted."""
    params = {k: v for k, v in (("gid", gid), ("range", cells), ("as", as_user)) if v}
    url = f"/view/spreadsheets/{quote(spreadsheet_id, safe='')}"
    if params:
        url += "?" + urlencode(params)
    area = parse_a1(cells) if cells else None
    if area is not None:
        url += f"#cell-{column_letter(area.left)}{area.top + 1}"  # the browser scrolls to it
    return url


def rewriter(exists: Callable[[str], bool], as_user: str | None) -> LinkRewriter:
    """Rewrite links into spreadsheets the emulator holds; keep safe external links."""

    def rewrite(url: str) -> str | None:
        url = url.strip()
        found = _SHEET_URL.match(url)
        if found and exists(found.group("id")):
            params = {
                **_params(found.group("query") or ""),
                **_params(found.group("fragment") or ""),
            }
            return spreadsheet_url(
                found.group("id"),
                gid=params.get("gid"),
                cells=params.get("range"),
                as_user=as_user,
            )
        return url if _SAFE_EXTERNAL.match(url) else None

    return rewrite


def _params(text: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(text).items() if values}
