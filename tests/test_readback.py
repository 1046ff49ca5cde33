"""What is shown is what was checked: every formula a solution displays
is read back with derive's own parser and must be the expression that was checked.

Expected expressions are written here from the mathematics, never copied from derive.
"""

from __future__ import annotations

import pytest
import sympy as sp

from conftest import load_corpus
from derive import differentiate
from derive.core.engine import STYLES
from derive.errors import VerificationError
from derive.present import notation, readback
from derive.present.readback import read_back, read_back_leibniz

x, y, u1 = (sp.Symbol(n, real=True) for n in ("x", "y", "u_1"))
f = sp.Function("f")
ROWS = load_corpus()


@pytest.fixture(autouse=True)
def _reading_back():
    """The read-back is on for the command line and off by default in Python: on here."""
    with readback.checking(True):
        yield


# ------------------------------------------------------------------------------------------
# The whole corpus, every style, text and LaTeX
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["text", "latex"])
@pytest.mark.parametrize("style", STYLES)
def test_every_displayed_formula_of_the_corpus_reads_back(style, fmt):
    found = []
    with readback.reading(found):
        for row in ROWS:
            differentiate(row.input, row.wrt, style=style).render(fmt)
    assert not found, "\n".join(sorted(set(found))[:20])


@pytest.mark.parametrize("expression, wrt, order", [
    ("sin(x)", "x", 2),             # its second derivative was once labelled df/dx
    ("x^2 y^3", ["x", "y", "y"], 1),
    ("e^(x y)", ["y", "x"], 1),
])
def test_higher_orders_and_mixed_partials_read_back(expression, wrt, order):
    for fmt in ("text", "latex"):
        found = []
        with readback.reading(found):
            differentiate(expression, wrt, order=order).render(fmt)
        assert not found


# ------------------------------------------------------------------------------------------
# A printed line that would be false is a failed check
# ------------------------------------------------------------------------------------------
def product_rule_line():
    """(x³ − 2x)·d/dx[x² + 1] + (x² + 1)·d/dx[x³ − 2x]: the right side of the product rule
    for (x² + 1)(x³ − 2x)."""
    first, second = x**2 + 1, x**3 - 2 * x
    return sp.Add(sp.Mul(second, sp.Derivative(first, x), evaluate=False),
                  sp.Mul(first, sp.Derivative(second, x), evaluate=False), evaluate=False)


def test_the_product_rule_with_its_brackets_reads_back():
    read_back("(x³ - 2x) · d/dx[x² + 1] + (x² + 1) · d/dx[x³ - 2x]", product_rule_line(),
              "text")
    read_back(r"\left(x^{3} - 2 x\right) \cdot \frac{d}{dx}\left[x^{2} + 1\right] + "
              r"\left(x^{2} + 1\right) \cdot \frac{d}{dx}\left[x^{3} - 2 x\right]",
              product_rule_line(), "latex")


def test_the_product_rule_without_its_brackets_is_caught():
    """A line once printed: x³ − 2x·(2x) + x² + 1·(3x² − 2) is not the product rule."""
    with pytest.raises(VerificationError, match="x³ - 2x · d/dx"):
        read_back("x³ - 2x · d/dx[x² + 1] + x² + 1 · d/dx[x³ - 2x]", product_rule_line(),
                  "text")
    with pytest.raises(VerificationError):
        read_back(r"x^{3} - 2 x \cdot \frac{d}{dx}\left[x^{2} + 1\right] + x^{2} + 1 \cdot "
                  r"\frac{d}{dx}\left[x^{3} - 2 x\right]", product_rule_line(), "latex")


@pytest.fixture
def brackets_dropped(monkeypatch):
    """A broken printer: every bracket it would put around a group is left out."""
    monkeypatch.setattr(notation.TextPrinter, "_paren", lambda self, text: text)
    monkeypatch.setattr(notation.LatexBoardPrinter, "_paren", lambda self, text: text)


@pytest.mark.parametrize("fmt", ["text", "latex"])
def test_a_printer_that_drops_brackets_fails_the_check(brackets_dropped, fmt):
    assert "(" not in notation.to_text(sp.Mul(x + 1, x - 1, evaluate=False))
    with pytest.raises(VerificationError, match="read-back"):
        differentiate("(x^2+1)(x^3-2x)", style="compact").render(fmt)


def test_a_false_line_reads_back_as_a_mismatch():
    with pytest.raises(VerificationError, match="is not the expression that was checked"):
        read_back("2x + 1", 2 * x - 1, "text")
    with pytest.raises(VerificationError, match="cannot be read back"):
        read_back("2x +", 2 * x, "text")


@pytest.mark.parametrize("printed, expr, fmt", [
    ("6x² cot(x³)", 6 * x**2 * sp.cot(x**3), "text"),
    ("2x/(x² + 1)", 2 * x / (x**2 + 1), "text"),
    (r"\frac{2 x}{x^{2} + 1}", 2 * x / (x**2 + 1), "latex"),
    ("e²ˣ(2 sin(3x) + 3 cos(3x))",
     sp.exp(2 * x) * (2 * sp.sin(3 * x) + 3 * sp.cos(3 * x)), "text"),
    ("x(x cos(x) + 2 sin(x))", x * (x * sp.cos(x) + 2 * sp.sin(x)), "text"),
    ("(x² - 2x - 1)/(x - 1)²", (x**2 - 2 * x - 1) / (x - 1)**2, "text"),
    ("|x|/x", sp.Abs(x) / x, "text"),
    (r"\frac{\left\lvert x \right\rvert}{x}", sp.Abs(x) / x, "latex"),
    ("2u₁", 2 * u1, "text"),
    (r"2 u_{1}", 2 * u1, "latex"),
    ("f′(x²)·2x", sp.Subs(sp.Derivative(f(sp.Symbol("t")), sp.Symbol("t")),
                          sp.Symbol("t"), x**2) * 2 * x, "text"),
    ("x ≠ 0", sp.Ne(x, 0), "text"),
])
def test_true_lines_read_back(printed, expr, fmt):
    assert read_back(printed, expr, fmt) == printed


# ------------------------------------------------------------------------------------------
# Derivative symbols
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("printed, of, wrt, partial, order, fmt", [
    ("df/dx", "f", x, False, 1, "text"),
    ("d²f/dx²", "f", x, False, 2, "text"),
    ("∂u₂/∂x", "u_2", x, True, 1, "text"),
    ("∂²f/∂y∂x", "f", (x, y), True, 2, "text"),
    ("∂³f/∂y²∂x", "f", (x, y, y), True, 3, "text"),
    (r"\frac{dy}{dx}", "y", x, False, 1, "latex"),
    (r"\frac{d^{2}f}{dx^{2}}", "f", x, False, 2, "latex"),
    (r"\frac{\partial^{2} f}{\partial y \partial x}", "f", (x, y), True, 2, "latex"),
])
def test_leibniz_symbols_read_back(printed, of, wrt, partial, order, fmt):
    assert read_back_leibniz(printed, of, wrt, partial, order, fmt) == printed


@pytest.mark.parametrize("printed, of, wrt, partial, order, fmt", [
    ("df/dx", "f", x, False, 2, "text"),          # sin(x) --order 2 labelled df/dx
    ("∂f/∂y", "f", (x, y, y), True, 3, "text"),   # a mixed partial that never restates itself
    ("∂²f/∂x∂y", "f", (x, y), True, 2, "text"),   # variables in the wrong order
    ("dy/dx", "f", x, False, 1, "text"),
    ("∂y/∂x", "y", x, False, 1, "text"),
    (r"\frac{d f}{d y}", "f", x, False, 1, "latex"),
])
def test_wrong_leibniz_symbols_are_caught(printed, of, wrt, partial, order, fmt):
    with pytest.raises(VerificationError, match="derivative symbol"):
        read_back_leibniz(printed, of, wrt, partial, order, fmt)


# ------------------------------------------------------------------------------------------
# Derivative labels f′(x), f″(x), f⁽⁴⁾(x): read as labels, their name, order and variable
# those of the derivative
# ------------------------------------------------------------------------------------------
def nth(name, k, variable=x):
    return sp.Derivative(sp.Function(name)(variable), (variable, k))


@pytest.mark.parametrize("printed, expr, fmt", [
    ("f′(x)", nth("f", 1), "text"),
    ("f″(x)", nth("f", 2), "text"),
    ("f‴(x)", nth("f", 3), "text"),
    ("f⁽⁴⁾(x)", nth("f", 4), "text"),
    ("f⁽¹²⁾(y)", nth("f", 12, y), "text"),
    ("φ″(x)", nth("phi", 2), "text"),
    ("f'\\left(x\\right)", nth("f", 1), "latex"),
    ("f''\\left(x\\right)", nth("f", 2), "latex"),
    ("f^{(4)}\\left(x\\right)", nth("f", 4), "latex"),
    ("f^{\\prime\\prime}(x)", nth("f", 2), "latex"),
    ("\\phi^{(5)}\\left(y\\right)", nth("phi", 5, y), "latex"),
    ("f_{0}''\\left(x\\right)", nth("f_0", 2), "latex"),
])
def test_derivative_labels_read_back(printed, expr, fmt):
    assert read_back(printed, expr, fmt) == printed


@pytest.mark.parametrize("printed, expr, fmt", [
    ("f‴(x)", nth("f", 2), "text"),                         # the wrong order
    ("f⁽⁴⁾(x)", nth("f", 5), "text"),
    ("f⁽⁴⁾(y)", nth("f", 4), "text"),                       # the wrong variable
    ("g″(x)", nth("f", 2), "text"),                         # the wrong function
    ("f'''\\left(x\\right)", nth("f", 2), "latex"),
    ("f^{(4)}\\left(x\\right)", nth("f", 3), "latex"),
    ("f^{\\prime}(x)", nth("f", 2), "latex"),
    ("F^{(4)}\\left(x\\right)", nth("f", 4), "latex"),
])
def test_wrong_derivative_labels_are_caught(printed, expr, fmt):
    with pytest.raises(VerificationError, match="printed label"):
        read_back(printed, expr, fmt)


def test_a_label_printed_for_something_else_is_read_as_a_formula():
    """f^{(4)}(x) is a label only where a fourth derivative was printed: for the power
    f⁴·x it is a formula, which is not that power."""
    with pytest.raises(VerificationError, match="is not the expression"):
        read_back("f^{(4)}\\left(x\\right)", sp.Symbol("f", real=True)**4 * x + 1, "latex")
