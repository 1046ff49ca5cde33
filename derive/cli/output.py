"""What a command writes, and where: standard output or a file written whole
(``derive.files``), the format a file's suffix names, and the error of a time limit.

Exit codes (each error class carries its own, see ``derive.errors``): 0 done, 1 an internal
error or a wrong answer, 2 bad input or usage, 3 a failed check, 4 a time limit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from derive.core.timing import current_phase
from derive.errors import TimeLimitExceeded
from derive.files import write_text

SUFFIX_FORMATS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".tex": "latex",
                  ".json": "json", ".pdf": "pdf", ".dot": "dot", ".gv": "dot", ".svg": "svg",
                  ".xml": "moodle"}


def format_for(fmt: Optional[str], output: Optional[str], choices, default: str) -> str:
    """The output format: ``fmt`` when given, else the one the suffix of ``output`` names
    (when it is among ``choices``), else ``default``."""
    if fmt:
        return fmt
    named = SUFFIX_FORMATS.get(Path(output).suffix.lower()) if output else None
    return named if named in choices else default


def write_output(text: str, path: str | None) -> None:
    """Print, or write FILE whole or not at all (``derive.files.write_bytes``)."""
    if path is None:
        click.echo(text, nl=False)
    else:
        write_text(text, path)


def too_slow(timeout: float) -> TimeLimitExceeded:
    """The error of a command whose time limit ran out: the limit, and the phase it was in."""
    return TimeLimitExceeded(f"the time limit of {timeout:g} s ran out while {current_phase()} "
                             "(allow more with --timeout)")
