"""PDF output: a LaTeX document compiled with ``latexmk -pdf`` in a temporary directory.

The PDF is written whole or not at all (a temporary file beside the target, then a rename).
When LaTeX fails, the message names the line of the document it stopped at and the LaTeX
source is kept beside the target (``week3.pdf`` → ``week3.tex``) so the line can be looked at.
When LaTeX stops because a package is not installed, the message names the package and the
Debian package that brings it, from a table of the packages the templates load (nothing is
asked of ``dpkg`` at run time).
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

from derive.errors import DeriveError
from derive.files import write_bytes

COMPILE_SECONDS = 300
JOB = "document"

# The Debian package that brings each LaTeX file the templates (and the pictures) load;
# tests/test_tex_packages.py checks it against ``dpkg -S`` and against what .ci/run installs.
DEBIAN_PACKAGES = {
    "article.cls": "texlive-latex-base",
    "inputenc.sty": "texlive-latex-base",
    "fontenc.sty": "texlive-latex-base",
    "amsmath.sty": "texlive-latex-base",
    "geometry.sty": "texlive-latex-base",
    "fancyhdr.sty": "texlive-latex-base",
    "amssymb.sty": "texlive-base",
    "lmodern.sty": "lmodern",
    "tikz.sty": "texlive-pictures",
    "pgfplots.sty": "texlive-pictures",
}
INSTALL_HINT = (f"install TeX Live, e.g. `sudo apt-get install latexmk "
                f"{' '.join(sorted(set(DEBIAN_PACKAGES.values())))}` (Debian/Ubuntu) "
                f"or `brew install --cask mactex` (macOS)")
# What LaTeX calls a file it looks for, by its ending.
FILE_KINDS = {".sty": "package", ".cls": "class"}


class PdfError(DeriveError):
    """No TeX installation, or LaTeX could not compile the document."""

    exit_code = 1


class MissingTexPackage(PdfError):
    """LaTeX stopped because a package (or class) the document loads is not installed."""

    exit_code = 2


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
            raise compile_failure(log_text, _keep_source(tex, target))
        write_bytes(pdf.read_bytes(), target)
    return Compiled(target, pages(log_text))


def pages(log: str) -> Optional[int]:
    """The page count from LaTeX's log: ``Output written on x.pdf (3 pages, …)``."""
    found = re.findall(r"Output written on .*?\((\d+) pages?", log, re.S)
    return int(found[-1]) if found else None


def compile_failure(log: str, kept: Path) -> PdfError:
    """The error for a document LaTeX could not compile: a missing package with the way to
    install it, else the first error of the log; both say where the source is kept."""
    missing = missing_file(log)
    if missing:
        return MissingTexPackage(f"{install_advice(missing)} (the LaTeX source is kept in "
                                 f"{kept})")
    return PdfError(f"LaTeX could not compile the document, {first_error(log)}; "
                    f"the LaTeX source is kept in {kept}")


def missing_file(log: str) -> Optional[str]:
    """The file LaTeX stopped at as not found (``lmodern.sty`` from
    ``LaTeX Error: File `lmodern.sty' not found.``), or None."""
    found = re.search(r"LaTeX Error: File `([^']+)' not found", log)
    return found.group(1) if found else None


def install_advice(name: str) -> str:
    """One line saying that the LaTeX file ``name`` is not installed and how to install it on
    Debian or Ubuntu: its package from ``DEBIAN_PACKAGES``, else where to look for it."""
    kind = FILE_KINDS.get(Path(name).suffix, "file")
    debian = DEBIAN_PACKAGES.get(name)
    if debian:
        how = f"on Debian or Ubuntu: apt install {debian}"
    else:
        how = (f"on Debian or Ubuntu many are in texlive-latex-extra "
               f"(apt install texlive-latex-extra); `apt-file search {name}` names the package")
    return f"the LaTeX {kind} {name} is not installed; {how}"


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
