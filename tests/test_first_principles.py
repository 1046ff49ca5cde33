"""Derivatives from first principles (``derive EXPR --style limit``): every judged function
worked to SymPy's derivative, every printed line a true equality, each line equal to the one
before it for h ≠ 0 (checked here independently, with SymPy at points), the limit SymPy's
limit, and functions with no elementary derivation refused in one line."""

from __future__ import annotations

import json
import subprocess

import pytest
import sympy as sp

from conftest import pdflatex_path
from derive.api import first_principles
from derive.cli.main import run
from derive.errors import InputError
from derive.present import readback
from derive.present.first_principles import document
from derive.present.results import render as rendered
from test_markdown_render import invalid_markdown, read

x, a, b = sp.symbols("x a b", real=True)

JUDGED = {
    "5": sp.Integer(5),
    "x": x,
    "x^2": x**2,
    "x^3": x**3,
    "1/x": 1 / x,
    "sqrt(x)": sp.sqrt(x),
    "sin(x)": sp.sin(x),
    "cos(x)": sp.cos(x),
    "e^x": sp.exp(x),
    "3x^2 - 5x + 2": 3 * x**2 - 5 * x + 2,
    "x^2 + 3x": x**2 + 3 * x,
}
MORE = {
    "1/x^2": x**-2,
    "(x + 1)/(x - 1)": (x + 1) / (x - 1),
    "3/(2x + 1)": 3 / (2 * x + 1),
    "3 sqrt(2x + 1)": 3 * sp.sqrt(2 * x + 1),
    "-2 sin(x)": -2 * sp.sin(x),
    "4 cos(x)": 4 * sp.cos(x),
    "2e^x": 2 * sp.exp(x),
    "sin(2x)": sp.sin(2 * x),
    "3cos(2x + 1)": 3 * sp.cos(2 * x + 1),
    "sin(x/2)": sp.sin(x / 2),
    "e^(2x)": sp.exp(2 * x),
    "5e^(-x)": 5 * sp.exp(-x),
    "x^2 + sin(x)": x**2 + sp.sin(x),
    "3x^2 - 2cos(x) + 5": 3 * x**2 - 2 * sp.cos(x) + 5,
    "e^x + sqrt(x)": sp.exp(x) + sp.sqrt(x),
}
# x and h values where every function above is defined (h ≠ 0, both signs, near 0 too)
POINTS = [(sp.Rational(7, 5), sp.Rational(1, 3)), (sp.Rational(13, 4), sp.Rational(-1, 7)),
          (sp.Rational(5, 2), sp.Rational(1, 1000))]


def _value(e, x_value, h_value, h):
    return sp.N(e.doit().subs({x: x_value, h: h_value}), 30)


@pytest.mark.parametrize("text", [*JUDGED, *MORE])
def test_the_limit_is_sympys_derivative(text):
    f = {**JUDGED, **MORE}[text]
    worked = first_principles(text)
    assert worked.verified
    assert sp.simplify(worked.result - sp.diff(f, x)) == 0


@pytest.mark.parametrize("text", [*JUDGED, *MORE])
def test_each_line_equals_the_one_before_it(text):
    """Independently of derive's own checks: the difference quotient is (f(x + h) − f(x))/h,
    each line under the limit equals the one before at points with h ≠ 0, the first line
    without the limit is SymPy's limit of the last one with it, and later lines equal it."""
    worked = first_principles(text)
    f = {**JUDGED, **MORE}[text]
    _lines_hold(f, worked)
    for part in worked.parts:
        _lines_hold(part.function.doit(), part)


def _lines_hold(f, worked):
    h = worked.step
    quotient = (f.subs(x, x + h) - f) / h
    lines = worked.lines
    for x_value, h_value in POINTS:
        assert abs(_value(lines[0].value, x_value, h_value, h)
                   - _value(quotient, x_value, h_value, h)) < 1e-20
    for before, line in zip(lines, lines[1:]):
        if line.under_limit:
            for x_value, h_value in POINTS:
                assert abs(_value(line.value, x_value, h_value, h)
                           - _value(before.value, x_value, h_value, h)) < 1e-20, line.reason
        elif before.under_limit:
            assert sp.simplify(line.value.doit() - sp.limit(before.value.doit(), h, 0)) == 0
        else:
            assert sp.simplify(line.value.doit() - before.value.doit()) == 0
    assert not lines[-1].value.has(h)


@pytest.mark.parametrize("text", [*JUDGED, *MORE])
@pytest.mark.parametrize("fmt", ["text", "latex", "markdown"])
def test_every_printed_formula_reads_back_as_the_checked_one(text, fmt):
    found: list = []
    with readback.reading(found):
        document(first_principles(text), fmt)
    assert found == []


def test_the_quadratic_is_worked_as_a_textbook_does(capsys):
    assert run(["x^2 + 3x", "--style", "limit"]) == 0
    out = capsys.readouterr().out
    lines = [line.split("    (")[0].strip() for line in out.splitlines()]
    assert "f(x + h) = (x + h)² + 3(x + h)" in lines
    assert "f′(x) = lim h→0 (f(x + h) - f(x))/h" in lines
    assert "= lim h→0 ((x + h)² + 3(x + h) - (x² + 3x))/h" in lines
    assert "= lim h→0 (2x + h + 3)" in lines
    assert "so f′(x) = 2x + 3" in out


@pytest.mark.parametrize("text, named", [
    ("sin(x)", ["addition formula", "lim h→0 sin(h)/h = 1", "lim h→0 (cos(h) - 1)/h = 0"]),
    ("cos(x)", ["cos(x + h) = cos(x) cos(h) - sin(x) sin(h)", "lim h→0 sin(h)/h = 1"]),
    ("e^x", ["e^(x + h) = eˣ eʰ", "lim h→0 (eʰ - 1)/h = 1"]),
    ("sin(2x)", ["sin(2x + 2h) = sin(2x) cos(2h) + cos(2x) sin(2h)",
                 "multiply above and below by 2", "lim h→0 sin(2h)/(2h) = 1"]),
    ("sqrt(x)", ["conjugate √(x + h) + √x"]),
    ("1/x", ["common denominator"]),
])
def test_each_method_names_what_it_uses(text, named):
    out = document(first_principles(text), "text")
    for words in named:
        assert words in out


def test_a_sum_is_worked_part_by_part(capsys):
    assert run(["x^2 + sin(x)", "--style", "limit"]) == 0
    out = capsys.readouterr().out
    assert ("= lim h→0 ((x + h)² - x²)/h + lim h→0 (sin(x + h) - sin(x))/h" in
            [line.split("    (")[0].strip() for line in out.splitlines()])
    assert "lim h→0 sin(h)/h = 1" in out and "so f′(x) = 2x + cos(x)" in out


def test_a_polynomial_of_too_high_a_degree_is_refused(capsys):
    assert run(["x^9", "--style", "limit"]) == 2
    assert "degree 9" in capsys.readouterr().err


def test_coefficients_may_be_letters():
    worked = first_principles("a x^3 + b x", "x")
    assert sp.simplify(worked.result - (3 * a * x**2 + b)) == 0


@pytest.mark.parametrize("text", ["tan(x^2)", "x^x", "ln(x)", "x^2 + tan(x)",
                                  "sin(x^2)", "e^(x^2)", "1/sqrt(x)"])
def test_no_fake_derivation(text, capsys):
    with pytest.raises(InputError):
        first_principles(text)
    assert run([text, "--style", "limit"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--style limit" in err


def test_options_it_does_not_use_are_refused(capsys):
    assert run(["x^2", "--style", "limit", "--order", "2"]) == 2
    assert "--order does not go with --style limit" in capsys.readouterr().err


def test_json_gives_the_derivative_and_the_lines(capsys):
    assert run(["3x^2 - 5x + 2", "--style", "limit", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verified"] and data["style"] == "limit"
    assert sp.sympify(data["result"]) == sp.diff(3 * sp.Symbol("x")**2 - 5 * sp.Symbol("x")
                                                 + 2, sp.Symbol("x"))
    assert [s["reason"] for s in data["steps"]][-1] == "let-h-to-0"
    assert all(s["expression"] for s in data["steps"])


def test_markdown_renders_with_katex():
    readings = [read(text, rendered(first_principles(text), "markdown"))
                for text in [*JUDGED, *MORE]]
    problems = invalid_markdown(readings)
    assert not problems, "\n".join(problems)


def test_latex_compiles(tmp_path):
    pdflatex = pdflatex_path()
    for i, text in enumerate(["x^2 + 3x", "1/x", "sqrt(x)", "sin(x)", "e^x",
                              "3 sqrt(2x + 1)"]):
        source = tmp_path / f"fp{i}.tex"
        source.write_text(rendered(first_principles(text), "latex", standalone=True),
                          encoding="utf-8")
        done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error",
                               source.name], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, f"{text}:\n{done.stdout[-2000:]}"
