"""The ``tst-sheets`` command line: the typer app, its commands and their rich renderers."""

from tst_sheets.cli import jobs, local, year
from tst_sheets.cli.app import app

__all__ = ["app", "jobs", "local", "year"]
