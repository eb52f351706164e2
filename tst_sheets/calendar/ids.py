"""Stable ids for what the service puts on calendars, so a re-run or a retry never duplicates."""

from __future__ import annotations

import base64
import hashlib


def event_id(program: str, key: str) -> str:
    """Google's rule: base32hex characters (a-v, 0-9), 5–1024 long. Same inputs, same id."""
    digest = hashlib.sha256(f"{program}\x00{key}".encode()).digest()[:20]
    return base64.b32hexencode(digest).decode().lower().rstrip("=")


def conference_request_id(program: str, key: str) -> str:
    # Derived from the key so a retried create asks Google for the same conference.
    return "tst-" + hashlib.sha256(f"meet\x00{program}\x00{key}".encode()).hexdigest()[:24]
