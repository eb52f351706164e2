"""The record of whom the service granted access, kept in the file's own appProperties.

Drive limits one property's key and value to 124 bytes, so the emails are grouped by domain
and spread over ``tstShared0``, ``tstShared1``, …
"""

from __future__ import annotations

from collections.abc import Mapping

GRANT_PREFIX = "tstShared"
PROPERTY_BYTES = 124  # Drive's limit for one appProperty's key + value


def decode_granted(props: Mapping[str, str]) -> set[str]:
    """``tstShared0..N`` -> emails (grouped by domain: ``dom:a,b;dom2:c``)."""
    return decode_emails(props, GRANT_PREFIX)


def encode_granted(emails: set[str]) -> dict[str, str]:
    return encode_emails(emails, GRANT_PREFIX)


def decode_emails(props: Mapping[str, str], prefix: str) -> set[str]:
    """``<prefix>0..N`` -> emails (grouped by domain: ``dom:a,b;dom2:c``)."""
    keys = sorted(
        (k for k in props if k.startswith(prefix) and k[len(prefix) :].isdigit()),
        key=lambda k: int(k[len(prefix) :]),
    )
    text = "".join(props[k] for k in keys)
    out: set[str] = set()
    for group in filter(None, text.split(";")):
        domain, _, users = group.partition(":")
        out |= {f"{user}@{domain}" for user in users.split(",") if user}
    return out


def encode_emails(emails: set[str], prefix: str) -> dict[str, str]:
    """Emails grouped by domain, spread over ``<prefix>0``, ``<prefix>1``, …"""
    by_domain: dict[str, list[str]] = {}
    for email in sorted(emails):
        user, _, domain = email.rpartition("@")
        by_domain.setdefault(domain, []).append(user)
    text = ";".join(f"{d}:{','.join(users)}" for d, users in sorted(by_domain.items()))
    out: dict[str, str] = {}
    while text:
        key = f"{prefix}{len(out)}"
        room = PROPERTY_BYTES - len(key.encode())
        cut = room
        while len(text[:cut].encode()) > room:
            cut -= 1
        out[key], text = text[:cut], text[cut:]
    return out


def granted_changes(props: Mapping[str, str], emails: set[str]) -> dict[str, str | None]:
    """The appProperties to write so the record says ``emails`` ({} when it already does)."""
    if decode_granted(props) == emails:
        return {}
    new = encode_granted(emails)
    stale = {k: None for k in props if k.startswith(GRANT_PREFIX) and k not in new}
    changed = {k: v for k, v in new.items() if props.get(k) != v}
    return {**changed, **stale}
