"""PDF output on a fresh machine: every LaTeX package the templates load is installed by
.ci/run (found with ``kpsewhich``, its Debian package asked of ``dpkg -S``), and a package
that is missing is named in a one-line error with the way to install it.

Optional packages (loaded inside ``\\IfFileExists``, like lmodern) are installed by CI as well,
so that the documents are compiled there with the look they are meant to have.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Optional

import pytest

from derive.cli.main import run
from derive.present.pdf import DEBIAN_PACKAGES, install_advice, missing_file
from derive.present.pictures import LATEX_PACKAGES

REPO = Path(__file__).resolve().parent.parent
CI_SCRIPT = REPO / ".ci" / "run"
TEMPLATES = REPO / "templates"
JINJA_COMMENT = re.compile(r"\(\(=.*?=\)\)", re.S)
# \usepackage[options]{a,b} and \RequirePackage: .sty files; \documentclass: a .cls file.
LOADS = re.compile(r"\\(usepackage|RequirePackage|documentclass)\s*(?:\[[^\]]*\])?\s*\{([^}]*)\}")
SUFFIXES = {"usepackage": ".sty", "RequirePackage": ".sty", "documentclass": ".cls"}


def template_tex_files() -> set[str]:
    """Every .sty and .cls file the templates (outside their comments) and the pictures'
    preamble load."""
    files = {f"{name}.sty" for name in LATEX_PACKAGES}
    for template in TEMPLATES.rglob("*.j2"):
        text = JINJA_COMMENT.sub("", template.read_text(encoding="utf-8"))
        for command, names in LOADS.findall(text):
            files.update(name.strip() + SUFFIXES[command] for name in names.split(",")
                         if name.strip())
    return files


def ci_apt_packages(script: str) -> set[str]:
    """The packages the ``apt-get install`` commands of a shell script install."""
    joined = script.replace("\\\n", " ")
    packages = set()
    for command in re.findall(r"apt-get install\b([^\n;&|>]*)", joined):
        packages.update(word for word in command.split() if not word.startswith("-"))
    return packages


def ci_checked_files(script: str) -> set[str]:
    """The LaTeX files (.sty, .cls) a shell script names, i.e. those its check looks for."""
    return set(re.findall(r"[\w-]+\.(?:sty|cls)\b", script))


def _tool(name: str) -> None:
    """Skip where ``name`` is not installed (not Debian, or no TeX Live); fail on CI, which is
    Debian and where .ci/run installs TeX Live."""
    if shutil.which(name) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing on CI, which runs on Debian with TeX Live")
        pytest.skip(f"{name} is not installed here: this test needs Debian's dpkg and TeX Live")


def kpsewhich(name: str) -> Optional[str]:
    """Where TeX finds the file ``name``, or None when it is not installed."""
    done = subprocess.run(["kpsewhich", name], capture_output=True, text=True, timeout=60)
    return done.stdout.strip() or None


def dpkg_owner(path: str) -> set[str]:
    """The Debian packages that install ``path`` (``dpkg -S``; empty when none does)."""
    done = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True,
                          text=True, timeout=60)
    owners = set()
    for line in done.stdout.splitlines():
        owners.update(p.strip().split(":")[0] for p in line.split(": ", 1)[0].split(","))
    return owners


def test_the_templates_load_packages_this_file_can_see():
    files = template_tex_files()
    assert {"article.cls", "amsmath.sty", "tikz.sty", "pgfplots.sty", "lmodern.sty"} <= files
    assert not any("(" in name or "%" in name for name in files), files


def test_ci_installs_the_debian_package_of_every_latex_file_the_templates_load():
    _tool("kpsewhich")
    _tool("dpkg")
    installed = ci_apt_packages(CI_SCRIPT.read_text(encoding="utf-8"))
    assert "latexmk" in installed and "texlive-latex-base" in installed, installed
    not_installed = {}
    for name in sorted(template_tex_files()):
        path = kpsewhich(name)
        # a file not installed here: its package as derive's install advice names it
        owners = dpkg_owner(path) if path else {DEBIAN_PACKAGES.get(name, f"(unknown: {name})")}
        assert owners, f"{path} belongs to no Debian package"
        if not owners & installed:
            not_installed[name] = sorted(owners)
    assert not not_installed, f".ci/run does not install {not_installed}"


def test_ci_installs_tex_unless_every_file_the_templates_load_is_there():
    checked = ci_checked_files(CI_SCRIPT.read_text(encoding="utf-8"))
    assert template_tex_files() <= checked, sorted(template_tex_files() - checked)


def test_the_install_advice_knows_every_file_and_names_the_package_dpkg_names():
    _tool("kpsewhich")
    _tool("dpkg")
    files = template_tex_files()
    assert files <= set(DEBIAN_PACKAGES), sorted(files - set(DEBIAN_PACKAGES))
    for name in sorted(files):
        path = kpsewhich(name)
        if path:
            assert DEBIAN_PACKAGES[name] in dpkg_owner(path), (name, dpkg_owner(path))


def test_a_missing_package_is_read_from_the_log_with_its_debian_package():
    log = ("(/usr/share/texlive/texmf-dist/tex/latex/base/fontenc.sty)\n"
           "./document.tex:4: LaTeX Error: File `lmodern.sty' not found.\n\n"
           "Type X to quit or <RETURN> to proceed,\n")
    assert missing_file(log) == "lmodern.sty"
    assert install_advice("lmodern.sty") == ("the LaTeX package lmodern.sty is not installed; "
                                             "on Debian or Ubuntu: apt install lmodern")
    assert missing_file("! Undefined control sequence.\nl.3 \\nosuchcommand\n") is None


def test_an_unknown_missing_package_says_where_to_look():
    advice = install_advice("nosuchpackage.sty")
    assert advice.startswith("the LaTeX package nosuchpackage.sty is not installed; ")
    assert "texlive-latex-extra" in advice and "apt-file search nosuchpackage.sty" in advice
    assert install_advice("nosuchclass.cls").startswith("the LaTeX class nosuchclass.cls ")


def _error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("derive: error: "), err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()[len("derive: error: "):]


def _document_needing_a_missing_package(directory: Path, template: str) -> str:
    own = directory / "style" / "latex"
    own.mkdir(parents=True)
    (own / template).write_text(
        "\\documentclass{article}\n\\usepackage{nosuchpackage}\n\\begin{document}\n"
        "((( body )))\n\\end{document}\n", encoding="utf-8")
    return str(directory / "style")


@pytest.mark.parametrize("template, command", [
    ("sheet-document.j2", ["sheet", "power-rule", "--count", "1", "--seed", "1"]),
    ("document.j2", ["x^2"]),
])
def test_a_pdf_needing_a_missing_package_names_it_in_one_line(tmp_path, capsys, template,
                                                              command):
    _tool("latexmk")
    _tool("pdflatex")
    templates = _document_needing_a_missing_package(tmp_path, template)
    target = tmp_path / "out.pdf"
    code = run(command + ["--format", "pdf", "--templates", templates, "-o", str(target)])
    message = _error(capsys)
    assert code == 2, message
    assert message.startswith("the LaTeX package nosuchpackage.sty is not installed; ")
    assert "apt-file search nosuchpackage.sty" in message
    assert "Emergency stop" not in message
    assert str(tmp_path / "out.tex") in message and not target.exists()
