"""Displayed lines that must be true as printed: brackets kept
around a factor that is a sum, signs folded into the operator, each order of a higher
derivative labelled with its own derivative, the derivative asked for restated at the end,
each factor of a chain-rule line the value of the derivative it stands under, the right rule
named, and the vector chain rule written with f and g.

Every expected line below is written by hand from the mathematics, in the text, Markdown and
LaTeX notations derive uses (x², \\left( … \\right), \\frac{d}{dx}).
"""

from __future__ import annotations

import pytest

from derive.api import differentiate, jacobian
from derive.errors import InputError
from derive.present.results import render


def _graph_style() -> str:
    """The computation-graph style's name (``graph``; ``method`` before the rename)."""
    for name in ("graph", "method"):
        try:
            differentiate("x", style=name)
            return name
        except (InputError, ValueError):
            continue
    raise AssertionError("no computation-graph style")


GRAPH = _graph_style()


def shown(expression, fmt="text", **options):
    return render(differentiate(expression, **options), fmt)


def lines(text):
    """The lines of a solution with runs of spaces made single (columns are padded)."""
    return [" ".join(line.split()) for line in text.splitlines()]


def one_line(text):
    """The whole solution on one line: long text lines are wrapped, LaTeX is not."""
    return " ".join(text.split())


# --- 1. a factor that is a sum keeps its brackets --------------------------------------------

@pytest.mark.parametrize("expression, first_line", [
    ("(x^2+1)(x^3-2x)",
     "d/dx[(x² + 1)(x³ - 2x)] = (x³ - 2x) · d/dx[x² + 1] + (x² + 1) · d/dx[x³ - 2x]"),
    ("(x+1) sin(x)", "d/dx[(x + 1) sin(x)] = sin(x) · d/dx[x + 1] + (x + 1) · d/dx[sin(x)]"),
    ("e^x (x+1)", "= (x + 1) · d/dx[eˣ] + eˣ · d/dx[x + 1]"),
    ("(x+1)^3 (x+2)", "= (x + 2) · d/dx[(x + 1)³] + (x + 1)³ · d/dx[x + 2]"),
])
def test_compact_product_rule_keeps_brackets(expression, first_line):
    text = shown(expression, style="compact")
    assert first_line in one_line(text)
    # no sum runs into the · that follows it
    assert "2x · d/dx" not in text and "1 · d/dx" not in text


def test_compact_chain_rule_brackets_a_sum_coefficient():
    # d/dx[(x + 1)²] = 2(x + 1) · d/dx[x + 1]: the coefficient is a sum in brackets
    # (or a product with the sum in brackets), never "2x + 2 · d/dx[x + 1]"
    text = one_line(shown("-(x+1)^2", style="compact"))
    assert "2x + 2 · d/dx" not in text
    assert "(2x + 2) · d/dx[x + 1]" in text or "2(x + 1) · d/dx[x + 1]" in text


def test_compact_product_rule_in_markdown_and_latex():
    expected = (r"\left(x^{3} - 2 x\right) \cdot \frac{d}{dx}\left[x^{2} + 1\right] + "
                r"\left(x^{2} + 1\right) \cdot \frac{d}{dx}\left[x^{3} - 2 x\right]")
    for fmt in ("markdown", "latex"):
        assert expected in shown("(x^2+1)(x^3-2x)", fmt, style="compact")


def test_negative_coefficient_after_the_first_is_subtracted():
    # (f/g)′ as applied: 1/(x − 1) · (x² + 1)′ − (x² + 1)/(x − 1)² · (x − 1)′, no "+ -"
    text = one_line(shown("(x^2+1)/(x-1)", style="compact"))
    assert "= 1/(x - 1) · d/dx[x² + 1] - (x² + 1)/(x - 1)² · d/dx[x - 1]" in text
    assert "+ -" not in text and "+ (-" not in text
    latex = shown("(x^2+1)/(x-1)", "latex", style="compact")
    assert (r"\frac{1}{x - 1} \cdot \frac{d}{dx}\left[x^{2} + 1\right] - "
            r"\frac{x^{2} + 1}{\left(x - 1\right)^{2}} \cdot \frac{d}{dx}\left[x - 1\right]"
            in latex)


# --- 2. each order labelled with its own derivative ------------------------------------------

def test_second_derivative_lines_are_labelled_d2f_dx2():
    text = lines(shown("sin(x)", order=2, style=GRAPH))
    assert "df/dx = cos(x) (derivative of sine)" in text
    assert "d²f/dx² = -sin(x) (derivative of cosine)" in text
    assert not any(line.startswith("df/dx = -sin(x)") for line in text)


def test_second_derivative_labels_in_markdown_and_latex():
    markdown = shown("sin(x)", "markdown", order=2, style=GRAPH)
    assert r"$\frac{d^{2}f}{dx^{2}} = -\sin\left(x\right)$" in markdown
    assert r"$\frac{df}{dx} = -\sin" not in markdown
    latex = shown("sin(x)", "latex", order=2, style=GRAPH)
    assert r"$\frac{d^{2}f}{dx^{2}} = -\sin\left(x\right)$" in latex


def test_third_derivative_labels_each_order():
    # x⁴: 4x³, 12x², 24x
    text = lines(shown("x^4", order=3, style=GRAPH))
    assert "df/dx = 4x³ (power rule)" in text
    assert "d²f/dx² = 4 · d/dx[x³] (constant multiple rule)" in text and "so d²f/dx² = 12x²" in text
    assert "d³f/dx³ = 12 · d/dx[x²] (constant multiple rule)" in text and "so d³f/dx³ = 24x" in text


def test_compact_higher_order_restates_the_derivative_asked_for():
    # the compact style writes d/dx[4x³]; the last line names d³f/dx³
    text = lines(shown("x^4", order=3, style="compact"))
    assert "so d/dx[12x²] = 24x" in text
    assert [line for line in text if line.startswith("so ")][-1] == "so d³f/dx³ = 24x"
    assert not any(line.startswith("df/dx") for line in text)


# --- 3. a mixed partial restates the derivative asked for ------------------------------------

def test_mixed_partial_is_labelled_and_restated():
    # f = x²y³: ∂f/∂x = 2xy³, ∂²f/∂y∂x = 6xy², ∂³f/∂y²∂x = 12xy
    text = lines(shown("x^2 y^3", wrt=["x", "y", "y"]))
    assert "so ∂f/∂x = 2xy³" in text
    assert "so ∂²f/∂y∂x = 6xy²" in text
    assert [line for line in text if line.startswith("so ")][-1] == "so ∂³f/∂y²∂x = 12xy"
    assert "so ∂f/∂y = 12xy" not in text


def test_mixed_partial_restated_in_latex():
    latex = shown("x^2 y^3", "latex", wrt=["x", "y", "y"])
    assert r"so $\frac{\partial^{3} f}{\partial y^{2} \partial x} = 12 x y$" in latex


def test_graph_style_higher_order_ends_with_the_derivative_asked_for():
    # d²/dx² sin(x²) = 2 cos(x²) − 4x² sin(x²), in whatever final form: the last line before
    # the check names d²f/dx²
    text = lines(shown("sin(x^2)", order=2, style=GRAPH))
    last = [line for line in text if line and not line.startswith("checked")][-1]
    assert last.startswith("so d²f/dx² = ")


# --- 4. each factor shown is the value of the derivative it stands under ---------------------

def test_sigmoid_chain_rule_multiplies_four_factors():
    # y = 1/w, w = 1 + v, v = eᵘ, u = −x:  dy/dw · dw/dv · dv/du · du/dx = (−1/w²)·1·eᵘ·(−1)
    text = one_line(shown("1/(1+e^(-x))", style=GRAPH))
    assert "dy/dx = dy/dw · dw/dv · dv/du · du/dx = (-1/w²)·1·eᵘ·(-1) = eᵘ/w²" in text
    latex = one_line(shown("1/(1+e^(-x))", "latex", style=GRAPH))
    assert (r"= -\frac{1}{w^{2}} \cdot 1 \cdot e^{u} \cdot \left(-1\right) = \frac{e^{u}}{w^{2}}"
            in latex)


def test_difference_of_squares_total_derivative_keeps_each_sign():
    # y = u₂ − u₄: ∂y/∂u₂ = 1 and ∂y/∂u₄ = −1, each standing under its own symbol
    for fmt, expected in (
            ("text", "dy/dx = ∂y/∂u₂ · du₂/dx + ∂y/∂u₄ · du₄/dx = 1·(-2u₁ sin(x)) "
                     "+ (-1)·2u₃ cos(x)"),
            ("markdown", r"= 1 \cdot \left(-2 u_{1} \sin\left(x\right)\right) + "
                         r"\left(-1\right) \cdot 2 u_{3} \cos\left(x\right)"),
            ("latex", r"= 1 \cdot \left(-2 u_{1} \sin\left(x\right)\right) + "
                      r"\left(-1\right) \cdot 2 u_{3} \cos\left(x\right)")):
        text = one_line(shown("cos(x)^2 - sin(x)^2", fmt, style=GRAPH))
        assert expected in text, fmt
        assert "-1·2u₁" not in text


# --- 5. the rule named is the rule used ------------------------------------------------------

def test_reciprocal_is_the_power_rule_not_a_constant_multiple():
    # d(1/w)/dw = −1/w² by the power rule (1/w = w⁻¹)
    text = lines(shown("1/(1+e^(-x))", style=GRAPH))
    assert any(line.endswith("dy/dw = -1/w² (power rule)") for line in text)
    assert not any("dy/dw" in line and "constant multiple" in line for line in text)


def test_compact_reciprocal_has_no_step_that_multiplies_by_one():
    text = lines(shown("1/(1+x^2)", style="compact"))
    assert "d/dx[1/(1 + x²)] = -1/(x² + 1)² · d/dx[1 + x²] (power rule, chain rule)" in text
    assert "d/dx[1/(1 + x²)] = d/dx[1/(1 + x²)] (constant multiple rule)" not in text


# --- 6. the vector chain rule names f and g --------------------------------------------------

def test_vector_chain_rule_names_f_and_g():
    array = jacobian("[u^2, u v]", ["x", "y"], where=["u=x+y", "v=x y"])
    text = render(array, "text")
    assert ("Vector chain rule: ∂f/∂x = ∂f/∂g · ∂g/∂x, (2×2)·(2×2) = 2×2, "
            "with f = (f₁, f₂) and g = (u, v)") in text
    assert "The outer Jacobian ∂f/∂g:" in text
    assert "∂f₁/∂g" not in text
    for fmt in ("markdown", "latex"):
        assert (r"\frac{\partial f}{\partial x} = \frac{\partial f}{\partial g} \cdot "
                r"\frac{\partial g}{\partial x}") in render(array, fmt)
