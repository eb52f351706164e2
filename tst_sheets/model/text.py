"""How the service compares and quotes what people type: one normaliser for headers, choices
and names; one clip for text copied from a person's cell into another place."""

from __future__ import annotations

import re
from functools import lru_cache

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
CELL_LIMIT = 50_000  # Google Sheets: characters in one cell
QUOTED = 300  # a person's text quoted in a finding: readable, the link leads to the rest
SHOWN = 1_000  # a person's text shown in a cell of another workbook
ELLIPSIS = "…"


def clip(text: str, limit: int = QUOTED) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


def normalize(text: object) -> str:
    """Case, spacing and punctuation ignored; "&" and "+" read as "and".

    ``"Data Source, Baseline & Target"`` → ``"datasourcebaselineandtarget"``.
    """
    return _normalized(str(text))


@lru_cache(maxsize=1 << 16)
def _normalized(text: str) -> str:  # headers and choices repeat across every workbook
    lowered = text.lower().replace("&", " and ").replace("+", " and ")
    return _NOT_ALNUM.sub("", lowered)
