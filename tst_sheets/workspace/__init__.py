"""The only code of tst_sheets that speaks HTTP: client construction, auth, retries, counting."""

from tst_sheets.workspace.clients import Workspace, connect
from tst_sheets.workspace.counting import CallCounter, add_calls

__all__ = ["CallCounter", "Workspace", "add_calls", "connect"]
