"""What the deploy guide asks of a Workspace admin, scripted for the local emulator: a shared
drive for the program, made by a staff admin, with the service account as Content manager.

On Google an admin does this once in Drive (New → Shared drive → Manage members); locally the
emulator command, the demo and the tests do it over the API, as that admin.
"""

from __future__ import annotations

from tst_sheets.config import Settings
from tst_sheets.demo.sample import sample_program
from tst_sheets.workspace import connect

DRIVE_NAME = "TST Program"
CONTENT_MANAGER = "fileOrganizer"  # Drive's role for "Content manager"


def program_admin() -> str:
    """The staff user who administers the sample program (its first staff email)."""
    return sample_program().staff_emails[0]


def prepare_program_drive(settings: Settings, admin: str, name: str = DRIVE_NAME) -> str:
    """The program's shared drive (found by name, else made), the service a Content manager
    of it; its id, for ``TST_DRIVE_FOLDER``."""
    ws = connect(settings, identity=admin)
    drive = next((d for d in ws.drive.list_drives() if d.name == name), None)
    if drive is None:
        drive = ws.drive.create_drive(name, request_id=f"tst-program-drive-{name}")
    members = ws.drive.list_permissions(drive.id)
    service = settings.identity.lower()
    if not any(p.email == service and p.at_least(CONTENT_MANAGER) for p in members):
        ws.drive.create_permission(drive.id, service, CONTENT_MANAGER, notify=False)
    return drive.id
