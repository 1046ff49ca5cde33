"""PDF output: a LaTeX document compiled with ``latexmk -pdf`` in a temporary directory.

The PDF is written whole or not at all (a temporary file beside the target, then a rename).
When LaTeX fails, the message names the line of the document it stopped at and the LaTeX
source is kept beside the target (``week3.pdf`` → ``week3.tex``) so the line can be looked at.
Shell escape is off; ``SOURCE_DATE_EPOCH`` is fixed (unless already set) so that the same
document gives the same PDF bytes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .errors import DeriveError

COMPILE_SECONDS = 300
INSTALL_HINT = ("install TeX Live, e.g. `sudo apt-get install latexmk texlive-latex-recommended "
                "texlive-latex-extra` (Debian/Ubuntu) or `brew install --cask mactex` (macOS)")
JOB = "document"


class PdfError(DeriveError):
    """No TeX installation, or LaTeX could not compile the document."""

    exit_code = 1


@dataclass(frozen=True)
class Compiled:
    path: Path
    pages: Optional[int]


def tex_tools() -> Optional[str]:
    """What is missing to make PDFs (None: latexmk and pdflatex are both there)."""
    missing = [tool for tool in ("latexmk", "pdflatex") if shutil.which(tool) is None]
    if not missing:
        return None
    verb = "is" if len(missing) == 1 else "are"
    return f"making a PDF needs {' and '.join(missing)}, which {verb} not installed: {INSTALL_HINT}"


def compile_pdf(tex: str, target: str | os.PathLike) -> Compiled:
    """Compile ``tex`` and write the PDF to ``target``; the page count where LaTeX says it."""
    target = Path(target)
    if not target.parent.is_dir():
        raise OSError(2, "no such directory", str(target.parent))
    missing = tex_tools()
    if missing:
        raise PdfError(missing)
    with tempfile.TemporaryDirectory(prefix="derive-pdf-") as work:
        source = Path(work) / f"{JOB}.tex"
        source.write_text(tex, encoding="utf-8")
        environment = dict(os.environ)
        environment.setdefault("SOURCE_DATE_EPOCH", "0")
        command = ["latexmk", "-norc", "-pdf", "-quiet", "-interaction=nonstopmode"] + [
            f"-latexoption={option}" for option in
            ("-halt-on-error", "-file-line-error", "-no-shell-escape")] + [f"{JOB}.tex"]
        try:
            done = subprocess.run(command, cwd=work, env=environment, capture_output=True,
                                  text=True, errors="replace", timeout=COMPILE_SECONDS,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            kept = _keep_source(tex, target)
            raise PdfError(f"LaTeX did not finish within {COMPILE_SECONDS} s; the LaTeX "
                           f"source is in {kept}") from None
        log = Path(work) / f"{JOB}.log"
        log_text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        pdf = Path(work) / f"{JOB}.pdf"
        if done.returncode != 0 or not pdf.exists():
            kept = _keep_source(tex, target)
            raise PdfError(f"LaTeX could not compile the document, {first_error(log_text)}; "
                           f"the LaTeX source is kept in {kept}")
        write_bytes(pdf.read_bytes(), target)
    return Compiled(target, pages(log_text))


def pages(log: str) -> Optional[int]:
    """The page count from LaTeX's log: ``Output written on x.pdf (3 pages, …)``."""
    found = re.findall(r"Output written on .*?\((\d+) pages?", log, re.S)
    return int(found[-1]) if found else None


def first_error(log: str) -> str:
    """The first error of a LaTeX log as ``line N: message (at: the text of the line)``,
    from ``-file-line-error`` lines or TeX's ``!`` lines with their ``l.N``."""
    found = re.search(rf"^\./{JOB}\.tex:(\d+): (.+)$", log, re.M)
    bang = re.search(r"^! (.+)$", log, re.M)
    if found:
        line, message, rest = found.group(1), found.group(2), log[found.end():]
    elif bang:
        line, message, rest = None, bang.group(1), log[bang.end():]
    else:
        return "no error line found in the LaTeX log"
    context = re.search(r"^l\.(\d+) (.*)$", rest, re.M)
    if context and line is None:
        line = context.group(1)
    text = message.strip().rstrip(".")
    if context and context.group(2).strip():
        shown = context.group(2).strip()
        text += f" (at: {shown if len(shown) <= 60 else '...' + shown[-57:]})"
    return f"line {line}: {text}" if line else text


def _keep_source(tex: str, target: Path) -> Path:
    kept = target.with_suffix(".tex")
    write_bytes(tex.encode("utf-8"), kept)
    return kept


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(data: bytes, path: str | os.PathLike) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file beside it, then a rename."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())     # as an ordinary new file, not mkstemp's 0600
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
