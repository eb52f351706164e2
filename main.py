"""Cloud Functions looks for ``main.py`` at the root of ``--source``: the entry points live in
``functions/main.py``; this file only re-exports them, so ``gcloud functions deploy NAME
--source . --entry-point NAME`` finds each one (``requirements.txt`` installs the package)."""

from functions.main import calendar_sync, collect, doctor, notify, provision, rollup

__all__ = ["calendar_sync", "collect", "doctor", "notify", "provision", "rollup"]
