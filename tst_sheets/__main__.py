"""``python -m tst_sheets``: the same as the ``tst-sheets`` command."""

from tst_sheets.cli import app

app()
