"""A private folder for what can be rebuilt but need not be on every run: the parser's LALR
tables and the compiled templates.

The folder is the user's own (``$XDG_CACHE_HOME/derive`` or ``~/.cache/derive``), created
with mode 0700 and used only when it belongs to the user and no one else may write to it —
cached parser tables are pickles, so a folder others can write to would let them run code.
Without such a folder nothing is cached and everything is built afresh.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Optional


@lru_cache(maxsize=1)
def cache_dir() -> Optional[Path]:
    if os.environ.get("DERIVE_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "derive"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None
    if not hasattr(os, "getuid"):
        return folder
    private = info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return folder if private else None
