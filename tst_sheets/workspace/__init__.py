"""The gateway: the only code of tst_sheets that talks to Google.

``connect(settings)`` builds the clients of a target (Google, or the local emulator) with
their credentials, retries and call counting; ``Workspace.sheets``, ``.drive``, ``.calendar``,
``.gmail`` (as the sender) and ``.tasks`` (Cloud Tasks) offer one method per REST call and
raise only the project's ``GoogleError``; ``once`` sends what must apply at most once.
"""

from tst_sheets.workspace.clients import Workspace, connect
from tst_sheets.workspace.counting import CallCounter, add_calls
from tst_sheets.workspace.once import once

__all__ = ["CallCounter", "Workspace", "add_calls", "connect", "once"]
