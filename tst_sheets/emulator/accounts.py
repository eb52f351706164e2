"""Who a caller is, as every API of the emulator sees it."""

from __future__ import annotations


def is_service_account(email: str) -> bool:
    """Google's service-account addresses (``…@project.iam.gserviceaccount.com``, and the
    App Engine and Compute defaults ``…@appspot`` / ``…@developer.gserviceaccount.com``)."""
    return email.lower().rpartition("@")[2].endswith("gserviceaccount.com")
