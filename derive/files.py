"""The files derive writes: every output, picture and PDF goes through ``write_bytes``, so
each is written whole or not at all and gets the mode of an ordinary new file
(``0o666 & ~umask``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

def current_umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes(data: bytes, path: str | os.PathLike) -> None:
    """Write ``data`` to ``path`` atomically — a temporary file beside it, then a rename —
    with the mode an ordinary new file gets, not mkstemp's 0600."""
    target = Path(path)
    if not target.parent.is_dir():
        raise OSError(2, "no such directory", str(target.parent))
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(text: str, path: str | os.PathLike) -> None:
    """Write ``text`` (UTF-8) to ``path`` as ``write_bytes`` does."""
    write_bytes(text.encode("utf-8"), path)
