"""The gateway: the only code of tst_sheets that talks to Google.

``connect(settings)`` builds the clients of a target (Google, or the local emulator) with
their credentials, retries and call counting; ``Workspace.sheets``, ``.drive`` and
``.calendar`` offer one method per REST call and raise only the project's ``GoogleError``.
"""

from tst_sheets.workspace.clients import Workspace, connect
from tst_sheets.workspace.counting import CallCounter, add_calls

__all__ = ["CallCounter", "Workspace", "add_calls", "connect"]
