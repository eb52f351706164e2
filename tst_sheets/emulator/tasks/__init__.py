"""Cloud Tasks v2: queues, and HTTP tasks recorded (never dispatched: a test delivers them)."""

from tst_sheets.emulator.tasks.handlers import routes
from tst_sheets.emulator.tasks.models import TasksBackend, view

__all__ = ["TasksBackend", "routes", "view"]
