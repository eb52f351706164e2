"""Provisioning, pure: a team workbook's content at creation, the roster's create body and
write-backs, and the sharing plan (who may open each workbook, and what to change)."""
