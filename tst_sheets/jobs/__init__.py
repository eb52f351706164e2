"""The jobs: orchestration only. Each reads through the gateway (``tst_sheets.workspace``),
hands the data to the pure packages, and writes what they planned back through the gateway."""
