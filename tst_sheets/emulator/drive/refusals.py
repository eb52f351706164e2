"""Drive's refusals that several models share, in Drive's words (``errors[]`` shape)."""

from __future__ import annotations

from tst_sheets.emulator.errors import ApiError, drive_error


def not_found(file_id: str) -> ApiError:
    return drive_error(404, f"File not found: {file_id}.", "notFound", "fileId")


def insufficient() -> ApiError:
    return drive_error(
        403,
        "The user does not have sufficient permissions for this file.",
        "insufficientFilePermissions",
    )


def storage_quota_exceeded() -> ApiError:
    """What Drive answers a service account creating a file outside a shared drive."""
    return drive_error(
        403,
        "The user's Drive storage quota has been exceeded.",
        "storageQuotaExceeded",
        domain="usageLimits",
    )


def cannot_copy() -> ApiError:
    return drive_error(403, "This file cannot be copied by the user.", "cannotCopyFile")


def sharing_restriction_refused() -> ApiError:
    """``writersCanShare`` is a My Drive setting; shared-drive items refuse it."""
    return drive_error(
        403,
        "Sharing restrictions cannot be set on a shared drive item.",
        "teamDrivesSharingRestrictionNotAllowed",
    )
