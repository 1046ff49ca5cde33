"""Tests for derive.present.notation: the text and LaTeX a teacher would write for each expression.

Every expected string is written from the conventions in the module docstring, not copied from
the printer's output.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
import sympy as sp
from sympy import (Abs, Add, Derivative, E, Float, Function, Le, Mul, Ne, Pow, Rational, Subs,
                   Symbol, acot, asin, asinh, atan, cbrt, cos, cot, csc, exp, log, oo, pi, sec,
                   sign, sin, sinh, sqrt, symbols)

from derive.functions import LogBase
from derive.read.parsing import parse
from derive.present.notation import (leibniz_latex, leibniz_text, name_latex, name_text, to_latex,
                                     to_text)

x, y, z, u, v, w, n, b = symbols("x y z u v w n b")
theta, u1, x1 = Symbol("theta"), Symbol("u_1"), Symbol("x1")
f, g = symbols("f g", cls=Function)
xi = sp.Dummy("xi")

NONE = "none"  # stored order: keep the order the expression was built in


def U(func, *args):
    """An unevaluated node, as the engine builds them."""
    return func(*args, evaluate=False)


# The chain-rule products of the worked examples.
CHAIN = U(Mul, Pow(w, -1), 2, v, cos(u), 3 * x**2)
CHAIN_LN = U(Mul, Pow(sin(x), -2), 2, sin(x), cos(x), Mul(3, Pow(x, 2)))
# d/dx f(g(x)) in both spellings SymPy uses: Subs (older) and Derivative wrt g(x) (1.14).
F_PRIME_SUBS = Subs(Derivative(f(xi), xi), xi, g(x))
F_PRIME_DERIV = Derivative(f(g(x)), g(x))

TEXT_CASES = [
    # (expression, order, expected)
    (6 * x**2 * cot(x**3), None, "6x² cot(x³)"),
    (log(sin(x**3) ** 2), None, "ln(sin²(x³))"),
    ((2 * x + 1) * cos(x**2 + x), None, "(2x + 1) cos(x² + x)"),
    (U(Add, x, U(Pow, x, 2)), NONE, "x + x²"),
    (U(Add, x, U(Pow, x, 2)), None, "x² + x"),
    (3 * x**2 + 2 * x + 1, None, "3x² + 2x + 1"),
    (exp(-x), None, "e^(-x)"),
    (1 / (1 + exp(-x)), None, "1/(1 + e^(-x))"),
    (sqrt(x), None, "√x"),
    (sqrt(x + 1), None, "√(x + 1)"),
    (cbrt(x), None, "∛x"),
    (x ** Rational(2, 3), None, "x^(2/3)"),
    (x ** Rational(-1, 2), None, "1/√x"),
    (Abs(x), None, "|x|"),
    (1 / x, None, "1/x"),
    (1 / x**2, None, "1/x²"),
    (3 / (2 * x), None, "3/(2x)"),
    (sin(x) / x**2, None, "sin(x)/x²"),
    (1 / (x + 1) ** 2, None, "1/(x + 1)²"),
    (exp(x), None, "eˣ"),
    (exp(2 * x), None, "e²ˣ"),
    (exp(x**2), None, "e^(x²)"),
    (U(Pow, E, x), None, "eˣ"),
    (exp(-2), None, "1/e²"),
    (x**n, None, "xⁿ"),
    (x**x, None, "xˣ"),
    (x**10, None, "x¹⁰"),
    (2 ** (3 * x + 1), None, "2^(3x + 1)"),
    ((x + 1) ** 2, None, "(x + 1)²"),
    (U(Pow, -2, 2), None, "(-2)²"),
    (log(x) ** 2, None, "(ln(x))²"),
    (sin(x) ** 2 * cos(x), None, "sin²(x) cos(x)"),
    (sinh(x) ** 2, None, "sinh²(x)"),
    (sec(x) ** 2, None, "sec²(x)"),
    (atan(x) ** 2, None, "(arctan(x))²"),
    (asin(x), None, "arcsin(x)"),
    (atan(x), None, "arctan(x)"),
    (asinh(x), None, "arsinh(x)"),
    (sign(x), None, "sgn(x)"),
    (pi * x, None, "πx"),
    (oo, None, "∞"),
    (LogBase(x, 2), None, "log₂(x)"),
    (LogBase(x, 10), None, "log₁₀(x)"),
    (LogBase(x, b), None, "log_b(x)"),
    (Ne(x, 0), None, "x ≠ 0"),
    (Le(x, 1), None, "x ≤ 1"),
    (U(Mul, -1, x), NONE, "-x"),
    (U(Add, x, U(Mul, -1, y)), NONE, "x - y"),
    (U(Add, x, U(Mul, -1, U(Add, y, z))), NONE, "x - (y + z)"),
    (U(Mul, U(Mul, -1, x), y), NONE, "-xy"),
    (U(Add, x, U(Mul, 2, U(Mul, -1, y))), NONE, "x - 2y"),
    (CHAIN, NONE, "(1/w)·2v·cos(u)·3x²"),
    (CHAIN_LN, NONE, "(1/sin²(x))·2 sin(x)·cos(x)·3x²"),
    (U(Mul, 2, 3), NONE, "2·3"),
    (U(Mul, x, 2), NONE, "x·2"),
    (U(Mul, x, x), NONE, "x·x"),
    (U(Mul, -1, -1, x), NONE, "x"),
    (U(Mul, cos(u), 2 * x), NONE, "cos(u)·2x"),
    # a typed division a/b is Mul(a, Pow(b, -1)): it prints as a fraction
    (U(Mul, x, U(Pow, 7, -1)), NONE, "x/7"),
    (U(Mul, 1, U(Pow, U(Pow, x, 3), -1)), NONE, "1/x³"),
    (U(Mul, sin(x), U(Pow, x, -1)), NONE, "sin(x)/x"),
    (U(Mul, U(Add, U(Pow, x, 2), 1), U(Pow, U(Add, x, -1), -1)), NONE, "(x² + 1)/(x - 1)"),
    # stored products without a fraction or product factor are not dotted
    (U(Mul, exp(x), sin(x), cos(x)), NONE, "eˣ sin(x) cos(x)"),
    (U(Mul, U(Add, x, 1), U(Add, x, 2), x), NONE, "(x + 1)(x + 2)x"),
    (U(Mul, 3**x, x**3), NONE, "3ˣ·x³"),
    (U(Mul, U(Pow, x, 1 / x), U(Add, x, 1)), NONE, "x^(1/x)·(x + 1)"),
    (U(Mul, sqrt(x), x), NONE, "√x·x"),
    (x * sin(x), None, "x sin(x)"),
    (3 * x * y, None, "3xy"),
    (2 * x, None, "2x"),
    (x * (x + 1), None, "x(x + 1)"),
    (2 * sqrt(x), None, "2√x"),
    (1 / (2 * sqrt(x)), None, "1/(2√x)"),
    (x * exp(-x), None, "x e^(-x)"),
    (2 * exp(x), None, "2eˣ"),
    (-x**2 / 2, None, "-x²/2"),
    (x / 2, None, "x/2"),
    (f(g(x)), None, "f(g(x))"),
    (F_PRIME_SUBS, None, "f′(g(x))"),
    (F_PRIME_DERIV, None, "f′(g(x))"),
    (U(Mul, F_PRIME_SUBS, Derivative(g(x), x)), NONE, "f′(g(x)) g′(x)"),
    (Derivative(f(x), x), None, "f′(x)"),
    (Derivative(f(x), (x, 2)), None, "f″(x)"),
    (Derivative(x * sin(x), x), None, "d/dx (x sin(x))"),
    (theta**2, None, "θ²"),
    (sin(theta), None, "sin(θ)"),
    (U(Add, u1, x1), NONE, "u₁ + x₁"),
    (Rational(1, 2), None, "1/2"),
    (-Rational(1, 2), None, "-1/2"),
    (Float(0.1), None, "0.1"),
    (Float(1.5e-8), None, "1.5×10⁻⁸"),
]

LATEX_CASES = [
    (6 * x**2 * cot(x**3), None, r"6 x^{2} \cot\left(x^{3}\right)"),
    (log(sin(x**3) ** 2), None, r"\ln\left(\sin^{2}\left(x^{3}\right)\right)"),
    ((2 * x + 1) * cos(x**2 + x), None,
     r"\left(2 x + 1\right) \cos\left(x^{2} + x\right)"),
    (U(Add, x, U(Pow, x, 2)), NONE, "x + x^{2}"),
    (U(Add, x, U(Pow, x, 2)), None, "x^{2} + x"),
    (exp(-x), None, "e^{-x}"),
    (exp(x), None, "e^{x}"),
    (exp(x / 2), None, "e^{x/2}"),
    (1 / (1 + exp(-x)), None, r"\frac{1}{1 + e^{-x}}"),
    (sqrt(x), None, r"\sqrt{x}"),
    (cbrt(x + 1), None, r"\sqrt[3]{x + 1}"),
    (x ** Rational(2, 3), None, "x^{2/3}"),
    (Abs(x), None, r"\left\lvert x \right\rvert"),
    (Subs(Derivative(f(xi, x), xi), xi, x**2), None,
     r"\left. \frac{\partial}{\partial \xi} f\left(\xi, x\right) \right\vert_{\xi = x^{2}}"),
    (3 / (2 * x), None, r"\frac{3}{2 x}"),
    (sin(x) / x**2, None, r"\frac{\sin\left(x\right)}{x^{2}}"),
    (Rational(1, 2), None, r"\frac{1}{2}"),
    (F_PRIME_SUBS, None, r"f'\left(g\left(x\right)\right)"),
    (F_PRIME_DERIV, None, r"f'\left(g\left(x\right)\right)"),
    (Derivative(f(x), (x, 2)), None, r"f''\left(x\right)"),
    (LogBase(x, 2), None, r"\log_{2}\left(x\right)"),
    (sign(x), None, r"\operatorname{sgn}\left(x\right)"),
    (Ne(x, 0), None, r"x \neq 0"),
    (asin(x), None, r"\arcsin\left(x\right)"),
    (acot(x), None, r"\operatorname{arccot}\left(x\right)"),
    (asinh(x), None, r"\operatorname{arsinh}\left(x\right)"),
    (sec(x) ** 2, None, r"\sec^{2}\left(x\right)"),
    (csc(x), None, r"\csc\left(x\right)"),
    (CHAIN, NONE, r"\frac{1}{w} \cdot 2 v \cdot \cos\left(u\right) \cdot 3 x^{2}"),
    (U(Add, x, U(Mul, -1, y)), NONE, "x - y"),
    (U(Mul, 2, 3), NONE, r"2 \cdot 3"),
    (U(Mul, x, x), NONE, r"x \cdot x"),
    (U(Mul, x, U(Pow, 7, -1)), NONE, r"\frac{x}{7}"),
    (U(Mul, exp(x), sin(x), cos(x)), NONE, r"e^{x} \sin\left(x\right) \cos\left(x\right)"),
    (CHAIN_LN, NONE, r"\frac{1}{\sin^{2}\left(x\right)} \cdot 2 \sin\left(x\right) \cdot "
                     r"\cos\left(x\right) \cdot 3 x^{2}"),
    (theta**2, None, r"\theta^{2}"),
    (u1 * x1, None, "u_{1} x_{1}"),
    (pi, None, r"\pi"),
    (oo, None, r"\infty"),
    (Derivative(x * sin(x), x), None, r"\frac{d}{dx} \left(x \sin\left(x\right)\right)"),
    ((x + 1) ** 2, None, r"\left(x + 1\right)^{2}"),
]

NAMES = [
    # (name, text, latex)
    ("theta", "θ", r"\theta"),
    ("u_1", "u₁", "u_{1}"),
    ("x1", "x₁", "x_{1}"),
    ("w_2", "w₂", "w_{2}"),
    ("x12", "x₁₂", "x_{12}"),
    ("x_i", "xᵢ", "x_{i}"),
    ("x_b", "x_b", "x_{b}"),
    ("lambda", "λ", r"\lambda"),
    ("y", "y", "y"),
]

LEIBNIZ = [
    # (of, wrt, partial, order, text, latex)
    ("y", "x", False, 1, "dy/dx", r"\frac{dy}{dx}"),
    ("u_2", "x", True, 1, "∂u₂/∂x", r"\frac{\partial u_{2}}{\partial x}"),
    ("y", "x", False, 2, "d²y/dx²", r"\frac{d^{2}y}{dx^{2}}"),
    ("u", "x", True, 2, "∂²u/∂x²", r"\frac{\partial^{2} u}{\partial x^{2}}"),
    ("theta", "t", False, 1, "dθ/dt", r"\frac{d\theta}{dt}"),
    (None, "x", False, 1, "d/dx", r"\frac{d}{dx}"),
]


@pytest.mark.parametrize("expr, order, expected", TEXT_CASES)
def test_text(expr, order, expected):
    assert to_text(expr, order=order) == expected


@pytest.mark.parametrize("expr, order, expected", LATEX_CASES)
def test_latex(expr, order, expected):
    assert to_latex(expr, order=order) == expected


@pytest.mark.parametrize("name, text, latex", NAMES)
def test_names(name, text, latex):
    assert name_text(name) == text
    assert name_latex(name) == latex
    assert name_text(Symbol(name)) == text
    assert name_latex(Symbol(name)) == latex


@pytest.mark.parametrize("of, wrt, partial, order, text, latex", LEIBNIZ)
def test_leibniz(of, wrt, partial, order, text, latex):
    of_symbol = None if of is None else Symbol(of)
    assert leibniz_text(of_symbol, Symbol(wrt), partial=partial, order=order) == text
    assert leibniz_latex(of_symbol, Symbol(wrt), partial=partial, order=order) == latex


def test_text_uses_ascii_minus_only():
    """The terminal text uses the hyphen-minus, never U+2212."""
    for expr, order, _ in TEXT_CASES:
        assert "\u2212" not in to_text(expr, order=order)


def test_unevaluated_expressions_survive_printing():
    """Printing never evaluates: the stored expression is unchanged afterwards."""
    before = sp.srepr(CHAIN_LN)
    to_text(CHAIN_LN, order=NONE)
    to_latex(CHAIN_LN, order=NONE)
    assert sp.srepr(CHAIN_LN) == before


def _document(lines):
    body = " \\\\\n".join("  &= %s" % line for line in lines)
    return ("\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
            "\\begin{align*}\n%s\n\\end{align*}\n\\end{document}\n" % body)


def test_latex_compiles_with_amsmath(tmp_path):
    """Every LaTeX string of this file compiles inside align* with amsmath alone."""
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    lines = [to_latex(expr, order=order) for expr, order, _ in TEXT_CASES + LATEX_CASES]
    lines += [latex for *_, latex in LEIBNIZ] + [latex for *_, latex in NAMES]
    (tmp_path / "notation.tex").write_text(_document(lines), encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "notation.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:]
    assert (tmp_path / "notation.pdf").exists()


def test_a_negative_number_below_the_bar_is_bracketed():
    # the reciprocal of the slope -3/4 of a tangent, kept unevaluated for its line
    e = sp.Mul(-1, sp.Pow(sp.Rational(-3, 4), -1, evaluate=False), evaluate=False)
    assert to_text(e) == "-1/(-3/4)"
    assert to_text(sp.Pow(sp.Integer(-2), -1, evaluate=False)) == "1/(-2)"
    assert sp.simplify(parse(to_text(e)) - sp.Rational(4, 3)) == 0


# --- powers of one letter side by side ------------------------------------------------------

@pytest.mark.parametrize("expr, text, latex", [
    (2 * x * x**x, "2x·xˣ", r"2 x \cdot x^{x}"),
    (x**2 * x**x, "x²·xˣ", r"x^{2} \cdot x^{x}"),
    (x * x**x * sp.log(x), "x·xˣ ln(x)", r"x \cdot x^{x} \ln\left(x\right)"),
    (x * y**x, "xyˣ", r"x y^{x}"),
])
def test_powers_of_the_same_letter_are_not_run_together(expr, text, latex):
    """xxˣ would read as a typo; x·xˣ is how it is written."""
    assert to_text(expr) == text
    assert to_latex(expr) == latex
    read = parse(text)
    plain = read.xreplace({s: sp.Symbol(s.name) for s in read.free_symbols})
    assert sp.simplify(plain - expr) == 0


def test_a_root_after_a_power_of_e_is_written_beside_it():
    """eˣ√(x² + 1), as eˣ(x + 1): the superscript ends the power, no dot is needed."""
    e = sp.exp(x) * sp.sqrt(x**2 + 1)
    assert to_text(e) == "eˣ√(x² + 1)"
    assert to_latex(e) == r"e^{x} \sqrt{x^{2} + 1}"
