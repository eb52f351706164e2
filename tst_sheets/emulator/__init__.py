"""A local emulator of the parts of Google Sheets v4, Drive v3, Calendar v3, Gmail v1 and Cloud
Tasks v2 the service uses.

Self-contained: nothing here imports the rest of ``tst_sheets``. Each API keeps its state
model (``models.py``) apart from its HTTP handling (``handlers.py``), the way moto does.
"""

from tst_sheets.emulator.app import EmulatorApp
from tst_sheets.emulator.knobs import Knobs
from tst_sheets.emulator.server import RunningEmulator, start_in_thread

__all__ = ["EmulatorApp", "Knobs", "RunningEmulator", "start_in_thread"]
