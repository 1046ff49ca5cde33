"""LaTeX output compiles: the real check that what a teacher pastes into a document works."""

import subprocess

import pytest

from derive import differentiate
from conftest import pdflatex_path

FUNCTIONS = ["ln(sin(x^3)^2)", "sin(x + x^2)", "x*x^2", "x^x", "|x|", "f(g(x))",
             "\\frac{1}{1+e^{-x}}", "log(x, 2) + arcsec(x)"]




@pytest.mark.parametrize("style", ["graph", "compact"])
def test_standalone_documents_compile(tmp_path, style):
    pdflatex = pdflatex_path()
    for i, text in enumerate(FUNCTIONS):
        tex = differentiate(text).render("latex", standalone=True) if style == "graph" else \
            differentiate(text, style="compact").render("latex", standalone=True)
        source = tmp_path / f"s{i}.tex"
        source.write_text(tex, encoding="utf-8")
        done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", source.name],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{text}:\n{done.stdout[-2000:]}"
        assert (tmp_path / f"s{i}.pdf").exists()


def test_fragment_has_no_document_preamble():
    tex = differentiate("x^2").render("latex")
    assert "\\documentclass" not in tex and "\\begin{document}" not in tex
    assert "Checked" in tex


def test_single_solution_as_pdf(tmp_path, capsys):
    pdflatex_path()
    from derive.cli.main import run
    target = tmp_path / "solution.pdf"
    assert run(["ln(sin(x^3)^2)", "--format", "pdf", "-o", str(target)]) == 0
    assert target.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["solution.pdf"]


def test_pdf_needs_an_output_file(capsys):
    from derive.cli.main import run
    assert run(["x^2", "--format", "pdf"]) == 2
    assert "-o FILE.pdf" in capsys.readouterr().err
