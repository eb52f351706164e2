"""The demo: the whole program on a fresh local emulator, exactly as production runs it, with a
sample program (``data/sample_program.yaml``) and a season of entries typed the way TLs type."""
