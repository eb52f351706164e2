"""How the service compares what people type: one normaliser for headers, choices and names."""

from __future__ import annotations

import re

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize(text: object) -> str:
    """Case, spacing and punctuation ignored; "&" and "+" read as "and".

    ``"Data Source, Baseline & Target"`` → ``"datasourcebaselineandtarget"``.
    """
    lowered = str(text).lower().replace("&", " and ").replace("+", " and ")
    return _NOT_ALNUM.sub("", lowered)
