"""Ids shaped like Google's."""

from __future__ import annotations

import secrets


def file_id() -> str:
    """44 URL-safe characters, like a Drive file or spreadsheet id."""
    return secrets.token_urlsafe(33)[:44]


def numeric_id() -> int:
    """A positive 31-bit integer, like a sheetId or protectedRangeId."""
    return secrets.randbelow(2**31 - 2) + 1


def permission_id() -> str:
    """Drive permission ids are long digit strings."""
    return "".join(secrets.choice("0123456789") for _ in range(20))
