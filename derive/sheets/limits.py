"""How large a sheet may be: the bounds the command line states in its options and the sheet
maker enforces (kept apart so that `derive sheet --help` does not load the sheet maker)."""

MAX_COUNT = 200     # problems on one sheet
MAX_VARIANTS = 26   # variants of one sheet (A to Z)
