"""Cloud Functions entry points (see ``main.py``)."""
